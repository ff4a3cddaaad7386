#include "rewriter/scope.h"

#include <algorithm>
#include <functional>

#include "absl/container/inlined_vector.h"

#include "lib/common/ascii.h"
#include "lib/common/str_cat.h"
#include "lib/ast/ast_util.h"
#include "lib/common/status.h"
#include "lib/safety/function_check.h"

namespace rlsq::rewriter {

const char* ToString(Placement p) {
  switch (p) {
    case Placement::kWhere: return "where";
    case Placement::kJoinOn: return "on";
    case Placement::kWrap: return "wrap";
    case Placement::kTableStatement: return "table_statement";
  }
  return "?";
}

namespace {

using namespace ast;

// CTEs visible at a point: a WITH list, how many of its entries are visible, and the enclosing scope.
// In a plain WITH, the body of entry i sees entries [0, i); the query sees them all. In WITH RECURSIVE every body
// sees the whole list.
struct CteScope {
  const WithClause* with = nullptr;
  size_t visible = 0;
  const CteScope* parent = nullptr;
  // The body of a CTE of a WITH nested in a derived table or subquery: MariaDB does not let it see the CTEs of
  // enclosing WITH clauses (the name falls through to a base table; checked on 10.11, tests/dialect). rlsq refuses
  // such a name instead of guessing which the server means.
  bool barrier = false;
};

bool SameCteName(std::string_view a, std::string_view b, bool ascii_case_insensitive) {
  return ascii_case_insensitive ? AsciiEqualsIgnoreCase(a, b) : a == b;
}

// Whether a one-part name refers to a visible CTE. CTE names compare as the dialect compares them (MySQL: without
// case, even where table names are case-sensitive; a non-ASCII letter in another case is taken for a base table, the
// side that is checked and filtered). `*blocked` is set when the name matches a CTE beyond a barrier.
bool IsCte(const BaseTableRef& ref, const CteScope* scope, const Dialect& dialect, bool* blocked = nullptr) {
  if (ref.name.size() != 1) return false;  // a qualified name is never a CTE
  std::string_view name = ref.name[0].text;
  const bool fold = dialect.case_insensitive_builtins();
  bool crossed = false;
  for (; scope; scope = scope->parent) {
    for (size_t i = 0; i < scope->visible; ++i) {
      if (!SameCteName(scope->with->ctes[i]->name.text, name, fold)) continue;
      if (crossed) {
        if (blocked) *blocked = true;
        return false;
      }
      return true;
    }
    if (scope->barrier) crossed = true;
  }
  return false;
}

// Where a base table sits inside one SELECT's FROM item.
struct FromContext {
  const SelectNode* select = nullptr;
  const JoinRef* parent = nullptr;  // the join whose direct child this is
  bool null_side_of_parent = false;  // the child is the null-supplying side of a LEFT/RIGHT parent
  bool nullable = false;             // under the null-supplying side of some outer join, or a FULL join side
  bool hidden = false;               // inside a join tree that carries an alias (inner names are not visible)
};

// The placement rule (see scope.h).
Placement DecidePlacement(const BaseTableRef& ref, const FromContext& ctx) {
  bool renames_columns = ref.alias && !ref.alias->columns.empty();
  if (renames_columns) return Placement::kWrap;
  if (ctx.parent && ctx.null_side_of_parent && ctx.parent->on && !ctx.parent->natural)
    return Placement::kJoinOn;
  if (!ctx.nullable && !ctx.hidden && ctx.select) return Placement::kWhere;
  return Placement::kWrap;
}

class Analyzer {
 public:
  Analyzer(std::string_view sql, const NameResolver& resolver) : sql_(sql), resolver_(resolver) {}

