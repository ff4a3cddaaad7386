-- DATE_FORMAT and YEAR/MONTH grouping.
SELECT DATE_FORMAT(o_orderdate, '%Y-%m') AS ym, COUNT(*) AS n
FROM orders
WHERE o_orderdate > DATE_SUB(DATE '1998-08-02', INTERVAL 30 DAY)
GROUP BY DATE_FORMAT(o_orderdate, '%Y-%m');
