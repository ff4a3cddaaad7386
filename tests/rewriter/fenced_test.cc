// The fenced placement (every filtered read becomes (SELECT * FROM t WHERE p OFFSET 0) AS alias), and
// clauses whose subqueries read other tables (bound at load, filtered for the caller, wrapped), on exact output text.
// PostgreSQL proofs of both are in tests/security/security_pg_test.cc.
#include <gtest/gtest.h>

#include "lib/common/status.h"
#include "lib/common/str_cat.h"
#include "rewriter/engine.h"
#include "tests/rewriter/test_policy.h"
#include "tests/support/status_matchers.h"

namespace rlsq {
namespace {

class FencedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto e = Engine::FromPolicyJson(testing::kTestPolicy);
    ASSERT_TRUE(e.ok()) << e.status();
    engine_ = std::move(*e);
  }
  absl::StatusOr<std::string> Rewrite(std::string_view sql,
                                      std::optional<policy::PlacementMode> mode = policy::PlacementMode::kFenced) {
    RewriteOptions options;
    options.verify = true;
    options.placement = mode;
    RLSQ_ASSIGN_OR_RETURN(auto r, engine_->rewrite(sql, {"alice"}, options));
    return r.sql;
  }
  std::unique_ptr<Engine> engine_;
};

const std::string kUrgent = "(orders.o_orderpriority = '1-URGENT')";
std::string Fenced(std::string_view table, std::string_view alias) {
  return Cat("(SELECT * FROM ", table, " WHERE ", kUrgent, " OFFSET 0) AS ", alias);
}

TEST_F(FencedTest, EveryFilteredReadIsWrapped) {
  EXPECT_EQ(*Rewrite("SELECT * FROM orders"), "SELECT * FROM " + Fenced("orders", "orders"));
  EXPECT_EQ(*Rewrite("select o_orderkey from public.orders o where o.o_totalprice > 1 and 1/0 = 1"),
            "select o_orderkey from " + Fenced("public.orders", "o") + " where o.o_totalprice > 1 and 1/0 = 1");
  EXPECT_EQ(*Rewrite("SELECT 1 FROM region r LEFT JOIN orders o ON o.o_custkey = r.r_regionkey"),
            "SELECT 1 FROM region r LEFT JOIN " + Fenced("orders", "o") + " ON o.o_custkey = r.r_regionkey");
  EXPECT_EQ(*Rewrite("SELECT 1 FROM orders AS o (a, b)"), "SELECT 1 FROM " + Fenced("orders", "o (a, b)"));
  EXPECT_EQ(*Rewrite("SELECT 1 FROM ONLY orders, orders *"),
            "SELECT 1 FROM (SELECT * FROM ONLY orders WHERE " + kUrgent + " OFFSET 0) AS orders, (SELECT * FROM orders * "
            "WHERE " + kUrgent + " OFFSET 0) AS orders");
  // An unfiltered table stays as it is; plain, the policy's default, puts the predicate into WHERE.
  EXPECT_EQ(*Rewrite("SELECT * FROM region"), "SELECT * FROM region");
  EXPECT_EQ(*Rewrite("SELECT * FROM orders", std::nullopt), "SELECT * FROM orders WHERE " + kUrgent);
}

TEST_F(FencedTest, TableQueries) {
  EXPECT_EQ(*Rewrite("TABLE orders"), "SELECT * FROM " + Fenced("orders", "orders"));
  EXPECT_EQ(*Rewrite("TABLE orders", policy::PlacementMode::kPlain), "SELECT * FROM orders WHERE " + kUrgent);
  // Issue 11 section 8: these were refused with "cannot locate the TABLE keyword".
  EXPECT_EQ(*Rewrite("WITH x AS (SELECT 1) TABLE orders"), "WITH x AS (SELECT 1) SELECT * FROM " + Fenced("orders", "orders"));
  EXPECT_EQ(*Rewrite("(/* comment */ TABLE orders)", policy::PlacementMode::kPlain),
            "(/* comment */ SELECT * FROM orders WHERE " + kUrgent + ")");
  EXPECT_EQ(*Rewrite("WITH x AS (SELECT 1) (TABLE orders) UNION ALL TABLE orders ORDER BY 1"),
            "WITH x AS (SELECT 1) (SELECT * FROM " + Fenced("orders", "orders") + ") UNION ALL SELECT * FROM " +
                Fenced("orders", "orders") + " ORDER BY 1");
}