  absl::Status Run(const QueryNode& q) {
    Query(q, nullptr, 0);
    return Finish();
  }
  absl::Status RunExpression(const Expr& e) {
    Walk(e, nullptr, 0);
    return Finish();
  }
  absl::Status Finish() {
    if (!error_.ok()) return error_;
    std::stable_sort(out_.reads.begin(), out_.reads.end(),
                     [](const TableRead& a, const TableRead& b) { return a.ref->span.begin < b.ref->span.begin; });
    return absl::OkStatus();
  }
  Analysis& result() { return out_; }

 private:
  void Query(const QueryNode& q, const CteScope* outer, int depth, bool in_cte_body = false) {
    CteScope local;
    const CteScope* scope = outer;
    if (q.with) {
      const WithClause& w = *q.with;
      // MySQL family: the bodies of a WITH nested in a derived table or subquery (not directly a CTE's body) do not
      // see enclosing CTEs.
      const bool barrier = resolver_.dialect().nested_with_hides_outer_ctes() && outer != nullptr && !in_cte_body;
      const bool whole = w.recursive || resolver_.dialect().ctes_see_whole_with_list();
      for (size_t i = 0; i < w.ctes.size(); ++i) {
        CteScope body{&w, whole ? w.ctes.size() : i, outer, barrier};
        Query(*w.ctes[i]->query, &body, depth + 1, /*in_cte_body=*/true);
      }
      for (const auto* cte : w.ctes) out_.relation_names.push_back(cte->name.text);
      local = CteScope{&w, w.ctes.size(), outer};
      scope = &local;
    }
    switch (q.kind) {
      case NodeKind::kSelect:
        Select(q.Cast<SelectNode>(), scope, depth);
        break;
      case NodeKind::kSetOp: {
        const auto& s = q.Cast<SetOpNode>();
        Query(*s.left, scope, depth);
        Query(*s.right, scope, depth);
        break;
      }
      case NodeKind::kValues:
        for (const auto* row : q.Cast<ValuesNode>().rows) Walk(*row, scope, depth);
        break;
      case NodeKind::kTableQuery: {
        const auto& t = q.Cast<TableQueryNode>();
        bool blocked = false;
        if (!IsCte(*t.table, scope, resolver_.dialect(), &blocked)) {
          if (blocked) return BlockedCte(*t.table);
          TableRead r;
          r.ref = t.table;
          if (!Resolve(*t.table, &r)) return;
          r.placement = Placement::kTableStatement;
          r.table_query = &t;
          r.depth = depth;
          out_.reads.push_back(std::move(r));
        }
        break;
      }
      default:
        break;
    }
    for (const auto* o : q.order_by) Walk(*o, scope, depth);
    if (q.limit) Walk(*q.limit, scope, depth);
    if (q.offset) Walk(*q.offset, scope, depth);
  }

  void Select(const SelectNode& s, const CteScope* scope, int depth) {
    int block = static_cast<int>(out_.blocks.size());
    out_.blocks.push_back(&s);
    for (const auto* item : s.from) {
      FromContext ctx;
      ctx.select = &s;
      From(*item, ctx, scope, depth, block);
    }
    for (const auto* e : s.distinct_on) Walk(*e, scope, depth);
    for (const auto* t : s.targets) Walk(*t, scope, depth);
    if (s.where) Walk(*s.where, scope, depth);
    for (const auto* g : s.group_by) Walk(*g, scope, depth);
    if (s.having) Walk(*s.having, scope, depth);
    for (const auto* w : s.windows) Walk(*w, scope, depth);
  }

