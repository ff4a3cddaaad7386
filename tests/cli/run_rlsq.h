// Runs the built `rlsq` binary (path in RLSQ_BINARY) with arguments and standard input, and captures stdout,
// stderr and the exit code. Shared by the CLI tests.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace rlsq {

struct Result {
  int exit_code = -1;
  std::string out;
  std::string err;
};

inline std::string ShellQuote(const std::string& s) {
  std::string q = "'";
  for (char c : s) {
    if (c == '\'') q += "'\\''";
    else q += c;
  }
  return q + "'";
}

inline std::string ReadAll(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs rlsq with `args`, feeding `stdin_text` on standard input.
inline Result RunRlsq(const std::vector<std::string>& args, const std::string& stdin_text = "") {
  static int counter = 0;
  auto dir = std::filesystem::temp_directory_path() /
             ("rlsq_cli_test_" + std::to_string(getpid()) + "_" + std::to_string(counter++));
  std::filesystem::create_directories(dir);
  {
    std::ofstream in(dir / "in", std::ios::binary);
    in << stdin_text;
  }
  std::string cmd = ShellQuote(RLSQ_BINARY);
  for (const auto& a : args) cmd.append(" ").append(ShellQuote(a));
  cmd.append(" < ").append(ShellQuote((dir / "in").string()));
  cmd.append(" > ").append(ShellQuote((dir / "out").string()));
  cmd.append(" 2> ").append(ShellQuote((dir / "err").string()));
  int status = std::system(cmd.c_str());
  Result r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = ReadAll(dir / "out");
  r.err = ReadAll(dir / "err");
  std::filesystem::remove_all(dir);
  return r;
}

}  // namespace rlsq
