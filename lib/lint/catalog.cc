#include "lib/lint/catalog.h"

#include "lib/common/status.h"
#include "lib/common/str_cat.h"

namespace rlsq::lint {

absl::StatusOr<Schema> SchemaFromCatalog(sources::Connection& conn) {
  if (conn.backend() != sources::Backend::kPostgres)
    return absl::InvalidArgumentError(
        Cat("--schema-db reads a PostgreSQL catalog (the dialect rlsq speaks); this is ", ToString(conn.backend())));
  RLSQ_RETURN_IF_ERROR(conn.BeginSnapshot());
  auto rows = conn.Query(
      "SELECT n.nspname, c.relname, a.attname FROM pg_catalog.pg_class c "
      "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
      "LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped "
      "WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND n.nspname <> 'information_schema' "
      "AND n.nspname !~ '^pg_'");
  (void)conn.End();
  if (!rows.ok()) return rows.status();
  Schema schema;
  for (const sources::Row& r : *rows) {
    if (!r[0] || !r[1]) continue;
    TableName name{"", *r[0], *r[1]};
    Schema::Relation& rel = schema.relations[name.Key()];
    rel.name = name;
    if (r[2]) rel.columns.insert(*r[2]);
  }
  return schema;
}

absl::StatusOr<Schema> SchemaFromDatabase(std::string_view uri) {
  RLSQ_ASSIGN_OR_RETURN(sources::DatabaseUri parsed, sources::ParseDatabaseUri(uri));
  if (parsed.backend != sources::Backend::kPostgres)
    return absl::InvalidArgumentError("--schema-db reads a PostgreSQL catalog (the dialect rlsq speaks)");
  RLSQ_ASSIGN_OR_RETURN(auto conn, sources::Connect(parsed));
  return SchemaFromCatalog(*conn);
}

}  // namespace rlsq::lint
