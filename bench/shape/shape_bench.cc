// shape_bench: a realistic dashboard stream through one Engine with its plan cache, against pg_query_parse of the
// same texts (issue 15, "a plan cache keyed by the query's shape").
//
// The stream: chart queries of the kind Superset generates over TPC-H, built from 5 table groups x 3 metrics x 2
// dimensions x 4 extra filters = 120 shapes, each request with a random time range (DATE and TIMESTAMP bounds), time
// grain, filter value, threshold and LIMIT, and an IN list of 1 to 4 values (lists of different lengths are different
// shapes: 120 + 3 x 30 = 210 shapes in all). Requests come from 200 users of 4 roles, whose filters include a
// templated clause. Every request is timed alone (steady_clock), then pg_query_parse on the same text.
//
// Counters of stream/N: shape_hit_share, text_hit_share, miss_share (the plan cache's own counts), rlsq_median_us,
// rlsq_p99_us, pg_median_us, pg_p99_us, median_vs_pg_query (the budget's figure: target <= 0.25), p99_vs_pg_query,
// and shapes (distinct shapes seen). uncached_median_us: the same stream with the cache off, for scale.
#include <benchmark/benchmark.h>
#include <pg_query.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "lib/common/str_cat.h"
#include "rewriter/engine.h"

namespace {

constexpr int kUsers = 200;

std::string PolicyJson() {
  std::string doc = R"({"default_schema": "public", "default_database": "tpch", "roles": [
    {"name": "Analyst", "permissions": [["schema_access", "[tpch].[public]"]]},
    {"name": "EU"}, {"name": "US"}, {"name": "Tenant"}], "users": [)";
  for (int u = 0; u < kUsers; ++u) {
    const char* role = u % 4 == 0 ? "EU" : u % 4 == 1 ? "US" : u % 4 == 2 ? "Tenant" : "Analyst";
    rlsq::Append(&doc, u ? ", " : "", R"({"username": "user)", u, R"(", "roles": ["Analyst", ")", role,
                 R"("], "attributes": {"tenant": )", u % 17, "}}");
  }
  doc += R"j(], "rls_filters": [
    {"name": "eu_orders", "filter_type": "Regular", "tables": ["orders"], "roles": ["EU"], "group_key": "region",
     "clause": "o_orderpriority IN ('1-URGENT', '2-HIGH')"},
    {"name": "eu_customer", "filter_type": "Regular", "tables": ["customer"], "roles": ["EU"],
     "clause": "c_nationkey IN (SELECT n_nationkey FROM nation WHERE n_regionkey = 3)"},
    {"name": "us_orders", "filter_type": "Regular", "tables": ["orders"], "roles": ["US"], "group_key": "region",
     "clause": "o_orderstatus <> 'P'"},
    {"name": "us_lineitem", "filter_type": "Regular", "tables": ["lineitem"], "roles": ["US"],
     "clause": "l_returnflag = 'N'"},
    {"name": "tenant_customer", "filter_type": "Regular", "tables": ["customer"], "roles": ["Tenant"],
     "clause": "c_custkey % 17 = {{ user_attr('tenant') }}"},
    {"name": "tenant_orders", "filter_type": "Regular", "tables": ["orders"], "roles": ["Tenant"],
     "clause": "o_custkey % 17 = {{ user_attr('tenant') }}"},
    {"name": "hide_parts", "filter_type": "Base", "tables": ["part"], "roles": ["Tenant"], "clause": "p_size < 40"}
  ]})j";
  return doc;
}

struct Shape {
  int group, metric, dimension, extra, in_length;
};

std::string Date(std::mt19937& rng) {
  unsigned y = 1992 + rng() % 7, m = 1 + rng() % 12, d = 1 + rng() % 28;
  return rlsq::Cat(y, m < 10 ? "-0" : "-", m, d < 10 ? "-0" : "-", d);
}

