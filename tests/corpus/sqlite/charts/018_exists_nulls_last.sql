-- EXISTS and NOT EXISTS in WHERE, a correlated scalar subquery in the select list, ORDER BY ... DESC NULLS LAST.
SELECT s.s_name AS s_name,
       s.s_acctbal AS s_acctbal,
       (SELECT MAX(l.l_shipdate)
        FROM lineitem AS l
        WHERE l.l_suppkey = s.s_suppkey AND l.l_shipmode = 'AIR' AND l.l_shipdate >= '1998-01-01') AS last_air_shipment
FROM supplier AS s
WHERE EXISTS (SELECT 1 FROM partsupp WHERE ps_suppkey = s.s_suppkey AND ps_availqty > 1000)
  AND NOT EXISTS (SELECT 1 FROM nation WHERE n_nationkey = s.s_nationkey AND n_name = 'CHINA')
ORDER BY last_air_shipment DESC NULLS LAST, s.s_name
LIMIT 25;
