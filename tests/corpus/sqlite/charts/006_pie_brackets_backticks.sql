-- Pie chart written with [bracket] and `backtick` quoted names (SQLite accepts both besides double quotes).
SELECT [nation].[n_name] AS [n_name],
       COUNT(*) AS `count`
FROM [customer]
INNER JOIN `nation` ON [customer].c_nationkey = `nation`.`n_nationkey`
GROUP BY [nation].[n_name]
ORDER BY `count` DESC, [n_name]
LIMIT 100;
