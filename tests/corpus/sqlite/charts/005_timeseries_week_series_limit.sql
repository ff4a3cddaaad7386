-- Time series, weekly grain (P1W: 'start of day' and -strftime('%w') days), with the series limit: a join to the top 3 segments.
SELECT DATETIME("orders"."o_orderdate", 'start of day', -strftime('%w', "orders"."o_orderdate") || ' days') AS "__timestamp",
       "customer"."c_mktsegment" AS "c_mktsegment",
       SUM("orders"."o_totalprice") AS "SUM(o_totalprice)"
FROM "orders"
JOIN "customer" ON "orders"."o_custkey" = "customer"."c_custkey"
JOIN (SELECT "customer"."c_mktsegment" AS "c_mktsegment__",
             SUM("orders"."o_totalprice") AS "mme_inner__"
      FROM "orders"
      JOIN "customer" ON "orders"."o_custkey" = "customer"."c_custkey"
      WHERE "orders"."o_orderdate" >= '1995-01-01 00:00:00'
        AND "orders"."o_orderdate" < '1996-01-01 00:00:00'
      GROUP BY "customer"."c_mktsegment"
      ORDER BY "mme_inner__" DESC
      LIMIT 3) AS "series_limit" ON "customer"."c_mktsegment" = "series_limit"."c_mktsegment__"
WHERE "orders"."o_orderdate" >= '1995-01-01 00:00:00'
  AND "orders"."o_orderdate" < '1996-01-01 00:00:00'
GROUP BY DATETIME("orders"."o_orderdate", 'start of day', -strftime('%w', "orders"."o_orderdate") || ' days'),
         "customer"."c_mktsegment"
ORDER BY "SUM(o_totalprice)" DESC, "__timestamp", "c_mktsegment"
LIMIT 10000;
