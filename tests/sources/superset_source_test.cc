// Superset's metadata database as a policy source, on SQLite files and on throwaway PostgreSQL and MariaDB servers:
// the policy read from it rewrites every corpus query exactly as the same policy written as JSON does, for every
// user and database, whichever Superset version wrote the schema.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "lib/common/str_cat.h"
#include "lib/sources/connection.h"
#include "lib/sources/policy_source.h"
#include "lib/sources/superset_source.h"
#include "rewriter/engine.h"
#include "tests/sources/superset_fixture.h"
#include "tests/support/corpus.h"
#include "tests/support/mariadb_server.h"
#include "tests/support/pg_server.h"
#include "tests/support/status_matchers.h"

namespace rlsq {
namespace {

using sources::Backend;
using testing::SupersetFixtureOptions;
using ::testing::HasSubstr;

// Temp files of this process, removed when the tests end.
std::vector<std::string>& TempFiles() {
  static std::vector<std::string> files;
  return files;
}
struct RemoveTempFiles : ::testing::Environment {
  void TearDown() override {
    for (const std::string& f : TempFiles()) std::filesystem::remove(f);
  }
};
const auto* const kRemoveTempFiles = ::testing::AddGlobalTestEnvironment(new RemoveTempFiles);

std::string TempPath(std::string_view name) {
  std::string path = Cat(::testing::TempDir(), "/rlsq-", getpid(), "-", name);
  TempFiles().push_back(path);
  return path;
}

// A fresh SQLite metadata database of the fixture.
std::string MakeSqlite(std::string_view name, const SupersetFixtureOptions& o) {
  std::string path = TempPath(name);
  std::filesystem::remove(path);
  testing::ExecSqliteOrDie(path, testing::SupersetMetadataSql(Backend::kSqlite, o));
  return Cat("sqlite:///", path);
}

std::unique_ptr<Engine> EngineFromSource(const std::string& uri, std::vector<std::string>* warnings = nullptr) {
  sources::SourceOptions o;
  o.policy_db = uri;
  auto source = sources::OpenPolicySource(o, Dialect::Postgres());
  EXPECT_TRUE(source.ok()) << source.status();
  if (!source.ok()) return nullptr;
  auto policy = (*source)->Load();
  EXPECT_TRUE(policy.ok()) << policy.status();
  if (!policy.ok()) return nullptr;
  if (warnings) *warnings = (*source)->warnings();
  return std::make_unique<Engine>(*policy);
}

std::string Outcome(const Engine& e, const std::string& sql, const std::string& user, const std::string& db) {
  RewriteOptions o;
  o.database = db;
  auto r = e.rewrite(sql, Caller{user}, o);
  return r.ok() ? r->sql : Cat("ERROR ", static_cast<int>(r.status().code()), ": ", ToStd(r.status().message()));
}

// Every corpus query, for every user and database: equal outcomes (SQL or error), and some of each kind.
void ExpectSameRewrites(const Engine& from_db, const Engine& from_json) {
  std::vector<testing::CorpusQuery> queries = testing::LoadCorpus("tpch");
  for (auto& q : testing::LoadCorpus("charts")) queries.push_back(std::move(q));
  queries.push_back({"extra", "customer_nation", "", "SELECT c_name, n_name FROM customer c LEFT JOIN nation n "
                                                      "ON c.c_nationkey = n.n_nationkey"});
  queries.push_back({"extra", "cte_shadow", "", "WITH orders AS (SELECT * FROM orders WHERE o_custkey < 9) "
                                                 "SELECT count(*) FROM orders"});
  queries.push_back({"extra", "supplier", "", "SELECT * FROM supplier WHERE s_suppkey IN (SELECT l_suppkey "
                                               "FROM lineitem)"});
  int rewritten = 0, refused = 0, filtered = 0;
  for (const auto& q : queries)
    for (const std::string& user : testing::SupersetFixtureUsers())
      for (const std::string& db : testing::SupersetFixtureDatabases()) {
        std::string a = Outcome(from_db, q.sql, user, db), b = Outcome(from_json, q.sql, user, db);
        ASSERT_EQ(a, b) << q.set << "/" << q.name << " as " << user << " on " << db;
        if (a.rfind("ERROR", 0) == 0) {
          ++refused;
        } else {
          ++rewritten;
          filtered += a != q.sql;
        }
      }
  EXPECT_GT(rewritten, 100);
  EXPECT_GT(refused, 100);
  EXPECT_GT(filtered, 50);
}

std::unique_ptr<Engine> EngineFromJson(const SupersetFixtureOptions& o) {
  auto e = Engine::FromPolicyJson(testing::SupersetFixtureJson(o));
  EXPECT_TRUE(e.ok()) << e.status();
  return e.ok() ? std::move(*e) : nullptr;
}

TEST(SupersetSqliteTest, EveryVersionsSchemaRewritesAsTheJsonPolicy) {
  for (SupersetFixtureOptions o : {SupersetFixtureOptions{}, SupersetFixtureOptions{false, false, true, true},
                                   SupersetFixtureOptions{true, true, true, false},
                                   SupersetFixtureOptions{false, true, false, false}}) {
    SCOPED_TRACE(Cat("catalog ", o.catalog_column, " groups ", o.groups, " ids ", o.junction_ids, " names ",
                     o.filter_names));
    auto from_db = EngineFromSource(MakeSqlite("v.db", o));
    auto from_json = EngineFromJson(o);
    ASSERT_TRUE(from_db && from_json);
    ExpectSameRewrites(*from_db, *from_json);
  }
}

// What the rows mean, checked directly (not only against the JSON twin).
TEST(SupersetSqliteTest, SupersetSemantics) {
  std::vector<std::string> warnings;
  auto e = EngineFromSource(MakeSqlite("sem.db", {}), &warnings);
  ASSERT_TRUE(e);
  // A filter attached to a dataset applies to that dataset's database only.
  EXPECT_EQ(Outcome(*e, "SELECT count(*) FROM orders", "alice", "tpch"),
            "SELECT count(*) FROM orders WHERE (orders.o_orderpriority IN ('1-URGENT', '2-HIGH'))");
  EXPECT_EQ(Outcome(*e, "SELECT count(*) FROM orders", "alice", "staging"),
            "SELECT count(*) FROM orders WHERE (orders.o_custkey < 500)");
  // The Base filter exempts Admin, Analyst and Sales: the admin is exempt too, and reads everything.
  EXPECT_EQ(Outcome(*e, "SELECT count(*) FROM orders", "admin", "tpch"), "SELECT count(*) FROM orders");
  // Roles through groups: carol is in emea, which holds EU; the template names her.
  EXPECT_EQ(Outcome(*e, "SELECT 1 FROM supplier", "carol", "tpch"),
            "SELECT 1 FROM supplier WHERE (supplier.s_name <> 'carol')");
  // The same group key ORs, across filters of both types; Base exempts the roles it lists.
  EXPECT_EQ(Outcome(*e, "SELECT 1 FROM customer", "dave", "tpch"),
            "SELECT 1 FROM customer WHERE ((customer.c_mktsegment = 'BUILDING') OR (customer.c_nationkey < 10))");
  EXPECT_EQ(Outcome(*e, "SELECT 1 FROM lineitem", "alice", "tpch"),
            "SELECT 1 FROM lineitem WHERE (lineitem.l_quantity < 25)");
  EXPECT_EQ(Outcome(*e, "SELECT 1 FROM lineitem", "dave", "tpch"), "SELECT 1 FROM lineitem");
  // An inactive user cannot log in: unknown. A deleted dataset's and a virtual dataset's permissions grant no table.
  EXPECT_THAT(Outcome(*e, "SELECT 1", "erin", "tpch"), HasSubstr("ERROR 5"));
  EXPECT_THAT(Outcome(*e, "SELECT 1 FROM big_orders", "frank", "tpch"), HasSubstr("ERROR 7"));
  // database_access [tpch].(id:1) grants every table of tpch, not of staging.
  EXPECT_THAT(Outcome(*e, "SELECT 1 FROM partsupp", "bob", "tpch"), "SELECT 1 FROM partsupp");
  EXPECT_THAT(Outcome(*e, "SELECT 1 FROM partsupp", "bob", "staging"), HasSubstr("ERROR 7"));
  // A username with a dot and capitals is a username.
  EXPECT_THAT(Outcome(*e, "SELECT 1 FROM region", "Mixed.Case", "tpch"), HasSubstr("r_regionkey = 3"));
  // What was left out is said.
  std::string all;
  for (const auto& w : warnings) Append(&all, w, "\n");
  EXPECT_THAT(all, HasSubstr("datasource_access on \"[tpch].[old_name](id:99)\" names no dataset"));
  EXPECT_THAT(all, HasSubstr("\"[tpch].[big_orders](id:20)\" is a virtual dataset's"));
  EXPECT_THAT(all, HasSubstr("filter \"virtual only\" is on 1 virtual dataset(s)"));
  EXPECT_THAT(all, HasSubstr("2 databases"));
}

// A built-in role name grants only what the database holds for it: an emptied Alpha grants nothing (the preset Alpha
// of a file policy holds all_datasource_access).
TEST(SupersetSqliteTest, BuiltInRoleNamesGrantOnlyWhatTheDatabaseHolds) {
  const std::string uri = MakeSqlite("alpha.db", {});
  testing::ExecSqliteOrDie(uri.substr(10), {"INSERT INTO ab_role VALUES (8, 'Alpha')",
                                            "INSERT INTO ab_user (id, first_name, last_name, username, active, email) "
                                            "VALUES (9, 'A', 'L', 'alf', TRUE, 'alf@example.com')",
                                            "INSERT INTO ab_user_role VALUES (99, 9, 8)"});
  auto e = EngineFromSource(uri);
  ASSERT_TRUE(e);
  EXPECT_THAT(Outcome(*e, "SELECT 1 FROM orders", "alf", "tpch"), HasSubstr("ERROR 7"));
  auto can = e->can(Caller{"alf"}, "all_datasource_access", "all_datasource_access");
  ASSERT_TRUE(can.ok());
  EXPECT_FALSE(*can);
  // The settings cannot turn the presets back on.
  sources::SourceOptions o;
  o.policy_db = uri;
  o.settings_json = R"({"presets": true})";
  RLSQ_ASSERT_OK_AND_ASSIGN(auto source, sources::OpenPolicySource(o, Dialect::Postgres()));
  EXPECT_THAT(source->Load().status(), StatusIs(absl::StatusCode::kFailedPrecondition, "\"presets\" comes from"));
  // A file policy keeps them unless it says otherwise.
  auto file = Engine::FromPolicyJson(R"j({"default_database": "tpch", "users": [{"username": "alf", "roles": ["Alpha"]}]})j");
  ASSERT_TRUE(file.ok());
  EXPECT_EQ(Outcome(**file, "SELECT 1 FROM orders", "alf", "tpch"), "SELECT 1 FROM orders");
  auto exact = Engine::FromPolicyJson(
      R"j({"presets": false, "default_database": "tpch", "users": [{"username": "alf", "roles": ["Alpha"]}]})j");
  ASSERT_FALSE(exact.ok());  // without presets, Alpha is not a role until the policy defines it
  EXPECT_THAT(exact.status(), StatusIs(absl::StatusCode::kFailedPrecondition, "unknown role \"Alpha\""));
}

TEST(SupersetSqliteTest, BadMetadataIsRefusedWithWhatIsWrong) {
  auto load = [](const std::string& uri) {
    sources::SourceOptions o;
    o.policy_db = uri;
    auto source = sources::OpenPolicySource(o, Dialect::Postgres());
    if (!source.ok()) return source.status();
    return (*source)->Load().status();
  };
  const std::string uri = MakeSqlite("bad.db", {});
  const std::string path = uri.substr(std::string("sqlite:///").size());
  testing::ExecSqliteOrDie(path, {"UPDATE row_level_security_filters SET filter_type = NULL WHERE id = 3"});
  EXPECT_THAT(load(uri), StatusIs(absl::StatusCode::kFailedPrecondition,
                                  "filter 3 (\"nations\") has no filter_type (NULL): Superset silently never applies"));
  testing::ExecSqliteOrDie(path, {"UPDATE row_level_security_filters SET filter_type = 'regular' WHERE id = 3"});
  EXPECT_THAT(load(uri), StatusIs(absl::StatusCode::kFailedPrecondition, "has filter_type \"regular\""));
  testing::ExecSqliteOrDie(path, {"UPDATE row_level_security_filters SET filter_type = 'Regular', "
                                  "clause = 'c_nationkey < 10; DROP TABLE x' WHERE id = 3"});
  EXPECT_THAT(load(uri), StatusIs(absl::StatusCode::kFailedPrecondition, "filter \"nations\" clause"));
  testing::ExecSqliteOrDie(path, {"DROP TABLE rls_filter_tables"});
  EXPECT_THAT(load(uri), StatusIs(absl::StatusCode::kFailedPrecondition, "missing tables rls_filter_tables"));
  const std::string uri2 = MakeSqlite("bad2.db", {});
  testing::ExecSqliteOrDie(uri2.substr(10), {"ALTER TABLE tables DROP COLUMN database_id"});
  EXPECT_THAT(load(uri2), StatusIs(absl::StatusCode::kFailedPrecondition, "table tables has no column database_id"));
  testing::ExecSqliteOrDie(uri2.substr(10), {"DROP TABLE ab_group_role"});
  EXPECT_THAT(load(uri2), StatusIs(absl::StatusCode::kFailedPrecondition, "some but not all of ab_group"));
  EXPECT_THAT(load("sqlite:///" + TempPath("absent.db")), StatusIs(absl::StatusCode::kUnavailable, "no database file"));
  EXPECT_THAT(load("sqlite://"), StatusIs(absl::StatusCode::kInvalidArgument, "sqlite needs a file"));
  EXPECT_THAT(load("oracle://x"), StatusIs(absl::StatusCode::kInvalidArgument, "bad database URI"));
}

TEST(SupersetSqliteTest, SettingsGiveWhatTheMetadataDoesNotHold) {
  sources::SourceOptions o;
  o.policy_db = MakeSqlite("settings.db", {});
  o.settings_json = R"({"default_database": "staging", "placement": "fenced"})";
  RLSQ_ASSERT_OK_AND_ASSIGN(auto source, sources::OpenPolicySource(o, Dialect::Postgres()));
  RLSQ_ASSERT_OK_AND_ASSIGN(auto policy, source->Load());
  EXPECT_EQ(policy->default_database(), "staging");
  EXPECT_EQ(policy->placement(), policy::PlacementMode::kFenced);
  o.settings_json = R"({"roles": []})";
  RLSQ_ASSERT_OK_AND_ASSIGN(auto bad, sources::OpenPolicySource(o, Dialect::Postgres()));
  EXPECT_THAT(bad->Load().status(), StatusIs(absl::StatusCode::kFailedPrecondition, "comes from the Superset metadata"));
  o.settings_json = R"({"placement": "nowhere"})";
  RLSQ_ASSERT_OK_AND_ASSIGN(auto bad2, sources::OpenPolicySource(o, Dialect::Postgres()));
  EXPECT_THAT(bad2->Load().status(), StatusIs(absl::StatusCode::kFailedPrecondition, "placement"));
}

TEST(DatabaseUriTest, SqlalchemyForms) {
  RLSQ_ASSERT_OK_AND_ASSIGN(auto a, sources::ParseDatabaseUri("sqlite:////app/superset_home/superset.db?check_same_thread=false"));
  EXPECT_EQ(a.path, "/app/superset_home/superset.db");
  RLSQ_ASSERT_OK_AND_ASSIGN(auto r, sources::ParseDatabaseUri("sqlite:///superset.db"));
  EXPECT_EQ(r.path, "superset.db");
  RLSQ_ASSERT_OK_AND_ASSIGN(auto p, sources::ParseDatabaseUri("postgresql+psycopg2://su%40per:p%3Ass@db.internal:6432/superset"));
  EXPECT_EQ(p.backend, Backend::kPostgres);
  EXPECT_EQ(p.user, "su@per");
  EXPECT_EQ(p.password, "p:ss");
  EXPECT_EQ(p.host, "db.internal");
  EXPECT_EQ(*p.port, 6432);
  EXPECT_EQ(p.database, "superset");
  EXPECT_EQ(p.libpq, "postgresql://su%40per:p%3Ass@db.internal:6432/superset");
  EXPECT_EQ(p.Redacted(), "postgresql+psycopg2://su@per:***@db.internal:6432/superset");
  RLSQ_ASSERT_OK_AND_ASSIGN(auto m, sources::ParseDatabaseUri("mysql+pymysql://u:pw@/superset?unix_socket=/run/m.sock&charset=utf8mb4"));
  EXPECT_EQ(m.backend, Backend::kMysql);
  EXPECT_EQ(*m.Param("unix_socket"), "/run/m.sock");
  EXPECT_EQ(m.Redacted().find("pw"), std::string::npos);
  RLSQ_ASSERT_OK_AND_ASSIGN(auto v6, sources::ParseDatabaseUri("postgres://u@[::1]:5433/s"));
  EXPECT_EQ(v6.host, "::1");
  for (const char* bad : {"postgresql://h:0/x", "postgresql://h:99999/x", "postgresql://h:x/x", "mysql://u:%zz@h/x",
                          "sqlite:", "sqlite:///", "ftp://x/y"})
    EXPECT_FALSE(sources::ParseDatabaseUri(bad).ok()) << bad;
  // A password never appears in an error.
  auto refused = sources::OpenPolicySource({"", "postgresql://u:hunter2@/x?host=/nonexistent"}, Dialect::Postgres());
  if (refused.ok()) {
    auto s = (*refused)->Load().status();
    EXPECT_FALSE(s.ok());
    EXPECT_EQ(std::string(s.message()).find("hunter2"), std::string::npos) << s;
  }
}

// The same on a throwaway PostgreSQL server.
TEST(SupersetPostgresTest, RewritesAsTheJsonPolicyAndReadsOneSnapshot) {
  RLSQ_ASSERT_OK_AND_ASSIGN(auto server, testing::PgServer::Start());
  for (SupersetFixtureOptions o : {SupersetFixtureOptions{}, SupersetFixtureOptions{false, false, true, false}}) {
    std::string db = o.groups ? "superset_new" : "superset_old";
    RLSQ_ASSERT_OK(server->CreateDatabase(db));
    RLSQ_ASSERT_OK_AND_ASSIGN(auto conn, server->Connect(db));
    for (const std::string& s : testing::SupersetMetadataSql(Backend::kPostgres, o)) RLSQ_ASSERT_OK(conn->Exec(s));
    const std::string uri = Cat("postgresql://postgres@/", db, "?host=", server->socket_dir(), "&port=", server->port());
    auto from_db = EngineFromSource(uri);
    auto from_json = EngineFromJson(o);
    ASSERT_TRUE(from_db && from_json);
    ExpectSameRewrites(*from_db, *from_json);
  }
}

TEST(SupersetMariaDbTest, RewritesAsTheJsonPolicy) {
  RLSQ_ASSERT_OK_AND_ASSIGN(auto server, testing::MariaDbServer::Start());
  for (SupersetFixtureOptions o : {SupersetFixtureOptions{}, SupersetFixtureOptions{false, false, true, false}}) {
    std::string db = o.groups ? "superset_new" : "superset_old";
    RLSQ_ASSERT_OK(server->Exec(Cat("CREATE DATABASE ", db, " CHARACTER SET utf8mb4")));
    std::string script;
    for (const std::string& s : testing::SupersetMetadataSql(Backend::kMysql, o)) Append(&script, s, ";\n");
    RLSQ_ASSERT_OK(server->Exec(script, db));
    auto from_db = EngineFromSource(server->Uri(db));
    auto from_json = EngineFromJson(o);
    ASSERT_TRUE(from_db && from_json);
    ExpectSameRewrites(*from_db, *from_json);
  }
}

}  // namespace
}  // namespace rlsq
