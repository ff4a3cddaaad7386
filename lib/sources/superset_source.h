// Superset's metadata database as a policy source (../shared/notes/superset.md sections 1 and 2): the roles,
// users (directly and through Flask-AppBuilder groups), permissions, datasets and RLS filters, read in one
// read-only snapshot and turned into the policy document that lib/policy validates, exactly as a file's.
//
// What is read (never the junction tables' `id`, which newer Superset versions drop):
//   dbs(id, database_name)                      tables(id, table_name, schema, database_id [, catalog, sql, perm])
//   ab_role(id, name)                           ab_user(id, username [, email, active])        ab_user_role
//   ab_permission, ab_view_menu, ab_permission_view, ab_permission_view_role
//   ab_group, ab_user_group, ab_group_role      (when the three exist: FAB 4.6+)
//   row_level_security_filters(id, filter_type, clause [, name, group_key, description])
//   rls_filter_roles(role_id, rls_filter_id)    rls_filter_tables(table_id, rls_filter_id)
//
// How Superset's rows become the policy:
//   - a dataset is a physical table of its database (`sql` empty); virtual datasets are not tables a query reads,
//     so their permissions grant no table and their filters (which Superset itself applies to the chart's outer
//     query) are left out, each with a warning;
//   - datasource_access on a view menu equal to a dataset's `perm` (or to [db].[table](id:N)) grants that
//     dataset's table in that database; database_access on [db].(id:N) grants the database; schema_access,
//     catalog_access and the all_* permissions are taken as written; a data permission whose view menu names
//     nothing that exists (a dataset or database renamed or deleted) grants nothing and is warned about;
//   - a filter applies to its datasets by id, so to their database only; a filter whose filter_type is NULL or not
//     Regular/Base makes the load fail (Superset silently never applies it: rlsq says so instead);
//   - a user's roles are ab_user_role's and those of the user's groups; inactive users (active false or NULL) are
//     left out, so they are unknown callers.
// Everything the metadata database does not hold (search path, relations, placement, AUTH_ROLE_PUBLIC, ...) comes
// from `settings`: a policy document without roles, users, datasets or rls_filters.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/json/json.h"
#include "lib/sources/connection.h"

namespace rlsq::sources {

struct SupersetSnapshot {
  // Strings the document borrows (json::Text::Borrow): kept here, so the document is valid as long as the snapshot
  // (a copy of the document owns its strings). Moving the snapshot keeps them where they are.
  struct Strings {
    std::vector<std::pair<std::string, std::string>> grants;
  };
  Strings strings;
  json::Value document;               // the policy document
  std::vector<std::string> warnings;  // what was left out, and why
  std::string schema;                 // what was detected: "catalog column, groups, junction ids: no", ...
};

// Reads one snapshot. FailedPrecondition for a metadata schema this reader does not know (naming the missing
// tables or columns) and for bad rows; Unavailable for connection errors.
absl::StatusOr<SupersetSnapshot> ReadSupersetMetadata(Connection& conn, const json::Value& settings);

// The tables a change fingerprint covers (those of the reader; the group tables when `groups`).
std::vector<std::string> SupersetTables(bool groups);

}  // namespace rlsq::sources
