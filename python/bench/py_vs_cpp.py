#!/usr/bin/env python3
"""Figure 1: the cost of a rewrite called from Python vs the same rewrite in C++, on a plan-cache hit and miss.

C++ side: rlsq_py_bench_cpp (python/bench/cpp_timing.cc; `ninja -C <build> rlsq_py_bench_cpp`), timing
Engine::rewrite exactly as this script times engine.rewrite: "hit" = the same text BATCH times, "miss" = BATCH
distinct texts (the query plus a unique comment line, so each is parsed and analysed afresh); best of REPEATS.
Both use the same policy (benchlib.policy_doc: filters on every TPC-H/TPC-DS table) and the TPC-H + TPC-DS corpus.
Afterwards, the Python per-call cost of the caller forms (user=, caller= dict, guest_rules) on a small query.

    PYTHONPATH=build-py/python /usr/bin/python3 python/bench/py_vs_cpp.py [--build build-py] [--quick]
"""

import os
import subprocess
import sys
import time

import benchlib


def main():
    p = benchlib.arg_parser(__doc__.splitlines()[0])
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--batch", type=int, default=100)
    p.add_argument("--rounds", type=int, default=2, help="alternating C++ / Python rounds (best kept)")
    p.add_argument("--quick", action="store_true", help="TPC-H only, smaller batches (a few seconds)")
    args = p.parse_args()
    if args.quick:
        args.batch, args.repeats, args.rounds = 30, 2, 1
    rlsq = benchlib.import_rlsq(args.build)
    build = benchlib.build_dir_of(rlsq)
    cpp = build / "python" / "bench" / "rlsq_py_bench_cpp"
    if not cpp.exists():
        sys.exit("%s is not built: ninja -C %s rlsq_py_bench_cpp" % (cpp, build))
    corpus = benchlib.load_corpus(args.corpus, ("tpch",) if args.quick else ("tpch", "tpcds"))
    policy = benchlib.write_policy()
    engine = rlsq.Engine.from_file(policy)
    usable = []
    for q in corpus:
        try:
            engine.rewrite(q[2], user="u")
            usable.append(q)
        except rlsq.Error as e:
            print("skipping %s: %s" % (q[0], e), file=sys.stderr)
    cpp_best, py_best = {}, {}
    cpp_seconds = py_seconds = 0.0
    try:
        # Rounds alternate the C++ program and this process so that both see the same machine (a loaded one
        # varies); the best of the rounds is kept for each query.
        for _ in range(args.rounds):
            t0 = time.perf_counter()
            out = subprocess.run([str(cpp), policy, "u", str(args.repeats), str(args.batch)] +
                                 [str(q[1]) for q in usable], capture_output=True, text=True, check=True)
            for line in out.stdout.splitlines():
                path, hit, miss = line.rsplit(" ", 2)
                old = cpp_best.get(path, (float("inf"), float("inf")))
                cpp_best[path] = (min(old[0], float(hit)), min(old[1], float(miss)))
            cpp_seconds += time.perf_counter() - t0

            t0 = time.perf_counter()
            for name, path, sql in usable:
                hit = benchlib.best_per_call(lambda s: engine.rewrite(s, user="u"), lambda: [sql] * args.batch,
                                             args.repeats)
                miss = benchlib.best_per_call(lambda s: engine.rewrite(s, user="u"),
                                              lambda: benchlib.fresh_texts(sql, args.batch), args.repeats)
                old = py_best.get(str(path), (float("inf"), float("inf")))
                py_best[str(path)] = (min(old[0], hit * 1e6), min(old[1], miss * 1e6))
            py_seconds += time.perf_counter() - t0
    finally:
        os.unlink(policy)
    rows = []
    for name, path, _ in usable:
        if str(path) in cpp_best:
            (c_hit, c_miss), (hit, miss) = cpp_best[str(path)], py_best[str(path)]
            rows.append((name, c_hit, hit, c_miss, miss))

    print("rewrite from Python vs C++ (%d TPC-H/TPC-DS queries; %s)" % (len(rows), benchlib.machine_note()))
    print("microseconds per call: best of %d rounds x %d batches of %d; miss = a distinct text each call" %
          (args.rounds, args.repeats, args.batch))
    print()
    print("%-14s %10s %10s %8s   %10s %10s %8s" % ("", "C++ hit", "Py hit", "+us", "C++ miss", "Py miss", "+us"))
    show = rows if len(rows) <= 12 else rows[:4] + rows[22:26]
    for name, ch, ph, cm, pm in show:
        print("%-14s %10.2f %10.2f %8.2f   %10.1f %10.1f %8.1f" % (name, ch, ph, ph - ch, cm, pm, pm - cm))
    med = benchlib.median
    print("%-14s %10.2f %10.2f %8.2f   %10.1f %10.1f %8.1f" % (
        "median", med([r[1] for r in rows]), med([r[2] for r in rows]), med([r[2] - r[1] for r in rows]),
        med([r[3] for r in rows]), med([r[4] for r in rows]), med([r[4] - r[3] for r in rows])))
    print("%-14s %21s %8.2fx   %21s %8.2fx" % ("geomean Py/C++", "", benchlib.geomean([r[2] / r[1] for r in rows]),
                                               "", benchlib.geomean([r[4] / r[3] for r in rows])))

    # The caller forms, on a small query (cache hits): what each costs on top of user=.
    small = "SELECT o_orderkey, o_totalprice FROM orders o WHERE o.o_orderdate >= DATE '1995-01-01'"
    caller = {"username": "u2", "id": 5, "email": "u2@example.com", "roles": ["Analyst"],
              "attributes": {"region": "EU"}}
    rules = [{"dataset": "public.orders", "clause": "o_custkey = 5"}]
    forms = [
        ("user='u'", lambda: engine.rewrite(small, user="u")),
        ("caller=dict", lambda: engine.rewrite(small, caller=caller)),
        ("user+guest_rules", lambda: engine.rewrite(small, user="u", guest_rules=rules)),
        ("cache_key(user)", lambda: engine.cache_key(user="u")),
        ("can(user)", lambda: engine.can("u", "can_read", "Dashboard")),
    ]
    n = 2000 if not args.quick else 500
    print()
    print("Python per-call cost on a small query (cache hit), best of 3 x %d:" % n)
    base = None
    for label, fn in forms:
        t = benchlib.best_per_call(lambda f: f(), lambda: [fn] * n, 3) * 1e6
        base = base if base is not None else t
        print("  %-18s %8.2f us  (%+.2f us vs user=)" % (label, t, t - base))
    print()
    print("(C++ run %.1f s, Python run %.1f s)" % (cpp_seconds, py_seconds))


if __name__ == "__main__":
    main()
