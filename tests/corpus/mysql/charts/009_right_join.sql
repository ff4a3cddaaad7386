-- A RIGHT JOIN: the preserved side is on the right.
SELECT n.n_name, r.r_name
FROM nation n RIGHT JOIN region r ON n.n_regionkey = r.r_regionkey AND n.n_name LIKE 'A%';
