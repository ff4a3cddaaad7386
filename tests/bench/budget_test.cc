// The CI performance budget checker (bench/budget): parsing the committed budget, reading Google Benchmark JSON,
// medians over prefixes, ratio checks and their failure messages, and the markdown summary. Also checks that the
// committed bench/budget.json parses.
#include "bench/budget/budget.h"

#include <fstream>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/status_matchers.h"

namespace rlsq::bench {
namespace {

using ::testing::HasSubstr;

// Shaped like Google Benchmark 1.7's JSON output.
constexpr const char* kRewriteResults = R"({
  "context": {"date": "2026-11-25T18:00:00+00:00", "host_name": "ci", "num_cpus": 2, "mhz_per_cpu": 2400,
              "caches": [], "library_build_type": "release"},
  "benchmarks": [
    {"name": "uncached/tpch/q01", "family_index": 0, "run_name": "uncached/tpch/q01", "run_type": "iteration",
     "repetitions": 1, "iterations": 100, "real_time": 200.0, "cpu_time": 190.0, "time_unit": "us"},
    {"name": "uncached/tpch/q02", "run_name": "uncached/tpch/q02", "run_type": "iteration",
     "iterations": 100, "real_time": 400.0, "cpu_time": 380.0, "time_unit": "us"},
    {"name": "uncached/tpch/q03", "run_name": "uncached/tpch/q03", "run_type": "iteration",
     "iterations": 100, "real_time": 300.0, "cpu_time": 290.0, "time_unit": "us"},
    {"name": "pg_query/tpch/q01", "run_name": "pg_query/tpch/q01", "run_type": "iteration",
     "iterations": 100, "real_time": 50.0, "cpu_time": 50000.0, "time_unit": "ns"},
    {"name": "pg_query/tpch/q02", "run_name": "pg_query/tpch/q02", "run_type": "iteration",
     "iterations": 100, "real_time": 0.1, "cpu_time": 0.1, "time_unit": "ms"},
    {"name": "pg_query/tpch/q03", "run_name": "pg_query/tpch/q03", "run_type": "iteration", "error_occurred": true,
     "error_message": "pg_query_parse failed", "iterations": 0, "real_time": 0, "cpu_time": 0, "time_unit": "us"},
    {"name": "cached/tpch/q01", "run_name": "cached/tpch/q01", "run_type": "iteration",
     "iterations": 100, "real_time": 0.8, "cpu_time": 0.7, "time_unit": "us"},
    {"name": "cached/tpch/q01", "run_name": "cached/tpch/q01", "run_type": "iteration",
     "iterations": 100, "real_time": 0.9, "cpu_time": 0.9, "time_unit": "us"}
  ]})";

constexpr const char* kScalingResults = R"({
  "context": {"host_name": "ci", "num_cpus": 2},
  "benchmarks": [
    {"name": "throughput/uncached/real_time/threads:1", "run_name": "throughput/uncached/real_time/threads:1",
     "run_type": "iteration", "threads": 1, "iterations": 1000, "real_time": 250.0, "cpu_time": 250.0,
     "time_unit": "us", "items_per_second": 4000.0},
    {"name": "throughput/uncached/real_time/threads:2", "run_name": "throughput/uncached/real_time/threads:2",
     "run_type": "iteration", "threads": 2, "iterations": 1000, "real_time": 130.0, "cpu_time": 260.0,
     "time_unit": "us", "items_per_second": 7000.0},
    {"name": "size/rewrite/1MB_mean", "run_name": "size/rewrite/1MB", "run_type": "aggregate",
     "aggregate_name": "mean", "iterations": 3, "real_time": 900.0, "cpu_time": 900.0, "time_unit": "ms",
     "ns_per_byte": 900.0},
    {"name": "size/rewrite/1MB_median", "run_name": "size/rewrite/1MB", "run_type": "aggregate",
     "aggregate_name": "median", "iterations": 3, "real_time": 800.0, "cpu_time": 800.0, "time_unit": "ms",
     "ns_per_byte": 763.0},
    {"name": "size/rewrite/1MB", "run_name": "size/rewrite/1MB", "run_type": "iteration", "iterations": 1,
     "real_time": 1000.0, "cpu_time": 1000.0, "time_unit": "ms", "ns_per_byte": 1000.0}
  ]})";

std::map<std::string, ProgramResults> Results() {
  std::map<std::string, ProgramResults> r;
  auto a = ParseResults(kRewriteResults);
  auto b = ParseResults(kScalingResults);
  EXPECT_TRUE(a.ok() && b.ok());
  r["rewrite_bench"] = std::move(*a);
  r["scaling_bench"] = std::move(*b);
  return r;
}

