// Rewrite benchmark on the TPC-H and TPC-DS corpus.
//
//   parse/<set>/<query>     ParseQuery alone (warm), the reference.
//   uncached/<set>/<query>  Engine::rewrite with the plan cache bypassed: parse, scope analysis, plan, predicate
//                           lookup, splice.
//   cached/<set>/<query>    Engine::rewrite on a plan-cache hit: one hash lookup of the text, predicate lookups,
//                           splice.
//   pg_query/<set>/<query>  libpg_query's pg_query_parse on the same text: the yardstick of the CI budget
//                           (bench/budget.json), measured in the same run, interleaved query by query.
//   mariadb_{parse,uncached,cached}/<set>/<query>
//                           the same three on rlsq's MySQL corpus (tests/corpus/mysql: TPC-H written for MySQL and
//                           chart queries) with dialect mariadb; the budget compares the TPC-H ones with PostgreSQL's.
//   sqlite_{parse,uncached,cached}/<set>/<query>
//                           the same on rlsq's SQLite corpus (tests/corpus/sqlite), dialect sqlite; the budget holds
//                           its TPC-H ones to PostgreSQL's as well.
//
// The policy is generated at start-up: every base table the corpus reads gets one Regular filter for the benchmark
// user's role, and every fourth table a second filter in a shared group (so ORed groups are exercised). After the
// runs a summary prints the medians over all queries and the ratios uncached/parse and cached time.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "bench/common/bench_corpus.h"
#include "bench/common/reporter.h"
#include "bench/common/median.h"
#include "bench/common/pg_query_ref.h"
#include "lib/common/str_cat.h"
#include "lib/parser/parser.h"
#include "rewriter/engine.h"
#include "rewriter/scope.h"

namespace {

using Query = rlsq::bench::CorpusQuery;
using rlsq::bench::Median;

std::vector<Query>& Queries() {
  static std::vector<Query> q = [] {
    auto all = rlsq::bench::LoadCorpusSet("tpch");
    for (auto& x : rlsq::bench::LoadCorpusSet("tpcds")) all.push_back(std::move(x));
    return all;
  }();
  return q;
}

std::vector<Query>& MariaDbQueries() {
  static std::vector<Query> q = [] {
    auto all = rlsq::bench::LoadOwnCorpusSet("mysql", "tpch");
    for (auto& x : rlsq::bench::LoadOwnCorpusSet("mysql", "charts")) all.push_back(std::move(x));
    return all;
  }();
  return q;
}

const rlsq::Dialect& MariaDb() { return *rlsq::Dialect::Find("mariadb"); }

std::vector<Query>& SqliteQueries() {
  static std::vector<Query> q = [] {
    auto all = rlsq::bench::LoadOwnCorpusSet("sqlite", "tpch");
    for (auto& x : rlsq::bench::LoadOwnCorpusSet("sqlite", "charts")) all.push_back(std::move(x));
    return all;
  }();
  return q;
}

const rlsq::Dialect& Sqlite() { return *rlsq::Dialect::Find("sqlite"); }

// A policy with filters on every table the corpus reads (the same filters in both dialects: MySQL's clause has a
// double-quoted string).
std::string GeneratePolicy(const std::vector<Query>& queries, const rlsq::Dialect& dialect) {
  const bool mysql = &dialect == &MariaDb();
  const bool sqlite = &dialect == &Sqlite();
  std::set<std::string> tables;
  for (const Query& q : queries) {
    rlsq::ParseOptions po;
    po.dialect = &dialect;
    auto parsed = rlsq::ParseQuery(q.sql, po);
    if (!parsed.ok()) continue;
    rlsq::DatabaseModel model;
    if (mysql) model.search_path = {"tpch"};
    if (sqlite) model.search_path = {"main"};
    auto a = rlsq::rewriter::AnalyzeScopes((*parsed)->sql, *(*parsed)->query, rlsq::NameResolver(dialect, model));
    if (!a.ok()) continue;
    for (const auto& r : a->reads) tables.insert(r.table.name);
  }
  // (JSON text: the double quotes are escaped.)
  const char* clause = mysql ? R"x(tenant_id = 42 AND region IN (\"EU\", 'US'))x" : "tenant_id = 42 AND region IN ('EU', 'US')";
  std::string doc = mysql ? R"({"dialect": "mariadb", "default_schema": "tpch", )" : sqlite ? R"({"dialect": "sqlite", )" : "{";
  doc += R"("roles": [{"name": "Analyst", "permissions": [["all_datasource_access", "all_datasource_access"]]}], "users": [{"username": "u", "roles": ["Analyst"]}], "rls_filters": [)";
  int i = 0;
  for (const std::string& t : tables) {
    rlsq::Append(&doc, i ? ", " : "", R"({"name": "f)", i, R"(", "filter_type": "Regular", "tables": [")", t,
                 R"("], "roles": ["Analyst"], "group_key": "g", "clause": ")", clause, "\"}");
    if (i % 4 == 0)
      rlsq::Append(&doc, R"(, {"name": "g)", i, R"(", "filter_type": "Regular", "tables": [")", t,
                   R"("], "roles": ["Analyst"], "group_key": "g", "clause": "is_public"})");
    ++i;
  }
  doc += "]}";
  return doc;
}

