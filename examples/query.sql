-- A Superset-style chart query over TPC-H: revenue per nation and quarter for the top-5 nations by revenue,
-- with a CTE, a join to a subquery (the "series limit"), and a scalar subquery in the WHERE clause.
WITH recent_orders AS (
  SELECT o_orderkey, o_custkey, o_orderdate, o_totalprice
  FROM orders
  WHERE o_orderdate >= DATE '1995-01-01' AND o_orderdate < DATE '1997-01-01'
)
SELECT DATE_TRUNC('quarter', ro.o_orderdate) AS __timestamp,
       n.n_name AS nation,
       SUM(ro.o_totalprice) AS "SUM(o_totalprice)",
       COUNT(DISTINCT c.c_custkey) AS customers
FROM recent_orders AS ro
JOIN customer AS c ON ro.o_custkey = c.c_custkey
JOIN nation AS n ON c.c_nationkey = n.n_nationkey
JOIN (SELECT n2.n_name AS n_name__, SUM(o2.o_totalprice) AS mme_inner__
      FROM recent_orders AS o2
      JOIN customer AS c2 ON o2.o_custkey = c2.c_custkey
      JOIN nation AS n2 ON c2.c_nationkey = n2.n_nationkey
      GROUP BY n2.n_name
      ORDER BY mme_inner__ DESC
      LIMIT 5) AS series_limit ON n.n_name = series_limit.n_name__
WHERE c.c_mktsegment IN ('BUILDING', 'AUTOMOBILE')
  AND ro.o_totalprice > (SELECT AVG(o_totalprice) / 2 FROM orders)
GROUP BY DATE_TRUNC('quarter', ro.o_orderdate), n.n_name
ORDER BY "SUM(o_totalprice)" DESC
LIMIT 1000;
