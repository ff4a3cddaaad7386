// The relations and columns of a database schema written as SQL DDL, for the linter's column check (`rlsq lint
// --schema FILE.sql`): a strict reader of the CREATE TABLE subset, on the dialect's own lexer (so identifiers fold
// and quote exactly as in queries, `--` and nested `/* */` comments, strings and dollar quoting are skipped).
//
//   CREATE [GLOBAL | LOCAL] [TEMP | TEMPORARY | UNLOGGED] [FOREIGN] TABLE [IF NOT EXISTS] [db.][schema.]name (
//     column type [column constraints ...], [CONSTRAINT name] PRIMARY KEY (...) | UNIQUE ... | CHECK (...) |
//     FOREIGN KEY ... | EXCLUDE ..., ...) [WITH (...) | TABLESPACE ... | PARTITION BY ... | SERVER ... ...];
//   CREATE [OR REPLACE] [TEMP] [MATERIALIZED | RECURSIVE] VIEW name ...   (a relation whose columns are not read)
//
// Other statements (CREATE INDEX, COMMENT ON, SET, ALTER TABLE ... OWNER TO / ADD CONSTRAINT, functions) are skipped
// to the next top-level `;`; psql meta-command lines (starting with a backslash, as pg_dump writes) are ignored.
// What would change the columns and cannot be read is refused with `line:column: message`: CREATE TABLE ... AS,
// OF type, PARTITION OF, LIKE, INHERITS; ALTER TABLE ... ADD / DROP / RENAME COLUMN, RENAME TO, SET SCHEMA; a
// reserved word as an unquoted name; a column without a type; a column or table defined twice.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/dialect/dialect.h"

namespace rlsq::lint {

struct DdlRelation {
  std::vector<std::string> name;     // 1 to 3 normalized parts, as written
  bool columns_known = true;         // false for views
  std::vector<std::string> columns;  // normalized, in order
  bool if_not_exists = false;
  uint32_t line = 0, column = 0;     // of the name
};

// InvalidArgument "line:column: message" for what the reader refuses (see above) or cannot lex.
absl::StatusOr<std::vector<DdlRelation>> ParseDdl(std::string_view text, const Dialect& dialect);

}  // namespace rlsq::lint