std::unique_ptr<rlsq::Engine> MakeEngine(const std::vector<Query>& queries, const rlsq::Dialect& dialect) {
  auto e = rlsq::Engine::FromPolicyJson(GeneratePolicy(queries, dialect));
  if (!e.ok()) {
    std::fprintf(stderr, "policy (%s): %s\n", std::string(dialect.name()).c_str(),
                 std::string(e.status().message()).c_str());
    std::exit(2);
  }
  return std::move(*e);
}

rlsq::Engine& TheEngine() {
  static std::unique_ptr<rlsq::Engine> engine = MakeEngine(Queries(), rlsq::Dialect::Postgres());
  return *engine;
}

rlsq::Engine& TheMariaDbEngine() {
  static std::unique_ptr<rlsq::Engine> engine = MakeEngine(MariaDbQueries(), MariaDb());
  return *engine;
}

rlsq::Engine& TheSqliteEngine() {
  static std::unique_ptr<rlsq::Engine> engine = MakeEngine(SqliteQueries(), Sqlite());
  return *engine;
}

void BM_Parse(benchmark::State& state, const Query* q, const rlsq::Dialect* dialect) {
  rlsq::ParseOptions po;
  po.dialect = dialect;
  for (auto _ : state) {
    auto r = rlsq::ParseQuery(q->sql, po);
    if (!r.ok()) state.SkipWithError("parse failed");
    benchmark::DoNotOptimize(r);
  }
}

void BM_PgQuery(benchmark::State& state, const Query* q) { rlsq::bench::PgQueryParseLoop(state, q->sql); }

void BM_Rewrite(benchmark::State& state, const Query* q, bool cached, rlsq::Engine* the_engine) {
  rlsq::Engine& engine = *the_engine;
  rlsq::RewriteOptions options;
  options.use_plan_cache = cached;
  rlsq::Caller caller{"u"};
  if (cached) (void)engine.rewrite(q->sql, caller, options);  // fill the cache
  size_t out_bytes = 0;
  for (auto _ : state) {
    auto r = engine.rewrite(q->sql, caller, options);
    if (!r.ok()) {
      state.SkipWithError(std::string(r.status().message()).c_str());
      break;
    }
    out_bytes = r->sql.size();
    benchmark::DoNotOptimize(r);
  }
  state.counters["growth_bytes"] = static_cast<double>(out_bytes) - static_cast<double>(q->sql.size());
}

