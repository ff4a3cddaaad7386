"""Shared helpers of the python/bench scripts: finding the module and the corpus, the benchmark policy, timing."""

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent

TPCH_TABLES = ["nation", "region", "part", "supplier", "partsupp", "customer", "orders", "lineitem"]
TPCDS_TABLES = [
    "call_center", "catalog_page", "catalog_returns", "catalog_sales", "customer", "customer_address",
    "customer_demographics", "date_dim", "household_demographics", "income_band", "inventory", "item", "promotion",
    "reason", "ship_mode", "store", "store_returns", "store_sales", "time_dim", "warehouse", "web_page",
    "web_returns", "web_sales", "web_site",
]
TABLES = sorted(set(TPCH_TABLES + TPCDS_TABLES))
CLAUSE = "tenant_id = 42 AND region IN ('EU', 'US')"
GROUP_CLAUSE = "is_public"


def arg_parser(description):
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--build", default=os.environ.get("RLSQ_BUILD_DIR"),
                   help="the CMake build directory holding python/rlsq (default: PYTHONPATH, then build-py, build)")
    p.add_argument("--corpus", default=os.environ.get("RLSQ_CORPUS_DIR"),
                   help="the corpus directory with tpch/ and tpcds/ (default: ../shared/corpus of the repository)")
    return p


def import_rlsq(build):
    """Imports rlsq from `build`/python, or PYTHONPATH, or the repository's build-py/ or build/."""
    candidates = [Path(build) / "python"] if build else []
    candidates += [REPO / "build-py" / "python", REPO / "build" / "python"]
    try:
        if build:
            raise ImportError
        import rlsq  # noqa: F401  (PYTHONPATH)
    except ImportError:
        for c in candidates:
            if list((c / "rlsq").glob("_rlsq*.so")):
                sys.path.insert(0, str(c))
                break
    import rlsq
    return rlsq


def build_dir_of(rlsq):
    return Path(rlsq._rlsq.__file__).resolve().parent.parent.parent


def corpus_dir(arg):
    for c in ([Path(arg)] if arg else []) + [REPO.parent / "shared" / "corpus", REPO / "corpus"]:
        if (c / "tpch").is_dir():
            return c
    sys.exit("no corpus found (give --corpus DIR with tpch/ and tpcds/)")


def load_corpus(arg, sets=("tpch", "tpcds")):
    """[(set/name, path, sql)] of the corpus sets, sorted by name."""
    root = corpus_dir(arg)
    out = []
    for s in sets:
        for p in sorted((root / s).glob("*.sql")):
            out.append(("%s/%s" % (s, p.stem), p, p.read_text()))
    return out


def policy_doc():
    """The benchmark policy (as bench/rewrite/rewrite_bench.cc generates it): one Regular filter on every TPC-H and
    TPC-DS table for user "u", and on every fourth table a second one in the same group (ORed)."""
    filters = []
    for i, t in enumerate(TABLES):
        filters.append({"name": "f%d" % i, "filter_type": "Regular", "tables": [t], "roles": ["Analyst"],
                        "group_key": "g", "clause": CLAUSE})
        if i % 4 == 0:
            filters.append({"name": "g%d" % i, "filter_type": "Regular", "tables": [t], "roles": ["Analyst"],
                            "group_key": "g", "clause": GROUP_CLAUSE})
    return {
        "roles": [{"name": "Analyst", "permissions": [["all_datasource_access", "all_datasource_access"]]}],
        "users": [{"username": "u", "roles": ["Analyst"]}],
        "rls_filters": filters,
    }


def predicate_sql(table):
    """The predicate rlsq injects for `table` under policy_doc(), unqualified (for the sqlglot baseline)."""
    i = TABLES.index(table)
    if i % 4 == 0:
        return "(%s) OR (%s)" % (CLAUSE, GROUP_CLAUSE)
    return "(%s)" % CLAUSE


def write_policy():
    f = tempfile.NamedTemporaryFile("w", suffix=".json", prefix="rlsq-bench-", delete=False)
    json.dump(policy_doc(), f)
    f.close()
    return f.name


_counter = [0]


def fresh_texts(sql, n):
    """n texts of the same query, each of its own shape in the whole run (wrapped in a derived table with a fresh alias;
    a comment or a constant would give the same shape, a plan-cache hit): plan-cache misses."""
    out = []
    for _ in range(n):
        _counter[0] += 1
        out.append("SELECT * FROM (%s\n) AS fresh%d" % (sql.rstrip().rstrip(";"), _counter[0]))
    return out


def best_per_call(fn, items, repeats):
    """The best over `repeats` runs of the mean seconds per call of fn over items (items() gives a fresh list)."""
    best = float("inf")
    for _ in range(repeats):
        batch = items()
        t0 = time.perf_counter()
        for x in batch:
            fn(x)
        best = min(best, (time.perf_counter() - t0) / len(batch))
    return best


def geomean(xs):
    import math
    xs = [x for x in xs if x > 0]
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else float("nan")


def median(xs):
    xs = sorted(xs)
    n = len(xs)
    return (xs[n // 2] if n % 2 else (xs[n // 2 - 1] + xs[n // 2]) / 2) if xs else float("nan")


def machine_note():
    load = os.getloadavg() if hasattr(os, "getloadavg") else ("?",)
    return "cpus=%s load=%s python=%s" % (os.cpu_count(), " ".join("%.2f" % x for x in load),
                                           sys.version.split()[0])
