#include "lib/lint/ddl.h"

#include <algorithm>

#include "lib/common/arena.h"
#include "lib/common/status.h"
#include "lib/common/str_cat.h"

namespace rlsq::lint {

namespace {

// psql meta-command lines (`\connect db`, `\restrict key` in pg_dump output) are blanked out, keeping every
// other byte where it was so that positions stay right.
std::string WithoutMetaCommands(std::string_view text) {
  std::string out(text);
  size_t line = 0;
  while (line < out.size()) {
    size_t end = out.find('\n', line);
    if (end == std::string::npos) end = out.size();
    size_t first = out.find_first_not_of(" \t\r", line);
    if (first < end && out[first] == '\\') std::fill(out.begin() + first, out.begin() + end, ' ');
    line = end + 1;
  }
  return out;
}

class Reader {
 public:
  Reader(const std::vector<Token>& tokens, const Dialect& dialect) : t_(tokens), dialect_(dialect) {}

  absl::StatusOr<std::vector<DdlRelation>> Run() {
    while (!AtEnd()) {
      if (IsPunct(";")) {
        ++i_;
        continue;
      }
      size_t start = i_;
      if (Word("create")) {
        ++i_;
        if (Word("or") && WordAt(i_ + 1, "replace")) i_ += 2;
        if (Word("global") || Word("local")) ++i_;
        if (Word("temp") || Word("temporary") || Word("unlogged")) ++i_;
        if (Word("foreign")) ++i_;
        if (Word("table")) {
          ++i_;
          RLSQ_RETURN_IF_ERROR(CreateTable());
          continue;
        }
        if (Word("materialized") || Word("recursive")) ++i_;
        if (Word("view")) {
          ++i_;
          RLSQ_RETURN_IF_ERROR(CreateView());
          continue;
        }
      } else if (Word("alter") && WordAt(i_ + 1, "table")) {
        i_ += 2;
        RLSQ_RETURN_IF_ERROR(AlterTable());
        continue;
      }
      i_ = start;
      SkipStatement();
    }
    return std::move(relations_);
  }

 private:
  const Token& Tok() const { return t_[i_]; }
  bool AtEnd() const { return t_[i_].kind == TokenKind::kEof; }
  bool WordAt(size_t i, std::string_view w) const { return t_[i].kind == TokenKind::kIdent && t_[i].text == w; }
  bool Word(std::string_view w) const { return WordAt(i_, w); }
  bool IsPunct(std::string_view p) const { return Tok().kind == TokenKind::kPunct && Tok().text == p; }

  absl::Status Error(const Token& at, std::string_view message) const {
    return absl::InvalidArgumentError(Cat(at.line, ":", at.column, ": ", message));
  }
  absl::Status Error(std::string_view message) const { return Error(Tok(), message); }

  std::string Shown(const Token& t) const {
    return t.kind == TokenKind::kEof ? std::string("the end of the file") : Cat("\"", t.text, "\"");
  }

  // To the next top-level `;` (or the end).
  void SkipStatement() {
    int depth = 0;
    while (!AtEnd()) {
      if (Tok().kind == TokenKind::kPunct) {
        std::string_view p = Tok().text;
        if (p == "(" || p == "[") ++depth;
        if ((p == ")" || p == "]") && depth > 0) --depth;
        if (p == ";" && depth == 0) return;
      }
      ++i_;
    }
  }

  // To the next `,` or `)` at the current nesting level; false when the statement or file ends first.
  bool SkipToListEnd() {
    int depth = 0;
    while (!AtEnd()) {
      if (Tok().kind == TokenKind::kPunct) {
        std::string_view p = Tok().text;
        if (depth == 0 && (p == "," || p == ")")) return true;
        if (p == ";") return false;
        if (p == "(" || p == "[") ++depth;
        if (p == ")" || p == "]") --depth;
      }
      ++i_;
    }
    return false;
  }

  // A name PostgreSQL accepts as a table or column name: a quoted identifier, or a word that is not a reserved or
  // type/function-name keyword.
  absl::StatusOr<std::string> Identifier(std::string_view what) {
    const Token& t = Tok();
    if (t.kind == TokenKind::kQuotedIdent) {
      ++i_;
      return std::string(t.text);
    }
    if (t.kind == TokenKind::kIdent) {
      KeywordCategory k = dialect_.Keyword(t.text);
      if (k == KeywordCategory::kReserved || k == KeywordCategory::kTypeFuncName)
        return Error(Cat("\"", t.text, "\" is a reserved word and cannot be a ", what, " unless quoted"));
      ++i_;
      return std::string(t.text);
    }
    return Error(Cat("expected a ", what, ", found ", Shown(t)));
  }

  absl::StatusOr<DdlRelation> RelationName() {
    DdlRelation r;
    r.line = Tok().line;
    r.column = Tok().column;
    if (Word("if") && WordAt(i_ + 1, "not") && WordAt(i_ + 2, "exists")) {
      i_ += 3;
      r.if_not_exists = true;
      r.line = Tok().line;
      r.column = Tok().column;
    }
    while (true) {
      RLSQ_ASSIGN_OR_RETURN(std::string part, Identifier("table name"));
      r.name.push_back(std::move(part));
      if (!IsPunct(".")) break;
      ++i_;
      if (r.name.size() == 3) return Error("a table name has at most three parts (database.schema.table)");
    }
    return r;
  }

