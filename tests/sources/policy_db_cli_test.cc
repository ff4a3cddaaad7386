// `rlsq rewrite --policy-db URI [--policy-settings FILE]` and YAML files on the command line.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "lib/common/str_cat.h"
#include "tests/cli/run_rlsq.h"
#include "tests/sources/superset_fixture.h"

namespace rlsq {
namespace {

using ::testing::HasSubstr;

class PolicyDbCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = Cat(::testing::TempDir(), "/rlsq-policy-db-cli-", getpid());
    std::filesystem::create_directories(dir_);
    db_ = dir_ + "/superset.db";
    testing::ExecSqliteOrDie(db_, testing::SupersetMetadataSql(sources::Backend::kSqlite, {}));
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string dir_, db_;
};

TEST_F(PolicyDbCliTest, RewritesWithThePolicyOfTheMetadataDatabase) {
  Result r = RunRlsq({"rewrite", "--policy-db", "sqlite:///" + db_, "--user", "alice", "--database", "staging",
                      "--sql", "SELECT count(*) FROM orders"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "SELECT count(*) FROM orders WHERE (orders.o_custkey < 500)\n");
  // What the metadata held that rlsq does not apply is said on stderr.
  EXPECT_THAT(r.err, HasSubstr("rlsq: warning: datasource_access on \"[tpch].[old_name](id:99)\" names no dataset"));
  // Settings: the default database.
  std::ofstream(dir_ + "/settings.yaml") << "default_database: staging\nplacement: plain\n";
  r = RunRlsq({"rewrite", "--policy-db", "sqlite:///" + db_, "--policy-settings", dir_ + "/settings.yaml", "--user",
               "alice", "--sql", "SELECT count(*) FROM orders"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "SELECT count(*) FROM orders WHERE (orders.o_custkey < 500)\n");
  // An inactive user is unknown; access is denied with the tables.
  r = RunRlsq({"rewrite", "--policy-db", "sqlite:///" + db_, "--user", "erin", "--sql", "SELECT 1"});
  EXPECT_EQ(r.exit_code, 3);
  r = RunRlsq({"rewrite", "--policy-db", "sqlite:///" + db_, "--user", "frank", "--database", "tpch", "--sql",
               "SELECT 1 FROM big_orders"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_THAT(r.err, HasSubstr("public.big_orders"));
}

TEST_F(PolicyDbCliTest, BadSourcesAndOptions) {
  Result r = RunRlsq({"rewrite", "--policy-db", "sqlite:///" + dir_ + "/none.db", "--user", "alice", "--sql", "SELECT 1"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr("no database file"));
  r = RunRlsq({"rewrite", "--policy-db", "mysql://u:secret@/x?unix_socket=" + dir_ + "/none.sock", "--user", "a",
               "--sql", "SELECT 1"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr("mysql: cannot connect to mysql://u:***@/x"));
  EXPECT_EQ(r.err.find("secret"), std::string::npos);
  r = RunRlsq({"rewrite", "--policy", db_, "--policy-db", "sqlite:///" + db_, "--user", "a", "--sql", "SELECT 1"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("give --policy FILE or --policy-db URI"));
  r = RunRlsq({"rewrite", "--policy", db_, "--policy-settings", db_, "--user", "a", "--sql", "SELECT 1"});
  EXPECT_EQ(r.exit_code, 1);
  std::ofstream(dir_ + "/settings.json") << R"({"users": []})";
  r = RunRlsq({"rewrite", "--policy-db", "sqlite:///" + db_, "--policy-settings", dir_ + "/settings.json", "--user",
               "alice", "--sql", "SELECT 1"});
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_THAT(r.err, HasSubstr("\"users\" comes from the Superset metadata database"));
}

// rlsq lint on the metadata database: Superset's own documentation warns that two filters of one role can leave its
// users an empty table; here an administrator added "o_custkey > 600" to the staging orders that "o_custkey < 500"
// already filters for the same role.
TEST_F(PolicyDbCliTest, LintReadsTheMetadataDatabase) {
  const std::string uri = "sqlite:///" + db_;
  Result clean = RunRlsq({"lint", "--policy-db", uri, "--json"});
  EXPECT_EQ(clean.exit_code, 0) << clean.err;
  EXPECT_THAT(clean.out, HasSubstr("\"code\": \"metadata_left_out\""));
  EXPECT_THAT(clean.out, HasSubstr("\"errors\": 0"));
  testing::ExecSqliteOrDie(db_, {"INSERT INTO row_level_security_filters (id, name, filter_type, clause) VALUES "
                                 "(12, 'big keys', 'Regular', 'o_custkey > 600')",
                                 "INSERT INTO rls_filter_tables (table_id, rls_filter_id) VALUES (11, 12)",
                                 "INSERT INTO rls_filter_roles (role_id, rls_filter_id) VALUES (2, 12)"});
  Result r = RunRlsq({"lint", "--policy-db", uri});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("error unsatisfiable_predicate"));
  EXPECT_THAT(r.out, HasSubstr("staging orders, big keys"));
  EXPECT_THAT(r.out, HasSubstr("alice"));
}

TEST_F(PolicyDbCliTest, YamlPolicyFile) {
  std::ofstream(dir_ + "/p.yml") << "default_database: tpch\nroles:\n  - name: R\n    permissions:\n"
                                    "      - [schema_access, \"[tpch].[public]\"]\nusers:\n  - {username: u, roles: [R]}\n"
                                    "rls_filters:\n  - name: f\n    filter_type: Regular\n    tables: [orders]\n"
                                    "    roles: [R]\n    clause: o_custkey = 7\n";
  Result r = RunRlsq({"rewrite", "--policy", dir_ + "/p.yml", "--user", "u", "--sql", "SELECT 1 FROM orders"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "SELECT 1 FROM orders WHERE (orders.o_custkey = 7)\n");
  std::ofstream(dir_ + "/bad.yaml") << "roles:\n  - name: R\n    extends: Gamma\n";
  r = RunRlsq({"rewrite", "--policy", dir_ + "/bad.yaml", "--user", "u", "--sql", "SELECT 1"});
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_THAT(r.err, HasSubstr("field \"extends\" must be an array, not a string (line 3, column 14)"));
}

}  // namespace
}  // namespace rlsq
