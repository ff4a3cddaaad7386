-- Bar chart by quarter (MySQLEngineSpec P3M).
SELECT MAKEDATE(YEAR(`l_shipdate`), 1) + INTERVAL QUARTER(`l_shipdate`) QUARTER - INTERVAL 1 QUARTER AS `__timestamp`,
       `l_returnflag`, SUM(`l_extendedprice` * (1 - `l_discount`)) AS `revenue`
FROM `lineitem`
WHERE `l_shipdate` BETWEEN '1994-01-01' AND '1995-12-31'
GROUP BY 1, 2
ORDER BY 1, 2;
