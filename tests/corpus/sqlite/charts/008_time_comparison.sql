-- Time comparison ("1 year ago"): one monthly query over two periods, the older shifted by '+1 year', joined LEFT OUTER.
SELECT query_a."__timestamp",
       query_a."o_orderpriority",
       query_a."SUM(o_totalprice)",
       query_b."SUM(o_totalprice)" AS "SUM(o_totalprice)__1 year ago"
FROM (SELECT DATETIME("o_orderdate", 'start of month') AS "__timestamp",
             "o_orderpriority" AS "o_orderpriority",
             SUM("o_totalprice") AS "SUM(o_totalprice)"
      FROM "orders"
      WHERE "o_orderdate" >= '1996-01-01' AND "o_orderdate" < '1997-01-01'
      GROUP BY 1, 2) AS query_a
LEFT OUTER JOIN
     (SELECT DATETIME("o_orderdate", 'start of month', '+1 year') AS "__timestamp",
             "o_orderpriority" AS "o_orderpriority",
             SUM("o_totalprice") AS "SUM(o_totalprice)"
      FROM "orders"
      WHERE "o_orderdate" >= date('1996-01-01', '-1 year') AND "o_orderdate" < date('1997-01-01', '-1 year')
      GROUP BY 1, 2) AS query_b
  ON query_a."__timestamp" = query_b."__timestamp"
 AND query_a."o_orderpriority" = query_b."o_orderpriority"
ORDER BY query_a."__timestamp", query_a."o_orderpriority"
LIMIT 10000;
