// YAML policy files (lib/json/yaml.h): the JSON policy's shape and strictness, with line:column errors.
#include "lib/json/yaml.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "lib/policy/policy.h"
#include "rewriter/engine.h"
#include "tests/support/status_matchers.h"

namespace rlsq {
namespace {

using json::Value;
using ::testing::HasSubstr;

constexpr const char* kYaml = R"y(# The JSON policy of kJson below, in YAML.
default_database: tpch
roles:
  - name: Finance
    permissions:
      - [schema_access, "[tpch].[public]"]
  - name: EU
    permissions:
      - - datasource_access
        - "[tpch].[public].[nation]"
users:
  - username: alice
    id: 7
    email: alice@example.com
    roles: [Finance, EU]
    attributes: {region: EUROPE, level: 3, active: true, note: null}
rls_filters:
  - name: eu only
    filter_type: Regular
    tables: [nation]
    roles: [EU]
    group_key: region
    clause: n_regionkey = 3
  - name: "big customers"
    filter_type: Base
    tables: ["orders"]
    roles: []
    clause: |
      o_totalprice > 1000
      AND o_orderstatus <> 'F'
)y";

constexpr const char* kJson = R"j({
  "default_database": "tpch",
  "roles": [{"name": "Finance", "permissions": [["schema_access", "[tpch].[public]"]]},
            {"name": "EU", "permissions": [["datasource_access", "[tpch].[public].[nation]"]]}],
  "users": [{"username": "alice", "id": 7, "email": "alice@example.com", "roles": ["Finance", "EU"],
             "attributes": {"region": "EUROPE", "level": 3, "active": true, "note": null}}],
  "rls_filters": [
    {"name": "eu only", "filter_type": "Regular", "tables": ["nation"], "roles": ["EU"], "group_key": "region",
     "clause": "n_regionkey = 3"},
    {"name": "big customers", "filter_type": "Base", "tables": ["orders"], "roles": [],
     "clause": "o_totalprice > 1000\nAND o_orderstatus <> 'F'\n"}]
})j";

TEST(YamlTest, ReadsTheSameTreeAsJson) {
  RLSQ_ASSERT_OK_AND_ASSIGN(Value yaml, json::ParseYaml(kYaml));
  RLSQ_ASSERT_OK_AND_ASSIGN(Value js, json::Parse(kJson));
  std::string a, b;
  json::AppendValue(yaml, &a);
  json::AppendValue(js, &b);
  EXPECT_EQ(a, b);
  // Positions are the YAML's.
  const Value* users = yaml.Find("users");
  ASSERT_NE(users, nullptr);
  EXPECT_EQ(users->items()[0].Find("id")->line(), 13u);
  EXPECT_EQ(users->items()[0].Find("id")->column(), 9u);
}

TEST(YamlTest, PolicyFromYamlRewritesAsTheJsonPolicy) {
  auto yaml_policy = policy::Policy::FromYaml(kYaml, Dialect::Postgres());
  ASSERT_TRUE(yaml_policy.ok()) << yaml_policy.status();
  auto from_yaml = std::make_unique<Engine>(*yaml_policy);
  auto from_json = Engine::FromPolicyJson(kJson);
  ASSERT_TRUE(from_json.ok()) << from_json.status();
  for (const char* sql : {"SELECT n_name FROM nation", "SELECT count(*) FROM orders o LEFT JOIN nation n ON true"}) {
    auto a = from_yaml->rewrite(sql, Caller{"alice"});
    auto b = (*from_json)->rewrite(sql, Caller{"alice"});
    ASSERT_TRUE(a.ok()) << a.status();
    ASSERT_TRUE(b.ok()) << b.status();
    EXPECT_EQ(a->sql, b->sql);
    EXPECT_NE(a->sql, sql);
  }
}

