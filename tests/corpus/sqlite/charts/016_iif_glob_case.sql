-- Adhoc metrics and dimensions: IIF, CASE, GLOB patterns, NULLIF, substr and || concatenation.
SELECT p_mfgr || ' / ' || substr(p_brand, 7) AS maker,
       IIF(p_type GLOB 'PROMO *', 'promo', 'regular') AS kind,
       COUNT(*) AS parts,
       SUM(CASE WHEN p_container GLOB 'SM *' THEN 1 ELSE 0 END) AS small,
       SUM(IIF(p_size > 25, 1, 0)) AS large,
       MAX(NULLIF(p_retailprice, 0)) AS top_price
FROM part
WHERE p_name NOT GLOB '*[0-9]*'
  AND p_type GLOB '*[BS]*'
GROUP BY 1, 2
ORDER BY 1, 2;
