-- Table chart, page 3 (LIMIT n OFFSET m) of a daily grain (P1D: DATETIME(col, 'start of day')) over ship dates.
SELECT DATETIME("l_shipdate", 'start of day') AS "__timestamp",
       COUNT(*) AS "count",
       SUM("l_quantity") AS "SUM(l_quantity)"
FROM "lineitem"
WHERE "l_shipdate" >= '1995-01-01 00:00:00'
  AND "l_shipdate" < '1996-01-01 00:00:00'
  AND "l_shipmode" IN ('AIR', 'REG AIR', 'MAIL')
GROUP BY DATETIME("l_shipdate", 'start of day')
ORDER BY "__timestamp"
LIMIT 20 OFFSET 40;
