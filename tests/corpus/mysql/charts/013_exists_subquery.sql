-- EXISTS and NOT EXISTS in WHERE.
SELECT s_name
FROM supplier
WHERE EXISTS (SELECT 1 FROM lineitem WHERE l_suppkey = s_suppkey AND l_shipmode = 'AIR')
  AND NOT EXISTS (SELECT 1 FROM nation WHERE n_nationkey = s_nationkey AND n_name = 'CHINA');
