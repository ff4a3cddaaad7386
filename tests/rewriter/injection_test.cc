// Placement and scope rules of the injection, asserted on exact output text, under the plain placement (the fenced
// one, the default, wraps every filtered read: fenced_test.cc).
#include <gtest/gtest.h>

#include "lib/common/str_cat.h"
#include "rewriter/engine.h"
#include "tests/rewriter/test_policy.h"
#include "tests/support/status_matchers.h"

namespace rlsq {
namespace {

class InjectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto e = Engine::FromPolicyJson(testing::kTestPolicy);
    ASSERT_TRUE(e.ok()) << e.status();
    engine_ = std::move(*e);
  }
  std::string Rewrite(std::string_view sql, std::string user = "alice") {
    RewriteOptions options;
    options.verify = true;
    options.placement = policy::PlacementMode::kPlain;
    auto r = engine_->rewrite(sql, {user}, options);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? r->sql : "<error>";
  }
  std::unique_ptr<Engine> engine_;
};

constexpr const char* kUrgent = "o_orderpriority = '1-URGENT'";

std::string Urgent(std::string_view q) { return Cat("(", q, ".", kUrgent, ")"); }

TEST_F(InjectionTest, FromListGoesToWhere) {
  EXPECT_EQ(Rewrite("SELECT * FROM orders"), "SELECT * FROM orders WHERE " + Urgent("orders"));
  EXPECT_EQ(Rewrite("select o_orderkey from public.orders o"),
            "select o_orderkey from public.orders o WHERE " + Urgent("o"));
}

TEST_F(InjectionTest, ExistingWhereIsParenthesised) {
  EXPECT_EQ(Rewrite("SELECT 1 FROM orders AS o WHERE true OR false"),
            "SELECT 1 FROM orders AS o WHERE (true OR false) AND " + Urgent("o"));
}

TEST_F(InjectionTest, WhereGoesBeforeGroupByAndComments) {
  EXPECT_EQ(Rewrite("SELECT o_orderstatus, count(*)\nFROM orders -- all of them\n/* c */ GROUP BY 1 ORDER BY 2"),
            "SELECT o_orderstatus, count(*)\nFROM orders WHERE " + Urgent("orders") +
                " -- all of them\n/* c */ GROUP BY 1 ORDER BY 2");
}

TEST_F(InjectionTest, TrailingLineCommentAndSemicolon) {
  EXPECT_EQ(Rewrite("SELECT * FROM orders -- end"), "SELECT * FROM orders WHERE " + Urgent("orders") + " -- end");
  EXPECT_EQ(Rewrite("SELECT * FROM orders;"), "SELECT * FROM orders WHERE " + Urgent("orders") + ";");
  EXPECT_EQ(Rewrite("SELECT * FROM orders WHERE o_orderkey > 1 ; -- x"),
            "SELECT * FROM orders WHERE (o_orderkey > 1) AND " + Urgent("orders") + " ; -- x");
}

TEST_F(InjectionTest, ClauseTrailingCommentIsNotCopied) {
  std::string out = Rewrite("SELECT * FROM orders");
  EXPECT_EQ(out.find("--"), std::string::npos) << out;
}

TEST_F(InjectionTest, InnerJoinsGoToWhere) {
  EXPECT_EQ(Rewrite("SELECT * FROM orders o JOIN customer c ON o.o_custkey = c.c_custkey"),
            "SELECT * FROM orders o JOIN customer c ON o.o_custkey = c.c_custkey WHERE " + Urgent("o") +
                " AND (c.c_mktsegment <> 'BUILDING')");
  EXPECT_EQ(Rewrite("SELECT * FROM orders, customer WHERE o_custkey = c_custkey"),
            "SELECT * FROM orders, customer WHERE (o_custkey = c_custkey) AND " + Urgent("orders") +
                " AND (customer.c_mktsegment <> 'BUILDING')");
  EXPECT_EQ(Rewrite("SELECT * FROM orders CROSS JOIN region"),
            "SELECT * FROM orders CROSS JOIN region WHERE " + Urgent("orders"));
}

TEST_F(InjectionTest, LeftJoinNullSideGoesToOn) {
  EXPECT_EQ(Rewrite("SELECT * FROM customer c LEFT JOIN orders o ON o.o_custkey = c.c_custkey"),
            "SELECT * FROM customer c LEFT JOIN orders o ON (o.o_custkey = c.c_custkey) AND " + Urgent("o") +
                " WHERE (c.c_mktsegment <> 'BUILDING')");
}

