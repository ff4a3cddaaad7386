// Differential test against a real MariaDB 10.11, with filtered views as the oracle.
//
// The TPC-H data (the PostgreSQL generator's, copied row by row) lives in database `tpch`, with two more tables whose
// names differ only in case (`Mixed` and `mixed`: distinct tables under lower_case_table_names=0). Each trial draws a
// random Superset-style policy (roles, Regular and Base filters, shared group keys, clauses in MySQL's syntax, some
// with subqueries reading other tables) for one user and computes, by Superset's rules and independently of rlsq,
// the predicate each table gets: `tpch_v` then holds one view per table, `SELECT * FROM tpch.t WHERE <predicate>`,
// created in `tpch_v` so that a clause's subquery reads the filtered views. Every query (rlsq's MySQL TPC-H and chart
// corpora, and generated queries with outer joins, CTEs named after tables, clause subqueries, derived tables and
// mixed-case names) runs unchanged in `tpch_v` and rewritten by rlsq in `tpch`; the two results are compared as
// multisets. Even trials place predicates plainly, odd trials fence every filtered read. The bar is zero mismatches.
//
// RLSQ_MARIADB_DIFF_TRIALS (default 4) sets the number of trials; RLSQ_MARIADB_DIFF_SEED the first seed.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "lib/common/str_cat.h"
#include "rewriter/engine.h"
#include "tests/support/corpus.h"
#include "tests/support/mariadb_server.h"
#include "tests/support/pg_server.h"
#include "tests/support/status_matchers.h"
#include "tests/support/superset_rules.h"

