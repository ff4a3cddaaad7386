-- IF, IFNULL, CASE and GROUP_CONCAT.
SELECT r_name, IF(COUNT(*) > 4, 'many', 'few') AS size,
       IFNULL(MAX(n_comment), '') <> '' AS commented,
       GROUP_CONCAT(DISTINCT n_name ORDER BY n_name SEPARATOR ', ') AS nations
FROM region JOIN nation ON n_regionkey = r_regionkey
GROUP BY r_name;
