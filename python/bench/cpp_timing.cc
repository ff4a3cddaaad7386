// rlsq_py_bench_cpp: times Engine::rewrite in C++ exactly as python/bench/py_vs_cpp.py times engine.rewrite from
// Python, so that the difference is the cost of the binding (argument conversion, GIL release, result string).
//
//   rlsq_py_bench_cpp POLICY USER REPEATS BATCH QUERY.sql...
//
// For each query: "hit" = the same text rewritten BATCH times (a plan-cache hit after the first); "miss" = BATCH
// distinct texts (the query followed by a unique `-- n` comment line, built before the clock starts), each parsed
// and analysed afresh. Each is timed REPEATS times; the best mean per call is printed, one line per query:
//
//   <QUERY.sql as given> <hit microseconds> <miss microseconds>
#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "lib/common/str_cat.h"
#include "rewriter/engine.h"

namespace {

double Seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::string ReadFile(const char* path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

uint64_t g_counter = 0;  // unique suffixes across the whole run, as in the Python script

}  // namespace

int main(int argc, char** argv) {
  if (argc < 6) {
    std::fprintf(stderr, "usage: %s POLICY USER REPEATS BATCH QUERY.sql...\n", argv[0]);
    return 2;
  }
  auto engine = rlsq::Engine::FromPolicyFile(argv[1]);
  if (!engine.ok()) {
    std::fprintf(stderr, "policy: %s\n", std::string(rlsq::ToStd(engine.status().message())).c_str());
    return 4;
  }
  const rlsq::Caller caller{argv[2]};
  const int repeats = std::atoi(argv[3]), batch = std::atoi(argv[4]);
  const rlsq::RewriteOptions options;
  size_t sink = 0;
  for (int i = 5; i < argc; ++i) {
    const std::string sql = ReadFile(argv[i]);
    auto first = (*engine)->rewrite(sql, caller, options);
    if (!first.ok()) {
      std::fprintf(stderr, "%s: %s\n", argv[i], std::string(rlsq::ToStd(first.status().message())).c_str());
      continue;
    }
    double best_hit = 1e9, best_miss = 1e9;
    for (int r = 0; r < repeats; ++r) {
      double t0 = Seconds();
      for (int k = 0; k < batch; ++k) sink += (*engine)->rewrite(sql, caller, options)->sql.size();
      best_hit = std::min(best_hit, (Seconds() - t0) / batch);

      std::vector<std::string> texts;
      texts.reserve(batch);
      // A fresh shape each (a comment or a constant would be a hit on the shape): see benchlib.fresh_texts.
      std::string_view body = sql;
      while (!body.empty() && (body.back() == ';' || std::isspace(static_cast<unsigned char>(body.back()))))
        body.remove_suffix(1);
      for (int k = 0; k < batch; ++k)
        texts.push_back(rlsq::Cat("SELECT * FROM (", body, "\n) AS fresh", ++g_counter));
      t0 = Seconds();
      for (const std::string& t : texts) sink += (*engine)->rewrite(t, caller, options)->sql.size();
      best_miss = std::min(best_miss, (Seconds() - t0) / batch);
    }
    std::printf("%s %.3f %.3f\n", argv[i], best_hit * 1e6, best_miss * 1e6);
  }
  std::fprintf(stderr, "(%zu bytes)\n", sink);
  return 0;
}
