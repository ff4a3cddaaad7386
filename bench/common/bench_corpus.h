// The query corpus for benchmarks: one loader shared by every bench program (the corpus folder comes from
// $RLSQ_CORPUS_DIR at run time, else from the RLSQ_CORPUS_DIR compile definition the bench's CMake sets).
#pragma once

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace rlsq::bench {

struct CorpusQuery {
  std::string set;   // tpch, tpcds, charts
  std::string name;  // file name without .sql
  std::string sql;
};

// Every query of `set`, sorted by file name. Exits with status 2 when the folder is missing or holds no query.
inline std::vector<CorpusQuery> LoadCorpusFrom(const std::filesystem::path& dir, const std::string& set) {
  std::vector<CorpusQuery> out;
  if (std::filesystem::is_directory(dir)) {
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
      if (e.path().extension() != ".sql") continue;
      std::ifstream in(e.path(), std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      out.push_back({set, e.path().stem().string(), ss.str()});
    }
  }
  if (out.empty()) {
    std::fprintf(stderr, "no corpus queries in %s (set RLSQ_CORPUS_DIR)\n", dir.c_str());
    std::exit(2);
  }
  std::sort(out.begin(), out.end(), [](const CorpusQuery& a, const CorpusQuery& b) { return a.name < b.name; });
  return out;
}

inline std::vector<CorpusQuery> LoadCorpusSet(const std::string& set) {
  const char* env = std::getenv("RLSQ_CORPUS_DIR");
  return LoadCorpusFrom(std::filesystem::path(env ? env : RLSQ_CORPUS_DIR) / set, set);
}

#ifdef RLSQ_SOURCE_DIR
// rlsq's own corpus of a dialect family (tests/corpus/<dialect>/<set>, in the source tree).
inline std::vector<CorpusQuery> LoadOwnCorpusSet(const std::string& dialect, const std::string& set) {
  return LoadCorpusFrom(std::filesystem::path(RLSQ_SOURCE_DIR) / "tests/corpus" / dialect / set, set);
}
#endif

// Only the SQL texts of `set`, in the same order.
inline std::vector<std::string> LoadCorpusTexts(const std::string& set) {
  std::vector<std::string> out;
  for (CorpusQuery& q : LoadCorpusSet(set)) out.push_back(std::move(q.sql));
  return out;
}

}  // namespace rlsq::bench
