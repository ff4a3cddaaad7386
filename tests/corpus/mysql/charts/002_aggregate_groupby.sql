-- Table chart, aggregated by a dimension.
SELECT `o_orderpriority` AS `o_orderpriority`, COUNT(*) AS `count`, SUM(`o_totalprice`) AS `SUM(o_totalprice)`
FROM `orders`
GROUP BY `o_orderpriority`
ORDER BY `count` DESC
LIMIT 10000;
