-- HAVING with a scalar subquery reading another table.
SELECT `o_custkey`, SUM(`o_totalprice`) AS `total`
FROM `orders`
GROUP BY `o_custkey`
HAVING SUM(`o_totalprice`) > (SELECT AVG(`c_acctbal`) * 100 FROM `customer`)
ORDER BY `total` DESC, `o_custkey`
LIMIT 0, 25;