TEST_F(InjectionTest, OnAndWhereMeetAtOneOffset) {
  // The FROM list ends with the ON that receives a predicate, and the WHERE is inserted right after it.
  EXPECT_EQ(Rewrite("SELECT * FROM customer LEFT JOIN orders ON o_custkey = c_custkey"),
            "SELECT * FROM customer LEFT JOIN orders ON (o_custkey = c_custkey) AND " + Urgent("orders") +
                " WHERE (customer.c_mktsegment <> 'BUILDING')");
}

TEST_F(InjectionTest, RightJoinNullSideGoesToOn) {
  EXPECT_EQ(Rewrite("SELECT * FROM orders o RIGHT OUTER JOIN region r ON true"),
            "SELECT * FROM orders o RIGHT OUTER JOIN region r ON (true) AND " + Urgent("o"));
}

TEST_F(InjectionTest, FullJoinSidesAreWrapped) {
  EXPECT_EQ(Rewrite("SELECT * FROM orders o FULL JOIN customer ON o_custkey = c_custkey"),
            "SELECT * FROM (SELECT * FROM orders WHERE " + Urgent("orders") +
                ") AS o FULL JOIN (SELECT * FROM customer WHERE (customer.c_mktsegment <> 'BUILDING')) AS customer "
                "ON o_custkey = c_custkey");
}

TEST_F(InjectionTest, UsingAndNaturalOuterJoinsAreWrapped) {
  EXPECT_EQ(Rewrite("SELECT * FROM region LEFT JOIN orders USING (x)"),
            "SELECT * FROM region LEFT JOIN (SELECT * FROM orders WHERE " + Urgent("orders") +
                ") AS orders USING (x)");
  EXPECT_EQ(Rewrite("SELECT * FROM region NATURAL LEFT JOIN public.orders"),
            "SELECT * FROM region NATURAL LEFT JOIN (SELECT * FROM public.orders WHERE " + Urgent("orders") +
                ") AS orders");
}

TEST_F(InjectionTest, NestedNullSupplyingTreeIsWrapped) {
  EXPECT_EQ(Rewrite("SELECT * FROM region r LEFT JOIN (orders o JOIN lineitem l ON l_orderkey = o_orderkey) "
                    "ON r.r_regionkey = 1"),
            "SELECT * FROM region r LEFT JOIN ((SELECT * FROM orders WHERE " + Urgent("orders") +
                ") AS o JOIN lineitem l ON l_orderkey = o_orderkey) ON r.r_regionkey = 1");
}

TEST_F(InjectionTest, AliasedJoinTreeHidesTablesSoTheyAreWrapped) {
  EXPECT_EQ(Rewrite("SELECT j.o_orderkey FROM (orders JOIN region ON true) AS j"),
            "SELECT j.o_orderkey FROM ((SELECT * FROM orders WHERE " + Urgent("orders") +
                ") AS orders JOIN region ON true) AS j");
}

TEST_F(InjectionTest, ColumnAliasListIsWrapped) {
  EXPECT_EQ(Rewrite("SELECT k FROM orders AS o (k, c)"),
            "SELECT k FROM (SELECT * FROM orders WHERE " + Urgent("orders") + ") AS o (k, c)");
}

TEST_F(InjectionTest, OnlyAndStarAreKeptInsideTheWrapper) {
  EXPECT_EQ(Rewrite("SELECT * FROM region FULL JOIN ONLY orders ON true"),
            "SELECT * FROM region FULL JOIN (SELECT * FROM ONLY orders WHERE " + Urgent("orders") +
                ") AS orders ON true");
  EXPECT_EQ(Rewrite("SELECT * FROM region FULL JOIN orders * ON true"),
            "SELECT * FROM region FULL JOIN (SELECT * FROM orders * WHERE " + Urgent("orders") +
                ") AS orders ON true");
  EXPECT_EQ(Rewrite("SELECT * FROM region FULL JOIN ONLY (public.orders) ON true"),
            "SELECT * FROM region FULL JOIN (SELECT * FROM ONLY public.orders WHERE " + Urgent("orders") +
                ") AS orders ON true");
  EXPECT_EQ(Rewrite("SELECT * FROM ONLY (orders)"), "SELECT * FROM ONLY (orders) WHERE " + Urgent("orders"));
}

TEST_F(InjectionTest, TableStatement) {
  EXPECT_EQ(Rewrite("TABLE orders"), "SELECT * FROM orders WHERE " + Urgent("orders"));
  EXPECT_EQ(Rewrite("TABLE orders ORDER BY 1 LIMIT 3"),
            "SELECT * FROM orders WHERE " + Urgent("orders") + " ORDER BY 1 LIMIT 3");
}

