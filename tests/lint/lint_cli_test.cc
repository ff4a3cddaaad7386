// `rlsq lint`, run as a user would: exit codes 0 / 1 / 2, the text report and the --json shape.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "lib/json/json.h"
#include "tests/cli/run_rlsq.h"

namespace rlsq {
namespace {

using ::testing::HasSubstr;

const std::string kExample = std::string(RLSQ_SOURCE_DIR) + "/examples/policy.json";

// Writes `text` to a temporary file that lives as long as the returned object.
struct TempFile {
  explicit TempFile(const std::string& name, const std::string& text)
      : path(std::filesystem::temp_directory_path() / (std::to_string(getpid()) + "_" + name)) {
    std::ofstream(path) << text;
  }
  ~TempFile() { std::filesystem::remove(path); }
  std::filesystem::path path;
};

const std::string kContradiction = R"({"default_database": "db",
  "roles": [{"name": "A", "permissions": [["schema_access", "[db].[public]"]]},
            {"name": "B", "permissions": [["schema_access", "[db].[public]"]]}],
  "users": [{"username": "alice", "roles": ["A", "B"]}, {"username": "bob", "roles": ["A"]}],
  "rls_filters": [
    {"name": "fa", "filter_type": "Regular", "tables": ["orders"], "roles": ["A"], "clause": "client_id = 4"},
    {"name": "fb", "filter_type": "Regular", "tables": ["orders"], "roles": ["B"], "clause": "client_id = 5"},
    {"name": "lonely", "filter_type": "Regular", "tables": ["orders"], "roles": ["Gamma"], "clause": "x = 1"}]})";

TEST(LintCliTest, TheBundledExampleIsClean) {
  Result r = RunRlsq({"lint", "--policy", kExample});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "no findings\n");
  EXPECT_EQ(r.err, "");
  r = RunRlsq({"lint", "--policy", kExample, "--json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "{\"findings\": [], \"errors\": 0, \"warnings\": 0, \"infos\": 0}\n");
}

TEST(LintCliTest, ErrorsExitOne) {
  TempFile policy("lint_policy.json", kContradiction);
  Result r = RunRlsq({"lint", "--policy", policy.path.string()});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_THAT(r.out, HasSubstr("error unsatisfiable_predicate: the filters \"fa\" AND \"fb\" on public.orders can "
                               "never all be true together"));
  EXPECT_THAT(r.out, HasSubstr("  table: public.orders\n  filters: fa, fb\n  roles: A, B\n  users: alice\n"));
  EXPECT_THAT(r.out, HasSubstr("warning filter_applies_to_no_user: Regular filter \"lonely\""));
  EXPECT_THAT(r.out, HasSubstr("1 error, 1 warning, 0 infos\n"));
}

TEST(LintCliTest, JsonShape) {
  TempFile policy("lint_policy_json.json", kContradiction);
  Result r = RunRlsq({"lint", "--policy", policy.path.string(), "--json"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  auto doc = json::Parse(r.out);
  ASSERT_TRUE(doc.ok()) << doc.status() << "\n" << r.out;
  ASSERT_TRUE(doc->is_object());
  EXPECT_EQ(doc->Find("errors")->text(), "1");
  EXPECT_EQ(doc->Find("warnings")->text(), "1");
  const json::Value* findings = doc->Find("findings");
  ASSERT_TRUE(findings && findings->is_array());
  ASSERT_EQ(findings->items().size(), 2u);
  const json::Value& first = findings->items()[0];
  EXPECT_EQ(first.Find("severity")->text(), "error");
  EXPECT_EQ(first.Find("code")->text(), "unsatisfiable_predicate");
  EXPECT_EQ(first.Find("table")->text(), "public.orders");
  ASSERT_EQ(first.Find("filters")->items().size(), 2u);
  EXPECT_EQ(first.Find("filters")->items()[1].text(), "fb");
  EXPECT_EQ(first.Find("roles")->items().size(), 2u);
  ASSERT_EQ(first.Find("users")->items().size(), 1u);
  EXPECT_EQ(first.Find("users")->items()[0].text(), "alice");
  EXPECT_EQ(first.Find("user_count")->text(), "1");
  EXPECT_THAT(first.Find("message")->text(), HasSubstr("can never all be true"));
  EXPECT_EQ(findings->items()[1].Find("severity")->text(), "warning");
}

TEST(LintCliTest, SchemaChecksColumns) {
  TempFile policy("lint_policy_schema.json", kContradiction);
  TempFile schema("lint_schema.sql", "-- the tables\nCREATE TABLE orders (client_id int);\n");
  Result r = RunRlsq({"lint", "--policy", policy.path.string(), "--schema", schema.path.string()});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_THAT(r.out, HasSubstr("error unknown_column: the clause of filter \"lonely\" reads column x"));
}

TEST(LintCliTest, UnreadablePolicyOrSchemaExitTwo) {
  TempFile bad("lint_bad.json", "{\"rls_filters\": [{\"name\": 1}]}");
  Result r = RunRlsq({"lint", "--policy", bad.path.string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("rlsq: bad policy"));
  EXPECT_EQ(r.out, "");
  r = RunRlsq({"lint", "--policy", "/nonexistent/policy.json"});
  EXPECT_EQ(r.exit_code, 2);
  TempFile schema("lint_bad_schema.sql", "CREATE TABLE t (\n  a int,\n  a text);");
  r = RunRlsq({"lint", "--policy", kExample, "--schema", schema.path.string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr(": 3:3: column \"a\" is defined twice"));
  EXPECT_EQ(r.out, "");
  r = RunRlsq({"lint", "--policy", kExample, "--schema", "/nonexistent/schema.sql"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("cannot read /nonexistent/schema.sql"));
}

TEST(LintCliTest, UsageErrors) {
  Result r = RunRlsq({"lint"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("give --policy FILE or --policy-db URI"));
  r = RunRlsq({"lint", "--policy", kExample, "--bogus"});
  EXPECT_EQ(r.exit_code, 1);
  r = RunRlsq({"lint", "--policy", kExample, "--dialect", "oracle"});
  EXPECT_EQ(r.exit_code, 1);
  r = RunRlsq({"lint", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.out, HasSubstr("rlsq lint (--policy FILE | --policy-db URI"));
  r = RunRlsq({"--help"});
  EXPECT_THAT(r.out, HasSubstr("lint"));
}

}  // namespace
}  // namespace rlsq
