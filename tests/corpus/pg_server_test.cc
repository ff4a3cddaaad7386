// Tests of the throwaway PostgreSQL harness (tests/support/pg_server.h) and of the TPC-H data generator.
#include "tests/support/pg_server.h"

#include <sys/stat.h>

#include <chrono>
#include <filesystem>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/corpus.h"
#include "tests/support/status_matchers.h"

namespace rlsq::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// One server with a loaded TPC-H database for all tests of this binary (started on first use).
struct Shared {
  std::unique_ptr<PgServer> server;
  std::unique_ptr<PgConnection> tpch;
};
Shared* g_shared = nullptr;

PgServer& Server() {
  if (g_shared == nullptr) {
    auto server = PgServer::Start();
    if (!server.ok()) {
      std::fprintf(stderr, "%s\n", std::string(server.status().message()).c_str());
      std::abort();
    }
    g_shared = new Shared{std::move(*server), nullptr};
  }
  return *g_shared->server;
}

PgConnection& Tpch() {
  PgServer& server = Server();
  if (!g_shared->tpch) {
    auto t0 = std::chrono::steady_clock::now();
    absl::Status s = server.CreateDatabase("tpch");
    auto conn = server.Connect("tpch");
    if (s.ok() && conn.ok()) s = LoadTpch(**conn);
    if (!s.ok() || !conn.ok()) {
      std::fprintf(stderr, "%s %s\n", std::string(s.message()).c_str(),
                   std::string(conn.status().message()).c_str());
      std::abort();
    }
    g_shared->tpch = std::move(*conn);
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
    std::printf("[pg] TPC-H load (SF 0.01): %lld ms\n", static_cast<long long>(ms.count()));
  }
  return *g_shared->tpch;
}

class SharedServerEnv : public ::testing::Environment {
 public:
  void TearDown() override {
    delete g_shared;
    g_shared = nullptr;
  }
};
const auto* const kEnv = ::testing::AddGlobalTestEnvironment(new SharedServerEnv);

int64_t Count(PgConnection& db, const std::string& sql) {
  auto r = db.Query(sql);
  EXPECT_TRUE(r.ok()) << r.status();
  if (!r.ok() || r->rows.size() != 1 || !r->rows[0][0]) return -1;
  return std::stoll(*r->rows[0][0]);
}

TEST(PgServerTest, StartsStopsAndCleansUp) {
  std::string dir;
  {
    RLSQ_ASSERT_OK_AND_ASSIGN(auto server, PgServer::Start());
    dir = server->dir();
    EXPECT_TRUE(std::filesystem::exists(dir + "/.s.PGSQL." + std::to_string(server->port())));
    RLSQ_ASSERT_OK_AND_ASSIGN(auto db, server->Connect());
    RLSQ_ASSERT_OK_AND_ASSIGN(PgResult r, db->Query("SELECT current_setting('listen_addresses') AS l, 1 + 1 AS two"));
    EXPECT_THAT(r.columns, ElementsAre("l", "two"));
    ASSERT_EQ(r.rows.size(), 1u);
    EXPECT_EQ(r.rows[0][0], std::optional<std::string>(""));  // no TCP
    EXPECT_EQ(r.rows[0][1], std::optional<std::string>("2"));
    RLSQ_ASSERT_OK_AND_ASSIGN(PgResult v, db->Query("SELECT version()"));
    EXPECT_THAT(*v.rows[0][0], HasSubstr("PostgreSQL 15"));
  }
  EXPECT_FALSE(std::filesystem::exists(dir)) << dir;
}

TEST(PgServerTest, QueryResultsNullsAndErrors) {
  RLSQ_ASSERT_OK_AND_ASSIGN(auto db, Server().Connect());
  RLSQ_ASSERT_OK_AND_ASSIGN(PgResult r, db->Query("VALUES (2, NULL::text), (1, 'b'), (1, 'a')"));
  EXPECT_EQ(r.column_count(), 2u);
  ASSERT_EQ(r.rows.size(), 3u);
  EXPECT_FALSE(r.rows[0][1].has_value());
  auto sorted = r.SortedRows();
  EXPECT_EQ(sorted[0][1], std::optional<std::string>("a"));
  EXPECT_EQ(sorted[2][0], std::optional<std::string>("2"));
  EXPECT_THAT(r.ToString(), HasSubstr("2|<NULL>"));

  RLSQ_ASSERT_OK(db->Exec("CREATE TABLE region (r_regionkey int); INSERT INTO region SELECT generate_series(1, 5)"));
  auto bad = db->Query("SELECT no_such_column FROM region");
  EXPECT_THAT(bad, StatusIs(absl::StatusCode::kInvalidArgument, "42703"));
  EXPECT_THAT(bad, StatusIs(absl::StatusCode::kInvalidArgument, "no_such_column"));
  // The connection stays usable after an error.
  EXPECT_EQ(Count(*db, "SELECT count(*) FROM region"), 5);
  EXPECT_THAT(db->Exec("SELECT 1; SELECT 1/0; SELECT 2"), StatusIs(absl::StatusCode::kInvalidArgument, "22012"));
  EXPECT_THAT(db->Explain("SELECT * FROM nope"), StatusIs(absl::StatusCode::kInvalidArgument, "nope"));
  RLSQ_ASSERT_OK_AND_ASSIGN(std::string plan, db->Explain("SELECT * FROM region WHERE r_regionkey = 3"));
  EXPECT_THAT(plan, HasSubstr("region"));
}

