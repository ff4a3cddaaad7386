// The adversarial suite's SQLite traps, against the real library (Debian 12's libsqlite3 3.40.1) with TEMP views as
// the oracle.
//
// Each case is text whose reading turns on one SQLite rule (where `--` and an unterminated `/*` end, `[x]` and
// backticks, "..." as a name or a string, a backslash that escapes nothing, a byte order mark, parameters that
// swallow text, CTEs that see their whole WITH list or recurse without RECURSIVE, temp -> main -> attached lookup,
// names in any case, table-valued functions and SQLite's own tables, the join forms SQLite has), written to slip a
// table past the rewriter or to change how the appended filter is read (CVE-2025-48912's class, per dialect). A case
// rlsq rewrites must return, run on the real tables, exactly the rows the original returns on a connection whose
// TEMP views apply the same filters; a refused case must be one the expectation allows. The filters carry a comment
// of each kind and a double-quoted name.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "lib/common/str_cat.h"
#include "rewriter/engine.h"
#include "tests/support/sqlite_db.h"
#include "tests/support/status_matchers.h"

namespace rlsq {
namespace {

using testing::SqliteDb;

enum class Expect { kAccept, kRefuse, kEither };

struct Case {
  const char* name;
  const char* sql;
  Expect expect;
  // The oracle's text when it differs from the query's (INDEXED BY names an index of the table, not of its view).
  const char* oracle = nullptr;
};

constexpr const char* kFilters[][2] = {
    {"orders", "o_orderpriority = '1-URGENT' -- a comment in a clause"},
    {"customer", "\"c_mktsegment\" = 'BUILDING' OR c_acctbal < 0 /* and a block */"},
    {"nation", "n_regionkey = 3"},
    {"secrets", "s_owner = 'probe'"},
    {"notes", "owner = 'probe'"},
};

std::string PolicyJson() {
  std::string filters;
  for (const auto& f : kFilters) {
    std::string clause;
    for (char c : std::string_view(f[1])) {
      if (c == '"' || c == '\\') clause += '\\';
      clause += c;
    }
    Append(&filters, filters.empty() ? "" : ", ", R"({"name": ")", f[0], R"(", "filter_type": "Regular", "tables": [")",
           f[0], R"("], "roles": ["R1"], "clause": ")", clause, "\"}");
  }
  return Cat(R"({"dialect": "sqlite", "search_path": ["main", "aux"], "default_database": "real",
    "relations": ["main.nation", "main.customer", "main.orders", "main.notes", "aux.secrets", "aux.orders"],
    "roles": [{"name": "R1", "permissions": [["schema_access", "[real].[main]"], ["schema_access", "[real].[aux]"]]}],
    "users": [{"username": "probe", "roles": ["R1"]}], "rls_filters": [)",
             filters, "]}");
}

