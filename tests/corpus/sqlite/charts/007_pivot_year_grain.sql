-- Pivot table: two dimensions and the older SqliteEngineSpec yearly grain DATETIME(STRFTIME('%Y-01-01T00:00:00', col)).
SELECT "region"."r_name" AS "r_name",
       "customer"."c_mktsegment" AS "c_mktsegment",
       DATETIME(STRFTIME('%Y-01-01T00:00:00', "orders"."o_orderdate")) AS "o_orderdate",
       SUM("orders"."o_totalprice") AS "SUM(o_totalprice)",
       AVG("orders"."o_totalprice") AS "AVG(o_totalprice)",
       MAX("orders"."o_totalprice") AS "MAX(o_totalprice)",
       COUNT(*) AS "count"
FROM "orders"
INNER JOIN "customer" ON "orders"."o_custkey" = "customer"."c_custkey"
INNER JOIN "nation" ON "customer"."c_nationkey" = "nation"."n_nationkey"
INNER JOIN "region" ON "nation"."n_regionkey" = "region"."r_regionkey"
WHERE "orders"."o_orderdate" >= '1993-01-01 00:00:00'
  AND "orders"."o_orderdate" < '1996-01-01 00:00:00'
GROUP BY "region"."r_name", "customer"."c_mktsegment", DATETIME(STRFTIME('%Y-01-01T00:00:00', "orders"."o_orderdate"))
ORDER BY "SUM(o_totalprice)" DESC
LIMIT 10000;