TEST_F(InjectionTest, SubqueriesEverywhere) {
  std::string w = "WHERE " + Urgent("orders");
  EXPECT_EQ(Rewrite("SELECT (SELECT max(o_orderkey) FROM orders) AS m"),
            "SELECT (SELECT max(o_orderkey) FROM orders " + w + ") AS m");
  EXPECT_EQ(Rewrite("SELECT 1 WHERE EXISTS (SELECT 1 FROM orders)"), "SELECT 1 WHERE EXISTS (SELECT 1 FROM orders " + w + ")");
  EXPECT_EQ(Rewrite("SELECT 1 WHERE 1 IN (SELECT o_orderkey FROM orders)"),
            "SELECT 1 WHERE 1 IN (SELECT o_orderkey FROM orders " + w + ")");
  EXPECT_EQ(Rewrite("SELECT 1 WHERE 1 = ANY (SELECT o_orderkey FROM orders)"),
            "SELECT 1 WHERE 1 = ANY (SELECT o_orderkey FROM orders " + w + ")");
  EXPECT_EQ(Rewrite("SELECT 1 WHERE 1 > ALL (SELECT o_orderkey FROM orders)"),
            "SELECT 1 WHERE 1 > ALL (SELECT o_orderkey FROM orders " + w + ")");
  EXPECT_EQ(Rewrite("SELECT 1 GROUP BY 1 HAVING count(*) < (SELECT count(*) FROM orders)"),
            "SELECT 1 GROUP BY 1 HAVING count(*) < (SELECT count(*) FROM orders " + w + ")");
  EXPECT_EQ(Rewrite("SELECT 1 ORDER BY (SELECT 1 FROM orders) LIMIT (SELECT 1 FROM orders) OFFSET (SELECT 0 FROM orders)"),
            "SELECT 1 ORDER BY (SELECT 1 FROM orders " + w + ") LIMIT (SELECT 1 FROM orders " + w +
                ") OFFSET (SELECT 0 FROM orders " + w + ")");
  EXPECT_EQ(Rewrite("SELECT coalesce((SELECT 1 FROM orders), CASE WHEN true THEN (SELECT 2 FROM orders) END), "
                    "ARRAY(SELECT o_orderkey FROM orders)"),
            "SELECT coalesce((SELECT 1 FROM orders " + w + "), CASE WHEN true THEN (SELECT 2 FROM orders " + w +
                ") END), ARRAY(SELECT o_orderkey FROM orders " + w + ")");
  EXPECT_EQ(Rewrite("VALUES ((SELECT 1 FROM orders))"), "VALUES ((SELECT 1 FROM orders " + w + "))");
  EXPECT_EQ(Rewrite("SELECT * FROM region r JOIN nation n ON n.n_regionkey IN (SELECT 1 FROM orders)"),
            "SELECT * FROM region r JOIN nation n ON n.n_regionkey IN (SELECT 1 FROM orders " + w +
                ") WHERE (n.n_regionkey = 3)");
  EXPECT_EQ(Rewrite("SELECT * FROM generate_series(1, (SELECT 3 FROM orders)) g"),
            "SELECT * FROM generate_series(1, (SELECT 3 FROM orders " + w + ")) g");
}

TEST_F(InjectionTest, DerivedTablesAndLateral) {
  EXPECT_EQ(Rewrite("SELECT * FROM (SELECT * FROM orders) AS orders"),
            "SELECT * FROM (SELECT * FROM orders WHERE " + Urgent("orders") + ") AS orders");
  EXPECT_EQ(Rewrite("SELECT * FROM region r, LATERAL (SELECT * FROM orders o WHERE o.o_orderkey = r.r_regionkey) x"),
            "SELECT * FROM region r, LATERAL (SELECT * FROM orders o WHERE (o.o_orderkey = r.r_regionkey) AND " +
                Urgent("o") + ") x");
}

TEST_F(InjectionTest, SetOperationBranches) {
  EXPECT_EQ(Rewrite("SELECT o_orderkey FROM orders UNION ALL (SELECT o_orderkey FROM orders o ORDER BY 1 LIMIT 1)"),
            "SELECT o_orderkey FROM orders WHERE " + Urgent("orders") +
                " UNION ALL (SELECT o_orderkey FROM orders o WHERE " + Urgent("o") + " ORDER BY 1 LIMIT 1)");
}

