// The linter at scale (`rlsq lint`), on generated policies shaped like bench/policy's: N/10 roles of 100 grants
// each, N/10 tables, N filters (one Regular in four Base, two roles each, a third of them in one of five groups),
// clauses `cK = V`; plus U users holding 1 to 10 random roles (and the three users of bench/policy, holding 1, 10
// and 50 roles). Measured: Lint() on a loaded policy (load time excluded; see policy_bench load/filters:N).
//
//   lint/filters:N/users:U    counters: findings, role_sets (distinct ones the users hold)
//
// The full size is 100k filters, 10k roles, 10k tables.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <random>
#include <string>

#include "lib/common/str_cat.h"
#include "lib/lint/lint.h"

namespace {

using rlsq::Append;

std::string Table(int t) { return rlsq::Cat("s", t % 100, ".t", t); }

std::string Generate(int filters, int users) {
  int roles = filters / 10, tables = filters / 10;
  std::mt19937 rng(42);
  auto pick = [&](int n) { return static_cast<int>(rng() % n); };
  std::string doc = R"({"default_database": "db", "roles": [{"name": "eight", "permissions": [)";
  for (int t = 0; t < 8; ++t) Append(&doc, t ? ", " : "", R"(["datasource_access", "[db].[)", "s", t % 100, "].[t", t, R"(]"])");
  doc += "]}";
  for (int r = 0; r < roles; ++r) {
    Append(&doc, R"(, {"name": "R)", r, R"(", "permissions": [)");
    for (int g = 0; g < 100; ++g) {
      int t = (r * 100 + g) % tables;
      Append(&doc, g ? ", " : "", R"(["datasource_access", "[db].[s)", t % 100, "].[t", t, "](id:", r * 100 + g, ")\"]");
    }
    doc += "]}";
  }
  doc += R"(], "users": [)";
  int sizes[] = {1, 10, 50};
  for (int i = 0; i < 3; ++i) {
    Append(&doc, i ? ", " : "", R"({"username": "u)", sizes[i], R"(", "roles": ["eight")");
    for (int k = 0; k < sizes[i]; ++k) Append(&doc, R"(, "R)", (k * 7919) % roles, "\"");
    doc += "]}";
  }
  for (int u = 0; u < users; ++u) {
    Append(&doc, R"(, {"username": "user)", u, R"(", "roles": ["R)", pick(roles), "\"");
    for (int k = pick(10); k > 0; --k) Append(&doc, R"(, "R)", pick(roles), "\"");
    doc += "]}";
  }
  doc += R"(], "rls_filters": [)";
  for (int f = 0; f < filters; ++f) {
    Append(&doc, f ? ", " : "", R"({"name": "f)", f, R"(", "filter_type": ")", pick(4) ? "Regular" : "Base",
           R"(", "tables": [")", Table(f % tables), R"("], "roles": ["R)", pick(roles), R"(", "R)", pick(roles),
           R"("], "group_key": ")", pick(3) ? "" : rlsq::Cat("g", pick(5)), R"(", "clause": "c)", pick(20), " = ",
           pick(100), R"("})");
  }
  doc += "]}";
  return doc;
}

void BM_Lint(benchmark::State& state) {
  auto policy = rlsq::policy::Policy::FromJson(Generate(static_cast<int>(state.range(0)), static_cast<int>(state.range(1))),
                                               rlsq::Dialect::Postgres());
  if (!policy.ok()) {
    state.SkipWithError(std::string(policy.status().message()).c_str());
    return;
  }
  size_t findings = 0;
  for (auto _ : state) {
    auto out = rlsq::lint::Lint(**policy);
    findings = out.size();
    benchmark::DoNotOptimize(out);
  }
  state.counters["findings"] = static_cast<double>(findings);
  state.counters["users"] = static_cast<double>((*policy)->users().size());
}
BENCHMARK(BM_Lint)
    ->ArgNames({"filters", "users"})
    ->Args({10000, 100})
    ->Args({100000, 0})
    ->Args({100000, 1000})
    ->Args({100000, 10000})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);

}  // namespace

BENCHMARK_MAIN();
