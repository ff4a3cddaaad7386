#!/usr/bin/env python3
"""Figure 3: rlsq vs sqlglot rewriting the same TPC-H and TPC-DS queries in the same Python process.

sqlglot (Debian python3-sqlglot) does what Superset's RLSAsSubqueryTransformer does: parse (read="postgres"),
replace every read of a filtered table with (SELECT * FROM t WHERE predicate) AS t, and generate SQL (postgres).
The predicates are parsed once up front (as rlsq's policy is); CTE names are not filtered. rlsq rewrites with the
same filters (benchlib.policy_doc), on a plan-cache miss (a distinct text each call) and on a hit. Per query: the
best mean time per call over a few runs; the summary gives the geometric mean of the ratios.

    PYTHONPATH=build-py/python /usr/bin/python3 python/bench/sqlglot_compare.py [--quick]
"""

import json
import time

import benchlib


def make_sqlglot_rewriter(sqlglot, exp):
    predicates = {t: sqlglot.parse_one(benchlib.predicate_sql(t), read="postgres") for t in benchlib.TABLES}

    def rewrite(sql):
        tree = sqlglot.parse_one(sql, read="postgres")
        ctes = {cte.alias for cte in tree.find_all(exp.CTE)}
        replaced = [0]

        def visit(node):
            if isinstance(node, exp.Table) and node.name in predicates and node.name not in ctes:
                alias = node.alias or node.name
                table = node.copy()
                table.set("alias", None)
                replaced[0] += 1
                return exp.select("*").from_(table).where(predicates[node.name].copy()).subquery(alias)
            return node

        out = tree.transform(visit).sql(dialect="postgres")
        return out, replaced[0]

    return rewrite


def best_time(fn, budget, max_runs):
    """The best seconds of single calls within about `budget` seconds (at least 2 runs)."""
    t0 = time.perf_counter()
    fn()
    best = first = time.perf_counter() - t0
    runs = max(1, min(max_runs, int(budget / max(first, 1e-6))))
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main():
    p = benchlib.arg_parser(__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="TPC-H only, fewer runs")
    args = p.parse_args()
    rlsq = benchlib.import_rlsq(args.build)
    import sqlglot
    from sqlglot import exp

    corpus = benchlib.load_corpus(args.corpus, ("tpch",) if args.quick else ("tpch", "tpcds"))
    engine = rlsq.Engine.from_json(json.dumps(benchlib.policy_doc()))
    glot = make_sqlglot_rewriter(sqlglot, exp)
    budget, batch, repeats = (0.05, 20, 2) if args.quick else (0.2, 50, 3)
    rows, skipped = [], []
    started = time.perf_counter()
    for name, _, sql in corpus:
        try:
            _, glot_reads = glot(sql)
        except Exception as e:  # sqlglot 10.6 cannot read some TPC-DS syntax
            skipped.append("%s (sqlglot: %s)" % (name, type(e).__name__))
            continue
        try:
            report = engine.explain(sql, user="u")
        except rlsq.Error as e:
            skipped.append("%s (rlsq: %s)" % (name, type(e).__name__))
            continue
        rlsq_reads = sum(1 for t in report["tables"] if t["filters"])
        g = best_time(lambda: glot(sql), budget, 20)
        miss = benchlib.best_per_call(lambda s: engine.rewrite(s, user="u"),
                                      lambda: benchlib.fresh_texts(sql, batch), repeats)
        hit = benchlib.best_per_call(lambda s: engine.rewrite(s, user="u"), lambda: [sql] * batch * 4, repeats)
        rows.append((name, g * 1e6, miss * 1e6, hit * 1e6, glot_reads, rlsq_reads))
    elapsed = time.perf_counter() - started

    print("rlsq vs sqlglot %s (RLSAsSubqueryTransformer-style), same process (%s)" %
          (sqlglot.__version__, benchlib.machine_note()))
    print("microseconds per query; ratio = sqlglot / rlsq")
    print()
    print("%-14s %11s %11s %9s %9s %9s   %s" % ("query", "sqlglot", "rlsq miss", "ratio", "rlsq hit", "ratio",
                                               "filtered reads sqlglot/rlsq"))
    show = rows if len(rows) <= 30 else rows[:6] + rows[22:28]
    for name, g, m, h, gr, rr in show:
        print("%-14s %11.1f %11.1f %8.1fx %9.2f %8.0fx   %d/%d" % (name, g, m, g / m, h, g / h, gr, rr))
    for label, subset in (("TPC-H", [r for r in rows if r[0].startswith("tpch/")]),
                          ("TPC-DS", [r for r in rows if r[0].startswith("tpcds/")]), ("all", rows)):
        if not subset:
            continue
        print("%-14s %11.1f %11.1f %8.1fx %9.2f %8.0fx   (median times; geomean ratios; %d queries)" % (
            "[" + label + "]", benchlib.median([r[1] for r in subset]), benchlib.median([r[2] for r in subset]),
            benchlib.geomean([r[1] / r[2] for r in subset]), benchlib.median([r[3] for r in subset]),
            benchlib.geomean([r[1] / r[3] for r in subset]), len(subset)))
    print()
    print("filtered table reads: sqlglot %d, rlsq %d" % (sum(r[4] for r in rows), sum(r[5] for r in rows)))
    if skipped:
        print("skipped %d: %s" % (len(skipped), ", ".join(skipped)))
    print("(%.1f s)" % elapsed)


if __name__ == "__main__":
    main()
