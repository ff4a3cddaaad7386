-- HAVING with a scalar subquery on another table, paginated with SQLite's LIMIT offset, count form.
SELECT o_custkey,
       COUNT(*) AS n,
       SUM(o_totalprice) AS total
FROM orders
GROUP BY o_custkey
HAVING SUM(o_totalprice) > (SELECT AVG(c_acctbal) * 50 FROM customer)
ORDER BY total DESC, o_custkey
LIMIT 10, 25;
