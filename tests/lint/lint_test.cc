// The policy linter (lib/lint/lint.h): one test per finding, with the exact filters, roles and users it reports,
// and no findings on the bundled example and a clean policy.
#include "lib/lint/lint.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "lib/common/str_cat.h"
#include "tests/support/status_matchers.h"

namespace rlsq::lint {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// A role that can read every table of [db].[public].
std::string Role(std::string_view name) {
  return Cat(R"({"name": ")", name, R"(", "permissions": [["schema_access", "[db].[public]"]]})");
}
std::string User(std::string_view name, std::string_view roles, std::string_view more = "") {
  return Cat(R"({"username": ")", name, R"(", "roles": [)", roles, "]", more, "}");
}
std::string Filter(std::string_view name, std::string_view type, std::string_view table, std::string_view roles,
                   std::string_view clause, std::string_view group = "") {
  return Cat(R"({"name": ")", name, R"(", "filter_type": ")", type, R"(", "tables": [")", table,
             R"("], "roles": [)", roles, R"(], "group_key": ")", group, R"(", "clause": ")", clause, "\"}");
}
std::string Doc(std::string_view roles, std::string_view users, std::string_view filters) {
  return Cat(R"({"default_database": "db", "roles": [)", roles, R"(], "users": [)", users, R"(], "rls_filters": [)",
             filters, "]}");
}

std::shared_ptr<const policy::Policy> Load(std::string_view json) {
  auto p = policy::Policy::FromJson(json, Dialect::Postgres());
  EXPECT_TRUE(p.ok()) << p.status();
  return p.ok() ? *p : nullptr;
}

std::vector<Finding> LintJson(std::string_view json, const LintOptions& options = {}) {
  auto p = Load(json);
  return p ? Lint(*p, options) : std::vector<Finding>{};
}

std::vector<Finding> WithCode(const std::vector<Finding>& all, std::string_view code) {
  std::vector<Finding> out;
  for (const Finding& f : all)
    if (f.code == code) out.push_back(f);
  return out;
}

std::string Codes(const std::vector<Finding>& all) {
  std::string out;
  for (const Finding& f : all) Append(&out, out.empty() ? "" : " ", f.code);
  return out;
}

const std::string kRoles = Cat(Role("A"), ", ", Role("B"), ", ", Role("C"));

TEST(LintTest, UnsatisfiablePredicateFromTwoFilters) {
  auto findings = LintJson(Doc(kRoles,
                               Cat(User("alice", R"("A", "B")"), ", ", User("bob", R"("A")"), ", ",
                                   User("carol", R"("B")"), ", ", User("dan", R"("A", "B", "C")")),
                               Cat(Filter("fa", "Regular", "orders", R"("A")", "client_id = 4"), ", ",
                                   Filter("fb", "Regular", "orders", R"("B")", "client_id = 5"), ", ",
                                   Filter("fc", "Regular", "orders", R"("A", "C")", "status <> 'X'"))));
  ASSERT_EQ(findings.size(), 1u) << Codes(findings);
  const Finding& f = findings[0];
  EXPECT_EQ(f.severity, Severity::kError);
  EXPECT_EQ(f.code, "unsatisfiable_predicate");
  EXPECT_EQ(f.table, "public.orders");
  EXPECT_THAT(f.filters, ElementsAre("fa", "fb"));  // fc is not needed to contradict
  EXPECT_THAT(f.roles, ElementsAre("A", "B"));
  EXPECT_THAT(f.users, ElementsAre("alice", "dan"));  // two role sets, one finding
  EXPECT_EQ(f.user_count, 2u);
  EXPECT_THAT(f.message, HasSubstr("\"fa\" AND \"fb\""));
}