TEST(PgServerTest, RolesAndRowSecurity) {
  RLSQ_ASSERT_OK(Server().CreateDatabase("rls"));
  RLSQ_ASSERT_OK_AND_ASSIGN(auto db, Server().Connect("rls"));
  RLSQ_ASSERT_OK(db->Exec(R"sql(
    CREATE TABLE t (id int, owner text);
    INSERT INTO t VALUES (1, 'alice'), (2, 'bob'), (3, 'alice');
    ALTER TABLE t ENABLE ROW LEVEL SECURITY;
    CREATE POLICY p ON t FOR SELECT USING (owner = current_user);
    DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'alice') THEN CREATE ROLE alice; END IF;
    END $$;
    GRANT SELECT ON t TO alice;
  )sql"));
  RLSQ_ASSERT_OK_AND_ASSIGN(PgResult as_alice, db->QueryAsRole("alice", "SELECT id FROM t ORDER BY id"));
  EXPECT_EQ(as_alice.rows.size(), 2u);
  // Back to the superuser: all rows.
  EXPECT_EQ(Count(*db, "SELECT count(*) FROM t"), 3);
  // With row_security off, a query that a policy would filter fails instead of returning fewer rows.
  RLSQ_ASSERT_OK(db->Exec("SET ROLE alice; SET row_security = off"));
  EXPECT_THAT(db->Query("SELECT id FROM t"), StatusIs(absl::StatusCode::kInvalidArgument, "row-level security"));
  RLSQ_ASSERT_OK(db->Exec("RESET ROLE; RESET row_security"));
  RLSQ_ASSERT_OK_AND_ASSIGN(PgResult off, db->QueryWithoutRowSecurity("SELECT id FROM t"));
  EXPECT_EQ(off.rows.size(), 3u);  // superuser: policies do not apply anyway
}

