// The adversarial suite's MySQL-family lexing traps, against a real MariaDB 10.11 with filtered views as the oracle.
//
// Each case is text whose reading turns on one MySQL lexing rule (comment forms and where they end, executable
// comments by version, backslash escapes with and without NO_BACKSLASH_ESCAPES, double quotes with and without
// ANSI_QUOTES, `||` as OR or concatenation, backticks, adjacent strings, introducers, digit-leading words), written to
// slip a table past the rewriter or to change how the appended filter is read (CVE-2025-48912's class, per dialect).
// A case rlsq rewrites must return, run on the real tables, exactly the rows the original returns run over views
// that apply the same filters (database `v`); a refused case must be one the expectation allows. Both sql_modes run
// against sessions set the same way.
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "lib/common/str_cat.h"
#include "rewriter/engine.h"
#include "tests/support/mariadb_server.h"
#include "tests/support/status_matchers.h"

namespace rlsq {
namespace {

using testing::MariaDbServer;

enum class Expect { kAccept, kRefuse, kEither };

struct Case {
  const char* name;
  const char* sql;
  Expect expect;
};

// The filters, in single quotes so that they read alike under ANSI_QUOTES; one carries a comment of each kind.
constexpr const char* kFilters[][2] = {
    {"orders", "o_orderpriority = '1-URGENT' -- a comment in a clause"},
    {"customer", "c_mktsegment = 'BUILDING' OR c_acctbal < 0 # another"},
    {"nation", "n_regionkey = 3 /* and a block */"},
};

std::string PolicyJson(std::string_view sql_mode) {
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
  return Cat(R"({"dialect": "mariadb", "dialect_options": {"sql_mode": ")", sql_mode,
             R"("}, "default_schema": "real", "default_database": "real",
    "roles": [{"name": "R1", "permissions": [["schema_access", "[real].[real]"]]}],
    "users": [{"username": "probe", "roles": ["R1"]}], "rls_filters": [)",
             filters, "]}");
}

