-- LEFT JOIN whose null side is filtered with IS NOT (true for NULL) and folded with COALESCE.
SELECT c.c_mktsegment AS c_mktsegment,
       COUNT(DISTINCT c.c_custkey) AS customers,
       COUNT(o.o_orderkey) AS open_orders,
       COALESCE(SUM(o.o_totalprice), 0) AS total
FROM customer AS c
LEFT JOIN orders AS o ON o.o_custkey = c.c_custkey AND o.o_orderstatus IS NOT 'F'
WHERE c.c_acctbal IS NOT NULL
  AND o.o_orderpriority IS NOT '5-LOW'
GROUP BY c.c_mktsegment
ORDER BY c.c_mktsegment;