TEST(LintTest, UnsatisfiablePredicateThroughAGroupAndABaseFilter) {
  // (fa OR fa2) AND base: region 1 or 2, and not 1 nor 2 for everyone without C.
  auto findings = LintJson(Doc(kRoles, Cat(User("alice", R"("A")"), ", ", User("cy", R"("C")")),
                               Cat(Filter("fa", "Regular", "nation", R"("A")", "n_region = 1", "region"), ", ",
                                   Filter("fa2", "Regular", "nation", R"("A")", "n_region = 2", "region"), ", ",
                                   Filter("base", "Base", "nation", R"("C")", "n_region NOT IN (1, 2)"))));
  auto unsat = WithCode(findings, "unsatisfiable_predicate");
  ASSERT_EQ(unsat.size(), 1u) << Codes(findings);
  EXPECT_THAT(unsat[0].filters, ElementsAre("fa", "fa2", "base"));
  EXPECT_THAT(unsat[0].roles, ElementsAre("A"));
  EXPECT_THAT(unsat[0].users, ElementsAre("alice"));
  EXPECT_THAT(unsat[0].message, HasSubstr("(\"fa\" OR \"fa2\") AND \"base\""));
  EXPECT_THAT(unsat[0].message, HasSubstr("none of \"C\""));
  EXPECT_EQ(findings.size(), 1u) << Codes(findings);
}

TEST(LintTest, ContradictionOfBaseFiltersAloneNamesEveryoneElse) {
  auto findings = LintJson(Doc(kRoles, Cat(User("alice", R"("A")"), ", ", User("bob", R"("B")"), ", ",
                                           User("cy", R"("C")")),
                               Cat(Filter("b1", "Base", "t", R"("C")", "x > 10"), ", ",
                                   Filter("b2", "Base", "t", R"("C")", "x < 5"))));
  ASSERT_EQ(findings.size(), 1u) << Codes(findings);
  EXPECT_EQ(findings[0].code, "unsatisfiable_predicate");
  EXPECT_THAT(findings[0].filters, ElementsAre("b1", "b2"));
  EXPECT_THAT(findings[0].roles, IsEmpty());
  EXPECT_THAT(findings[0].users, ElementsAre("alice", "bob"));
}

TEST(LintTest, DenyAllBaseFilterIsANoteNotAnError) {
  auto findings = LintJson(Doc(kRoles, Cat(User("alice", R"("A")"), ", ", User("root", R"("C")")),
                               Cat(Filter("deny", "Base", "orders", R"("C")", "1 = 0"), ", ",
                                   Filter("fa", "Regular", "orders", R"("A")", "client_id = 4"))));
  ASSERT_EQ(findings.size(), 1u) << Codes(findings);
  EXPECT_EQ(findings[0].severity, Severity::kInfo);
  EXPECT_EQ(findings[0].code, "deny_all_filter");
  EXPECT_THAT(findings[0].filters, ElementsAre("deny"));
  EXPECT_THAT(findings[0].users, ElementsAre("alice"));
  EXPECT_EQ(CountFindings(findings, Severity::kError), 0u);
}

TEST(LintTest, SelfContradictoryClauseIsAWarning) {
  auto findings = LintJson(
      Doc(kRoles, User("alice", R"("A")"), Filter("odd", "Regular", "t", R"("A")", "x = 1 AND x = 2")));
  ASSERT_EQ(findings.size(), 1u) << Codes(findings);
  EXPECT_EQ(findings[0].severity, Severity::kWarning);
  EXPECT_EQ(findings[0].code, "unsatisfiable_filter");
  EXPECT_THAT(findings[0].filters, ElementsAre("odd"));
  EXPECT_THAT(findings[0].users, ElementsAre("alice"));
}

TEST(LintTest, RegularFilterThatAppliesToNoUser) {
  auto findings = LintJson(Doc(kRoles, User("alice", R"("A")"),
                               Cat(Filter("fa", "Regular", "t", R"("A")", "x = 1"), ", ",
                                   Filter("nobody", "Regular", "t", R"("B", "C")", "x = 2"))));
  ASSERT_EQ(findings.size(), 1u) << Codes(findings);
  EXPECT_EQ(findings[0].code, "filter_applies_to_no_user");
  EXPECT_EQ(findings[0].severity, Severity::kWarning);
  EXPECT_THAT(findings[0].filters, ElementsAre("nobody"));
  EXPECT_THAT(findings[0].roles, ElementsAre("B", "C"));
  EXPECT_EQ(findings[0].user_count, 0u);
}

