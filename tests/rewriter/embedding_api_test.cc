// What the bindings (capi/, python/) rely on in rewriter/engine.h: DescribeError, cache_key, the policy's datasets
// for guest rules by dataset id, search_path_unknown and plan_cache_only.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "lib/common/str_cat.h"
#include "rewriter/engine.h"
#include "tests/support/status_matchers.h"

namespace rlsq {
namespace {

constexpr const char* kPolicy = R"j({
  "default_database": "tpch",
  "roles": [{"name": "R", "permissions": [["schema_access", "[tpch].[public]"], ["schema_access", "[other].[public]"]]},
            {"name": "S", "permissions": [["schema_access", "[tpch].[public]"]]},
            {"name": "Auditor", "permissions": [["datasource_access", "[tpch].[public].[orders]"]]}],
  "users": [{"username": "u", "roles": ["R"]}, {"username": "v", "roles": ["R"]}, {"username": "w", "roles": ["S"]},
            {"username": "a", "roles": ["Auditor"]}],
  "datasets": [{"id": 12, "table": "orders"}, {"id": 13, "table": "public.customer", "database": "other"}],
  "rls_filters": [{"name": "f", "filter_type": "Regular", "tables": ["orders"], "roles": ["R"],
                   "clause": "o_custkey < 100"}]
})j";

std::unique_ptr<Engine> Make(const char* json = kPolicy) {
  auto e = Engine::FromPolicyJson(json);
  EXPECT_TRUE(e.ok()) << e.status();
  return e.ok() ? std::move(*e) : nullptr;
}

TEST(DescribeErrorTest, KindsPlacesAndTables) {
  auto e = Make();
  ErrorInfo syntax = DescribeError(e->rewrite("SELECT 1\nFROM WHERE", Caller{"u"}).status());
  EXPECT_EQ(syntax.kind, ErrorInfo::Kind::kQueryRefused);
  EXPECT_EQ(syntax.line, 2u);
  EXPECT_EQ(syntax.column, 6u);
  ErrorInfo denied =
      DescribeError(e->rewrite("SELECT 1 FROM nation, region, orders", Caller{"a"}).status());
  EXPECT_EQ(denied.kind, ErrorInfo::Kind::kAccessDenied);
  EXPECT_EQ(denied.tables, (std::vector<std::string>{"public.nation", "public.region"}));
  EXPECT_EQ(denied.line, 0u);
  ErrorInfo system = DescribeError(e->rewrite("SELECT * FROM pg_authid", Caller{"u"}).status());
  EXPECT_EQ(system.kind, ErrorInfo::Kind::kAccessDenied);
  EXPECT_EQ(system.line, 1u);
  EXPECT_EQ(system.column, 15u);
  EXPECT_TRUE(system.tables.empty());
  EXPECT_EQ(DescribeError(e->rewrite("SELECT 1", Caller{"nobody"}).status()).kind, ErrorInfo::Kind::kUnknownUser);
  EXPECT_EQ(DescribeError(Engine::FromPolicyJson("{").status()).kind, ErrorInfo::Kind::kPolicyError);
  EXPECT_EQ(DescribeError(absl::InternalError("x")).kind, ErrorInfo::Kind::kInternal);
  // SQLSTATEs, as the sidecar and the proxy report them.
  EXPECT_EQ(syntax.sqlstate, "42601");
  EXPECT_EQ(denied.sqlstate, "42501");
  EXPECT_EQ(DescribeError(e->rewrite("DELETE FROM nation", Caller{"u"}).status()).sqlstate, "42601");
  EXPECT_EQ(DescribeError(e->rewrite("SELECT count(*) FROM pg_temp.nation", Caller{"u"}).status()).sqlstate, "0A000");
  EXPECT_EQ(DescribeError(e->rewrite("SELECT 1", Caller{"nobody"}).status()).sqlstate, "28000");
  EXPECT_EQ(DescribeError(Engine::FromPolicyJson("{").status()).sqlstate, "F0000");
  EXPECT_EQ(DescribeError(absl::InternalError("x")).sqlstate, "XX000");
  // A message that merely starts with digits is not a place.
  ErrorInfo odd = DescribeError(absl::InvalidArgumentError("12 tables"));
  EXPECT_EQ(odd.line, 0u);
}

