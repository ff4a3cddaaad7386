// The dialect a policy is read in: the document's `dialect` and `dialect_options`, the caller's request, and how
// the two agree (policy::ChoosePolicyDialect); and that a query is rewritten only in its policy's dialect.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "lib/dialect/dialect.h"
#include "lib/policy/policy.h"
#include "rewriter/engine.h"
#include "lib/common/str_cat.h"
#include "tests/support/status_matchers.h"

namespace rlsq {
namespace {

using ::testing::HasSubstr;

// Superset's security page's own examples, written for MySQL: a double-quoted string and DATE_SUB ... INTERVAL.
std::string PolicyJson(std::string_view dialect_keys) {
  return Cat("{", dialect_keys, R"json(
    "default_schema": "shop", "default_database": "shop",
    "roles": [{"name": "Ads", "permissions": [["schema_access", "[shop].[shop]"]]}],
    "users": [{"username": "ann", "roles": ["Ads"]}],
    "rls_filters": [
      {"name": "advertiser", "filter_type": "Regular", "tables": ["campaigns"], "roles": ["Ads"],
       "clause": "client_id = 6 AND advertiser=\"foo\""},
      {"name": "recent", "filter_type": "Regular", "tables": ["events"], "roles": ["Ads"],
       "clause": "date_field > DATE_SUB(NOW(), INTERVAL 30 DAY)"}
    ]})json");
}

Caller Ann() {
  Caller c;
  c.username = "ann";
  return c;
}

std::string Rewritten(const Engine& engine, std::string_view sql, RewriteOptions options = {}) {
  options.placement = policy::PlacementMode::kPlain;
  auto r = engine.rewrite(sql, Ann(), options);
  return r.ok() ? r->sql : Cat("error: ", r.status().message());
}

TEST(PolicyDialectTest, TheDocumentNamesItsDialect) {
  auto engine = Engine::FromPolicyJson(PolicyJson(R"("dialect": "mariadb",)"));
  RLSQ_ASSERT_OK(engine.status());
  EXPECT_EQ((*engine)->policy()->dialect().name(), "mariadb");
  // "foo" is a string in MariaDB's default sql_mode, and the clause is printed as MariaDB reads it.
  EXPECT_EQ(Rewritten(**engine, "SELECT * FROM `campaigns` LIMIT 5, 10"),
            "SELECT * FROM `campaigns` WHERE (campaigns.client_id = 6 AND campaigns.advertiser = 'foo') LIMIT 5, 10");
  EXPECT_EQ(Rewritten(**engine, "SELECT COUNT(*) FROM events"),
            "SELECT COUNT(*) FROM events WHERE (`events`.date_field > DATE_SUB(NOW(), INTERVAL 30 DAY))");
}

TEST(PolicyDialectTest, DialectOptionsChangeHowTheClausesRead) {
  // Under ANSI_QUOTES "foo" is a column: the clause compares two columns.
  auto engine = Engine::FromPolicyJson(
      PolicyJson(R"("dialect": "mariadb", "dialect_options": {"sql_mode": "ANSI_QUOTES"},)"));
  RLSQ_ASSERT_OK(engine.status());
  EXPECT_EQ((*engine)->policy()->dialect().configuration(), Dialect::Make("mariadb", {{"sql_mode", "ansi_quotes"}}).value()->configuration());
  EXPECT_EQ(Rewritten(**engine, "SELECT * FROM campaigns"),
            "SELECT * FROM campaigns WHERE (campaigns.client_id = 6 AND campaigns.advertiser = campaigns.foo)");
  // And the queries are read the same way: "campaigns" is the table.
  EXPECT_EQ(Rewritten(**engine, "SELECT * FROM \"campaigns\""),
            "SELECT * FROM \"campaigns\" WHERE (campaigns.client_id = 6 AND campaigns.advertiser = campaigns.foo)");
  // lower_case_table_names as a JSON number.
  auto folded = Engine::FromPolicyJson(
      PolicyJson(R"("dialect": "mariadb", "dialect_options": {"lower_case_table_names": 1},)"));
  RLSQ_ASSERT_OK(folded.status());
  EXPECT_THAT(Rewritten(**folded, "SELECT * FROM CAMPAIGNS"), HasSubstr("advertiser = 'foo'"));
}

TEST(PolicyDialectTest, WithoutADialectThePolicyIsPostgres) {
  // PostgreSQL reads "foo" as a column, and has no DATE_SUB: the policy does not load.
  auto engine = Engine::FromPolicyJson(PolicyJson(""));
  ASSERT_FALSE(engine.ok());
  EXPECT_THAT(engine.status().message(), HasSubstr("recent"));
  // A caller's request applies to a document that names no dialect.
  auto maria = Engine::FromPolicyJson(PolicyJson(""), *Dialect::Find("mariadb"));
  RLSQ_ASSERT_OK(maria.status());
  EXPECT_EQ((*maria)->policy()->dialect().name(), "mariadb");
}

TEST(PolicyDialectTest, TheCallerAndTheDocumentMustAgree) {
  const std::string doc = PolicyJson(R"("dialect": "mariadb", "dialect_options": {"sql_mode": "ANSI_QUOTES"},)");
  // Another dialect.
  auto pg = policy::Policy::FromJson(doc, Dialect::Postgres());
  ASSERT_FALSE(pg.ok());
  EXPECT_THAT(pg.status().message(), HasSubstr("the policy is written for mariadb (line 1, column 13) but the caller "
                                               "asked for postgres"));
  // The same dialect without settings: the document's settings stand.
  auto plain = policy::Policy::FromJson(doc, *Dialect::Find("mariadb"));
  RLSQ_ASSERT_OK(plain.status());
  EXPECT_EQ(&(*plain)->dialect(), Dialect::Make("mariadb", {{"sql_mode", "ANSI_QUOTES"}}).value());
  // The same settings, written otherwise.
  RLSQ_EXPECT_OK(policy::Policy::FromJson(doc, *Dialect::Make("mariadb", {{"sql_mode", "ansi_quotes"}}).value()).status());
  // A document that names the dialect without settings takes the caller's.
  auto pinned = policy::Policy::FromJson(PolicyJson(R"("dialect": "mariadb",)"),
                                         *Dialect::Make("mariadb", {{"sql_mode", "ANSI_QUOTES"}}).value());
  RLSQ_ASSERT_OK(pinned.status());
  EXPECT_EQ(&(*pinned)->dialect(), Dialect::Make("mariadb", {{"sql_mode", "ANSI_QUOTES"}}).value());
  // An empty dialect_options states the defaults.
  EXPECT_FALSE(policy::Policy::FromJson(PolicyJson(R"("dialect": "mariadb", "dialect_options": {},)"),
                                        *Dialect::Make("mariadb", {{"sql_mode", "ANSI_QUOTES"}}).value())
                   .ok());
  // Other settings.
  auto other = policy::Policy::FromJson(doc, *Dialect::Make("mariadb", {{"sql_mode", "PIPES_AS_CONCAT"}}).value());
  ASSERT_FALSE(other.ok());
  EXPECT_THAT(other.status().message(), HasSubstr("the caller's dialect settings (mariadb pipes_as_concat"));
  EXPECT_THAT(other.status().message(), HasSubstr("differ from the policy's (mariadb ansi_quotes"));
}

TEST(PolicyDialectTest, BadDialectKeysAreRefused) {
  auto load = [](std::string_view keys) { return policy::Policy::FromJson(PolicyJson(keys)).status(); };
  auto text = [&](std::string_view keys) { return std::string(load(keys).message()); };
  EXPECT_THAT(text(R"("dialect": "oracle",)"), HasSubstr("unknown dialect \"oracle\""));
  EXPECT_THAT(text(R"("dialect": 3,)"), HasSubstr("field \"dialect\" must be a string"));
  EXPECT_THAT(text(R"("dialect_options": {"sql_mode": "ANSI_QUOTES"},)"),
              HasSubstr("\"dialect_options\" needs \"dialect\""));
  EXPECT_THAT(text(R"("dialect": "mariadb", "dialect_options": {"sql_mode": "ORACLE"},)"),
              HasSubstr("sql_mode oracle is not supported"));
  EXPECT_THAT(text(R"("dialect": "mariadb", "dialect_options": {"colour": "blue"},)"),
              HasSubstr("colour"));
  EXPECT_THAT(text(R"("dialect": "mariadb", "dialect_options": {"lower_case_table_names": true},)"),
              HasSubstr("must be a string or a number"));
  EXPECT_THAT(text(R"("dialect": "mariadb", "dialect_options": ["ANSI_QUOTES"],)"),
              HasSubstr("field \"dialect_options\" must be an object"));
  EXPECT_THAT(text(R"("dialect": "postgres", "dialect_options": {"sql_mode": "ANSI_QUOTES"},)"),
              HasSubstr("unknown dialect option \"sql_mode\" for postgres"));
  for (auto keys : {R"("dialect": "oracle",)", R"("dialect_options": {},)"})
    EXPECT_EQ(load(keys).code(), absl::StatusCode::kFailedPrecondition) << keys;
}

TEST(PolicyDialectTest, AQueryIsRewrittenOnlyInItsPolicysDialect) {
  auto engine = Engine::FromPolicyJson(
      PolicyJson(R"("dialect": "mariadb", "dialect_options": {"sql_mode": "ANSI_QUOTES"},)"));
  RLSQ_ASSERT_OK(engine.status());
  RewriteOptions options;
  options.dialect = Dialect::Find("mariadb");  // naming the dialect without settings names the policy's
  EXPECT_THAT(Rewritten(**engine, "SELECT * FROM \"campaigns\"", options), HasSubstr("campaigns.foo"));
  options.dialect = &Dialect::Postgres();
  EXPECT_THAT(Rewritten(**engine, "SELECT * FROM campaigns", options),
              HasSubstr("error: the query's dialect (postgres) is not the policy's"));
  options.dialect = Dialect::Find("mysql");
  EXPECT_THAT(Rewritten(**engine, "SELECT * FROM campaigns", options), HasSubstr("is not the policy's"));
  options.dialect = Dialect::Make("mariadb", {{"sql_mode", "NO_BACKSLASH_ESCAPES"}}).value();
  EXPECT_THAT(Rewritten(**engine, "SELECT * FROM campaigns", options), HasSubstr("is not the policy's"));
  auto key = (*engine)->cache_key(Ann(), options);
  EXPECT_FALSE(key.ok());
}

TEST(PolicyDialectTest, DigestsDifferWithTheDialect) {
  const std::string doc = PolicyJson(R"("dialect": "mariadb",)");
  auto a = policy::Policy::FromJson(doc);
  auto b = policy::Policy::FromJson(doc, *Dialect::Find("mariadb"));
  auto c = policy::Policy::FromJson(PolicyJson(""), *Dialect::Find("mariadb"));
  auto d = policy::Policy::FromJson(PolicyJson(""), *Dialect::Make("mariadb", {{"server_version", "10.11.6"}}).value());
  RLSQ_ASSERT_OK(a.status());
  RLSQ_ASSERT_OK(b.status());
  RLSQ_ASSERT_OK(c.status());
  RLSQ_ASSERT_OK(d.status());
  EXPECT_NE((*c)->digest(), (*d)->digest());  // the same text read with other settings
  EXPECT_NE((*a)->digest(), (*c)->digest());
}

TEST(PolicyDialectTest, AReloadAsksForWhatTheFirstLoadAskedFor) {
  const auto path = std::filesystem::temp_directory_path() / ("rlsq_policy_dialect_" + std::to_string(getpid()) + ".json");
  auto write = [&](const std::string& text) { std::ofstream(path) << text; };
  write(PolicyJson(R"("dialect": "mariadb",)"));
  // Asked for nothing: each load reads the document's own dialect.
  auto free = Engine::FromPolicyFile(path.string());
  RLSQ_ASSERT_OK(free.status());
  // Asked for mariadb: a document that turns to postgres fails to load and the current policy stays.
  auto pinned = Engine::FromPolicyFile(path.string(), *Dialect::Find("mariadb"));
  RLSQ_ASSERT_OK(pinned.status());
  write(PolicyJson(R"("dialect": "mariadb", "dialect_options": {"sql_mode": "ANSI_QUOTES"},)"));
  RLSQ_ASSERT_OK((*free)->ReloadFromFile(path.string()));
  EXPECT_THAT(Rewritten(**free, "SELECT * FROM campaigns"), HasSubstr("campaigns.foo"));
  RLSQ_ASSERT_OK((*pinned)->ReloadFromFile(path.string()));  // mariadb without settings takes the document's
  EXPECT_THAT(Rewritten(**pinned, "SELECT * FROM campaigns"), HasSubstr("campaigns.foo"));
  write(R"({"dialect": "postgres", "users": []})");
  RLSQ_EXPECT_OK((*free)->ReloadFromFile(path.string()));
  absl::Status s = (*pinned)->ReloadFromFile(path.string());
  EXPECT_THAT(s.message(), HasSubstr("the policy is written for postgres"));
  EXPECT_THAT(Rewritten(**pinned, "SELECT * FROM campaigns"), HasSubstr("campaigns.foo"));
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace rlsq
