// The policy side of the hot path, at scale, on generated policies.
//
//   predicate_hit/roles:R      Policy::PredicateFor(role set, table) on a cache hit, for users holding R roles
//   predicate_miss/roles:R     the work of a miss: the combined predicate computed from the table's filter index
//   engine_8_tables/roles:R    Engine::rewrite of an 8-table query on a plan-cache hit: data-access check of the 8
//                              tables, their predicate lookups and the splice, per request
//   load/filters:N             Policy::FromJson of a policy with N filters (with N/10 roles of 100 grants each and
//                              N/10 tables), i.e. the reload time; counter bytes_per_policy = RSS growth per policy
//
// The full-size policy: 10k roles x 100 grants (1M permission/resource pairs), 10k tables, 100k filters.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <fstream>
#include <random>
#include <string>
#include <unistd.h>

#include "lib/common/str_cat.h"
#include "rewriter/engine.h"

namespace {

using rlsq::Append;

std::string Table(int t) { return rlsq::Cat("s", t % 100, ".t", t); }

// A policy of Superset's shape with `filters` filters: filters/10 datasets (declared with their ids, as a metadata
// database has them), filters/10 roles of 100 dataset grants each (datasource_access on [db].[tN](id:N), the view
// menus Superset writes), filters/10 users of 1 to 3 roles, half the filters naming their table by dataset id. Users
// u1, u10, u50 hold 1, 10 and 50 roles; each also holds a role with datasource_access on tables 0..7 only.
std::string Generate(int filters) {
  int roles = filters / 10, tables = filters / 10, users = filters / 10;
  std::mt19937 rng(42);
  auto pick = [&](int n) { return static_cast<int>(rng() % n); };
  std::string doc = R"({"default_database": "db", "datasets": [)";
  for (int t = 0; t < tables; ++t)
    Append(&doc, t ? ", " : "", R"({"id": )", t, R"(, "database": "db", "schema": "s)", t % 100, R"(", "table": "t)", t,
           R"("})");
  doc += R"(], "roles": [{"name": "eight", "permissions": [)";
  for (int t = 0; t < 8; ++t) Append(&doc, t ? ", " : "", R"(["datasource_access", "[db].[t)", t, "](id:", t, ")\"]");
  doc += "]}";
  for (int r = 0; r < roles; ++r) {
    Append(&doc, R"(, {"name": "R)", r, R"(", "permissions": [)");
    for (int g = 0; g < 100; ++g) {
      int t = (r * 100 + g) % tables;
      Append(&doc, g ? ", " : "", R"(["datasource_access", "[db].[t)", t, "](id:", t, ")\"]");
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
    Append(&doc, R"(, {"username": "user)", u, R"(", "id": )", u, R"(, "roles": ["R)", pick(roles), "\"");
    for (int k = pick(3); k > 0; --k) Append(&doc, R"(, "R)", pick(roles), "\"");
    doc += "]}";
  }
  doc += R"(], "rls_filters": [)";
  for (int f = 0; f < filters; ++f) {
    int t = f % tables;
    std::string table = f % 2 ? rlsq::Cat(t) : rlsq::Cat("\"", Table(t), "\"");
    Append(&doc, f ? ", " : "", R"({"name": "f)", f, R"(", "filter_type": ")", pick(4) ? "Regular" : "Base",
           R"(", "tables": [)", table, R"(], "roles": ["R)", pick(roles), R"(", "R)", pick(roles),
           R"("], "group_key": ")", pick(3) ? "" : rlsq::Cat("g", pick(5)), R"(", "clause": "c)", pick(20), " = ",
           pick(100), R"("})");
  }
  doc += "]}";
  return doc;
}

const rlsq::policy::Policy& FullPolicy() {
  static std::shared_ptr<const rlsq::policy::Policy> p = [] {
    auto loaded = rlsq::policy::Policy::FromJson(Generate(100000), rlsq::Dialect::Postgres());
    if (!loaded.ok()) {
      std::fprintf(stderr, "%s\n", std::string(loaded.status().message()).c_str());
      std::exit(2);
    }
    return *loaded;
  }();
  return *p;
}