TEST(CacheKeyTest, EqualOnlyForTheSameFilters) {
  auto e = Make();
  auto key = [&](const Caller& c, RewriteOptions o = {}) {
    auto k = e->cache_key(c, o);
    EXPECT_TRUE(k.ok()) << k.status();
    return k.ok() ? *k : std::string();
  };
  const std::string u = key(Caller{"u"});
  EXPECT_EQ(u.size(), 64u);
  EXPECT_EQ(u, key(Caller{"u"}));
  EXPECT_EQ(u, key(Caller{"v"}));  // same role set, no templates: same filters
  EXPECT_NE(u, key(Caller{"w"}));
  RewriteOptions guests;
  guests.guest_rules = {GuestRule{"", "true"}};
  EXPECT_NE(u, key(Caller{"u"}, guests));
  RewriteOptions db;
  db.database = "other";
  EXPECT_NE(u, key(Caller{"u"}, db));
  RewriteOptions unknown;
  unknown.search_path_unknown = true;
  EXPECT_NE(u, key(Caller{"u"}, unknown));
  EXPECT_THAT(e->cache_key(Caller{"nobody"}), StatusIs(absl::StatusCode::kNotFound, "nobody"));
  // With a templated clause the caller's fields are part of the key.
  auto templated = Make(R"j({"default_database": "tpch",
      "roles": [{"name": "R", "permissions": [["schema_access", "[tpch].[public]"]]}],
      "users": [{"username": "u", "roles": ["R"]}, {"username": "v", "roles": ["R"]}],
      "rls_filters": [{"name": "f", "filter_type": "Regular", "tables": ["orders"], "roles": ["R"],
                       "clause": "o_clerk = '{{ current_username() }}'"}]})j");
  EXPECT_NE(*templated->cache_key(Caller{"u"}), *templated->cache_key(Caller{"v"}));
  // Another policy text, another key; the same text in another engine, the same key (no per-process seed).
  EXPECT_NE(u, *templated->cache_key(Caller{"u"}));
  EXPECT_EQ(u, *Make()->cache_key(Caller{"u"}));
}

TEST(GuestRulesByDatasetIdTest, TheDatasetsKeyMapsIdsToTables) {
  auto e = Make();
  RewriteOptions o;
  auto rules = ParseGuestRules(R"([{"dataset": 12, "clause": "o_orderkey < 5"}, {"dataset": "12", "clause": "true"},
                                   {"dataset": null, "clause": "1 = 1"}])");
  RLSQ_ASSERT_OK(rules.status());
  o.guest_rules = *rules;
  RLSQ_ASSERT_OK_AND_ASSIGN(Rewrite r, e->rewrite("SELECT 1 FROM orders", Caller{"u"}, o));
  EXPECT_EQ(r.sql, "SELECT 1 FROM orders WHERE (orders.o_custkey < 100) AND (orders.o_orderkey < 5) AND (TRUE) AND "
                   "(1 = 1)");
  // Dataset 13 belongs to database "other": its rule does not apply to tpch's customer.
  o.guest_rules = {GuestRule{"13", "c_custkey < 0"}};
  RLSQ_ASSERT_OK_AND_ASSIGN(Rewrite c, e->rewrite("SELECT 1 FROM customer", Caller{"u"}, o));
  EXPECT_EQ(c.sql, "SELECT 1 FROM customer");
  o.database = "other";
  RLSQ_ASSERT_OK_AND_ASSIGN(Rewrite other, e->rewrite("SELECT 1 FROM customer", Caller{"u"}, o));
  EXPECT_EQ(other.sql, "SELECT 1 FROM customer WHERE (customer.c_custkey < 0)");
  // An id the policy does not declare is refused, never dropped.
  o.guest_rules = {GuestRule{"99", "true"}};
  EXPECT_THAT(e->rewrite("SELECT 1 FROM orders", Caller{"u"}, o),
              StatusIs(absl::StatusCode::kInvalidArgument, "names dataset 99, which the policy does not declare"));
  EXPECT_THAT(ParseGuestRules(R"([{"dataset": 1.5, "clause": "true"}])"),
              StatusIs(absl::StatusCode::kInvalidArgument, "dataset id"));
  // Policy errors of the datasets key.
  for (const char* bad : {R"j({"datasets": [{"id": -1, "table": "orders"}]})j",
                          R"j({"datasets": [{"id": 1, "table": "orders"}, {"id": 1, "table": "lineitem"}]})j",
                          R"j({"datasets": [{"id": 1}]})j", R"j({"datasets": [{"id": 1, "table": "o", "x": 1}]})j"})
    EXPECT_THAT(Engine::FromPolicyJson(bad), StatusIs(absl::StatusCode::kFailedPrecondition, "")) << bad;
}

TEST(SearchPathUnknownTest, UnqualifiedRelationsAreRefused) {
  auto e = Make();
  RewriteOptions o;
  o.search_path_unknown = true;
  EXPECT_THAT(e->rewrite("SELECT 1 FROM orders", Caller{"u"}, o),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "1:15: relation orders is not schema-qualified, and the connection's search path is not known"));
  EXPECT_THAT(e->rewrite("SELECT 1 FROM pg_class", Caller{"u"}, o),
              StatusIs(absl::StatusCode::kInvalidArgument, "not schema-qualified"));
  RLSQ_ASSERT_OK_AND_ASSIGN(Rewrite q, e->rewrite("SELECT 1 FROM public.orders", Caller{"u"}, o));
  EXPECT_EQ(q.sql, "SELECT 1 FROM public.orders WHERE (orders.o_custkey < 100)");
  // Plans made for a known path are not reused for an unknown one, and back.
  RLSQ_EXPECT_OK(e->rewrite("SELECT 1 FROM orders", Caller{"u"}).status());
  EXPECT_THAT(e->rewrite("SELECT 1 FROM orders", Caller{"u"}, o), StatusIs(absl::StatusCode::kInvalidArgument, ""));
  RLSQ_EXPECT_OK(e->rewrite("SELECT 1 FROM orders", Caller{"u"}).status());
}

