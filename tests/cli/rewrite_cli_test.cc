// `rlsq rewrite` and `rlsq parse --tables`, run as a user would: the built binary, its output and exit codes.
#include <cstdio>
#include <fstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/cli/run_rlsq.h"

namespace rlsq {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

const std::string kPolicy = std::string(RLSQ_SOURCE_DIR) + "/examples/policy.json";

TEST(RewriteCliTest, RewritesTheBundledExample) {
  std::string query = ReadAll(std::string(RLSQ_SOURCE_DIR) + "/examples/query.sql");
  Result r = RunRlsq({"rewrite", "--policy", kPolicy, "--placement", "plain", "--user", "alice"}, query);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  // Comments and layout are kept; the filters arrive at each read.
  EXPECT_THAT(r.out, StartsWith("-- A Superset-style chart query over TPC-H"));
  EXPECT_THAT(r.out, HasSubstr("FROM orders\n  WHERE (o_orderdate >= DATE '1995-01-01' AND o_orderdate < DATE "
                               "'1997-01-01') AND (orders.o_orderpriority <> '1-URGENT')"));
  EXPECT_THAT(r.out, HasSubstr("(c.c_mktsegment <> 'HOUSEHOLD') AND (n.n_regionkey IN (3, 4))"));
  EXPECT_THAT(r.out, HasSubstr("FROM orders WHERE (orders.o_orderpriority <> '1-URGENT'))"));
}

TEST(RewriteCliTest, SqlOptionAndGroupedFilters) {
  Result r = RunRlsq({"rewrite", "--policy", kPolicy, "--placement", "plain", "--user", "carol", "--sql", "SELECT n_name FROM nation"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "SELECT n_name FROM nation WHERE ((nation.n_regionkey IN (3, 4)) OR (nation.n_regionkey = 1))\n");
  r = RunRlsq({"rewrite", "--policy", kPolicy, "--placement", "plain", "--user", "admin", "--sql", "SELECT n_name FROM nation"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "SELECT n_name FROM nation\n");
}

// A policy that names its dialect and settings; --dialect and --dialect-option must agree with them.
TEST(RewriteCliTest, ThePolicysDialectAndTheFlags) {
  const std::string path = std::string(::testing::TempDir()) + "/rlsq_cli_mariadb_policy.yaml";
  std::ofstream(path) << R"(dialect: mariadb
dialect_options: {sql_mode: ANSI_QUOTES}
default_schema: shop
default_database: shop
roles: [{name: Ads, permissions: [[schema_access, "[shop].[shop]"]]}]
users: [{username: ann, roles: [Ads]}]
rls_filters:
  - {name: advertiser, filter_type: Regular, tables: [campaigns], roles: [Ads], clause: 'advertiser = "foo"'}
)";
  const std::string sql = "SELECT * FROM \"campaigns\" LIMIT 2, 5";
  const std::string out = "SELECT * FROM \"campaigns\" WHERE (campaigns.advertiser = campaigns.foo) LIMIT 2, 5\n";
  Result r = RunRlsq({"rewrite", "--policy", path, "--user", "ann", "--sql", sql});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, out);
  r = RunRlsq({"rewrite", "--policy", path, "--user", "ann", "--dialect", "mariadb", "--sql", sql});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, out);
  r = RunRlsq({"rewrite", "--policy", path, "--user", "ann", "--dialect", "mariadb", "--dialect-option",
               "sql_mode=ANSI_QUOTES", "--sql", sql});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, out);
  r = RunRlsq({"rewrite", "--policy", path, "--user", "ann", "--dialect", "postgres", "--sql", sql});
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_THAT(r.err, HasSubstr("the policy is written for mariadb (line 1, column 10) but the caller asked for postgres"));
  r = RunRlsq({"rewrite", "--policy", path, "--user", "ann", "--dialect", "mariadb", "--dialect-option",
               "sql_mode=PIPES_AS_CONCAT", "--sql", sql});
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_THAT(r.err, HasSubstr("differ from the policy's"));
  EXPECT_EQ(r.out, "");
  std::remove(path.c_str());
}

