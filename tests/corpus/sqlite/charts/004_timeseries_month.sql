-- Time-series line chart, monthly grain (SqliteEngineSpec P1M: DATETIME(col, 'start of month')).
SELECT DATETIME("o_orderdate", 'start of month') AS "__timestamp",
       SUM("o_totalprice") AS "SUM(o_totalprice)"
FROM "orders"
WHERE "o_orderdate" >= '1996-01-01 00:00:00'
  AND "o_orderdate" < '1998-01-01 00:00:00'
GROUP BY DATETIME("o_orderdate", 'start of month')
ORDER BY "SUM(o_totalprice)" DESC
LIMIT 10000;
