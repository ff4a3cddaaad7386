// User-aware clauses: template parsing and load errors, rendering of each macro, quoting, inline callers and
// guest-token rules.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <thread>

#include "lib/ast/ast_util.h"
#include "lib/common/status.h"
#include "lib/common/str_cat.h"
#include "lib/parser/parser.h"
#include "lib/policy/template.h"
#include "rewriter/engine.h"
#include "tests/support/status_matchers.h"

namespace rlsq {
namespace {

using ::testing::HasSubstr;
using policy::MacroKind;

MATCHER_P(IsOkAndHolds, expected, "") {
  if (!arg.ok()) {
    *result_listener << "status is " << arg.status();
    return false;
  }
  if (*arg != expected) {
    *result_listener << "value is " << *arg;
    return false;
  }
  return true;
}

// A policy with users alice (every field) and bob (no id, email or attributes), and one filter on orders.
std::string PolicyWith(std::string_view clause, std::string_view filter_type = "Regular") {
  std::string quoted;
  json::AppendString(clause, &quoted);
  return Cat(R"({"default_database": "tpch", "placement": "plain",
    "roles": [{"name": "Reader", "permissions": [["schema_access", "[tpch].[public]"]]}, {"name": "Sales"},
              {"name": "Ops"}],
    "users": [
      {"username": "alice", "id": 7, "email": "alice@example.com", "roles": ["Reader", "Sales"],
       "attributes": {"region": "EUROPE", "level": 3, "neg": -2.5, "segments": ["BUILDING", "MACHINERY"],
                      "ids": [1, 2, 3], "none": [], "flag": true, "obj": {"a": 1}, "nested": [[1]]}},
      {"username": "bob", "roles": ["Reader"]}],
    "rls_filters": [{"name": "f", "filter_type": ")",
             filter_type, R"(", "tables": ["orders"], "roles": ["Reader"], "clause": )", quoted, "}]}");
}

absl::StatusOr<std::string> RewriteFor(std::string_view clause, const Caller& caller,
                                       std::string_view sql = "SELECT * FROM orders o") {
  RLSQ_ASSIGN_OR_RETURN(auto engine, Engine::FromPolicyJson(PolicyWith(clause)));
  RewriteOptions options;
  options.verify = true;
  RLSQ_ASSIGN_OR_RETURN(Rewrite r, engine->rewrite(sql, caller, options));
  return r.sql;
}

Caller Inline(std::string_view json) {
  auto id = ParseCallerJson(json);
  EXPECT_TRUE(id.ok()) << id.status();
  Caller c;
  c.identity = std::make_shared<const CallerIdentity>(id.ok() ? *id : CallerIdentity{});
  return c;
}

// ---- the macro language ----

TEST(TemplateTest, ParsesMacros) {
  RLSQ_ASSERT_OK_AND_ASSIGN(auto m, policy::ParseMacro(" current_username() "));
  EXPECT_EQ(m.kind, MacroKind::kUsername);
  RLSQ_ASSERT_OK_AND_ASSIGN(m, policy::ParseMacro("current_user_id( )"));
  EXPECT_EQ(m.kind, MacroKind::kUserId);
  RLSQ_ASSERT_OK_AND_ASSIGN(m, policy::ParseMacro("current_user_email()"));
  EXPECT_EQ(m.kind, MacroKind::kEmail);
  RLSQ_ASSERT_OK_AND_ASSIGN(m, policy::ParseMacro("current_user_roles()"));
  EXPECT_EQ(m.kind, MacroKind::kRoles);
  RLSQ_ASSERT_OK_AND_ASSIGN(m, policy::ParseMacro("user_attr('region')"));
  EXPECT_EQ(m.kind, MacroKind::kAttr);
  EXPECT_EQ(m.key, "region");
  EXPECT_FALSE(m.has_default);
  RLSQ_ASSERT_OK_AND_ASSIGN(m, policy::ParseMacro(R"( user_attr( "my region" , 'NO NE' ) )"));
  EXPECT_EQ(m.key, "my region");
  EXPECT_TRUE(m.has_default);
  EXPECT_FALSE(m.default_is_number);
  EXPECT_EQ(m.default_value, "NO NE");
  RLSQ_ASSERT_OK_AND_ASSIGN(m, policy::ParseMacro("user_attr('level', -1.5e3)"));
  EXPECT_TRUE(m.default_is_number);
  EXPECT_EQ(m.default_value, "-1.5e3");
}

TEST(TemplateTest, RejectsBadMacros) {
  EXPECT_THAT(policy::ParseMacro("current_tenant()"), StatusIs(absl::StatusCode::kInvalidArgument,
                                                                        "unknown template macro \"current_tenant\""));
  EXPECT_THAT(policy::ParseMacro("current_username('x')"),
              StatusIs(absl::StatusCode::kInvalidArgument, "takes 0 arguments, not 1"));
  EXPECT_THAT(policy::ParseMacro("user_attr()"), StatusIs(absl::StatusCode::kInvalidArgument, "takes 1 or 2"));
  EXPECT_THAT(policy::ParseMacro("user_attr(3)"), StatusIs(absl::StatusCode::kInvalidArgument, "non-empty"));
  EXPECT_THAT(policy::ParseMacro("user_attr('a', 'b', 'c')"),
              StatusIs(absl::StatusCode::kInvalidArgument, "takes 1 or 2"));
  EXPECT_THAT(policy::ParseMacro("user_attr('a"), StatusIs(absl::StatusCode::kInvalidArgument, "expected"));
  EXPECT_THAT(policy::ParseMacro("user_attr('a') | upper"),
              StatusIs(absl::StatusCode::kInvalidArgument, "expected"));
  EXPECT_THAT(policy::ParseMacro("1 + 1"), StatusIs(absl::StatusCode::kInvalidArgument, "expected"));
}

TEST(TemplateTest, LoadErrorsNameTheFilter) {
  auto load = [](std::string_view clause) { return policy::Policy::FromJson(PolicyWith(clause), Dialect::Postgres()); };
  EXPECT_THAT(load("o_custkey = {{ current_tenant() }}"),
              StatusIs(absl::StatusCode::kFailedPrecondition, "filter \"f\" clause: 1:13: unknown template"));
  EXPECT_THAT(load("o_custkey = {{ current_user_id() "),
              StatusIs(absl::StatusCode::kFailedPrecondition, "filter \"f\" clause: 1:13: unterminated"));
  // Templates yield values, never structure.
  EXPECT_THAT(load("o_custkey = 1 {{ current_username() }}"),
              StatusIs(absl::StatusCode::kFailedPrecondition, "filter \"f\" clause"));
  EXPECT_THAT(load("{{ current_username() }}(o_custkey)"),
              StatusIs(absl::StatusCode::kFailedPrecondition, "filter \"f\" clause"));
  EXPECT_THAT(load("\"col{{ current_username() }}\" = 1"),
              StatusIs(absl::StatusCode::kFailedPrecondition, "value or inside a string literal"));
  EXPECT_THAT(load("o_custkey = 1 -- {{ current_username() }}"),
              StatusIs(absl::StatusCode::kFailedPrecondition, "value or inside a string literal"));
  EXPECT_THAT(load("o_clerk = {{ current_user_roles() }}"),
              StatusIs(absl::StatusCode::kFailedPrecondition, "current_user_roles() is a list"));
  EXPECT_THAT(load("o_clerk = 'x{{ current_user_roles() }}'"),
              StatusIs(absl::StatusCode::kFailedPrecondition, "cannot stand inside a string literal"));
  EXPECT_THAT(load("o_custkey = $1"),
              StatusIs(absl::StatusCode::kFailedPrecondition, "parameters ($1) are not allowed"));
  EXPECT_THAT(load("o_custkey = $1 AND o_clerk = {{ current_username() }}"),
              StatusIs(absl::StatusCode::kFailedPrecondition, "parameters ($1) are not allowed"));
  EXPECT_THAT(load("o_clerk = {{ current_username() }}; DROP TABLE orders"),
              StatusIs(absl::StatusCode::kFailedPrecondition, "filter \"f\" clause"));
  // A literal that merely mentions a dollar amount is fine.
  RLSQ_EXPECT_OK(load("o_comment <> 'costs $100 {{ current_username() }}'"));
}

// ---- rendering ----

TEST(TemplateTest, RendersEachMacro) {
  Caller alice{"alice"};
  EXPECT_THAT(RewriteFor("o_clerk = {{ current_username() }}", alice),
              IsOkAndHolds("SELECT * FROM orders o WHERE (o.o_clerk = ('alice'))"));
  EXPECT_THAT(RewriteFor("o_custkey = {{ current_user_id() }}", alice),
              IsOkAndHolds("SELECT * FROM orders o WHERE (o.o_custkey = (7))"));
  EXPECT_THAT(RewriteFor("o_comment = {{ current_user_email() }}", alice),
              IsOkAndHolds("SELECT * FROM orders o WHERE (o.o_comment = ('alice@example.com'))"));
  EXPECT_THAT(RewriteFor("o_clerk IN {{ current_user_roles() }}", alice),
              IsOkAndHolds("SELECT * FROM orders o WHERE (o.o_clerk IN ('Reader', 'Sales'))"));
  EXPECT_THAT(RewriteFor("o_clerk = {{ user_attr('region') }}", alice),
              IsOkAndHolds("SELECT * FROM orders o WHERE (o.o_clerk = ('EUROPE'))"));
  // Numbers stay numbers (and a negative one cannot turn `-` into a comment); booleans are booleans.
  EXPECT_THAT(RewriteFor("o_shippriority - {{ user_attr('neg') }} > 0", alice),
              IsOkAndHolds("SELECT * FROM orders o WHERE (o.o_shippriority - (-2.5) > 0)"));
  EXPECT_THAT(RewriteFor("(o_shippriority < {{ user_attr('level') }}) = {{ user_attr('flag') }}", alice),
              IsOkAndHolds("SELECT * FROM orders o WHERE ((o.o_shippriority < (3)) = (TRUE))"));
  // Lists in IN; an empty list matches nothing.
  EXPECT_THAT(RewriteFor("o_orderpriority IN {{ user_attr('segments') }}", alice),
              IsOkAndHolds(
                  "SELECT * FROM orders o WHERE (o.o_orderpriority IN ('BUILDING', 'MACHINERY'))"));
  EXPECT_THAT(RewriteFor("o_custkey NOT IN {{ user_attr('ids') }}", alice),
              IsOkAndHolds("SELECT * FROM orders o WHERE (o.o_custkey NOT IN (1, 2, 3))"));
  EXPECT_THAT(RewriteFor("o_custkey IN {{ user_attr('none') }}", alice),
              IsOkAndHolds("SELECT * FROM orders o WHERE (o.o_custkey IN (NULL))"));
  EXPECT_THAT(RewriteFor("o_custkey IN ({{ user_attr('region') }})", alice),
              IsOkAndHolds("SELECT * FROM orders o WHERE (o.o_custkey IN (('EUROPE')))"));
  // Inside a string literal: the whole literal is one value.
  EXPECT_THAT(RewriteFor("o_comment LIKE '%{{ current_username() }}-{{ current_user_id() }}%'", alice),
              IsOkAndHolds("SELECT * FROM orders o WHERE (o.o_comment LIKE '%alice-7%')"));
  EXPECT_THAT(RewriteFor("o_orderdate >= DATE '{{ user_attr('since', '1995-01-01') }}'", alice),
              IsOkAndHolds("SELECT * FROM orders o WHERE (o.o_orderdate >= date '1995-01-01')"));
}

TEST(TemplateTest, DefaultsAndMissingValues) {
  Caller alice{"alice"}, bob{"bob"};
  EXPECT_THAT(RewriteFor("o_clerk = {{ user_attr('region', 'NONE') }}", bob),
              IsOkAndHolds("SELECT * FROM orders o WHERE (o.o_clerk = ('NONE'))"));
  EXPECT_THAT(RewriteFor("o_clerk = {{ user_attr('region', 'NONE') }}", alice),
              IsOkAndHolds("SELECT * FROM orders o WHERE (o.o_clerk = ('EUROPE'))"));
  EXPECT_THAT(RewriteFor("o_shippriority = {{ user_attr('level', 0) }}", bob),
              IsOkAndHolds("SELECT * FROM orders o WHERE (o.o_shippriority = (0))"));
  // No default: the request fails (never an empty string), naming the filter.
  EXPECT_THAT(RewriteFor("o_clerk = {{ user_attr('region') }}", bob),
              StatusIs(absl::StatusCode::kNotFound, "filter \"f\": user_attr('region') is not set"));
  EXPECT_THAT(RewriteFor("o_custkey = {{ current_user_id() }}", bob),
              StatusIs(absl::StatusCode::kNotFound, "current_user_id() is not set"));
  EXPECT_THAT(RewriteFor("o_comment = {{ current_user_email() }}", bob),
              StatusIs(absl::StatusCode::kNotFound, "current_user_email() is not set"));
  EXPECT_THAT(RewriteFor("o_comment LIKE '%{{ current_user_email() }}%'", bob),
              StatusIs(absl::StatusCode::kNotFound, "current_user_email() is not set"));
  {
    // The anonymous caller (here with the Reader role as the public role) has no username.
    std::string doc = PolicyWith("o_clerk = {{ current_username() }}");
    doc.insert(1, R"("public_role": "Reader", )");
    RLSQ_ASSERT_OK_AND_ASSIGN(auto engine, Engine::FromPolicyJson(doc));
    Caller anon;
    anon.anonymous = true;
    EXPECT_THAT(engine->rewrite("SELECT * FROM orders", anon),
                StatusIs(absl::StatusCode::kNotFound, "current_username() is not set"));
  }
  // Values that cannot be literals there.
  EXPECT_THAT(RewriteFor("o_clerk = {{ user_attr('segments') }}", alice),
              StatusIs(absl::StatusCode::kInvalidArgument, "a list can only be the whole of an IN list"));
  EXPECT_THAT(RewriteFor("o_clerk = {{ user_attr('obj') }}", alice),
              StatusIs(absl::StatusCode::kInvalidArgument, "JSON object"));
  EXPECT_THAT(RewriteFor("o_custkey IN {{ user_attr('nested') }}", alice),
              StatusIs(absl::StatusCode::kInvalidArgument, "JSON array"));
}

TEST(TemplateTest, OnlyTablesThatNeedAValueFail) {
  // bob has no email; a query that does not read orders does not need it.
  EXPECT_THAT(RewriteFor("o_comment = {{ current_user_email() }}", Caller{"bob"}, "SELECT * FROM nation"),
              IsOkAndHolds("SELECT * FROM nation"));
}

// ---- quoting torture (PostgreSQL) ----

// The rewritten query's literal, read back by our own parser, equals the value: nothing escaped the literal.
void ExpectRoundTrip(const std::string& value) {
  std::string caller_json;
  std::string v;
  json::AppendString(value, &v);
  caller_json = Cat(R"({"username": "x", "roles": ["Reader"], "attributes": {"v": )", v, "}}");
  for (std::string_view clause : {"o_comment = {{ user_attr('v') }}", "o_comment IN {{ user_attr('v') }}",
                                  "o_comment LIKE 'pre{{ user_attr('v') }}post'"}) {
    auto sql = RewriteFor(clause, Inline(caller_json));
    ASSERT_TRUE(sql.ok()) << sql.status();
    Arena arena;
    ParseOptions po;
    auto q = ParseQuery(*sql, po);
    ASSERT_TRUE(q.ok()) << q.status();
    // The only string literal in the query is the bound value (the WHERE holds exactly one comparison).
    std::vector<std::string> literals;
    std::function<void(ast::Node&)> walk = [&](ast::Node& n) {
      if (auto* l = n.As<ast::Literal>(); l && l->literal_kind == ast::LiteralKind::kString)
        literals.emplace_back(l->value);
      ast::EnumerateChildren(n, walk);
    };
    walk(*(*q)->query);
    ASSERT_EQ(literals.size(), 1u) << *sql;
    bool in_string = clause.find("pre") != std::string_view::npos;
    EXPECT_EQ(literals[0], in_string ? Cat("pre", value, "post") : value) << *sql;
  }
}

TEST(TemplateTest, QuotingTorturePostgres) {
  for (std::string value : {std::string("x' OR '1'='1"), std::string("'; DROP TABLE orders; --"),
                            std::string("a\\' OR 1=1 --"), std::string("back\\slash\\"), std::string("line\nbreak\r\n"),
                            std::string("tab\there"), std::string("*/ OR 1=1 /*"), std::string("$$ OR true $$"),
                            std::string("\xC3\xA9t\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"), std::string("''''"),
                            std::string("\x01\x1F\x7F"), std::string("{{ current_username() }}"), std::string()}) {
    SCOPED_TRACE(value);
    ExpectRoundTrip(value);
  }
}

TEST(TemplateTest, OneMegabyteValue) {
  std::string big(1 << 20, 'a');
  for (size_t i = 0; i < big.size(); i += 97) big[i] = '\'';
  for (size_t i = 50; i < big.size(); i += 89) big[i] = '\\';
  ExpectRoundTrip(big);
}

TEST(TemplateTest, NulIsRefused) {
  // The JSON reader refuses NUL in caller JSON and policy files; a value that holds one anyway (a library caller
  // building the context itself) is refused when bound.
  EXPECT_THAT(ParseCallerJson(R"({"username": "a\u0000b"})"), StatusIs(absl::StatusCode::kInvalidArgument, "NUL"));
  std::string name("a\0b", 3);
  std::vector<std::pair<std::string, json::Value>> attrs(1);
  attrs[0].first = "v";
  attrs[0].second = json::Value::String(name);
  policy::UserContext user;
  user.username = &name;
  user.attributes = &attrs;
  policy::TemplateValue scalar;
  scalar.macros.push_back(*policy::ParseMacro("current_username()"));
  std::string out;
  EXPECT_THAT(policy::RenderValue(scalar, user, Dialect::Postgres(), &out),
              StatusIs(absl::StatusCode::kInvalidArgument, "NUL"));
  policy::TemplateValue in_string;
  in_string.context = policy::TemplateValue::Context::kString;
  in_string.text = {"%", "%"};
  in_string.macros.push_back(*policy::ParseMacro("user_attr('v')"));
  EXPECT_THAT(policy::RenderValue(in_string, user, Dialect::Postgres(), &out),
              StatusIs(absl::StatusCode::kInvalidArgument, "NUL"));
  EXPECT_THAT(policy::ParseMacro(std::string_view("user_attr('v', 'a\0')", 20)), StatusIs(absl::StatusCode::kInvalidArgument, "NUL"));
}

TEST(TemplateTest, NonUtf8IsRefused) {
  // fuzz_policy found a policy whose attribute held the raw byte 0xba: the rewrite then held bytes PostgreSQL (and
  // rlsq's own lexer) refuse. The JSON reader refuses them now, in policies and in callers alike, naming the place.
  EXPECT_THAT(ParseCallerJson("{\"username\": \"MACHI\xba\"}"),
              StatusIs(absl::StatusCode::kInvalidArgument, "1:20: invalid byte sequence for encoding \"UTF8\": 0xba"));
  EXPECT_THAT(policy::Policy::FromJson("{\"roles\": [], \"users\": [{\"username\": \"u\", \"roles\": [],\n"
                                       "\"attributes\": {\"a\": \"\xc3\x28\"}}]}",
                                       Dialect::Postgres()),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "bad policy: JSON: 2:22: invalid byte sequence for encoding \"UTF8\": 0xc3 0x28"));
  // Values built through the API are checked when bound.
  std::string name = "caf\xe9";  // Latin-1, not UTF-8
  policy::UserContext user;
  user.username = &name;
  policy::TemplateValue scalar;
  scalar.macros.push_back(*policy::ParseMacro("current_username()"));
  std::string out;
  EXPECT_THAT(policy::RenderValue(scalar, user, Dialect::Postgres(), &out),
              StatusIs(absl::StatusCode::kInvalidArgument, "not UTF-8"));
  // Macro text with non-ASCII bytes is a clean error (Spirit's character classes are not used on them).
  EXPECT_THAT(policy::ParseMacro("user_attr\xd3('uni')"), StatusIs(absl::StatusCode::kInvalidArgument, "expected"));
  EXPECT_THAT(policy::ParseMacro("\xc3\xa9t\xc3\xa9()"), StatusIs(absl::StatusCode::kInvalidArgument, "expected"));
  RLSQ_ASSERT_OK_AND_ASSIGN(policy::Macro m, policy::ParseMacro("user_attr('r\xc3\xa9gion', '\xe2\x82\xac')"));
  EXPECT_EQ(m.key, "r\xc3\xa9gion");
  EXPECT_EQ(m.default_value, "\xe2\x82\xac");
}

