-- CTEs: "big" reads orders, and a CTE named lineitem (like a real table) reads customer, the main query reads both and nation.
WITH "big" AS (
    SELECT o_orderkey, o_custkey, o_totalprice
    FROM orders
    WHERE o_totalprice > 150000
),
lineitem AS (
    SELECT c_custkey AS l_custkey, c_nationkey AS l_nationkey, c_mktsegment AS l_segment
    FROM customer
    WHERE c_acctbal > 0
)
SELECT nation.n_name AS n_name,
       lineitem.l_segment AS segment,
       COUNT(*) AS big_orders,
       SUM("big".o_totalprice) AS total
FROM "big"
JOIN lineitem ON lineitem.l_custkey = "big".o_custkey
JOIN nation ON nation.n_nationkey = lineitem.l_nationkey
GROUP BY nation.n_name, lineitem.l_segment
ORDER BY total DESC, n_name, segment
LIMIT 50;
