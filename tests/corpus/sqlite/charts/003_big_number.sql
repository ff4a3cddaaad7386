-- Big number: one aggregate over the last year, the range computed with date() modifiers.
SELECT COUNT(DISTINCT "o_custkey") AS "COUNT_DISTINCT(o_custkey)"
FROM "orders"
WHERE "o_orderdate" >= date('1998-08-02', '-1 year')
  AND "o_orderdate" < date('1998-08-02');
