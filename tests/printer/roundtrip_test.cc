// Printer tests through the parser: parse -> print -> parse gives an equal AST (ast::Equals) and printing again
// gives the same text. Covers every construct, quoting of parsed identifiers and strings, qualify_columns_with on
// parsed expressions, and the whole query corpus (tpch, tpcds, charts).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "lib/ast/ast_util.h"
#include "lib/parser/parser.h"
#include "lib/printer/printer.h"
#include "tests/support/corpus.h"
#include "tests/support/status_matchers.h"

namespace rlsq {
namespace {

struct RoundTrip {
  bool ok = false;
  std::string error;    // why it failed
  std::string printed;  // Print(parse(sql))
};

RoundTrip Check(const std::string& sql) {
  RoundTrip r;
  auto a = ParseQuery(sql);
  if (!a.ok()) {
    r.error = "original does not parse: " + std::string(a.status().message());
    return r;
  }
  r.printed = Print(*(*a)->query);
  auto b = ParseQuery(r.printed);
  if (!b.ok()) {
    r.error = "printed SQL does not parse: " + std::string(b.status().message()) + "\nprinted: " + r.printed;
    return r;
  }
  if (!ast::Equals((*a)->query, (*b)->query)) {
    r.error = "re-parsed AST differs\nprinted: " + r.printed + "\noriginal AST: " + ast::ToJson((*a)->query) +
              "\nre-parsed AST: " + ast::ToJson((*b)->query);
    return r;
  }
  std::string again = Print(*(*b)->query);
  if (again != r.printed) {
    r.error = "printing is not idempotent\nfirst:  " + r.printed + "\nsecond: " + again;
    return r;
  }
  r.ok = true;
  return r;
}

// Round-trips `sql` and returns the printed text ("" after a failure).
std::string RT(const std::string& sql) {
  RoundTrip r = Check(sql);
  EXPECT_TRUE(r.ok) << sql << "\n" << r.error;
  return r.ok ? r.printed : "";
}

TEST(PrinterRoundTripTest, NormalizesLayoutAndKeywords) {
  EXPECT_EQ(RT("select  a ,b\nfrom   t   where a=1 -- comment\n"), "SELECT a, b FROM t WHERE a = 1");
  EXPECT_EQ(RT("SELECT a FROM t;"), "SELECT a FROM t");
  EXPECT_EQ(RT("select x as \"Total\" , y Z from T as \"T1\""), "SELECT x AS \"Total\", y AS z FROM t AS \"T1\"");
}

TEST(PrinterRoundTripTest, QuotingOfParsedIdentifiersAndStrings) {
  EXPECT_EQ(RT("SELECT \"Mixed\".\"Case\", \"lower\", \"with \"\"quote\"\"\" FROM \"Mixed\""),
            "SELECT \"Mixed\".\"Case\", lower, \"with \"\"quote\"\"\" FROM \"Mixed\"");
  EXPECT_EQ(RT("SELECT \"select\", t.\"from\", \"left\"(s, 2) FROM t"), "SELECT \"select\", t.from, left(s, 2) FROM t");
  EXPECT_EQ(RT("SELECT 'it''s', 'back\\slash'"), "SELECT 'it''s', 'back\\slash'");
  // E'' strings and dollar quotes are decoded by the lexer; the printer writes a literal that reads back the same.
  RT("SELECT E'tab\\there\\nnewline \\'quote\\' back\\\\slash'");
  RT("SELECT $$dollar 'quoted' \\ text$$, $tag$with $$ inside$tag$");
  RT("SELECT U&'d\\0061t\\+000061', U&\"d\\0061t\" FROM t");
  RT("SELECT 'multi' \n 'line'");
  RT("SELECT B'0101', X'1F', N'national'");
}

TEST(PrinterRoundTripTest, Queries) {
  RT("WITH a AS (SELECT 1 AS x), b(y) AS MATERIALIZED (SELECT x FROM a) SELECT * FROM b");
  RT("WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 5) SELECT n FROM r");
  RT("WITH c AS NOT MATERIALIZED (SELECT 1) SELECT * FROM c");
  RT("SELECT DISTINCT a FROM t ORDER BY a DESC NULLS LAST LIMIT 10 OFFSET 20");
  RT("SELECT DISTINCT ON (a, b) a, b, c FROM t ORDER BY a, b, c USING <");
  RT("SELECT ALL a FROM t LIMIT ALL");
  RT("SELECT a FROM t OFFSET 5 ROWS FETCH FIRST 3 ROWS ONLY");
  RT("SELECT a FROM t ORDER BY a FETCH NEXT ROW WITH TIES");
  RT("SELECT a FROM t FETCH FIRST 1 ROW ONLY");
  RT("(SELECT 1)");
  RT("((SELECT 1))");
  RT("SELECT 1 UNION SELECT 2 UNION ALL SELECT 3 EXCEPT SELECT 4");
  RT("SELECT 1 UNION (SELECT 2 UNION SELECT 3)");
  RT("SELECT 1 UNION SELECT 2 INTERSECT SELECT 3");
  RT("(SELECT 1 UNION SELECT 2) INTERSECT SELECT 3");
  RT("(SELECT 1 ORDER BY 1 LIMIT 1) UNION DISTINCT (SELECT 2) ORDER BY 1");
  RT("SELECT 1 EXCEPT ALL SELECT 2 INTERSECT ALL SELECT 3");
  RT("WITH x AS (SELECT 1) (SELECT * FROM x) UNION SELECT 2");
  RT("VALUES (1, 'a'), (2, 'b') ORDER BY 1");
  RT("SELECT * FROM (VALUES (1), (2)) AS v(n)");
  RT("TABLE orders");
  RT("TABLE ONLY public.orders");
  RT("SELECT a, count(*) FROM t GROUP BY a HAVING count(*) > 1 WINDOW w AS (PARTITION BY a), w2 AS (w ORDER BY b)");
  RT("SELECT FROM t");
  RT("SELECT a FROM t GROUP BY ROLLUP (a, (b, c)), CUBE (d), GROUPING SETS ((a), (), (a, b))");
  RT("SELECT a FROM t GROUP BY ()");
  RT("SELECT a FROM t GROUP BY DISTINCT ROLLUP (a, b), CUBE (c)");
  RT("WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t) SEARCH BREADTH FIRST BY n SET o "
     "CYCLE n SET c TO 'y' DEFAULT 'n' USING p SELECT * FROM t");
  RT("WITH RECURSIVE t(n, m) AS (SELECT 1, 2 UNION ALL SELECT n + 1, m FROM t) SEARCH DEPTH FIRST BY n, m SET o "
     "CYCLE n SET c USING p SELECT * FROM t");
}

TEST(PrinterRoundTripTest, TableReferences) {
  RT("SELECT * FROM ONLY t");
  RT("SELECT * FROM t * AS x");
  RT("SELECT * FROM s.t AS x(a, b), c.s.t y");
  RT("SELECT * FROM a JOIN b ON a.x = b.x LEFT OUTER JOIN c USING (x) RIGHT JOIN d ON TRUE FULL JOIN e ON TRUE");
  RT("SELECT * FROM a INNER JOIN b USING (x, y) AS j CROSS JOIN c NATURAL JOIN d NATURAL LEFT JOIN e");
  RT("SELECT * FROM (a JOIN b ON a.x = b.x) AS j JOIN (c CROSS JOIN d) ON TRUE");
  RT("SELECT * FROM ((a JOIN b ON TRUE))");
  RT("SELECT * FROM a JOIN (b JOIN c ON b.y = c.y) ON a.x = b.x");
  RT("SELECT * FROM t, LATERAL (SELECT * FROM u WHERE u.a = t.a) AS s");
  RT("SELECT * FROM generate_series(1, 10) AS g(n)");
  RT("SELECT * FROM generate_series(1, 10) WITH ORDINALITY AS g(n, i)");
  RT("SELECT * FROM t, LATERAL unnest(t.arr) AS u");
  RT("SELECT * FROM ROWS FROM (generate_series(1, 2), unnest(ARRAY[1, 2])) WITH ORDINALITY AS r(a, b, i)");
  // Issue 15: TABLESAMPLE; a nested join prints with the parentheses it means; column definition lists.
  EXPECT_EQ(RT("SELECT * FROM ONLY s.t AS x TABLESAMPLE BERNOULLI (10 + 5) REPEATABLE (42)"),
            "SELECT * FROM ONLY s.t AS x TABLESAMPLE bernoulli (10 + 5) REPEATABLE (42)");
  RT("SELECT * FROM t TABLESAMPLE pg_catalog.system (1.5) JOIN u ON TRUE");
  EXPECT_EQ(RT("SELECT * FROM a JOIN b JOIN c ON c.x = b.x ON b.x = a.x"),
            "SELECT * FROM a JOIN (b JOIN c ON c.x = b.x) ON b.x = a.x");
  EXPECT_EQ(RT("SELECT * FROM json_to_recordset('[]') AS x(a int, \"B\" varchar(10)[], c double precision)"),
            "SELECT * FROM json_to_recordset('[]') AS x(a INT, \"B\" VARCHAR(10)[], c DOUBLE PRECISION)");
  EXPECT_EQ(RT("SELECT * FROM json_to_recordset('[]') AS (a text)"), "SELECT * FROM json_to_recordset('[]') AS (a text)");
}

TEST(PrinterRoundTripTest, Expressions) {
  RT("SELECT a + b * c, (a + b) * c, a - b - c, a - (b - c), -a, - -1, +a, 2 ^ 3 ^ 4, a % 2, |/ a, @ -1");
  RT("SELECT a AND b OR c, a AND (b OR c), NOT a, NOT (a AND b), NOT NOT a");
  RT("SELECT a = 1, a <> 1, a != 1, a < 1, a >= 1, (a = b) = TRUE");
  RT("SELECT a || b, a @> b, a OPERATOR(pg_catalog.+) b, a ~ 'x', a !~* 'y'");
  RT("SELECT a IS NULL, a IS NOT NULL, a ISNULL, a NOTNULL, a IS TRUE, a IS NOT FALSE, a IS UNKNOWN");
  RT("SELECT a IS DISTINCT FROM b, a IS NOT DISTINCT FROM b");
  RT("SELECT a IN (1, 2), a NOT IN (1), a BETWEEN 1 AND 2, a NOT BETWEEN SYMMETRIC 2 AND 1");
  RT("SELECT a LIKE 'x%', a NOT ILIKE 'y' ESCAPE '!', a SIMILAR TO 'z', a NOT SIMILAR TO 'w'");
  RT("SELECT a = ANY (ARRAY[1, 2]), a < ALL ('{1,2}'), a LIKE ANY (ARRAY['a%'])");
  RT("SELECT a IN (SELECT b FROM u), a NOT IN (SELECT b FROM u), a > ANY (SELECT b FROM u), a = SOME (SELECT 1)");
  RT("SELECT EXISTS (SELECT 1), NOT EXISTS (SELECT 1), ARRAY(SELECT 1), (SELECT max(b) FROM u) + 1");
  RT("SELECT CAST(a AS numeric(10, 2)), a::text, a::double precision, a::int[], a::varchar(3)[]");
  RT("SELECT a::timestamp(3) with time zone, a::timestamp without time zone, CAST(a AS character varying(5))");
  RT("SELECT a::interval day to second, a::interval, a::bit varying(4), a::\"char\", a::public.mytype");
  RT("SELECT DATE '1995-01-01', TIMESTAMP '1995-01-01 00:00:00', INTERVAL '1' DAY, INTERVAL '3 months'");
  RT("SELECT INTERVAL '1-2' YEAR TO MONTH, TIME '10:00', TIMESTAMP WITH TIME ZONE '2020-01-01 00:00+00'");
  RT("SELECT CASE WHEN a THEN 1 WHEN b THEN 2 ELSE 3 END, CASE x WHEN 1 THEN 'a' END");
  RT("SELECT count(*), count(DISTINCT a), sum(a ORDER BY b), string_agg(a, ',' ORDER BY a DESC)");
  RT("SELECT sum(a) FILTER (WHERE a > 0), percentile_cont(0.5) WITHIN GROUP (ORDER BY a)");
  RT("SELECT rank() OVER (PARTITION BY a ORDER BY b ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)");
  RT("SELECT sum(a) OVER (ORDER BY b RANGE BETWEEN 1 PRECEDING AND 2 FOLLOWING EXCLUDE CURRENT ROW)");
  RT("SELECT sum(a) OVER (GROUPS 2 PRECEDING EXCLUDE GROUP), sum(a) OVER w, sum(a) OVER () FROM t WINDOW w AS ()");
  RT("SELECT sum(a) OVER (ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING EXCLUDE TIES)");
  RT("SELECT f(VARIADIC ARRAY[1, 2]), g(a, VARIADIC b), make_interval(days => 1, hours := 2)");
  RT("SELECT EXTRACT(YEAR FROM d), EXTRACT(epoch FROM d), SUBSTRING(s FROM 1 FOR 2), SUBSTRING(s, 1, 2)");
  RT("SELECT TRIM(BOTH FROM s), TRIM(LEADING 'x' FROM s), TRIM(s), POSITION('a' IN s), OVERLAY(s PLACING 'x' FROM 2)");
  RT("SELECT COALESCE(a, 0), NULLIF(a, 0), GREATEST(a, b), LEAST(a, b)");
  RT("SELECT CURRENT_DATE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP(3), LOCALTIMESTAMP, CURRENT_USER, SESSION_USER");
  RT("SELECT ARRAY[1, 2], ARRAY[[1, 2], [3, 4]], ROW(1, 2), (1, 2), ROW()");
  RT("SELECT arr[1], arr[1:2], arr[:2], arr[2:], (f(x))[1], (c).field, (c).*, (arr)[1][2]");
  RT("SELECT a COLLATE \"C\", a COLLATE pg_catalog.\"default\"");
  RT("SELECT a AT TIME ZONE 'UTC', $1, $2::int");
  RT("SELECT left(s, 2), right(s, 1), t.\"Weird Col\"");
}

TEST(PrinterRoundTripTest, TrickyCases) {
  // Unary minus and comments, exponent and unary precedence.
  RT("SELECT - -1, -(-1), 1 - -1, 1 - - 1, -a ^ 2, (-a) ^ 2, 2 ^ -1, - (a + b), @ - 1");
  RT("SELECT a::int[], (SELECT 1)::text, $1::text || 'x', interval '1 day' * 2, '{1,2}'::int[]");
  RT("SELECT (a).b.c, (a).b[1], (arr)[1:2], (array_agg(x))[1] FROM t");
  RT("SELECT * FROM t WHERE (a, b) IN ((1, 2), (3, 4)) AND (a, b) = (1, 2) AND ROW(1, 2) = ROW(a, b)");
  RT("SELECT x FROM t ORDER BY x USING >, y USING OPERATOR(pg_catalog.<) NULLS FIRST");
  RT("SELECT count(*) FILTER (WHERE x) OVER w FROM t WINDOW w AS (ORDER BY y)");
  RT("SELECT a NOT LIKE ALL (ARRAY['x']), a ILIKE ANY (ARRAY['y']), a = ANY ('{1,2}'::int[])");
  RT("SELECT 'a' COLLATE \"C\" < 'b', a AT TIME ZONE 'UTC' AT TIME ZONE 'Europe/Paris'");
  RT("SELECT NOT a IS NULL, NOT a = b, a = b IS NULL, (a LIKE b) = c, a LIKE b || c, a BETWEEN b AND c AND d");
  RT("SELECT a IN (1) IS TRUE, (a IS NULL) = b, NOT (a IS NULL) AND b, (a OR b) AND c, a OR b AND c");
  RT("SELECT t.user_id, \"user\", year, month, \"order\", t.order, \"Order\" FROM t");
  RT("SELECT * FROM (SELECT 1) AS t, (VALUES (1)) v (a)");
  RT("SELECT * FROM t1 JOIN t2 USING (id) JOIN t3 USING (id) LEFT JOIN t4 ON t4.a = t1.a AND t4.b > 0");
  RT("SELECT CAST(x AS \"MyType\"), x::\"char\", x::\"int\", CAST(x AS s.t[])");
  RT("SELECT a FROM t GROUP BY GROUPING SETS (a, ROLLUP (b), CUBE (c, d), ()), e");
  RT("SELECT 1 FROM t LIMIT (SELECT 1) OFFSET (1 + 1)");
  RT("SELECT * FROM t FETCH FIRST (1 + 1) ROWS ONLY");
  RT("SELECT t, t.* FROM t");
  RT("SELECT 1 WHERE a OPERATOR(pg_catalog.=) b");
  RT("SELECT substring('abc' FROM 'b'), trim(TRAILING FROM s), trim(BOTH 'x' FROM s), trim(LEADING s)");
  RT("SELECT extract('year' FROM d), current_timestamp(0), current_role, localtime, current_catalog");
  RT("SELECT position(a || b IN c), position((a IN (b)) IN c)");
  RT("SELECT café, \"café\", U&'\\00e9', E'\\x01\\x7f', 'tab\there'");
  RT("SELECT $$multi\nline$$, 'one\ntwo', E'x\\ny'");
  RT("SELECT CASE WHEN a IS NULL THEN NULL ELSE -a END, CASE WHEN NOT a THEN (SELECT 1) END");
  RT("SELECT ARRAY[]::int[], ARRAY[ARRAY[1], ARRAY[2]], ARRAY(VALUES (1))");
  RT("SELECT * FROM t WHERE a = (SELECT max(a) FROM t) AND b IN (SELECT b FROM u UNION SELECT c FROM v)");
  RT("SELECT * FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.a = t.a LIMIT 1)");
  RT("SELECT a FROM t WHERE a > ALL (SELECT b FROM u) OR a <= SOME (VALUES (1))");
  RT("SELECT (((a)))");
  // Postfix forms on any primary, as the parser accepts them.
  EXPECT_EQ(RT("SELECT (f(x))[1], (f(x)).y, (x::int[])[1], (c).f, (ARRAY[1, 2])[1]"),
            "SELECT (f(x))[1], (f(x)).y, (x::INT[])[1], (c).f, (ARRAY[1, 2])[1]");
  EXPECT_EQ(RT("SELECT a IS NULL IS NOT TRUE, a ISNULL IS FALSE, (a IS NULL) IS NULL, a = b IS DISTINCT FROM c"),
            "SELECT a IS NULL IS NOT TRUE, a ISNULL IS FALSE, (a IS NULL) IS NULL, a = b IS DISTINCT FROM c");
  // Operator-level prefix operators start any operand of an operator (`a || ~b`); postfix forms chain.
  EXPECT_EQ(RT("SELECT a || ~b, ~ ~a, a || ~b + c, ~a || b, a @> ANY (x) || b, a || b @> ANY (x), x ~~ ANY (y)"),
            "SELECT a || ~b, ~ ~a, a || ~b + c, ~a || b, a @> ANY (x) || b, a || b @> ANY (x), x ~~ ANY (y)");
  EXPECT_EQ(RT("SELECT arr[1]::int, (x).f::text, x::text[]::int[], a.b[1][2:3], -1::int, (-1)::int, - 1::int"),
            "SELECT arr[1]::INT, (x).f::text, x::text[]::INT[], a.b[1][2:3], -1::INT, (-1)::INT, -1::INT");
  RT("SELECT a.b.c.d FROM a.b.c");
  RT("SELECT * FROM (TABLE t) AS x, (SELECT 1 UNION SELECT 2) AS y, LATERAL (VALUES (t.a)) AS z(v)");
  RT("WITH a AS (SELECT 1), b AS (SELECT * FROM a) SELECT * FROM a, b WHERE a.x IN (WITH c AS (SELECT 2) TABLE c)");
  RT("SELECT 1 AS \"1\", 2 AS \"\"\"\", 3 AS \"a b\"");
  RT("SELECT 1.5, .5, 1e10, 1.5E-3, 00012, 9999999999999999999999");
  RT("SELECT TRUE AND NOT FALSE OR NULL IS NULL");
  RT("SELECT sum(x) OVER (PARTITION BY a, b ORDER BY c DESC NULLS LAST, d ROWS 3 PRECEDING)");
  RT("SELECT rank() OVER (w), sum(x) OVER (w ROWS UNBOUNDED PRECEDING) FROM t WINDOW w AS (PARTITION BY a)");
}

TEST(PrinterRoundTripTest, QualifyColumnsWithOnParsedExpression) {
  Arena arena;
  auto e = ParseExpression("region = 'EU' AND (cust IN (SELECT id FROM c WHERE region = 'x') OR lower(name) LIKE 'a%')",
                           arena);
  RLSQ_ASSERT_OK(e);
  PrintOptions o;
  o.qualify_columns_with = "Orders";
  EXPECT_EQ(Print(**e, o),
            "\"Orders\".region = 'EU' AND (\"Orders\".cust IN (SELECT id FROM c WHERE region = 'x') OR "
            "lower(\"Orders\".name) LIKE 'a%')");
}

// ---- the corpus -----------------------------------------------------------------------------------------------

void CheckCorpus(const std::string& set) {
  auto queries = testing::LoadCorpus(set);
  ASSERT_FALSE(queries.empty());
  int failures = 0;
  for (const auto& q : queries) {
    RoundTrip r = Check(q.sql);
    if (!r.ok) {
      ++failures;
      ADD_FAILURE() << set << "/" << q.name << ": " << r.error;
    } else if (r.printed.find('\n') != std::string::npos) {
      ++failures;
      ADD_FAILURE() << set << "/" << q.name << ": printed SQL is not on one line: " << r.printed;
    }
  }
  EXPECT_EQ(failures, 0) << "of " << queries.size() << " queries in " << set;
}

TEST(PrinterCorpusTest, Tpch) { CheckCorpus("tpch"); }
TEST(PrinterCorpusTest, Tpcds) { CheckCorpus("tpcds"); }
TEST(PrinterCorpusTest, Charts) { CheckCorpus("charts"); }

}  // namespace
}  // namespace rlsq