// One chart query of `s` with random values.
std::string Chart(const Shape& s, std::mt19937& rng) {
  static const char* kFrom[] = {
      "orders",
      "lineitem",
      "orders JOIN customer ON c_custkey = o_custkey",
      "lineitem JOIN part ON p_partkey = l_partkey",
      "lineitem JOIN orders ON o_orderkey = l_orderkey JOIN customer ON c_custkey = o_custkey "
      "JOIN nation ON n_nationkey = c_nationkey LEFT JOIN region ON r_regionkey = n_regionkey",
  };
  static const char* kTime[] = {"o_orderdate", "l_shipdate", "o_orderdate", "l_shipdate", "o_orderdate"};
  static const char* kCategory[] = {"o_orderpriority", "l_shipmode", "c_mktsegment", "p_brand", "n_name"};
  static const char* kMeasure[] = {"o_totalprice", "l_extendedprice * (1 - l_discount)", "o_totalprice",
                                   "l_quantity", "l_extendedprice"};
  static const char* kString[] = {"o_orderstatus", "l_returnflag", "c_mktsegment", "p_container", "r_name"};
  static const char* kValues[] = {"'F'", "'O'", "'BUILDING'", "'AUTOMOBILE'", "'EUROPE'", "'ASIA'", "'SM BOX'"};
  const int g = s.group;
  std::string metric = s.metric == 0   ? "COUNT(*) AS count"
                       : s.metric == 1 ? rlsq::Cat("SUM(", kMeasure[g], ") AS \"SUM(value)\"")
                                       : rlsq::Cat("AVG(", kMeasure[g], ") AS avg_value");
  static const char* kGrains[] = {"day", "week", "month", "quarter", "year"};
  std::string dim = s.dimension == 0 ? rlsq::Cat("DATE_TRUNC('", kGrains[rng() % 5], "', ", kTime[g], ")")
                                     : std::string(kCategory[g]);
  std::string sql = rlsq::Cat("SELECT ", dim, " AS ", s.dimension == 0 ? "__timestamp" : kCategory[g], ", ", metric,
                              "\nFROM ", kFrom[g], "\nWHERE ", kTime[g], " >= TO_TIMESTAMP('", Date(rng),
                              " 00:00:00', 'YYYY-MM-DD HH24:MI:SS') AND ", kTime[g], " < DATE '", Date(rng), "'");
  switch (s.extra) {
    case 1: rlsq::Append(&sql, " AND ", kString[g], " = ", kValues[rng() % 7]); break;
    case 2: {
      rlsq::Append(&sql, " AND ", kString[g], " IN (");
      for (int i = 0; i < s.in_length; ++i) rlsq::Append(&sql, i ? ", " : "", kValues[rng() % 7]);
      sql += ")";
      break;
    }
    case 3: rlsq::Append(&sql, " AND ", kMeasure[g], " > ", rng() % 100000, ".", rng() % 100); break;
    default: break;
  }
  rlsq::Append(&sql, "\nGROUP BY ", dim, "\nORDER BY ", s.dimension == 0 ? "__timestamp" : "2 DESC", "\nLIMIT ",
               1 + rng() % 10000);
  return sql;
}

struct Request {
  std::string sql;
  int user;
  int shape;
};

std::vector<Request> Stream(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<Request> out;
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    Shape s{static_cast<int>(rng() % 5), static_cast<int>(rng() % 3), static_cast<int>(rng() % 2),
            static_cast<int>(rng() % 4), 1};
    if (s.extra == 2) s.in_length = 1 + static_cast<int>(rng() % 4);
    int shape = (((s.group * 3 + s.metric) * 2 + s.dimension) * 4 + s.extra) * 5 + s.in_length;
    out.push_back({Chart(s, rng), static_cast<int>(rng() % kUsers), shape});
  }
  return out;
}

double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

double Micros(std::chrono::steady_clock::duration d) { return std::chrono::duration<double, std::micro>(d).count(); }

