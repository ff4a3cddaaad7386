-- An IN subquery in the select list, and DIV. (Index hints are in tests/dialect/mysql_dialect_test.cc: the
-- differential test's oracle reads views, which take no index hints.)
SELECT p_brand, p_partkey IN (SELECT ps_partkey FROM partsupp WHERE ps_availqty > 5000) AS stocked
FROM part
WHERE p_size DIV 10 = 1;
