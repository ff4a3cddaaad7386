// Parse benchmark: rlsq::ParseQuery against libpg_query (PostgreSQL's own parser) on the TPC-H and TPC-DS corpus.
//
//   rlsq_cold/<set>/<query>  the first ParseQuery of each query in this process, measured once in main() before any
//                            other benchmark, in corpus order (tpch q01.. then tpcds q01..). The ANTLR prediction
//                            cache starts empty and fills as queries are parsed; the very first parse also pays the
//                            one-time parser initialization, reported separately in the summary.
//   rlsq_warm/<set>/<query>  ParseQuery in a loop (cache warm). Counter sll_fallbacks: SLL->LL fallbacks per parse.
//   pg_query/<set>/<query>   pg_query_parse (parse tree to JSON, as libpg_query's public API does) + free.
//
// After the runs a summary: median rlsq warm, median pg_query, their ratio, and the SLL fallbacks of one pass over
// all queries (wall time, then the same medians in CPU time). Exit code 1 if any query fails to parse.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "bench/common/bench_corpus.h"
#include "bench/common/median.h"
#include "bench/common/reporter.h"
#include "bench/common/pg_query_ref.h"
#include "lib/parser/parser.h"

namespace {

struct Query {
  std::string set;
  std::string name;
  std::string sql;
  double cold_us = 0;
};

std::vector<Query> LoadSet(const std::string& set) {
  std::vector<Query> out;
  for (auto& q : rlsq::bench::LoadCorpusSet(set)) out.push_back({q.set, q.name, std::move(q.sql)});
  return out;
}

void BM_RlsqCold(benchmark::State& state, const Query* q) {
  for (auto _ : state) state.SetIterationTime(q->cold_us * 1e-6);
}

void BM_RlsqWarm(benchmark::State& state, const Query* q) {
  auto first = rlsq::ParseQuery(q->sql);  // untimed: warm even when run alone with --benchmark_filter
  if (!first.ok()) {
    state.SkipWithError(std::string(first.status().message()).c_str());
    return;
  }
  rlsq::ParserStats& stats = rlsq::GlobalParserStats();
  uint64_t fallbacks_before = stats.sll_fallbacks.load();
  for (auto _ : state) {
    auto parsed = rlsq::ParseQuery(q->sql);
    benchmark::DoNotOptimize(parsed);
  }
  state.counters["sll_fallbacks"] = benchmark::Counter(static_cast<double>(stats.sll_fallbacks.load() - fallbacks_before),
                                                       benchmark::Counter::kAvgIterations);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * q->sql.size()));
}

void BM_PgQuery(benchmark::State& state, const Query* q) { rlsq::bench::PgQueryParseLoop(state, q->sql); }

// Keeps each benchmark's time per iteration (microseconds) for the summary.
class Summary {
 public:
  using Run = benchmark::BenchmarkReporter::Run;
  void Collect(const std::vector<Run>& runs) {
    for (const Run& run : runs) {
      if (run.run_type != Run::RT_Iteration || run.error_occurred) continue;
      times_[run.benchmark_name()].push_back(run.GetAdjustedRealTime());
      cpu_times_[run.benchmark_name()].push_back(run.GetAdjustedCPUTime());
    }
  }
  // Median over the benchmarks whose name starts with `prefix` (each benchmark's mean over repetitions).
  std::vector<double> Times(const std::string& prefix, bool cpu = false) const {
    std::vector<double> out;
    for (const auto& [name, v] : cpu ? cpu_times_ : times_) {
      if (name.rfind(prefix, 0) != 0) continue;
      double sum = 0;
      for (double t : v) sum += t;
      out.push_back(sum / v.size());
    }
    return out;
  }

 private:
  std::map<std::string, std::vector<double>> times_;
  std::map<std::string, std::vector<double>> cpu_times_;
};

using rlsq::bench::Median;

}  // namespace

int main(int argc, char** argv) {
  Summary summary;
  rlsq::bench::ForwardingReporter reporter(argc, argv, [&](const auto& runs) { summary.Collect(runs); });
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;

  std::vector<Query> queries = LoadSet("tpch");
  for (Query& q : LoadSet("tpcds")) queries.push_back(std::move(q));

  // Cold: the first parse of every query in this fresh process, before anything else touches the parser.
  int failures = 0;
  for (Query& q : queries) {
    auto t0 = std::chrono::steady_clock::now();
    auto parsed = rlsq::ParseQuery(q.sql);
    auto t1 = std::chrono::steady_clock::now();
    q.cold_us = std::chrono::duration<double, std::micro>(t1 - t0).count();
    if (!parsed.ok()) {
      ++failures;
      std::fprintf(stderr, "%s/%s: %s\n", q.set.c_str(), q.name.c_str(), std::string(parsed.status().message()).c_str());
    }
  }
  // SLL fallbacks of one warm pass over all queries.
  rlsq::ParserStats& stats = rlsq::GlobalParserStats();
  uint64_t fallbacks_before = stats.sll_fallbacks.load();
  for (const Query& q : queries) benchmark::DoNotOptimize(rlsq::ParseQuery(q.sql));
  uint64_t fallbacks_pass = stats.sll_fallbacks.load() - fallbacks_before;

  for (const Query& q : queries) {
    std::string suffix = q.set + "/" + q.name;
    benchmark::RegisterBenchmark(("rlsq_cold/" + suffix).c_str(), BM_RlsqCold, &q)
        ->UseManualTime()
        ->Iterations(1)
        ->Unit(benchmark::kMicrosecond);
  }
  for (const Query& q : queries) {
    std::string suffix = q.set + "/" + q.name;
    benchmark::RegisterBenchmark(("rlsq_warm/" + suffix).c_str(), BM_RlsqWarm, &q)->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("pg_query/" + suffix).c_str(), BM_PgQuery, &q)->Unit(benchmark::kMicrosecond);
  }

  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  FILE* out = reporter.summary();

  std::vector<double> cold;
  for (const Query& q : queries) cold.push_back(q.cold_us);
  double warm = Median(summary.Times("rlsq_warm/"));
  double pg = Median(summary.Times("pg_query/"));
  std::fprintf(out, "\nqueries %zu (tpch+tpcds), parse failures %d\n", queries.size(), failures);
  std::fprintf(out, "cold: first parse in process %.1f us (includes parser initialization), median first parse per query "
              "%.1f us, total %.1f ms\n",
              queries.empty() ? 0.0 : queries[0].cold_us, Median(cold),
              [&] { double s = 0; for (double c : cold) s += c; return s / 1000; }());
  std::fprintf(out, "median rlsq warm %.1f us, median pg_query %.1f us, ratio %.2f, sll_fallbacks %llu\n", warm, pg,
              pg > 0 ? warm / pg : 0.0, static_cast<unsigned long long>(fallbacks_pass));
  // CPU time is the steadier figure when other processes share the machine.
  double warm_cpu = Median(summary.Times("rlsq_warm/", true));
  double pg_cpu = Median(summary.Times("pg_query/", true));
  std::fprintf(out, "cpu time: median rlsq warm %.1f us, median pg_query %.1f us, ratio %.2f\n", warm_cpu, pg_cpu,
              pg_cpu > 0 ? warm_cpu / pg_cpu : 0.0);
  return failures ? 1 : 0;
}