// ---- inline callers ----

TEST(TemplateTest, InlineCaller) {
  Caller c = Inline(R"({"username": "zoe", "id": 42, "email": "z@x.org", "roles": ["Sales", "Reader"],
                        "attributes": {"region": "ASIA"}})");
  EXPECT_THAT(RewriteFor("o_clerk = {{ current_username() }} AND o_custkey = {{ current_user_id() }} AND "
                         "o_comment = {{ current_user_email() }} AND o_orderpriority = {{ user_attr('region') }} AND "
                         "o_orderstatus IN {{ current_user_roles() }}",
                         c),
              IsOkAndHolds("SELECT * FROM orders o WHERE (o.o_clerk = ('zoe') AND o.o_custkey = (42) AND "
                                    "o.o_comment = ('z@x.org') AND o.o_orderpriority = ('ASIA') AND "
                                    "o.o_orderstatus IN ('Reader', 'Sales'))"));
  // The inline roles decide the filters: without Reader the filter does not apply, and data access is denied.
  EXPECT_THAT(RewriteFor("o_clerk = {{ current_username() }}", Inline(R"({"username": "zoe", "roles": ["Sales"]})")),
              StatusIs(absl::StatusCode::kPermissionDenied, ""));
  EXPECT_THAT(RewriteFor("o_clerk = {{ current_username() }}", Inline(R"({"roles": ["Nope"]})")),
              StatusIs(absl::StatusCode::kNotFound, "unknown role \"Nope\""));
  EXPECT_THAT(ParseCallerJson(R"({"username": "a", "role": ["Reader"]})"),
              StatusIs(absl::StatusCode::kInvalidArgument, "unknown key \"role\""));
  EXPECT_THAT(ParseCallerJson(R"({"id": "7"})"), StatusIs(absl::StatusCode::kInvalidArgument, "integer"));
  EXPECT_THAT(ParseCallerJson(R"({"id": 7.5})"), StatusIs(absl::StatusCode::kInvalidArgument, "integer"));
  EXPECT_THAT(ParseCallerJson(R"({"attributes": []})"), StatusIs(absl::StatusCode::kInvalidArgument, "object"));
  EXPECT_THAT(ParseCallerJson("[1]"), StatusIs(absl::StatusCode::kInvalidArgument, "object"));
}

