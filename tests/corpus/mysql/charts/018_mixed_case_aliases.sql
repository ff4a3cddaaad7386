-- Aliases in mixed case and a backtick-quoted reserved word.
SELECT `Ord`.o_orderpriority AS `order`, COUNT(*) AS `Count`
FROM orders AS `Ord` STRAIGHT_JOIN customer AS Cust ON Cust.c_custkey = `Ord`.o_custkey
WHERE Cust.c_acctbal BETWEEN -100 AND 5000
GROUP BY `Ord`.o_orderpriority;
