-- TPC-H Q06 for SQLite 3.40 (rlsq's corpus, after the TPC-H specification's text, dates as 'YYYY-MM-DD' text, SQLite date functions).
SELECT
    sum(l_extendedprice * l_discount) AS revenue
FROM
    lineitem
WHERE
    l_shipdate >= '1994-01-01'
    AND l_shipdate < date('1994-01-01', '+1 year')
    AND l_discount BETWEEN 0.06 - 0.01
    AND 0.06 + 0.01
    AND l_quantity < 24;
