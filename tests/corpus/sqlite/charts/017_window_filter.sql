-- Window functions over a derived table: count(*) FILTER (WHERE ...) OVER (PARTITION BY ...), a running sum and a rank.
SELECT t.o_custkey, t.o_orderkey, t.o_orderdate, t.urgent_orders, t.running, t.rnk
FROM (SELECT o_custkey,
             o_orderkey,
             o_orderdate,
             count(*) FILTER (WHERE o_orderpriority IN ('1-URGENT', '2-HIGH')) OVER (PARTITION BY o_custkey) AS urgent_orders,
             SUM(o_totalprice) OVER (PARTITION BY o_custkey ORDER BY o_orderdate, o_orderkey) AS running,
             RANK() OVER (PARTITION BY o_custkey ORDER BY o_totalprice DESC) AS rnk
      FROM orders
      WHERE o_orderdate < '1995-01-01') AS t
WHERE t.o_custkey < 30
ORDER BY t.o_custkey, t.o_orderdate, t.o_orderkey;