  void From(const TableRef& ref, const FromContext& ctx, const CteScope* scope, int depth, int block) {
    if (ref.alias && !ref.alias->name.text.empty()) {
      out_.relation_names.push_back(ref.alias->name.text);
    } else if (const auto* b = ref.As<BaseTableRef>()) {
      out_.relation_names.push_back(b->name.back().text);
    } else if (const auto* f = ref.As<FunctionTableRef>(); f && !f->rows_from && f->functions.size() == 1) {
      // An unaliased function (or one with a column definition list only) is visible under its name.
      if (const auto* call = f->functions[0]->As<FuncCall>(); call && !call->name.empty())
        out_.relation_names.push_back(call->name.back().text);
    }
    switch (ref.kind) {
      case NodeKind::kBaseTable: {
        const auto& t = ref.Cast<BaseTableRef>();
        if (!t.sample_method.empty() && !CheckTableSample(t, scope, depth)) return;
        bool blocked = false;
        if (IsCte(t, scope, resolver_.dialect(), &blocked)) return;
        if (blocked) return BlockedCte(t);
        TableRead r;
        r.ref = &t;
        if (!Resolve(t, &r)) return;
        r.placement = DecidePlacement(t, ctx);
        if (!t.partitions.empty() && r.placement == Placement::kWrap) {
          // A wrapper would read the whole table: the partition list stays with the reference it belongs to.
          error_ = SqlErrorAt(sql_, t.span.begin,
                              "PARTITION selection on a read whose filter needs a wrapper (an outer join's side, an "
                              "alias with column names) is not supported");
          return;
        }
        if (r.placement == Placement::kWhere) r.select = ctx.select;
        if (r.placement == Placement::kJoinOn) r.join = ctx.parent;
        r.query_block = block;
        r.depth = depth;
        out_.reads.push_back(std::move(r));
        return;
      }
      case NodeKind::kDerivedTable:
        Query(*ref.Cast<DerivedTableRef>().query, scope, depth + 1);
        return;
      case NodeKind::kFunctionTable:
        for (const auto* f : ref.Cast<FunctionTableRef>().functions) {
          if (resolver_.dialect().catalog().from_calls_name_tables && error_.ok() &&
              (ref.Cast<FunctionTableRef>().rows_from || !f->As<FuncCall>()))
            Keep(absl::InvalidArgumentError(Cat("this function form in FROM is not read by ", resolver_.dialect().name(),
                                                ": only a table-valued function call, f(args)")),
                 *f);
          if (const auto* call = f->As<FuncCall>(); call && !call->name.empty() && error_.ok()) {
            absl::InlinedVector<std::string_view, 3> parts;
            for (const Ident& p : call->name) parts.push_back(p.text);
            Keep(resolver_.CheckTableFunction(parts), *call);
          }
          Walk(*f, scope, depth);
        }
        return;
      case NodeKind::kJoin: {
        const auto& j = ref.Cast<JoinRef>();
        if (j.has_using || j.natural) CheckImplicitOperator("=", j.natural ? "NATURAL JOIN" : "JOIN ... USING", j);
        FromContext left = ctx, right = ctx;
        left.parent = right.parent = &j;
        left.null_side_of_parent = j.join_kind == JoinKind::kRight;
        right.null_side_of_parent = j.join_kind == JoinKind::kLeft;
        left.nullable = ctx.nullable || j.join_kind == JoinKind::kRight || j.join_kind == JoinKind::kFull;
        right.nullable = ctx.nullable || j.join_kind == JoinKind::kLeft || j.join_kind == JoinKind::kFull;
        left.hidden = right.hidden = ctx.hidden || j.alias != nullptr;
        if (j.using_alias) out_.relation_names.push_back(j.using_alias->name.text);
        From(*j.left, left, scope, depth, block);
        From(*j.right, right, scope, depth, block);
        if (j.on) Walk(*j.on, scope, depth);
        return;
      }
      default:
        return;
    }
  }

