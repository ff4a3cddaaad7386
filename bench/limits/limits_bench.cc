// Worst-case inputs: they must be handled (or refused) in bounded time, never crash or stall.
//
//   parse/1MB_query          a generated 1 MB pivot-style chart query (about 170k tokens), parsed
//   rewrite/1MB_query        the same, rewritten uncached under a policy filtering its table
//   parse/in_list_20000      SELECT ... WHERE x IN (<20,000 integers>)
//   rewrite/in_list_20000
//   parse/nesting_1000       1,000 nested parentheses with max_depth raised to 1,000 (main thread, 8 MB stack)
//   refuse/nesting_100000    100,000 nested parentheses at the default max_depth: refused before parsing
//   refuse/5MB_input         5 MB input at the default max_input_bytes: refused before lexing
#include <benchmark/benchmark.h>

#include <string>

#include "lib/common/str_cat.h"
#include "lib/parser/parser.h"
#include "rewriter/engine.h"

namespace {

std::string Pivot(size_t bytes) {
  std::string sql = "SELECT o_orderdate";
  for (int i = 0; sql.size() < bytes; ++i)
    rlsq::Append(&sql, ", SUM(CASE WHEN o_orderpriority = 'P", i, "' THEN o_totalprice ELSE 0 END) AS \"m", i, "\"");
  return sql + " FROM orders GROUP BY o_orderdate";
}

std::string InList(int n) {
  std::string sql = "SELECT o_orderkey FROM orders WHERE o_custkey IN (";
  for (int i = 0; i < n; ++i) rlsq::Append(&sql, i ? ", " : "", i);
  return sql + ")";
}

std::string Nested(int depth) { return "SELECT " + std::string(depth, '(') + "1" + std::string(depth, ')'); }

rlsq::Engine& TheEngine() {
  static std::unique_ptr<rlsq::Engine> engine = [] {
    auto e = rlsq::Engine::FromPolicyJson(R"({"default_database": "tpch",
      "roles": [{"name": "R", "permissions": [["all_datasource_access", "all_datasource_access"]]}],
      "users": [{"username": "u", "roles": ["R"]}],
      "rls_filters": [{"name": "f", "filter_type": "Regular", "tables": ["orders"], "roles": ["R"],
                       "clause": "o_orderstatus <> 'P'"}]})");
    if (!e.ok()) std::abort();
    return std::move(*e);
  }();
  return *engine;
}

void Parse(benchmark::State& state, std::string sql, rlsq::ParseOptions options, bool expect_ok) {
  for (auto _ : state) {
    auto r = rlsq::ParseQuery(sql, options);
    if (r.ok() != expect_ok) {
      state.SkipWithError(r.ok() ? "unexpectedly accepted" : std::string(r.status().message()).c_str());
      break;
    }
    benchmark::DoNotOptimize(r);
  }
  state.counters["bytes"] = static_cast<double>(sql.size());
}

void Rewrite(benchmark::State& state, std::string sql) {
  rlsq::RewriteOptions options;
  options.use_plan_cache = false;
  for (auto _ : state) {
    auto r = TheEngine().rewrite(sql, {"u"}, options);
    if (!r.ok()) {
      state.SkipWithError(std::string(r.status().message()).c_str());
      break;
    }
    benchmark::DoNotOptimize(r);
  }
  state.counters["bytes"] = static_cast<double>(sql.size());
}

}  // namespace

int main(int argc, char** argv) {
  rlsq::ParseOptions defaults, deep;
  deep.max_depth = 1000;
  std::string huge(5 << 20, ' ');
  huge.replace(0, 8, "SELECT 1");
  benchmark::RegisterBenchmark("parse/1MB_query", Parse, Pivot(1 << 20), defaults, true)->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("rewrite/1MB_query", Rewrite, Pivot(1 << 20))->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("parse/in_list_20000", Parse, InList(20000), defaults, true)->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("rewrite/in_list_20000", Rewrite, InList(20000))->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("parse/nesting_1000", Parse, Nested(1000), deep, true)->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("refuse/nesting_100000", Parse, Nested(100000), defaults, false)->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("refuse/5MB_input", Parse, huge, defaults, false)->Unit(benchmark::kMicrosecond);
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
