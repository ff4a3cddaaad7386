-- Names in mixed case (Orders, CUSTOMER, LineItem, Nation, "ORD"): SQLite folds ASCII case, quoted or not.
SELECT Ord.O_OrderPriority AS "Priority",
       Cust.C_MKTSEGMENT AS Segment,
       NATION.N_Name AS Nation,
       COUNT(*) AS "Count",
       SUM(LI.L_Quantity) AS Qty
FROM Orders AS Ord
JOIN CUSTOMER AS Cust ON Cust.c_custkey = Ord.o_custkey
JOIN LineItem LI ON li.l_orderkey = ord.O_ORDERKEY
JOIN Nation ON nation.n_nationkey = CUST.C_NATIONKEY
WHERE Cust.c_acctbal BETWEEN -100 AND 5000
  AND "ORD"."O_ORDERDATE" >= '1996-01-01'
GROUP BY Ord.o_orderpriority, cust.c_mktsegment, Nation.n_name
ORDER BY "count" DESC, "Priority", segment, nation
LIMIT 20;