TEST(RewriteCliTest, Explain) {
  Result r = RunRlsq({"rewrite", "--policy", kPolicy, "--placement", "plain", "--user", "alice", "--explain", "--sql",
                      "SELECT * FROM customer c LEFT JOIN orders o ON o.o_custkey = c.c_custkey"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, StartsWith("{\"changed\":true,\"sql\":\"SELECT * FROM customer c LEFT JOIN orders o ON "));
  EXPECT_THAT(r.out, HasSubstr("{\"span\":[14,24],\"table\":\"public.customer\",\"schema\":\"public\",\"name\":"
                               "\"customer\",\"alias\":\"c\",\"filters\":[{\"name\":\"hide_household\",\"group_key\":"
                               "null}],\"placement\":{\"kind\":\"where\",\"query_block\":0,\"insert_at\":72,\"applied\":true}"));
  EXPECT_THAT(r.out, HasSubstr("\"table\":\"public.orders\",\"schema\":\"public\",\"name\":\"orders\",\"alias\":\"o\","
                               "\"filters\":[{\"name\":\"no_urgent_for_finance\",\"group_key\":null}],"
                               "\"placement\":{\"kind\":\"on\",\"join_condition_span\":[47,72],\"applied\":true}"));
}

TEST(RewriteCliTest, PlacementFlag) {
  Result r = RunRlsq({"rewrite", "--policy", kPolicy, "--user", "carol", "--sql", "SELECT n_name FROM nation n"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "SELECT n_name FROM nation n WHERE ((n.n_regionkey IN (3, 4)) OR (n.n_regionkey = 1))\n");
  r = RunRlsq({"rewrite", "--policy", kPolicy, "--user", "carol", "--placement", "fenced", "--sql",
               "SELECT n_name FROM nation n"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "SELECT n_name FROM (SELECT * FROM nation WHERE ((nation.n_regionkey IN (3, 4)) OR "
            "(nation.n_regionkey = 1)) OFFSET 0) AS n\n");
  r = RunRlsq({"rewrite", "--policy", kPolicy, "--user", "carol", "--placement", "fenced", "--explain", "--sql",
               "TABLE nation"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("\"sql\":\"SELECT * FROM (SELECT * FROM nation WHERE ((nation.n_regionkey IN (3, 4)) OR "
                               "(nation.n_regionkey = 1)) OFFSET 0) AS nation\""));
  EXPECT_THAT(r.out, HasSubstr("\"kind\":\"table_statement\",\"fenced\":true"));
  r = RunRlsq({"rewrite", "--policy", kPolicy, "--user", "carol", "--placement", "fence", "--sql", "TABLE nation"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("--placement: placement must be \"fenced\" or \"plain\""));
}

TEST(RewriteCliTest, SearchPathAndClientEncodingFlags) {
  // pg_catalog is searched first: with the default path, pg_authid is pg_catalog.pg_authid, and refused.
  Result r = RunRlsq({"rewrite", "--policy", kPolicy, "--user", "carol", "--sql", "SELECT * FROM pg_authid"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_THAT(r.err, HasSubstr("1:15: reading pg_catalog.pg_authid is not allowed"));
  EXPECT_EQ(r.out, "");
  // Two schemas and no table list: rlsq cannot tell which one holds nation.
  r = RunRlsq({"rewrite", "--policy", kPolicy, "--user", "carol", "--search-path", "sales, public", "--sql",
               "SELECT * FROM nation"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("could be sales.nation or public.nation"));
  r = RunRlsq({"rewrite", "--policy", kPolicy, "--user", "carol", "--search-path", "$user", "--sql", "SELECT 1"});
  EXPECT_EQ(r.exit_code, 1);
  r = RunRlsq({"rewrite", "--policy", kPolicy, "--user", "carol", "--client-encoding", "SJIS", "--sql", "SELECT 1"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("client encoding SJIS is refused"));
  EXPECT_EQ(r.out, "");
  r = RunRlsq({"rewrite", "--policy", kPolicy, "--user", "carol", "--client-encoding", "latin1", "--placement", "plain",
               "--sql", "SELECT n_name FROM nation WHERE n_name = '\xe9'"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "SELECT n_name FROM nation WHERE (n_name = '\xe9') AND ((nation.n_regionkey IN (3, 4)) OR "
                   "(nation.n_regionkey = 1))\n");
}

TEST(RewriteCliTest, ExitCodes) {
  Result r = RunRlsq({"rewrite", "--policy", kPolicy, "--user", "alice", "--sql", "SELECT 1; SELECT 2"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_THAT(r.err, HasSubstr("1:11: several statements"));

  r = RunRlsq({"rewrite", "--policy", kPolicy, "--user", "alice", "--sql", "WITH d AS (DELETE FROM orders RETURNING *) SELECT * FROM d"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");

  r = RunRlsq({"rewrite", "--policy", kPolicy, "--user", "alice", "--sql", "SELECT * INTO t2 FROM orders"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");

  r = RunRlsq({"rewrite", "--policy", kPolicy, "--user", "alice", "--sql", "SELECT * FROM orders FOR UPDATE"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");

  r = RunRlsq({"rewrite", "--policy", kPolicy, "--user", "alice", "--sql", "SELECT lo_import('/etc/passwd')"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("1:8: function pg_catalog.lo_import is not allowed"));

  r = RunRlsq({"rewrite", "--policy", kPolicy, "--user", "mallory", "--sql", "SELECT 1"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.out, "");
  EXPECT_THAT(r.err, HasSubstr("unknown user \"mallory\""));

  r = RunRlsq({"rewrite", "--policy", "/nonexistent/policy.json", "--user", "alice", "--sql", "SELECT 1"});
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_EQ(r.out, "");

  r = RunRlsq({"rewrite", "--user", "alice", "--sql", "SELECT 1"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("give --policy FILE or --policy-db URI"));

  // dave (Auditor) may read orders and lineitem only: every other table is listed, nothing is rewritten.
  r = RunRlsq({"rewrite", "--policy", kPolicy, "--user", "dave", "--sql",
               "SELECT * FROM orders JOIN customer ON true JOIN lineitem ON true, nation, customer c2"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.out, "");
  EXPECT_THAT(r.err, HasSubstr("You need access to the following tables: public.customer, public.nation"));
  r = RunRlsq({"rewrite", "--policy", kPolicy, "--user", "dave", "--sql", "SELECT * FROM orders JOIN lineitem ON true"});
  EXPECT_EQ(r.exit_code, 0) << r.err;

  // anonymous callers get the public role, which grants no data access here
  r = RunRlsq({"rewrite", "--policy", kPolicy, "--anonymous", "--sql", "SELECT * FROM nation"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_THAT(r.err, HasSubstr("public.nation"));
  r = RunRlsq({"rewrite", "--policy", kPolicy, "--anonymous", "--user", "alice", "--sql", "SELECT 1"});
  EXPECT_EQ(r.exit_code, 1);
}

TEST(RewriteCliTest, BadPolicyNamesTheFilter) {
  auto dir = std::filesystem::temp_directory_path() / ("rlsq_policy_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  std::string path = (dir / "p.json").string();
  {
    std::ofstream out(path);
    out << R"({"roles": [{"name": "R"}], "users": [{"username": "u", "roles": ["R"]}],
      "rls_filters": [{"name": "leaky", "filter_type": "Regular", "tables": ["t"], "roles": ["R"],
                       "clause": "a = 1) OR (1 = 1"}]})";
  }
  Result r = RunRlsq({"rewrite", "--policy", path, "--user", "u", "--sql", "SELECT * FROM t"});
  std::filesystem::remove_all(dir);
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_EQ(r.out, "");
  EXPECT_THAT(r.err, HasSubstr("filter \"leaky\" clause"));
}

TEST(ParseTablesCliTest, ListsBaseTablesWithCteVisibility) {
  Result r = RunRlsq({"parse", "--tables", "--sql",
                      "WITH orders AS (SELECT * FROM orders), a AS (SELECT * FROM b) "
                      "SELECT * FROM orders, a, (SELECT 1) AS lineitem, Public.\"Region\" r "
                      "WHERE EXISTS (SELECT 1 FROM lineitem AS nation)"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "public.orders\npublic.b\npublic.\"Region\"\npublic.lineitem\n");
  r = RunRlsq({"parse", "--tables", "--default-schema", "tpch", "--sql",
               "WITH RECURSIVE a AS (SELECT * FROM b), b AS (SELECT * FROM a) SELECT * FROM a, c"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "tpch.c\n");
  r = RunRlsq({"parse", "--tables", "--sql", "SELECT * FROM t WHERE x = dblink_exec('y')"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
}

}  // namespace
// The parser's limits as flags of both subcommands: each refusal names the limit and exits 2; a bad value is a usage
// error (exit 1); the defaults apply without the flags.
TEST(RewriteCliTest, LimitFlags) {
  const std::string nested = std::string(60, '(') + "1" + std::string(60, ')');
  Result r = RunRlsq({"rewrite", "--policy", kPolicy, "--user", "alice", "--max-depth", "50", "--sql",
                      "SELECT " + nested + " FROM nation"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_THAT(r.err, HasSubstr("nested too deeply"));
  EXPECT_EQ(r.out, "");
  r = RunRlsq({"rewrite", "--policy", kPolicy, "--user", "alice", "--max-depth", "100", "--sql",
               "SELECT " + nested + " FROM nation"});
  EXPECT_EQ(r.exit_code, 0) << r.err;

  r = RunRlsq({"rewrite", "--policy", kPolicy, "--user", "alice", "--max-tokens", "5", "--sql",
               "SELECT n_name, n_nationkey FROM nation"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("too many tokens: more than 5"));

  // stdin beyond --max-input-bytes is refused without being read whole; --sql goes through the parser's check.
  r = RunRlsq({"rewrite", "--policy", kPolicy, "--user", "alice", "--max-input-bytes", "20"},
              "SELECT n_name FROM nation WHERE n_nationkey = 1");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("1:1: input is too long: more than 20 bytes (limit 20 bytes, --max-input-bytes)"));
  r = RunRlsq({"parse", "--max-input-bytes=20", "--sql", "SELECT n_name FROM nation WHERE n_nationkey = 1"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("input is too long: 47 bytes (limit 20 bytes"));
  r = RunRlsq({"parse", "--max-input-bytes", "47"}, "SELECT n_name FROM nation WHERE n_nationkey = 1");
  EXPECT_EQ(r.exit_code, 0) << r.err;

  for (const char* bad : {"0", "-1", "ten", "", "99999999999999999999", "4294967296"}) {
    r = RunRlsq({"parse", "--max-depth", bad, "--sql", "SELECT 1"});
    EXPECT_EQ(r.exit_code, 1) << bad;
    EXPECT_THAT(r.err, HasSubstr("--max-depth needs a positive integer")) << bad;
  }
  r = RunRlsq({"parse", "--help"});
  EXPECT_THAT(r.out, HasSubstr("--max-input-bytes N"));
  EXPECT_THAT(r.out, HasSubstr("(default 4194304)"));
}

}  // namespace rlsq
