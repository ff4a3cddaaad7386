-- Subtotals with WITH ROLLUP.
SELECT o_orderstatus, o_orderpriority, COUNT(*) AS n
FROM orders
GROUP BY o_orderstatus, o_orderpriority WITH ROLLUP;
