-- Time-series line chart, monthly grain (MySQLEngineSpec P1M).
SELECT DATE(DATE_SUB(`o_orderdate`, INTERVAL DAYOFMONTH(`o_orderdate`) - 1 DAY)) AS `__timestamp`,
       SUM(`o_totalprice`) AS `SUM(o_totalprice)`
FROM `orders`
GROUP BY DATE(DATE_SUB(`o_orderdate`, INTERVAL DAYOFMONTH(`o_orderdate`) - 1 DAY))
ORDER BY `__timestamp`
LIMIT 50000;
