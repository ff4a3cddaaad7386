// Reads the shared query corpus (../shared/corpus by default, see RLSQ_CORPUS_DIR).
#pragma once

#include <string>
#include <vector>

namespace rlsq::testing {

struct CorpusQuery {
  std::string set;   // "tpch", "tpcds", "charts"
  std::string name;  // file name without .sql
  std::string path;
  std::string sql;
};

// All queries of one set, sorted by file name. Aborts the test binary if the folder is missing.
std::vector<CorpusQuery> LoadCorpus(const std::string& set);
// The .sql files of `root`/`set`, sorted by name (exits when the folder is missing).
std::vector<CorpusQuery> LoadCorpusFrom(const std::string& root, const std::string& set);
// rlsq's own corpus for a dialect family: tests/corpus/<dialect> ("mysql": tpch/, charts/).
std::string OwnCorpusDir(const std::string& dialect);
std::string CorpusDir();
std::string ReadFileOrDie(const std::string& path);

}  // namespace rlsq::testing