TEST(LintTest, BaseFilterThatExemptsEveryone) {
  auto findings = LintJson(Doc(kRoles, Cat(User("alice", R"("A")"), ", ", User("bob", R"("B", "C")")),
                               Filter("exempt", "Base", "t", R"("A", "B")", "x = 1")));
  ASSERT_EQ(findings.size(), 1u) << Codes(findings);
  EXPECT_EQ(findings[0].code, "base_filter_exempts_everyone");
  EXPECT_THAT(findings[0].filters, ElementsAre("exempt"));
  EXPECT_THAT(findings[0].roles, ElementsAre("A", "B"));
  EXPECT_THAT(findings[0].users, ElementsAre("alice", "bob"));
}

TEST(LintTest, FilterWhoseUsersCannotReadItsTable) {
  // D reads nothing; the table is readable (through A), just not by the users the filter applies to.
  auto findings = LintJson(Doc(Cat(kRoles, R"(, {"name": "D"})"),
                               Cat(User("alice", R"("A")"), ", ", User("dave", R"("D")")),
                               Filter("for_d", "Regular", "t", R"("D")", "x = 1")));
  ASSERT_EQ(findings.size(), 1u) << Codes(findings);
  EXPECT_EQ(findings[0].code, "filter_applies_to_no_reader");
  EXPECT_THAT(findings[0].filters, ElementsAre("for_d"));
  EXPECT_THAT(findings[0].users, ElementsAre("dave"));
}

TEST(LintTest, TableNoRoleCanRead) {
  auto findings = LintJson(Doc(kRoles, User("alice", R"("A")"),
                               Cat(Filter("h1", "Regular", "hidden.t", R"("A")", "x = 1"), ", ",
                                   Filter("h2", "Base", "hidden.t", R"("B")", "y = 2"), ", ",
                                   Filter("ok", "Regular", "public.t", R"("A")", "x = 2"))));
  ASSERT_EQ(findings.size(), 1u) << Codes(findings);
  EXPECT_EQ(findings[0].code, "unreadable_table");
  EXPECT_EQ(findings[0].table, "hidden.t");
  EXPECT_THAT(findings[0].filters, ElementsAre("h1", "h2"));
  EXPECT_THAT(findings[0].message, HasSubstr("database \"db\""));
}

TEST(LintTest, GroupKeysThatDifferInCaseOrSpaces) {
  auto findings = LintJson(Doc(kRoles, Cat(User("alice", R"("A")"), ", ", User("bob", R"("B")")),
                               Cat(Filter("r1", "Regular", "t", R"("A")", "x = 1", "region"), ", ",
                                   Filter("r2", "Regular", "t", R"("B")", "x = 2", "Region "), ", ",
                                   Filter("r3", "Regular", "t", R"("A")", "x = 3", "region"), ", ",
                                   Filter("other", "Regular", "u", R"("A")", "x = 3", "REGION"))));
  ASSERT_EQ(findings.size(), 1u) << Codes(findings);
  EXPECT_EQ(findings[0].code, "group_key_lookalike");
  EXPECT_EQ(findings[0].table, "public.t");
  EXPECT_THAT(findings[0].filters, ElementsAre("r2", "r1", "r3"));
  EXPECT_THAT(findings[0].message, HasSubstr("\"Region \", \"region\""));
}

TEST(LintTest, ColumnsTheTableDoesNotHave) {
  auto p = Load(Doc(kRoles, User("alice", R"("A")"),
                    Cat(Filter("good", "Regular", "orders", R"("A")", "client_id = 1 AND \\\"Status\\\" = 'x'"), ", ",
                        Filter("bad", "Regular", "orders", R"("A")",
                               "custid = 1 OR client_id IN (SELECT nope FROM other) OR status = 'x'"),
                        ", ", Filter("ghost", "Regular", "ordrs", R"("A")", "client_id = 1"), ", ",
                        Filter("view", "Regular", "v", R"("A")", "anything = 1"))));
  ASSERT_TRUE(p);
  RLSQ_ASSERT_OK_AND_ASSIGN(Schema schema,
                            SchemaFromDdl("CREATE TABLE orders (client_id int, \"Status\" text);\n"
                                          "CREATE VIEW v AS SELECT 1 AS anything;",
                                          *p));
  LintOptions options;
  options.schema = &schema;
  auto findings = Lint(*p, options);
  ASSERT_EQ(findings.size(), 2u) << Codes(findings);
  EXPECT_EQ(findings[0].code, "unknown_column");
  EXPECT_EQ(findings[0].severity, Severity::kError);
  EXPECT_EQ(findings[0].table, "public.orders");
  EXPECT_THAT(findings[0].filters, ElementsAre("bad"));
  // Unquoted status folds to status, which is not "Status"; nope is the subquery's column.
  EXPECT_THAT(findings[0].message, HasSubstr("reads columns custid, status,"));
  EXPECT_EQ(findings[1].code, "table_not_in_schema");
  EXPECT_EQ(findings[1].table, "public.ordrs");
  EXPECT_THAT(findings[1].filters, ElementsAre("ghost"));
}

