"""Faults: PostgreSQL restarted under a running query, a client vanishing inside a transaction, cancel requests,
SIGHUP reloads of the policy and users files under pgbench, SIGTERM."""
from __future__ import annotations

import json
import re
import signal
import subprocess
import threading
import time
import uuid

import pytest

import conftest as C
import pgwire as W

pytestmark = [C.needs_proxy, pytest.mark.slow]

LONG = "SELECT count(*) FROM lineitem a, lineitem b"  # 3.6e9 pairs: minutes; every test interrupts it


def long_query_running(db, marker: str) -> bool:
    return any(marker in (r[3] or "") and r[2] == "active" for r in db.service_backends())


@pytest.fixture
def cleanup_long_queries(db):
    yield
    db.terminate_service_backends()  # nothing may go on burning a core after the test


@pytest.mark.guard(90)
def test_server_restart_during_a_query(proxy, db, cleanup_long_queries):
    marker = f"restart-{uuid.uuid4().hex[:8]}"
    busy = proxy.connect("alice", tcp=True)
    idle = proxy.connect("carol")
    outcome = {}

    def run():
        try:
            with busy.cursor() as cur:
                cur.execute(f"/* {marker} */ {LONG}")
                outcome["rows"] = cur.fetchall()
        except Exception as e:  # noqa: BLE001
            outcome["error"] = e

    t = threading.Thread(target=run, daemon=True)
    t.start()
    C.wait_until(lambda: long_query_running(db, marker), 10, what="the long query upstream")
    started = time.monotonic()
    db.restart("fast")
    t.join(15)
    assert not t.is_alive(), "the client still waits after the server restarted"
    assert isinstance(outcome.get("error"), C.psycopg2.Error), outcome
    assert time.monotonic() - started < 20
    # the idle client's next query fails (its server connection is gone), without hanging
    with pytest.raises(C.psycopg2.Error):
        with idle.cursor() as cur:
            cur.execute("SELECT count(*) FROM nation")
            cur.fetchall()
    busy.close()
    idle.close()
    assert proxy.alive()

    def fresh_connection_works():
        conn = proxy.connect("alice", tcp=True)
        try:
            with conn.cursor() as cur:
                cur.execute("SELECT count(*) FROM nation")
                return cur.fetchone()[0] == 10
        finally:
            conn.close()

    C.wait_until(fresh_connection_works, 20, interval=0.2, what="a new connection through the proxy")


@pytest.mark.guard(60)
@pytest.mark.parametrize("how", ["close", "terminate_message", "mid_query"])
def test_client_gone_inside_a_transaction(proxy, db, cleanup_long_queries, how):
    """The upstream backend must not stay 'idle in transaction' (holding locks and a snapshot) for a client
    that left."""
    marker = f"gone-{uuid.uuid4().hex[:8]}"
    c = proxy.wire("alice", tcp=True)
    c.query("BEGIN")
    if how == "mid_query":
        c.send(b"Q", W.cstr(f"/* {marker} */ {LONG}"))
        C.wait_until(lambda: long_query_running(db, marker), 10, what="the long query upstream")
    else:
        assert c.query(f"/* {marker} */ SELECT count(*) FROM nation")[0].rows == [["10"]]
        rows = [r for r in db.service_backends() if marker in (r[3] or "")]
        assert len(rows) == 1 and rows[0][2] == "idle in transaction", rows
    pid = [r[0] for r in db.service_backends() if marker in (r[3] or "")][0]
    if how == "terminate_message":
        c.terminate()
    else:
        c.close()

    def released():
        rows = [r for r in db.service_backends() if r[0] == pid]
        return not rows or rows[0][2] == "idle"

    C.wait_until(released, 5, interval=0.1,
                 what=f"backend {pid} to leave its transaction ({how})")


@pytest.mark.guard(60)
def test_cancel_with_psycopg2(proxy, db, cleanup_long_queries):
    for tcp in (True, False):
        marker = f"cancel-{uuid.uuid4().hex[:8]}"
        conn = proxy.connect("alice", tcp=tcp)
        timer = threading.Thread(
            target=lambda: (C.wait_until(lambda: long_query_running(db, marker), 10, what="long query"),
                            conn.cancel()), daemon=True)
        timer.start()
        started = time.monotonic()
        with pytest.raises(C.psycopg2.errors.QueryCanceled) as e:
            with conn.cursor() as cur:
                cur.execute(f"/* {marker} */ {LONG}")
        assert e.value.pgcode == "57014"
        assert time.monotonic() - started < 15
        timer.join(5)
        with conn.cursor() as cur:  # the same connection goes on
            cur.execute("SELECT count(*) FROM nation")
            assert cur.fetchone()[0] == 10
        conn.close()


@pytest.mark.guard(60)
def test_cancel_request_keys(proxy, db, cleanup_long_queries):
    """A CancelRequest with the proxy's BackendKeyData cancels that client's query, also after an SSLRequest; a
    wrong key cancels nothing (and another client's key does not cancel this one)."""
    marker = f"rawcancel-{uuid.uuid4().hex[:8]}"
    victim = proxy.wire("alice", tcp=True)
    bystander = proxy.wire("carol", tcp=True)
    try:
        pid, key = victim.backend_key
        assert bystander.backend_key != victim.backend_key
        victim.send(b"Q", W.cstr(f"/* {marker} */ {LONG}"))
        C.wait_until(lambda: long_query_running(db, marker), 10, what="the long query upstream")
        W.cancel(proxy.socket_path, pid, key ^ 0x5A5A5A5A)
        W.cancel(("127.0.0.1", proxy.port), *bystander.backend_key)
        W.cancel(("127.0.0.1", proxy.port), pid + 1, key)
        time.sleep(0.5)
        assert long_query_running(db, marker), "a CancelRequest with a wrong key cancelled the query"
        W.cancel(("127.0.0.1", proxy.port), pid, key, after_ssl_request=True)
        results = victim.read_results(timeout=10)
        assert results and results[0].error and results[0].error["C"] == "57014", results
        assert victim.status == "I"
        assert victim.query("SELECT count(*) FROM nation")[0].rows == [["10"]]
        assert bystander.query("SELECT count(*) FROM nation")[0].rows == [["15"]]
    finally:
        victim.close()
        bystander.close()