TEST_F(FencedTest, SchemaQualifiedColumnsFollowTheWrapper) {
  // A wrapper is visible as `orders` only: `public.orders.x` becomes `orders.x` where the table is wrapped.
  EXPECT_EQ(*Rewrite("SELECT public.orders.o_orderkey, public.orders.* FROM public.orders WHERE public . orders . "
                     "o_totalprice > 1"),
            "SELECT orders.o_orderkey, orders.* FROM " + Fenced("public.orders", "orders") +
                " WHERE orders . o_totalprice > 1");
  EXPECT_EQ(*Rewrite("SELECT tpch.public.orders.o_orderkey FROM tpch.public.orders"),
            "SELECT orders.o_orderkey FROM " + Fenced("tpch.public.orders", "orders"));
  // Nothing wrapped, nothing dropped.
  EXPECT_EQ(*Rewrite("SELECT public.orders.o_orderkey FROM public.orders", policy::PlacementMode::kPlain),
            "SELECT public.orders.o_orderkey FROM public.orders WHERE " + kUrgent);
  // Another relation visible as `orders`: the bare name would not mean the same table; refused, not guessed.
  EXPECT_THAT(Rewrite("WITH orders AS (SELECT 1 AS k) SELECT public.orders.o_orderkey FROM public.orders, orders"),
              StatusIs(absl::StatusCode::kInvalidArgument, "1:39: the column reference names table public.orders "
                                                           "with its schema and another relation of the query is "
                                                           "also called \"orders\""));
  EXPECT_TRUE(Rewrite("WITH orders AS (SELECT 1 AS k) SELECT public.orders.o_orderkey FROM public.orders, orders",
                      policy::PlacementMode::kPlain)
                  .ok());
}

TEST_F(FencedTest, ThePlanIsSharedByBothPlacements) {
  EXPECT_EQ(*Rewrite("SELECT * FROM orders o, nation n"),
            "SELECT * FROM " + Fenced("orders", "o") +
                ", (SELECT * FROM nation WHERE (nation.n_regionkey = 3) OFFSET 0) AS n");
  uint64_t hits = engine_->plan_cache_hits();
  EXPECT_EQ(*Rewrite("SELECT * FROM orders o, nation n", policy::PlacementMode::kPlain),
            "SELECT * FROM orders o, nation n WHERE (o.o_orderpriority = '1-URGENT') AND (n.n_regionkey = 3)");
  EXPECT_EQ(engine_->plan_cache_hits(), hits + 1);
}

TEST_F(FencedTest, ExplainSaysFenced) {
  RewriteOptions options;
  options.explain = true;
  options.placement = policy::PlacementMode::kFenced;
  auto r = engine_->rewrite("SELECT * FROM orders, region", {"alice"}, options);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->reads[0].fenced);
  EXPECT_EQ(r->reads[0].placement, rewriter::Placement::kWrap);
  EXPECT_FALSE(r->reads[1].fenced);
  EXPECT_NE(r->ExplainJson().find("\"kind\":\"wrap\",\"fenced\":true"), std::string::npos) << r->ExplainJson();
}

// ---- clauses with subqueries ----