TEST(TemplateTest, InlineRoleSetsAreInternedOnce) {
  RLSQ_ASSERT_OK_AND_ASSIGN(auto p, policy::Policy::FromJson(PolicyWith("o_custkey = 1"), Dialect::Postgres()));
  RLSQ_ASSERT_OK_AND_ASSIGN(uint32_t a, p->RoleSetForNames({"Sales", "Reader"}));
  RLSQ_ASSERT_OK_AND_ASSIGN(uint32_t b, p->RoleSetForNames({"Reader", "Sales", "Reader"}));
  EXPECT_EQ(a, b);
  EXPECT_EQ(a, p->FindUser("alice")->role_set);  // known at load
  RLSQ_ASSERT_OK_AND_ASSIGN(uint32_t c, p->RoleSetForNames({"Ops"}));
  RLSQ_ASSERT_OK_AND_ASSIGN(uint32_t d, p->RoleSetForNames({"Ops"}));
  EXPECT_EQ(c, d);
  EXPECT_NE(c, a);
  EXPECT_EQ(p->role_set(c).size(), 1u);
}

TEST(TemplateTest, InlineRoleSetsConcurrently) {
  RLSQ_ASSERT_OK_AND_ASSIGN(auto engine,
                            Engine::FromPolicyJson(PolicyWith("o_clerk IN {{ current_user_roles() }}")));
  const std::vector<std::vector<std::string>> sets = {
      {"Reader"}, {"Reader", "Ops"}, {"Reader", "Sales"}, {"Reader", "Sales", "Ops"}};
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        const auto& roles = sets[(t + i) % sets.size()];
        auto id = std::make_shared<CallerIdentity>();
        id->roles = roles;
        Caller c;
        c.identity = id;
        auto r = engine->rewrite("SELECT * FROM orders", c);
        std::string want = "SELECT * FROM orders WHERE (orders.o_clerk IN (";
        std::vector<std::string> sorted = roles;
        std::sort(sorted.begin(), sorted.end());
        for (size_t k = 0; k < sorted.size(); ++k) want += Cat(k ? ", '" : "'", sorted[k], "'");
        want += "))";
        if (!r.ok() || r->sql != want) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
}

