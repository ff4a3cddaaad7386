// parse_count: a driver for instruction counting. Parses every TPC-H and TPC-DS query once (warm-up: fills the
// ANTLR prediction cache), then parses all of them N more times inside WarmPasses(), which is the only function
// to collect under callgrind:
//
//   valgrind --tool=callgrind --dump-instr=no --collect-atstart=no --toggle-collect='*WarmPasses*' \
//       build/bench/parse/parse_count 5
//   callgrind_annotate --inclusive=yes callgrind.out.<pid>
//
// Instructions per query = collected instructions / (N * queries). Also usable without valgrind (prints counts and
// fails with exit code 1 if any query fails to parse).
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "lib/parser/parser.h"

#include "bench/common/bench_corpus.h"

namespace {

std::vector<std::string> LoadSet(const std::string& set) { return rlsq::bench::LoadCorpusTexts(set); }

int ParseAll(const std::vector<std::string>& queries) {
  int failures = 0;
  for (const std::string& q : queries) {
    auto parsed = rlsq::ParseQuery(q);
    if (!parsed.ok()) {
      ++failures;
      std::fprintf(stderr, "%s\n", std::string(parsed.status().message()).c_str());
    }
  }
  return failures;
}

__attribute__((noinline)) int WarmPasses(const std::vector<std::string>& queries, int passes) {
  int failures = 0;
  for (int i = 0; i < passes; ++i) failures += ParseAll(queries);
  return failures;
}

}  // namespace

int main(int argc, char** argv) {
  int passes = argc > 1 ? std::atoi(argv[1]) : 5;
  std::vector<std::string> queries = LoadSet("tpch");
  for (std::string& q : LoadSet("tpcds")) queries.push_back(std::move(q));
  int failures = ParseAll(queries);
  failures += WarmPasses(queries, passes);
  rlsq::ParserStats& stats = rlsq::GlobalParserStats();
  std::printf("queries %zu, warm passes %d, parses %llu, sll_fallbacks %llu, failures %d\n", queries.size(), passes,
              static_cast<unsigned long long>(stats.parses.load()),
              static_cast<unsigned long long>(stats.sll_fallbacks.load()), failures);
  return failures ? 1 : 0;
}
