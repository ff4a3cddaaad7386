"""The queries of the differential tests: the TPC-H queries, chart queries of the corpus, and generated hard cases
for the rewrite (outer joins, CTEs named like tables, subqueries everywhere, quoted mixed-case names, other schemas).
Each is (id, sql); the SQL is one statement without a trailing semicolon.
"""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import List, Tuple

CORPUS = Path(os.environ.get("RLSQ_CORPUS_DIR", Path(__file__).resolve().parents[3] / "shared" / "corpus"))

# All 22 run in well under a second at scale 0.01 (measured on the 2-core machine: the slowest, q20/q21, ~0.2 s).
TPCH = [f"q{i:02d}" for i in range(1, 23)]

# Chart shapes: joins of every kind, CTEs (one named like a table), set operations, subqueries in SELECT / WHERE /
# HAVING / FROM, LATERAL, GROUPING SETS, quoted identifiers, schema qualification, a trailing semicolon.
CHARTS = ["002", "007", "017", "022", "024", "025", "026", "027", "028", "029", "033", "035", "036", "037", "039",
          "040", "042", "044", "045", "046", "047", "050", "051", "052", "056", "064", "065", "067", "069", "070",
          "071"]

HARD = [
    # outer joins: the filtered table on the preserved and on the null-supplying side
    ("left_join_filtered_right",
     "SELECT n.n_name, count(c.c_custkey) AS customers FROM nation n "
     "LEFT JOIN customer c ON c.c_nationkey = n.n_nationkey GROUP BY n.n_name"),
    ("left_join_filtered_left",
     "SELECT c.c_mktsegment, count(*) AS customers, count(n.n_nationkey) AS with_nation FROM customer c "
     "LEFT JOIN nation n ON n.n_nationkey = c.c_nationkey GROUP BY c.c_mktsegment"),
    ("right_join",
     "SELECT n.n_name, count(o.o_orderkey) AS orders FROM orders o JOIN customer c ON c.c_custkey = o.o_custkey "
     "RIGHT JOIN nation n ON n.n_nationkey = c.c_nationkey AND o.o_totalprice > 200000 GROUP BY n.n_name"),
    ("full_join_both_filtered",
     "SELECT r.r_name, n.n_name FROM region r FULL JOIN nation n ON n.n_regionkey = r.r_regionkey "
     "AND n.n_nationkey < 12"),
    ("full_join_using",
     "SELECT c_nationkey, count(*) FROM (SELECT c_nationkey, c_custkey FROM customer WHERE c_acctbal > 9000) c "
     "FULL JOIN (SELECT s_nationkey AS c_nationkey, s_suppkey FROM supplier) s USING (c_nationkey) "
     "GROUP BY c_nationkey"),
    ("nested_outer_join_tree",
     "SELECT o.o_orderpriority, count(n.n_name) AS named FROM orders o LEFT JOIN (customer c JOIN nation n "
     "ON n.n_nationkey = c.c_nationkey) ON c.c_custkey = o.o_custkey GROUP BY o.o_orderpriority"),
    ("left_join_lateral",
     "SELECT n.n_name, t.total FROM nation n LEFT JOIN LATERAL (SELECT sum(s.s_acctbal) AS total FROM supplier s "
     "WHERE s.s_nationkey = n.n_nationkey) t ON true"),
    # CTEs named like tables (shadowing), and a CTE reading the table it shadows
    ("cte_shadows_nation",
     "WITH nation AS (SELECT r_regionkey AS n_nationkey, r_name AS n_name FROM region) "
     "SELECT n_nationkey, n_name FROM nation"),
    ("cte_reads_shadowed_table",
     "WITH customer AS (SELECT c_custkey, c_mktsegment FROM customer WHERE c_acctbal > 0) "
     "SELECT c_mktsegment, count(*) FROM customer GROUP BY c_mktsegment"),
    ("cte_shadow_in_subquery_only",
     "SELECT count(*) FROM orders WHERE o_custkey IN (WITH orders AS (SELECT 1 AS x) "
     "SELECT c_custkey FROM customer, orders WHERE c_nationkey < 10)"),
    ("cte_qualified_name_is_table",
     "WITH nation AS (SELECT 1 AS n_nationkey) SELECT count(*) FROM public.nation"),
    ("recursive_cte_and_table",
     "WITH RECURSIVE k(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM k WHERE n < 24) "
     "SELECT k.n, nation.n_name FROM k LEFT JOIN nation ON nation.n_nationkey = k.n"),
    # subqueries in WHERE, SELECT, HAVING, ORDER BY
    ("where_in_subquery",
     "SELECT count(*) FROM customer WHERE c_nationkey IN (SELECT n_nationkey FROM nation)"),
    ("where_exists_correlated",
     "SELECT c_mktsegment, count(*) FROM customer c WHERE EXISTS (SELECT 1 FROM orders o "
     "WHERE o.o_custkey = c.c_custkey AND o.o_orderpriority IN ('1-URGENT', '2-HIGH')) GROUP BY c_mktsegment"),
    ("select_scalar_subqueries",
     "SELECT n_name, (SELECT count(*) FROM customer c WHERE c.c_nationkey = n.n_nationkey) AS customers, "
     "(SELECT count(*) FROM supplier) AS suppliers FROM nation n"),
    ("having_subquery",
     "SELECT c_nationkey, count(*) FROM customer GROUP BY c_nationkey "
     "HAVING count(*) > (SELECT count(*) / 40 FROM customer)"),
    ("order_by_subquery",
     "SELECT r_name FROM region r ORDER BY (SELECT count(*) FROM nation n WHERE n.n_regionkey = r.r_regionkey), "
     "r_name"),
    ("set_operations",
     "SELECT n_name AS name FROM nation UNION SELECT r_name FROM region "
     "EXCEPT SELECT s_name FROM supplier WHERE s_suppkey < 0"),
    ("table_statement", "TABLE nation"),
    ("self_join_filtered",
     "SELECT a.n_name, b.n_name FROM nation a JOIN nation b ON a.n_regionkey = b.n_regionkey "
     "AND a.n_nationkey < b.n_nationkey"),
    # mixed-case quoted names
    ("mixed_case_table",
     'SELECT "Region", count(*), sum("Amount"), count("camelNote") FROM "MixedCase" GROUP BY "Region"'),
    ("mixed_case_qualified_join",
     'SELECT m."Region", r.r_name FROM public."MixedCase" AS m JOIN region r ON r.r_regionkey = m."Id" % 5 '
     'WHERE m."Id" < 40'),
    ("mixed_case_alias_like_table",
     'SELECT "MixedCase"."Id" FROM "MixedCase" WHERE "MixedCase"."Id" <= 12'),
    # the clause with a subquery (supplier), the template clause (part), other schemas
    ("supplier_subquery_clause", "SELECT s_nationkey, count(*) FROM supplier GROUP BY s_nationkey"),
    ("part_template_clause", "SELECT p_brand, count(*) FROM part GROUP BY p_brand"),
    ("sales_schema", "SELECT r_regionkey, r_name FROM sales.region"),
    ("hidden_schema", "SELECT r_regionkey, r_name FROM hidden.region"),
    ("sales_and_public",
     "SELECT s.r_name, p.r_name FROM sales.region s LEFT JOIN public.region p ON p.r_regionkey = s.r_regionkey"),
    # denied for some users (dave: only orders and lineitem)
    ("orders_lineitem_only",
     "SELECT o_orderpriority, count(*), sum(l_quantity) FROM orders JOIN lineitem ON l_orderkey = o_orderkey "
     "GROUP BY o_orderpriority"),
    # catalog reads pass unfiltered
    ("catalog_pg_class",
     "SELECT c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
     "WHERE n.nspname = 'public' AND c.relkind = 'r'"),
    ("pgbench_accounts", "SELECT count(*), sum(abalance) FROM pgbench_accounts WHERE aid < 5000"),
]


def corpus_sql(path: Path) -> str:
    """A corpus file as one statement: the trailing semicolon (and blank lines) removed."""
    text = path.read_text().rstrip()
    text = re.sub(r";\s*$", "", text)
    return text


def all_queries() -> List[Tuple[str, str]]:
    out = []
    for q in TPCH:
        out.append((f"tpch_{q}", corpus_sql(CORPUS / "tpch" / f"{q}.sql")))
    charts = {p.name[:3]: p for p in (CORPUS / "charts").glob("*.sql")}
    for c in CHARTS:
        out.append((f"chart_{charts[c].stem}", corpus_sql(charts[c])))
    out.extend(HARD)
    return out


# Cheap queries for the load and reload tests.
LIGHT = [
    "SELECT count(*) FROM nation",
    "SELECT n_name FROM nation WHERE n_nationkey < 20",
    "SELECT count(*) FROM orders WHERE o_orderdate < DATE '1993-01-01'",
    "SELECT c_mktsegment, count(*) FROM customer GROUP BY 1",
    'SELECT "Region", count(*) FROM "MixedCase" GROUP BY 1',
    "SELECT r_name FROM region",
    "SELECT p_brand, count(*) FROM part WHERE p_size < 5 GROUP BY 1",
]
