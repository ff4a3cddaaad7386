-- Time series with a series limit: the top segments in a derived table joined back.
SELECT DATE(DATE_SUB(`o_orderdate`, INTERVAL DAYOFWEEK(`o_orderdate`) - 1 DAY)) AS `__timestamp`,
       `c_mktsegment` AS `c_mktsegment`, SUM(`o_totalprice`) AS `revenue`
FROM `orders` JOIN `customer` ON `o_custkey` = `c_custkey`
JOIN (SELECT `c_mktsegment` AS `c_mktsegment__`, SUM(`o_totalprice`) AS `mme_inner__`
      FROM `orders` JOIN `customer` ON `o_custkey` = `c_custkey`
      GROUP BY `c_mktsegment`
      ORDER BY `mme_inner__` DESC
      LIMIT 3) AS `series_limit` ON `c_mktsegment` = `c_mktsegment__`
GROUP BY DATE(DATE_SUB(`o_orderdate`, INTERVAL DAYOFWEEK(`o_orderdate`) - 1 DAY)), `c_mktsegment`;
