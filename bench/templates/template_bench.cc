// Binding cost of user-aware clauses. Every TPC-H table read by the corpus gets one filter; the same policy is built
// twice, with constants and with templates that yield the same values:
//
//   plain/<query>      Engine::rewrite for a policy user, constants in the clauses (plan and predicate cached).
//   templated/<query>  the same with {{ user_attr(..) }} / {{ current_user_id() }}: values rendered per request.
//   inline/<query>     templated, with the caller given inline (--caller-json): role-set lookup + binding.
//
// The summary prints the median per-request CPU time of each and the median extra cost of binding.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "bench/common/bench_corpus.h"
#include "bench/common/reporter.h"
#include "lib/common/str_cat.h"
#include "rewriter/engine.h"

namespace {

using Query = rlsq::bench::CorpusQuery;

std::vector<Query> LoadTpch() { return rlsq::bench::LoadCorpusSet("tpch"); }

// {table, plain clause, templated clause}
const char* kFilters[][3] = {
    {"region", "r_name <> 'ANTARCTICA'", "r_name <> {{ user_attr('region') }}"},
    {"nation", "n_regionkey IN (1, 2, 3)", "n_regionkey IN {{ user_attr('regions') }}"},
    {"customer", "c_mktsegment <> 'HOUSEHOLD'", "c_mktsegment <> {{ user_attr('segment') }}"},
    {"orders", "o_clerk <> 'alice' AND o_custkey % 7 <> 7", "o_clerk <> {{ current_username() }} AND o_custkey % 7 <> {{ current_user_id() }}"},
    {"lineitem", "l_comment NOT LIKE '%alice@example.com%'", "l_comment NOT LIKE '%{{ current_user_email() }}%'"},
    {"supplier", "s_nationkey IN (1, 2, 3)", "s_nationkey IN {{ user_attr('regions') }}"},
    {"part", "p_size > 3", "p_size > {{ user_attr('min_size', 3) }}"},
    {"partsupp", "ps_availqty > 0", "ps_availqty > {{ user_attr('min_qty', 0) }}"},
};

std::string Policy(bool templated) {
  std::string doc = R"({"default_database": "tpch",
    "roles": [{"name": "Reader", "permissions": [["schema_access", "[tpch].[public]"]]}],
    "users": [{"username": "alice", "id": 7, "email": "alice@example.com", "roles": ["Reader"],
               "attributes": {"region": "ANTARCTICA", "regions": [1, 2, 3], "segment": "HOUSEHOLD"}}],
    "rls_filters": [)";
  for (size_t i = 0; i < std::size(kFilters); ++i) {
    std::string clause;
    rlsq::json::AppendString(kFilters[i][templated ? 2 : 1], &clause);
    rlsq::Append(&doc, i ? ", " : "", R"({"name": "f)", i, R"(", "filter_type": "Regular", "tables": [")",
                 kFilters[i][0], R"("], "roles": ["Reader"], "clause": )", clause, "}");
  }
  return doc + "]}";
}

std::map<std::string, std::map<std::string, double>> g_ns;  // mode -> query -> ns per request

void BM_Rewrite(benchmark::State& state, const rlsq::Engine* engine, const Query* q, rlsq::Caller caller,
                std::string mode) {
  for (auto _ : state) {
    auto r = engine->rewrite(q->sql, caller);
    if (!r.ok()) {
      state.SkipWithError(std::string(r.status().message()).c_str());
      return;
    }
    benchmark::DoNotOptimize(r->sql.data());
  }
}

void Collect(const std::vector<benchmark::BenchmarkReporter::Run>& runs) {
    for (const auto& r : runs) {
      std::string name = r.benchmark_name();
      size_t slash = name.find('/');
      if (slash == std::string::npos || r.error_occurred) continue;
      g_ns[name.substr(0, slash)][name.substr(slash + 1)] = r.GetAdjustedCPUTime() * 1e3;  // us -> ns (CPU time: the machine is shared)
    }
}

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  static std::vector<Query> queries = LoadTpch();
  auto plain = rlsq::Engine::FromPolicyJson(Policy(false));
  auto templated = rlsq::Engine::FromPolicyJson(Policy(true));
  if (!plain.ok() || !templated.ok()) {
    std::fprintf(stderr, "policy: %s %s\n", std::string(plain.status().message()).c_str(),
                 std::string(templated.status().message()).c_str());
    return 2;
  }
  auto identity = rlsq::ParseCallerJson(R"({"username": "alice", "id": 7, "email": "alice@example.com",
      "roles": ["Reader"], "attributes": {"region": "ANTARCTICA", "regions": [1, 2, 3], "segment": "HOUSEHOLD"}})");
  rlsq::Caller inline_caller;
  inline_caller.identity = std::make_shared<const rlsq::CallerIdentity>(*identity);
  for (const Query& q : queries) {
    // Same output from both policies: the templates yield the constants (apart from parentheses).
    benchmark::RegisterBenchmark(("plain/" + q.name).c_str(), BM_Rewrite, plain->get(), &q, rlsq::Caller{"alice"},
                                 "plain")->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("templated/" + q.name).c_str(), BM_Rewrite, templated->get(), &q,
                                 rlsq::Caller{"alice"}, "templated")->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("inline/" + q.name).c_str(), BM_Rewrite, templated->get(), &q, inline_caller,
                                 "inline")->Unit(benchmark::kMicrosecond);
  }
  rlsq::bench::ForwardingReporter reporter(argc, argv, Collect);
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks(&reporter);
  std::vector<double> plain_ns, templated_ns, inline_ns, extra_ns;
  for (const auto& [name, ns] : g_ns["plain"]) {
    if (!g_ns["templated"].count(name) || !g_ns["inline"].count(name)) continue;
    plain_ns.push_back(ns);
    templated_ns.push_back(g_ns["templated"][name]);
    inline_ns.push_back(g_ns["inline"][name]);
    extra_ns.push_back(g_ns["templated"][name] - ns);
  }
  std::fprintf(reporter.summary(), "\n[templates] %zu TPC-H queries, medians per request: plain %.0f ns, templated %.0f ns, inline caller "
              "%.0f ns; binding adds %.0f ns (median)\n",
              plain_ns.size(), Median(plain_ns), Median(templated_ns), Median(inline_ns), Median(extra_ns));
  return 0;
}