TEST_F(InjectionTest, CteVisibility) {
  // Plain WITH: a CTE is not visible in its own body, so `orders` there is the table.
  EXPECT_EQ(Rewrite("WITH orders AS (SELECT * FROM orders) SELECT * FROM orders"),
            "WITH orders AS (SELECT * FROM orders WHERE " + Urgent("orders") + ") SELECT * FROM orders");
  // WITH RECURSIVE: visible to the whole list, including its own body: nothing to filter.
  EXPECT_EQ(Rewrite("WITH RECURSIVE orders (x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM orders WHERE x < 3) "
                    "SELECT * FROM orders"),
            "WITH RECURSIVE orders (x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM orders WHERE x < 3) "
            "SELECT * FROM orders");
  // Plain WITH: a later CTE is not visible to an earlier one (forward reference reads the table).
  EXPECT_EQ(Rewrite("WITH a AS (SELECT * FROM orders), orders AS (SELECT 1) SELECT * FROM a, orders"),
            "WITH a AS (SELECT * FROM orders WHERE " + Urgent("orders") + "), orders AS (SELECT 1) SELECT * FROM a, orders");
  // Qualified names never refer to CTEs.
  EXPECT_EQ(Rewrite("WITH orders AS (SELECT 1) SELECT * FROM public.orders"),
            "WITH orders AS (SELECT 1) SELECT * FROM public.orders WHERE " + Urgent("orders"));
  // CTEs of an outer query are visible in subqueries.
  EXPECT_EQ(Rewrite("WITH orders AS (SELECT 1 AS o_orderkey) SELECT (SELECT max(o_orderkey) FROM orders)"),
            "WITH orders AS (SELECT 1 AS o_orderkey) SELECT (SELECT max(o_orderkey) FROM orders)");
  // A quoted CTE name matches only its exact text.
  EXPECT_EQ(Rewrite("WITH \"Orders\" AS (SELECT 1) SELECT * FROM orders"),
            "WITH \"Orders\" AS (SELECT 1) SELECT * FROM orders WHERE " + Urgent("orders"));
}

TEST_F(InjectionTest, NamesMatchUnderPostgresFolding) {
  EXPECT_EQ(Rewrite("SELECT * FROM ORDERS"), "SELECT * FROM ORDERS WHERE " + Urgent("orders"));
  EXPECT_EQ(Rewrite("SELECT * FROM public.Orders"), "SELECT * FROM public.Orders WHERE " + Urgent("orders"));
  EXPECT_EQ(Rewrite("SELECT * FROM \"orders\""), "SELECT * FROM \"orders\" WHERE " + Urgent("orders"));
  EXPECT_EQ(Rewrite("SELECT * FROM \"Orders\""), "SELECT * FROM \"Orders\"");  // another table
  EXPECT_EQ(Rewrite("SELECT * FROM other.orders"), "SELECT * FROM other.orders");
}

TEST_F(InjectionTest, GroupKeysOrWithinAndAcross) {
  EXPECT_EQ(Rewrite("SELECT * FROM nation", "bob"),
            "SELECT * FROM nation WHERE ((nation.n_regionkey = 3) OR (nation.n_regionkey = 2))");
  EXPECT_EQ(Rewrite("SELECT * FROM nation", "alice"), "SELECT * FROM nation WHERE (nation.n_regionkey = 3)");
}

TEST_F(InjectionTest, BaseFiltersApplyToAllButTheirRoles) {
  EXPECT_EQ(Rewrite("SELECT * FROM customer", "nobody"),
            "SELECT * FROM customer WHERE (customer.c_mktsegment <> 'BUILDING')");
  EXPECT_EQ(Rewrite("SELECT * FROM customer", "root"), "SELECT * FROM customer");
  EXPECT_EQ(Rewrite("SELECT * FROM orders", "root"), "SELECT * FROM orders");
}

TEST_F(InjectionTest, QuotedAliasIsQuotedInTheQualifier) {
  EXPECT_EQ(Rewrite("SELECT * FROM orders AS \"O\""), "SELECT * FROM orders AS \"O\" WHERE " + Urgent("\"O\""));
}

