-- Table chart, raw records (Superset on MySQL: backticks, LIMIT).
SELECT `o_orderkey` AS `o_orderkey`, `o_orderdate` AS `o_orderdate`, `o_totalprice` AS `o_totalprice`
FROM `orders`
WHERE `o_orderdate` >= STR_TO_DATE('1995-01-01 00:00:00.000000', '%Y-%m-%d %H:%i:%s.%f')
  AND `o_orderdate` < STR_TO_DATE('1996-01-01 00:00:00.000000', '%Y-%m-%d %H:%i:%s.%f')
ORDER BY `o_orderkey` ASC
LIMIT 1000;
