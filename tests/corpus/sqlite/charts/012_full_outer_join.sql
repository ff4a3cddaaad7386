-- FULL OUTER JOIN (SQLite 3.39+) of two per-nation aggregates, COALESCE over both sides.
SELECT COALESCE(s.nationkey, c.nationkey) AS nationkey,
       COALESCE(s.suppliers, 0) AS suppliers,
       COALESCE(c.customers, 0) AS customers
FROM (SELECT s_nationkey AS nationkey, COUNT(*) AS suppliers
      FROM supplier
      WHERE s_acctbal > 0
      GROUP BY s_nationkey) AS s
FULL OUTER JOIN (SELECT c_nationkey AS nationkey, COUNT(*) AS customers
                 FROM customer
                 WHERE c_mktsegment = 'BUILDING'
                 GROUP BY c_nationkey) AS c
  ON s.nationkey = c.nationkey
ORDER BY 1;
