// Name resolution as the database does it, and the rules for the database's own relations and functions.
//
// PostgreSQL 15 (backend/catalog/namespace.c): an unqualified relation name is looked up in pg_catalog first unless
// the search path lists pg_catalog elsewhere, then along the search path; the session's temporary schema would come
// before all of them (rlsq refuses DDL, so a session it serves has no temporary tables: see README "Name
// resolution"). A qualified name means exactly that schema. Where rlsq cannot tell which schema of the path holds
// a name (the policy does not list the relations that exist), it refuses instead of guessing.
//
// Relations: a user table is resolved and handed to the permission check and the filters. A system relation (a
// pg_* schema, information_schema) is read only when the dialect lists it as metadata or the policy grants it
// (`allow_relations`); so is an extension relation that exposes data (pg_stat_statements, ...). Data permissions
// (all_datasource_access, schema and database access) grant datasets, never these.
//
// Functions: the dialect's built-ins that are safe in a read-only query; any other function only where the policy
// allows it by schema and name (`allow_functions`).
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "lib/dialect/dialect.h"
#include "lib/names/table_name.h"

namespace rlsq {

// What the policy says about the database around the query.
struct DatabaseModel {
  std::vector<std::string> search_path{"public"};  // normalized schema names, in order
  // The user relations that exist ("schema.name", SystemCatalog::Key), when the policy lists them (`relations`):
  // then an unqualified name resolves to the first schema of the path that holds it.
  bool relations_known = false;
  absl::flat_hash_set<std::string> relations;
  absl::flat_hash_set<std::string> allow_relations;  // system and extension relations granted ("schema.name")
  absl::flat_hash_set<std::string> allow_functions;  // functions outside the built-in allow-list ("schema.name")
  // The functions, operators and types that user schemas define ("schema.name"; an operator is "schema.symbol"),
  // when the policy lists them (`functions`, `operators`, `types`). PostgreSQL picks a function or operator by name
  // and argument types across every schema of the path, which rlsq does not model: with the lists, a built-in name
  // that a user schema of the path also defines is refused. Without them rlsq assumes none does (README
  // "Overloading").
  bool functions_known = false;
  absl::flat_hash_set<std::string> functions;
  bool operators_known = false;
  absl::flat_hash_set<std::string> operators;
  bool types_known = false;
  absl::flat_hash_set<std::string> types;
  absl::flat_hash_set<std::string> allow_types;  // user types a query may name ("schema.name")
};

class NameResolver {
 public:
  // `search_path`: the request's path, or empty for the model's.
  NameResolver(const Dialect& dialect, const DatabaseModel& model, std::span<const std::string> search_path = {});

  struct Relation {
    TableName name;
    bool system = false;  // an allowed system relation: read without a data permission and without filters
  };
  // Resolves a relation name written in a query (1 to 3 parts, normalized). Errors carry no location (the caller
  // adds it): InvalidArgument for a name rlsq cannot resolve exactly, PermissionDenied for a system or extension
  // relation that is not allowed.
  absl::StatusOr<Relation> ResolveRelation(std::span<const std::string_view> parts) const;
  // The same resolution without the relation rules (names written in the policy itself).
  absl::StatusOr<TableName> ResolveName(std::span<const std::string_view> parts) const;

  // OK when a call of the function named `parts` (1 to 3 parts, normalized) may run; otherwise InvalidArgument
  // naming it and why.
  absl::Status CheckFunction(std::span<const std::string_view> parts) const;
  // OK when a function called in FROM (`FROM f(args)`) may run. PostgreSQL: CheckFunction. SQLite reads such a name
  // as a table first (a virtual table takes arguments; an FTS5 table's are its search): only its built-in table-valued
  // functions (SystemCatalog::table_functions), unqualified and not the name of a relation the policy lists, are read
  // as functions; anything else is refused.
  absl::Status CheckTableFunction(std::span<const std::string_view> parts) const;
  // The same for an operator as the AST holds it: a symbol (`+`, `@>`), `OPERATOR(schema.op)`, or a keyword
  // operator (AND, OR, AT TIME ZONE, ...; always allowed). A symbol must be a built-in operator name, and an
  // OPERATOR() must name the built-in schema: an operator is a call of the function behind it.
  absl::Status CheckOperator(std::string_view op) const;
  // The same for an operator that a construct stands for (`x BETWEEN a AND b` is `x >= a AND x <= b`, LIKE is ~~,
  // IN is =): refused when a user schema of the path defines an operator of that symbol. `construct` names it in the
  // error.
  absl::Status CheckImplicitOperator(std::string_view symbol, std::string_view construct) const;
  // OK when a query may name the type `parts` (1 to 3 parts, normalized; `quoted`: the one-part name was a quoted
  // identifier) in a cast or typed literal: a built-in type, or a user type the policy allows (`allow_types`). A
  // cast to a user type runs that type's functions: a domain's CHECK, a user cast.
  absl::Status CheckType(std::span<const std::string_view> parts, bool quoted) const;

  const Dialect& dialect() const { return dialect_; }
  std::span<const std::string> search_path() const { return path_; }

  // The connection's search path is not known (a hook that sees only the SQL text, such as Superset's
  // SQL_QUERY_MUTATOR, while the connection may set its own): every unqualified relation name is refused, since the
  // server could resolve it in any schema, pg_catalog's relations included (a path can list pg_catalog last).
  void set_search_path_unknown(bool unknown) { path_unknown_ = unknown; }

 private:
  // The schemas an unqualified name is looked up in, in order (implicit ones first).
  std::vector<std::string_view> EffectivePath() const;
  absl::StatusOr<Relation> Classify(TableName name) const;
  // The first user schema of the path that defines an operator `symbol`, or empty (also when they are not known).
  std::string_view UserOperatorSchema(std::string_view symbol) const;

  const Dialect& dialect_;
  const SystemCatalog& catalog_;
  const DatabaseModel& model_;
  std::span<const std::string> path_;
  bool path_unknown_ = false;
};

// Parses a schema name of a search path written as a SQL identifier (`public`, `"Sales"`). `$user` and pg_temp are
// refused: rlsq cannot know the session's user schema or temporary tables.
absl::StatusOr<std::string> ParseSearchPathEntry(std::string_view text, const Dialect& dialect);

// A search path written as PostgreSQL's SET search_path takes it: schema identifiers separated by commas
// ("sales, public", "\"Sales,EU\",public"), each parsed by ParseSearchPathEntry. An empty path is an error.
absl::StatusOr<std::vector<std::string>> ParseSearchPath(std::string_view text, const Dialect& dialect);

}  // namespace rlsq