uint32_t RoleSetOf(int roles) {
  const auto& p = FullPolicy();
  return p.users()[p.UserIndex(rlsq::Cat("u", roles))].role_set;
}

void BM_PredicateHit(benchmark::State& state) {
  const auto& p = FullPolicy();
  uint32_t rs = RoleSetOf(static_cast<int>(state.range(0)));
  std::vector<std::unique_ptr<rlsq::policy::Predicate>> overflow;
  const int32_t tables = static_cast<int32_t>(p.filtered_table_count());
  for (int32_t t = 0; t < 1024; ++t) benchmark::DoNotOptimize(p.PredicateFor(rs, t % tables, &overflow));
  int32_t t = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(p.PredicateFor(rs, t, &overflow));
    t = (t + 1) & 1023;
  }
}
BENCHMARK(BM_PredicateHit)->Arg(1)->Arg(10)->Arg(50);

void BM_PredicateMiss(benchmark::State& state) {
  const auto& p = FullPolicy();
  uint32_t rs = RoleSetOf(static_cast<int>(state.range(0)));
  const int32_t tables = static_cast<int32_t>(p.filtered_table_count());
  rlsq::policy::Predicate out;
  int32_t t = 0;
  for (auto _ : state) {
    p.ComputePredicate(rs, t, &out);
    benchmark::DoNotOptimize(out);
    t = (t + 7919) % tables;
  }
}
BENCHMARK(BM_PredicateMiss)->Arg(1)->Arg(10)->Arg(50);

void BM_Engine8Tables(benchmark::State& state) {
  static rlsq::Engine engine(std::shared_ptr<const rlsq::policy::Policy>(&FullPolicy(), [](auto*) {}));
  std::string user = rlsq::Cat("u", state.range(0));
  // Tables 0..7 are granted through the "eight" role and each carries filters: the whole request on a plan-cache
  // hit (snapshot, plan lookup, 8 access checks, 8 predicate lookups, splice).
  std::string sql = "SELECT 1 FROM s0.t0, s1.t1, s2.t2, s3.t3, s4.t4, s5.t5, s6.t6, s7.t7";
  (void)engine.rewrite(sql, {user});
  for (auto _ : state) {
    auto r = engine.rewrite(sql, {user});
    if (!r.ok()) {
      state.SkipWithError(std::string(r.status().message()).c_str());
      break;
    }
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_Engine8Tables)->Arg(1)->Arg(10)->Arg(50)->Unit(benchmark::kMicrosecond);

size_t Rss() {
  std::ifstream in("/proc/self/statm");
  size_t pages = 0, resident = 0;
  in >> pages >> resident;
  return resident * static_cast<size_t>(sysconf(_SC_PAGESIZE));
}

void BM_Load(benchmark::State& state) {
  std::string doc = Generate(static_cast<int>(state.range(0)));
  // One untimed load first grows the heap, so every timed load is a reload in a process that has loaded before at
  // that size. Otherwise the first iteration pays the page faults of fresh memory, a cost that depends on what ran
  // before in the process and not on the policy's size.
  if (!rlsq::policy::Policy::FromJson(doc, rlsq::Dialect::Postgres()).ok()) state.SkipWithError("load failed");
  size_t bytes = 0;
  for (auto _ : state) {
    size_t before = Rss();
    auto p = rlsq::policy::Policy::FromJson(doc, rlsq::Dialect::Postgres());
    if (!p.ok()) state.SkipWithError("load failed");
    const size_t after = Rss();
    bytes = after > before ? after - before : 0;  // the heap may give back more than this load takes
    state.PauseTiming();
    p = absl::StatusOr<std::shared_ptr<const rlsq::policy::Policy>>();
    state.ResumeTiming();
  }
  state.counters["bytes_per_policy"] = static_cast<double>(bytes);
  state.counters["json_bytes"] = static_cast<double>(doc.size());
}
BENCHMARK(BM_Load)->Arg(10000)->Arg(30000)->Arg(100000)->Unit(benchmark::kMillisecond)->Iterations(2);

}  // namespace

BENCHMARK_MAIN();