def changed_policy() -> str:
    p = json.loads(C.POLICY_FILE.read_text())
    for f in p["rls_filters"]:
        if f["name"] == "no_urgent_for_finance":
            f["clause"] = "o_orderpriority <> '2-HIGH'"
    return json.dumps(p, indent=1)


def alice_orders(conn) -> int:
    with conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM orders")
        return cur.fetchone()[0]


@pytest.mark.guard(90)
def test_sighup_reloads_the_policy_under_pgbench(proxy, db):
    old = db.execute("SELECT count(*) FROM orders WHERE o_orderpriority <> '1-URGENT'")[0][0]
    new = db.execute("SELECT count(*) FROM orders WHERE o_orderpriority <> '2-HIGH'")[0][0]
    assert old != new
    before = proxy.connect("alice")
    assert alice_orders(before) == old
    bench = C.spawn(["pgbench", "-n", "-S", "-T", "4", "-c", "2", "-j", "1", "-M", "prepared", "-h", "127.0.0.1",
                     "-p", str(proxy.port), "-U", "alice", C.DBNAME], stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE, text=True, env=C.client_env(PGPASSWORD="alice-pw"))
    try:
        time.sleep(1)
        C.write_atomically(proxy.policy_path, changed_policy())
        proxy.reload()

        def reloaded():
            conn = proxy.connect("alice")
            try:
                return alice_orders(conn) == new
            finally:
                conn.close()

        C.wait_until(reloaded, 5, interval=0.1, what="the new policy on a new connection")
        assert alice_orders(before) == new, "a connection opened before the reload still uses the old policy"
        # a policy that does not load: the proxy keeps serving with the one in force
        C.write_atomically(proxy.policy_path, '{"rls_filters": [ broken')
        proxy.reload()
        time.sleep(0.5)
        assert proxy.alive()
        assert alice_orders(before) == new
        out, err = bench.communicate(timeout=30)
    finally:
        if bench.poll() is None:
            bench.kill()
        C.write_atomically(proxy.policy_path, C.POLICY_FILE.read_text())
        proxy.reload()
    assert bench.returncode == 0, f"pgbench failed during the reload:\n{out[-2000:]}\n{err[-2000:]}"
    failed = re.search(r"number of failed transactions: (\d+)", out)
    assert failed is None or failed.group(1) == "0", out
    assert "error" not in err.lower(), err
    C.wait_until(lambda: alice_orders(before) == old, 5, interval=0.1, what="the original policy back")
    before.close()


@pytest.mark.guard(60)
def test_sighup_reloads_the_users_file(proxy, verifiers):
    new_password = "carol-rotated-pw"
    users = dict(verifiers)
    users["carol"] = W.scram_verifier(new_password, iterations=4096)
    try:
        C.write_atomically(proxy.users_path, C.users_file_text(users))
        proxy.reload()

        def rotated():
            try:
                proxy.wire("carol", password=new_password, tcp=True).terminate()
                return True
            except W.ServerError:
                return False

        C.wait_until(rotated, 5, interval=0.1, what="carol's new password")
        with pytest.raises(W.ServerError) as e:
            proxy.wire("carol", password=C.PASSWORDS["carol"], tcp=True)
        assert e.value.code == "28P01"
        # a user removed from the file can no longer log in
        del users["dave"]
        C.write_atomically(proxy.users_path, C.users_file_text(users))
        proxy.reload()
        C.wait_until(lambda: _fails(proxy, "dave"), 5, interval=0.1, what="dave removed")
    finally:
        C.write_atomically(proxy.users_path, C.users_file_text(verifiers))
        proxy.reload()
    C.wait_until(lambda: not _fails(proxy, "carol"), 5, interval=0.1, what="the original users file")


def _fails(proxy, user) -> bool:
    try:
        proxy.wire(user, tcp=True).terminate()
        return False
    except W.ServerError:
        return True


@pytest.mark.guard(60)
def test_sigterm_stops_the_proxy(make_proxy, db):
    p = make_proxy()
    marker = f"sigterm-{uuid.uuid4().hex[:8]}"
    idle = p.wire("alice", tcp=True)
    busy = p.wire("alice")
    busy.query("BEGIN")
    busy.query(f"/* {marker} */ SELECT 1")
    pids = [r[0] for r in db.service_backends() if marker in (r[3] or "")]
    assert len(pids) == 1
    assert p.stop(signal.SIGTERM, timeout=15) == 0
    for c in (idle, busy):
        msgs = c.read_all_until_close(5)
        assert all(m.type in "ENS" for m in msgs), msgs  # at most a FATAL (57P01) or a notice, then closed
        c.close()
    C.wait_until(lambda: not [r for r in db.service_backends() if r[0] in pids], 5, interval=0.1,
                 what="the upstream connection closed")
