-- Table chart, raw records (Superset on SQLite: double-quoted names, the time range as 'YYYY-MM-DD HH:MM:SS' text, LIMIT).
SELECT "o_orderkey" AS "o_orderkey",
       "o_orderdate" AS "o_orderdate",
       "o_orderpriority" AS "o_orderpriority",
       "o_clerk" AS "o_clerk",
       "o_totalprice" AS "o_totalprice"
FROM "orders"
WHERE "o_orderdate" >= '1995-01-01 00:00:00'
  AND "o_orderdate" < '1996-01-01 00:00:00'
ORDER BY "o_totalprice" DESC, "o_orderkey"
LIMIT 1000;