  // Expressions and clauses: finds subqueries (new query scopes) and denied function calls.
  void Walk(const Node& n, const CteScope* scope, int depth) {
    switch (n.kind) {
      case NodeKind::kSubquery: {
        const auto& s = n.Cast<SubqueryExpr>();
        CheckOperator(s.op, n);
        if (s.subquery_kind == SubqueryKind::kIn) CheckImplicitOperator(s.negated ? "<>" : "=", s.negated ? "NOT IN" : "IN", n);
        if (s.lhs) Walk(*s.lhs, scope, depth);
        Query(*s.query, scope, depth + 1);
        return;
      }
      case NodeKind::kSelect:
      case NodeKind::kSetOp:
      case NodeKind::kValues:
      case NodeKind::kTableQuery:
        Query(static_cast<const QueryNode&>(n), scope, depth + 1);
        return;
      case NodeKind::kFuncCall:
        if (error_.ok()) error_ = CheckFunctionCall(sql_, n.Cast<FuncCall>(), resolver_);
        break;
      case NodeKind::kBinaryOp:
        CheckOperator(n.Cast<BinaryOp>().op, n);
        break;
      case NodeKind::kUnaryOp:
        CheckOperator(n.Cast<UnaryOp>().op, n);
        break;
      case NodeKind::kQuantified:
        CheckOperator(n.Cast<Quantified>().op, n);
        break;
      case NodeKind::kTypeName:
        CheckType(n.Cast<TypeName>());
        break;
      // Constructs PostgreSQL runs as operators looked up on the search path (gram.y turns each into an A_Expr).
      case NodeKind::kBetween:
        for (std::string_view op : {">=", "<=", "<", ">"}) CheckImplicitOperator(op, "BETWEEN", n);
        break;
      case NodeKind::kInList:
        CheckImplicitOperator(n.Cast<InList>().negated ? "<>" : "=", n.Cast<InList>().negated ? "NOT IN" : "IN", n);
        break;
      case NodeKind::kCase:
        if (n.Cast<Case>().operand) CheckImplicitOperator("=", "CASE x WHEN", n);
        break;
      case NodeKind::kIsTest:
        if (n.Cast<IsTest>().test == IsTestKind::kDistinctFrom) CheckImplicitOperator("=", "IS DISTINCT FROM", n);
        if (n.Cast<IsTest>().test == IsTestKind::kIs) CheckImplicitOperator("=", "IS", n);
        break;
      case NodeKind::kLike: {
        const auto& l = n.Cast<Like>();
        switch (l.like_kind) {
          case LikeKind::kLike:
            CheckImplicitOperator(l.negated ? "!~~" : "~~", l.negated ? "NOT LIKE" : "LIKE", n);
            break;
          case LikeKind::kILike:
            CheckImplicitOperator(l.negated ? "!~~*" : "~~*", l.negated ? "NOT ILIKE" : "ILIKE", n);
            break;
          case LikeKind::kSimilarTo:
            CheckImplicitOperator(l.negated ? "!~" : "~", l.negated ? "NOT SIMILAR TO" : "SIMILAR TO", n);
            break;
        }
        break;
      }
      case NodeKind::kSpecialFunc:
        if (n.Cast<SpecialFunc>().name == "NULLIF") CheckImplicitOperator("=", "NULLIF", n);
        break;
      case NodeKind::kOrderItem:
        CheckOperator(n.Cast<OrderItem>().using_op, n);
        break;
      case NodeKind::kColumnRef: {
        const auto& c = n.Cast<ColumnRef>();
        if ((c.star ? c.parts.size() : c.parts.size() - 1) >= 2) out_.schema_qualified_columns.push_back(&c);
        break;
      }
      default:
        break;
    }
    EnumerateChildren(const_cast<Node&>(n), [&](Node& child) { Walk(child, scope, depth); });
  }

