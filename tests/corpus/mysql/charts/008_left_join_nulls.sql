-- Customers without orders (a LEFT JOIN whose null side is filtered).
SELECT c.c_mktsegment, COUNT(DISTINCT c.c_custkey) AS customers, COUNT(o.o_orderkey) AS orders
FROM customer AS c
LEFT JOIN orders AS o ON o.o_custkey = c.c_custkey AND o.o_orderstatus = "F"
GROUP BY c.c_mktsegment;
