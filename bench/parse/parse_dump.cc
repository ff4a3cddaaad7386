// parse_dump: prints the AST (ast::ToJson, byte spans included) of every query of the given corpus folders, one
// line per query, or the error. Used to check that parser changes leave the AST identical:
//
//   parse_dump tpch tpcds charts > before.txt   (old build)   ...   diff before.txt after.txt
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "lib/ast/ast_util.h"
#include "lib/parser/parser.h"

int main(int argc, char** argv) {
  const char* env = std::getenv("RLSQ_CORPUS_DIR");
  std::filesystem::path root(env ? env : RLSQ_CORPUS_DIR);
  for (int a = 1; a < argc; ++a) {
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::directory_iterator(root / argv[a])) {
      if (e.path().extension() == ".sql") files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      std::ifstream in(f, std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      auto parsed = rlsq::ParseQuery(ss.str());
      std::printf("%s/%s ", argv[a], f.stem().c_str());
      if (parsed.ok()) {
        std::printf("%s\n", rlsq::ast::ToJson((*parsed)->query).c_str());
      } else {
        std::printf("ERROR %s\n", std::string(parsed.status().message()).c_str());
      }
    }
  }
  return 0;
}