  // TABLESAMPLE: the built-in methods only (an extension's method is a C function found on the search path), on a
  // table (PostgreSQL refuses it on a CTE), with arguments that hold no subquery (a wrapped read prints the clause
  // into its wrapper, where a subquery's own filters could not follow). The arguments' calls are checked as usual.
  bool CheckTableSample(const BaseTableRef& t, const CteScope* scope, int depth) {
    if (!error_.ok()) return false;
    const auto& m = t.sample_method;
    const bool builtin = !m.back().quoted && (m.back().text == "system" || m.back().text == "bernoulli") &&
                         (m.size() == 1 || (m.size() == 2 && m[0].text == "pg_catalog"));
    if (!builtin) {
      error_ = SqlErrorAt(sql_, t.span.begin, Cat("TABLESAMPLE method \"", m.back().text,
                                                  "\" is not supported: rlsq accepts SYSTEM and BERNOULLI"));
      return false;
    }
    if (IsCte(t, scope, resolver_.dialect())) {
      error_ = SqlErrorAt(sql_, t.span.begin, "TABLESAMPLE clause can only be applied to tables and materialized views");
      return false;
    }
    bool subquery = false;
    std::function<void(Node&)> find = [&](Node& n) {
      if (n.Is<SubqueryExpr>() || n.Is<SelectNode>() || n.Is<SetOpNode>() || n.Is<ValuesNode>()) subquery = true;
      if (!subquery) EnumerateChildren(n, find);
    };
    for (Expr* a : t.sample_args) find(*a);
    if (t.sample_repeatable) find(*t.sample_repeatable);
    if (subquery) {
      error_ = SqlErrorAt(sql_, t.span.begin, "a subquery in a TABLESAMPLE clause is not supported");
      return false;
    }
    for (const Expr* a : t.sample_args) Walk(*a, scope, depth);
    if (t.sample_repeatable) Walk(*t.sample_repeatable, scope, depth);
    return error_.ok();
  }

  // The resolver's checks: the first failure is the analysis's error, placed at the node checked.
  void Keep(const absl::Status& s, const Node& at) {
    if (!s.ok()) error_ = WithLocation(s, sql_, at.span.begin);
  }

  void CheckImplicitOperator(std::string_view symbol, std::string_view construct, const Node& at) {
    if (error_.ok()) Keep(resolver_.CheckImplicitOperator(symbol, construct), at);
  }

  void CheckType(const TypeName& t) {
    if (!error_.ok() || t.name.empty()) return;
    absl::InlinedVector<std::string_view, 3> parts;
    for (const Ident& p : t.name) parts.push_back(p.text);
    Keep(resolver_.CheckType(parts, t.name.size() == 1 && t.name[0].quoted), t);
  }

  void CheckOperator(std::string_view op, const Node& at) {
    if (error_.ok()) Keep(resolver_.CheckOperator(op), at);
  }

  void BlockedCte(const BaseTableRef& t) {
    if (!error_.ok()) return;
    error_ = SqlErrorAt(sql_, t.span.begin,
                        Cat("\"", t.name[0].text, "\" names a CTE of an enclosing WITH from the body of a nested one, "
                            "which ", resolver_.dialect().name(), " reads as a base table instead: rename the table or "
                            "the CTE, or qualify the table name"));
  }

  // Resolves the reference's name into `r` (table, system); false (with error_ set) when it cannot be read.
  bool Resolve(const BaseTableRef& ref, TableRead* r) {
    if (!error_.ok()) return false;
    absl::InlinedVector<std::string_view, 3> parts;
    for (const Ident& p : ref.name) parts.push_back(p.text);
    auto resolved = resolver_.ResolveRelation(parts);
    if (!resolved.ok()) {
      error_ = WithLocation(resolved.status(), sql_, ref.span.begin);
      return false;
    }
    r->table = std::move(resolved->name);
    r->system = resolved->system;
    return true;
  }

  std::string_view sql_;
  const NameResolver& resolver_;
  Analysis out_;
  absl::Status error_;
};

}  // namespace

absl::StatusOr<Analysis> AnalyzeScopes(std::string_view sql, const QueryNode& query, const NameResolver& resolver) {
  Analyzer a(sql, resolver);
  RLSQ_RETURN_IF_ERROR(a.Run(query));
  return std::move(a.result());
}

absl::StatusOr<Analysis> AnalyzeExpression(std::string_view sql, const Expr& expr, const NameResolver& resolver) {
  Analyzer a(sql, resolver);
  RLSQ_RETURN_IF_ERROR(a.RunExpression(expr));
  return std::move(a.result());
}

}  // namespace rlsq::rewriter
