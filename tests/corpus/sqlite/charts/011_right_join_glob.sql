-- RIGHT JOIN (SQLite 3.39+): every region, with its nations whose name matches a GLOB character class.
SELECT r.r_name AS r_name,
       COUNT(n.n_nationkey) AS nations,
       MIN(n.n_name) AS first_nation
FROM nation AS n
RIGHT JOIN region AS r ON n.n_regionkey = r.r_regionkey AND n.n_name GLOB '[A-E]*'
GROUP BY r.r_name
ORDER BY r.r_name;