constexpr const char* kNestedPolicy = R"json({
  "default_database": "tpch",
  "roles": [
    {"name": "Reader", "permissions": [["schema_access", "[tpch].[public]"]]},
    {"name": "OrdersOnly", "permissions": [["datasource_access", "[tpch].[public].[orders]"]]},
    {"name": "R"}, {"name": "S"}
  ],
  "users": [
    {"username": "r", "roles": ["Reader", "R"]},
    {"username": "rs", "roles": ["Reader", "R", "S"]},
    {"username": "s", "roles": ["Reader", "S"]},
    {"username": "narrow", "roles": ["OrdersOnly", "R"]}
  ],
  "rls_filters": [
    {"name": "by_customer", "filter_type": "Regular", "tables": ["orders"], "roles": ["R"],
     "clause": "o_custkey IN (SELECT c_custkey FROM customer WHERE c_nationkey < 10)"},
    {"name": "building", "filter_type": "Regular", "tables": ["customer"], "roles": ["S"],
     "clause": "c_mktsegment = 'BUILDING' AND EXISTS (SELECT 1 FROM nation n WHERE n.n_nationkey = c_nationkey)"},
    {"name": "nations", "filter_type": "Regular", "tables": ["nation"], "roles": ["S"],
     "clause": "n_name <> {{ current_username() }}"},
    {"name": "meta", "filter_type": "Regular", "tables": ["region"], "roles": ["R"],
     "clause": "EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'public')"}
  ]})json";

class NestedClauseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto e = Engine::FromPolicyJson(kNestedPolicy);
    ASSERT_TRUE(e.ok()) << e.status();
    engine_ = std::move(*e);
  }
  absl::StatusOr<std::string> Rewrite(std::string_view sql, std::string user, policy::PlacementMode mode,
                                      std::vector<GuestRule> guests = {}) {
    RewriteOptions options;
    options.verify = true;
    options.placement = mode;
    options.guest_rules = std::move(guests);
    RLSQ_ASSIGN_OR_RETURN(auto r, engine_->rewrite(sql, {user}, options));
    return r.sql;
  }
  std::unique_ptr<Engine> engine_;
};

constexpr auto kPlain = policy::PlacementMode::kPlain;
constexpr auto kFenced = policy::PlacementMode::kFenced;

TEST_F(NestedClauseTest, ClauseTablesAreBoundAtLoadAndAlwaysWrapped) {
  // No filter on customer for r: the clause's table is printed qualified (no CTE of the query can capture it), and
  // the read is wrapped even under the plain placement (the subquery sees only the filtered table).
  const std::string r_orders =
      "(SELECT * FROM orders WHERE (orders.o_custkey IN (SELECT c_custkey FROM public.customer AS customer WHERE "
      "c_nationkey < 10))) AS orders";
  EXPECT_EQ(*Rewrite("SELECT * FROM orders", "r", kPlain), "SELECT * FROM " + r_orders);
  EXPECT_EQ(*Rewrite("WITH customer AS (SELECT 1 AS c_custkey, 1 AS c_nationkey) SELECT * FROM orders", "r", kPlain),
            "WITH customer AS (SELECT 1 AS c_custkey, 1 AS c_nationkey) SELECT * FROM " + r_orders);
  EXPECT_EQ(*Rewrite("SELECT * FROM orders", "r", kFenced),
            "SELECT * FROM (SELECT * FROM orders WHERE (orders.o_custkey IN (SELECT c_custkey FROM public.customer AS "
            "customer WHERE c_nationkey < 10)) OFFSET 0) AS orders");
}