// ---- guest-token rules ----

absl::StatusOr<std::string> WithGuests(std::string_view rules_json, std::string_view sql,
                                       const Caller& caller = Caller{"alice"}) {
  RLSQ_ASSIGN_OR_RETURN(auto engine, Engine::FromPolicyJson(PolicyWith("o_custkey = {{ current_user_id() }}")));
  RewriteOptions options;
  options.verify = true;
  RLSQ_ASSIGN_OR_RETURN(options.guest_rules, ParseGuestRules(rules_json));
  RLSQ_ASSIGN_OR_RETURN(Rewrite r, engine->rewrite(sql, caller, options));
  return r.sql;
}

TEST(TemplateTest, GuestRulesCombine) {
  // ANDed after the role filters of the table they name.
  EXPECT_THAT(WithGuests(R"([{"dataset": "public.orders", "clause": "o_orderstatus = 'F'"}])",
                         "SELECT * FROM orders o JOIN customer c ON c.c_custkey = o.o_custkey"),
              IsOkAndHolds("SELECT * FROM orders o JOIN customer c ON c.c_custkey = o.o_custkey WHERE "
                                    "(o.o_custkey = (7)) AND (o.o_orderstatus = 'F')"));
  // A rule without a dataset applies to every table; several rules are all ANDed; a table without role filters
  // gets the rule alone; a rule naming another table does nothing here.
  EXPECT_THAT(WithGuests(R"([{"clause": "1 = 1"}, {"dataset": "ORDERS", "clause": "o_clerk = {{ current_username() }}"},
                            {"dataset": "lineitem", "clause": "l_tax > 0"}])",
                         "SELECT * FROM orders, nation"),
              IsOkAndHolds("SELECT * FROM orders, nation WHERE (orders.o_custkey = (7)) AND (1 = 1) AND "
                                    "(orders.o_clerk = ('alice')) AND (1 = 1)"));
  // Validated like policy clauses.
  EXPECT_THAT(WithGuests(R"([{"clause": "o.o_clerk = 'x'"}])", "SELECT * FROM orders"),
              StatusIs(absl::StatusCode::kInvalidArgument, "guest rule 1 clause: 1:1: column references must "
                                                                    "be unqualified"));
  EXPECT_THAT(WithGuests(R"([{"clause": "pg_sleep(10) IS NULL"}])", "SELECT * FROM orders"),
              StatusIs(absl::StatusCode::kInvalidArgument, "pg_sleep"));
  EXPECT_THAT(WithGuests(R"([{"clause": "true) OR (true"}])", "SELECT * FROM orders"),
              StatusIs(absl::StatusCode::kInvalidArgument, "guest rule 1 clause"));
  EXPECT_THAT(WithGuests(R"([{"clause": "o_clerk = {{ user_attr('missing') }}"}])", "SELECT * FROM orders"),
              StatusIs(absl::StatusCode::kNotFound, "guest rule 1"));
  // Unknown keys are errors: a mistyped "dataset" must not turn the rule global.
  EXPECT_THAT(ParseGuestRules(R"([{"datset": "orders", "clause": "1 = 1"}])"),
              StatusIs(absl::StatusCode::kInvalidArgument, "unknown key \"datset\""));
  EXPECT_THAT(ParseGuestRules(R"([{"dataset": "orders"}])"),
              StatusIs(absl::StatusCode::kInvalidArgument, "missing \"clause\""));
  EXPECT_THAT(ParseGuestRules(R"({"clause": "1 = 1"})"), StatusIs(absl::StatusCode::kInvalidArgument, "array"));
  EXPECT_THAT(WithGuests(R"([{"dataset": "a.b.c.d", "clause": "1 = 1"}])", "SELECT * FROM orders"),
              StatusIs(absl::StatusCode::kInvalidArgument, "guest rule 1 dataset"));
}

TEST(TemplateTest, PredicateStaysCachedAcrossCallers) {
  RLSQ_ASSERT_OK_AND_ASSIGN(auto engine, Engine::FromPolicyJson(PolicyWith("o_custkey = {{ current_user_id() }}")));
  for (int i = 0; i < 50; ++i) {
    Caller c = Inline(Cat(R"({"id": )", i, R"(, "roles": ["Reader"]})"));
    RLSQ_ASSERT_OK_AND_ASSIGN(Rewrite r, engine->rewrite("SELECT * FROM orders", c));
    EXPECT_EQ(r.sql, Cat("SELECT * FROM orders WHERE (orders.o_custkey = (", i, "))"));
  }
  EXPECT_EQ(engine->policy()->cached_predicates(), 1u);
}

}  // namespace
}  // namespace rlsq
