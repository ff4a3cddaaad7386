// Lexing speed over the query corpus (tpch + tpcds): bytes/second and queries/second (time per query is
// 1 / items_per_second). Run: build/bench/lexer/lexer_bench
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "lib/dialect/dialect.h"
#include "lib/lexer/lexer.h"

#include "bench/common/bench_corpus.h"

namespace {

std::vector<std::string> LoadSet(const std::string& set) { return rlsq::bench::LoadCorpusTexts(set); }

const std::vector<std::string>& Queries(int which) {
  static const std::vector<std::string> kTpch = LoadSet("tpch");
  static const std::vector<std::string> kTpcds = LoadSet("tpcds");
  static const std::vector<std::string> kBoth = [] {
    std::vector<std::string> v = kTpch;
    v.insert(v.end(), kTpcds.begin(), kTpcds.end());
    return v;
  }();
  return which == 0 ? kTpch : which == 1 ? kTpcds : kBoth;
}

// Lexes every query of the set once per iteration, each with a fresh arena (as the parser does).
void BM_LexCorpus(benchmark::State& state, int which) {
  const auto& queries = Queries(which);
  const rlsq::Dialect& pg = rlsq::Dialect::Postgres();
  size_t bytes = 0, tokens = 0;
  for (const auto& q : queries) bytes += q.size();
  std::vector<rlsq::Token> out;
  for (auto _ : state) {
    tokens = 0;
    for (const auto& q : queries) {
      rlsq::Arena arena;
      absl::Status st = pg.Tokenize(q, arena, &out);
      if (!st.ok()) {
        state.SkipWithError(std::string(st.message()).c_str());
        return;
      }
      tokens += out.size();
      benchmark::DoNotOptimize(out.data());
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * queries.size()));
  state.counters["queries"] = static_cast<double>(queries.size());
  state.counters["tokens"] = static_cast<double>(tokens);
  // CPU seconds per query (printed with an SI prefix, e.g. "12.3u" = 12.3 microseconds).
  state.counters["time_per_query"] = benchmark::Counter(
      static_cast<double>(queries.size()),
      benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}
BENCHMARK_CAPTURE(BM_LexCorpus, tpch, 0);
BENCHMARK_CAPTURE(BM_LexCorpus, tpcds, 1);
BENCHMARK_CAPTURE(BM_LexCorpus, tpch_and_tpcds, 2);

// One chart query as Superset writes them (upper-case keywords, a five-table join, a time range, an IN list): the
// lexing a plan-cache hit on the query's shape pays (bench/shape), with one reused arena as the engine keeps it.
void BM_LexChartQuery(benchmark::State& state) {
  const std::string sql =
      "SELECT DATE_TRUNC('month', o_orderdate) AS __timestamp, SUM(l_extendedprice * (1 - l_discount)) AS "
      "\"SUM(value)\"\nFROM lineitem JOIN orders ON o_orderkey = l_orderkey JOIN customer ON c_custkey = o_custkey "
      "JOIN nation ON n_nationkey = c_nationkey LEFT JOIN region ON r_regionkey = n_regionkey\nWHERE o_orderdate >= "
      "TO_TIMESTAMP('1995-03-12 00:00:00', 'YYYY-MM-DD HH24:MI:SS') AND o_orderdate < DATE '1996-01-01' AND r_name "
      "IN ('EUROPE', 'ASIA')\nGROUP BY DATE_TRUNC('month', o_orderdate)\nORDER BY __timestamp\nLIMIT 1000";
  const rlsq::Dialect& pg = rlsq::Dialect::Postgres();
  char buffer[8192];
  rlsq::Arena arena(buffer, sizeof buffer);
  std::vector<rlsq::Token> out;
  for (auto _ : state) {
    arena.Release();
    absl::Status st = pg.Tokenize(sql, arena, &out);
    if (!st.ok()) {
      state.SkipWithError(std::string(st.message()).c_str());
      return;
    }
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * sql.size()));
  state.counters["tokens"] = static_cast<double>(out.size());
}
BENCHMARK(BM_LexChartQuery);

// The UTF-8 validation pass alone, for comparison.
void BM_ValidateUtf8(benchmark::State& state) {
  const auto& queries = Queries(2);
  size_t bytes = 0;
  for (const auto& q : queries) bytes += q.size();
  for (auto _ : state) {
    for (const auto& q : queries) benchmark::DoNotOptimize(rlsq::FindInvalidUtf8(q));
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
}
BENCHMARK(BM_ValidateUtf8);

}  // namespace

BENCHMARK_MAIN();
