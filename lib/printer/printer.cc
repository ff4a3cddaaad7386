// AST -> SQL text. One line, upper-case keywords, single spaces, identifiers and strings written through the
// dialect's quoting functions.
//
// Round trip: the parser keeps the source's parentheses (Paren nodes, QueryNode::parenthesized, JoinRef::
// parenthesized), so printing every node in its own syntax reproduces the tree. The printer adds parentheses of its
// own only where a tree could not be written otherwise (an AST built by hand, e.g. by the rewriter): an operand
// that binds more loosely than its position allows (PostgreSQL 15 precedence), a set-operation operand carrying
// its own ORDER BY / LIMIT / WITH, a join as the right operand of a join, ... For trees produced by the parser
// these cases never arise, because the source needed the same parentheses.
//
// Identifiers go through Dialect::AppendIdentifier, which quotes only where needed (`"orders"` is written
// `orders`: the same identifier, and ast::Equals compares normalized text). The one refinement: a keyword that is
// allowed unquoted in its position (the function name `left`, a column label `AS year`) is written bare, after
// checking with the dialect's own lexer and keyword table that it reads back as that same identifier. Text that
// must be a keyword or an operator but is not (only possible in a hand-built AST) is written as a quoted
// identifier (Dialect::AppendQuotedIdentifier), so the database rejects it rather than runs it.
#include "lib/common/ascii.h"
#include "lib/printer/printer.h"

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

namespace rlsq {
namespace {

using namespace ast;  // NOLINT

// Binding strength of an expression's top operator, PostgreSQL 15 gram.y order (higher binds tighter).
enum Level : int {
  kLevelOr = 1,
  kLevelAnd = 2,
  kLevelNot = 3,
  kLevelIs = 4,          // IS ..., ISNULL, NOTNULL
  kLevelCompare = 5,     // < > = <= >= <>  (non-associative); also op ANY/ALL (...)
  kLevelIn = 6,          // BETWEEN, IN, LIKE, ILIKE, SIMILAR TO (non-associative)
  kLevelOp = 7,          // any other operator, prefix or infix
  kLevelAdd = 8,         // + -
  kLevelMul = 9,         // * / %
  kLevelPow = 10,        // ^
  kLevelAtTimeZone = 11,
  kLevelCollate = 12,
  kLevelUnary = 13,      // unary + -
  kLevelPostfix = 14,    // x[i], x::t, (x).f
  kLevelPrimary = 100,
};

enum class IdentPos {
  kColId,     // column, table, alias, CTE and window names: unreserved and col_name keywords allowed bare
  kFuncName,  // function and type names: unreserved and type_func_name keywords allowed bare
  kColLabel,  // after AS in a select list, after a dot: every keyword allowed bare
};

bool IsOperatorChar(char c) {
  switch (c) {
    case '+': case '-': case '*': case '/': case '<': case '>': case '=': case '~': case '!':
    case '@': case '#': case '%': case '^': case '&': case '|': case '`': case '?':
      return true;
    default:
      return false;
  }
}

bool IsUpperWordText(std::string_view s) {  // keyword text: letters, '_' and single spaces
  if (s.empty() || s.front() == ' ' || s.back() == ' ') return false;
  for (char c : s)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == ' ')) return false;
  return true;
}

// Operator text as the lexer produces it ("+", "||", "@>") or OPERATOR(schema.op); never contains a comment start.
bool IsOperatorText(std::string_view s) {
  if (s.empty()) return false;
  if (s.find("--") != std::string_view::npos || s.find("/*") != std::string_view::npos) return false;
  bool all_op = true;
  for (char c : s)
    if (!IsOperatorChar(c)) all_op = false;
  if (all_op) return true;
  constexpr std::string_view kPrefix = "OPERATOR(";
  if (s.size() > kPrefix.size() + 1 && (s.substr(0, kPrefix.size()) == kPrefix || s.substr(0, 9) == "operator(") &&
      s.back() == ')') {
    std::string_view inner = s.substr(kPrefix.size(), s.size() - kPrefix.size() - 1);
    for (char c : inner) {
      bool ok = IsOperatorChar(c) || c == '.' || c == '_' || c == ' ' || c == '"' || (c >= 'a' && c <= 'z') ||
                (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || static_cast<unsigned char>(c) >= 0x80;
      if (!ok) return false;
    }
    return true;
  }
  return false;
}

bool IsNumberText(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && s[i] == '-') ++i;
  if (s.size() > i + 2 && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X')) {  // SQLite's hex integers
    for (size_t k = i + 2; k < s.size(); ++k)
      if (!((s[k] >= '0' && s[k] <= '9') || (s[k] >= 'a' && s[k] <= 'f') || (s[k] >= 'A' && s[k] <= 'F')))
        return false;
    return true;
  }
  size_t digits = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++digits;
  }
  if (digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    size_t exp_digits = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++exp_digits;
    if (exp_digits == 0) return false;
  }
  return i == s.size();
}