TEST(LintTest, SchemaNamesResolveOnTheSearchPath) {
  auto p = Load(R"({"search_path": ["sales"], "roles": [{"name": "A"}], "users": [{"username": "u", "roles": ["A"]}],
                    "rls_filters": [{"name": "f", "filter_type": "Regular", "tables": ["orders"], "roles": ["A"],
                                     "clause": "x = 1"}]})");
  ASSERT_TRUE(p);
  RLSQ_ASSERT_OK_AND_ASSIGN(Schema schema, SchemaFromDdl("CREATE TABLE orders (x int);", *p));
  ASSERT_EQ(schema.relations.size(), 1u);
  EXPECT_EQ(schema.relations.begin()->second.name.schema, "sales");
  auto dup = SchemaFromDdl("CREATE TABLE orders (x int);\nCREATE TABLE sales.orders (y int);", *p);
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.status().message(), "2:14: relation sales.orders is defined twice (first at 1:14)");
}

TEST(LintTest, TemplateValuesUsersLack) {
  auto findings = LintJson(
      Doc(kRoles,
          Cat(User("alice", R"("A")", R"(, "id": 1, "attributes": {"region": "EU", "tags": ["a"]})"), ", ",
              User("bob", R"("A")", R"(, "attributes": {"region": null, "tags": {"x": 1}})"), ", ",
              User("carol", R"("B")")),
          Cat(Filter("by_region", "Regular", "t", R"("A")", "region = {{ user_attr('region') }}"), ", ",
              Filter("with_default", "Regular", "t", R"("A", "B")", "r = {{ user_attr('region', 'NONE') }}"), ", ",
              Filter("by_id", "Base", "u", R"("C")", "owner = {{ current_user_id() }}"), ", ",
              Filter("tags", "Regular", "t", R"("A")", "tag IN {{ user_attr('tags') }}"))));
  auto missing = WithCode(findings, "missing_template_value");
  ASSERT_EQ(missing.size(), 2u) << Codes(findings);
  EXPECT_THAT(missing[0].filters, ElementsAre("by_region"));
  EXPECT_THAT(missing[0].users, ElementsAre("bob"));  // null counts as absent; carol does not hold A
  EXPECT_THAT(missing[0].message, HasSubstr("user_attr('region')"));
  EXPECT_THAT(missing[1].filters, ElementsAre("by_id"));
  EXPECT_THAT(missing[1].users, ElementsAre("bob", "carol"));
  EXPECT_THAT(missing[1].message, HasSubstr("current_user_id()"));
  auto invalid = WithCode(findings, "invalid_template_value");
  ASSERT_EQ(invalid.size(), 1u) << Codes(findings);
  EXPECT_THAT(invalid[0].filters, ElementsAre("tags"));
  EXPECT_THAT(invalid[0].users, ElementsAre("bob"));
  EXPECT_EQ(findings.size(), 3u) << Codes(findings);
}

TEST(LintTest, TheAnonymousCallerCountsWhereThePublicRoleReads) {
  std::string doc = R"({"default_database": "db", "public_role": "Public",
    "roles": [{"name": "Public", "permissions": [["datasource_access", "[db].[public].[t]"]]},
              {"name": "A", "permissions": [["schema_access", "[db].[public]"]]}],
    "users": [{"username": "alice", "roles": ["A"]}],
    "rls_filters": [{"name": "own", "filter_type": "Base", "tables": ["t"], "roles": [],
                     "clause": "owner = {{ current_username() }}"}]})";
  auto findings = LintJson(doc);
  ASSERT_EQ(findings.size(), 1u) << Codes(findings);
  EXPECT_EQ(findings[0].code, "missing_template_value");
  EXPECT_THAT(findings[0].users, ElementsAre("(anonymous)"));
}