void BM_Stream(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  auto engine = rlsq::Engine::FromPolicyJson(PolicyJson());
  if (!engine.ok()) {
    state.SkipWithError(std::string(rlsq::ToStd(engine.status().message())).c_str());
    return;
  }
  const std::vector<Request> stream = Stream(n, 20261202);
  std::vector<rlsq::Caller> callers;
  for (int u = 0; u < kUsers; ++u) callers.push_back(rlsq::Caller{rlsq::Cat("user", u)});
  std::vector<double> rlsq_us, pg_us, uncached_us;
  size_t bytes = 0;
  for (auto _ : state) {
    rlsq_us.clear();
    pg_us.clear();
    for (const Request& r : stream) {
      auto t0 = std::chrono::steady_clock::now();
      auto out = (*engine)->rewrite(r.sql, callers[r.user]);
      auto t1 = std::chrono::steady_clock::now();
      if (!out.ok()) {
        state.SkipWithError(std::string(rlsq::ToStd(out.status().message())).c_str());
        return;
      }
      benchmark::DoNotOptimize(out->sql.data());
      bytes += r.sql.size();
      auto t2 = std::chrono::steady_clock::now();
      PgQueryParseResult parsed = pg_query_parse(r.sql.c_str());
      auto t3 = std::chrono::steady_clock::now();
      bool failed = parsed.error != nullptr;
      pg_query_free_parse_result(parsed);
      if (failed) {
        state.SkipWithError("pg_query_parse failed");
        return;
      }
      rlsq_us.push_back(Micros(t1 - t0));
      pg_us.push_back(Micros(t3 - t2));
    }
  }
  const uint64_t stream_shape_hits = (*engine)->plan_cache_shape_hits(), stream_hits = (*engine)->plan_cache_hits(),
                 stream_misses = (*engine)->plan_cache_misses();
  // The same texts with the cache off (every request parses): a sample, for scale.
  rlsq::RewriteOptions uncached;
  uncached.use_plan_cache = false;
  for (size_t i = 0; i < stream.size(); i += 10) {
    auto t0 = std::chrono::steady_clock::now();
    auto out = (*engine)->rewrite(stream[i].sql, callers[stream[i].user], uncached);
    uncached_us.push_back(Micros(std::chrono::steady_clock::now() - t0));
    benchmark::DoNotOptimize(out);
  }
  // The same texts as text hits (a sample): each is cached under its own text first (an explained rewrite caches
  // the rebased plan), then timed. The difference to rlsq_median_us is what the shape lookup adds.
  std::vector<double> text_hit_us;
  rlsq::RewriteOptions explain;
  explain.explain = true;
  for (size_t i = 0; i < stream.size(); i += 10) {
    benchmark::DoNotOptimize((*engine)->rewrite(stream[i].sql, callers[stream[i].user], explain));
    auto t0 = std::chrono::steady_clock::now();
    auto out = (*engine)->rewrite(stream[i].sql, callers[stream[i].user]);
    text_hit_us.push_back(Micros(std::chrono::steady_clock::now() - t0));
    benchmark::DoNotOptimize(out);
  }
  std::vector<int> shapes;
  for (const Request& r : stream) shapes.push_back(r.shape);
  std::sort(shapes.begin(), shapes.end());
  const double requests = static_cast<double>(n) * static_cast<double>(state.iterations());
  const double shape_hits = static_cast<double>(stream_shape_hits);
  const double hits = static_cast<double>(stream_hits);
  const double misses = static_cast<double>(stream_misses);
  const double rlsq_median = Percentile(rlsq_us, 0.5), pg_median = Percentile(pg_us, 0.5);
  const double rlsq_p99 = Percentile(rlsq_us, 0.99), pg_p99 = Percentile(pg_us, 0.99);
  state.counters["shapes"] = static_cast<double>(std::unique(shapes.begin(), shapes.end()) - shapes.begin());
  state.counters["shape_hit_share"] = shape_hits / requests;
  state.counters["text_hit_share"] = (hits - shape_hits) / requests;
  state.counters["miss_share"] = misses / requests;
  state.counters["rlsq_median_us"] = rlsq_median;
  state.counters["rlsq_p99_us"] = rlsq_p99;
  state.counters["pg_median_us"] = pg_median;
  state.counters["pg_p99_us"] = pg_p99;
  state.counters["median_vs_pg_query"] = rlsq_median / pg_median;
  state.counters["p99_vs_pg_query"] = rlsq_p99 / pg_p99;
  state.counters["uncached_median_us"] = Percentile(uncached_us, 0.5);
  state.counters["text_hit_median_us"] = Percentile(text_hit_us, 0.5);
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  std::fprintf(stderr,
               "shape_bench: %.0f requests, %d shapes, 200 users: shape hits %.1f%%, text hits %.1f%%, misses %.2f%%\n"
               "  per request: rlsq median %.2f us, p99 %.2f us; pg_query_parse median %.2f us, p99 %.2f us\n"
               "  median %.3fx pg_query_parse (target <= 0.25), p99 %.3fx; uncached rewrite median %.1f us, "
               "text hit median %.2f us\n",
               requests, static_cast<int>(state.counters["shapes"]), 100 * shape_hits / requests,
               100 * (hits - shape_hits) / requests, 100 * misses / requests, rlsq_median, rlsq_p99, pg_median,
               pg_p99, rlsq_median / pg_median, rlsq_p99 / pg_p99, Percentile(uncached_us, 0.5),
               Percentile(text_hit_us, 0.5));
}

BENCHMARK(BM_Stream)->Name("stream")->Arg(20000)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