TEST(PlanCacheOnlyTest, OnlyCachedPlansAndNoMissCounted) {
  auto e = Make();
  RewriteOptions probe;
  probe.plan_cache_only = true;
  EXPECT_THAT(e->rewrite("SELECT 1 FROM orders", Caller{"u"}, probe), StatusIs(absl::StatusCode::kUnavailable, ""));
  EXPECT_EQ(e->plan_cache_misses(), 0u);
  RLSQ_EXPECT_OK(e->rewrite("SELECT 1 FROM orders", Caller{"u"}).status());
  EXPECT_EQ(e->plan_cache_misses(), 1u);
  RLSQ_ASSERT_OK_AND_ASSIGN(Rewrite hit, e->rewrite("SELECT 1 FROM orders", Caller{"u"}, probe));
  EXPECT_EQ(hit.sql, "SELECT 1 FROM orders WHERE (orders.o_custkey < 100)");
  EXPECT_EQ(e->plan_cache_hits(), 1u);
  // Errors other than a miss are the rewrite's own.
  RLSQ_EXPECT_OK(e->rewrite("SELECT 1 FROM nation", Caller{"a"}).status().code() == absl::StatusCode::kPermissionDenied
                     ? absl::OkStatus()
                     : absl::InternalError("expected PermissionDenied"));
}

// A filter whose table names its database applies to that database only (issue 13: the filter used to lose its
// database and filter every database's table of that name). Filters naming no database apply everywhere, and a
// database's own filters come with them.
TEST(DatabaseScopedFiltersTest, AFilterNamingItsDatabaseAppliesThereOnly) {
  auto e = Make(R"j({"default_database": "tpch",
      "roles": [{"name": "R", "permissions": [["schema_access", "[tpch].[public]"],
                                              ["schema_access", "[staging].[public]"],
                                              ["schema_access", "[Staging].[public]"]]}],
      "users": [{"username": "u", "roles": ["R"]}],
      "rls_filters": [
        {"name": "staging_only", "filter_type": "Regular", "tables": ["staging.public.orders"], "roles": ["R"],
         "clause": "o_custkey < 10"},
        {"name": "everywhere", "filter_type": "Regular", "tables": ["orders"], "roles": ["R"],
         "clause": "o_orderkey > 0"},
        {"name": "tpch_lineitem", "filter_type": "Regular", "tables": ["tpch.public.lineitem"], "roles": ["R"],
         "clause": "l_quantity < 5"}]})j");
  ASSERT_NE(e, nullptr);
  auto sql = [&](std::string_view q, std::string database) {
    RewriteOptions o;
    o.database = std::move(database);
    auto r = e->rewrite(q, Caller{"u"}, o);
    return r.ok() ? r->sql : r.status().ToString();
  };
  EXPECT_EQ(sql("SELECT 1 FROM orders", "tpch"), "SELECT 1 FROM orders WHERE (orders.o_orderkey > 0)");
  EXPECT_EQ(sql("SELECT 1 FROM orders", "staging"),
            "SELECT 1 FROM orders WHERE (orders.o_custkey < 10) AND (orders.o_orderkey > 0)");
  EXPECT_EQ(sql("SELECT 1 FROM lineitem", "tpch"), "SELECT 1 FROM lineitem WHERE (lineitem.l_quantity < 5)");
  EXPECT_EQ(sql("SELECT 1 FROM lineitem", "staging"), "SELECT 1 FROM lineitem");
  // A database named with capitals (Superset's database_name "Staging") is the same database as the folded
  // identifier staging in the filter: matched without case, so the filter applies.
  EXPECT_EQ(sql("SELECT 1 FROM orders", "Staging"),
            "SELECT 1 FROM orders WHERE (orders.o_custkey < 10) AND (orders.o_orderkey > 0)");
  // The same plan text against two databases: each gets its own filters (plans are cached per database).
  EXPECT_EQ(sql("SELECT 1 FROM orders", "tpch"), "SELECT 1 FROM orders WHERE (orders.o_orderkey > 0)");
  // Guest rules naming a database apply to that database only.
  RewriteOptions o;
  o.guest_rules = {GuestRule{"staging.public.orders", "o_totalprice < 1"}};
  RLSQ_ASSERT_OK_AND_ASSIGN(Rewrite tpch, e->rewrite("SELECT 1 FROM orders", Caller{"u"}, o));
  EXPECT_EQ(tpch.sql, "SELECT 1 FROM orders WHERE (orders.o_orderkey > 0)");
  o.database = "staging";
  RLSQ_ASSERT_OK_AND_ASSIGN(Rewrite staging, e->rewrite("SELECT 1 FROM orders", Caller{"u"}, o));
  EXPECT_EQ(staging.sql,
            "SELECT 1 FROM orders WHERE (orders.o_custkey < 10) AND (orders.o_orderkey > 0) AND "
            "(orders.o_totalprice < 1)");
}

}  // namespace
}  // namespace rlsq
