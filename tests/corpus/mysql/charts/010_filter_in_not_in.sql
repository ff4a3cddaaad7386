-- Adhoc filters: IN, NOT IN, IS NOT NULL, and a double-quoted string.
SELECT `l_shipmode`, SUM(`l_quantity`) AS `qty`
FROM `lineitem`
WHERE `l_shipmode` IN ('AIR', 'MAIL', "SHIP") AND `l_returnflag` NOT IN ('R') AND `l_comment` IS NOT NULL
GROUP BY `l_shipmode`;
