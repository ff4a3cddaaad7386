// Permission model at scale, with a generated policy: 10k roles x 100 grants = 1M (permission, view menu) grants
// (~960k distinct pairs), 10k tables in 100 schemas, users holding 1, 10 or 50 roles.
//
//   build-access/bench/access/access_bench --benchmark_counters_tabular=true
//
// Each generated role holds 95 pairs of its own (5 permissions on 19 "Dashboard:N" view menus), datasource_access on
// 5 random tables, and every tenth role schema_access on a random schema instead of its last table.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "lib/access/permission_model.h"

namespace rlsq::access {
namespace {

constexpr int kTables = 10000;
constexpr int kSchemas = 100;

std::string TableResource(int t) {
  return "[warehouse].[s" + std::to_string(t % kSchemas) + "].[t" + std::to_string(t) + "](id:" + std::to_string(t) + ")";
}

struct Policy {
  std::vector<RoleSpec> roles;
  std::vector<std::vector<int>> tables_of_role;  // tables each role may read (datasource or schema grant)
};

Policy Generate(int n_roles, uint32_t seed = 42) {
  static const char* kPerms[] = {"can_read", "can_write", "can_export", "can_delete", "can_edit"};
  std::mt19937 rng(seed);
  Policy p;
  p.roles.reserve(n_roles);
  p.tables_of_role.resize(n_roles);
  for (int r = 0; r < n_roles; ++r) {
    RoleSpec spec;
    spec.name = "role_" + std::to_string(r);
    for (int j = 0; j < 19; ++j)
      for (const char* perm : kPerms) spec.permissions.emplace_back(perm, "Dashboard:" + std::to_string(r * 19 + j));
    for (int k = 0; k < 5; ++k) {
      if (k == 4 && r % 10 == 0) {
        int s = static_cast<int>(rng() % kSchemas);
        spec.permissions.emplace_back("schema_access", "[warehouse].[s" + std::to_string(s) + "]");
        p.tables_of_role[r].push_back(s);  // table s is in schema s
        continue;
      }
      int t = static_cast<int>(rng() % kTables);
      spec.permissions.emplace_back("datasource_access", TableResource(t));
      p.tables_of_role[r].push_back(t);
    }
    p.roles.push_back(std::move(spec));
  }
  return p;
}

struct Fixture {
  Policy policy;
  std::shared_ptr<const PermissionModel> model;
  uint32_t first_role = 0;  // id of role_0 (presets come first)
};

const Fixture& Big() {
  static const Fixture* f = [] {
    auto* fx = new Fixture;
    fx->policy = Generate(10000);
    fx->model = *PermissionModel::Build(fx->policy.roles, ModelOptions{});
    fx->first_role = *fx->model->RoleId("role_0");
    return fx;
  }();
  return *f;
}

// A user holding `n` random roles; returns the role ids and the tables they may read.
std::vector<uint32_t> User(const Fixture& f, int n, uint32_t seed, std::vector<int>* tables) {
  std::mt19937 rng(seed);
  std::vector<uint32_t> ids;
  for (int i = 0; i < n; ++i) {
    int r = static_cast<int>(rng() % f.policy.roles.size());
    ids.push_back(f.first_role + r);
    if (tables) tables->insert(tables->end(), f.policy.tables_of_role[r].begin(), f.policy.tables_of_role[r].end());
  }
  return ids;
}

void BM_Can(benchmark::State& state) {
  const Fixture& f = Big();
  const int n = static_cast<int>(state.range(0));
  std::vector<uint32_t> ids = User(f, n, 7, nullptr);
  const PermissionSet& p = f.model->Resolve(ids);
  // Half granted (the user's own dashboards), half not.
  std::vector<std::string> resources;
  std::mt19937 rng(3);
  for (int i = 0; i < 512; ++i) {
    uint32_t role = ids[rng() % ids.size()] - f.first_role;
    resources.push_back("Dashboard:" + std::to_string(role * 19 + rng() % 19));
    resources.push_back("Dashboard:" + std::to_string(rng() % 190000));
  }
  size_t i = 0, granted = 0;
  for (auto _ : state) {
    granted += f.model->Can(p, "can_read", resources[i++ & 1023]);
  }
  benchmark::DoNotOptimize(granted);
}
BENCHMARK(BM_Can)->Arg(1)->Arg(10)->Arg(50);

std::vector<TableName> EightTables(const std::vector<int>& tables) {
  std::vector<TableName> out;
  for (int i = 0; i < 8; ++i) {
    int t = tables[i % tables.size()];
    out.push_back(TableName{"", "s" + std::to_string(t % kSchemas), "t" + std::to_string(t)});
  }
  return out;
}

// The data-access check of a query that reads 8 tables, all allowed (the common path): per-check time / 8 is the
// cost per table.
void BM_CheckTables8(benchmark::State& state) {
  const Fixture& f = Big();
  std::vector<int> tables;
  std::vector<uint32_t> ids = User(f, static_cast<int>(state.range(0)), 11, &tables);
  const PermissionSet& p = f.model->Resolve(ids);
  std::vector<TableName> query = EightTables(tables);
  if (!f.model->CheckTables(p, "warehouse", query).ok()) state.SkipWithError("expected access");
  for (auto _ : state) {
    benchmark::DoNotOptimize(f.model->CheckTables(p, "warehouse", query));
  }
  state.counters["ns_per_table"] =
      benchmark::Counter(8 * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_CheckTables8)->Arg(1)->Arg(10)->Arg(50);

// The same check through TableAccess handles looked up once (e.g. kept in a cached query plan).
void BM_CheckTables8_Interned(benchmark::State& state) {
  const Fixture& f = Big();
  std::vector<int> tables;
  std::vector<uint32_t> ids = User(f, static_cast<int>(state.range(0)), 11, &tables);
  const PermissionSet& p = f.model->Resolve(ids);
  std::vector<TableAccess> query;
  for (const TableName& t : EightTables(tables)) query.push_back(f.model->LookupTable("warehouse", t.schema, t.name));
  for (auto _ : state) {
    bool ok = true;
    for (const TableAccess& t : query) ok &= PermissionModel::CanReadTable(p, t);
    benchmark::DoNotOptimize(ok);
  }
  state.counters["ns_per_table"] =
      benchmark::Counter(8 * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_CheckTables8_Interned)->Arg(1)->Arg(10)->Arg(50);

// A denied query (8 tables, none allowed): builds the error message, so it allocates.
void BM_CheckTables8_Denied(benchmark::State& state) {
  const Fixture& f = Big();
  const PermissionSet& p = f.model->Resolve(User(f, 10, 11, nullptr));
  std::vector<TableName> query;
  for (int i = 0; i < 8; ++i) query.push_back(TableName{"", "nope", "t" + std::to_string(i)});
  for (auto _ : state) benchmark::DoNotOptimize(f.model->CheckTables(p, "warehouse", query));
}
BENCHMARK(BM_CheckTables8_Denied);

void BM_ResolveHit(benchmark::State& state) {
  const Fixture& f = Big();
  std::vector<uint32_t> ids = User(f, static_cast<int>(state.range(0)), 5, nullptr);
  f.model->Resolve(ids);
  for (auto _ : state) benchmark::DoNotOptimize(&f.model->Resolve(ids));
}
BENCHMARK(BM_ResolveHit)->Arg(1)->Arg(10)->Arg(50)->ThreadRange(1, 2);

// The same with the ids already sorted (a caller that keeps each user's role ids sorted skips the sort).
void BM_ResolveHitSorted(benchmark::State& state) {
  const Fixture& f = Big();
  std::vector<uint32_t> ids = User(f, static_cast<int>(state.range(0)), 5, nullptr);
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  f.model->Resolve(ids);
  for (auto _ : state) benchmark::DoNotOptimize(&f.model->Resolve(ids));
}
BENCHMARK(BM_ResolveHitSorted)->Arg(1)->Arg(10)->Arg(50);

// A cache miss: every iteration resolves a role set never seen before (computed and inserted into the cache).
// The iteration count is fixed because every miss adds a set to the model's cache.
void BM_ResolveMiss(benchmark::State& state) {
  const Fixture& f = Big();
  const int n = static_cast<int>(state.range(0));
  std::vector<std::vector<uint32_t>> sets;
  for (int i = 0; i < 3000; ++i) sets.push_back(User(f, n, 100000 + static_cast<uint32_t>(n) * 7919 + i, nullptr));
  size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(&f.model->Resolve(sets[i++ % sets.size()]));
}
BENCHMARK(BM_ResolveMiss)->Arg(1)->Arg(10)->Arg(50)->Iterations(3000);

// Merging the roles alone for the same 3000 distinct role sets as BM_ResolveMiss (cold role bitmaps), no cache.
void BM_ComputeUncachedCold(benchmark::State& state) {
  const Fixture& f = Big();
  const int n = static_cast<int>(state.range(0));
  std::vector<std::vector<uint32_t>> sets;
  for (int i = 0; i < 3000; ++i) sets.push_back(User(f, n, 200000 + static_cast<uint32_t>(n) * 7919 + i, nullptr));
  size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(f.model->ComputeUncached(sets[i++ % sets.size()]));
}
BENCHMARK(BM_ComputeUncachedCold)->Arg(50)->Iterations(3000);

// Merging the roles alone, without the cache.
void BM_ComputeUncached(benchmark::State& state) {
  const Fixture& f = Big();
  std::vector<uint32_t> ids = User(f, static_cast<int>(state.range(0)), 9, nullptr);
  size_t bytes = 0;
  for (auto _ : state) {
    auto set = f.model->ComputeUncached(ids);
    bytes = set->MemoryBytes();
    benchmark::DoNotOptimize(set);
  }
  state.counters["set_bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_ComputeUncached)->Arg(1)->Arg(10)->Arg(50);

// Build (= reload) time and model memory at growing policy sizes (roles x 100 grants).
void BM_Build(benchmark::State& state) {
  Policy policy = Generate(static_cast<int>(state.range(0)));
  size_t bytes = 0, pairs = 0;
  for (auto _ : state) {
    auto model = PermissionModel::Build(policy.roles, ModelOptions{});
    if (!model.ok()) state.SkipWithError("build failed");
    bytes = (*model)->MemoryBytes();
    pairs = (*model)->pair_count();
    state.PauseTiming();
    model = absl::CancelledError("freed");  // free outside the timed region
    state.ResumeTiming();
  }
  state.counters["grants"] = static_cast<double>(state.range(0)) * 100;
  state.counters["pairs"] = static_cast<double>(pairs);
  state.counters["model_MB"] = static_cast<double>(bytes) / 1e6;
  state.counters["ns_per_grant"] = benchmark::Counter(static_cast<double>(state.range(0)) * 100 * state.iterations(),
                                                      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.SetComplexityN(state.range(0));
}
BENCHMARK(BM_Build)->Arg(1250)->Arg(2500)->Arg(5000)->Arg(10000)->Iterations(3)->Unit(benchmark::kMillisecond)->Complexity(benchmark::oN);

}  // namespace
}  // namespace rlsq::access

BENCHMARK_MAIN();