  absl::Status CreateTable() {
    RLSQ_ASSIGN_OR_RETURN(DdlRelation r, RelationName());
    if (Word("of") || Word("partition") || Word("as"))
      return Error(Cat("cannot read the columns of CREATE TABLE ... ", ToUpper(Tok().text),
                       ": its columns come from elsewhere; give the table's columns"));
    if (!IsPunct("(")) return Error(Cat("expected \"(\" and the columns of the table, found ", Shown(Tok())));
    ++i_;
    if (IsPunct(")")) {
      ++i_;
    } else {
      while (true) {
        RLSQ_RETURN_IF_ERROR(TableElement(&r));
        if (IsPunct(",")) {
          ++i_;
          continue;
        }
        if (IsPunct(")")) {
          ++i_;
          break;
        }
        return Error(Cat("expected \",\" or \")\" in the column list, found ", Shown(Tok())));
      }
    }
    // What follows the column list (WITH, TABLESPACE, PARTITION BY, SERVER, ON COMMIT) adds no columns, except
    // INHERITS.
    int depth = 0;
    for (; !AtEnd(); ++i_) {
      if (Tok().kind == TokenKind::kPunct) {
        if (Tok().text == "(") ++depth;
        if (Tok().text == ")") --depth;
        if (Tok().text == ";" && depth <= 0) break;
      }
      if (depth == 0 && Word("inherits"))
        return Error("cannot read the columns of CREATE TABLE ... INHERITS: the parent's columns are not known here; "
                     "list every column");
    }
    return Add(std::move(r));
  }

  absl::Status TableElement(DdlRelation* r) {
    static constexpr std::string_view kConstraints[] = {"constraint", "primary", "unique", "check", "foreign",
                                                         "exclude"};
    for (std::string_view c : kConstraints) {
      if (Word(c)) {
        if (!SkipToListEnd()) return Error("unterminated table constraint");
        return absl::OkStatus();
      }
    }
    if (Word("like"))
      return Error("cannot read the columns of CREATE TABLE (LIKE ...): list the columns of the table");
    const Token& name_token = Tok();
    RLSQ_ASSIGN_OR_RETURN(std::string column, Identifier("column name"));
    if (IsPunct(",") || IsPunct(")") || AtEnd() || IsPunct(";"))
      return Error(Cat("column \"", column, "\" has no type"));
    if (std::find(r->columns.begin(), r->columns.end(), column) != r->columns.end())
      return Error(name_token, Cat("column \"", column, "\" is defined twice"));
    r->columns.push_back(std::move(column));
    if (!SkipToListEnd()) return Error(Cat("unterminated column definition of \"", r->columns.back(), "\""));
    return absl::OkStatus();
  }

  absl::Status CreateView() {
    RLSQ_ASSIGN_OR_RETURN(DdlRelation r, RelationName());
    r.columns_known = false;
    SkipStatement();
    return Add(std::move(r));
  }

  // ALTER TABLE statements that change columns or names cannot be followed: refused. The rest (OWNER TO, ADD
  // CONSTRAINT, ALTER COLUMN ... SET DEFAULT / ADD GENERATED, ...) is skipped.
  absl::Status AlterTable() {
    if (Word("if") && WordAt(i_ + 1, "exists")) i_ += 2;
    if (Word("only")) ++i_;
    RLSQ_ASSIGN_OR_RETURN(DdlRelation r, RelationName());
    (void)r;
    if (Tok().kind == TokenKind::kOperator && Tok().text == "*") ++i_;
    auto refuse = [&](const Token& at) {
      return Error(at, "ALTER TABLE changes a table's columns or name here, which rlsq lint does not follow; give "
                       "the table's final CREATE TABLE");
    };
    static constexpr std::string_view kConstraints[] = {"constraint", "primary", "unique", "check", "foreign",
                                                         "exclude"};
    auto is_constraint = [&](size_t at) {
      for (std::string_view c : kConstraints)
        if (WordAt(at, c)) return true;
      return false;
    };
    while (!AtEnd() && !IsPunct(";")) {
      // One action, up to a top-level comma.
      const Token& first = Tok();
      if (Word("add") && !is_constraint(i_ + 1)) return refuse(first);
      if (Word("drop") && !WordAt(i_ + 1, "constraint")) return refuse(first);
      if (Word("rename") && !WordAt(i_ + 1, "constraint")) return refuse(first);
      if (Word("set") && WordAt(i_ + 1, "schema")) return refuse(first);
      if (!SkipToListEnd()) break;
      if (IsPunct(",")) {
        ++i_;
      } else {
        return Error("unbalanced \")\" in ALTER TABLE");
      }
    }
    return absl::OkStatus();
  }

  absl::Status Add(DdlRelation r) {
    for (const DdlRelation& existing : relations_) {
      if (existing.name != r.name) continue;
      if (r.if_not_exists) return absl::OkStatus();  // PostgreSQL keeps the first definition
      return absl::InvalidArgumentError(Cat(r.line, ":", r.column, ": relation \"", Joined(r.name),
                                            "\" is defined twice (first at ", existing.line, ":", existing.column,
                                            ")"));
    }
    relations_.push_back(std::move(r));
    return absl::OkStatus();
  }

  static std::string Joined(const std::vector<std::string>& parts) {
    std::string out;
    for (const std::string& p : parts) Append(&out, out.empty() ? "" : ".", p);
    return out;
  }
  static std::string ToUpper(std::string_view s) {
    std::string out(s);
    for (char& c : out)
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    return out;
  }

  const std::vector<Token>& t_;
  const Dialect& dialect_;
  size_t i_ = 0;
  std::vector<DdlRelation> relations_;
};

}  // namespace

absl::StatusOr<std::vector<DdlRelation>> ParseDdl(std::string_view text, const Dialect& dialect) {
  std::string source = WithoutMetaCommands(text);
  Arena arena;
  std::vector<Token> tokens;
  RLSQ_RETURN_IF_ERROR(dialect.Tokenize(source, arena, &tokens));
  return Reader(tokens, dialect).Run();
}

}  // namespace rlsq::lint
