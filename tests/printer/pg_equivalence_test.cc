// Independent check with PostgreSQL's own parser (libpg_query): the printed form of every corpus query parses to
// the same PostgreSQL parse tree as the original, byte offsets aside. PostgreSQL's tree drops redundant
// parentheses, so this checks the printer's output means the same thing without relying on our own parser.
#include <pg_query.h>

#include <regex>
#include <string>

#include <gtest/gtest.h>

#include "lib/parser/parser.h"
#include "lib/printer/printer.h"
#include "tests/support/corpus.h"

namespace rlsq {
namespace {

// PostgreSQL's parse tree as JSON without source positions, or "ERROR: ...".
std::string PgTree(const std::string& sql) {
  PgQueryParseResult r = pg_query_parse(sql.c_str());
  std::string out = r.error ? std::string("ERROR: ") + r.error->message : std::string(r.parse_tree);
  pg_query_free_parse_result(r);
  static const std::regex kPositions(R"re(,?"(location|stmt_location|stmt_len)":-?[0-9]+)re");
  return std::regex_replace(out, kPositions, "");
}

void CheckSet(const std::string& set) {
  int failures = 0;
  auto queries = testing::LoadCorpus(set);
  for (const auto& q : queries) {
    auto parsed = ParseQuery(q.sql);
    ASSERT_TRUE(parsed.ok()) << q.name << ": " << parsed.status();
    std::string printed = Print(*(*parsed)->query);
    std::string original_tree = PgTree(q.sql);
    ASSERT_EQ(original_tree.rfind("ERROR", 0), std::string::npos) << q.name << ": " << original_tree;
    std::string printed_tree = PgTree(printed);
    if (printed_tree != original_tree) {
      ++failures;
      ADD_FAILURE() << set << "/" << q.name << ": PostgreSQL parses the printed SQL differently\nprinted: " << printed
                    << "\noriginal tree: " << original_tree << "\nprinted tree:  " << printed_tree;
    }
  }
  EXPECT_EQ(failures, 0) << "of " << queries.size();
}

TEST(PrinterPgEquivalenceTest, Tpch) { CheckSet("tpch"); }
TEST(PrinterPgEquivalenceTest, Tpcds) { CheckSet("tpcds"); }
TEST(PrinterPgEquivalenceTest, Charts) { CheckSet("charts"); }

TEST(PrinterPgEquivalenceTest, TrickyExpressions) {
  // The comparison sees structure and ignores positions and redundant parentheses.
  EXPECT_NE(PgTree("SELECT (a + b) * c"), PgTree("SELECT a + b * c"));
  EXPECT_EQ(PgTree("SELECT ((a))  +  b"), PgTree("SELECT a + b"));
  for (const char* sql : {
           "SELECT a || ~b + c, - -1, 2 ^ -1, -a ^ 2, a - (b - c), NOT a = b, (a OR b) AND c FROM t",
           "SELECT x::text[], arr[1]::int, (x).f, a COLLATE \"C\" < b, a AT TIME ZONE 'UTC' FROM t",
           "SELECT * FROM t WHERE a NOT BETWEEN SYMMETRIC 1 AND 2 AND b NOT ILIKE 'x' ESCAPE '!' AND c IS NOT "
           "DISTINCT FROM d AND e = ANY (ARRAY[1, 2]) AND f NOT IN (SELECT 1)",
           "SELECT EXTRACT(YEAR FROM d), TRIM(BOTH 'x' FROM s), SUBSTRING(s FROM 1 FOR 2), POSITION('a' IN s), "
           "INTERVAL '1' DAY, TIMESTAMP(3) WITH TIME ZONE '2020-01-01', CURRENT_DATE, left(s, 2) FROM t",
           "SELECT 1 UNION (SELECT 2 INTERSECT SELECT 3) EXCEPT ALL (SELECT 4 ORDER BY 1 LIMIT 1) ORDER BY 1",
           "SELECT * FROM a NATURAL LEFT JOIN (b CROSS JOIN c) JOIN d USING (x) AS j, LATERAL unnest(y) WITH "
           "ORDINALITY AS u(v, i)",
       }) {
    auto parsed = ParseQuery(sql);
    ASSERT_TRUE(parsed.ok()) << sql << ": " << parsed.status();
    std::string printed = Print(*(*parsed)->query);
    EXPECT_EQ(PgTree(printed), PgTree(sql)) << sql << "\nprinted: " << printed;
  }
}

}  // namespace
}  // namespace rlsq