TEST_F(NestedClauseTest, TheCallersFiltersApplyInsideClausesRecursively) {
  // rs holds R (orders -> customer) and S (customer -> nation, nation by a template): three levels.
  EXPECT_EQ(*Rewrite("SELECT * FROM orders o", "rs", kPlain),
            "SELECT * FROM (SELECT * FROM orders WHERE (orders.o_custkey IN (SELECT c_custkey FROM (SELECT * FROM "
            "public.customer WHERE (customer.c_mktsegment = 'BUILDING' AND EXISTS (SELECT 1 FROM (SELECT * FROM "
            "public.nation WHERE (nation.n_name <> ('rs'))) AS n WHERE n.n_nationkey = c_nationkey))) AS "
            "customer WHERE c_nationkey < 10))) AS o");
  // Guest rules on a table read inside a clause apply there too.
  EXPECT_EQ(*Rewrite("SELECT * FROM orders", "r", kPlain, {{"public.customer", "c_acctbal > 0"}}),
            "SELECT * FROM (SELECT * FROM orders WHERE (orders.o_custkey IN (SELECT c_custkey FROM (SELECT * FROM "
            "public.customer WHERE (customer.c_acctbal > 0)) AS customer WHERE c_nationkey < 10))) AS orders");
  // A system relation in a clause: qualified, never filtered, no permission needed (the read is wrapped all the same).
  EXPECT_EQ(*Rewrite("SELECT * FROM region", "r", kPlain),
            "SELECT * FROM (SELECT * FROM region WHERE (EXISTS (SELECT 1 FROM pg_catalog.pg_namespace AS pg_namespace "
            "WHERE nspname = 'public'))) AS region");
}

TEST_F(NestedClauseTest, AccessToClauseTablesIsChecked) {
  // narrow may read orders only; its filter reads customer: denied, naming it.
  EXPECT_THAT(engine_->rewrite("SELECT * FROM orders", {"narrow"}),
              StatusIs(absl::StatusCode::kPermissionDenied, "You need access to the following tables: public.customer"));
  EXPECT_THAT(engine_->rewrite("SELECT * FROM orders, region", {"narrow"}),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       "You need access to the following tables: public.region, public.customer"));
}

std::string PolicyWithFilters(std::string_view filters) {
  return Cat(R"({"roles": [{"name": "R", "permissions": [["all_datasource_access", "all_datasource_access"]]}],
                 "users": [{"username": "u", "roles": ["R"]}], "rls_filters": [)", filters, "]}");
}

TEST_F(NestedClauseTest, LoadErrors) {
  struct Case {
    const char* filters;
    const char* error;  // empty: loads
  };
  const Case cases[] = {
      {R"j({"name": "a", "filter_type": "Regular", "tables": ["orders"], "roles": ["R"],
           "clause": "o_custkey IN (SELECT c_custkey FROM customer)"},
          {"name": "b", "filter_type": "Base", "tables": ["customer"], "roles": [],
           "clause": "c_custkey IN (SELECT o_custkey FROM public.orders)"})j",
       "the clauses of filters \"b\", \"a\" read each other's tables in a cycle (public.customer -> public.orders "
       "-> public.customer)"},
      {R"j({"name": "self", "filter_type": "Regular", "tables": ["orders"], "roles": ["R"],
           "clause": "o_custkey IN (SELECT o_custkey FROM orders)"})j",
       "(public.orders -> public.orders)"},
      {R"j({"name": "t", "filter_type": "Regular", "tables": ["orders"], "roles": ["R"],
           "clause": "o_custkey IN (TABLE customer)"})j",
       "TABLE queries are not supported in clauses"},
      {R"j({"name": "sys", "filter_type": "Regular", "tables": ["orders"], "roles": ["R"],
           "clause": "EXISTS (SELECT 1 FROM pg_authid)"})j",
       "reading pg_catalog.pg_authid is not allowed"},
      {R"j({"name": "fn", "filter_type": "Regular", "tables": ["orders"], "roles": ["R"],
           "clause": "crosstab('x') IS NULL"})j",
       "function crosstab is not allowed"},
      {R"j({"name": "sys", "filter_type": "Regular", "tables": ["pg_class"], "roles": ["R"], "clause": "true"})j",
       "is a system relation: filters apply to datasets"},
      // A name holding the marker byte of the table slots cannot be mistaken for one.
      {R"j({"name": "u2", "filter_type": "Regular", "tables": ["orders"], "roles": ["R"],
           "clause": "o_custkey IN (SELECT c_custkey AS U&\"\\00020\\0002\" FROM customer)"})j",
       "cannot place a table read unambiguously"},
      // A clause's own CTE is not a table read.
      {R"j({"name": "cte", "filter_type": "Regular", "tables": ["orders"], "roles": ["R"],
           "clause": "o_custkey IN (WITH c AS (SELECT c_custkey FROM customer) SELECT c_custkey FROM c)"})j",
       ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.filters);
    absl::Status st = policy::Policy::FromJson(PolicyWithFilters(c.filters), Dialect::Postgres()).status();
    if (*c.error) {
      EXPECT_THAT(st, StatusIs(absl::StatusCode::kFailedPrecondition, c.error));
    } else {
      RLSQ_EXPECT_OK(st);
    }
  }
}

