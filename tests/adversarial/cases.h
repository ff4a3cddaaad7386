// The adversarial cases shared by adversarial_static_test (no server: refusals, acceptance, structural property)
// and adversarial_test (PostgreSQL native RLS as the oracle for every accepted case).
//
// Expectation per case: kAccept = must be rewritten (and then give the rows native RLS gives); kRefuse = must be
// refused with InvalidArgument (CLI exit 2); kEither = either is safe (if rewritten, rows must match native RLS).
//
// Superset's CVE history, one bypass class each (what the bypass was, then the cases below that cover it):
//   CVE-2022-41703  an adhoc filter/metric could carry a subquery (WHERE/HAVING/… of a chart query) reading a table
//                   the user had no access to: the check only looked at the chart's own table.  -> "cve-2022-41703-*"
//                   subqueries in WHERE, HAVING, select list, ORDER BY, LIMIT, function arguments.
//   CVE-2023-27523  data permissions were checked on the Jinja template text, not on the SQL that actually ran
//                   (rendering could produce table names the check never saw).  The template renderer (issue 5) does
//                   not exist yet; the class here is "the name checked is not the name executed": identifiers that
//                   only become a table name after lexing (U&"" escapes, quoted/case-folded names, schema
//                   qualification).  -> "cve-2023-27523-*"
//   CVE-2023-32672  an SQL parser edge case (sqlparse) missed a table in certain syntax, so its access was never
//                   checked.  -> "cve-2023-32672-*": ONLY, t *, TABLE t, parenthesised joins, LATERAL, ROWS FROM,
//                   column alias lists, VALUES with subqueries.
//   CVE-2024-24773  improper parsing of nested SQL statements in SQL Lab: tables inside nested queries (CTEs,
//                   subqueries of subqueries, set operations) escaped the authorization scope.  -> "cve-2024-24773-*"
//   CVE-2024-39887  PostgreSQL functions that were not on the allow list could be called from SQL Lab, e.g. ones
//                   that run SQL given as a string (query_to_xml, dblink) or read server files.  -> "cve-2024-39887-*"
//   CVE-2025-48912  RLS could be bypassed with a crafted SQL payload: text that changes how the appended RLS clause
//                   is read (comments swallowing it, OR precedence, parentheses) so the filter no longer restricts
//                   rows.  -> "cve-2025-48912-*"
#pragma once

#include <vector>

namespace rlsq::adversarial {

enum class Expect { kAccept, kRefuse, kEither };

struct Case {
  const char* name;
  const char* sql;
  Expect expect;
};

// User "probe" holds role R1; every filter applies to R1. Native RLS for the same user: one RESTRICTIVE policy per
// table with the same clause plus PERMISSIVE USING (true) (see adversarial_test.cc).
inline constexpr const char* kPolicy = R"json({
  "default_schema": "public",
  "roles": [{"name": "R1", "permissions": [["all_datasource_access", "all_datasource_access"]]}],
  "users": [{"username": "probe", "roles": ["R1"]}],
  "rls_filters": [
    {"name": "orders", "filter_type": "Regular", "tables": ["orders"], "roles": ["R1"],
     "clause": "o_orderpriority = '1-URGENT' -- comment in a clause"},
    {"name": "customer", "filter_type": "Regular", "tables": ["public.customer"], "roles": ["R1"],
     "clause": "c_mktsegment = 'BUILDING' OR c_acctbal < 0"},
    {"name": "nation", "filter_type": "Regular", "tables": ["NATION"], "roles": ["R1"], "clause": "n_regionkey = 3"},
    {"name": "lineitem", "filter_type": "Regular", "tables": ["lineitem"], "roles": ["R1"], "clause": "l_quantity < 10"}
  ]
})json";

struct NativePolicy {
  const char* table;
  const char* clause;
};
inline const std::vector<NativePolicy>& NativePolicies() {
  static const std::vector<NativePolicy> p = {{"orders", "o_orderpriority = '1-URGENT'"},
                                              {"customer", "c_mktsegment = 'BUILDING' OR c_acctbal < 0"},
                                              {"nation", "n_regionkey = 3"},
                                              {"lineitem", "l_quantity < 10"}};
  return p;
}

