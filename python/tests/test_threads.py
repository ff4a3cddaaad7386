"""Threads sharing one rlsq.Engine: every result correct, and the GIL released while rewriting.

The two-thread test runs uncached rewrites (distinct query texts, so each call parses and analyses afresh) on two
threads and measures how many ran at once: the threads' CPU time over the wall time (1.0 when the GIL is held
throughout, 2.0 when it is released and two cores are free). It needs two free cores: it is skipped when
os.cpu_count() < 2, and when a reference workload that releases the GIL (hashlib over large buffers), measured
right after each attempt, does not reach 1.5 either (another process holds a core), since then no binding could
show it. It fails when rlsq stays at or below 1.5 in two attempts where the reference exceeded 1.5. Throughput
scaling is measured by python/bench/threads.py, not asserted here: on this VM the same work's time varies 2x
between runs seconds apart, so a throughput ratio of two runs is not a check a CI run can rely on.
"""

import hashlib
import json
import os
import threading
import time

import pytest

import rlsq

POLICY = {
    "default_schema": "public",
    "default_database": "tpch",
    "public_role": "Public",
    "roles": [
        {"name": "Public", "permissions": [["datasource_access", "[tpch].[public].[nation]"]]},
        {"name": "Analyst", "permissions": [["schema_access", "[tpch].[public]"]]},
        {"name": "EU"},
        {"name": "US"},
    ],
    "users": [
        {"username": "eu", "roles": ["Analyst", "EU"], "attributes": {"tenant": 1}},
        {"username": "us", "roles": ["Analyst", "US"], "attributes": {"tenant": 2}},
        {"username": "boss", "roles": ["Analyst"]},
    ],
    "rls_filters": [
        {"name": "eu_orders", "filter_type": "Regular", "tables": ["orders"], "roles": ["EU"],
         "clause": "o_region = 'EU'"},
        {"name": "us_orders", "filter_type": "Regular", "tables": ["orders"], "roles": ["US"],
         "clause": "o_region = 'US'"},
        {"name": "tenant", "filter_type": "Regular", "tables": ["customer"], "roles": ["EU", "US"],
         "clause": "c_tenant = {{ user_attr('tenant') }}"},
        {"name": "public_nations", "filter_type": "Regular", "tables": ["nation"], "roles": ["Public"],
         "clause": "n_regionkey = 0"},
    ],
}

QUERIES = [
    "SELECT o_orderkey FROM orders WHERE o_totalprice > 100",
    "SELECT c_name, count(*) FROM customer c JOIN orders o ON o.o_custkey = c.c_custkey GROUP BY c_name",
    "SELECT n_name FROM nation",
    "WITH t AS (SELECT * FROM orders) SELECT count(*) FROM t JOIN customer ON c_custkey = t.o_custkey",
]


@pytest.fixture(scope="module")
def engine():
    return rlsq.Engine.from_json(json.dumps(POLICY))


def _call(engine, sql, who):
    try:
        if who is None:
            return ("ok", engine.rewrite(sql))
        return ("ok", engine.rewrite(sql, user=who))
    except rlsq.Error as e:
        return (type(e).__name__, e.message, tuple(getattr(e, "tables", ())))


def test_threads_share_one_engine(engine):
    callers = ["eu", "us", "boss", None]
    expected = {(q, who): _call(engine, q, who) for q in QUERIES for who in callers}
    # Some combinations fail (the public role reads only nation): errors cross threads too.
    assert any(r[0] == "AccessDenied" for r in expected.values())
    assert any(r[0] == "ok" and "o_region = 'EU'" in r[1] for r in expected.values())
    failures = []
    stop_reloads = threading.Event()

    def worker(seed):
        keys = list(expected)
        for i in range(300):
            q, who = keys[(seed * 7 + i) % len(keys)]
            got = _call(engine, q, who)
            if got != expected[(q, who)]:
                failures.append((q, who, got))
        for who in callers:  # cache_key and can from many threads too
            engine.cache_key(user=who)

    def reloader():  # the same policy, swapped under the readers' feet
        text = json.dumps(POLICY)
        while not stop_reloads.is_set():
            engine.reload(json=text)
            time.sleep(0.001)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    r = threading.Thread(target=reloader)
    r.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    stop_reloads.set()
    r.join(timeout=60)
    assert not any(t.is_alive() for t in threads)
    assert failures == []
    assert engine.reloads > 0