TEST(PolicyDatabaseModelTest, KeysAndErrors) {
  auto load = [](std::string_view extra) {
    return policy::Policy::FromJson(Cat("{", extra, R"(, "users": [{"username": "u"}]})"), Dialect::Postgres());
  };
  auto p_or = load(R"("search_path": ["Sales", "\"Public\""], "relations": ["sales.orders"],
      "allow_relations": ["pg_catalog.pg_stats"], "allow_functions": ["public.f"], "placement": "plain")");
  RLSQ_ASSERT_OK_AND_ASSIGN(auto p, p_or);
  EXPECT_EQ(p->database_model().search_path, (std::vector<std::string>{"sales", "Public"}));
  EXPECT_EQ(p->default_schema(), "sales");
  EXPECT_TRUE(p->database_model().relations_known);
  EXPECT_TRUE(p->database_model().relations.contains("sales.orders"));
  EXPECT_TRUE(p->database_model().allow_relations.contains("pg_catalog.pg_stats"));
  EXPECT_TRUE(p->database_model().allow_functions.contains("public.f"));
  EXPECT_EQ(p->placement(), policy::PlacementMode::kPlain);
  RLSQ_ASSERT_OK_AND_ASSIGN(auto q, load(R"("default_schema": "public")"));
  EXPECT_EQ(q->placement(), policy::PlacementMode::kPlain);
  EXPECT_FALSE(q->database_model().relations_known);
  { auto st = load(R"("search_path": ["a"], "default_schema": "a")");
  EXPECT_THAT(st, StatusIs(absl::StatusCode::kFailedPrecondition, "not both")); }
  { auto st = load(R"("search_path": ["$user", "public"])");
  EXPECT_THAT(st, StatusIs(absl::StatusCode::kFailedPrecondition, "$user")); }
  { auto st = load(R"("search_path": [])");
  EXPECT_THAT(st, StatusIs(absl::StatusCode::kFailedPrecondition, "is empty")); }
  { auto st = load(R"("relations": ["orders"])");
  EXPECT_THAT(st, StatusIs(absl::StatusCode::kFailedPrecondition, "schema.name")); }
  { auto st = load(R"("placement": "fence")");
  EXPECT_THAT(st, StatusIs(absl::StatusCode::kFailedPrecondition, "placement must be")); }
  // The catalog lists of user functions, operators and types; an empty list is known to be empty.
  {
    RLSQ_ASSERT_OK_AND_ASSIGN(auto lists, load(R"j("functions": ["public.lower", "\"S\".f"], "operators":
        ["public.||", "\"S\".@@"], "types": [], "allow_types": ["public.mood"])j"));
    const DatabaseModel& m = lists->database_model();
    EXPECT_TRUE(m.functions_known && m.operators_known && m.types_known);
    EXPECT_TRUE(m.functions.contains("public.lower") && m.functions.contains("S.f"));
    EXPECT_TRUE(m.operators.contains("public.||") && m.operators.contains("S.@@"));
    EXPECT_TRUE(m.types.empty());
    EXPECT_TRUE(m.allow_types.contains("public.mood"));
    EXPECT_FALSE(q->database_model().functions_known || q->database_model().operators_known ||
                 q->database_model().types_known);
  }
  { auto st = load(R"("operators": ["||"])");
  EXPECT_THAT(st, StatusIs(absl::StatusCode::kFailedPrecondition, "schema.symbol")); }
  { auto st = load(R"("operators": ["public.abc"])");
  EXPECT_THAT(st, StatusIs(absl::StatusCode::kFailedPrecondition, "schema.symbol")); }
  { auto st = load(R"("operators": ["a.b.+"])");
  EXPECT_THAT(st, StatusIs(absl::StatusCode::kFailedPrecondition, "schema.symbol")); }
  { auto st = load(R"("functions": ["lower"])");
  EXPECT_THAT(st, StatusIs(absl::StatusCode::kFailedPrecondition, "schema.name")); }
  // Clauses are checked against the lists at load.
  { auto st = load(R"("functions": ["public.lower"], "roles": [{"name": "R"}], "rls_filters": [{"name": "f",
      "filter_type": "Regular", "tables": ["orders"], "roles": ["R"], "clause": "lower(o_comment) = 'x'"}])");
  EXPECT_THAT(st, StatusIs(absl::StatusCode::kFailedPrecondition, "function lower is ambiguous")); }
  { auto st = load(R"("roles": [{"name": "R"}], "rls_filters": [{"name": "f",
      "filter_type": "Regular", "tables": ["orders"], "roles": ["R"], "clause": "o_comment::public.mood = 'ok'"}])");
  EXPECT_THAT(st, StatusIs(absl::StatusCode::kFailedPrecondition, "type public.mood is not allowed")); }
  // Names in the policy resolve on its search path: ambiguous without the relations list.
  { auto st = load(R"("search_path": ["sales", "public"], "roles": [{"name": "R"}], "rls_filters": [{"name": "f",
      "filter_type": "Regular", "tables": ["orders"], "roles": ["R"], "clause": "true"}])");
  EXPECT_THAT(st, StatusIs(absl::StatusCode::kFailedPrecondition, "ambiguous")); }
}

