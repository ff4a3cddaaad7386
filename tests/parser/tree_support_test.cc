// The parse tree's memory and accessors (lib/parser/tree_support.h): on every node of every corpus query, in every
// dialect, the invariants the arena and the RTTI-free accessors rely on hold (parser_internal::
// CheckParseTreeInvariants); the arenas are reused and stay bounded; failed parses (the SLL pass's bail-out, the full
// LL pass's syntax error) leave nothing that changes the next parse.
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "lib/ast/ast_util.h"
#include "lib/dialect/dialect.h"
#include "lib/parser/parser.h"
#include "tests/support/corpus.h"

namespace rlsq {
namespace {

using parser_internal::CheckParseTreeInvariants;
using parser_internal::ParseTreeMemoryBytes;

struct CorpusCase {
  std::string dialect;
  std::vector<testing::CorpusQuery> queries;
};

std::vector<CorpusCase> AllCorpora() {
  std::vector<CorpusCase> cases;
  CorpusCase pg{"postgres", {}};
  for (const char* set : {"tpch", "tpcds", "charts"}) {
    for (auto& q : testing::LoadCorpus(set)) pg.queries.push_back(q);
  }
  cases.push_back(std::move(pg));
  for (const char* dialect : {"mariadb", "mysql"}) {
    CorpusCase c{dialect, {}};
    for (const char* set : {"tpch", "charts"}) {
      for (auto& q : testing::LoadCorpusFrom(testing::OwnCorpusDir("mysql"), set)) c.queries.push_back(q);
    }
    cases.push_back(std::move(c));
  }
  CorpusCase lite{"sqlite", {}};
  for (const char* set : {"tpch", "charts"}) {
    for (auto& q : testing::LoadCorpusFrom(testing::OwnCorpusDir("sqlite"), set)) lite.queries.push_back(q);
  }
  cases.push_back(std::move(lite));
  return cases;
}

TEST(TreeSupport, InvariantsHoldOnEveryNodeOfEveryCorpusQuery) {
  size_t total_nodes = 0, total_queries = 0;
  for (const CorpusCase& c : AllCorpora()) {
    ParseOptions options;
    options.dialect = Dialect::Find(c.dialect);
    ASSERT_NE(options.dialect, nullptr) << c.dialect;
    ASSERT_FALSE(c.queries.empty()) << c.dialect;
    for (const auto& q : c.queries) {
      auto nodes = CheckParseTreeInvariants(q.sql, options);
      ASSERT_TRUE(nodes.ok()) << c.dialect << " " << q.set << "/" << q.name << ": " << nodes.status();
      EXPECT_GT(*nodes, 10u) << q.name;
      total_nodes += *nodes;
      ++total_queries;
    }
  }
  EXPECT_GT(total_queries, 200u);
  EXPECT_GT(total_nodes, 100000u);
}

// Constructs whose parse uses labelled alternatives, empty rules, long child lists and deep nesting.
TEST(TreeSupport, InvariantsHoldOnHardShapes) {
  std::string in_list = "SELECT a FROM t WHERE a IN (";
  for (int i = 0; i < 3000; ++i) in_list += (i ? ", " : "") + std::to_string(i);
  in_list += ")";
  std::string nested = "SELECT ";
  for (int i = 0; i < 80; ++i) nested += "(";
  nested += "1";
  for (int i = 0; i < 80; ++i) nested += ")";
  const std::vector<std::string> queries = {
      "SELECT 1",
      "VALUES (1), (2)",
      "TABLE t",
      "SELECT * FROM a LEFT JOIN b ON a.x = b.x RIGHT JOIN c USING (y) FULL JOIN d ON true",
      "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 3) SELECT * FROM r",
      "SELECT CASE WHEN a THEN 1 WHEN b THEN 2 ELSE 3 END, x::int[], y[1:2], (z).f, CAST(w AS numeric(10, 2)) FROM t",
      "SELECT count(*) FILTER (WHERE a > 1) OVER (PARTITION BY b ORDER BY c ROWS BETWEEN 1 PRECEDING AND CURRENT ROW)",
      "SELECT EXISTS (SELECT 1), ARRAY(SELECT 2), (SELECT 3) FROM t WHERE a = ANY (SELECT b FROM u)",
      "SELECT a FROM t GROUP BY ROLLUP (a, b), CUBE (c) HAVING sum(d) > 0 ORDER BY 1 DESC NULLS LAST LIMIT 5",
      "SELECT E'\\n', U&'d\\0061t', $$x$$, B'101', X'ff', 1.5e3, INTERVAL '1' DAY, DATE '2024-01-01'",
      in_list,
      nested,
  };
  for (const std::string& sql : queries) {
    auto nodes = CheckParseTreeInvariants(sql);
    EXPECT_TRUE(nodes.ok()) << sql.substr(0, 120) << ": " << nodes.status();
  }
}

// A parse that fails (SLL bails out, then full LL reports the error) and a parse after it: the failed tree is
// destroyed by the next parse's reset, and the next parse's tree and AST are what a fresh thread would build.
TEST(TreeSupport, FailedParsesLeaveNothingBehind) {
  const std::string good = "SELECT a, sum(b) FROM t LEFT JOIN u ON t.x = u.x WHERE c > 1 GROUP BY a";
  auto reference = ParseQuery(good);
  ASSERT_TRUE(reference.ok()) << reference.status();
  for (const char* bad : {"SELECT FROM WHERE", "SELECT a FROM t WHERE (b", "SELECT (((1", "SELECT a b c d FROM"}) {
    auto failed = ParseQuery(bad);
    EXPECT_FALSE(failed.ok()) << bad;
    auto again = ParseQuery(good);
    ASSERT_TRUE(again.ok()) << again.status();
    EXPECT_TRUE(ast::Equals((*reference)->query, (*again)->query)) << "after " << bad;
    auto nodes = CheckParseTreeInvariants(good);
    EXPECT_TRUE(nodes.ok()) << nodes.status();
  }
}

// The arenas keep at most one block each between parses (at most 1 MB; TreeArena::kKeepBytes), whatever the size of
// the queries before, and a thread that parses the same query again allocates no new block.
TEST(TreeSupport, ArenasAreReusedAndBounded) {
  ASSERT_TRUE(ParseQuery("SELECT 1").ok());
  std::string big = "SELECT a FROM t WHERE a IN (";
  for (int i = 0; i < 200000; ++i) big += (i ? ", " : "") + std::to_string(i);
  big += ")";
  ASSERT_GT(big.size(), 1000000u);
  ParseOptions options;
  options.max_input_bytes = big.size() + 1;
  options.max_tokens = 1000000;
  auto parsed = ParseQuery(big, options);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  size_t after_big = ParseTreeMemoryBytes();
  EXPECT_LE(after_big, size_t{2} << 20);  // two arenas, one kept block of at most 1 MB each
  const std::string q = "SELECT a, b FROM t JOIN u USING (k) WHERE c = 'x' ORDER BY a";
  ASSERT_TRUE(ParseQuery(q).ok());
  size_t steady = ParseTreeMemoryBytes();
  for (int i = 0; i < 200; ++i) ASSERT_TRUE(ParseQuery(q).ok());
  EXPECT_EQ(ParseTreeMemoryBytes(), steady);
  EXPECT_GT(steady, 0u);
}

}  // namespace
}  // namespace rlsq
