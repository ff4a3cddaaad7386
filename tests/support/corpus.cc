#include "tests/support/corpus.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace rlsq::testing {

std::string CorpusDir() {
  if (const char* env = std::getenv("RLSQ_CORPUS_DIR")) return env;
#ifdef RLSQ_CORPUS_DIR
  return RLSQ_CORPUS_DIR;
#else
  return "../shared/corpus";
#endif
}

std::string ReadFileOrDie(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", path.c_str());
    std::exit(1);
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<CorpusQuery> LoadCorpus(const std::string& set) { return LoadCorpusFrom(CorpusDir(), set); }

std::string OwnCorpusDir(const std::string& dialect) {
#ifdef RLSQ_SOURCE_DIR
  return std::string(RLSQ_SOURCE_DIR) + "/tests/corpus/" + dialect;
#else
  return "tests/corpus/" + dialect;
#endif
}

std::vector<CorpusQuery> LoadCorpusFrom(const std::string& root, const std::string& set) {
  std::vector<CorpusQuery> out;
  std::filesystem::path dir = std::filesystem::path(root) / set;
  if (!std::filesystem::is_directory(dir)) {
    std::fprintf(stderr, "corpus folder %s is missing\n", dir.c_str());
    std::exit(1);
  }
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".sql") continue;
    out.push_back({set, entry.path().stem().string(), entry.path().string(), ReadFileOrDie(entry.path().string())});
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return out;
}

}  // namespace rlsq::testing
