// Superset's datasets in a file policy: permissions named by dataset id ([db].[table](id:N)), filters attached to
// dataset ids, and the database a dataset belongs to.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "lib/policy/policy.h"
#include "rewriter/engine.h"
#include "tests/support/status_matchers.h"

namespace rlsq {
namespace {

constexpr const char* kPolicy = R"j({
  "default_database": "tpch",
  "datasets": [{"id": 11, "database": "tpch", "schema": "public", "table": "orders"},
               {"id": 12, "database": "staging", "schema": "public", "table": "orders"},
               {"id": 13, "database": "tpch", "schema": "Sales", "table": "Big Orders"},
               {"id": 14, "database": "tpch", "schema": null, "table": "customer"}],
  "roles": [{"name": "Analyst", "permissions": [["datasource_access", "[tpch].[orders](id:11)"],
                                                ["datasource_access", "[staging].[orders](id:12)"],
                                                ["datasource_access", "[tpch].[Big Orders](id:13)"],
                                                ["datasource_access", "[tpch].[customer](id:14)"]]}],
  "users": [{"username": "ann", "roles": ["Analyst"]}],
  "rls_filters": [{"name": "tpch orders", "filter_type": "Regular", "tables": [11], "roles": ["Analyst"],
                   "clause": "o_custkey < 100"},
                  {"name": "staging orders", "filter_type": "Regular", "tables": [12], "roles": ["Analyst"],
                   "clause": "o_custkey < 5"},
                  {"name": "big", "filter_type": "Regular", "tables": [13], "roles": ["Analyst"], "clause": "x = 1"}]
})j";

std::unique_ptr<Engine> Make(const std::string& json = kPolicy) {
  auto e = Engine::FromPolicyJson(json);
  EXPECT_TRUE(e.ok()) << e.status();
  return e.ok() ? std::move(*e) : nullptr;
}

std::string Rewrite(const Engine& e, const char* sql, const char* database = "") {
  RewriteOptions o;
  o.database = database;
  auto r = e.rewrite(sql, Caller{"ann"}, o);
  return r.ok() ? r->sql : std::string("ERROR: ") + std::string(r.status().message());
}

TEST(DatasetsTest, PermissionsByDatasetIdGrantThatTable) {
  auto e = Make();
  EXPECT_EQ(Rewrite(*e, "SELECT count(*) FROM orders"), "SELECT count(*) FROM orders WHERE (orders.o_custkey < 100)");
  EXPECT_EQ(Rewrite(*e, "SELECT 1 FROM \"Sales\".\"Big Orders\" b"),
            "SELECT 1 FROM \"Sales\".\"Big Orders\" b WHERE (b.x = 1)");
  EXPECT_EQ(Rewrite(*e, "SELECT 1 FROM customer"), "SELECT 1 FROM customer");
  // The names in Superset's columns are exact: sales."big orders" is another table, and no grant covers it.
  EXPECT_THAT(Rewrite(*e, "SELECT 1 FROM sales.big_orders"), ::testing::HasSubstr("ERROR: "));
  EXPECT_THAT(Rewrite(*e, "SELECT 1 FROM lineitem"), ::testing::HasSubstr("public.lineitem"));
}

TEST(DatasetsTest, AFilterBelongsToItsDatasetsDatabase) {
  auto e = Make();
  EXPECT_EQ(Rewrite(*e, "SELECT 1 FROM orders", "tpch"), "SELECT 1 FROM orders WHERE (orders.o_custkey < 100)");
  EXPECT_EQ(Rewrite(*e, "SELECT 1 FROM orders", "staging"), "SELECT 1 FROM orders WHERE (orders.o_custkey < 5)");
  // A third database has neither dataset: no grant, so no read (and never the other databases' filters).
  EXPECT_THAT(Rewrite(*e, "SELECT 1 FROM orders", "prod"), ::testing::HasSubstr("ERROR: "));
}

TEST(DatasetsTest, DatasetReferencesMustResolve) {
  auto bad = [](const std::string& json) { return Engine::FromPolicyJson(json).status(); };
  auto with_role = [](const char* view) {
    return std::string(R"j({"default_database": "tpch",
      "datasets": [{"id": 11, "database": "tpch", "schema": "public", "table": "orders"}],
      "roles": [{"name": "A", "permissions": [["datasource_access", ")j") + view + "\"]]}]}";
  };
  EXPECT_THAT(bad(with_role("[tpch].[orders](id:99)")),
              StatusIs(absl::StatusCode::kFailedPrecondition, "names dataset id 99, which \"datasets\" does not declare"));
  EXPECT_THAT(bad(with_role("[tpch].[lineitem](id:11)")),
              StatusIs(absl::StatusCode::kFailedPrecondition, "dataset 11 is \"[tpch].[orders](id:11)\""));
  EXPECT_THAT(bad(with_role("[staging].[orders](id:11)")),
              StatusIs(absl::StatusCode::kFailedPrecondition, "dataset 11 is \"[tpch].[orders](id:11)\""));
  EXPECT_TRUE(Engine::FromPolicyJson(with_role("[tpch].[orders](id:11)")).ok());
  EXPECT_THAT(bad(R"j({"datasets": [{"id": 1, "database": "d", "schema": "public", "table": "t"}],
      "rls_filters": [{"name": "f", "filter_type": "Base", "tables": [2], "clause": "a = 1"}]})j"),
              StatusIs(absl::StatusCode::kFailedPrecondition, "table 2 is not a dataset id"));
  EXPECT_THAT(bad(R"j({"datasets": [{"id": 1, "table": "t"}]})j"),
              StatusIs(absl::StatusCode::kFailedPrecondition, "names no database"));
  EXPECT_THAT(bad(R"j({"datasets": [{"id": 1, "database": "d", "schema": "pg_catalog", "table": "pg_class"}]})j"),
              StatusIs(absl::StatusCode::kFailedPrecondition, "system relation"));
  EXPECT_THAT(bad(R"j({"datasets": [{"id": 1, "database": "d", "schema": "", "table": "t"}]})j"),
              StatusIs(absl::StatusCode::kFailedPrecondition, "empty schema name"));
}

TEST(DatasetsTest, ANullSchemaIsTheSearchPath) {
  RLSQ_ASSERT_OK_AND_ASSIGN(auto p, policy::Policy::FromJson(kPolicy, Dialect::Postgres()));
  ASSERT_NE(p->FindDataset(14), nullptr);
  EXPECT_EQ(p->FindDataset(14)->table.schema, "public");
  EXPECT_EQ(p->FindDataset(13)->table.schema, "Sales");
  EXPECT_EQ(p->FindDataset(13)->table.name, "Big Orders");
  EXPECT_EQ(p->FindDataset(13)->perm, "[tpch].[Big Orders](id:13)");
}

}  // namespace
}  // namespace rlsq
