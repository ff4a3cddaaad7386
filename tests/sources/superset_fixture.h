// A Superset deployment for the policy-source tests, written twice from one model: as the rows of Superset's
// metadata database (the schema of ../shared/notes/superset.md section 1, in the SQL of SQLite, PostgreSQL or
// MariaDB) and as the same policy in rlsq's JSON file format. Loading either must give the same rewrites.
#pragma once

#include <string>
#include <vector>

#include "lib/sources/connection.h"

namespace rlsq::testing {

struct SupersetFixtureOptions {
  bool catalog_column = true;     // Superset 4.1+: tables.catalog
  bool groups = true;             // FAB 4.6+: ab_group, ab_user_group, ab_group_role
  bool junction_ids = false;      // before migration 2bee73611e32: the junction tables have an id column
  bool filter_names = true;       // after migration f3afaf1f11f0: row_level_security_filters.name, description
};

// The DDL and INSERTs of the metadata database, one statement per element.
std::vector<std::string> SupersetMetadataSql(sources::Backend backend, const SupersetFixtureOptions& options = {});
// The same policy as an rlsq JSON file (datasets declared, permissions [db].[table](id:N), filters by dataset id).
std::string SupersetFixtureJson(const SupersetFixtureOptions& options = {});
// The users the fixture defines and can log in (the inactive one is not listed), and its databases.
std::vector<std::string> SupersetFixtureUsers();
std::vector<std::string> SupersetFixtureDatabases();

// Runs statements on a SQLite file (created), for the tests of the SQLite backend.
void ExecSqliteOrDie(const std::string& path, const std::vector<std::string>& statements);

}  // namespace rlsq::testing
