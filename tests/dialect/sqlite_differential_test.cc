// Differential test against a real SQLite (Debian 12's libsqlite3 3.40.1), with TEMP views as the oracle.
//
// The TPC-H data (the PostgreSQL tests' generator's, copied row by row) lives in a database file's `main`, and an
// attached database `aux` holds `supplier_notes` (found only there) and its own `region` (shadowed by main's). Each
// trial draws a random Superset-style policy (roles, Regular and Base filters, shared group keys, clauses in SQLite's
// syntax: GLOB, IS NOT, IIF, ||, date(), "..." names, subqueries reading other tables) for one user and computes, by
// Superset's rules and independently of rlsq, the predicate each table gets. The oracle connection then holds one
// TEMP view per table, `CREATE TEMP VIEW t AS SELECT * FROM main.t WHERE <predicate>`: SQLite looks an unqualified
// name up in temp first, so the original query, run there unchanged, reads the filtered views (and so does a clause's
// subquery inside a view). The rewrite runs on a second connection to the same files, which has no temp views. Every
// query (rlsq's SQLite TPC-H and chart corpora, and generated queries with outer joins, CTEs named after tables,
// forward CTE references, clause subqueries, derived tables, compounds and names in mixed case and quoting) is
// compared as a multiset. Even trials place predicates plainly, odd trials fence every filtered read. The bar is zero
// mismatches.
//
// RLSQ_SQLITE_DIFF_TRIALS (default 6) sets the number of trials; RLSQ_SQLITE_DIFF_SEED the first seed.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "lib/common/str_cat.h"
#include "rewriter/engine.h"
#include "tests/support/corpus.h"
#include "tests/support/pg_server.h"
#include "tests/support/sqlite_db.h"
#include "tests/support/status_matchers.h"
#include "tests/support/superset_rules.h"

