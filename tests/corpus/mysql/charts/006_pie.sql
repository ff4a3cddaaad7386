-- Pie chart.
SELECT `n_name` AS `n_name`, COUNT(*) AS `count`
FROM `customer` INNER JOIN `nation` ON `c_nationkey` = `n_nationkey`
GROUP BY `n_name`
ORDER BY `count` DESC, `n_name`
LIMIT 100;
