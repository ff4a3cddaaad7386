-- Metabase-style question: a "source" subquery, date(col, 'start of month') buckets, a quoted join alias with spaces, LIMIT 2000.
SELECT "source"."o_orderdate" AS "o_orderdate",
       "source"."Customer - O Custkey__c_mktsegment" AS "Customer - O Custkey__c_mktsegment",
       COUNT(*) AS "count",
       SUM("source"."o_totalprice") AS "sum"
FROM (SELECT date("orders"."o_orderdate", 'start of month') AS "o_orderdate",
             "orders"."o_totalprice" AS "o_totalprice",
             "Customer - O Custkey"."c_mktsegment" AS "Customer - O Custkey__c_mktsegment"
      FROM "orders"
      LEFT JOIN "customer" AS "Customer - O Custkey" ON "orders"."o_custkey" = "Customer - O Custkey"."c_custkey"
      WHERE ("orders"."o_orderdate" >= date('1997-01-01'))
        AND ("orders"."o_orderdate" < date('1997-07-01'))) AS "source"
GROUP BY "source"."o_orderdate", "source"."Customer - O Custkey__c_mktsegment"
ORDER BY "source"."o_orderdate" ASC, "source"."Customer - O Custkey__c_mktsegment" ASC
LIMIT 2000;