TEST(TpchDataTest, SizesKeysAndDomains) {
  PgConnection& db = Tpch();
  EXPECT_EQ(Count(db, "SELECT count(*) FROM region"), 5);
  EXPECT_EQ(Count(db, "SELECT count(*) FROM nation"), 25);
  EXPECT_EQ(Count(db, "SELECT count(*) FROM supplier"), 100);
  EXPECT_EQ(Count(db, "SELECT count(*) FROM part"), 2000);
  EXPECT_EQ(Count(db, "SELECT count(*) FROM partsupp"), 8000);
  EXPECT_EQ(Count(db, "SELECT count(*) FROM customer"), 1500);
  EXPECT_EQ(Count(db, "SELECT count(*) FROM orders"), 15000);
  int64_t lineitems = Count(db, "SELECT count(*) FROM lineitem");
  EXPECT_GT(lineitems, 45000);
  EXPECT_LT(lineitems, 75000);
  // Every foreign key of tpch_schema.sql holds (the loader skips the per-row FK triggers).
  for (const char* fk : {"nation n LEFT JOIN region r ON r.r_regionkey = n.n_regionkey WHERE r.r_regionkey",
                         "supplier s LEFT JOIN nation n ON n.n_nationkey = s.s_nationkey WHERE n.n_nationkey",
                         "customer c LEFT JOIN nation n ON n.n_nationkey = c.c_nationkey WHERE n.n_nationkey",
                         "partsupp ps LEFT JOIN part p ON p.p_partkey = ps.ps_partkey WHERE p.p_partkey",
                         "partsupp ps LEFT JOIN supplier s ON s.s_suppkey = ps.ps_suppkey WHERE s.s_suppkey",
                         "orders o LEFT JOIN customer c ON c.c_custkey = o.o_custkey WHERE c.c_custkey",
                         "lineitem l LEFT JOIN orders o ON o.o_orderkey = l.l_orderkey WHERE o.o_orderkey",
                         "lineitem l LEFT JOIN part p ON p.p_partkey = l.l_partkey WHERE p.p_partkey",
                         "lineitem l LEFT JOIN supplier s ON s.s_suppkey = l.l_suppkey WHERE s.s_suppkey"}) {
    EXPECT_EQ(Count(db, std::string("SELECT count(*) FROM ") + fk + " IS NULL"), 0) << fk;
  }
  // Every lineitem's (part, supplier) is one of the part's four partsupp rows (TPC-H Q9 joins on both).
  EXPECT_EQ(Count(db, "SELECT count(*) FROM lineitem LEFT JOIN partsupp ON ps_partkey = l_partkey AND "
                      "ps_suppkey = l_suppkey WHERE ps_partkey IS NULL"),
            0);
  EXPECT_EQ(Count(db, "SELECT count(*) FROM orders WHERE NOT EXISTS (SELECT 1 FROM lineitem WHERE "
                      "l_orderkey = o_orderkey)"),
            0);
  EXPECT_EQ(Count(db, "SELECT count(*) FROM orders WHERE o_custkey % 3 = 0"), 0);
  EXPECT_EQ(Count(db, "SELECT count(DISTINCT o_orderstatus) FROM orders WHERE o_orderstatus IN ('F','O','P')"), 3);
  EXPECT_EQ(Count(db, "SELECT count(DISTINCT o_orderpriority) FROM orders"), 5);
  EXPECT_EQ(Count(db, "SELECT count(*) FROM orders WHERE o_orderdate < DATE '1992-01-01' OR o_orderdate > DATE "
                      "'1998-08-02'"),
            0);
  EXPECT_EQ(Count(db, "SELECT count(DISTINCT extract(year FROM o_orderdate)) FROM orders"), 7);
  EXPECT_EQ(Count(db, "SELECT count(DISTINCT c_mktsegment) FROM customer"), 5);
  EXPECT_EQ(Count(db, "SELECT count(DISTINCT l_shipmode) FROM lineitem"), 7);
  EXPECT_EQ(Count(db, "SELECT count(DISTINCT p_brand) FROM part"), 25);
  EXPECT_EQ(Count(db, "SELECT count(DISTINCT p_container) FROM part"), 40);
  EXPECT_EQ(Count(db, "SELECT count(DISTINCT p_type) FROM part"), 150);
  EXPECT_EQ(Count(db, "SELECT count(*) FROM lineitem WHERE l_receiptdate <= l_shipdate"), 0);
  EXPECT_EQ(Count(db, "SELECT count(*) FROM orders JOIN (SELECT l_orderkey, sum(l_extendedprice * (1 + l_tax) * "
                      "(1 - l_discount))::numeric(15,2) AS t FROM lineitem GROUP BY 1) s ON l_orderkey = o_orderkey "
                      "WHERE t <> o_totalprice"),
            0);
  EXPECT_GT(Count(db, "SELECT count(*) FROM supplier WHERE s_comment LIKE '%Customer%Complaints%'"), 0);
  EXPECT_GT(Count(db, "SELECT count(*) FROM orders WHERE o_comment LIKE '%special%requests%'"), 0);
  EXPECT_GT(Count(db, "SELECT count(*) FROM part WHERE p_name LIKE 'forest%'"), 0);
  EXPECT_EQ(Count(db, "SELECT count(DISTINCT substring(c_phone FROM 1 FOR 2)) FROM customer"), 25);
}

// The generator is deterministic: a checksum over all of lineitem is the same on every run.
TEST(TpchDataTest, Deterministic) {
  PgConnection& db = Tpch();
  RLSQ_ASSERT_OK(Server().CreateDatabase("tpch2"));
  RLSQ_ASSERT_OK_AND_ASSIGN(auto db2, Server().Connect("tpch2"));
  RLSQ_ASSERT_OK(LoadTpch(*db2));
  const char* sum = "SELECT md5(string_agg(t::text, ',' ORDER BY l_orderkey, l_linenumber)) FROM lineitem t";
  RLSQ_ASSERT_OK_AND_ASSIGN(PgResult a, db.Query(sum));
  RLSQ_ASSERT_OK_AND_ASSIGN(PgResult b, db2->Query(sum));
  EXPECT_EQ(a.rows, b.rows);
}

// Every TPC-H and chart query of the corpus runs on the generated data and returns at least one row.
TEST(TpchDataTest, CorpusQueriesReturnRows) {
  PgConnection& db = Tpch();
  int checked = 0;
  for (const std::string set : {"tpch", "charts"}) {
    for (const CorpusQuery& q : LoadCorpus(set)) {
      auto r = db.Query(q.sql);
      ++checked;
      if (!r.ok()) {
        ADD_FAILURE() << set << "/" << q.name << ": " << r.status();
        continue;
      }
      EXPECT_FALSE(r->rows.empty()) << set << "/" << q.name << " returns no rows on the generated data";
    }
  }
  EXPECT_EQ(checked, 22 + 80);
}

}  // namespace
}  // namespace rlsq::testing
