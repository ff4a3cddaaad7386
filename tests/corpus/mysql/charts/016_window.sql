-- A window function over a derived table.
SELECT t.o_custkey, t.o_orderdate, t.running
FROM (SELECT o_custkey, o_orderdate,
             SUM(o_totalprice) OVER (PARTITION BY o_custkey ORDER BY o_orderdate, o_orderkey) AS running
      FROM orders) AS t
WHERE t.o_custkey < 20;
