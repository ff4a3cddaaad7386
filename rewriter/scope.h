// Scope analysis: finds every base-table read of a query, at every depth, resolves names against the CTEs visible
// at that point (PostgreSQL's rules), and decides where a filter on that read must go. Kept apart from the AST and
// from the injection itself (the model is sqlglot's optimizer/scope.py).
//
// Placement rule, in one place (DecidePlacement in scope.cc):
//   - a table in a SELECT's FROM list or under inner/cross joins, not under the null-supplying side of an outer
//     join, not hidden by a join alias and without a column alias list: the WHERE of that SELECT;
//   - the direct null-supplying side of a LEFT or RIGHT JOIN that has an ON clause: that ON;
//   - anything else (FULL JOIN sides, USING/NATURAL outer joins, tables nested inside the null-supplying side of an
//     outer join, tables inside an aliased join tree, tables with column alias lists): replaced by
//     (SELECT * FROM t WHERE ...) AS alias;
//   - TABLE t as a whole query: replaced by SELECT * FROM t WHERE ....
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/ast/ast.h"
#include "lib/dialect/dialect.h"
#include "lib/names/resolver.h"
#include "lib/names/table_name.h"

namespace rlsq::rewriter {

enum class Placement : uint8_t { kWhere, kJoinOn, kWrap, kTableStatement };
const char* ToString(Placement p);

struct TableRead {
  const ast::BaseTableRef* ref = nullptr;
  TableName table;     // resolved as the database resolves it (lib/names/resolver.h)
  bool system = false;  // an allowed system relation: no data permission needed, no filter applies
  Placement placement = Placement::kWhere;
  const ast::SelectNode* select = nullptr;           // kWhere: the SELECT whose WHERE receives the predicate
  const ast::JoinRef* join = nullptr;                // kJoinOn: the join whose ON receives the predicate
  const ast::TableQueryNode* table_query = nullptr;  // kTableStatement
  int query_block = -1;  // the SELECT (numbered in pre-order from 0) whose FROM holds the read; -1 for TABLE t
  int depth = 0;         // query nesting depth (0 = outermost), orders edits that meet at one offset
};

struct Analysis {
  std::vector<TableRead> reads;                // in source order
  std::vector<const ast::SelectNode*> blocks;  // query blocks, numbered in pre-order
  // Column references qualified with a schema (`public.orders.o_orderkey`, `public.orders.*`): a wrapped table is
  // visible only under its bare name, so the plan drops their schema where it wraps the table.
  std::vector<const ast::ColumnRef*> schema_qualified_columns;
  // Every name a FROM item of the query is visible under (aliases, bare table names, CTE names), at any level.
  std::vector<std::string_view> relation_names;
};

// Walks `query`, resolving every relation and checking every function call with `resolver`. Fails with a
// "line:column: message" status: InvalidArgument for a name that cannot be resolved exactly or a function that may
// not run, PermissionDenied for a system or extension relation that is not allowed.
absl::StatusOr<Analysis> AnalyzeScopes(std::string_view sql, const ast::QueryNode& query, const NameResolver& resolver);

// The same for an expression (a policy clause): the base-table reads of its subqueries (placement is not decided:
// the caller places the clause). Analysis::blocks lists the subqueries' query blocks.
absl::StatusOr<Analysis> AnalyzeExpression(std::string_view sql, const ast::Expr& expr, const NameResolver& resolver);

}  // namespace rlsq::rewriter
