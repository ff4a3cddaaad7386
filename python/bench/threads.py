#!/usr/bin/env python3
"""Figure 2: throughput of 1, 2 and 4 Python threads sharing one rlsq.Engine (the GIL is released while rewriting).

Two workloads: "hit" = TPC-H queries rewritten again and again (plan-cache hits: the per-call work in C++ is small,
so the Python side of each call, which holds the GIL, bounds the scaling); "miss" = distinct texts of the TPC-H
queries (each parsed and analysed afresh: almost all the time is spent without the GIL). A third column, sha256
over 1 MiB (hashlib releases the GIL too), shows how much parallelism the machine offers at the time. Each
configuration runs for --seconds; the work lists are built before the clock starts.

    PYTHONPATH=build-py/python /usr/bin/python3 python/bench/threads.py [--seconds 2]
"""

import hashlib
import os
import threading
import time

import benchlib


def run(call, threads, seconds, make_items):
    """Calls per second of `threads` threads for `seconds`, each calling call(item) over its own items."""
    counts = [0] * threads
    items = [make_items() for _ in range(threads)]
    start = threading.Barrier(threads + 1)
    stop = [False]

    def worker(k):
        mine = items[k]
        n = 0
        start.wait()
        while not stop[0]:
            call(mine[n % len(mine)])
            n += 1
        counts[k] = n

    ts = [threading.Thread(target=worker, args=(k,)) for k in range(threads)]
    for t in ts:
        t.start()
    start.wait()
    t0 = time.perf_counter()
    time.sleep(seconds)
    stop[0] = True
    for t in ts:
        t.join()
    return sum(counts) / (time.perf_counter() - t0)


def main():
    p = benchlib.arg_parser(__doc__.splitlines()[0])
    p.add_argument("--seconds", type=float, default=2.0)
    p.add_argument("--threads", default="1,2,4")
    args = p.parse_args()
    rlsq = benchlib.import_rlsq(args.build)
    corpus = [q[2] for q in benchlib.load_corpus(args.corpus, ("tpch",))]
    engine = rlsq.Engine.from_json(__import__("json").dumps(benchlib.policy_doc()))
    for sql in corpus:
        engine.rewrite(sql, user="u")
    counts = [int(x) for x in args.threads.split(",")]

    # For the miss workload each thread needs enough distinct texts for the whole run (about 100 us a call; past
    # the end it wraps around, and the plan cache, 4096 entries, has long forgotten the first ones).
    per_thread = int(args.seconds * 15000 / len(corpus)) + 1
    rewrite = lambda sql: engine.rewrite(sql, user="u")  # noqa: E731
    buf = os.urandom(1 << 20)
    workloads = [
        ("hit", rewrite, lambda: list(corpus)),
        ("miss", rewrite, lambda: [t for sql in corpus for t in benchlib.fresh_texts(sql, per_thread)]),
        # The machine's own parallelism: sha256 over 1 MiB releases the GIL too (a loaded machine shows here).
        ("sha256", lambda b: hashlib.sha256(b).digest(), lambda: [buf]),
    ]
    print("threads sharing one engine: rewrites per second (22 TPC-H queries; %s)" % benchlib.machine_note())
    print()
    print("%-8s" % "threads" + "".join("%16s %8s" % (w[0] + " calls/s", "speedup") for w in workloads))
    results = {w[0]: {} for w in workloads}
    for n in counts:
        for name, call, make in workloads:
            results[name][n] = run(call, n, args.seconds, make)
    for n in counts:
        line = "%-8d" % n
        for name, _, _ in workloads:
            r = results[name]
            line += "%16.0f %7.2fx" % (r[n], r[n] / r[counts[0]])
        print(line)
    print()
    print("plan cache: %d hits, %d misses" % (engine.plan_cache_hits, engine.plan_cache_misses))


if __name__ == "__main__":
    main()