// Collects per-benchmark times to print medians after the run.
class Summary {
 public:
  using Run = benchmark::BenchmarkReporter::Run;
  void Collect(const std::vector<Run>& runs) {
    for (const Run& r : runs) {
      if (r.error_occurred || r.run_type != Run::RT_Iteration) continue;
      std::string name = r.benchmark_name();
      std::string kind = name.substr(0, name.find('/'));
      times_[kind].push_back(r.GetAdjustedRealTime() * Scale(r.time_unit));
      if (name.find("/tpch/") != std::string::npos)
        tpch_times_[kind].push_back(r.GetAdjustedRealTime() * Scale(r.time_unit));
      cpu_times_[kind].push_back(r.GetAdjustedCPUTime() * Scale(r.time_unit));
    }
  }
  static double Scale(benchmark::TimeUnit u) {
    switch (u) {
      case benchmark::kNanosecond: return 1e-3;
      case benchmark::kMicrosecond: return 1;
      case benchmark::kMillisecond: return 1e3;
      default: return 1e6;
    }
  }
  void Print(FILE* out) const {
    auto get = [](const std::map<std::string, std::vector<double>>& m, const char* k) {
      auto it = m.find(k);
      return it == m.end() ? std::vector<double>{} : it->second;
    };
    std::fprintf(out, "\nsummary over %zu TPC-H+TPC-DS queries (median per query):\n", get(times_, "parse").size());
    // MariaDB's TPC-H against PostgreSQL's TPC-H: the same 22 queries, written for each dialect.
    const double maria_tpch = Median(get(tpch_times_, "mariadb_uncached")), pg_tpch = Median(get(tpch_times_, "uncached"));
    std::fprintf(out, "  mariadb (%zu MySQL TPC-H + chart queries): parse %.2f us; rewrite uncached %.2f us, on a cache "
                 "hit %.3f us; TPC-H uncached rewrite %.2f us vs PostgreSQL's TPC-H %.2f us (%.2fx)\n",
                 get(times_, "mariadb_parse").size(), Median(get(times_, "mariadb_parse")),
                 Median(get(times_, "mariadb_uncached")), Median(get(times_, "mariadb_cached")), maria_tpch, pg_tpch,
                 pg_tpch > 0 ? maria_tpch / pg_tpch : 0);
    const double sqlite_tpch = Median(get(tpch_times_, "sqlite_uncached"));
    std::fprintf(out, "  sqlite (%zu SQLite TPC-H + chart queries): parse %.2f us; rewrite uncached %.2f us, on a cache "
                 "hit %.3f us; TPC-H uncached rewrite %.2f us vs PostgreSQL's TPC-H %.2f us (%.2fx)\n",
                 get(times_, "sqlite_parse").size(), Median(get(times_, "sqlite_parse")),
                 Median(get(times_, "sqlite_uncached")), Median(get(times_, "sqlite_cached")), sqlite_tpch, pg_tpch,
                 pg_tpch > 0 ? sqlite_tpch / pg_tpch : 0);
    for (const auto* m : {&times_, &cpu_times_}) {
      double parse = Median(get(*m, "parse")), uncached = Median(get(*m, "uncached")),
             cached = Median(get(*m, "cached")), pg = Median(get(*m, "pg_query"));
      std::fprintf(out, "  %s time: parse only %.2f us; rewrite uncached %.2f us (%.2fx parse; target <= 1.5x); "
                  "rewrite on a cache hit %.3f us (target <= 1 us); pg_query_parse %.2f us "
                  "(uncached rewrite %.2fx pg_query_parse)\n",
                  m == &times_ ? "wall" : "CPU", parse, uncached, parse > 0 ? uncached / parse : 0, cached, pg,
                  pg > 0 ? uncached / pg : 0);
    }
  }

 private:
  std::map<std::string, std::vector<double>> times_, cpu_times_, tpch_times_;
};

}  // namespace

int main(int argc, char** argv) {
  for (const Query& q : Queries()) {
    std::string id = q.set + "/" + q.name;
    const rlsq::Dialect* pg = &rlsq::Dialect::Postgres();
    benchmark::RegisterBenchmark(("parse/" + id).c_str(), BM_Parse, &q, pg)->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("uncached/" + id).c_str(), BM_Rewrite, &q, false, &TheEngine())
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("cached/" + id).c_str(), BM_Rewrite, &q, true, &TheEngine())
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("pg_query/" + id).c_str(), BM_PgQuery, &q)->Unit(benchmark::kMicrosecond);
  }
  for (const Query& q : MariaDbQueries()) {
    std::string id = q.set + "/" + q.name;
    benchmark::RegisterBenchmark(("mariadb_parse/" + id).c_str(), BM_Parse, &q, &MariaDb())
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("mariadb_uncached/" + id).c_str(), BM_Rewrite, &q, false, &TheMariaDbEngine())
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("mariadb_cached/" + id).c_str(), BM_Rewrite, &q, true, &TheMariaDbEngine())
        ->Unit(benchmark::kMicrosecond);
  }
  for (const Query& q : SqliteQueries()) {
    std::string id = q.set + "/" + q.name;
    benchmark::RegisterBenchmark(("sqlite_parse/" + id).c_str(), BM_Parse, &q, &Sqlite())
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("sqlite_uncached/" + id).c_str(), BM_Rewrite, &q, false, &TheSqliteEngine())
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("sqlite_cached/" + id).c_str(), BM_Rewrite, &q, true, &TheSqliteEngine())
        ->Unit(benchmark::kMicrosecond);
  }
  Summary summary;
  rlsq::bench::ForwardingReporter reporter(argc, argv, [&](const auto& runs) { summary.Collect(runs); });
  benchmark::Initialize(&argc, argv);
  TheEngine();  // build the policies before timing
  TheMariaDbEngine();
  TheSqliteEngine();
  benchmark::RunSpecifiedBenchmarks(&reporter);
  summary.Print(reporter.summary());
  benchmark::Shutdown();
  return 0;
}