// Traps under MariaDB's default sql_mode (backslash escapes on, "..." a string, || OR).
const std::vector<Case>& DefaultModeCases() {
  static const std::vector<Case> cases = {
      {"dash-dash-comment-at-end", "SELECT * FROM orders -- the filter must not land in here", Expect::kAccept},
      {"hash-comment-at-end", "SELECT * FROM orders # nor here", Expect::kAccept},
      {"dash-dash-without-space", "SELECT o_orderkey--1 FROM orders", Expect::kAccept},
      {"dash-dash-tab", "SELECT * FROM orders --\tcomment", Expect::kAccept},
      {"comment-ends-at-lf-not-cr", "SELECT * FROM orders -- c\r WHERE 1 = 0", Expect::kAccept},
      {"hash-comment-cr", "SELECT * FROM orders #\r, nation", Expect::kAccept},
      {"comment-then-or", "SELECT * FROM orders WHERE o_orderkey = 1 -- c\n OR 1", Expect::kAccept},
      {"pipes-are-or", "SELECT * FROM orders WHERE o_orderkey = 1 || 1", Expect::kAccept},
      {"and-and", "SELECT * FROM orders WHERE 1 && o_orderkey > 2 || 1", Expect::kAccept},
      {"bang-not", "SELECT * FROM orders WHERE !(o_orderkey = 1) OR 1", Expect::kAccept},
      {"exec-comment-where", "SELECT * FROM orders /*! WHERE 1 OR 1 */", Expect::kAccept},
      {"exec-comment-versioned-join", "SELECT * FROM orders /*!100000 , nation */", Expect::kAccept},
      {"exec-comment-mariadb-join", "SELECT * FROM orders /*M!100000 , customer */", Expect::kAccept},
      {"exec-comment-skipped-50700", "SELECT * FROM orders /*!50700 , nation */", Expect::kAccept},
      {"exec-comment-skipped-future", "SELECT * FROM orders /*!999999 , nation */", Expect::kAccept},
      {"exec-comment-mariadb-future", "SELECT * FROM orders /*M!999999 , nation */", Expect::kAccept},
      {"exec-comment-short-version", "SELECT * FROM orders /*!1000 , nation */", Expect::kEither},
      {"exec-comment-nested", "SELECT * FROM orders /*! , nation /* x */ */", Expect::kEither},
      {"exec-comment-in-exec-comment", "SELECT * FROM orders /*! , nation /*! , customer */ */", Expect::kEither},
      {"block-comment-does-not-nest", "SELECT * FROM orders /* /* */ , nation", Expect::kAccept},
      {"unterminated-block-comment", "SELECT * FROM orders /* , nation", Expect::kRefuse},
      {"backslash-quote-hides-or", "SELECT * FROM orders WHERE o_comment = 'x\\' OR 1 = 1 -- '", Expect::kAccept},
      {"backslash-quote-hides-table", "SELECT 'a\\', (SELECT COUNT(*) FROM nation) AS n, ' AS s FROM orders",
       Expect::kAccept},
      {"double-quote-is-string", "SELECT \"orders\" FROM nation", Expect::kAccept},
      {"double-quote-hides-table", "SELECT \"x\\\" , (SELECT COUNT(*) FROM customer) , \" FROM nation",
       Expect::kAccept},
      {"doubled-quote", "SELECT * FROM orders WHERE o_comment = 'it''s' OR 1", Expect::kAccept},
      {"adjacent-strings", "SELECT * FROM orders WHERE o_comment = 'a' 'b' OR 1", Expect::kAccept},
      {"introducer", "SELECT * FROM orders WHERE o_comment = _utf8mb4'x' OR o_orderkey > 0", Expect::kAccept},
      {"national-string", "SELECT * FROM orders WHERE o_comment <> N'x'", Expect::kAccept},
      {"backtick-table", "SELECT * FROM `orders` `o` WHERE `o`.`o_orderkey` > 0", Expect::kAccept},
      {"backtick-doubled", "SELECT 1 AS `a``b` FROM orders", Expect::kAccept},
      {"digit-leading-alias", "SELECT 1e5orders FROM orders", Expect::kAccept},
      {"digit-leading-word", "SELECT 1 AS 123abc FROM orders", Expect::kAccept},
      {"hex-literal", "SELECT * FROM orders WHERE o_comment <> 0x41 OR o_orderkey < 3", Expect::kAccept},
      {"user-variable", "SELECT * FROM orders WHERE @nothing IS NULL", Expect::kAccept},
      {"cte-named-after-filtered-table", "WITH nation AS (SELECT * FROM orders) SELECT * FROM nation",
       Expect::kAccept},
      {"cte-self-reference-is-the-table", "WITH orders AS (SELECT * FROM orders) SELECT * FROM orders",
       Expect::kAccept},
      {"derived-table-then-comment", "SELECT * FROM (SELECT * FROM orders) AS o -- c", Expect::kAccept},
      {"subquery-in-where", "SELECT * FROM nation WHERE n_nationkey IN (SELECT o_orderkey FROM orders) #",
       Expect::kAccept},
      {"left-join-null-side", "SELECT * FROM nation n LEFT JOIN customer c ON c.c_nationkey = n.n_nationkey",
       Expect::kAccept},
      {"right-join-null-side", "SELECT * FROM nation n RIGHT JOIN customer c ON c.c_nationkey = n.n_nationkey",
       Expect::kAccept},
      {"qualified", "SELECT * FROM real.orders, `real`.nation", Expect::kAccept},
      {"other-case-database", "SELECT * FROM REAL.orders", Expect::kEither},
      {"assignment", "SELECT @a := 1 FROM orders", Expect::kRefuse},
      {"into-variable", "SELECT o_orderkey INTO @k FROM orders LIMIT 1", Expect::kRefuse},
      {"into-outfile-in-exec-comment", "SELECT * FROM orders /*! INTO OUTFILE '/tmp/x' */", Expect::kRefuse},
      {"two-statements", "SELECT * FROM orders; SELECT * FROM nation", Expect::kRefuse},
      {"statement-in-exec-comment", "SELECT 1 /*!; DELETE FROM orders */", Expect::kRefuse},
      {"load-file", "SELECT LOAD_FILE('/etc/passwd') FROM orders", Expect::kRefuse},
      {"space-before-paren", "SELECT COUNT (*) FROM orders", Expect::kEither},
  };
  return cases;
}

// Traps under ANSI_QUOTES and NO_BACKSLASH_ESCAPES ("..." a name, a backslash an ordinary character).
const std::vector<Case>& AnsiModeCases() {
  static const std::vector<Case> cases = {
      {"double-quoted-table", "SELECT * FROM \"orders\"", Expect::kAccept},
      {"double-quoted-alias", "SELECT \"o\".o_orderkey FROM orders \"o\" WHERE 1", Expect::kAccept},
      {"backslash-is-plain", "SELECT * FROM orders WHERE o_comment = 'x\\' OR 1 = 1 -- '", Expect::kAccept},
      {"backslash-then-table", "SELECT 'a\\', (SELECT COUNT(*) FROM nation) AS n FROM orders", Expect::kAccept},
      {"doubled-double-quote", "SELECT 1 AS \"a\"\"b\" FROM customer", Expect::kAccept},
      {"comment-in-name", "SELECT * FROM \"orders -- x\"", Expect::kEither},
      {"pipes-still-or", "SELECT * FROM orders WHERE o_orderkey = 1 || 1", Expect::kAccept},
  };
  return cases;
}

class MariaDbAdversarialTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto server = MariaDbServer::Start();
    ASSERT_TRUE(server.ok()) << server.status();
    maria_ = server->release();
    RLSQ_ASSERT_OK(maria_->Exec(
        "CREATE DATABASE `real`; USE `real`;"
        "CREATE TABLE nation (n_nationkey INT, n_name VARCHAR(20), n_regionkey INT);"
        "CREATE TABLE customer (c_custkey INT, c_nationkey INT, c_mktsegment VARCHAR(12), c_acctbal DECIMAL(8,2));"
        "CREATE TABLE orders (o_orderkey INT, o_custkey INT, o_orderpriority VARCHAR(12), o_comment VARCHAR(20));"
        "INSERT INTO nation VALUES (0, 'ALGERIA', 0), (1, 'ARGENTINA', 1), (6, 'FRANCE', 3), (7, 'GERMANY', 3),"
        "  (3, 'CANADA', 1), (19, 'ROMANIA', 3);"
        "INSERT INTO customer VALUES (1, 6, 'BUILDING', 10), (2, 7, 'MACHINERY', -5), (3, 1, 'AUTOMOBILE', 20),"
        "  (4, 3, 'BUILDING', 0), (5, 19, 'HOUSEHOLD', 7);"
        "INSERT INTO orders VALUES (1, 1, '1-URGENT', 'x'), (2, 2, '2-HIGH', 'it''s'), (3, 3, '1-URGENT', 'ab'),"
        "  (4, 4, '3-MEDIUM', NULL), (5, 5, '1-URGENT', 'A'), (6, 1, '5-LOW', 'x\\\\');"
        "CREATE DATABASE v; USE v;"
        "CREATE VIEW nation AS SELECT * FROM `real`.nation WHERE n_regionkey = 3;"
        "CREATE VIEW customer AS SELECT * FROM `real`.customer WHERE c_mktsegment = 'BUILDING' OR c_acctbal < 0;"
        "CREATE VIEW orders AS SELECT * FROM `real`.orders WHERE o_orderpriority = '1-URGENT'"));
  }
  static void TearDownTestSuite() {
    delete maria_;
    maria_ = nullptr;
  }

  // Runs each case: rewritten ones must give the views' rows. Returns the number of rewritten cases.
  static void Run(const std::vector<Case>& cases, const char* sql_mode, int* rewritten, int* refused) {
    auto engine = Engine::FromPolicyJson(PolicyJson(sql_mode));
    ASSERT_TRUE(engine.ok()) << engine.status();
    for (const Case& c : cases) {
      // The oracle: the original text over the filtered views. The query names `real` where it qualifies; over
      // the views it names `v`.
      std::string over_views = c.sql;
      for (size_t at; (at = over_views.find("real.")) != std::string::npos;) over_views.replace(at, 5, "v.");
      for (size_t at; (at = over_views.find("`real`.")) != std::string::npos;) over_views.replace(at, 7, "v.");
      RewriteOptions options;
      options.verify = true;
      Caller probe;
      probe.username = "probe";
      auto r = (*engine)->rewrite(c.sql, probe, options);
      auto expected = maria_->Query(over_views, "v", sql_mode);
      if (!r.ok()) {
        ++*refused;
        std::printf("[mariadb adversarial] %s %s: refused: %s\n", sql_mode, c.name, std::string(r.status().message()).c_str());
        EXPECT_NE(c.expect, Expect::kAccept) << sql_mode << " " << c.name << " refused: " << r.status() << "\n" << c.sql;
        continue;
      }
      ++*rewritten;
      EXPECT_NE(c.expect, Expect::kRefuse) << sql_mode << " " << c.name << " was rewritten:\n" << r->sql;
      auto actual = maria_->Query(r->sql, "real", sql_mode);
      if (!expected.ok()) {
        std::printf("[mariadb adversarial] %s %s: rlsq accepts what MariaDB rejects (%s)\n", sql_mode, c.name,
                    std::string(expected.status().message()).c_str());
        // The server rejects the text: the rewrite must be rejected too (never a different reading).
        EXPECT_FALSE(actual.ok()) << sql_mode << " " << c.name << ": MariaDB rejects the original ("
                                  << expected.status() << ") but runs the rewrite:\n" << r->sql;
        continue;
      }
      ASSERT_TRUE(actual.ok()) << sql_mode << " " << c.name << ": " << actual.status() << "\n" << r->sql;
      auto a = *actual, e = *expected;
      std::sort(a.begin(), a.end());
      std::sort(e.begin(), e.end());
      EXPECT_EQ(a, e) << sql_mode << " " << c.name << ": rows differ\n" << c.sql << "\nrewrite:\n" << r->sql;
    }
  }

  static MariaDbServer* maria_;
};

MariaDbServer* MariaDbAdversarialTest::maria_ = nullptr;

TEST_F(MariaDbAdversarialTest, LexingTrapsAreRewrittenExactlyOrRefused) {
  ASSERT_NE(maria_, nullptr);
  int rewritten = 0, refused = 0;
  Run(DefaultModeCases(), "STRICT_TRANS_TABLES", &rewritten, &refused);
  Run(AnsiModeCases(), "ANSI_QUOTES,NO_BACKSLASH_ESCAPES", &rewritten, &refused);
  std::printf("[mariadb adversarial] %zu cases: %d rewritten and equal to the views' rows, %d refused\n",
              DefaultModeCases().size() + AnsiModeCases().size(), rewritten, refused);
}

}  // namespace
}  // namespace rlsq
