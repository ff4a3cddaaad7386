// bench_budget: checks a benchmark run against the committed budget and writes the markdown summary.
//
//   bench_budget BUDGET.json RESULTS_DIR [SUMMARY.md]
//
// RESULTS_DIR holds one Google Benchmark JSON file per program (<program>.json). Prints the summary; writes it to
// SUMMARY.md when given. Exit status: 0 when every check passes, 1 when one fails or cannot be measured (each
// named on stderr with its ratio), 2 on a usage or input error.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>

#include "bench/budget/budget.h"
#include "lib/common/str_cat.h"

namespace {

bool ReadFile(const std::filesystem::path& p, std::string* out) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return false;
  std::stringstream ss;
  ss << in.rdbuf();
  *out = ss.str();
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3 || argc > 4) {
    std::fprintf(stderr, "usage: bench_budget BUDGET.json RESULTS_DIR [SUMMARY.md]\n");
    return 2;
  }
  std::string text;
  if (!ReadFile(argv[1], &text)) {
    std::fprintf(stderr, "bench_budget: cannot read %s\n", argv[1]);
    return 2;
  }
  auto budget = rlsq::bench::ParseBudget(text);
  if (!budget.ok()) {
    std::fprintf(stderr, "bench_budget: %s: %s\n", argv[1], std::string(budget.status().message()).c_str());
    return 2;
  }
  std::map<std::string, rlsq::bench::ProgramResults> results;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(argv[2], ec)) {
    if (e.path().extension() != ".json") continue;
    if (!ReadFile(e.path(), &text)) continue;
    auto r = rlsq::bench::ParseResults(text);
    if (!r.ok()) {
      std::fprintf(stderr, "bench_budget: %s: %s\n", e.path().c_str(), std::string(r.status().message()).c_str());
      return 2;
    }
    results[e.path().stem().string()] = std::move(*r);
  }
  if (ec) {
    std::fprintf(stderr, "bench_budget: cannot list %s: %s\n", argv[2], ec.message().c_str());
    return 2;
  }
  auto outcomes = rlsq::bench::RunChecks(*budget, results);
  std::string md = rlsq::bench::MarkdownSummary(outcomes, results);
  std::cout << md << std::flush;
  if (argc == 4) {
    std::ofstream out(argv[3], std::ios::binary);
    out << md;
    if (!out) {
      std::fprintf(stderr, "bench_budget: cannot write %s\n", argv[3]);
      return 2;
    }
  }
  int failed = 0;
  for (const auto& o : outcomes)
    if (!o.passed) {
      std::fprintf(stderr, "bench_budget: %s\n", o.message.c_str());
      ++failed;
    }
  return failed ? 1 : 0;
}
