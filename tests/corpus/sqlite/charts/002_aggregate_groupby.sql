-- Table chart, aggregated by a dimension (Superset on SQLite: double-quoted names and aliases).
SELECT "o_orderpriority" AS "o_orderpriority",
       COUNT(*) AS "count",
       SUM("o_totalprice") AS "SUM(o_totalprice)"
FROM "orders"
WHERE "o_orderdate" >= '1994-01-01 00:00:00'
  AND "o_orderdate" < '1997-01-01 00:00:00'
GROUP BY "o_orderpriority"
ORDER BY "count" DESC
LIMIT 10000;
