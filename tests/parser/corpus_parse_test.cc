// Every corpus query (tpch, tpcds, charts) parses, with zero SLL -> LL fallbacks.
#include <algorithm>
#include <cstdio>
#include <ctime>
#include <tuple>

#include "lib/ast/ast_util.h"
#include "lib/dialect/dialect.h"
#include "lib/parser/parser.h"
#include "tests/support/corpus.h"
#include "tests/support/status_matchers.h"

namespace rlsq {
namespace {

// Thread CPU time in microseconds (wall time is meaningless on a loaded build machine).
double CpuMicros() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

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

// rlsq's MySQL corpus (tests/corpus/mysql) in both MySQL-family dialects: it parses, and without fallbacks too.
class MySqlCorpusParseTest : public ::testing::TestWithParam<std::tuple<std::string, std::string>> {};

TEST_P(MySqlCorpusParseTest, EveryQueryParsesWithoutFallback) {
  const auto& [dialect_name, set] = GetParam();
  auto queries = testing::LoadCorpusFrom(testing::OwnCorpusDir("mysql"), set);
  ASSERT_FALSE(queries.empty());
  ParseOptions po;
  po.dialect = Dialect::Find(dialect_name);
  ASSERT_NE(po.dialect, nullptr);
  uint64_t fallbacks_before = GlobalParserStats().sll_fallbacks.load();
  for (const auto& q : queries) {
    auto parsed = ParseQuery(q.sql, po);
    EXPECT_TRUE(parsed.ok()) << dialect_name << " " << q.set << "/" << q.name << ": " << parsed.status();
  }
  EXPECT_EQ(GlobalParserStats().sll_fallbacks.load() - fallbacks_before, 0u) << "SLL fallbacks in " << set;
}

INSTANTIATE_TEST_SUITE_P(Sets, MySqlCorpusParseTest,
                         ::testing::Combine(::testing::Values("mariadb", "mysql"),
                                            ::testing::Values("tpch", "charts")));

// rlsq's SQLite corpus (tests/corpus/sqlite): it parses, and without fallbacks too.
class SqliteCorpusParseTest : public ::testing::TestWithParam<std::string> {};

TEST_P(SqliteCorpusParseTest, EveryQueryParsesWithoutFallback) {
  auto queries = testing::LoadCorpusFrom(testing::OwnCorpusDir("sqlite"), GetParam());
  ASSERT_FALSE(queries.empty());
  ParseOptions po;
  po.dialect = Dialect::Find("sqlite");
  uint64_t fallbacks_before = GlobalParserStats().sll_fallbacks.load();
  for (const auto& q : queries) {
    auto parsed = ParseQuery(q.sql, po);
    EXPECT_TRUE(parsed.ok()) << q.set << "/" << q.name << ": " << parsed.status();
  }
  EXPECT_EQ(GlobalParserStats().sll_fallbacks.load() - fallbacks_before, 0u) << "SLL fallbacks in " << GetParam();
}

INSTANTIATE_TEST_SUITE_P(Sets, SqliteCorpusParseTest, ::testing::Values("tpch", "charts"));

// Warm parse time per query over the whole corpus (printed, not asserted; the Google Benchmark is in bench/).
TEST(CorpusParseTiming, WarmParseTime) {
  std::vector<testing::CorpusQuery> all;
  for (const char* set : {"tpch", "tpcds", "charts"}) {
    auto qs = testing::LoadCorpus(set);
    all.insert(all.end(), qs.begin(), qs.end());
  }
  for (const auto& q : all) ASSERT_TRUE(ParseQuery(q.sql).ok()) << q.name;
  constexpr int kRounds = 5;
  double start = CpuMicros();
  for (int r = 0; r < kRounds; ++r) {
    for (const auto& q : all) ASSERT_TRUE(ParseQuery(q.sql).ok());
  }
  double us = CpuMicros() - start;
  std::printf("warm ParseQuery: %.1f us CPU per query (%zu queries x %d rounds)\n", us / (all.size() * kRounds),
              all.size(), kRounds);
  // The slowest queries, to spot grammar decisions that need long lookahead.
  std::vector<std::pair<double, std::string>> per_query;
  for (const auto& q : all) {
    double t0 = CpuMicros();
    for (int r = 0; r < kRounds; ++r) ASSERT_TRUE(ParseQuery(q.sql).ok());
    per_query.emplace_back(
        (CpuMicros() - t0) / kRounds,
        q.set + "/" + q.name + " (" + std::to_string(q.sql.size()) + " bytes)");
  }
  std::sort(per_query.rbegin(), per_query.rend());
  for (size_t i = 0; i < 5 && i < per_query.size(); ++i) {
    std::printf("  %.1f us  %s\n", per_query[i].first, per_query[i].second.c_str());
  }
}

}  // namespace
}  // namespace rlsq
