// Loading and validating policy files.
#include "lib/policy/policy.h"

#include <gtest/gtest.h>

#include "lib/common/str_cat.h"
#include "tests/rewriter/test_policy.h"
#include "tests/support/status_matchers.h"

namespace rlsq::policy {
namespace {

absl::StatusOr<std::shared_ptr<const Policy>> Load(std::string_view json) {
  return Policy::FromJson(json, Dialect::Postgres());
}

// A policy with one filter whose fields are given.
std::string WithFilter(std::string_view filter_fields) {
  return Cat(R"({"roles": [{"name": "R"}], "users": [{"username": "u", "roles": ["R"]}], "rls_filters": [{)",
             filter_fields, "}]}");
}

TEST(PolicyTest, LoadsTheSharedTestPolicy) {
  RLSQ_ASSERT_OK_AND_ASSIGN(auto p, Load(testing::kTestPolicy));
  EXPECT_EQ(p->default_schema(), "public");
  EXPECT_TRUE(p->permissions().RoleId("Finance").has_value());
  EXPECT_TRUE(p->permissions().RoleId("Gamma").has_value());  // presets exist without being defined
  ASSERT_EQ(p->users().size(), 5u);
  EXPECT_EQ(p->users()[0].id, 7);
  EXPECT_EQ(p->users()[0].email, "alice@example.com");
  ASSERT_EQ(p->filters().size(), 4u);
  EXPECT_EQ(p->filters()[2].tables[0].Key(), TableName({"", "public", "nation"}).Key());  // "NATION" folds
  EXPECT_EQ(p->filters()[3].type, FilterType::kBase);
  EXPECT_EQ(p->FindUser("bob")->roles.size(), 3u);
  EXPECT_EQ(p->FindUser("alice")->role_set, p->FindUser("alice")->role_set);
  EXPECT_NE(p->FindUser("alice")->role_set, p->FindUser("bob")->role_set);
  EXPECT_EQ(p->default_database(), "tpch");
  EXPECT_EQ(p->FindUser("mallory"), nullptr);
}

TEST(PolicyTest, SupersetSemantics) {
  RLSQ_ASSERT_OK_AND_ASSIGN(auto p, Load(testing::kTestPolicy));
  std::string nation = TableName{"", "public", "nation"}.Key();
  std::string orders = TableName{"", "public", "orders"}.Key();
  std::string customer = TableName{"", "public", "customer"}.Key();
  int alice = p->UserIndex("alice"), bob = p->UserIndex("bob"), root = p->UserIndex("root"),
      nobody = p->UserIndex("nobody");
  // Regular: applies to holders of any of its roles.
  ASSERT_NE(p->PredicateFor(alice, orders), nullptr);
  EXPECT_EQ(p->PredicateFor(nobody, orders), nullptr);
  // Shared group key: ORed into one term.
  const Predicate* bn = p->PredicateFor(bob, nation);
  ASSERT_NE(bn, nullptr);
  ASSERT_EQ(bn->terms.size(), 1u);
  EXPECT_EQ(bn->terms[0].filters.size(), 2u);
  std::string text;
  RLSQ_ASSERT_OK(bn->Render("n", &text));
  EXPECT_EQ(text, "((n.n_regionkey = 3) OR (n.n_regionkey = 2))");
  // Base: applies to everyone but holders of its roles.
  EXPECT_NE(p->PredicateFor(nobody, customer), nullptr);
  EXPECT_NE(p->PredicateFor(alice, customer), nullptr);
  EXPECT_EQ(p->PredicateFor(root, customer), nullptr);
}

TEST(PolicyTest, UngroupedFiltersAndGroupsAreAnded) {
  RLSQ_ASSERT_OK_AND_ASSIGN(auto p, Load(R"({"roles": [{"name": "R"}], "users": [{"username": "u", "roles": ["R"]}],
    "rls_filters": [
      {"name": "a", "filter_type": "Regular", "tables": ["t"], "roles": ["R"], "clause": "x = 1"},
      {"name": "b", "filter_type": "Regular", "tables": ["t"], "roles": ["R"], "group_key": "g", "clause": "y = 1"},
      {"name": "c", "filter_type": "Regular", "tables": ["t"], "roles": ["R"], "clause": "z = 1 OR z = 2"},
      {"name": "d", "filter_type": "Base", "tables": ["t"], "roles": [], "group_key": "g", "clause": "y = 2"}]})"));
  std::string text;
  RLSQ_ASSERT_OK(p->PredicateFor(0, TableName{"", "public", "t"}.Key())->Render("q", &text));
  EXPECT_EQ(text, "(q.x = 1) AND ((q.y = 1) OR (q.y = 2)) AND (q.z = 1 OR q.z = 2)");
}

TEST(PolicyTest, ClauseMustBeExactlyOneExpression) {
  EXPECT_THAT(Load(WithFilter(R"("name": "evil", "filter_type": "Regular", "tables": ["t"], "roles": ["R"],
                                 "clause": "a = 1) OR (1 = 1")")),
              StatusIs(absl::StatusCode::kFailedPrecondition, "filter \"evil\" clause"));
  EXPECT_THAT(Load(WithFilter(R"("name": "two", "filter_type": "Regular", "tables": ["t"], "clause": "a = 1; SELECT 1")")),
              StatusIs(absl::StatusCode::kFailedPrecondition, "filter \"two\" clause"));
  EXPECT_THAT(Load(WithFilter(R"("name": "empty", "filter_type": "Regular", "tables": ["t"], "clause": "")")),
              StatusIs(absl::StatusCode::kFailedPrecondition, "filter \"empty\" clause"));
  EXPECT_THAT(Load(WithFilter(R"("name": "str", "filter_type": "Regular", "tables": ["t"], "clause": "'unterminated")")),
              StatusIs(absl::StatusCode::kFailedPrecondition, "filter \"str\" clause"));
}

TEST(PolicyTest, ClauseWithDeniedFunctionOrQualifiedColumnIsRefused) {
  EXPECT_THAT(Load(WithFilter(R"("name": "f", "filter_type": "Regular", "tables": ["t"],
                                 "clause": "pg_read_file('/etc/passwd') IS NOT NULL")")),
              StatusIs(absl::StatusCode::kFailedPrecondition, "function pg_catalog.pg_read_file is not allowed: it reads or lists server files"));
  EXPECT_THAT(Load(WithFilter(R"("name": "q", "filter_type": "Regular", "tables": ["t"], "clause": "t.a = 1")")),
              StatusIs(absl::StatusCode::kFailedPrecondition, "must be unqualified"));
}

TEST(PolicyTest, UnknownRolesAndBadNames) {
  EXPECT_THAT(Load(WithFilter(R"("name": "x", "filter_type": "Regular", "tables": ["t"], "roles": ["Nope"], "clause": "a")")),
              StatusIs(absl::StatusCode::kFailedPrecondition, "unknown role \"Nope\""));
  EXPECT_THAT(Load(R"({"users": [{"username": "u", "roles": ["Ghost"]}]})"),
              StatusIs(absl::StatusCode::kFailedPrecondition, "user \"u\": unknown role \"Ghost\""));
  EXPECT_THAT(Load(WithFilter(R"("name": "x", "filter_type": "Regular", "tables": ["public."], "clause": "a")")),
              StatusIs(absl::StatusCode::kFailedPrecondition, "bad table name"));
  EXPECT_THAT(Load(WithFilter(R"("name": "x", "filter_type": "Regular", "tables": ["a.b.c.d"], "clause": "a")")),
              StatusIs(absl::StatusCode::kFailedPrecondition, "bad table name"));
  EXPECT_THAT(Load(WithFilter(R"("name": "x", "filter_type": "Regular", "tables": ["t; drop"], "clause": "a")")),
              StatusIs(absl::StatusCode::kFailedPrecondition, "bad table name"));
  EXPECT_THAT(Load(WithFilter(R"("name": "x", "filter_type": "regular", "tables": ["t"], "clause": "a")")),
              StatusIs(absl::StatusCode::kFailedPrecondition, "filter_type must be"));
  EXPECT_THAT(Load(WithFilter(R"("name": "x", "filter_type": "Regular", "tables": [], "clause": "a")")),
              StatusIs(absl::StatusCode::kFailedPrecondition, "applies to no table"));
}

TEST(PolicyTest, StructuralErrors) {
  EXPECT_THAT(Load("{\"roles\": [}"), StatusIs(absl::StatusCode::kFailedPrecondition, "1:12: invalid JSON value"));
  EXPECT_THAT(Load("[]"), StatusIs(absl::StatusCode::kFailedPrecondition, "must be a JSON object"));
  EXPECT_THAT(Load(R"({"rls_filter": []})"), StatusIs(absl::StatusCode::kFailedPrecondition, "unknown field \"rls_filter\""));
  EXPECT_THAT(Load(R"({"roles": [{"name": "A"}, {"name": "A"}]})"),
              StatusIs(absl::StatusCode::kFailedPrecondition, "role \"A\": defined twice"));
  EXPECT_THAT(Load(R"({"users": [{"username": "u"}, {"username": "u"}]})"),
              StatusIs(absl::StatusCode::kFailedPrecondition, "user \"u\": defined twice"));
  EXPECT_THAT(Load(R"({"users": [{"username": "u", "id": "7"}]})"),
              StatusIs(absl::StatusCode::kFailedPrecondition, "field \"id\" must be a number"));
  EXPECT_THAT(Load(WithFilter(R"("name": "x", "filter_type": "Regular", "tables": ["t"], "clause": "a", "group-key": "g")")),
              StatusIs(absl::StatusCode::kFailedPrecondition, "unknown field \"group-key\""));
  EXPECT_THAT(Load(R"({"default_schema": "a.b"})"), StatusIs(absl::StatusCode::kFailedPrecondition, "not a schema name"));
}

TEST(PolicyTest, QuotedDefaultSchemaKeepsCase) {
  RLSQ_ASSERT_OK_AND_ASSIGN(auto p, Load(R"({"default_schema": "\"Sales\""})"));
  EXPECT_EQ(p->default_schema(), "Sales");
}

}  // namespace
}  // namespace rlsq::policy