bool IsDigitsText(std::string_view s, bool hex) {
  for (char c : s) {
    bool ok = c == '0' || c == '1' ||
              (hex && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')));
    if (!ok) return false;
  }
  return true;
}

bool IsNegativeNumber(const Expr& e) {
  const auto* lit = e.As<Literal>();
  return lit && (lit->literal_kind == LiteralKind::kInteger || lit->literal_kind == LiteralKind::kNumeric) &&
         !lit->value.empty() && lit->value.front() == '-';
}

int BinaryLevel(std::string_view op) {
  if (op == "OR") return kLevelOr;
  if (op == "AND") return kLevelAnd;
  if (op == "=" || op == "<" || op == ">" || op == "<=" || op == ">=" || op == "<>" || op == "!=")
    return kLevelCompare;
  if (op == "+" || op == "-") return kLevelAdd;
  if (op == "*" || op == "/" || op == "%") return kLevelMul;
  if (op == "^") return kLevelPow;
  if (op == "AT TIME ZONE") return kLevelAtTimeZone;
  return kLevelOp;
}

bool IsLikeOperator(std::string_view op) {
  return op == "LIKE" || op == "NOT LIKE" || op == "ILIKE" || op == "NOT ILIKE" || op == "SIMILAR TO" ||
         op == "NOT SIMILAR TO";
}

// `x op ANY (...)` binds like its operator: a comparison, LIKE, or any other operator.
int QuantifiedLevel(std::string_view op) {
  if (IsLikeOperator(op)) return kLevelIn;
  int level = BinaryLevel(op);
  return level == kLevelCompare ? kLevelCompare : kLevelOp;
}

// A prefix operator other than NOT and the signs (`~ x`, `|/ x`): it may start any operand of an operator at its
// own level (`a || ~b`), and its operand extends over + - * / ... (`~ a + b` is `~ (a + b)`).
bool IsPrefixOp(const Expr* e) {
  const auto* u = e ? e->As<UnaryOp>() : nullptr;
  return u && u->op != "NOT" && u->op != "-" && u->op != "+";
}

int LevelOf(const Expr& e) {
  switch (e.kind) {
    case NodeKind::kBinaryOp:
      return BinaryLevel(e.Cast<BinaryOp>().op);
    case NodeKind::kUnaryOp: {
      std::string_view op = e.Cast<UnaryOp>().op;
      if (op == "NOT") return kLevelNot;
      if (op == "-" || op == "+") return kLevelUnary;
      return kLevelOp;
    }
    case NodeKind::kIsTest:
      return kLevelIs;
    case NodeKind::kBetween:
    case NodeKind::kInList:
    case NodeKind::kLike:
      return kLevelIn;
    case NodeKind::kSubquery: {
      const auto& s = e.Cast<SubqueryExpr>();
      if (s.subquery_kind == SubqueryKind::kIn) return kLevelIn;
      if (s.subquery_kind == SubqueryKind::kAny || s.subquery_kind == SubqueryKind::kAll ||
          s.subquery_kind == SubqueryKind::kSome)
        return QuantifiedLevel(s.op);
      return kLevelPrimary;
    }
    case NodeKind::kQuantified:
      return QuantifiedLevel(e.Cast<Quantified>().op);
    case NodeKind::kCast:
      return e.Cast<Cast>().postgres_style ? kLevelPostfix : kLevelPrimary;
    case NodeKind::kCollate:
      return kLevelCollate;
    case NodeKind::kSubscript:
    case NodeKind::kFieldAccess:
      return kLevelPostfix;
    case NodeKind::kLiteral:
      return IsNegativeNumber(e) ? kLevelUnary : kLevelPrimary;
    default:
      return kLevelPrimary;
  }
}

bool HasModifiers(const QueryNode& q) {
  return q.with != nullptr || !q.order_by.empty() || q.limit_syntax != LimitSyntax::kNone || q.limit != nullptr ||
         q.offset != nullptr;
}

int SetOpLevel(const QueryNode& q) {
  if (const auto* s = q.As<SetOpNode>(); s && !s->parenthesized && !HasModifiers(*s))
    return s->op == SetOpKind::kIntersect ? 2 : 1;
  return 3;  // a plain query or one that will be printed in parentheses
}

class Printer {
 public:
  Printer(const PrintOptions& options, std::string* out)
      : d_(options.dialect ? *options.dialect : Dialect::Postgres()), qualifier_(options.qualify_columns_with),
        table_ref_(options.table_ref), out_(*out) {}

  void Root(const Node& node) {
    // Columns are qualified outside the printed node's own subqueries; a printed query is itself level 1.
    qualify_max_depth_ = IsQuery(node) ? 1 : 0;
    Any(node);
  }

  // " TABLESAMPLE method (args) [REPEATABLE (seed)]" of a sampled table reference.
  void TableSample(const BaseTableRef& b) {
    Put(" TABLESAMPLE ");
    Name(b.sample_method, IdentPos::kColId);
    Put(" (");
    ExprList(b.sample_args);
    Put(')');
    if (b.sample_repeatable) {
      Put(" REPEATABLE (");
      E(b.sample_repeatable, 0);
      Put(')');
    }
  }

 private:
  static bool IsQuery(const Node& n) {
    return n.Is<SelectNode>() || n.Is<SetOpNode>() || n.Is<ValuesNode>() || n.Is<TableQueryNode>();
  }

  void Put(std::string_view s) { out_.append(s); }
  void Put(char c) { out_.push_back(c); }

  // A keyword or keyword sequence the AST stores as text (SpecialFunc names, BinaryOp "AND"): written upper case
  // after checking it is only letters and spaces. Anything else is written as a quoted identifier, which the
  // database rejects rather than runs.
  void Keyword(std::string_view kw) {
    if (!IsUpperWordText(kw)) {
      d_.AppendQuotedIdentifier(kw, &out_);
      return;
    }
    for (char c : kw) out_.push_back((c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c);
  }

  void Operator(std::string_view op) {
    if (IsUpperWordText(op)) {
      Keyword(op);
    } else if (IsOperatorText(op)) {
      Put(op);
    } else {
      d_.AppendQuotedIdentifier(op, &out_);  // not an operator: make it a syntax error, never run it
    }
  }

  // ---- identifiers --------------------------------------------------------------------------------------------

  bool KeywordAllowedBare(KeywordCategory cat, IdentPos pos) const {
    switch (cat) {
      case KeywordCategory::kNone:
      case KeywordCategory::kUnreserved:
        return true;
      case KeywordCategory::kColName:
        return pos != IdentPos::kFuncName;
      case KeywordCategory::kTypeFuncName:
        return pos != IdentPos::kColId;
      case KeywordCategory::kReserved:
        return pos == IdentPos::kColLabel;
    }
    return false;
  }

  // True if `word` lexes as exactly one unquoted identifier with the same normalized text.
  bool ReadsBackBare(std::string_view word) const {
    if (word.empty()) return false;
    Arena arena(256);
    std::vector<Token> tokens;
    if (!d_.Tokenize(word, arena, &tokens).ok()) return false;
    return tokens.size() == 2 && tokens[0].kind == TokenKind::kIdent && tokens[0].begin == 0 &&
           tokens[0].end == word.size() && tokens[0].text == word && tokens[1].kind == TokenKind::kEof;
  }

  void Ident(const ast::Ident& id, IdentPos pos) {
    if (id.double_quoted) {  // SQLite: "x" may be a string where no column matches; bare x never is
      out_.push_back('"');
      for (char c : id.text) {
        if (c == '"') out_.push_back('"');
        out_.push_back(c);
      }
      out_.push_back('"');
      return;
    }
    size_t mark = out_.size();
    d_.AppendIdentifier(id.text, &out_);
    if (std::string_view(out_).substr(mark) == id.text) return;  // written bare
    // The dialect quoted it (a keyword, or a character it always quotes). Keep it bare when it reads back as the
    // same identifier in this position: `left(s, 2)` reads better than `"left"(s, 2)`.
    if (KeywordAllowedBare(d_.Keyword(id.text), pos) && ReadsBackBare(id.text)) {
      out_.resize(mark);
      out_.append(id.text);
    }
  }

  void Name(const List<ast::Ident>& parts, IdentPos first_pos) {
    for (size_t i = 0; i < parts.size(); ++i) {
      if (i > 0) Put('.');
      // After a dot every keyword is allowed (attr_name); a single-part name takes the position's rule.
      Ident(parts[i], i == 0 ? (parts.size() == 1 ? first_pos : IdentPos::kColId) : IdentPos::kColLabel);
    }
  }

  void IdentList(const List<ast::Ident>& ids, IdentPos pos) {
    for (size_t i = 0; i < ids.size(); ++i) {
      if (i > 0) Put(", ");
      Ident(ids[i], pos);
    }
  }

  // ---- dispatch -----------------------------------------------------------------------------------------------

  void Any(const Node& node) {
    switch (node.kind) {
      case NodeKind::kSelect:
      case NodeKind::kSetOp:
      case NodeKind::kValues:
      case NodeKind::kTableQuery:
        Query(static_cast<const QueryNode&>(node), false);
        return;
      case NodeKind::kBaseTable:
      case NodeKind::kDerivedTable:
      case NodeKind::kJoin:
      case NodeKind::kFunctionTable:
        TableRefNode(static_cast<const TableRef&>(node), false);
        return;
      case NodeKind::kWith:
        With(node.Cast<WithClause>());
        return;
      case NodeKind::kCte:
        Cte(node.Cast<CommonTableExpr>());
        return;
      case NodeKind::kAlias:
        AliasBody(node.Cast<AliasClause>());
        return;
      case NodeKind::kSelectItem:
        Target(node.Cast<SelectItem>());
        return;
      case NodeKind::kOrderItem:
        Order(node.Cast<OrderItem>());
        return;
      case NodeKind::kWindowDef:
        WindowDefinition(node.Cast<WindowDef>());
        return;
      case NodeKind::kWindowSpec:
        Window(node.Cast<WindowSpec>());
        return;
      case NodeKind::kCaseWhen: {
        const auto& w = node.Cast<CaseWhen>();
        Put("WHEN ");
        E(w.when, 0);
        Put(" THEN ");
        E(w.then, 0);
        return;
      }
      case NodeKind::kTypeName:
        Type(node.Cast<TypeName>(), true);
        return;
      default:
        E(static_cast<const Expr*>(&node), 0);
        return;
    }
  }

  // ---- queries ------------------------------------------------------------------------------------------------

  void Query(const QueryNode& q, bool force_parens) {
    bool parens = q.parenthesized || force_parens;
    if (parens) Put('(');
    ++query_depth_;
    if (q.with) {
      With(*q.with);
      Put(' ');
    }
    switch (q.kind) {
      case NodeKind::kSelect:
        Select(q.Cast<SelectNode>());
        break;
      case NodeKind::kSetOp:
        SetOp(q.Cast<SetOpNode>());
        break;
      case NodeKind::kValues: {
        const auto& v = q.Cast<ValuesNode>();
        Put("VALUES ");
        for (size_t i = 0; i < v.rows.size(); ++i) {
          if (i > 0) Put(", ");
          Put('(');
          ExprList(v.rows[i]->elements);
          Put(')');
        }
        break;
      }
      case NodeKind::kTableQuery: {
        const auto& t = q.Cast<TableQueryNode>();
        Put("TABLE ");
        if (t.table) {
          if (t.table->only) Put("ONLY ");
          Name(t.table->name, IdentPos::kColId);
          if (t.table->star) Put(" *");
        }
        break;
      }
      default:
        break;
    }
    Modifiers(q);
    --query_depth_;
    if (parens) Put(')');
  }

  void With(const WithClause& w) {
    Put(w.recursive ? "WITH RECURSIVE " : "WITH ");
    for (size_t i = 0; i < w.ctes.size(); ++i) {
      if (i > 0) Put(", ");
      Cte(*w.ctes[i]);
    }
  }

  void Cte(const CommonTableExpr& c) {
    Ident(c.name, IdentPos::kColId);
    if (!c.columns.empty()) {
      Put('(');
      IdentList(c.columns, IdentPos::kColId);
      Put(')');
    }
    Put(" AS ");
    if (c.materialized == Materialized::kMaterialized) Put("MATERIALIZED ");
    if (c.materialized == Materialized::kNotMaterialized) Put("NOT MATERIALIZED ");
    SubqueryBody(c.query);
    if (c.search) {
      Put(c.search_breadth_first ? " SEARCH BREADTH FIRST BY " : " SEARCH DEPTH FIRST BY ");
      IdentList(c.search_by, IdentPos::kColId);
      Put(" SET ");
      Ident(c.search_set, IdentPos::kColId);
    }
    if (c.cycle) {
      Put(" CYCLE ");
      IdentList(c.cycle_columns, IdentPos::kColId);
      Put(" SET ");
      Ident(c.cycle_set, IdentPos::kColId);
      if (c.cycle_to) {
        Put(" TO ");
        E(c.cycle_to, 0);
        Put(" DEFAULT ");
        E(c.cycle_default, 0);
      }
      Put(" USING ");
      Ident(c.cycle_using, IdentPos::kColId);
    }
  }

  // `( query )` where the parentheses belong to the enclosing syntax (subquery, CTE, derived table).
  void SubqueryBody(const QueryNode* q) {
    Put('(');
    if (q) Query(*q, false);
    Put(')');
  }

  void Select(const SelectNode& s) {
    Put("SELECT");
    switch (s.distinct) {
      case DistinctKind::kNone:
        break;
      case DistinctKind::kAll:
        Put(" ALL");
        break;
      case DistinctKind::kDistinct:
        Put(" DISTINCT");
        break;
      case DistinctKind::kDistinctOn:
        Put(" DISTINCT ON (");
        ExprList(s.distinct_on);
        Put(')');
        break;
    }
    for (size_t i = 0; i < s.targets.size(); ++i) {
      Put(i == 0 ? " " : ", ");
      Target(*s.targets[i]);
    }
    if (!s.from.empty()) {
      Put(" FROM ");
      for (size_t i = 0; i < s.from.size(); ++i) {
        if (i > 0) Put(", ");
        TableRefNode(*s.from[i], false);
      }
    }
    if (s.where) {
      Put(" WHERE ");
      E(s.where, 0);
    }
    if (!s.group_by.empty()) {
      Put(s.group_by_distinct ? " GROUP BY DISTINCT " : " GROUP BY ");
      ExprList(s.group_by);
    }
    if (s.having) {
      Put(" HAVING ");
      E(s.having, 0);
    }
    if (!s.windows.empty()) {
      Put(" WINDOW ");
      for (size_t i = 0; i < s.windows.size(); ++i) {
        if (i > 0) Put(", ");
        WindowDefinition(*s.windows[i]);
      }
    }
  }

  void SetOp(const SetOpNode& s) {
    int level = s.op == SetOpKind::kIntersect ? 2 : 1;  // the node's own level, ignoring its parentheses
    if (s.left) Query(*s.left, !s.left->parenthesized && (HasModifiers(*s.left) || SetOpLevel(*s.left) < level));
    switch (s.op) {
      case SetOpKind::kUnion:
        Put(" UNION");
        break;
      case SetOpKind::kIntersect:
        Put(" INTERSECT");
        break;
      case SetOpKind::kExcept:
        Put(" EXCEPT");
        break;
    }
    if (s.all) Put(" ALL");
    else if (s.distinct_keyword) Put(" DISTINCT");
    Put(' ');
    if (s.right)
      Query(*s.right, !s.right->parenthesized && (HasModifiers(*s.right) || SetOpLevel(*s.right) <= level));
  }

  void Modifiers(const QueryNode& q) {
    if (!q.order_by.empty()) {
      Put(" ORDER BY ");
      OrderList(q.order_by);
    }
    switch (q.limit_syntax) {
      case LimitSyntax::kNone:
        if (q.limit) {  // not produced by the parser; keep the value rather than drop it
          Put(" LIMIT ");
          E(q.limit, 0);
        }
        if (q.offset) {
          Put(" OFFSET ");
          E(q.offset, 0);
        }
        break;
      case LimitSyntax::kLimit:
      case LimitSyntax::kLimitAll:
        Put(" LIMIT ");
        if (q.limit_syntax == LimitSyntax::kLimitAll || !q.limit) Put("ALL");
        else E(q.limit, 0);
        if (q.offset) {
          Put(" OFFSET ");
          E(q.offset, 0);
        }
        break;
      case LimitSyntax::kFetchFirst:
      case LimitSyntax::kFetchFirstWithTies:
        if (q.offset) {
          Put(" OFFSET ");
          E(q.offset, 0);
          Put(" ROWS");
        }
        Put(" FETCH FIRST ");
        if (q.limit) {
          // The count is a c_expr (or a signed constant): anything looser needs parentheses.
          E(q.limit, IsNegativeNumber(*q.limit) ? kLevelUnary : kLevelPrimary);
          Put(' ');
        }
        Put(q.limit_syntax == LimitSyntax::kFetchFirst ? "ROWS ONLY" : "ROWS WITH TIES");
        break;
    }
  }

  void Target(const SelectItem& t) {
    E(t.expr, 0);
    if (t.has_alias) {
      Put(" AS ");
      Ident(t.alias, IdentPos::kColLabel);
    }
  }

  void OrderList(const List<OrderItem*>& items) {
    for (size_t i = 0; i < items.size(); ++i) {
      if (i > 0) Put(", ");
      Order(*items[i]);
    }
  }

  void Order(const OrderItem& o) {
    E(o.expr, 0);
    switch (o.dir) {
      case SortDir::kDefault:
        break;
      case SortDir::kAsc:
        Put(" ASC");
        break;
      case SortDir::kDesc:
        Put(" DESC");
        break;
      case SortDir::kUsing:
        Put(" USING ");
        Operator(o.using_op);
        break;
    }
    if (o.nulls == NullsOrder::kFirst) Put(" NULLS FIRST");
    if (o.nulls == NullsOrder::kLast) Put(" NULLS LAST");
  }

  void WindowDefinition(const WindowDef& w) {
    Ident(w.name, IdentPos::kColId);
    Put(" AS ");
    if (w.spec) Window(*w.spec);
    else Put("()");
  }

  void Window(const WindowSpec& w) {
    Put('(');
    bool space = false;
    auto sep = [&] {
      if (space) Put(' ');
      space = true;
    };
    if (!w.ref_name.text.empty()) {
      sep();
      Ident(w.ref_name, IdentPos::kColId);
    }
    if (!w.partition_by.empty()) {
      sep();
      Put("PARTITION BY ");
      ExprList(w.partition_by);
    }
    if (!w.order_by.empty()) {
      sep();
      Put("ORDER BY ");
      OrderList(w.order_by);
    }
    if (w.frame_mode != FrameMode::kNone) {
      sep();
      switch (w.frame_mode) {
        case FrameMode::kRows:
          Put("ROWS ");
          break;
        case FrameMode::kRange:
          Put("RANGE ");
          break;
        case FrameMode::kGroups:
          Put("GROUPS ");
          break;
        case FrameMode::kNone:
          break;
      }
      if (w.frame_between) {
        Put("BETWEEN ");
        FrameBound(w.start_kind, w.start_offset);
        Put(" AND ");
        FrameBound(w.end_kind, w.end_offset);
      } else {
        FrameBound(w.start_kind, w.start_offset);
      }
      switch (w.exclusion) {
        case FrameExclusion::kNone:
          break;
        case FrameExclusion::kCurrentRow:
          Put(" EXCLUDE CURRENT ROW");
          break;
        case FrameExclusion::kGroup:
          Put(" EXCLUDE GROUP");
          break;
        case FrameExclusion::kTies:
          Put(" EXCLUDE TIES");
          break;
        case FrameExclusion::kNoOthers:
          Put(" EXCLUDE NO OTHERS");
          break;
      }
    }
    Put(')');
  }

  void FrameBound(FrameBoundKind kind, const Expr* offset) {
    switch (kind) {
      case FrameBoundKind::kNone:
      case FrameBoundKind::kCurrentRow:
        Put("CURRENT ROW");
        break;
      case FrameBoundKind::kUnboundedPreceding:
        Put("UNBOUNDED PRECEDING");
        break;
      case FrameBoundKind::kUnboundedFollowing:
        Put("UNBOUNDED FOLLOWING");
        break;
      case FrameBoundKind::kPreceding:
        E(offset, 0);
        Put(" PRECEDING");
        break;
      case FrameBoundKind::kFollowing:
        E(offset, 0);
        Put(" FOLLOWING");
        break;
    }
  }

  // ---- table references ---------------------------------------------------------------------------------------

  void AliasBody(const AliasClause& a) {
    if (!a.name.text.empty() || a.column_types.empty()) Ident(a.name, IdentPos::kColId);
    if (!a.column_types.empty()) {  // a column definition list: name type, ...
      Put('(');
      for (size_t i = 0; i < a.columns.size(); ++i) {
        if (i > 0) Put(", ");
        Ident(a.columns[i], IdentPos::kColId);
        Put(' ');
        Type(*a.column_types[i], true);
      }
      Put(')');
    } else if (!a.columns.empty()) {
      Put('(');
      IdentList(a.columns, IdentPos::kColId);
      Put(')');
    }
  }

  void Alias(const AliasClause* a) {
    if (!a) return;
    Put(" AS ");
    AliasBody(*a);
  }

  // `force_parens`: a join that must be parenthesized where it stands (the right operand of a join).
  void TableRefNode(const TableRef& t, bool force_parens) {
    switch (t.kind) {
      case NodeKind::kBaseTable: {
        const auto& b = t.Cast<BaseTableRef>();
        if (table_ref_ && table_ref_(b, &out_)) return;
        if (b.only) Put("ONLY ");
        Name(b.name, IdentPos::kColId);
        if (b.star) Put(" *");
        Alias(b.alias);
        if (!b.sample_method.empty()) TableSample(b);
        return;
      }
      case NodeKind::kDerivedTable: {
        const auto& dt = t.Cast<DerivedTableRef>();
        if (dt.lateral) Put("LATERAL ");
        SubqueryBody(dt.query);
        Alias(dt.alias);
        return;
      }
      case NodeKind::kFunctionTable: {
        const auto& f = t.Cast<FunctionTableRef>();
        if (f.lateral) Put("LATERAL ");
        if (f.rows_from) {
          Put("ROWS FROM (");
          ExprList(f.functions);
          Put(')');
        } else {
          ExprList(f.functions);
        }
        if (f.with_ordinality) Put(" WITH ORDINALITY");
        Alias(f.alias);
        return;
      }
      case NodeKind::kJoin:
        Join(t.Cast<JoinRef>(), force_parens);
        return;
      default:
        return;
    }
  }

  void Join(const JoinRef& j, bool force_parens) {
    // An alias is only valid on a parenthesized join.
    bool parens = j.parenthesized || force_parens || j.alias != nullptr;
    if (parens) Put('(');
    if (j.left) TableRefNode(*j.left, false);
    Put(' ');
    if (j.natural) Put("NATURAL ");
    switch (j.join_kind) {
      case JoinKind::kInner:
        Put("JOIN ");
        break;
      case JoinKind::kLeft:
        Put("LEFT JOIN ");
        break;
      case JoinKind::kRight:
        Put("RIGHT JOIN ");
        break;
      case JoinKind::kFull:
        Put("FULL JOIN ");
        break;
      case JoinKind::kCross:
        Put("CROSS JOIN ");
        break;
    }
    if (j.right) TableRefNode(*j.right, j.right->Is<JoinRef>());
    if (j.on) {
      Put(" ON ");
      E(j.on, 0);
    } else if (j.has_using || !j.using_columns.empty()) {
      Put(" USING (");
      IdentList(j.using_columns, IdentPos::kColId);
      Put(')');
      if (j.using_alias) {
        Put(" AS ");
        Ident(j.using_alias->name, IdentPos::kColId);
      }
    }
    if (parens) Put(')');
    Alias(j.alias);
  }

  // ---- types --------------------------------------------------------------------------------------------------

  // A built-in type spelled with keywords (`integer`, `double precision`, `timestamp with time zone`).
  bool IsKeywordType(const TypeName& t) const {
    if (t.name.size() != 1 || t.name[0].quoted) return false;
    std::string_view text = t.name[0].text;
    if (!IsUpperWordText(text)) return false;
    if (text.find(' ') != std::string_view::npos) return true;
    if (d_.case_insensitive_builtins()) {  // MySQL: every type is a built-in one, spelled as a keyword
      if (d_.catalog().keyword_types.contains(AsciiLower(text))) return true;
    }
    KeywordCategory cat = d_.Keyword(text);
    return cat == KeywordCategory::kColName || cat == KeywordCategory::kReserved ||
           cat == KeywordCategory::kTypeFuncName;
  }

  void Modifiers(const List<Expr*>& mods) {
    if (mods.empty()) return;
    Put('(');
    ExprList(mods);
    Put(')');
  }

  bool IsInterval(const TypeName& t) const {
    return t.name.size() == 1 && !t.name[0].quoted && t.name[0].text == "interval";
  }

  // `literal`, if given, is written where a typed literal's string goes (INTERVAL '1' DAY, TIMESTAMP(3) '...').
  void Type(const TypeName& t, bool with_interval_fields, const std::string_view* literal = nullptr) {
    if (t.setof) Put("SETOF ");
    bool fields = with_interval_fields || literal;
    bool mods_after_fields = fields && !t.interval_fields.empty() && IsInterval(t);
    if (IsKeywordType(t)) {
      std::string_view text = t.name[0].text;
      size_t space = text.find(' ');
      std::string_view first = text.substr(0, space);
      if (space != std::string_view::npos && (first == "timestamp" || first == "time") && !t.modifiers.empty()) {
        Keyword(first);  // TIMESTAMP(3) WITH TIME ZONE
        Modifiers(t.modifiers);
        Put(' ');
        Keyword(text.substr(space + 1));
      } else {
        Keyword(text);
        if (!mods_after_fields) Modifiers(t.modifiers);
      }
    } else {
      Name(t.name, IdentPos::kFuncName);
      Modifiers(t.modifiers);
    }
    if (literal) {
      Put(' ');
      d_.AppendStringLiteral(*literal, &out_);
    }
    if (fields && !t.interval_fields.empty()) {
      Put(' ');
      IntervalFields(t.interval_fields);
      if (mods_after_fields) Modifiers(t.modifiers);
    }
    for (int i = 0; i < t.array_dims; ++i) Put("[]");
  }

  void IntervalFields(std::string_view f) {
    std::string upper;
    for (char c : f) {
      bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ' ' ||
                c == '(' || c == ')';
      if (!ok) {
        d_.AppendQuotedIdentifier(f, &out_);
        return;
      }
      upper.push_back((c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c);
    }
    Put(upper);
  }

  // ---- expressions --------------------------------------------------------------------------------------------

  void ExprList(const List<Expr*>& list) {
    for (size_t i = 0; i < list.size(); ++i) {
      if (i > 0) Put(", ");
      E(list[i], 0);
    }
  }

  // Writes `e`, in parentheses if it binds more loosely than `min_level`.
  void E(const Expr* e, int min_level) {
    if (!e) {
      Put("NULL");  // never produced by the parser for a required operand
      return;
    }
    bool parens = LevelOf(*e) < min_level;
    if (parens) Put('(');
    ExprBody(*e);
    if (parens) Put(')');
  }

  // The base of x[i] or x.field. Written bare when it is a primary or postfix expression that cannot merge with
  // what follows: not a literal, not a `x::type` cast (`x::int[1]` would read as an array type), and not a column
  // for `.field` (`(c).f` is not `c.f`). The parser also accepts `f(x)[1]` (PostgreSQL does not); it is written as
  // parsed so that the round trip holds.
  void IndirectionBase(const Expr* e, bool allow_column) {
    bool wrap = !e || LevelOf(*e) < kLevelPostfix || e->Is<Literal>() || e->Is<TypedLiteral>() ||
                (e->Is<Cast>() && e->Cast<Cast>().postgres_style) || (!allow_column && e->Is<ColumnRef>());
    if (wrap) Put('(');
    E(e, 0);
    if (wrap) Put(')');
  }

  void ExprBody(const Expr& e) {
    switch (e.kind) {
      case NodeKind::kLiteral:
        LiteralValue(e.Cast<Literal>());
        return;
      case NodeKind::kTypedLiteral: {
        const auto& t = e.Cast<TypedLiteral>();
        if (t.type) {
          Type(*t.type, true, &t.value);
        } else {
          d_.AppendStringLiteral(t.value, &out_);
        }
        return;
      }
      case NodeKind::kColumnRef:
        Column(e.Cast<ColumnRef>());
        return;
      case NodeKind::kParam:
        if (!e.Cast<Param>().name.empty()) {
          Put(e.Cast<Param>().name);
          return;
        }
        Put('$');
        Put(std::to_string(e.Cast<Param>().index));
        return;
      case NodeKind::kUnaryOp: {
        const auto& u = e.Cast<UnaryOp>();
        int level = LevelOf(u);
        if (u.op == "NOT") {
          Put("NOT ");
          E(u.operand, kLevelNot);
          return;
        }
        Operator(u.op);
        size_t mark = out_.size();
        E(u.operand, level == kLevelUnary ? kLevelUnary : IsPrefixOp(u.operand) ? kLevelOp : kLevelOp + 1);
        // `- -1` must not become the comment `--1`, nor `@ -1` the operator `@-`.
        if (out_.size() > mark && (IsOperatorChar(out_[mark]) || IsUpperWordText(u.op))) out_.insert(mark, 1, ' ');
        return;
      }
      case NodeKind::kBinaryOp: {
        const auto& b = e.Cast<BinaryOp>();
        int level = BinaryLevel(b.op);
        bool nonassoc = level == kLevelCompare;
        E(b.left, nonassoc ? level + 1 : level);
        Put(' ');
        Operator(b.op);
        Put(' ');
        E(b.right, level == kLevelOp && IsPrefixOp(b.right) ? kLevelOp : level + 1);
        return;
      }
      case NodeKind::kFuncCall:
        Function(e.Cast<FuncCall>());
        return;
      case NodeKind::kSpecialFunc:
        Special(e.Cast<SpecialFunc>());
        return;
      case NodeKind::kCast: {
        const auto& c = e.Cast<Cast>();
        if (c.postgres_style) {
          E(c.expr, kLevelPostfix);
          Put("::");
          if (c.type) Type(*c.type, true);
        } else {
          Put("CAST(");
          E(c.expr, 0);
          Put(" AS ");
          if (c.type) Type(*c.type, true);
          Put(')');
        }
        return;
      }
      case NodeKind::kCase: {
        const auto& c = e.Cast<Case>();
        Put("CASE");
        if (c.operand) {
          Put(' ');
          E(c.operand, 0);
        }
        for (const CaseWhen* w : c.whens) {
          Put(" WHEN ");
          E(w->when, 0);
          Put(" THEN ");
          E(w->then, 0);
        }
        if (c.else_expr) {
          Put(" ELSE ");
          E(c.else_expr, 0);
        }
        Put(" END");
        return;
      }
      case NodeKind::kSubquery: {
        const auto& s = e.Cast<SubqueryExpr>();
        switch (s.subquery_kind) {
          case SubqueryKind::kScalar:
            break;
          case SubqueryKind::kExists:
            Put("EXISTS ");
            break;
          case SubqueryKind::kArray:
            Put("ARRAY");
            break;
          case SubqueryKind::kIn:
            E(s.lhs, kLevelIn + 1);
            Put(s.negated ? " NOT IN " : " IN ");
            break;
          case SubqueryKind::kAny:
          case SubqueryKind::kAll:
          case SubqueryKind::kSome:
            E(s.lhs, LevelOf(s) == kLevelOp ? kLevelOp : LevelOf(s) + 1);
            Put(' ');
            Operator(s.op);
            Put(s.subquery_kind == SubqueryKind::kAny ? " ANY "
                : s.subquery_kind == SubqueryKind::kAll ? " ALL "
                                                        : " SOME ");
            break;
        }
        SubqueryBody(s.query);
        return;
      }
      case NodeKind::kInList: {
        const auto& in = e.Cast<InList>();
        E(in.expr, kLevelIn + 1);
        Put(in.negated ? " NOT IN (" : " IN (");
        ExprList(in.list);
        Put(')');
        return;
      }
      case NodeKind::kBetween: {
        const auto& b = e.Cast<Between>();
        E(b.expr, kLevelIn + 1);
        Put(b.negated ? " NOT BETWEEN " : " BETWEEN ");
        if (b.symmetric) Put("SYMMETRIC ");
        E(b.low, kLevelIn + 1);
        Put(" AND ");
        E(b.high, kLevelIn + 1);
        return;
      }
      case NodeKind::kIsTest: {
        const auto& t = e.Cast<IsTest>();
        E(t.expr, kLevelIs);  // IS tests chain to the left: a IS NULL IS NOT TRUE
        switch (t.test) {
          case IsTestKind::kIsNullPostfix:
            Put(" ISNULL");
            return;
          case IsTestKind::kNotNullPostfix:
            Put(" NOTNULL");
            return;
          default:
            break;
        }
        Put(t.negated ? " IS NOT " : " IS ");
        switch (t.test) {
          case IsTestKind::kNull:
            Put("NULL");
            break;
          case IsTestKind::kTrue:
            Put("TRUE");
            break;
          case IsTestKind::kFalse:
            Put("FALSE");
            break;
          case IsTestKind::kUnknown:
            Put("UNKNOWN");
            break;
          case IsTestKind::kDistinctFrom:
            Put("DISTINCT FROM ");
            E(t.rhs, kLevelIs + 1);
            break;
          case IsTestKind::kIs:
            E(t.rhs, kLevelIs + 1);
            break;
          default:
            break;
        }
        return;
      }
      case NodeKind::kLike: {
        const auto& l = e.Cast<Like>();
        E(l.expr, kLevelIn + 1);
        if (l.negated) Put(" NOT");
        switch (l.like_kind) {
          case LikeKind::kLike:
            Put(" LIKE ");
            break;
          case LikeKind::kILike:
            Put(" ILIKE ");
            break;
          case LikeKind::kSimilarTo:
            Put(" SIMILAR TO ");
            break;
        }
        E(l.pattern, kLevelIn + 1);
        if (l.escape) {
          Put(" ESCAPE ");
          E(l.escape, kLevelIn + 1);
        }
        return;
      }
      case NodeKind::kQuantified: {
        const auto& q = e.Cast<Quantified>();
        E(q.lhs, LevelOf(q) == kLevelOp ? kLevelOp : LevelOf(q) + 1);
        Put(' ');
        Operator(q.op);
        switch (q.quantifier) {
          case Quantifier::kAny:
            Put(" ANY (");
            break;
          case Quantifier::kSome:
            Put(" SOME (");
            break;
          case Quantifier::kAll:
            Put(" ALL (");
            break;
        }
        E(q.rhs, 0);
        Put(')');
        return;
      }
      case NodeKind::kArrayCtor: {
        const auto& a = e.Cast<ArrayCtor>();
        Put(a.keyword ? "ARRAY[" : "[");
        ExprList(a.elements);
        Put(']');
        return;
      }
      case NodeKind::kRowCtor: {
        const auto& r = e.Cast<RowCtor>();
        Put(r.explicit_row ? "ROW(" : "(");
        ExprList(r.elements);
        Put(')');
        return;
      }
      case NodeKind::kSubscript: {
        const auto& s = e.Cast<Subscript>();
        IndirectionBase(s.expr, true);
        Put('[');
        if (s.lower) E(s.lower, 0);
        if (s.slice) {
          Put(':');
          if (s.upper) E(s.upper, 0);
        }
        Put(']');
        return;
      }
      case NodeKind::kFieldAccess: {
        const auto& f = e.Cast<FieldAccess>();
        IndirectionBase(f.expr, false);
        Put('.');
        if (f.star) Put('*');
        else Ident(f.field, IdentPos::kColLabel);
        return;
      }
      case NodeKind::kCollate: {
        const auto& c = e.Cast<Collate>();
        E(c.expr, kLevelCollate);
        Put(" COLLATE ");
        Name(c.collation, IdentPos::kColId);
        return;
      }
      case NodeKind::kParen:
        Put('(');
        E(e.Cast<Paren>().expr, 0);
        Put(')');
        return;
      case NodeKind::kGroupingSet: {
        const auto& g = e.Cast<GroupingSet>();
        switch (g.set_kind) {
          case GroupingSetKind::kEmpty:
            Put("()");
            return;
          case GroupingSetKind::kRollup:
            Put("ROLLUP (");
            break;
          case GroupingSetKind::kCube:
            Put("CUBE (");
            break;
          case GroupingSetKind::kSets:
            Put("GROUPING SETS (");
            break;
        }
        ExprList(g.elements);
        Put(')');
        return;
      }
      case NodeKind::kNamedArg: {
        const auto& n = e.Cast<NamedArg>();
        Ident(n.name, IdentPos::kFuncName);
        Put(" => ");
        E(n.value, 0);
        return;
      }
      default:
        // Not an expression node (a clause passed where an expression belongs): print it in its own syntax.
        Any(e);
        return;
    }
  }

  void LiteralValue(const Literal& l) {
    switch (l.literal_kind) {
      case LiteralKind::kInteger:
      case LiteralKind::kNumeric:
        if (IsNumberText(l.value)) Put(l.value);
        else d_.AppendStringLiteral(l.value, &out_);  // never paste text that is not a number
        return;
      case LiteralKind::kString:
        d_.AppendStringLiteral(l.value, &out_);
        return;
      case LiteralKind::kBitString:
      case LiteralKind::kHexString: {
        bool hex = l.literal_kind == LiteralKind::kHexString;
        if (IsDigitsText(l.value, hex)) {
          Put(hex ? "X'" : "B'");
          Put(l.value);
          Put('\'');
        } else {
          d_.AppendStringLiteral(l.value, &out_);
        }
        return;
      }
      case LiteralKind::kBoolean:
        Put(l.value == "true" ? "TRUE" : "FALSE");
        return;
      case LiteralKind::kNull:
        Put("NULL");
        return;
    }
  }

  void Column(const ColumnRef& c) {
    if (c.parts.size() == 1 && !c.star && !qualifier_.empty() && query_depth_ <= qualify_max_depth_) {
      d_.AppendIdentifier(qualifier_, &out_);
      Put('.');
      Ident(c.parts[0], IdentPos::kColLabel);
      return;
    }
    for (size_t i = 0; i < c.parts.size(); ++i) {
      if (i > 0) Put('.');
      Ident(c.parts[i], i == 0 ? IdentPos::kColId : IdentPos::kColLabel);
    }
    if (c.star) Put(c.parts.empty() ? "*" : ".*");
  }

  void Function(const FuncCall& f) {
    Name(f.name, IdentPos::kFuncName);
    Put('(');
    if (f.distinct) Put("DISTINCT ");
    if (f.star) {
      Put('*');
    } else {
      for (size_t i = 0; i < f.args.size(); ++i) {
        if (i > 0) Put(", ");
        if (f.variadic && i + 1 == f.args.size()) Put("VARIADIC ");
        E(f.args[i], 0);
      }
    }
    if (!f.order_by.empty()) {
      Put(" ORDER BY ");
      OrderList(f.order_by);
    }
    if (const auto* sep = f.separator ? f.separator->As<NamedArg>() : nullptr) {
      Put(" SEPARATOR ");
      E(sep->value, 0);
    }
    Put(')');
    if (f.has_within_group || !f.within_group.empty()) {
      Put(" WITHIN GROUP (ORDER BY ");
      OrderList(f.within_group);
      Put(')');
    }
    if (f.filter) {
      Put(" FILTER (WHERE ");
      E(f.filter, 0);
      Put(')');
    }
    if (f.over) {
      Put(" OVER ");
      Window(*f.over);
    } else if (f.has_over) {
      Put(" OVER ");
      Ident(f.over_name, IdentPos::kColId);
    }
  }

  void Special(const SpecialFunc& s) {
    if (!s.name.empty() && s.name[0] == '@') {  // MySQL variable (the transform checked its characters)
      for (char c : s.name)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
              c == '$' || c == '@')) {
          d_.AppendQuotedIdentifier(s.name, &out_);  // never reached from a parse; the database rejects it
          return;
        }
      Put(s.name);
      return;
    }
    if (s.name == "INTERVAL" && !s.parens && s.args.size() == 1 && s.keywords.size() == 2) {  // MySQL
      Put("INTERVAL ");
      E(s.args[0], kLevelOp);
      Put(' ');
      Keyword(s.keywords[1]);
      return;
    }
    if (s.name == "MATCH" && s.args.size() >= 2 && s.keywords.size() == s.args.size() + 1) {  // MySQL
      Put("MATCH(");
      for (size_t i = 0; i + 1 < s.args.size(); ++i) {
        if (i) Put(", ");
        E(s.args[i], 0);
      }
      Put(") AGAINST(");
      E(s.args.back(), kLevelOp);
      if (!s.keywords.back().empty()) {
        Put(' ');
        Keyword(s.keywords.back());
      }
      Put(')');
      return;
    }
    Keyword(s.name);
    if (!s.parens) return;
    Put('(');
    // POSITION(a IN b): the operands are b_expr, so an IN, LIKE, comparison ... must not be written bare.
    int min_level = s.name == "POSITION" ? kLevelOp : 0;
    size_t n = std::max(s.keywords.size(), s.args.size());
    bool first = true;
    for (size_t i = 0; i < n; ++i) {
      std::string_view kw = i < s.keywords.size() ? s.keywords[i] : std::string_view();
      const Expr* arg = i < s.args.size() ? s.args[i] : nullptr;
      if (!kw.empty()) {
        if (!first) Put(' ');
        Keyword(kw);
        first = false;
        if (arg) Put(' ');
      } else if (arg && !first) {
        Put(", ");
      }
      if (!arg) continue;
      first = false;
      // EXTRACT(YEAR FROM x): the field is stored as a string literal; a plain word is written as the keyword.
      if (i == 0 && s.name == "EXTRACT" && arg->Is<Literal>() &&
          arg->Cast<Literal>().literal_kind == LiteralKind::kString && IsUpperWordText(arg->Cast<Literal>().value) &&
          arg->Cast<Literal>().value.find(' ') == std::string_view::npos) {
        Keyword(arg->Cast<Literal>().value);
        continue;
      }
      E(arg, min_level);
    }
    Put(')');
  }

  const Dialect& d_;
  std::string_view qualifier_;
  const std::function<bool(const BaseTableRef&, std::string*)>& table_ref_;
  std::string& out_;
  int query_depth_ = 0;
  int qualify_max_depth_ = 0;
};

}  // namespace

void PrintTo(const ast::Node& node, const PrintOptions& options, std::string* out) {
  Printer(options, out).Root(node);
}

void PrintTableSample(const ast::BaseTableRef& ref, const PrintOptions& options, std::string* out) {
  if (!ref.sample_method.empty()) Printer(options, out).TableSample(ref);
}

std::string Print(const ast::Node& node, const PrintOptions& options) {
  std::string out;
  out.reserve(256);
  PrintTo(node, options, &out);
  return out;
}

}  // namespace rlsq