TEST(BudgetTest, ResultsNormalizeTimesAndPreferTheMedianAggregate) {
  auto r = Results();
  const auto& rw = r["rewrite_bench"].benchmarks;
  EXPECT_DOUBLE_EQ(rw.at("uncached/tpch/q01").at("cpu_time"), 190000.0);  // us -> ns
  EXPECT_DOUBLE_EQ(rw.at("pg_query/tpch/q01").at("cpu_time"), 50000.0);
  EXPECT_DOUBLE_EQ(rw.at("pg_query/tpch/q02").at("cpu_time"), 100000.0);  // ms -> ns
  EXPECT_EQ(rw.count("pg_query/tpch/q03"), 0u);                             // errored runs are dropped
  EXPECT_DOUBLE_EQ(rw.at("cached/tpch/q01").at("cpu_time"), 800.0);        // repetitions without aggregate: mean
  const auto& sc = r["scaling_bench"].benchmarks;
  EXPECT_DOUBLE_EQ(sc.at("size/rewrite/1MB").at("ns_per_byte"), 763.0);  // the median aggregate wins
  EXPECT_EQ(r["rewrite_bench"].context, "ci, 2 CPUs at 2400 MHz");
}

TEST(BudgetTest, EvaluateTakesTheMedianOverAPrefix) {
  auto r = Results();
  size_t n = 0;
  RLSQ_ASSERT_OK_AND_ASSIGN(double v, Evaluate({"rewrite_bench", "uncached/"}, r, &n));
  EXPECT_DOUBLE_EQ(v, 290000.0);
  EXPECT_EQ(n, 3u);
  RLSQ_ASSERT_OK_AND_ASSIGN(v, Evaluate({"rewrite_bench", "pg_query/"}, r, &n));
  EXPECT_DOUBLE_EQ(v, 75000.0);  // median of two
  RLSQ_ASSERT_OK_AND_ASSIGN(
      v, Evaluate({"scaling_bench", "throughput/uncached/real_time/threads:2", "items_per_second"}, r));
  EXPECT_DOUBLE_EQ(v, 7000.0);
  EXPECT_THAT(Evaluate({"rewrite_bench", "uncached/tpch/q0"}, r), StatusIs(absl::StatusCode::kNotFound, ""));  // exact
  EXPECT_THAT(Evaluate({"nope_bench", "x/"}, r), StatusIs(absl::StatusCode::kNotFound, "nope_bench"));
  EXPECT_THAT(Evaluate({"rewrite_bench", "uncached/", "items_per_second"}, r),
              StatusIs(absl::StatusCode::kNotFound, "has no field items_per_second"));
}

constexpr const char* kBudget = R"({
  "note": "test budget",
  "checks": [
    {"name": "uncached rewrite vs pg_query_parse", "numerator": {"program": "rewrite_bench", "name": "uncached/"},
     "denominator": {"program": "rewrite_bench", "name": "pg_query/"}, "max": 4.0, "target": 2.0},
    {"name": "cached rewrite vs pg_query_parse", "numerator": {"program": "rewrite_bench", "name": "cached/"},
     "denominator": {"program": "rewrite_bench", "name": "pg_query/"}, "max": 0.019,
     "note": "1 us at pg_query_parse = 53 us"},
    {"name": "2-thread throughput",
     "numerator": {"program": "scaling_bench", "name": "throughput/uncached/real_time/threads:2",
                   "field": "items_per_second"},
     "denominator": {"program": "scaling_bench", "name": "throughput/uncached/real_time/threads:1",
                     "field": "items_per_second"}, "min": 1.9},
    {"name": "missing", "numerator": {"program": "limits_bench", "name": "x/"},
     "denominator": {"program": "rewrite_bench", "name": "pg_query/"}, "max": 1}
  ]})";

TEST(BudgetTest, ChecksPassFailAndNameTheRatio) {
  RLSQ_ASSERT_OK_AND_ASSIGN(Budget budget, ParseBudget(kBudget));
  ASSERT_EQ(budget.checks.size(), 4u);
  auto r = Results();
  auto outcomes = RunChecks(budget, r);
  ASSERT_EQ(outcomes.size(), 4u);
  EXPECT_TRUE(outcomes[0].passed);  // 290 / 75 = 3.87 <= 4
  EXPECT_NEAR(outcomes[0].ratio, 290.0 / 75.0, 1e-9);
  EXPECT_TRUE(outcomes[1].passed);  // 0.8 / 75 = 0.0107
  EXPECT_FALSE(outcomes[2].passed);  // 7000 / 4000 = 1.75 < 1.9
  EXPECT_EQ(outcomes[2].message,
            "budget exceeded: '2-thread throughput': scaling_bench throughput/uncached/real_time/threads:2 "
            "[items_per_second] / scaling_bench throughput/uncached/real_time/threads:1 [items_per_second] = 1.750 "
            "< min 1.900");
  EXPECT_FALSE(outcomes[3].passed);  // a check that cannot be measured fails: nothing passes silently
  EXPECT_FALSE(outcomes[3].measured);
  EXPECT_THAT(outcomes[3].message, HasSubstr("'missing' could not be measured: no results from limits_bench"));

  std::string md = MarkdownSummary(outcomes, r);
  EXPECT_THAT(md, HasSubstr("Machine: ci, 2 CPUs at 2400 MHz."));
  EXPECT_THAT(md, HasSubstr("| uncached rewrite vs pg_query_parse | 3.867 | ≤ 4.000 | ≤ 2.000 | ok (target not met) | "
                            "rewrite_bench uncached/* (median): 290.00 us (median of 3); rewrite_bench pg_query/* "
                            "(median): 75.00 us (median of 2) |"));
  EXPECT_THAT(md, HasSubstr("| 2-thread throughput | 1.750 | ≥ 1.900 |  | FAILED |"));
  EXPECT_THAT(md, HasSubstr("1 us at pg_query_parse = 53 us"));
  EXPECT_THAT(md, HasSubstr("| missing | - | ≤ 1.000 |  | NOT MEASURED |"));
  EXPECT_THAT(md, HasSubstr("2 of 4 checks FAILED."));
}