inline const std::vector<Case>& Cases() {
  using E = Expect;
  static const std::vector<Case> cases = {
      // ---- lexical tricks ----
      {"comment-line", "SELECT count(*) FROM orders -- , customer\n", E::kAccept},
      {"comment-hides-nothing", "SELECT count(*) FROM -- customer\n orders", E::kAccept},
      {"comment-nested", "SELECT count(*) FROM /* a /* nested */ customer */ orders", E::kAccept},
      {"comment-unterminated", "SELECT count(*) FROM orders /* /* */", E::kRefuse},
      {"backslash-standard-string", "SELECT 'a\\' AS s, count(*) FROM orders --', count(*) FROM nation", E::kAccept},
      {"backslash-e-string", "SELECT E'a\\' FROM orders --' AS s, count(*) FROM customer", E::kAccept},
      {"e-string-octal-quote", "SELECT E'\\047' AS q, count(*) FROM orders", E::kAccept},
      {"dollar-quote", "SELECT $$ FROM customer $$ AS s, count(*) FROM orders", E::kAccept},
      {"dollar-quote-tagged", "SELECT $a$ $$ FROM customer $$ $a$ AS s, count(*) FROM orders", E::kAccept},
      {"dollar-quote-unterminated", "SELECT $a$ FROM orders $b$", E::kRefuse},
      {"string-continuation", "SELECT 'x'\n'y' AS s, count(*) FROM orders", E::kAccept},
      {"cve-2023-27523-unicode-ident", "SELECT count(*) FROM U&\"\\006Frders\"", E::kAccept},
      {"cve-2023-27523-unicode-uescape", "SELECT count(*) FROM U&\"!006Frders\" UESCAPE '!'", E::kAccept},
      {"cve-2023-27523-unicode-schema", "SELECT count(*) FROM U&\"publi\\0063\".U&\"n\\+000061tion\"", E::kAccept},
      {"cve-2023-27523-quoted", "SELECT count(*) FROM \"public\".\"orders\"", E::kAccept},
      {"cve-2023-27523-upper", "SELECT count(*) FROM PUBLIC.ORDERS", E::kAccept},
      {"cve-2023-27523-catalog", "SELECT count(*) FROM tpch.public.orders", E::kEither},
      {"whitespace-formfeed", "SELECT\fcount(*)\fFROM\forders", E::kAccept},
      {"whitespace-cr-tab", "SELECT\rcount(*)\tFROM\r\norders", E::kAccept},
      {"whitespace-vtab", "SELECT count(*) FROM\vorders", E::kRefuse},  // not whitespace in PostgreSQL 15

      // ---- scope tricks ----
      {"cte-shadow-self", "WITH orders AS (SELECT * FROM orders) SELECT count(*) FROM orders", E::kAccept},
      {"cte-shadow-other", "WITH customer AS (SELECT * FROM nation) SELECT count(*) FROM customer", E::kAccept},
      {"cte-forward-reference",
       "WITH a AS (SELECT count(*) AS n FROM orders), orders AS (SELECT 1 AS x) SELECT a.n, (SELECT count(*) FROM orders) FROM a",
       E::kAccept},
      {"cte-qualified-not-cte", "WITH orders AS (SELECT 1 AS x) SELECT count(*) FROM public.orders", E::kAccept},
      {"cte-nested-shadow",
       "SELECT (WITH orders AS (SELECT 1 AS o) SELECT count(*) FROM orders) AS a, (SELECT count(*) FROM orders) AS b",
       E::kAccept},
      {"cte-recursive",
       "WITH RECURSIVE r(n, k) AS (SELECT 1, o_orderkey FROM orders WHERE o_orderkey < 500 "
       "UNION ALL SELECT n + 1, k FROM r WHERE n < 3) SELECT count(*), sum(k) FROM r",
       E::kAccept},
      {"cte-recursive-named-like-table",
       "WITH RECURSIVE nation(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM nation WHERE n < 5) "
       "SELECT (SELECT count(*) FROM nation), (SELECT count(*) FROM public.nation)",
       E::kAccept},
      {"cte-unused-reads-table", "WITH x AS (SELECT * FROM orders) SELECT 1 AS one", E::kAccept},
      {"alias-equals-other-table", "SELECT count(*) FROM orders AS customer", E::kAccept},
      {"alias-swap",
       "SELECT count(*) FROM orders customer JOIN customer orders ON orders.c_custkey = customer.o_custkey", E::kAccept},
      {"self-join",
       "SELECT count(*) FROM orders a JOIN orders b ON a.o_custkey = b.o_custkey AND a.o_orderkey < b.o_orderkey",
       E::kAccept},
      {"self-join-unaliased-schema",
       "SELECT count(*) FROM public.orders, orders o2 WHERE public.orders.o_orderkey = o2.o_orderkey", E::kAccept},
      {"correlated-subquery",
       "SELECT c_custkey, (SELECT count(*) FROM orders WHERE o_custkey = c_custkey) FROM customer WHERE c_custkey < 300",
       E::kAccept},
      {"correlated-outer-column-name-clash",
       "SELECT n_nationkey, (SELECT count(*) FROM nation n2 WHERE n2.n_regionkey = nation.n_regionkey) FROM nation",
       E::kAccept},

      // ---- placement tricks ----
      {"left-join", "SELECT c_custkey, o_orderkey FROM customer LEFT JOIN orders ON o_custkey = c_custkey", E::kAccept},
      {"right-join", "SELECT c_custkey, o_orderkey FROM orders RIGHT JOIN customer ON o_custkey = c_custkey", E::kAccept},
      {"full-join", "SELECT c_custkey, o_orderkey FROM customer FULL JOIN orders ON o_custkey = c_custkey", E::kAccept},
      {"left-join-using",
       "SELECT n_nationkey, count(*) FROM nation LEFT JOIN (SELECT c_nationkey AS n_nationkey FROM customer) c "
       "USING (n_nationkey) GROUP BY 1",
       E::kAccept},
      {"natural-left-join",
       "SELECT count(*) FROM (SELECT o_custkey AS k FROM orders) a NATURAL LEFT JOIN (SELECT c_custkey AS k FROM customer) b",
       E::kAccept},
      {"left-join-nested-inner",
       "SELECT count(*) FROM customer LEFT JOIN (orders JOIN lineitem ON l_orderkey = o_orderkey) ON o_custkey = c_custkey",
       E::kAccept},
      {"left-join-chain",
       "SELECT count(*) FROM nation LEFT JOIN customer ON c_nationkey = n_nationkey LEFT JOIN orders ON o_custkey = c_custkey",
       E::kAccept},
      {"aliased-join-tree",
       "SELECT count(j.o_orderkey) FROM (customer LEFT JOIN orders ON o_custkey = c_custkey) AS j", E::kAccept},
      {"join-on-true", "SELECT count(*) FROM orders JOIN customer ON true WHERE o_orderkey < 1000", E::kAccept},
      {"cross-join-comma", "SELECT count(*) FROM nation, customer WHERE c_nationkey = n_nationkey", E::kAccept},
      {"cve-2022-41703-where-subquery",
       "SELECT count(*) FROM nation WHERE n_nationkey IN (SELECT c_nationkey FROM customer)", E::kAccept},
      {"cve-2022-41703-having-subquery",
       "SELECT n_regionkey FROM nation GROUP BY n_regionkey HAVING count(*) < (SELECT count(*) FROM orders)", E::kAccept},
      {"cve-2022-41703-select-subquery", "SELECT (SELECT max(o_totalprice) FROM orders) AS m", E::kAccept},
      {"cve-2022-41703-limit-subquery",
       "SELECT n_nationkey FROM nation ORDER BY 1 LIMIT (SELECT count(*) FROM orders WHERE o_orderkey < 100)", E::kAccept},
      {"cve-2022-41703-offset-subquery",
       "SELECT n_nationkey FROM nation ORDER BY 1 OFFSET (SELECT count(*) FROM customer WHERE c_custkey < 3)", E::kAccept},
      {"cve-2022-41703-order-by-subquery",
       "SELECT n_name FROM nation ORDER BY (SELECT count(*) FROM customer WHERE c_nationkey = n_nationkey), n_name",
       E::kAccept},
      {"cve-2022-41703-function-arg", "SELECT coalesce((SELECT max(o_orderkey) FROM orders), 0) AS m", E::kAccept},
      {"cve-2022-41703-exists", "SELECT EXISTS (SELECT 1 FROM orders WHERE o_orderpriority = '5-LOW') AS leak", E::kAccept},
      {"cve-2022-41703-array", "SELECT array_length(ARRAY(SELECT o_orderkey FROM orders), 1) AS n", E::kAccept},
      {"cve-2022-41703-any", "SELECT 3 = ANY (SELECT o_orderkey FROM orders) AS hit", E::kAccept},
      {"cve-2022-41703-case", "SELECT CASE WHEN (SELECT count(*) FROM lineitem) > 0 THEN 1 END AS c", E::kAccept},
      {"cve-2022-41703-join-on-subquery",
       "SELECT count(*) FROM nation JOIN region ON r_regionkey = n_regionkey AND "
       "EXISTS (SELECT 1 FROM customer WHERE c_nationkey = n_nationkey)",
       E::kAccept},
      {"cve-2025-48912-or-precedence", "SELECT count(*) FROM orders WHERE o_orderkey < 10 OR o_orderkey > 0", E::kAccept},
      {"cve-2025-48912-or-no-parens", "SELECT count(*) FROM orders WHERE true OR true AND false", E::kAccept},
      {"cve-2025-48912-trailing-comment", "SELECT count(*) FROM orders WHERE true --", E::kAccept},
      {"cve-2025-48912-trailing-block-comment", "SELECT count(*) FROM orders WHERE true /* x */", E::kAccept},
      {"cve-2025-48912-paren-break", "SELECT count(*) FROM orders WHERE (true) OR (1 = 1)", E::kAccept},
      {"cve-2025-48912-semicolon-comment", "SELECT count(*) FROM orders; -- ; SELECT * FROM customer", E::kAccept},
      {"group-having", "SELECT o_orderpriority, count(*) FROM orders GROUP BY 1 HAVING count(*) > 0", E::kAccept},
      {"window", "SELECT o_orderpriority, count(*) OVER () FROM orders WHERE o_orderkey < 2000", E::kAccept},
      {"distinct-on", "SELECT DISTINCT ON (o_orderpriority) o_orderpriority FROM orders ORDER BY 1", E::kAccept},

      // ---- syntax edge cases where parsers lose tables ----
      {"cve-2023-32672-only", "SELECT count(*) FROM ONLY orders", E::kAccept},
      {"cve-2023-32672-star", "SELECT count(*) FROM orders *", E::kAccept},
      {"cve-2023-32672-table", "TABLE nation", E::kAccept},
      {"cve-2023-32672-table-in-union", "SELECT * FROM region UNION ALL TABLE region", E::kAccept},
      // PostgreSQL itself rejects a parenthesised bare table: refusing is right (and not over-broad).
      {"cve-2023-32672-paren-table", "SELECT count(*) FROM ((orders))", E::kRefuse},
      {"cve-2023-32672-paren-join", "SELECT count(*) FROM ((nation JOIN customer ON c_nationkey = n_nationkey))",
       E::kAccept},
      {"cve-2023-32672-paren-join-left",
       "SELECT count(*) FROM (nation JOIN customer ON c_nationkey = n_nationkey) LEFT JOIN orders ON o_custkey = c_custkey",
       E::kAccept},
      {"cve-2023-32672-column-alias-list", "SELECT count(*) FROM orders AS o(a, b) WHERE a < 5000", E::kAccept},
      {"cve-2023-32672-lateral",
       "SELECT c_custkey, x.n FROM customer, LATERAL (SELECT count(*) AS n FROM orders WHERE o_custkey = c_custkey) x "
       "WHERE c_custkey < 200",
       E::kAccept},
      {"cve-2023-32672-function-scan", "SELECT count(*) FROM generate_series(1, (SELECT count(*)::int FROM orders)) g",
       E::kAccept},
      {"cve-2023-32672-rows-from",
       "SELECT count(*) FROM ROWS FROM (generate_series(1, (SELECT count(*)::int FROM nation))) g", E::kAccept},
      {"cve-2023-32672-values", "VALUES ((SELECT count(*) FROM orders)), (2)", E::kAccept},
      {"cve-2023-32672-values-in-from", "SELECT * FROM (VALUES ((SELECT count(*) FROM customer))) v(n)", E::kAccept},
      {"cve-2023-32672-row-compare", "SELECT ROW(1, 2) < ROW((SELECT count(*) FROM orders), 0) AS r", E::kAccept},
      {"cve-2023-32672-cast-subquery", "SELECT (SELECT count(*) FROM orders)::text AS t", E::kAccept},
      {"cve-2023-32672-regclass-string", "SELECT 'orders'::regclass::text AS name", E::kEither},

      // ---- nested statements ----
      {"cve-2024-24773-nested-cte",
       "WITH a AS (WITH b AS (SELECT * FROM orders) SELECT * FROM b) SELECT count(*) FROM a", E::kAccept},
      {"cve-2024-24773-deep-subquery",
       "SELECT count(*) FROM (SELECT * FROM (SELECT * FROM (SELECT * FROM lineitem) a) b) c", E::kAccept},
      {"cve-2024-24773-set-ops",
       "SELECT o_custkey FROM orders UNION SELECT c_custkey FROM customer EXCEPT SELECT n_nationkey FROM nation",
       E::kAccept},
      {"cve-2024-24773-cte-in-subquery",
       "SELECT (SELECT count(*) FROM (WITH x AS (SELECT * FROM customer) SELECT * FROM x) y) AS n", E::kAccept},
      {"cve-2024-24773-multiple-statements", "SELECT 1; SELECT * FROM orders", E::kRefuse},
      {"cve-2024-24773-statement-after-comment", "SELECT 1 /* ; */ ; SELECT * FROM customer", E::kRefuse},
      {"cve-2024-24773-delete-after", "SELECT * FROM nation; DELETE FROM orders", E::kRefuse},
      {"cve-2024-24773-dml-cte", "WITH d AS (DELETE FROM orders RETURNING *) SELECT * FROM d", E::kRefuse},
      {"cve-2024-24773-update-cte", "WITH u AS (UPDATE orders SET o_comment = 'x' RETURNING *) SELECT 1", E::kRefuse},
      {"cve-2024-24773-insert-cte", "WITH i AS (INSERT INTO region VALUES (9, 'X', 'y') RETURNING *) SELECT 1",
       E::kRefuse},
      {"select-into", "SELECT * INTO stolen FROM orders", E::kRefuse},
      {"for-update", "SELECT * FROM orders FOR UPDATE", E::kRefuse},
      {"for-share-in-subquery", "SELECT * FROM (SELECT * FROM orders FOR SHARE) s", E::kRefuse},
      {"set-row-security", "SET row_security = off", E::kRefuse},
      {"reset-role", "RESET ROLE", E::kRefuse},
      {"copy-out", "COPY orders TO STDOUT", E::kRefuse},
      {"explain-analyze", "EXPLAIN ANALYZE SELECT * FROM orders", E::kRefuse},
      {"do-block", "DO $$ BEGIN PERFORM 1; END $$", E::kRefuse},
      {"prepare", "PREPARE p AS SELECT * FROM orders", E::kRefuse},
      {"create-view", "CREATE VIEW v AS SELECT * FROM orders", E::kRefuse},

      // ---- SQL passed as a string, session-changing and file-reading functions ----
      {"cve-2024-39887-query-to-xml", "SELECT query_to_xml('select * from orders', true, true, '')", E::kRefuse},
      {"cve-2024-39887-table-to-xml", "SELECT table_to_xml('orders', true, true, '')", E::kRefuse},
      {"cve-2024-39887-cursor-to-xml", "SELECT cursor_to_xml('c', 10, true, true, '')", E::kRefuse},
      {"cve-2024-39887-schema-to-xml", "SELECT schema_to_xml('public', true, true, '')", E::kRefuse},
      {"cve-2024-39887-database-to-xml", "SELECT database_to_xml(true, true, '')", E::kRefuse},
      {"cve-2024-39887-query-to-xml-nested",
       "SELECT n_name FROM nation WHERE n_name = (xpath('//o_orderkey/text()', "
       "query_to_xml('select o_orderkey from orders limit 1', true, true, '')))[1]::text",
       E::kRefuse},
      {"cve-2024-39887-query-to-xml-quoted", "SELECT \"query_to_xml\"('select 1', true, true, '')", E::kRefuse},
      {"cve-2024-39887-query-to-xml-schema", "SELECT pg_catalog.query_to_xml('select 1', true, true, '')", E::kRefuse},
      {"cve-2024-39887-dblink", "SELECT * FROM dblink('dbname=tpch', 'select o_orderkey from orders') AS t(k int)",
       E::kRefuse},
      {"cve-2024-39887-dblink-exec", "SELECT dblink_exec('dbname=tpch', 'delete from orders')", E::kRefuse},
      {"cve-2024-39887-ts-stat", "SELECT * FROM ts_stat('select to_tsvector(o_comment) from orders')", E::kRefuse},
      {"cve-2024-39887-set-config", "SELECT set_config('row_security', 'off', false)", E::kRefuse},
      {"cve-2024-39887-set-config-role", "SELECT set_config('role', 'postgres', false)", E::kRefuse},
      {"cve-2024-39887-set-config-in-where", "SELECT count(*) FROM nation WHERE set_config('a.b', 'c', true) IS NOT NULL",
       E::kRefuse},
      {"cve-2024-39887-read-file", "SELECT pg_read_file('/etc/passwd')", E::kRefuse},
      {"cve-2024-39887-lo-import", "SELECT lo_import('/etc/passwd')", E::kRefuse},
  };
  return cases;
}

}  // namespace rlsq::adversarial
