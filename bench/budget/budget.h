// The CI performance budget (issue 7): ratios of benchmark results measured in the same run, checked against
// committed thresholds (bench/budget.json), reported as a markdown summary.
//
// Results are Google Benchmark JSON files (`--benchmark_out_format=json`), one per benchmark program, named
// `<program>.json`. A metric names one program and either one benchmark (`"name": "throughput/cached/real_time/
// threads:2"`) or, with a trailing '/', every benchmark under a prefix (`"name": "uncached/"`): the metric is then
// the median over those benchmarks (one value per benchmark, e.g. per corpus query). A benchmark's value is its
// `field` (default `cpu_time`, in nanoseconds whatever the time unit; any other field, e.g. `items_per_second` or a
// counter such as `ns_per_byte`, as written). With repetitions, the `median` aggregate is used when present, else
// the mean of the repetitions.
//
// A check divides two metrics and compares the ratio with `max` (or `min`, for throughput-like ratios); `target` is
// where the issue wants it to be, reported beside the threshold. A check without a denominator compares a value that
// is already a same-run ratio (e.g. the `speedup` counter of the scaling benchmark).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace rlsq::bench {

struct Metric {
  std::string program;  // results file stem, e.g. rewrite_bench
  std::string name;     // a benchmark name, or a prefix ending in '/'
  std::string field = "cpu_time";
  std::string Describe() const;
};

struct Check {
  std::string name;
  Metric numerator;
  std::optional<Metric> denominator;
  std::optional<double> max, min;  // exactly one is set
  std::optional<double> target;
  std::string unit_note;  // optional: how to read the ratio (e.g. "1 us at pg_query_parse = 53 us")
};

struct Budget {
  std::vector<Check> checks;
};

// Parses bench/budget.json. Unknown keys and malformed checks are InvalidArgument.
absl::StatusOr<Budget> ParseBudget(std::string_view json);

// One benchmark program's results: benchmark name -> field -> value (time fields in ns).
struct ProgramResults {
  std::map<std::string, std::map<std::string, double>> benchmarks;
  std::string context;  // host / CPU line from the file's context, for the summary
};

// Parses one Google Benchmark JSON output.
absl::StatusOr<ProgramResults> ParseResults(std::string_view json);

struct CheckOutcome {
  const Check* check = nullptr;
  bool measured = false;  // both metrics found
  double numerator = 0, denominator = 0, ratio = 0;
  size_t numerator_count = 0, denominator_count = 0;  // benchmarks behind each median
  bool passed = false;
  std::string message;  // for a failure: names the check, the benchmarks and the ratio
};

// The value of a metric (median over a prefix), or NotFound naming what is missing.
absl::StatusOr<double> Evaluate(const Metric& m, const std::map<std::string, ProgramResults>& results,
                                size_t* count = nullptr);

std::vector<CheckOutcome> RunChecks(const Budget& budget, const std::map<std::string, ProgramResults>& results);

// The markdown summary: a table of every check (measured ratio, threshold, target, status) and the metrics behind.
std::string MarkdownSummary(const std::vector<CheckOutcome>& outcomes,
                            const std::map<std::string, ProgramResults>& results);

}  // namespace rlsq::bench
