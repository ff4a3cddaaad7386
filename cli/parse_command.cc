// `rlsq parse [--dialect NAME] [--sql TEXT] [--json]`: parses one read-only query and prints it normalized
// (lib/printer) or, with --json, its AST.
#include <iostream>

#include "cli/cli_util.h"
#include "lib/ast/ast_util.h"
#include "lib/parser/parser.h"
#include "lib/printer/printer.h"

namespace rlsq::cli {
namespace {

int RunParse(const std::vector<std::string>& args) {
  OptionParser parser("rlsq parse [--dialect NAME] [--sql TEXT] [--json]");
  SqlInput input;
  input.Register(parser);
  bool json = false;
  parser.AddFlag("json", "print the AST as JSON instead of the SQL", &json);
  if (int rc = ParseOptionsOrExit(parser, args, "parse"); rc >= 0) return rc;

  const Dialect* dialect = ResolveDialect(input);
  if (!dialect) return kExitUsage;
  std::string sql;
  if (!ReadSql(input, &sql)) return kExitRefused;

  ParseOptions options;
  options.dialect = dialect;
  auto parsed = ParseQuery(sql, options);
  if (!parsed.ok()) return SqlError(parsed.status());

  std::string out;
  if (json) {
    out = ast::ToJson((*parsed)->query);
  } else {
    PrintOptions print_options;
    print_options.dialect = dialect;
    out = Print(*(*parsed)->query, print_options);
  }
  out.push_back('\n');
  std::cout << out << std::flush;
  return std::cout ? kExitOk : kExitRefused;
}

}  // namespace

RLSQ_CLI_COMMAND("parse", "parse one read-only query; print it normalized (or its AST with --json)", &RunParse);

}  // namespace rlsq::cli