namespace rlsq {
namespace {

using testing::MariaDbServer;

struct TablePool {
  const char* table;
  std::vector<const char*> clauses;  // over the table's own columns, in MySQL's syntax
};

// In creation order: a clause's subquery reads only tables before its own (the views must exist when created).
const std::vector<TablePool>& Pools() {
  static const std::vector<TablePool> pools = {
      {"region", {"r_regionkey IN (0, 2, 3)", "r_name <> \"AFRICA\"", "r_regionkey >= 1"}},
      {"nation", {"n_regionkey = 3", "n_regionkey IN (1, 2)", "n_name LIKE '%A%'", "n_nationkey < 20",
                  "n_name REGEXP '^[A-M]'",
                  "n_regionkey IN (SELECT r_regionkey FROM region WHERE r_name <> 'ASIA')"}},
      {"supplier", {"s_acctbal > 0", "s_nationkey MOD 2 = 0", "s_suppkey <= 15", "s_name NOT LIKE '%1'",
                    "s_nationkey IN (SELECT n_nationkey FROM nation)"}},
      {"customer", {"c_mktsegment = \"BUILDING\"", "c_mktsegment IN (\"AUTOMOBILE\", 'MACHINERY')",
                    "c_acctbal > 1000", "c_nationkey BETWEEN 5 AND 20", "c_custkey % 3 <> 0",
                    "IF(c_acctbal > 0, 1, 0) = 1",
                    "c_nationkey IN (SELECT n_nationkey FROM nation n WHERE n.n_regionkey <> 1)"}},
      {"part", {"p_size > 10", "p_brand <> 'Brand#23'", "p_container LIKE 'MED%' OR p_size < 5",
                "p_partkey % 4 <> 1"}},
      {"partsupp", {"ps_availqty > 1000", "ps_supplycost < 800", "ps_suppkey DIV 5 <> 1",
                    "ps_partkey IN (SELECT p_partkey FROM part WHERE p_size > 5)"}},
      {"orders", {"o_orderpriority = \"1-URGENT\"", "o_orderpriority IN ('2-HIGH', '3-MEDIUM')",
                  "o_totalprice > 100000", "o_orderdate >= DATE_SUB(DATE '1998-08-02', INTERVAL 3 YEAR)",
                  "o_orderstatus <> 'P'", "o_orderkey % 7 <> 3",
                  "o_custkey IN (SELECT c_custkey FROM customer WHERE c_acctbal > 0)"}},
      {"lineitem", {"l_shipmode IN ('AIR', 'MAIL', 'SHIP')", "l_quantity < 40", "l_returnflag <> 'R'",
                    "l_discount <= 0.06", "l_shipdate < DATE '1997-06-01'", "IFNULL(l_comment, '') <> ''",
                    "l_suppkey IN (SELECT s_suppkey FROM supplier WHERE s_nationkey < 15)",
                    "EXISTS (SELECT 1 FROM orders o WHERE o.o_orderkey = l_orderkey AND o.o_orderstatus <> 'P')"}},
      {"Mixed", {"k < 5", "grp = \"a\"", "k <=> 3 OR k > 6"}},
      // (A clause of `mixed` reading `Mixed` is not here: MariaDB 10.11 then reports "view recursion" for the
      // oracle's views, comparing the two names without case.)
      {"mixed", {"k > 2", "grp <> 'b'", "k IN (SELECT n_regionkey FROM nation)"}},
  };
  return pools;
}

struct RandomPolicy {
  std::string doc;
  testing::RandomRls rls;
  std::string PredicateFor(const std::string& table) const {
    return testing::SupersetPredicate(rls.filters, rls.user_roles, table);
  }
};

RandomPolicy MakePolicy(std::mt19937& rng) {
  std::vector<testing::TableClauses> tables;
  for (const TablePool& pool : Pools()) tables.push_back({pool.table, {pool.clauses.begin(), pool.clauses.end()}});
  RandomPolicy p;
  // The table named several ways: plain, database-qualified, backticked (never in another case: `Mixed` and `mixed`
  // are two tables).
  p.rls = testing::DrawRandomRls(rng, tables, 3, [](const std::string& t, int form) {
    return form == 0 ? t : form == 1 ? Cat("tpch.", t) : Cat("`", t, "`");
  });
  p.doc = Cat(R"({"dialect": "mariadb", "default_schema": "tpch", "default_database": "tpch",
    "roles": [{"name": "Reader", "permissions": [["schema_access", "[tpch].[tpch]"]]},
              {"name": "R1"}, {"name": "R2"}, {"name": "R3"}, {"name": "R4"}], )", p.rls.json, "}");
  return p;
}

// Two tables that join, with their aliases, the join condition and a column of each.
struct JoinPair {
  const char *a, *a_alias, *b, *b_alias, *on, *a_col, *b_col;
};
const JoinPair kPairs[] = {
    {"nation", "n", "region", "r", "n.n_regionkey = r.r_regionkey", "n.n_name", "r.r_name"},
    {"customer", "c", "nation", "n", "c.c_nationkey = n.n_nationkey", "c.c_custkey", "n.n_name"},
    {"orders", "o", "customer", "c", "o.o_custkey = c.c_custkey", "o.o_orderkey", "c.c_mktsegment"},
    {"supplier", "s", "nation", "n", "s.s_nationkey = n.n_nationkey", "s.s_suppkey", "n.n_regionkey"},
    {"partsupp", "ps", "part", "p", "ps.ps_partkey = p.p_partkey", "ps.ps_suppkey", "p.p_size"},
    {"Mixed", "m", "mixed", "x", "m.k = x.k", "m.grp", "x.grp"},
    {"mixed", "Lo", "Mixed", "Up", "Lo.k = Up.k + 1", "Lo.k", "Up.grp"},
};

// A query of the hard kinds: an outer or inner join of two filtered tables, optionally a CTE named after one of
// them, a derived table around one side, a subquery in WHERE or in the select list, or a UNION.
std::string GenerateQuery(std::mt19937& rng) {
  auto coin = [&](double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; };
  auto pick = [&](size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng); };
  const JoinPair& j = kPairs[pick(std::size(kPairs))];
  static const char* kJoins[] = {"JOIN", "LEFT JOIN", "RIGHT JOIN", "LEFT OUTER JOIN", "INNER JOIN", "STRAIGHT_JOIN"};
  std::string with;
  std::string b_source = Cat("`", j.b, "`");
  if (coin(0.3)) {
    // A CTE named after the table: its body reads the base table (a plain WITH does not see itself).
    with = Cat("WITH `", j.b, "` AS (SELECT * FROM `", j.b, "`) ");
  } else if (coin(0.3)) {
    b_source = Cat("(SELECT * FROM ", j.b, ")");  // a derived table
  }
  std::string sql = Cat(with, "SELECT ", j.a_col, ", ", j.b_col);
  const bool count_column = coin(0.25);
  if (count_column)
    Append(&sql, ", (SELECT COUNT(*) FROM ", j.b, " z WHERE z.", std::string(j.b_col).substr(std::string(j.b_col).find('.') + 1),
           " IS NOT NULL) AS cnt");
  Append(&sql, " FROM ", j.a, " ", j.a_alias, " ", kJoins[pick(std::size(kJoins))], " ", b_source, " ", j.b_alias,
         " ON ", j.on);
  if (coin(0.4)) {
    std::string col = std::string(j.a_col).substr(std::string(j.a_col).find('.') + 1);
    Append(&sql, " WHERE ", j.a_col, coin(0.5) ? " IN " : " NOT IN ", "(SELECT ", col, " FROM ", j.a, " WHERE ", col,
           " IS NOT NULL)");
  }
  if (coin(0.2)) Append(&sql, " UNION ALL SELECT ", j.a_col, ", NULL", count_column ? ", 0" : "", " FROM ", j.a, " ", j.a_alias);
  return sql;
}

class MariaDbDifferentialTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto server = MariaDbServer::Start();
    ASSERT_TRUE(server.ok()) << server.status();
    maria_ = server->release();
    // The TPC-H data of the PostgreSQL tests' generator, copied.
    auto pg = testing::PgServer::Start();
    ASSERT_TRUE(pg.ok()) << pg.status();
    RLSQ_ASSERT_OK((*pg)->CreateDatabase("tpch"));
    auto conn = (*pg)->Connect("tpch");
    ASSERT_TRUE(conn.ok()) << conn.status();
    RLSQ_ASSERT_OK(testing::LoadTpch(**conn, 0.003));
    RLSQ_ASSERT_OK(maria_->Exec("CREATE DATABASE tpch"));
    RLSQ_ASSERT_OK(maria_->Exec(testing::ReadFileOrDie(testing::TpchSchemaPath()), "tpch"));
    auto inserts = testing::TpchInserts(**conn, /*backslash_escapes=*/true);
    ASSERT_TRUE(inserts.ok()) << inserts.status();
    for (const std::string& insert : *inserts) RLSQ_ASSERT_OK(maria_->Exec(insert, "tpch"));
    RLSQ_ASSERT_OK(maria_->Exec(
        "CREATE INDEX l_part ON lineitem (l_partkey); CREATE INDEX l_supp ON lineitem (l_suppkey);"
        "CREATE INDEX o_cust ON orders (o_custkey); CREATE INDEX ps_supp ON partsupp (ps_suppkey);"
        "CREATE TABLE `Mixed` (k INT, grp VARCHAR(4)); CREATE TABLE `mixed` (k INT, grp VARCHAR(4));"
        "INSERT INTO `Mixed` VALUES (1, 'a'), (2, 'b'), (3, 'a'), (4, NULL), (5, 'c'), (7, 'a'), (NULL, 'b');"
        "INSERT INTO `mixed` VALUES (2, 'a'), (3, 'b'), (4, 'b'), (6, 'a'), (8, NULL), (1, 'c');"
        "ANALYZE TABLE region, nation, supplier, customer, part, partsupp, orders, lineitem",
        "tpch"));
  }
  static void TearDownTestSuite() {
    delete maria_;
    maria_ = nullptr;
  }

  // tpch_v: one view per table, filtered by the policy's predicate for the user (computed by Superset's rules).
  static absl::Status CreateViews(const RandomPolicy& p) {
    std::string sql = "DROP DATABASE IF EXISTS tpch_v; CREATE DATABASE tpch_v; USE tpch_v;";
    for (const TablePool& pool : Pools()) {
      std::string predicate = p.PredicateFor(pool.table);
      Append(&sql, " CREATE VIEW `", pool.table, "` AS SELECT * FROM tpch.`", pool.table, "`",
             predicate.empty() ? "" : " WHERE ", predicate, ";");
    }
    return maria_->Exec(sql);
  }

  static MariaDbServer* maria_;
};

