"""pgbench -n -S through the proxy in each query mode (simple Query, unnamed extended, named prepared statements):
exit 0, every transaction processed, none failed; and the same runs on the server directly, for comparison (the
TPS of both are reported as test properties and printed)."""
from __future__ import annotations

import re
import tempfile

import pytest

import conftest as C

TRANSACTIONS = 200
CLIENTS = 2
MODES = ["simple", "extended", "prepared"]


def pgbench(host: str, port: int, user: str, mode: str, password=None, script=None, transactions=TRANSACTIONS):
    argv = ["pgbench", "-n", "-t", str(transactions), "-c", str(CLIENTS), "-j", "1", "-M", mode, "-h", host,
            "-p", str(port), "-U", user]
    argv += ["-f", script] if script else ["-S"]
    r = C.run(argv + [C.DBNAME], env=C.client_env(PGPASSWORD=password), timeout=90)
    assert r.returncode == 0, f"pgbench -M {mode} failed ({r.returncode}):\n{r.stdout[-2000:]}\n{r.stderr[-3000:]}"
    processed = re.search(r"number of transactions actually processed: (\d+)/(\d+)", r.stdout)
    assert processed and processed.group(1) == processed.group(2) == str(transactions * CLIENTS), r.stdout
    failed = re.search(r"number of failed transactions: (\d+)", r.stdout)
    assert failed is None or failed.group(1) == "0", r.stdout
    assert "error" not in r.stderr.lower(), r.stderr
    tps = re.search(r"tps = ([\d.]+)", r.stdout)
    return float(tps.group(1)) if tps else 0.0


@pytest.mark.parametrize("mode", MODES)
def test_pgbench_direct(db, mode, record_property):
    tps = pgbench(db.host, db.port, "alice", mode)
    record_property("tps_direct", tps)
    print(f"pgbench -S -M {mode} direct: {tps:.0f} tps")


@C.needs_proxy
@pytest.mark.slow
@pytest.mark.guard(90)
@pytest.mark.parametrize("mode", MODES)
def test_pgbench_through_proxy(proxy, mode, record_property):
    tps = pgbench("127.0.0.1", proxy.port, "alice", mode, password=C.PASSWORDS["alice"])
    record_property("tps_proxy", tps)
    print(f"pgbench -S -M {mode} through rlsq-proxy (TCP): {tps:.0f} tps")


@C.needs_proxy
@pytest.mark.guard(90)
def test_pgbench_custom_script_filtered_tables(proxy):
    """A script with parameters over filtered tables, as named prepared statements over the unix socket."""
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as f:
        f.write("\\set k random(1, 15000)\n"
                "SELECT o_orderpriority FROM orders WHERE o_orderkey = :k;\n"
                "SELECT count(*) FROM customer c JOIN nation n ON n.n_nationkey = c.c_nationkey "
                "WHERE c.c_custkey = :k % 1500;\n"
                "BEGIN;\nSELECT abalance FROM pgbench_accounts WHERE aid = :k;\nEND;\n")
        path = f.name
    for mode in ("prepared", "simple"):
        pgbench(proxy.socket_dir, proxy.port, "carol", mode, script=path, transactions=100)
