-- Big number with a time range.
SELECT COUNT(DISTINCT `o_custkey`) AS `COUNT_DISTINCT(o_custkey)`
FROM `orders`
WHERE `o_orderdate` >= DATE_SUB(DATE '1998-08-02', INTERVAL 1 YEAR) AND `o_orderdate` < DATE '1998-08-02';
