-- A CTE named after a table: its body reads the base table (MySQL: a plain WITH does not see itself), the outer
-- query reads the CTE.
WITH orders AS (SELECT o_orderkey, o_custkey, o_totalprice FROM orders WHERE o_totalprice > 1000)
SELECT COUNT(*), SUM(o_totalprice) FROM orders;
