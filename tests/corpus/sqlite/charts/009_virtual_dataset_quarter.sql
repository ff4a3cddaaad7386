-- Virtual dataset: a user's five-table join wrapped as (...) AS virtual_table, by quarter (P3M: printf('-%d month', ...)).
SELECT DATETIME(o_orderdate, 'start of month', printf('-%d month', (strftime('%m', o_orderdate) - 1) % 3)) AS "__timestamp",
       r_name AS r_name,
       SUM(revenue) AS "SUM(revenue)"
FROM
  (SELECT r.r_name,
          n.n_name,
          l.l_extendedprice * (1 - l.l_discount) AS revenue,
          o.o_orderdate
   FROM lineitem l
   JOIN orders o ON o.o_orderkey = l.l_orderkey
   JOIN customer c ON c.c_custkey = o.o_custkey
   JOIN nation n ON n.n_nationkey = c.c_nationkey
   JOIN region r ON r.r_regionkey = n.n_regionkey
   WHERE l.l_returnflag <> 'R') AS virtual_table
WHERE o_orderdate >= '1994-01-01 00:00:00'
  AND o_orderdate < '1995-01-01 00:00:00'
GROUP BY DATETIME(o_orderdate, 'start of month', printf('-%d month', (strftime('%m', o_orderdate) - 1) % 3)), r_name
ORDER BY "SUM(revenue)" DESC
LIMIT 10000;