def _heavy_query(n_branches=12):
    branch = ("SELECT c.c_name, o.o_orderkey, sum(o.o_totalprice) AS total{i} FROM customer c "
              "JOIN orders o ON o.o_custkey = c.c_custkey AND o.o_orderdate > DATE '1995-01-01' "
              "WHERE c.c_acctbal > {i} AND o.o_orderkey IN (SELECT o2.o_orderkey FROM orders o2 "
              "WHERE o2.o_totalprice > {i}) GROUP BY c.c_name, o.o_orderkey HAVING count(*) > {i}")
    return " UNION ALL ".join(branch.format(i=i) for i in range(n_branches))


_counter = [0]


def _texts(base, n):
    """n texts of distinct shapes (an alias differs), so that each one parses: a comment or a constant that differs
    would not, since texts of one shape share a plan."""
    out = []
    for _ in range(n):
        _counter[0] += 1
        out.append("SELECT * FROM (%s) AS q%d" % (base, _counter[0]))
    return out


def test_gil_released_during_rewrite(engine):
    """While one thread is inside a long rewrite, another Python thread keeps running (whatever the core count)."""
    big = _heavy_query(200)
    engine.rewrite(big, user="eu")  # warm up the code paths
    count = [0]
    stop = [False]

    def counter():
        while not stop[0]:
            count[0] += 1

    t = threading.Thread(target=counter)
    t.start()
    during = []
    try:
        for text in _texts(big, 7):
            time.sleep(0.01)  # let the counter hold the GIL, then take it back at the call
            before = count[0]
            engine.rewrite(text, user="eu")
            during.append(count[0] - before)
    finally:
        stop[0] = True
        t.join()
    # A GIL held for the whole call leaves the counter where it was (0 for most calls: measured so with the release
    # removed); released, the counter runs for much of each call (about 10^6 increments for these ~30 ms calls).
    during.sort()
    assert during[len(during) // 2] > 100, during


def _concurrency(fn, chunks):
    """Runs fn(chunk) on one thread per chunk; returns the threads' CPU seconds over the wall seconds.

    A thread waiting for the GIL sleeps, so its CPU clock stops: work that holds the GIL gives 1.0 on any number of
    cores, and work that releases it gives the number of threads when that many cores are free. Unlike a throughput
    ratio of two runs timed one after the other, this does not move when the machine's speed changes between them
    (on this VM one thread's time for the same work varied 2x from one 0.4 s run to the next).
    """
    cpu = [0.0] * len(chunks)

    def run(i):
        c0 = time.thread_time()
        fn(chunks[i])
        cpu[i] = time.thread_time() - c0

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(chunks))]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(cpu) / (time.perf_counter() - t0)


def _hash_concurrency():
    buf = os.urandom(1 << 20)

    def fn(n):
        for _ in range(n):
            hashlib.sha256(buf).digest()

    fn(2)
    return _concurrency(fn, [150, 150])  # ~0.15 s per thread on a 2020s core (sha256 at ~1 GB/s)


def _python_concurrency():
    def fn(n):
        s = 0
        for i in range(n):
            s += i * i

    return _concurrency(fn, [300000, 300000])


def test_gil_released_two_threads_run_at_once(engine):
    if (os.cpu_count() or 1) < 2:
        pytest.skip("one CPU")
    base = _heavy_query()

    def fn(texts):
        for t in texts:
            engine.rewrite(t, user="eu")

    # Calibrate: about 0.2 s of work per thread.
    probe = _texts(base, 20)
    t0 = time.perf_counter()
    fn(probe)
    per_call = (time.perf_counter() - t0) / len(probe)
    per_thread = max(10, min(10000, int(0.2 / per_call)))

    # The measure tells a held GIL from a released one: pure Python work, which holds it, stays at 1.0.
    held = _python_concurrency()
    assert held < 1.25, "pure Python work ran %.2f threads at once: the measure is broken" % held

    # Each attempt measures rlsq and, when it falls short, the GIL-free reference right after: an attempt where the
    # reference does not reach 1.5 either says nothing about rlsq (another process took a core meanwhile).
    seen = []
    conclusive_failures = 0
    deadline = time.monotonic() + 60
    for attempt in range(4):
        got = _concurrency(fn, [_texts(base, per_thread), _texts(base, per_thread)])
        if got > 1.5:
            return
        ref = _hash_concurrency()
        seen.append("rlsq %.2f / reference %.2f" % (got, ref))
        if ref > 1.5:
            conclusive_failures += 1
            if conclusive_failures == 2:
                break
        if time.monotonic() > deadline:
            break
    if conclusive_failures == 0:
        pytest.skip("two free cores are not available (a GIL-free reference workload did not run 1.5 threads at "
                    "once either): " + "; ".join(seen))
    pytest.fail("2 threads rewriting did not run 1.5 threads at once while the reference did: " + "; ".join(seen))
