#include "lib/names/table_name.h"

#include <vector>

#include "lib/common/str_cat.h"
#include "lib/common/arena.h"
#include "lib/common/status.h"

namespace rlsq {

std::string TableName::Key() const { return Cat(schema, std::string_view("\x1f", 1), name); }

std::string TableName::ToSql(const Dialect& dialect) const {
  std::string out;
  if (!catalog.empty()) {
    dialect.AppendIdentifier(catalog, &out);
    out += '.';
  }
  dialect.AppendIdentifier(schema, &out);
  out += '.';
  dialect.AppendIdentifier(name, &out);
  return out;
}

TableName ResolveTableName(const ast::List<ast::Ident>& parts, std::string_view default_schema) {
  TableName t;
  size_t n = parts.size();
  if (n >= 1) t.name = std::string(parts[n - 1].text);
  t.schema = n >= 2 ? std::string(parts[n - 2].text) : std::string(default_schema);
  if (n >= 3) t.catalog = std::string(parts[n - 3].text);
  return t;
}

absl::StatusOr<std::vector<std::string>> ParseNameParts(std::string_view text, const Dialect& dialect) {
  Arena arena;
  std::vector<Token> tokens;
  absl::Status lexed = dialect.Tokenize(text, arena, &tokens);
  if (!lexed.ok()) return absl::InvalidArgumentError(Cat("bad table name \"", text, "\": ", lexed.message()));
  std::vector<std::string> parts;
  bool want_name = true;
  for (const Token& t : tokens) {
    if (t.kind == TokenKind::kEof) break;
    if (want_name && (t.kind == TokenKind::kIdent || t.kind == TokenKind::kQuotedIdent)) {
      parts.emplace_back(t.text);
      want_name = false;
    } else if (!want_name && t.kind == TokenKind::kPunct && t.text == ".") {
      want_name = true;
    } else {
      return absl::InvalidArgumentError(
          Cat("bad table name \"", text, "\": unexpected \"", text.substr(t.begin, t.end - t.begin), "\""));
    }
  }
  if (parts.empty() || want_name || parts.size() > 3)
    return absl::InvalidArgumentError(Cat("bad table name \"", text, "\": expected [database.][schema.]table"));
  return parts;
}

absl::StatusOr<TableName> ParseTableName(std::string_view text, const Dialect& dialect,
                                         std::string_view default_schema) {
  RLSQ_ASSIGN_OR_RETURN(std::vector<std::string> parts, ParseNameParts(text, dialect));
  TableName out;
  out.name = parts.back();
  out.schema = parts.size() >= 2 ? parts[parts.size() - 2] : std::string(default_schema);
  if (parts.size() == 3) out.catalog = parts[0];
  return out;
}

}  // namespace rlsq
