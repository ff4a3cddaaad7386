// The display reporter of the benchmark programs that print their own summary: Google Benchmark's reporter for the
// --benchmark_format the command line asks for (console, json, csv), with a hook that sees every run. So
// `rewrite_bench --benchmark_format=json` prints JSON on stdout as any Google Benchmark program does; the program's
// summary then goes to stderr (after console output it follows on stdout, as before).
#pragma once

#include <benchmark/benchmark.h>

#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace rlsq::bench {

class ForwardingReporter : public benchmark::BenchmarkReporter {
 public:
  using OnRuns = std::function<void(const std::vector<Run>&)>;
  // Reads --benchmark_format from argv: construct it before benchmark::Initialize, which removes the flags.
  ForwardingReporter(int argc, char** argv, OnRuns on_runs) : on_runs_(std::move(on_runs)) {
    std::string format = "console";
    for (int i = 1; i < argc; ++i) {
      const std::string a = argv[i];
      if (a.rfind("--benchmark_format=", 0) == 0) format = a.substr(19);
    }
    if (format == "json") {
      inner_ = std::make_unique<benchmark::JSONReporter>();
    } else if (format == "csv") {
      inner_ = std::make_unique<benchmark::CSVReporter>();
    } else {
      inner_ = std::make_unique<benchmark::ConsoleReporter>();
      console_ = true;
    }
  }
  bool ReportContext(const Context& context) override { return inner_->ReportContext(context); }
  void ReportRuns(const std::vector<Run>& runs) override {
    on_runs_(runs);
    inner_->ReportRuns(runs);
  }
  void Finalize() override { inner_->Finalize(); }
  // Where the program's own summary goes: stdout after console output, stderr after JSON or CSV.
  FILE* summary() const { return console_ ? stdout : stderr; }

 private:
  OnRuns on_runs_;
  std::unique_ptr<benchmark::BenchmarkReporter> inner_;
  bool console_ = false;
};

}  // namespace rlsq::bench