TEST(BudgetTest, TightenedThresholdFails) {
  std::string text = kBudget;
  text.replace(text.find("\"max\": 4.0"), 10, "\"max\": 3.5");
  RLSQ_ASSERT_OK_AND_ASSIGN(Budget budget, ParseBudget(text));
  auto outcomes = RunChecks(budget, Results());
  EXPECT_FALSE(outcomes[0].passed);
  EXPECT_EQ(outcomes[0].message,
            "budget exceeded: 'uncached rewrite vs pg_query_parse': rewrite_bench uncached/* (median) / rewrite_bench "
            "pg_query/* (median) = 3.867 > max 3.500 (target 2.000)");
}

TEST(BudgetTest, ACheckWithoutDenominatorComparesTheValueItself) {
  RLSQ_ASSERT_OK_AND_ASSIGN(Budget budget, ParseBudget(R"({"checks": [
    {"name": "speedup", "numerator": {"program": "scaling_bench", "name": "size/rewrite/1MB", "field": "ns_per_byte"},
     "max": 700, "target": 500}]})"));
  auto outcomes = RunChecks(budget, Results());
  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_FALSE(outcomes[0].passed);
  EXPECT_EQ(outcomes[0].message,
            "budget exceeded: 'speedup': scaling_bench size/rewrite/1MB [ns_per_byte] = 763.000 > max 700.000 "
            "(target 500.000)");
}

TEST(BudgetTest, MalformedBudgetsAreRefused) {
  auto bad = [](std::string text) { return ParseBudget(text).status(); };
  EXPECT_THAT(bad(R"({"checks": [], "extra": 1})"), StatusIs(absl::StatusCode::kInvalidArgument, "extra: unknown key"));
  EXPECT_THAT(bad(R"({"checks": []})"), StatusIs(absl::StatusCode::kInvalidArgument, "no checks"));
  const std::string metric = R"({"program": "p", "name": "n/"})";
  EXPECT_THAT(bad(R"({"checks": [{"name": "a", "numerator": )" + metric + R"(, "denominator": )" + metric + "}]}"),
              StatusIs(absl::StatusCode::kInvalidArgument, "exactly one of \"max\" and \"min\""));
  EXPECT_THAT(bad(R"({"checks": [{"name": "a", "numerator": )" + metric + R"(, "denominator": )" + metric +
                  R"(, "max": 1, "min": 0}]})"),
              StatusIs(absl::StatusCode::kInvalidArgument, "exactly one"));
  EXPECT_THAT(bad(R"({"checks": [{"name": "a", "denominator": )" + metric + R"(, "max": 1}]})"),
              StatusIs(absl::StatusCode::kInvalidArgument, "needs a \"numerator\""));
  EXPECT_THAT(bad(R"({"checks": [{"name": "a", "numerator": {"program": "p"}, "denominator": )" + metric +
                  R"(, "max": 1}]})"),
              StatusIs(absl::StatusCode::kInvalidArgument, "needs \"program\" and \"name\""));
  EXPECT_THAT(bad(R"({"checks": [{"name": "a", "numerator": )" + metric + R"(, "denominator": )" + metric +
                  R"(, "max": "2"}]})"),
              StatusIs(absl::StatusCode::kInvalidArgument, "checks[0].max: must be a number"));
  EXPECT_THAT(bad(R"({"checks": [{"name": "a", "numerator": )" + metric + R"(, "denominator": )" + metric +
                  R"(, "max": 2, "mx": 1}]})"),
              StatusIs(absl::StatusCode::kInvalidArgument, "checks[0].mx: unknown key"));
}

TEST(BudgetTest, CommittedBudgetParses) {
  std::ifstream in(std::string(RLSQ_SOURCE_DIR) + "/bench/budget.json");
  std::stringstream ss;
  ss << in.rdbuf();
  RLSQ_ASSERT_OK_AND_ASSIGN(Budget budget, ParseBudget(ss.str()));
  EXPECT_GE(budget.checks.size(), 6u);
}

}  // namespace
}  // namespace rlsq::bench
