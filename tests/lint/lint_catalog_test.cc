// rlsq lint --schema-db: the columns clauses read, checked against a live PostgreSQL 15 catalog.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "lib/common/str_cat.h"
#include "lib/lint/catalog.h"
#include "lib/lint/lint.h"
#include "tests/cli/run_rlsq.h"
#include "tests/support/pg_server.h"
#include "tests/support/status_matchers.h"

namespace rlsq {
namespace {

using ::testing::HasSubstr;

constexpr const char* kPolicy = R"j({"default_database": "warehouse",
  "roles": [{"name": "R", "permissions": [["database_access", "[warehouse]"]]}],
  "users": [{"username": "u", "roles": ["R"]}],
  "rls_filters": [
    {"name": "ok", "filter_type": "Regular", "tables": ["orders"], "roles": ["R"], "clause": "o_custkey < 5"},
    {"name": "typo", "filter_type": "Regular", "tables": ["orders"], "roles": ["R"], "clause": "o_custkye < 5"},
    {"name": "cased", "filter_type": "Regular", "tables": ["\"Sales\".\"Big Orders\""], "roles": ["R"],
     "clause": "\"Amount\" > 0"},
    {"name": "view", "filter_type": "Regular", "tables": ["recent"], "roles": ["R"], "clause": "o_custkey = 1"},
    {"name": "gone", "filter_type": "Regular", "tables": ["lineitem"], "roles": ["R"], "clause": "l_quantity = 1"}]})j";

TEST(LintCatalogTest, ClausesAreCheckedAgainstTheLiveCatalog) {
  RLSQ_ASSERT_OK_AND_ASSIGN(auto server, testing::PgServer::Start());
  RLSQ_ASSERT_OK(server->CreateDatabase("warehouse"));
  RLSQ_ASSERT_OK_AND_ASSIGN(auto db, server->Connect("warehouse"));
  RLSQ_ASSERT_OK(db->Exec("CREATE TABLE orders (o_custkey int, o_orderstatus text, dropped int);"
                          "ALTER TABLE orders DROP COLUMN dropped;"
                          "CREATE SCHEMA \"Sales\"; CREATE TABLE \"Sales\".\"Big Orders\" (\"Amount\" numeric);"
                          "CREATE VIEW recent AS SELECT o_custkey FROM orders"));
  const std::string uri = Cat("postgresql://postgres@/warehouse?host=", server->socket_dir(), "&port=", server->port());
  RLSQ_ASSERT_OK_AND_ASSIGN(lint::Schema schema, lint::SchemaFromDatabase(uri));
  EXPECT_TRUE(schema.relations.contains(TableName({"", "Sales", "Big Orders"}).Key()));
  EXPECT_FALSE(schema.relations.at(TableName({"", "public", "orders"}).Key()).columns.contains("dropped"));
  RLSQ_ASSERT_OK_AND_ASSIGN(auto policy, policy::Policy::FromJson(kPolicy, Dialect::Postgres()));
  lint::LintOptions options;
  options.schema = &schema;
  std::vector<std::string> seen;
  for (const lint::Finding& f : lint::Lint(*policy, options))
    seen.push_back(Cat(f.code, ":", f.filters.empty() ? "" : f.filters[0]));
  EXPECT_THAT(seen, ::testing::UnorderedElementsAre("unknown_column:typo", "table_not_in_schema:gone"));

  // The command line: exit 1 on the error finding; a URI of another database kind is refused.
  const std::string path = Cat(::testing::TempDir(), "/rlsq-lint-catalog-", getpid(), ".json");
  std::ofstream(path) << kPolicy;
  Result r = RunRlsq({"lint", "--policy", path, "--schema-db", uri});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_THAT(r.out, HasSubstr("unknown_column"));
  EXPECT_THAT(r.out, HasSubstr("o_custkye"));
  r = RunRlsq({"lint", "--policy", path, "--schema-db", "mysql://u@/x"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("reads a PostgreSQL catalog"));
  r = RunRlsq({"lint", "--policy", path, "--schema-db", uri, "--schema", path});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("not both"));
  std::remove(path.c_str());
}

}  // namespace
}  // namespace rlsq