TEST(RequestSearchPathTest, OverridesThePolicysAndHasItsOwnPlans) {
  auto made = Engine::FromPolicyJson(R"({"default_database": "db", "placement": "plain",
      "search_path": ["public"], "relations": ["public.t", "sales.t"],
      "roles": [{"name": "R", "permissions": [["all_datasource_access", "all_datasource_access"]]}],
      "users": [{"username": "u", "roles": ["R"]}],
      "rls_filters": [{"name": "p", "filter_type": "Regular", "tables": ["public.t"], "roles": ["R"], "clause": "x = 1"},
                      {"name": "s", "filter_type": "Regular", "tables": ["sales.t"], "roles": ["R"], "clause": "x = 2"}]})");
  RLSQ_ASSERT_OK_AND_ASSIGN(auto engine, std::move(made));
  EXPECT_EQ(engine->rewrite("SELECT * FROM t", {"u"})->sql, "SELECT * FROM t WHERE (t.x = 1)");
  RewriteOptions sales;
  sales.search_path = {"sales", "public"};
  EXPECT_EQ(engine->rewrite("SELECT * FROM t", {"u"}, sales)->sql, "SELECT * FROM t WHERE (t.x = 2)");
  EXPECT_EQ(engine->rewrite("SELECT * FROM t", {"u"})->sql, "SELECT * FROM t WHERE (t.x = 1)");
  RewriteOptions none;
  none.search_path = {"nowhere"};
  EXPECT_THAT(engine->rewrite("SELECT * FROM t", {"u"}, none),
              StatusIs(absl::StatusCode::kInvalidArgument, "relation t does not exist on the search path"));
}

}  // namespace
}  // namespace rlsq