const std::vector<Case>& Cases() {
  static const std::vector<Case> cases = {
      // Comments.
      {"dash_dash_no_space", "SELECT o_orderkey FROM orders--x\nWHERE o_orderkey > 1", Expect::kAccept},
      {"dash_dash_cr", "SELECT o_orderkey FROM orders -- x\r UNION SELECT o_orderkey FROM orders", Expect::kAccept},
      {"dash_dash_after_digit", "SELECT o_orderkey FROM orders WHERE o_orderkey > 1--1\n", Expect::kAccept},
      {"open_comment_swallows_tail", "SELECT c_name FROM customer /* UNION SELECT o_comment FROM orders",
       Expect::kAccept},
      {"comment_close_in_string", "SELECT c_name FROM customer WHERE c_name <> '*/' /* x */", Expect::kAccept},
      {"block_does_not_nest", "SELECT c_name FROM customer /* /* */ WHERE c_custkey > 0 -- */", Expect::kAccept},
      {"bom_before_table", "SELECT c_name FROM \xEF\xBB\xBF" "customer", Expect::kAccept},
      {"bom_before_join", "SELECT c_name FROM customer \xEF\xBB\xBFJOIN nation ON n_nationkey = c_nationkey",
       Expect::kAccept},
      // Strings and names.
      {"backslash_is_no_escape", "SELECT c_name FROM customer WHERE c_name <> 'x\\' OR c_custkey = 4 -- '",
       Expect::kAccept},
      {"doubled_quote", "SELECT o_comment FROM orders WHERE o_comment = 'it''s' OR o_orderkey = 3", Expect::kAccept},
      {"dqs_string_not_name", "SELECT c_name FROM customer WHERE c_mktsegment = \"BUILDING\"", Expect::kAccept},
      {"dqs_name", "SELECT \"c_name\" FROM \"customer\" WHERE \"c_custkey\" > 1", Expect::kAccept},
      {"brackets_hide_comment", "SELECT [c_name--] FROM customer", Expect::kEither},
      {"bracket_table", "SELECT x.c_name FROM [customer] x JOIN `nation` n ON n.n_nationkey = x.c_nationkey",
       Expect::kAccept},
      {"bracket_no_escape", "SELECT [a]]b] FROM customer", Expect::kRefuse},
      {"backtick_doubled", "SELECT `c_na``me` FROM customer", Expect::kEither},
      {"upper_case_table", "SELECT C_NAME FROM CUSTOMER WHERE C_CUSTKEY > 0", Expect::kAccept},
      {"mixed_case_schema", "SELECT s_secret FROM AUX.Secrets", Expect::kAccept},
      {"string_as_table", "SELECT * FROM 'orders'", Expect::kRefuse},
      {"string_as_alias", "SELECT o.o_orderkey FROM orders AS 'o'", Expect::kRefuse},
      {"string_qualifier", "SELECT 'orders'.o_orderkey FROM orders", Expect::kRefuse},
      {"n_prefix_is_a_name", "SELECT N'x' FROM orders", Expect::kEither},
      {"hex_integer_alias", "SELECT 0x1G FROM orders", Expect::kAccept},
      // Parameters that would swallow text in another lexer.
      {"tcl_parameter", "SELECT o_orderkey FROM orders WHERE $a::b(c) IS NULL", Expect::kAccept},
      {"colon_parameter", "SELECT o_orderkey FROM orders WHERE :a IS NULL OR o_orderkey > @b", Expect::kAccept},
      {"hash_parameter", "SELECT o_orderkey FROM orders WHERE #p IS NULL", Expect::kAccept},
      // Name resolution.
      {"attached_only", "SELECT s_secret FROM secrets", Expect::kAccept},
      {"main_shadows_attached", "SELECT o_orderkey FROM orders", Expect::kAccept},
      {"attached_qualified", "SELECT o_orderkey FROM aux.orders", Expect::kAccept},
      {"temp_schema", "SELECT * FROM temp.orders", Expect::kRefuse},
      {"cte_forward_reference",
       "WITH a AS (SELECT * FROM b), b AS (SELECT * FROM orders) SELECT o_orderkey FROM a", Expect::kAccept},
      {"cte_named_after_table", "WITH orders AS (SELECT * FROM secrets) SELECT * FROM orders", Expect::kAccept},
      {"cte_case_insensitive", "WITH Orders AS (SELECT * FROM customer) SELECT c_name FROM ORDERS", Expect::kAccept},
      {"cte_qualified_is_table", "WITH orders AS (SELECT 1 AS o_orderkey) SELECT o_orderkey FROM main.orders",
       Expect::kAccept},
      {"cte_recursion_without_keyword",
       "WITH r AS (SELECT 1 AS n UNION ALL SELECT n + 1 FROM r WHERE n < 3) SELECT n, c_name FROM r, customer",
       Expect::kAccept},
      {"nested_with_sees_outer",
       "WITH c AS (SELECT * FROM customer) SELECT * FROM (WITH d AS (SELECT * FROM c) SELECT c_name FROM d)",
       Expect::kAccept},
      {"in_table", "SELECT o_orderkey FROM orders WHERE o_custkey IN customer", Expect::kRefuse},
      {"comma_join_on", "SELECT c_name FROM customer, nation ON n_nationkey = c_nationkey", Expect::kRefuse},
      // Joins and placement.
      {"left_join_filtered_right",
       "SELECT c_name, o_orderkey FROM customer LEFT JOIN orders ON o_custkey = c_custkey", Expect::kAccept},
      {"right_join", "SELECT c_name, o_orderkey FROM orders RIGHT JOIN customer ON o_custkey = c_custkey",
       Expect::kAccept},
      {"full_join", "SELECT n_name, c_name FROM nation FULL JOIN customer ON c_nationkey = n_nationkey",
       Expect::kAccept},
      {"natural_join", "SELECT * FROM customer NATURAL JOIN nation", Expect::kAccept},
      {"indexed_by", "SELECT o_orderkey FROM orders INDEXED BY o_cust WHERE o_custkey > 0", Expect::kAccept,
       "SELECT o_orderkey FROM orders WHERE o_custkey > 0"},
      {"not_indexed_outer", "SELECT c_name FROM customer LEFT JOIN orders AS o NOT INDEXED ON o.o_custkey = c_custkey",
       Expect::kAccept, "SELECT c_name FROM customer LEFT JOIN orders AS o ON o.o_custkey = c_custkey"},
      {"limit_comma", "SELECT o_orderkey FROM orders ORDER BY o_orderkey LIMIT 1, 2", Expect::kAccept},
      {"glob_in_where", "SELECT c_name FROM customer WHERE c_name GLOB 'C*' OR c_name IS NOT 'x'", Expect::kAccept},
      // SQLite's own relations and functions.
      {"schema_table", "SELECT name FROM sqlite_master WHERE type = 'table'", Expect::kAccept},
      {"attached_schema_table", "SELECT name FROM aux.sqlite_schema", Expect::kAccept},
      {"dbstat", "SELECT * FROM dbstat", Expect::kRefuse},
      {"dbstat_function", "SELECT * FROM dbstat('aux')", Expect::kRefuse},
      {"sqlite_stat1", "SELECT * FROM sqlite_stat1", Expect::kRefuse},
      {"pragma_integrity", "SELECT * FROM pragma_integrity_check", Expect::kRefuse},
      {"pragma_table_info", "SELECT name FROM pragma_table_info('secrets', 'aux')", Expect::kAccept},
      {"json_each_subquery",
       "SELECT j.value FROM json_each((SELECT json_group_array(s_secret) FROM secrets)) AS j", Expect::kAccept},
      {"load_extension", "SELECT load_extension('/tmp/x.so')", Expect::kRefuse},
      // A call in FROM reads a table of that name: an FTS5 table takes its search as arguments.
      {"fts5_table_call", "SELECT body FROM notes('secret OR public')", Expect::kRefuse},
      {"scalar_function_in_from", "SELECT * FROM lower('notes')", Expect::kRefuse},
      {"quoted_function_in_from", "SELECT * FROM \"notes\"('secret')", Expect::kRefuse},
      {"fts5_table_read", "SELECT body FROM notes", Expect::kAccept},
      {"regexp_function", "SELECT c_name FROM customer WHERE c_name REGEXP 'x'", Expect::kRefuse},
      {"writes_hidden", "WITH x AS (SELECT 1) DELETE FROM orders", Expect::kRefuse},
      {"two_statements", "SELECT 1; DELETE FROM orders", Expect::kRefuse},
      {"pragma_statement", "PRAGMA writable_schema = 1", Expect::kRefuse},
      {"attach_statement", "ATTACH '/tmp/x.db' AS x", Expect::kRefuse},
  };
  return cases;
}

class SqliteAdversarialTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(Cat("/tmp/rlsq-sqlite-adv-", ::getpid()));
    std::filesystem::remove_all(*dir_);
    std::filesystem::create_directories(*dir_);
    const std::string setup = Cat(
        "CREATE TABLE nation (n_nationkey INTEGER, n_name TEXT, n_regionkey INTEGER);"
        "CREATE TABLE customer (c_custkey INTEGER, c_name TEXT, c_nationkey INTEGER, c_mktsegment TEXT, "
        "  c_acctbal INTEGER);"
        "CREATE TABLE orders (o_orderkey INTEGER, o_custkey INTEGER, o_orderpriority TEXT, o_comment TEXT);"
        "CREATE INDEX o_cust ON orders (o_custkey);"
        "INSERT INTO nation VALUES (6, 'FRANCE', 3), (7, 'GERMANY', 3), (1, 'ARGENTINA', 1), (3, 'CANADA', 1),"
        "  (19, 'ROMANIA', 3);"
        "INSERT INTO customer VALUES (1, 'Cara', 6, 'BUILDING', 10), (2, 'Dev', 7, 'MACHINERY', -5),"
        "  (3, 'Cy', 1, 'AUTOMOBILE', 20), (4, 'x\\', 3, 'BUILDING', 0), (5, 'Eve', 19, 'HOUSEHOLD', 7);"
        "INSERT INTO orders VALUES (1, 1, '1-URGENT', 'x'), (2, 2, '2-HIGH', 'it''s'), (3, 3, '1-URGENT', 'ab'),"
        "  (4, 4, '3-MEDIUM', NULL), (5, 5, '1-URGENT', 'A'), (6, 1, '5-LOW', 'x\\');"
        "ATTACH '", *dir_, "/aux.db' AS aux;"
        "CREATE TABLE aux.secrets (s_owner TEXT, s_secret TEXT);"
        "INSERT INTO aux.secrets VALUES ('probe', 'mine'), ('other', 'theirs');"
        "CREATE TABLE aux.orders (o_orderkey INTEGER, o_custkey INTEGER, o_orderpriority TEXT, o_comment TEXT);"
        "INSERT INTO aux.orders VALUES (100, 1, '5-LOW', 'aux');"
        "CREATE VIRTUAL TABLE notes USING fts5(owner, body);"
        "INSERT INTO notes VALUES ('probe', 'public note'), ('other', 'secret note')");
    auto oracle = SqliteDb::Open(Cat(*dir_, "/real.db"));
    ASSERT_TRUE(oracle.ok()) << oracle.status();
    oracle_ = oracle->release();
    RLSQ_ASSERT_OK(oracle_->Exec(setup));
    // The oracle's TEMP views apply the filters; aux.orders carries none.
    RLSQ_ASSERT_OK(oracle_->Exec(
        "CREATE TEMP VIEW nation AS SELECT * FROM main.nation WHERE n_regionkey = 3;"
        "CREATE TEMP VIEW customer AS SELECT * FROM main.customer WHERE c_mktsegment = 'BUILDING' OR c_acctbal < 0;"
        "CREATE TEMP VIEW orders AS SELECT * FROM main.orders WHERE o_orderpriority = '1-URGENT';"
        "CREATE TEMP VIEW secrets AS SELECT * FROM aux.secrets WHERE s_owner = 'probe';"
        "CREATE TEMP VIEW notes AS SELECT * FROM main.notes WHERE owner = 'probe'"));
    auto plain = SqliteDb::Open(Cat(*dir_, "/real.db"));
    ASSERT_TRUE(plain.ok()) << plain.status();
    plain_ = plain->release();
    RLSQ_ASSERT_OK(plain_->Exec(Cat("ATTACH '", *dir_, "/aux.db' AS aux")));
  }
  static void TearDownTestSuite() {
    delete oracle_;
    delete plain_;
    if (dir_) std::filesystem::remove_all(*dir_);
    delete dir_;
  }

  static std::string* dir_;
  static SqliteDb* oracle_;
  static SqliteDb* plain_;
};

