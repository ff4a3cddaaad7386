// AST -> SQL text for a dialect. Identifiers are quoted only where needed and literals are written with the
// dialect's quoting functions (Dialect::AppendIdentifier / AppendStringLiteral): the printer never pastes raw text.
// Printing then parsing gives an AST equal (ast::Equals) to the one printed.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "lib/ast/ast.h"
#include "lib/dialect/dialect.h"

namespace rlsq {

struct PrintOptions {
  const Dialect* dialect = nullptr;  // null means PostgreSQL
  // When non-empty, every unqualified column reference (ColumnRef with one part, not star) outside subqueries is
  // printed qualified with this name: `a` -> `qualifier.a` (the qualifier is quoted as an identifier).
  // Used to bind an injected RLS clause to the table it filters.
  std::string_view qualify_columns_with;
  // When set, called for every base-table reference (name and alias): a true return means it appended the
  // reference's text itself (policy clauses print their table reads as slots, lib/policy/policy.cc).
  std::function<bool(const ast::BaseTableRef&, std::string*)> table_ref;
};

std::string Print(const ast::Node& node, const PrintOptions& options = {});
void PrintTo(const ast::Node& node, const PrintOptions& options, std::string* out);
// Appends " TABLESAMPLE method (args) [REPEATABLE (seed)]" of `ref` (nothing when it has no sample clause), as the
// printer writes it after the reference's alias; the plan writes it into a wrapper (rewriter/plan.cc).
void PrintTableSample(const ast::BaseTableRef& ref, const PrintOptions& options, std::string* out);

}  // namespace rlsq