TEST(YamlTest, ScalarsAreTypedStrictly) {
  RLSQ_ASSERT_OK_AND_ASSIGN(Value v, json::ParseYaml("a: 12\nb: '12'\nc: -1.5e3\nd: ~\ne:\nf: TRUE\ng: yes\n"
                                                    "h: !!str 12\ni: \"x: y\"\nj: 2024-01-01\n"));
  EXPECT_TRUE(v.Find("a")->is_number());
  EXPECT_EQ(v.Find("a")->text(), "12");
  EXPECT_TRUE(v.Find("b")->is_string());
  EXPECT_TRUE(v.Find("c")->is_number());
  EXPECT_TRUE(v.Find("d")->is_null());
  EXPECT_TRUE(v.Find("e")->is_null());
  EXPECT_EQ(v.Find("f")->type(), Value::Type::kBool);
  EXPECT_TRUE(v.Find("f")->boolean());
  EXPECT_TRUE(v.Find("g")->is_string());  // YAML 1.2: "yes" is a string
  EXPECT_TRUE(v.Find("h")->is_string());
  EXPECT_EQ(v.Find("i")->text(), "x: y");
  EXPECT_TRUE(v.Find("j")->is_string());
  // Numbers JSON cannot write are errors, not strings.
  for (const char* bad : {"a: 0x1F", "a: 0o17", "a: +1", "a: .5", "a: .inf", "a: 007", "a: 1."})
    EXPECT_THAT(json::ParseYaml(bad), StatusIs(absl::StatusCode::kInvalidArgument, "1:4: YAML reads")) << bad;
}

TEST(YamlTest, RefusesWhatAPolicyCannotMean) {
  EXPECT_THAT(json::ParseYaml("a: 1\nb: 2\na: 3\n"), StatusIs(absl::StatusCode::kInvalidArgument, "3:1: duplicate key \"a\""));
  EXPECT_THAT(json::ParseYaml("a: &x 1\nb: *x\n"), StatusIs(absl::StatusCode::kInvalidArgument, "anchors"));
  EXPECT_THAT(json::ParseYaml("a: 1\n---\nb: 2\n"), StatusIs(absl::StatusCode::kInvalidArgument, "more than one"));
  EXPECT_THAT(json::ParseYaml(""), StatusIs(absl::StatusCode::kInvalidArgument, "empty YAML document"));
  EXPECT_THAT(json::ParseYaml("a: !custom 1\n"), StatusIs(absl::StatusCode::kInvalidArgument, "unsupported YAML tag"));
  EXPECT_THAT(json::ParseYaml("? [a, b]\n: 1\n"), StatusIs(absl::StatusCode::kInvalidArgument, "mapping key"));
  EXPECT_THAT(json::ParseYaml("a: [1, 2\nb: 3\n"), StatusIs(absl::StatusCode::kInvalidArgument, "2:2: end of sequence flow not found"));
  EXPECT_THAT(json::ParseYaml("a: \"\xff\"\n"), StatusIs(absl::StatusCode::kInvalidArgument, "1:5: invalid byte sequence"));
  std::string deep;
  for (int i = 0; i < 100; ++i) deep += "[";
  EXPECT_FALSE(json::ParseYaml(deep).ok());
}

TEST(YamlTest, PolicyErrorsNameTheYamlPlace) {
  auto load = [](const char* yaml) { return policy::Policy::FromYaml(yaml, Dialect::Postgres()).status(); };
  EXPECT_THAT(load("roles:\n  - name: R\n    permisions: []\n"),
              StatusIs(absl::StatusCode::kFailedPrecondition, "unknown field \"permisions\" (line 3, column 17)"));
  EXPECT_THAT(load("roles: [{name: R}]\nrls_filters:\n  - {name: f, filter_type: Regular, tables: [t], roles: [R],\n"
                   "     group_key: 2024, clause: a = 1}\n"),
              StatusIs(absl::StatusCode::kFailedPrecondition, "field \"group_key\" must be a string, not a number (line 4, column 17)"));
  EXPECT_THAT(load("roles: [\n"), StatusIs(absl::StatusCode::kFailedPrecondition, "bad policy: YAML: "));
}

TEST(YamlTest, FromFileReadsYamlByItsName) {
  const std::string path = ::testing::TempDir() + "/policy.yaml";
  {
    std::ofstream out(path);
    out << kYaml;
  }
  RLSQ_ASSERT_OK_AND_ASSIGN(auto p, policy::Policy::FromFile(path, Dialect::Postgres()));
  EXPECT_EQ(p->filters().size(), 2u);
  EXPECT_EQ(p->FindUser("alice")->id, 7);
  // The same text under a .json name is read as JSON, and is not JSON.
  const std::string json_path = ::testing::TempDir() + "/policy.json";
  {
    std::ofstream out(json_path);
    out << kYaml;
  }
  EXPECT_THAT(policy::Policy::FromFile(json_path, Dialect::Postgres()).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition, "bad policy: JSON"));
  std::remove(path.c_str());
  std::remove(json_path.c_str());
}

}  // namespace
}  // namespace rlsq
