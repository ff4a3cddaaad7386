"""Load: 100 concurrent connections (psycopg2 threads; half over TCP with SCRAM, half over the trusted socket),
20 queries each across three users: no errors, every answer equal to native RLS's; afterwards the proxy's open
descriptors are exactly back to the baseline, its resident memory grew by less than 30 MB, and no upstream
connection is left behind."""
from __future__ import annotations

import threading
import time

import pytest

import conftest as C
import queries as Q

pytestmark = [C.needs_proxy, pytest.mark.slow]

CONNECTIONS = 100
QUERIES_EACH = 20
USERS = ("alice", "carol", "admin")
RSS_GROWTH_KB = 30 * 1024


def service_backend_count(db) -> int:
    return len(db.service_backends())


@pytest.mark.guard(150)
def test_concurrent_connections(proxy, db, expected):
    want = {(u, q): expected(u, q) for u in USERS for q in Q.LIGHT}
    # warm up: the first connections and queries allocate what the proxy keeps (caches, thread stacks)
    for u in USERS:
        conn = proxy.connect(u, tcp=True, text=True)
        with conn.cursor() as cur:
            for q in Q.LIGHT:
                cur.execute(q)
                cur.fetchall()
        conn.close()
    C.wait_until(lambda: service_backend_count(db) == 0, 10, interval=0.1,
                 what=f"no upstream connections (now {db.service_backends()})")
    time.sleep(0.2)
    baseline_fds = proxy.fds()
    baseline_rss = proxy.rss_kb()

    barrier = threading.Barrier(CONNECTIONS + 1, timeout=90)
    done = threading.Barrier(CONNECTIONS + 1, timeout=120)
    errors = []
    answered = [0]
    lock = threading.Lock()

    def client(i: int):
        user = USERS[i % len(USERS)]
        conn = None
        try:
            conn = proxy.connect(user, tcp=(i % 2 == 0), text=True)
            barrier.wait()
            with conn.cursor() as cur:
                for j in range(QUERIES_EACH):
                    q = Q.LIGHT[(i + j) % len(Q.LIGHT)]
                    cur.execute(q)
                    got = ("ok", C.canonical(cur.fetchall()))
                    if got != want[(user, q)]:
                        raise AssertionError(f"{user}: wrong rows for {q}")
                    with lock:
                        answered[0] += 1
        except Exception as e:  # noqa: BLE001
            errors.append(f"client {i} ({user}): {type(e).__name__}: {e}")
            try:
                barrier.abort()
            except Exception:
                pass
        finally:
            try:
                done.wait()
            except threading.BrokenBarrierError:
                pass
            if conn is not None:
                conn.close()

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(CONNECTIONS)]
    started = time.monotonic()
    for t in threads:
        t.start()
    try:
        barrier.wait()
        peak_fds = proxy.fds()
        peak_backends = service_backend_count(db)
    except threading.BrokenBarrierError:
        peak_fds = peak_backends = None
    try:
        done.wait()
    except threading.BrokenBarrierError:
        pass
    for t in threads:
        t.join(30)
    elapsed = time.monotonic() - started
    assert not errors, f"{len(errors)} clients failed:\n" + "\n".join(errors[:20])
    assert answered[0] == CONNECTIONS * QUERIES_EACH
    assert peak_backends <= CONNECTIONS, f"{peak_backends} upstream connections for {CONNECTIONS} clients"
    assert peak_fds >= baseline_fds + CONNECTIONS, (peak_fds, baseline_fds)
    print(f"{CONNECTIONS} x {QUERIES_EACH} queries in {elapsed:.1f} s; fds {baseline_fds} -> {peak_fds}")

    C.wait_until(lambda: proxy.fds() == baseline_fds, 10, interval=0.1,
                 what=f"the proxy's descriptors back to {baseline_fds} (now {proxy.fds()})")
    C.wait_until(lambda: service_backend_count(db) == 0, 10, interval=0.1, what="upstream connections closed")
    growth = proxy.rss_kb() - baseline_rss
    print(f"RSS {baseline_rss} kB -> {proxy.rss_kb()} kB")
    assert growth < RSS_GROWTH_KB, f"RSS grew by {growth} kB over the load"