MariaDbServer* MariaDbDifferentialTest::maria_ = nullptr;

TEST_F(MariaDbDifferentialTest, RewriteMatchesFilteredViews) {
  ASSERT_NE(maria_, nullptr);
  const char* trials_env = std::getenv("RLSQ_MARIADB_DIFF_TRIALS");
  const char* seed_env = std::getenv("RLSQ_MARIADB_DIFF_SEED");
  const int trials = trials_env ? std::atoi(trials_env) : 4;
  const unsigned seed = seed_env ? static_cast<unsigned>(std::atoi(seed_env)) : 1;
  std::vector<testing::CorpusQuery> corpus = testing::LoadCorpusFrom(testing::OwnCorpusDir("mysql"), "tpch");
  for (auto& q : testing::LoadCorpusFrom(testing::OwnCorpusDir("mysql"), "charts")) corpus.push_back(std::move(q));
  ASSERT_EQ(corpus.size(), 42u);

  int compared = 0, mismatches = 0, nonempty = 0, changed = 0;
  for (int trial = 0; trial < trials; ++trial) {
    std::mt19937 rng(seed + trial);
    RandomPolicy policy = MakePolicy(rng);
    auto engine = Engine::FromPolicyJson(policy.doc);
    ASSERT_TRUE(engine.ok()) << engine.status() << "\n" << policy.doc;
    RLSQ_ASSERT_OK(CreateViews(policy));
    std::vector<testing::CorpusQuery> queries = corpus;
    for (int g = 0; g < 40; ++g) queries.push_back({"generated", Cat("g", g), "", GenerateQuery(rng)});
    const policy::PlacementMode mode = trial % 2 ? policy::PlacementMode::kFenced : policy::PlacementMode::kPlain;
    for (const auto& q : queries) {
      RewriteOptions options;
      options.verify = true;
      options.placement = mode;
      Caller probe;
      probe.username = "probe";
      auto rewritten = (*engine)->rewrite(q.sql, probe, options);
      ASSERT_TRUE(rewritten.ok()) << q.set << "/" << q.name << ": " << rewritten.status() << "\n" << q.sql;
      auto expected = maria_->Query(q.sql, "tpch_v");
      ASSERT_TRUE(expected.ok()) << q.set << "/" << q.name << ": " << expected.status() << "\n" << q.sql;
      auto actual = maria_->Query(rewritten->sql, "tpch");
      ASSERT_TRUE(actual.ok()) << q.set << "/" << q.name << " (" << policy::ToString(mode) << "): " << actual.status()
                               << "\n" << rewritten->sql;
      ++compared;
      if (!expected->empty()) ++nonempty;
      if (rewritten->changed) ++changed;
      auto want = *expected, got = *actual;
      std::sort(want.begin(), want.end());
      std::sort(got.begin(), got.end());
      if (want != got) {
        ++mismatches;
        ADD_FAILURE() << "trial " << trial << " (seed " << seed + trial << ", " << policy::ToString(mode) << ") "
                      << q.set << "/" << q.name << ": rows differ\npolicy: " << policy.doc << "\nquery:\n" << q.sql
                      << "\nrewrite:\n" << rewritten->sql << "\nview rows:\n" << testing::ShowSortedRows(*expected)
                      << "\nrewrite rows:\n" << testing::ShowSortedRows(*actual);
      }
    }
  }
  std::printf("[mariadb differential] %d trials, %d query comparisons (%d rewritten, %d with non-empty results), "
              "%d mismatches\n", trials, compared, changed, nonempty, mismatches);
  EXPECT_EQ(mismatches, 0);
  EXPECT_GT(nonempty, compared / 2);
}

}  // namespace
}  // namespace rlsq
