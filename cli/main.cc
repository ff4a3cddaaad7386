// The `rlsq` command line: dispatches to the subcommands registered in cli/*_command.cc (see cli_util.h).
#include <iostream>
#include <string>
#include <vector>

#include "cli/cli_util.h"

int main(int argc, char** argv) {
  using namespace rlsq::cli;  // NOLINT
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    std::cerr << MainUsage();
    return kExitUsage;
  }
  const std::string& name = args[0];
  if (name == "--help" || name == "-h" || name == "help") {
    if (name == "help" && args.size() > 1) {
      const Command* c = FindCommand(args[1]);
      if (!c) return UsageError("unknown command '" + args[1] + "'");
      return c->run({"--help"});
    }
    std::cout << MainUsage();
    return kExitOk;
  }
  const Command* command = FindCommand(name);
  if (!command) {
    if (!name.empty() && name[0] == '-') return UsageError("unknown option '" + name + "'");
    return UsageError("unknown command '" + name + "'");
  }
  return command->run(std::vector<std::string>(args.begin() + 1, args.end()));
}