namespace rlsq {
namespace {

using testing::SqliteDb;

struct TablePool {
  const char* table;
  const char* schema;  // where the table is: main or aux
  std::vector<const char*> clauses;  // over the table's own columns, in SQLite's syntax
};

// In creation order: a clause's subquery reads only tables before its own (its view must exist when it runs).
const std::vector<TablePool>& Pools() {
  static const std::vector<TablePool> pools = {
      {"region", "main", {"r_regionkey IN (0, 2, 3)", "r_name <> 'AFRICA'", "r_regionkey >= 1", "r_name GLOB '[A-E]*'"}},
      {"nation", "main", {"n_regionkey = 3", "n_regionkey IN (1, 2)", "n_name LIKE '%A%'", "n_nationkey < 20",
                          "n_name NOT GLOB '*N*'",
                          "n_regionkey IN (SELECT r_regionkey FROM region WHERE r_name <> 'ASIA')"}},
      {"supplier", "main", {"s_acctbal > 0", "s_nationkey % 2 = 0", "s_suppkey <= 15", "s_name NOT LIKE '%1'",
                            "s_nationkey IN (SELECT n_nationkey FROM nation)"}},
      {"customer", "main", {"c_mktsegment = 'BUILDING'", "c_mktsegment IN ('AUTOMOBILE', 'MACHINERY')",
                            "c_acctbal > 1000", "c_nationkey BETWEEN 5 AND 20", "c_custkey % 3 <> 0",
                            "iif(c_acctbal > 0, 1, 0) = 1", "\"c_mktsegment\" || 'x' <> 'HOUSEHOLDx'",
                            "c_nationkey IN (SELECT n_nationkey FROM nation n WHERE n.n_regionkey <> 1)"}},
      {"part", "main", {"p_size > 10", "p_brand <> 'Brand#23'", "p_container LIKE 'MED%' OR p_size < 5",
                        "p_partkey % 4 <> 1", "[p_type] GLOB '*STEEL'"}},
      {"partsupp", "main", {"ps_availqty > 1000", "ps_supplycost < 800", "ps_suppkey / 5 <> 1",
                            "ps_partkey IN (SELECT p_partkey FROM part WHERE p_size > 5)"}},
      {"orders", "main", {"o_orderpriority = '1-URGENT'", "o_orderpriority IN ('2-HIGH', '3-MEDIUM')",
                          "o_totalprice > 100000", "o_orderdate >= date('1998-08-02', '-3 years')",
                          "o_orderstatus IS NOT 'P'", "o_orderkey % 7 <> 3",
                          "strftime('%Y', o_orderdate) IN ('1994', '1996')",
                          "o_custkey IN (SELECT c_custkey FROM customer WHERE c_acctbal > 0)"}},
      {"lineitem", "main", {"l_shipmode IN ('AIR', 'MAIL', 'SHIP')", "l_quantity < 40", "l_returnflag <> 'R'",
                            "l_discount <= 0.06", "l_shipdate < '1997-06-01'", "ifnull(l_comment, '') <> ''",
                            "l_suppkey IN (SELECT s_suppkey FROM supplier WHERE s_nationkey < 15)",
                            "EXISTS (SELECT 1 FROM orders o WHERE o.o_orderkey = l_orderkey AND o.o_orderstatus <> 'P')"}},
      {"supplier_notes", "aux", {"sn_flag = 'a'", "sn_suppkey % 2 = 1", "sn_flag IS NOT NULL AND sn_flag <> 'c'",
                                 "sn_suppkey IN (SELECT s_suppkey FROM supplier)"}},
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
  std::map<std::string, std::string> schema_of;
  for (const TablePool& pool : Pools()) {
    tables.push_back({pool.table, {pool.clauses.begin(), pool.clauses.end()}});
    schema_of[pool.table] = pool.schema;
  }
  RandomPolicy p;
  // The table named several ways: plain, schema-qualified, in another case, in brackets.
  p.rls = testing::DrawRandomRls(rng, tables, 4, [&](const std::string& t, int form) {
    std::string upper = t;
    for (char& c : upper) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
    return form == 0 ? t : form == 1 ? Cat(schema_of[t], ".", t) : form == 2 ? upper : Cat("[", t, "]");
  });
  p.doc = Cat(R"({"dialect": "sqlite", "search_path": ["main", "aux"], "default_database": "tpch",
    "relations": ["main.region", "main.nation", "main.supplier", "main.customer", "main.part", "main.partsupp",
                  "main.orders", "main.lineitem", "aux.supplier_notes", "aux.region"],
    "roles": [{"name": "Reader", "permissions": [["schema_access", "[tpch].[main]"], ["schema_access", "[tpch].[aux]"]]},
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
    {"supplier_notes", "sn", "supplier", "s", "sn.sn_suppkey = s.s_suppkey", "sn.sn_flag", "s.s_name"},
    {"supplier", "S", "supplier_notes", "Notes", "Notes.sn_suppkey = S.s_suppkey + 1", "S.s_suppkey", "Notes.sn_flag"},
};

// A table name as a query may write it: any case, any of SQLite's quotes.
std::string Spell(std::mt19937& rng, const std::string& name) {
  std::string s = name;
  switch (std::uniform_int_distribution<int>(0, 5)(rng)) {
    case 0: return s;
    case 1:
      for (char& c : s) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
      return s;
    case 2:
      s[0] = static_cast<char>(s[0] - 32);
      return s;
    case 3: return Cat("\"", s, "\"");
    case 4: return Cat("[", s, "]");
    default: return Cat("`", s, "`");
  }
}

// A query of the hard kinds: an outer or inner join of two filtered tables, optionally a CTE named after another
// table or referenced before it is defined, a derived table around one side, a subquery in WHERE or in the select
// list, or a compound.
std::string GenerateQuery(std::mt19937& rng) {
  auto coin = [&](double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; };
  auto pick = [&](size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng); };
  const JoinPair& j = kPairs[pick(std::size(kPairs))];
  static const char* kJoins[] = {"JOIN", "LEFT JOIN", "RIGHT JOIN", "LEFT OUTER JOIN", "INNER JOIN", "FULL JOIN",
                                 "CROSS JOIN"};
  std::string with;
  std::string b_source = Spell(rng, j.b);
  if (coin(0.3)) {
    // A CTE named after a real table (lineitem), read in place of b; in SQLite a CTE sees the whole WITH list, so
    // the second form refers forward.
    if (coin(0.5)) {
      with = Cat("WITH lineitem AS (SELECT * FROM ", Spell(rng, j.b), ") ");
    } else {
      with = Cat("WITH lineitem AS (SELECT * FROM later), later AS (SELECT * FROM ", Spell(rng, j.b), ") ");
    }
    b_source = coin(0.5) ? "lineitem" : "LineItem";
  } else if (coin(0.3)) {
    b_source = Cat("(SELECT * FROM ", Spell(rng, j.b), ")");  // a derived table
  }
  std::string sql = Cat(with, "SELECT ", j.a_col, ", ", j.b_col);
  const bool count_column = coin(0.25);
  std::string b_col = std::string(j.b_col).substr(std::string(j.b_col).find('.') + 1);
  if (count_column)
    Append(&sql, ", (SELECT COUNT(*) FROM ", Spell(rng, j.b), " z WHERE z.", b_col, " IS NOT NULL) AS cnt");
  const char* join = kJoins[pick(std::size(kJoins))];
  Append(&sql, " FROM ", Spell(rng, j.a), " ", j.a_alias, " ", join, " ", b_source, " ", j.b_alias);
  if (std::string(join) != "CROSS JOIN") Append(&sql, " ON ", j.on);
  if (coin(0.4)) {
    std::string col = std::string(j.a_col).substr(std::string(j.a_col).find('.') + 1);
    Append(&sql, " WHERE ", j.a_col, coin(0.5) ? " IN " : " NOT IN ", "(SELECT ", col, " FROM ", Spell(rng, j.a),
           " WHERE ", col, " IS NOT NULL)");
  }
  if (coin(0.2))
    Append(&sql, coin(0.5) ? " UNION ALL" : " EXCEPT", " SELECT ", j.a_col, ", NULL", count_column ? ", 0" : "",
           " FROM ", Spell(rng, j.a), " ", j.a_alias);
  return sql;
}

class SqliteDifferentialTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(Cat("/tmp/rlsq-sqlite-diff-", ::getpid()));
    std::filesystem::remove_all(*dir_);
    std::filesystem::create_directories(*dir_);
    auto oracle = SqliteDb::Open(Cat(*dir_, "/tpch.db"));
    ASSERT_TRUE(oracle.ok()) << oracle.status();
    oracle_ = oracle->release();
    // The TPC-H data of the PostgreSQL tests' generator, copied.
    auto pg = testing::PgServer::Start();
    ASSERT_TRUE(pg.ok()) << pg.status();
    RLSQ_ASSERT_OK((*pg)->CreateDatabase("tpch"));
    auto conn = (*pg)->Connect("tpch");
    ASSERT_TRUE(conn.ok()) << conn.status();
    RLSQ_ASSERT_OK(testing::LoadTpch(**conn, 0.003));
    RLSQ_ASSERT_OK(oracle_->Exec(testing::ReadFileOrDie(testing::TpchSchemaPath())));
    RLSQ_ASSERT_OK(oracle_->Exec("BEGIN"));
    auto inserts = testing::TpchInserts(**conn, /*backslash_escapes=*/false);
    ASSERT_TRUE(inserts.ok()) << inserts.status();
    for (const std::string& insert : *inserts) RLSQ_ASSERT_OK(oracle_->Exec(insert));
    RLSQ_ASSERT_OK(oracle_->Exec(
        "CREATE INDEX l_part ON lineitem (l_partkey); CREATE INDEX l_supp ON lineitem (l_suppkey);"
        "CREATE INDEX o_cust ON orders (o_custkey); CREATE INDEX ps_supp ON partsupp (ps_suppkey); COMMIT;"
        "ANALYZE"));
    RLSQ_ASSERT_OK(oracle_->Exec(Cat(
        "ATTACH '", *dir_, "/aux.db' AS aux;"
        "CREATE TABLE aux.supplier_notes (sn_suppkey INTEGER, sn_flag TEXT);"
        "INSERT INTO aux.supplier_notes SELECT s_suppkey, CASE s_suppkey % 4 WHEN 0 THEN 'a' WHEN 1 THEN 'b' "
        "WHEN 2 THEN 'c' ELSE NULL END FROM main.supplier WHERE s_suppkey % 5 <> 0;"
        "CREATE TABLE aux.region AS SELECT * FROM main.region WHERE r_regionkey < 2")));
    auto plain = SqliteDb::Open(Cat(*dir_, "/tpch.db"));
    ASSERT_TRUE(plain.ok()) << plain.status();
    plain_ = plain->release();
    RLSQ_ASSERT_OK(plain_->Exec(Cat("ATTACH '", *dir_, "/aux.db' AS aux")));
  }
  static void TearDownTestSuite() {
    delete oracle_;
    delete plain_;
    oracle_ = plain_ = nullptr;
    if (dir_) std::filesystem::remove_all(*dir_);
    delete dir_;
  }

  // One TEMP view per table on the oracle connection, filtered by the policy's predicate for the user (computed by
  // Superset's rules); they shadow main's and aux's tables for unqualified names.
  static absl::Status CreateViews(const RandomPolicy& p) {
    std::string sql;
    for (const TablePool& pool : Pools()) Append(&sql, "DROP VIEW IF EXISTS temp.", pool.table, ";");
    for (const TablePool& pool : Pools()) {
      std::string predicate = p.PredicateFor(pool.table);
      Append(&sql, " CREATE TEMP VIEW ", pool.table, " AS SELECT * FROM ", pool.schema, ".", pool.table,
             predicate.empty() ? "" : " WHERE ", predicate, ";");
    }
    return oracle_->Exec(sql);
  }

  static std::string* dir_;
  static SqliteDb* oracle_;
  static SqliteDb* plain_;
};

std::string* SqliteDifferentialTest::dir_ = nullptr;
SqliteDb* SqliteDifferentialTest::oracle_ = nullptr;
SqliteDb* SqliteDifferentialTest::plain_ = nullptr;

TEST_F(SqliteDifferentialTest, RewriteMatchesTempViews) {
  ASSERT_NE(oracle_, nullptr);
  const char* trials_env = std::getenv("RLSQ_SQLITE_DIFF_TRIALS");
  const char* seed_env = std::getenv("RLSQ_SQLITE_DIFF_SEED");
  const int trials = trials_env ? std::atoi(trials_env) : 6;
  const unsigned seed = seed_env ? static_cast<unsigned>(std::atoi(seed_env)) : 1;
  std::vector<testing::CorpusQuery> corpus = testing::LoadCorpusFrom(testing::OwnCorpusDir("sqlite"), "tpch");
  for (auto& q : testing::LoadCorpusFrom(testing::OwnCorpusDir("sqlite"), "charts")) corpus.push_back(std::move(q));
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
      auto expected = oracle_->Query(q.sql);
      ASSERT_TRUE(expected.ok()) << q.set << "/" << q.name << ": " << expected.status() << "\n" << q.sql;
      auto actual = plain_->Query(rewritten->sql);
      ASSERT_TRUE(actual.ok()) << q.set << "/" << q.name << " (" << policy::ToString(mode) << "): " << actual.status()
                               << "\n" << rewritten->sql;
      ++compared;
      if (!expected->empty()) ++nonempty;
      if (rewritten->changed) ++changed;
      if (!SqliteDb::SameRows(*expected, *actual)) {
        ++mismatches;
        ADD_FAILURE() << "trial " << trial << " (seed " << seed + trial << ", " << policy::ToString(mode) << ") "
                      << q.set << "/" << q.name << ": rows differ\npolicy: " << policy.doc << "\nquery:\n" << q.sql
                      << "\nrewrite:\n" << rewritten->sql << "\nview rows:\n" << testing::ShowSortedRows(*expected)
                      << "\nrewrite rows:\n" << testing::ShowSortedRows(*actual);
      }
    }
  }
  std::printf("[sqlite differential] %d trials, %d query comparisons (%d rewritten, %d with non-empty results), "
              "%d mismatches\n", trials, compared, changed, nonempty, mismatches);
  EXPECT_EQ(mismatches, 0);
  EXPECT_GT(nonempty, compared / 2);
}

}  // namespace
}  // namespace rlsq
