// Scope analysis: which base tables a query reads, with PostgreSQL's CTE visibility rules.
#include "rewriter/scope.h"

#include <gtest/gtest.h>

#include "lib/parser/parser.h"
#include "tests/support/status_matchers.h"

namespace rlsq::rewriter {
namespace {

const DatabaseModel kModel;

std::vector<std::string> Tables(std::string_view sql) {
  auto parsed = ParseQuery(sql);
  EXPECT_TRUE(parsed.ok()) << parsed.status();
  if (!parsed.ok()) return {"<parse error>"};
  auto a = AnalyzeScopes((*parsed)->sql, *(*parsed)->query, NameResolver(Dialect::Postgres(), kModel));
  EXPECT_TRUE(a.ok()) << a.status();
  if (!a.ok()) return {"<analysis error>"};
  std::vector<std::string> out;
  for (const auto& r : a->reads) out.push_back(r.table.schema + "." + r.table.name);
  return out;
}

using V = std::vector<std::string>;

TEST(ScopeTest, EveryDepth) {
  EXPECT_EQ(Tables("SELECT * FROM a JOIN (b LEFT JOIN c ON true) ON true, LATERAL (SELECT * FROM d) x"),
            (V{"public.a", "public.b", "public.c", "public.d"}));
  EXPECT_EQ(Tables("SELECT (SELECT 1 FROM a), ARRAY(SELECT 1 FROM b) FROM c WHERE EXISTS (SELECT 1 FROM d) "
                   "GROUP BY (SELECT 1 FROM e) HAVING 1 IN (SELECT 1 FROM f) ORDER BY (SELECT 1 FROM g)"),
            (V{"public.a", "public.b", "public.c", "public.d", "public.e", "public.f", "public.g"}));
  EXPECT_EQ(Tables("SELECT 1 FROM a UNION (SELECT 1 FROM b EXCEPT SELECT 1 FROM c) INTERSECT TABLE d"),
            (V{"public.a", "public.b", "public.c", "public.d"}));
  EXPECT_EQ(Tables("VALUES (1, (SELECT 2 FROM a))"), (V{"public.a"}));
  EXPECT_EQ(Tables("SELECT * FROM unnest(ARRAY(SELECT x FROM a)) WITH ORDINALITY AS u (v, n)"), (V{"public.a"}));
  EXPECT_EQ(Tables("SELECT concat(1, (SELECT 1 FROM a)) OVER (PARTITION BY (SELECT 1 FROM b)) FROM c"),
            (V{"public.a", "public.b", "public.c"}));
  EXPECT_EQ(Tables("SELECT CASE WHEN x > ALL (SELECT 1 FROM a) THEN 1 END FROM s.b LIMIT (SELECT 1 FROM c)"),
            (V{"public.a", "s.b", "public.c"}));
}

TEST(ScopeTest, CteVisibility) {
  // plain WITH: not visible to itself, nor to earlier CTEs; visible to later ones and to the query
  EXPECT_EQ(Tables("WITH x AS (SELECT * FROM x) SELECT * FROM x"), (V{"public.x"}));
  EXPECT_EQ(Tables("WITH a AS (SELECT * FROM b), b AS (SELECT * FROM a) SELECT * FROM a, b"), (V{"public.b"}));
  // WITH RECURSIVE: visible to the whole list
  EXPECT_EQ(Tables("WITH RECURSIVE a AS (SELECT * FROM b), b AS (SELECT * FROM a) SELECT * FROM a"), (V{}));
  // nested WITH shadows outer names; qualified names are tables
  EXPECT_EQ(Tables("WITH t AS (SELECT 1) SELECT * FROM (WITH u AS (SELECT * FROM t) SELECT * FROM u, public.t) z"),
            (V{"public.t"}));
  // a derived table named like a table is not that table
  EXPECT_EQ(Tables("SELECT * FROM (SELECT 1) AS orders, orders AS o"), (V{"public.orders"}));
  // an alias equal to another table's name does not hide it
  EXPECT_EQ(Tables("SELECT * FROM a AS b, b"), (V{"public.a", "public.b"}));
}

TEST(ScopeTest, Placement) {
  auto parsed = ParseQuery("SELECT * FROM a LEFT JOIN b ON true FULL JOIN c ON true RIGHT JOIN d USING (x)");
  RLSQ_ASSERT_OK(parsed);
  RLSQ_ASSERT_OK_AND_ASSIGN(auto an, AnalyzeScopes((*parsed)->sql, *(*parsed)->query, NameResolver(Dialect::Postgres(), kModel)));
  ASSERT_EQ(an.reads.size(), 4u);
  EXPECT_EQ(an.reads[0].placement, Placement::kWrap);    // a: under FULL and null side of RIGHT
  EXPECT_EQ(an.reads[1].placement, Placement::kJoinOn);  // b: direct null side of LEFT: its ON is exact anywhere
  EXPECT_EQ(an.reads[2].placement, Placement::kWrap);    // c: FULL side and null side of RIGHT
  EXPECT_EQ(an.reads[3].placement, Placement::kWhere);   // d: preserved side of RIGHT
}

TEST(ScopeTest, DirectNullSideOfLeftJoinUsesOnEvenWhenNested) {
  auto parsed = ParseQuery("SELECT * FROM a LEFT JOIN (b LEFT JOIN c ON true) ON true");
  RLSQ_ASSERT_OK(parsed);
  RLSQ_ASSERT_OK_AND_ASSIGN(auto an, AnalyzeScopes((*parsed)->sql, *(*parsed)->query, NameResolver(Dialect::Postgres(), kModel)));
  ASSERT_EQ(an.reads.size(), 3u);
  EXPECT_EQ(an.reads[0].placement, Placement::kWhere);
  EXPECT_EQ(an.reads[1].placement, Placement::kWrap);
  EXPECT_EQ(an.reads[2].placement, Placement::kJoinOn);
}

TEST(ScopeTest, DeniedFunctions) {
  auto parsed = ParseQuery("SELECT 1 FROM t WHERE x IN (SELECT pg_read_file('/etc/passwd'))");
  RLSQ_ASSERT_OK(parsed);
  EXPECT_THAT(AnalyzeScopes((*parsed)->sql, *(*parsed)->query, NameResolver(Dialect::Postgres(), kModel)),
              StatusIs(absl::StatusCode::kInvalidArgument, "1:36: function pg_catalog.pg_read_file is not allowed: it reads or lists server files"));
}

}  // namespace
}  // namespace rlsq::rewriter