std::string* SqliteAdversarialTest::dir_ = nullptr;
SqliteDb* SqliteAdversarialTest::oracle_ = nullptr;
SqliteDb* SqliteAdversarialTest::plain_ = nullptr;

TEST_F(SqliteAdversarialTest, TrapsAreRewrittenExactlyOrRefused) {
  ASSERT_NE(oracle_, nullptr);
  auto engine = Engine::FromPolicyJson(PolicyJson());
  ASSERT_TRUE(engine.ok()) << engine.status();
  int rewritten = 0, refused = 0;
  for (const Case& c : Cases()) {
    // The oracle reads through the TEMP views; qualified names (main.x, aux.x) bypass them, so the oracle's text
    // names the views (temp.x) where the query qualifies a filtered table.
    std::string over_views = c.oracle ? c.oracle : c.sql;
    for (const char* q : {"main.orders", "AUX.Secrets"}) {
      std::string_view table = std::string_view(q).substr(std::string_view(q).find('.') + 1);
      for (size_t at; (at = over_views.find(q)) != std::string::npos;)
        over_views.replace(at, std::string_view(q).size(), Cat("temp.", table));
    }
    for (const Expect mode : {Expect::kAccept, Expect::kRefuse}) {  // plain, then fenced placement
      RewriteOptions options;
      options.verify = true;
      options.placement = mode == Expect::kAccept ? policy::PlacementMode::kPlain : policy::PlacementMode::kFenced;
      Caller probe;
      probe.username = "probe";
      auto r = (*engine)->rewrite(c.sql, probe, options);
      auto expected = oracle_->Query(over_views);
      if (!r.ok()) {
        ++refused;
        if (mode == Expect::kAccept)
          std::printf("[sqlite adversarial] %s: refused: %s\n", c.name, std::string(r.status().message()).c_str());
        EXPECT_NE(c.expect, Expect::kAccept) << c.name << " refused: " << r.status() << "\n" << c.sql;
        continue;
      }
      ++rewritten;
      EXPECT_NE(c.expect, Expect::kRefuse) << c.name << " was rewritten:\n" << r->sql;
      auto actual = plain_->Query(r->sql);
      if (!expected.ok()) {
        // SQLite rejects the text: the rewrite must be rejected too (never a different reading).
        EXPECT_FALSE(actual.ok()) << c.name << ": SQLite rejects the original (" << expected.status()
                                  << ") but runs the rewrite:\n" << r->sql;
        continue;
      }
      ASSERT_TRUE(actual.ok()) << c.name << ": " << actual.status() << "\n" << r->sql;
      EXPECT_TRUE(SqliteDb::SameRows(*actual, *expected)) << c.name << ": rows differ\n" << c.sql << "\nrewrite:\n"
                                                          << r->sql;
    }
  }
  std::printf("[sqlite adversarial] %zu cases x 2 placements: %d rewritten and equal to the views' rows, %d refused\n",
              Cases().size(), rewritten, refused);
}

}  // namespace
}  // namespace rlsq
