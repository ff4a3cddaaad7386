// Resolved table names. Names compare by their normalized parts (folded unquoted, exact quoted), with the default
// schema filling a missing schema: for PostgreSQL `ORDERS`, `public.Orders` and `"orders"` are all public.orders,
// while `"Orders"` is not.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/ast/ast.h"
#include "lib/dialect/dialect.h"

namespace rlsq {

struct TableName {
  std::string catalog;  // empty unless written (db.schema.table)
  std::string schema;
  std::string name;

  // Identity used for matching policies: schema and name (the catalog is the database, matched separately).
  std::string Key() const;
  // schema.name (or catalog.schema.name), each part quoted as the dialect needs.
  std::string ToSql(const Dialect& dialect) const;
  bool operator==(const TableName&) const = default;
};

// From the parts of a table reference in the AST.
TableName ResolveTableName(const ast::List<ast::Ident>& parts, std::string_view default_schema);

// Splits a name written in a policy ("orders", "public.orders", "\"Sales\".\"Orders\"", "db.s.t") into its
// normalized parts with the dialect's lexical rules: 1 to 3 parts. Errors: InvalidArgument naming the problem.
absl::StatusOr<std::vector<std::string>> ParseNameParts(std::string_view text, const Dialect& dialect);

// Parses a table name written in policy files ("orders", "public.orders", "\"Sales\".\"Orders\"", "db.s.t") with the
// dialect's lexical rules. Errors: InvalidArgument naming the problem.
absl::StatusOr<TableName> ParseTableName(std::string_view text, const Dialect& dialect, std::string_view default_schema);

}  // namespace rlsq
