// Explicit resource limits: input bytes, token count and nesting depth are configurable, and exceeding one is a clean
// error that names the limit — never a crash, a stack overflow or a long stall.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "lib/parser/parser.h"
#include "rewriter/engine.h"
#include "tests/support/status_matchers.h"

namespace rlsq {
namespace {

std::string InList(int n) {
  std::string sql = "SELECT 1 FROM t WHERE x IN (";
  for (int i = 0; i < n; ++i) sql += (i ? ", " : "") + std::to_string(i);
  return sql + ")";
}

TEST(LimitsTest, InputBytes) {
  ParseOptions options;
  options.max_input_bytes = 20;
  EXPECT_THAT(ParseQuery("SELECT a, b, c FROM some_table", options),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "1:1: input is too long: 30 bytes (limit 20 bytes, ParseOptions::max_input_bytes)"));
  EXPECT_THAT(ParseExpression("a = 1 AND b = 2 AND c = 3", *std::make_unique<Arena>(), options),
              StatusIs(absl::StatusCode::kInvalidArgument, "ParseOptions::max_input_bytes"));
  RLSQ_EXPECT_OK(ParseQuery("SELECT 1", options));
}

TEST(LimitsTest, TokenCount) {
  ParseOptions options;
  options.max_tokens = 5;
  EXPECT_THAT(ParseQuery("SELECT a, b FROM t", options), StatusIs(absl::StatusCode::kInvalidArgument, ""));
  RLSQ_EXPECT_OK(ParseQuery("SELECT a FROM t", options));  // 4 tokens
  EXPECT_THAT(ParseQuery("SELECT a, b, c FROM t", options),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "1:14: input has too many tokens: more than 5 (ParseOptions::max_tokens)"));
}

TEST(LimitsTest, DefaultsRefuseHugeInputQuickly) {
  std::string huge(5 << 20, ' ');  // 5 MiB of whitespace: over the 4 MiB default
  huge.replace(0, 8, "SELECT 1");
  auto start = std::chrono::steady_clock::now();
  EXPECT_THAT(ParseQuery(huge), StatusIs(absl::StatusCode::kInvalidArgument, "input is too long"));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
  // 20,000-item IN list is within the defaults and parses.
  RLSQ_EXPECT_OK(ParseQuery(InList(20000)));
}

TEST(LimitsTest, EngineAppliesItsLimits) {
  auto policy = policy::Policy::FromJson(R"({"default_database": "db", "roles": [{"name": "R", "permissions":
      [["all_datasource_access", "all_datasource_access"]]}], "users": [{"username": "u", "roles": ["R"]}]})",
                                         Dialect::Postgres());
  RLSQ_ASSERT_OK(policy);
  ParseOptions limits;
  limits.max_tokens = 100;
  limits.max_depth = 10;
  Engine engine(*policy, 64, limits);
  EXPECT_THAT(engine.rewrite(InList(200), {"u"}), StatusIs(absl::StatusCode::kInvalidArgument, "max_tokens"));
  std::string deep = "SELECT " + std::string(20, '(') + "1" + std::string(20, ')');
  EXPECT_THAT(engine.rewrite(deep, {"u"}), StatusIs(absl::StatusCode::kInvalidArgument, "nested too deeply"));
  RLSQ_EXPECT_OK(engine.rewrite(InList(20), {"u"}));
}

}  // namespace
}  // namespace rlsq
