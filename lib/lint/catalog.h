// The schema `rlsq lint --schema-db URI` checks clauses against: the relations and columns of the live database the
// queries run on, read from its catalog (PostgreSQL: pg_class, pg_attribute), instead of a DDL file.
#pragma once

#include <string_view>

#include "absl/status/statusor.h"
#include "lib/lint/lint.h"
#include "lib/sources/connection.h"

namespace rlsq::lint {

// Every table, view, materialized view, foreign and partitioned table outside the system schemas, with its columns,
// names exact as the catalog holds them. InvalidArgument for a URI of a database whose dialect rlsq does not speak
// yet (only PostgreSQL); Unavailable when it cannot be read.
absl::StatusOr<Schema> SchemaFromDatabase(std::string_view uri);
// The same from an open connection (tests).
absl::StatusOr<Schema> SchemaFromCatalog(sources::Connection& conn);

}  // namespace rlsq::lint
