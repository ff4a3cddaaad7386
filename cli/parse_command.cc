// `rlsq parse [--dialect NAME] [--sql TEXT] [--json | --tables]`: parses one read-only query and prints it
// normalized (lib/printer), with --json its AST, or with --tables every base table it reads (rewriter/scope.h:
// resolved with the default schema, CTE references excluded under PostgreSQL's visibility rules).
#include <iostream>
#include <set>

#include "cli/cli_util.h"
#include "lib/ast/ast_util.h"
#include "lib/parser/parser.h"
#include "lib/common/str_cat.h"
#include "lib/printer/printer.h"
#include "rewriter/scope.h"

namespace rlsq::cli {
namespace {

int RunParse(const std::vector<std::string>& args) {
  OptionParser parser(
      "rlsq parse [--dialect NAME [--dialect-option KEY=VALUE]...] [--sql TEXT] [--json | --tables [--default-schema NAME]] [--max-input-bytes N] "
      "[--max-tokens N] [--max-depth N]");
  SqlInput input;
  input.Register(parser);
  bool json = false;
  parser.AddFlag("json", "print the AST as JSON instead of the SQL", &json);
  bool tables = false;
  std::string default_schema;
  parser.AddFlag("tables", "list every base table the query reads (CTE references excluded), one per line", &tables);
  parser.AddValue("default-schema", "NAME", "schema of unqualified table names for --tables (default: the dialect's, public or main)",
                  &default_schema);
  if (int rc = ParseOptionsOrExit(parser, args, "parse"); rc >= 0) return rc;

  const Dialect* dialect = nullptr;
  if (!input.dialect.Resolve(&dialect, "parse")) return kExitUsage;
  if (!dialect) dialect = &Dialect::Postgres();
  std::string sql;
  ParseOptions options;
  options.dialect = dialect;
  if (!ResolveLimits(input, &options)) return kExitUsage;
  if (!ReadSql(input, options.max_input_bytes, &sql)) return kExitRefused;

  auto parsed = ParseQuery(sql, options);
  if (!parsed.ok()) return SqlError(parsed.status());

  if (json && tables) return UsageError("--json and --tables exclude each other", "parse");
  std::string out;
  if (tables) {
    DatabaseModel model;
    model.search_path = {default_schema.empty() ? std::string(dialect->default_schema()) : default_schema};
    auto analysis = rewriter::AnalyzeScopes((*parsed)->sql, *(*parsed)->query, NameResolver(*dialect, model));
    if (!analysis.ok()) return SqlError(analysis.status());
    std::set<std::string> seen;
    for (const auto& read : analysis->reads) {
      std::string name = read.table.ToSql(*dialect);
      if (seen.insert(name).second) Append(&out, out.empty() ? "" : "\n", name);
    }
    if (out.empty()) {
      std::cout << std::flush;
      return kExitOk;
    }
  } else if (json) {
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
