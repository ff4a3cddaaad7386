"""Threads sharing one rlsq.Engine: every result correct, and the GIL released while rewriting.

The scaling test times a fixed amount of uncached rewriting (distinct query texts, so each call parses and
analyses afresh) on one thread and split over two, in the same run. It needs two free cores: it is skipped when
os.cpu_count() < 2, and when a reference workload that releases the GIL (hashlib over large buffers), measured
right after each attempt, does not scale on this machine either (another process holds a core), since then no
binding could show it. It fails when rlsq stays at or below 1.3x in two attempts where the reference exceeded 1.5x.
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
    out = []
    for _ in range(n):
        _counter[0] += 1
        out.append("%s\n-- %d\n" % (base, _counter[0]))
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


def _run_parallel(fn, chunks):
    """Seconds to run fn(chunk) for every chunk, one thread per chunk."""
    threads = [threading.Thread(target=fn, args=(c,)) for c in chunks]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - t0


def _speedup(fn, make_work, total):
    """Throughput of two threads over one, each timed on `total` units of fresh work."""
    one = _run_parallel(fn, [make_work(total)])
    two = _run_parallel(fn, [make_work(total // 2), make_work(total - total // 2)])
    return one / two


def _hash_speedup():
    buf = os.urandom(1 << 20)

    def fn(n):
        for _ in range(n):
            hashlib.sha256(buf).digest()

    fn(2)
    # ~0.3 s per measurement on a 2020s core (sha256 at ~1 GB/s).
    return _speedup(fn, lambda n: n, 300)


def test_gil_released_two_threads_scale(engine):
    if (os.cpu_count() or 1) < 2:
        pytest.skip("one CPU")
    base = _heavy_query()

    def fn(texts):
        for t in texts:
            engine.rewrite(t, user="eu")

    # Calibrate: about 0.4 s of single-thread work per measurement.
    probe = _texts(base, 20)
    t0 = time.perf_counter()
    fn(probe)
    per_call = (time.perf_counter() - t0) / len(probe)
    total = max(20, min(20000, int(0.4 / per_call)))

    # Each attempt measures rlsq and, right after, the reference: an attempt where the reference does not scale
    # either says nothing about rlsq (another process took a core meanwhile). Repeat once on failure.
    deadline = time.monotonic() + 60
    seen = []
    conclusive_failures = 0
    for attempt in range(4):
        ratio = _speedup(fn, lambda n: _texts(base, n), total)
        if ratio > 1.3:
            return
        ref = _hash_speedup()
        seen.append("rlsq %.2fx / reference %.2fx" % (ratio, ref))
        if ref > 1.5:
            conclusive_failures += 1
            if conclusive_failures == 2:
                break
        if time.monotonic() > deadline:
            break
    if conclusive_failures == 0:
        pytest.skip("two free cores are not available (a GIL-free reference workload did not scale either): "
                    + "; ".join(seen))
    pytest.fail("2 threads did not reach 1.3x the throughput of 1 while the reference did: " + "; ".join(seen))