TEST_F(InjectionTest, FailsClosed) {
  EXPECT_THAT(engine_->rewrite("SELECT * FROM orders", {"mallory"}), StatusIs(absl::StatusCode::kNotFound, "mallory"));
  EXPECT_THAT(engine_->rewrite("SELECT * FROM orders; SELECT 1", {"alice"}),
              StatusIs(absl::StatusCode::kInvalidArgument, ""));
  EXPECT_THAT(engine_->rewrite("DELETE FROM orders", {"alice"}), StatusIs(absl::StatusCode::kInvalidArgument, ""));
  EXPECT_THAT(engine_->rewrite("SELECT query_to_xml('select * from orders', true, true, '')", {"alice"}),
              StatusIs(absl::StatusCode::kInvalidArgument, "1:8: function pg_catalog.query_to_xml is not allowed: it executes SQL given as text"));
  EXPECT_THAT(engine_->rewrite("SELECT * FROM orders WHERE pg_catalog.set_config('a.b', 'c', false) IS NULL", {"alice"}),
              StatusIs(absl::StatusCode::kInvalidArgument, "function pg_catalog.set_config is not allowed"));
  EXPECT_THAT(engine_->rewrite("SELECT * FROM dblink('x', 'select 1') AS t", {"alice"}),
              StatusIs(absl::StatusCode::kInvalidArgument, "function dblink is not allowed: it is not a built-in function"));
}

TEST_F(InjectionTest, DataAccessIsCheckedBeforeInjection) {
  // orders_only holds datasource_access on [tpch].[public].[orders] only.
  EXPECT_EQ(Rewrite("SELECT * FROM orders", "orders_only"), "SELECT * FROM orders WHERE " + Urgent("orders"));
  EXPECT_THAT(engine_->rewrite("SELECT * FROM orders o, region r, (SELECT * FROM nation) n, region", {"orders_only"}),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       "You need access to the following tables: public.region, public.nation"));
  // another database is not granted by schema_access on tpch
  RewriteOptions other;
  other.database = "sales";
  EXPECT_THAT(engine_->rewrite("SELECT * FROM orders", {"alice"}, other),
              StatusIs(absl::StatusCode::kPermissionDenied, "public.orders"));
  // Admin holds all_datasource_access
  other.database = "anything";
  EXPECT_TRUE(engine_->rewrite("SELECT * FROM x.y", {"root"}, other).ok());
  // a catalog-qualified name in another database is never granted
  EXPECT_THAT(engine_->rewrite("SELECT * FROM sales.public.orders", {"alice"}),
              StatusIs(absl::StatusCode::kPermissionDenied, "orders"));
}

TEST_F(InjectionTest, GenericCan) {
  EXPECT_EQ(*engine_->can({"alice"}, "datasource_access", "[tpch].[public].[orders]"), true);
  EXPECT_EQ(*engine_->can({"alice"}, "datasource_access", "[tpch].[public].[anything]"), true);  // schema_access
  EXPECT_EQ(*engine_->can({"orders_only"}, "datasource_access", "[tpch].[public].[region]"), false);
  EXPECT_EQ(*engine_->can({"root"}, "can_read", "Dashboard"), true);  // the Admin preset
  EXPECT_THAT(engine_->can({"mallory"}, "can_read", "Dashboard"), StatusIs(absl::StatusCode::kNotFound, "mallory"));
}

TEST_F(InjectionTest, ExplainReportsEveryReadAndWhereItsFilterWent) {
  RewriteOptions options;
  options.explain = true;
  options.placement = policy::PlacementMode::kPlain;
  auto r = engine_->rewrite("SELECT * FROM customer c LEFT JOIN orders o ON true, region", {"alice"}, options);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->reads.size(), 3u);
  EXPECT_EQ(r->reads[0].table_sql, "public.customer");
  EXPECT_EQ(r->reads[0].alias, "c");
  EXPECT_EQ(r->reads[0].placement, rewriter::Placement::kWhere);
  EXPECT_EQ(r->reads[1].table_sql, "public.orders");
  EXPECT_EQ(r->reads[1].placement, rewriter::Placement::kJoinOn);
  ASSERT_EQ(r->reads[1].filters.size(), 1u);
  EXPECT_EQ(r->reads[1].filters[0].name, "urgent");
  EXPECT_TRUE(r->reads[2].filters.empty());
  std::string json = r->ExplainJson();
  EXPECT_NE(json.find("\"table\":\"public.orders\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"kind\":\"on\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"span\":[14,24]"), std::string::npos) << json;
}

TEST_F(InjectionTest, PlanCacheServesOtherUsers) {
  std::string sql = "SELECT * FROM nation";
  EXPECT_EQ(Rewrite(sql, "alice"), "SELECT * FROM nation WHERE (nation.n_regionkey = 3)");
  uint64_t hits = engine_->plan_cache_hits();
  EXPECT_EQ(Rewrite(sql, "bob"), "SELECT * FROM nation WHERE ((nation.n_regionkey = 3) OR (nation.n_regionkey = 2))");
  EXPECT_EQ(engine_->plan_cache_hits(), hits + 1);
}

}  // namespace
}  // namespace rlsq
