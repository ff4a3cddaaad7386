// What a database has before any user creates anything: its system schemas and relations, which of those hold
// only metadata, the relations of well-known extensions that expose data, and its built-in functions with what
// each may do. One SystemCatalog per dialect, built from data files kept in lib/dialect/<dialect>/ with the
// script that regenerates them from a real server (for PostgreSQL 15: scripts/gen-pg15-catalog.sh).
//
// The catalog only describes; lib/names/resolver.h applies it (name resolution, the relation and function rules).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"

namespace rlsq {

// What a built-in function may do in a read-only query. Anything but kSafe is refused.
enum class FunctionClass : uint8_t {
  kSafe,
  kSqlText,      // executes SQL given as text
  kFile,         // reads or lists server files
  kNetwork,      // reaches another server
  kLargeObject,  // reads or writes large objects
  kRawPage,      // reads raw storage pages
  kState,        // changes session or server state, or writes
  kLock,         // takes locks
  kSleep,        // sleeps
  kSecret,       // exposes other sessions' activity, query texts or credentials
};
// "executes SQL given as text", ...: the reason a class is refused.
std::string_view Describe(FunctionClass c);

struct SystemCatalog {
  // Schemas searched before the search path unless the path lists them (PostgreSQL: pg_catalog).
  std::vector<std::string> implicit_schemas;
  // The schema of the built-in functions (PostgreSQL: pg_catalog).
  std::string function_schema;
  // A schema whose relations belong to the database itself: PostgreSQL's pg_* schemas and information_schema.
  bool IsSystemSchema(std::string_view schema) const;
  std::vector<std::string> system_schema_prefixes;  // "pg_"
  std::vector<std::string> system_schemas;          // "information_schema"
  // The session's own schema of temporary objects (PostgreSQL: pg_temp; SQLite: temp). rlsq serves read-only
  // sessions, which create none: a relation named in it is refused unless the catalog lists it.
  std::string temporary_schema;
  // Names the database keeps for itself in every schema (SQLite: sqlite_*, ASCII case-insensitive): such a relation
  // is a system relation wherever it is, one of `relations` under `reserved_name_schema` ("main.sqlite_master"
  // stands for every database's schema table) or none at all.
  std::string reserved_name_prefix;
  std::string reserved_name_schema;
  bool IsReservedName(std::string_view name) const;
  // Type names are free text that only picks a column affinity (SQLite): any unqualified name is a type.
  bool free_type_names = false;
  // A function called in FROM names a table (SQLite: `FROM t('x')` reads the table t, a virtual table taking
  // arguments, before any built-in module): only `table_functions` (the built-in table-valued functions, by lower-case
  // name) are read as functions there.
  bool from_calls_name_tables = false;
  absl::flat_hash_set<std::string> table_functions;

  // Every system relation ("schema.name") with its kind (PostgreSQL's relkind).
  absl::flat_hash_map<std::string, char> relations;
  // System relations that hold only metadata (what drivers and BI tools read to list tables and columns).
  absl::flat_hash_set<std::string> metadata_relations;
  // Extension relations that expose data, statement texts, activity or secrets: by bare name (in any schema) or
  // by "schema.name".
  absl::flat_hash_set<std::string> extension_names;
  absl::flat_hash_set<std::string> extension_qualified;
  // Built-in functions by name (every overload shares the class of the least safe one).
  absl::flat_hash_map<std::string, FunctionClass> functions;
  // Built-in operator names (PostgreSQL: pg_operator.oprname in pg_catalog); an operator is a function call.
  absl::flat_hash_set<std::string> operators;
  // Built-in types ("schema.name", PostgreSQL: pg_type of pg_catalog and information_schema).
  absl::flat_hash_set<std::string> types;
  // Types the grammar spells with keywords, as the parser normalizes them (`integer`, `double precision`): fixed
  // built-in types, never looked up by name.
  absl::flat_hash_set<std::string> keyword_types;

  static std::string Key(std::string_view schema, std::string_view name);  // "schema.name"

  // Fills the sets from the data files' text (formats in the header of scripts/gen-pg15-catalog.sh, which writes
  // them). Errors name file and line.
  absl::Status LoadRelations(std::string_view tsv, std::string_view file);
  absl::Status LoadMetadataRelations(std::string_view text, std::string_view file);
  absl::Status LoadExtensionRelations(std::string_view text, std::string_view file);
  absl::Status LoadFunctions(std::string_view tsv, std::string_view file);
  // One operator name per line; only lines starting with "# " are comments (`#` and `#>` are operators).
  absl::Status LoadOperators(std::string_view text, std::string_view file);
  absl::Status LoadTypes(std::string_view tsv, std::string_view file);
  // One type name per line, into keyword_types (a dialect without user types: MySQL).
  absl::Status LoadKeywordTypes(std::string_view text, std::string_view file);
  // One name per line, into table_functions; each must be one of `functions`.
  absl::Status LoadTableFunctions(std::string_view text, std::string_view file);
};

// Ends a built-in catalog's load: a failed load or an empty list is a build defect (the data is compiled in and
// tested), reported on stderr and aborted on, never a reason to run without allow-lists.
void RequireBuiltInCatalog(const SystemCatalog& c, const absl::Status& loaded, std::string_view which);

// PostgreSQL 15's catalog (lib/dialect/pg15/), built once.
const SystemCatalog& Postgres15Catalog();

}  // namespace rlsq
