// `rlsq lint (--policy FILE | --policy-db URI) [--schema DDL.sql] [--json] [--dialect NAME]`: reports what a policy enforces other than
// its author likely meant (lib/lint/lint.h lists the findings). Exit codes: 0 no error-severity finding, 1 some
// (or a usage error), 2 the policy or the schema cannot be read.
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/cli_util.h"
#include "lib/common/str_cat.h"
#include "lib/lint/catalog.h"
#include "lib/lint/lint.h"
#include "lib/policy/policy.h"

namespace rlsq::cli {
namespace {

constexpr int kExitFindings = 1;  // error-severity findings

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(Cat("cannot read ", path));
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int RunLint(const std::vector<std::string>& args) {
  OptionParser parser(
      "rlsq lint (--policy FILE | --policy-db URI [--policy-settings FILE]) [--schema DDL.sql | --schema-db URI] "
      "[--json] [--dialect NAME [--dialect-option KEY=VALUE]...]");
  PolicyInput source;
  std::string schema_path, schema_db;
  DialectInput dialect_input;
  bool has_schema = false, has_schema_db = false, json = false;
  source.Register(parser);
  parser.AddValue("schema", "DDL.sql",
                  "the database's CREATE TABLE statements: check that clauses read only columns their tables have",
                  &schema_path, &has_schema);
  parser.AddValue("schema-db", "URI",
                  "or read the tables and columns from the live database the queries run on (its catalog): "
                  "postgresql://...",
                  &schema_db, &has_schema_db);
  parser.AddFlag("json", "print the findings as JSON", &json);
  dialect_input.Register(parser);
  if (int rc = ParseOptionsOrExit(parser, args, "lint"); rc >= 0) return rc;
  if (std::string problem = source.UsageProblem(); !problem.empty()) return UsageError(problem, "lint");
  if (has_schema && has_schema_db) return UsageError("give --schema FILE or --schema-db URI, not both", "lint");
  const Dialect* dialect = nullptr;
  if (!dialect_input.Resolve(&dialect, "lint")) return kExitUsage;

  std::vector<std::string> left_out;  // what a metadata database held that the policy does not apply
  auto policy = source.Load(dialect, &left_out);
  if (!policy.ok()) {
    PrintError(ToStd(policy.status().message()));
    return kExitRefused;
  }
  lint::Schema schema;
  lint::LintOptions options;
  if (has_schema) {
    auto text = ReadFile(schema_path);
    absl::StatusOr<lint::Schema> parsed =
        text.ok() ? lint::SchemaFromDdl(*text, **policy) : absl::StatusOr<lint::Schema>(text.status());
    if (!parsed.ok()) {
      PrintError(Cat("schema ", schema_path, ": ", ToStd(parsed.status().message())));
      return kExitRefused;
    }
    schema = std::move(*parsed);
    options.schema = &schema;
  } else if (has_schema_db) {
    auto read = lint::SchemaFromDatabase(schema_db);
    if (!read.ok()) {
      PrintError(Cat("schema database: ", ToStd(read.status().message())));
      return kExitRefused;
    }
    schema = std::move(*read);
    options.schema = &schema;
  }
  std::vector<lint::Finding> findings = lint::Lint(**policy, options);
  for (std::string& w : left_out) {
    lint::Finding f;
    f.severity = lint::Severity::kWarning;
    f.code = "metadata_left_out";
    f.message = std::move(w);
    findings.push_back(std::move(f));
  }
  std::cout << (json ? lint::FormatJson(findings) : lint::FormatText(findings));
  return lint::CountFindings(findings, lint::Severity::kError) ? kExitFindings : kExitOk;
}

}  // namespace

RLSQ_CLI_COMMAND("lint", "report contradictory, dead or broken filters of a policy", &RunLint);

}  // namespace rlsq::cli
