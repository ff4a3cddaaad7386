-- UNION of two reads, DISTINCTROW and SQL_NO_CACHE (which MariaDB allows only in the first SELECT).
SELECT SQL_NO_CACHE DISTINCTROW c_nationkey AS k FROM customer
UNION ALL
SELECT s_nationkey FROM supplier WHERE s_acctbal > 0;