TEST(LintTest, UserListsAreCapped) {
  std::string users;
  for (int i = 0; i < 30; ++i) Append(&users, i ? ", " : "", User(Cat("u", i), R"("A")"));
  auto findings = LintJson(Doc(kRoles, users,
                               Cat(Filter("f1", "Regular", "t", R"("A")", "x = 1"), ", ",
                                   Filter("f2", "Base", "t", R"("B")", "x = 2"))));
  ASSERT_EQ(findings.size(), 1u) << Codes(findings);
  EXPECT_EQ(findings[0].users.size(), 20u);
  EXPECT_EQ(findings[0].user_count, 30u);
  EXPECT_EQ(findings[0].users[19], "u19");
  EXPECT_THAT(FormatText(findings), HasSubstr("u19 (and 10 more)"));
}

TEST(LintTest, NoUsersSkipsTheRoleChecks) {
  auto findings = LintJson(Doc(kRoles, "", Filter("f", "Regular", "t", R"("A")", "x = 1")));
  ASSERT_EQ(findings.size(), 1u) << Codes(findings);
  EXPECT_EQ(findings[0].code, "no_users");
  EXPECT_EQ(findings[0].severity, Severity::kInfo);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(LintTest, TheBundledExampleHasNoFindings) {
  auto findings = LintJson(ReadFile(std::string(RLSQ_SOURCE_DIR) + "/examples/policy.json"));
  EXPECT_THAT(findings, IsEmpty()) << FormatText(findings);
}

TEST(LintTest, TheTemplatesExampleShowsItsMissingEmail) {
  // bob has no email on purpose (README "User-aware clauses"): his requests on supplier fail.
  auto findings = LintJson(ReadFile(std::string(RLSQ_SOURCE_DIR) + "/examples/templates_policy.json"));
  ASSERT_EQ(findings.size(), 1u) << FormatText(findings);
  EXPECT_EQ(findings[0].code, "missing_template_value");
  EXPECT_THAT(findings[0].filters, ElementsAre("comment_tag"));
  EXPECT_THAT(findings[0].users, ElementsAre("bob"));
}

TEST(LintTest, ACleanPolicyHasNoFindings) {
  auto p = Load(Doc(kRoles,
                    Cat(User("alice", R"("A", "B")", R"(, "attributes": {"region": "EU"})"), ", ",
                        User("bob", R"("B")"), ", ", User("root", R"("C")")),
                    Cat(Filter("eu", "Regular", "orders", R"("A")", "region = {{ user_attr('region', 'NONE') }}", "g"),
                        ", ", Filter("us", "Regular", "orders", R"("B")", "region = 'US'", "g"), ", ",
                        Filter("recent", "Base", "orders", R"("C")", "o_date >= 2020 AND o_date < 2030"), ", ",
                        Filter("open", "Regular", "orders", R"("B")", "status IS NOT NULL AND status <> 'closed'"),
                        ", ", Filter("small", "Regular", "lineitem", R"("A", "B")", "qty BETWEEN 1 AND 50"))));
  ASSERT_TRUE(p);
  RLSQ_ASSERT_OK_AND_ASSIGN(
      Schema schema,
      SchemaFromDdl("CREATE TABLE orders (region text, o_date int, status text);\n"
                    "CREATE TABLE lineitem (qty int);",
                    *p));
  LintOptions options;
  options.schema = &schema;
  auto findings = Lint(*p, options);
  EXPECT_THAT(findings, IsEmpty()) << FormatText(findings);
  EXPECT_EQ(FormatText(findings), "no findings\n");
  EXPECT_EQ(FormatJson(findings), "{\"findings\": [], \"errors\": 0, \"warnings\": 0, \"infos\": 0}\n");
}

}  // namespace
}  // namespace rlsq::lint
