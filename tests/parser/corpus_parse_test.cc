// Every corpus query (tpch, tpcds, charts) parses, with zero SLL -> LL fallbacks.
#include <chrono>
#include <cstdio>

#include "lib/ast/ast_util.h"
#include "lib/parser/parser.h"
#include "tests/support/corpus.h"
#include "tests/support/status_matchers.h"

namespace rlsq {
namespace {

class CorpusParseTest : public ::testing::TestWithParam<std::string> {};

TEST_P(CorpusParseTest, EveryQueryParsesWithoutFallback) {
  auto queries = testing::LoadCorpus(GetParam());
  ASSERT_FALSE(queries.empty());
  uint64_t fallbacks_before = GlobalParserStats().sll_fallbacks.load();
  for (const auto& q : queries) {
    auto parsed = ParseQuery(q.sql);
    EXPECT_TRUE(parsed.ok()) << q.set << "/" << q.name << ": " << parsed.status();
    if (parsed.ok()) {
      EXPECT_NE((*parsed)->query, nullptr);
      // The statement span covers the query text without the trailing ';'.
      std::string_view stmt = std::string_view((*parsed)->sql).substr(
          (*parsed)->statement.begin, (*parsed)->statement.end - (*parsed)->statement.begin);
      EXPECT_NE(stmt.back(), ';') << q.name;
    }
  }
  EXPECT_EQ(GlobalParserStats().sll_fallbacks.load() - fallbacks_before, 0u) << "SLL fallbacks in " << GetParam();
}

INSTANTIATE_TEST_SUITE_P(Sets, CorpusParseTest, ::testing::Values("tpch", "tpcds", "charts"));

// Warm parse time per query over the whole corpus (printed, not asserted; the Google Benchmark is in bench/).
TEST(CorpusParseTiming, WarmParseTime) {
  std::vector<testing::CorpusQuery> all;
  for (const char* set : {"tpch", "tpcds", "charts"}) {
    auto qs = testing::LoadCorpus(set);
    all.insert(all.end(), qs.begin(), qs.end());
  }
  for (const auto& q : all) ASSERT_TRUE(ParseQuery(q.sql).ok()) << q.name;
  constexpr int kRounds = 5;
  auto start = std::chrono::steady_clock::now();
  for (int r = 0; r < kRounds; ++r) {
    for (const auto& q : all) ASSERT_TRUE(ParseQuery(q.sql).ok());
  }
  double us = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count();
  std::printf("warm ParseQuery: %.1f us per query (%zu queries x %d rounds)\n", us / (all.size() * kRounds),
              all.size(), kRounds);
}

}  // namespace
}  // namespace rlsq
