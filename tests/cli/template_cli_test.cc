// `rlsq rewrite --caller-json / --guest-rules` with user-aware clauses (examples/templates_policy.json): output and
// exit codes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/cli/run_rlsq.h"

namespace rlsq {
namespace {

using ::testing::HasSubstr;

const std::string kPolicy = std::string(RLSQ_SOURCE_DIR) + "/examples/templates_policy.json";

TEST(TemplateCliTest, PolicyUser) {
  Result r = RunRlsq({"rewrite", "--policy", kPolicy, "--placement", "plain", "--user", "alice", "--sql",
                      "SELECT * FROM region r, customer c, orders o"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "SELECT * FROM region r, customer c, orders o WHERE (r.r_name = ('EUROPE')) AND (c.c_mktsegment IN "
            "('BUILDING', 'MACHINERY')) AND (o.o_totalprice <= (200000) AND o.o_clerk <> ('alice'))\n");
  // bob has no region: the default applies.
  r = RunRlsq({"rewrite", "--policy", kPolicy, "--placement", "plain", "--user", "bob", "--sql", "SELECT * FROM region"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "SELECT * FROM region WHERE (region.r_name = ('NONE'))\n");
}

TEST(TemplateCliTest, CallerJson) {
  Result r = RunRlsq({"rewrite", "--policy", kPolicy, "--placement", "plain", "--caller-json",
                      R"({"username": "o'brien", "id": 3, "email": "ob@x.org", "roles": ["Analyst", "Sales"],
                          "attributes": {"region": "ASIA", "segments": [], "max_price": 1.5e5}})",
                      "--sql", "SELECT * FROM region, customer, orders, supplier"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "SELECT * FROM region, customer, orders, supplier WHERE (region.r_name = ('ASIA')) AND "
            "(customer.c_mktsegment IN (NULL)) AND (orders.o_totalprice <= (1.5e5) AND orders.o_clerk <> "
            "('o''brien')) AND (supplier.s_comment NOT LIKE '%ob@x.org%')\n");
}

TEST(TemplateCliTest, GuestRules) {
  Result r = RunRlsq({"rewrite", "--policy", kPolicy, "--placement", "plain", "--user", "alice", "--guest-rules",
                      R"([{"dataset": "public.region", "clause": "r_regionkey <> 0"},
                          {"clause": "{{ current_user_id() }} = 7"}])",
                      "--sql", "SELECT * FROM region, nation"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "SELECT * FROM region, nation WHERE (region.r_name = ('EUROPE')) AND (region.r_regionkey <> 0) AND "
            "((7) = 7) AND ((7) = 7)\n");
}

TEST(TemplateCliTest, ExitCodes) {
  // A field the template needs is missing: exit 3, nothing printed.
  Result r = RunRlsq({"rewrite", "--policy", kPolicy, "--placement", "plain", "--user", "bob", "--sql", "SELECT * FROM supplier"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.out, "");
  EXPECT_THAT(r.err, HasSubstr("filter \"comment_tag\": current_user_email() is not set"));
  r = RunRlsq({"rewrite", "--policy", kPolicy, "--placement", "plain", "--caller-json", R"({"roles": ["Analyst", "Sales"]})", "--sql",
               "SELECT * FROM customer"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_THAT(r.err, HasSubstr("user_attr('segments') is not set"));
  // Unknown role: exit 3.
  r = RunRlsq({"rewrite", "--policy", kPolicy, "--placement", "plain", "--caller-json", R"({"roles": ["Root"]})", "--sql", "SELECT 1"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_THAT(r.err, HasSubstr("unknown role \"Root\""));
  // Bad caller JSON or guest rules: refused input, exit 2.
  r = RunRlsq({"rewrite", "--policy", kPolicy, "--placement", "plain", "--caller-json", R"({"user": "x"})", "--sql", "SELECT 1"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("unknown key \"user\""));
  r = RunRlsq({"rewrite", "--policy", kPolicy, "--placement", "plain", "--user", "alice", "--guest-rules",
               R"([{"datasets": "orders", "clause": "false"}])", "--sql", "SELECT 1"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("unknown key \"datasets\""));
  r = RunRlsq({"rewrite", "--policy", kPolicy, "--placement", "plain", "--user", "alice", "--guest-rules",
               R"([{"clause": "1 = 1 OR {{ nope() }}"}])", "--sql", "SELECT * FROM nation"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("guest rule 1 clause"));
  // NUL in a value: refused.
  r = RunRlsq({"rewrite", "--policy", kPolicy, "--placement", "plain", "--caller-json",
               R"({"roles": ["Analyst"], "attributes": {"region": "a\u0000"}})", "--sql", "SELECT * FROM region"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("NUL"));
  // Exactly one way to name the caller.
  r = RunRlsq({"rewrite", "--policy", kPolicy, "--placement", "plain", "--user", "alice", "--caller-json", "{}", "--sql", "SELECT 1"});
  EXPECT_EQ(r.exit_code, 1);
  // A policy whose template is unknown: exit 4, naming the filter.
  auto dir = std::filesystem::temp_directory_path() / ("rlsq_tmpl_cli_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  {
    std::ofstream out(dir / "p.json");
    out << R"({"roles": [{"name": "A"}], "rls_filters": [{"name": "tenant", "filter_type": "Regular",
               "tables": ["orders"], "roles": ["A"], "clause": "o_custkey = {{ current_tenant() }}"}]})";
  }
  r = RunRlsq({"rewrite", "--policy", (dir / "p.json").string(), "--anonymous", "--sql", "SELECT 1"});
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_THAT(r.err, HasSubstr("filter \"tenant\" clause: 1:13: unknown template macro \"current_tenant\""));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace rlsq
