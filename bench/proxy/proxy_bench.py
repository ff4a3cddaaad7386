#!/usr/bin/python3
"""Latency and throughput of rlsq-proxy next to PgBouncer, both against direct PostgreSQL.

Starts a throwaway PostgreSQL 15 (python/tests/pg_server.py), loads `pgbench -i -s 1` into database
`bench`, then starts

  * PgBouncer 1.x in session mode on a unix socket (SCRAM client auth for bench_user, server
    connections as the service role rlsq_service), and
  * rlsq-proxy on a unix socket (SCRAM client auth from a users file, upstream as rlsq_service,
    one Regular RLS filter `bid = 1` on pgbench_accounts so every `pgbench -S` query is rewritten),

and runs `pgbench -n -S -M simple|extended|prepared` with 1 and 8 clients against each of the three
targets, interleaved per (clients, mode). p50/p99 come from pgbench's per-transaction log
(--log, third column = latency in microseconds), tps from pgbench's summary "(without initial
connection time)". Method and reference figures: /work/shared/notes/pgwire-and-sidecar.md §4.

Usage (stdlib only):
    /usr/bin/python3 bench/proxy/proxy_bench.py [--short | --seconds N] [--repeat 2]
        [--proxy PATH] [--json FILE]

Exit status: 0 when every run succeeded (a missing rlsq-proxy binary is reported and skipped, not a
failure), 1 when something failed to run (a server that did not start, any pgbench error, the proxy
exiting or not applying its filter), 2 for a usage error or missing software, 130 on Ctrl-C.
Everything started here is stopped and every temporary directory removed on every path out.
"""

from __future__ import annotations

import argparse
import contextlib
import glob
import json
import math
import os
import platform
import pwd
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Dict, List, Optional

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "python" / "tests"))
from pg_server import PgServer, bin_dir, pg_binaries_missing  # noqa: E402

TARGETS = ("direct", "pgbouncer", "rlsq-proxy", "direct-rewritten")
# The text rlsq-proxy sends for pgbench -S's query under the policy below (rlsq's printer: the WHERE condition in
# parentheses, the filter ANDed, qualified by the table). Sent straight to PostgreSQL by the "direct-rewritten"
# target, it measures what the server itself spends on the longer query, apart from the proxy.
REWRITTEN_SELECT = "SELECT abalance FROM pgbench_accounts WHERE (aid = :aid) AND (pgbench_accounts.bid = 1);"
CLIENTS = (1, 8)
MODES = ("simple", "extended", "prepared")
DB = "bench"
SERVICE_ROLE = "rlsq_service"
BENCH_USER = "bench_user"
PGBOUNCER = "/usr/sbin/pgbouncer"
AS_ROOT = os.geteuid() == 0
# A row pgbench -S never reads (it draws aid from 1..100000 at scale 1) that the proxy's filter hides:
# SELECT count(*) through the proxy must give 100000 where direct PostgreSQL gives 100001.
HIDDEN_AID = 100001


class Failure(Exception):
    """Something failed to run; the message says what (with the tool's output)."""


def log(msg: str) -> None:
    print(f"[proxy_bench] {msg}", file=sys.stderr, flush=True)


def free_port() -> int:
    """A currently unused TCP port number. It only names a unix socket (.s.PGSQL.<n>)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def as_postgres(argv: List[str]) -> List[str]:
    return ["runuser", "-u", "postgres", "--"] + argv if AS_ROOT else argv


def give_to_postgres(path: str) -> None:
    if AS_ROOT:
        pw = pwd.getpwnam("postgres")
        os.chown(path, pw.pw_uid, pw.pw_gid)


def base_env() -> Dict[str, str]:
    """The environment for libpq clients, without anything that could redirect them."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env["PGCONNECT_TIMEOUT"] = "10"
    return env


def tail(text: str, lines: int = 40) -> str:
    return "\n".join(text.rstrip("\n").splitlines()[-lines:])


def read_text(path: str) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return ""


class Daemon:
    """A server process started here in its own session (so the terminal's Ctrl-C reaches only us and
    we stop it in order); stopped with SIGTERM to its process group, then SIGKILL."""

    def __init__(self, name: str, argv: List[str], log_path: str, capture_stderr: bool = False,
                 pidfile: Optional[str] = None) -> None:
        self.name = name
        self.pidfile = pidfile  # the server's own pid when it runs under runuser
        self.log_path = log_path
        self._log = open(log_path, "ab")
        self._lines: List[str] = []
        self._ready = threading.Event()
        self._ready_text: Optional[str] = None
        self.proc = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.PIPE if capture_stderr else subprocess.STDOUT,
            start_new_session=True,
            env=base_env(),
        )
        self._reader = None
        if capture_stderr:
            self._reader = threading.Thread(target=self._read_stderr, daemon=True)
            self._reader.start()

    def _read_stderr(self) -> None:
        assert self.proc.stderr is not None
        for raw in iter(self.proc.stderr.readline, b""):
            line = raw.decode("utf-8", "replace")
            self._lines.append(line)
            try:
                self._log.write(raw)
                self._log.flush()
            except ValueError:  # closed during stop()
                pass
            if self._ready_text and self._ready_text in line:
                self._ready.set()
        self._ready.set()  # EOF: wake a waiter, who then sees the process gone

    def wait_for_line(self, text: str, timeout: float) -> None:
        self._ready_text = text
        if any(text in line for line in self._lines):
            return
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._ready.wait(0.05) and any(text in line for line in self._lines):
                return
            if self.proc.poll() is not None and not any(text in line for line in self._lines):
                raise Failure(f"{self.name} exited with status {self.proc.returncode} before it was ready:\n"
                              f"{tail(self.output())}")
        raise Failure(f"{self.name} did not print {text!r} within {timeout:.0f} s:\n{tail(self.output())}")

    def output(self) -> str:
        return "".join(self._lines) if self._reader else read_text(self.log_path)

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self) -> None:
        # Under runuser, signal the server itself: runuser then exits with it. A signal to runuser makes it
        # forward SIGTERM, sleep 2 s and SIGKILL its child.
        if self.pidfile and self.proc.poll() is None:
            with contextlib.suppress(OSError, ValueError):
                os.kill(int(read_text(self.pidfile).split()[0]), signal.SIGTERM)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self.proc.wait(5)
        if self.proc.poll() is None:
            for sig, wait in ((signal.SIGTERM, 5.0), (signal.SIGKILL, 5.0)):
                try:
                    os.killpg(self.proc.pid, sig)
                except ProcessLookupError:
                    break
                try:
                    self.proc.wait(wait)
                    break
                except subprocess.TimeoutExpired:
                    continue
        # The group may outlive its leader (runuser's child); make sure nothing of it is left.
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        if self._reader:
            self._reader.join(2)
        with contextlib.suppress(Exception):
            self._log.close()


def wait_for_socket(path: str, daemon: Daemon, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not daemon.alive():
            raise Failure(f"{daemon.name} exited with status {daemon.proc.returncode}:\n{tail(daemon.output())}")
        if os.path.exists(path):
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
                try:
                    s.connect(path)
                    return
                except OSError:
                    pass
        time.sleep(0.05)
    raise Failure(f"{daemon.name} did not listen on {path} within {timeout:.0f} s:\n{tail(daemon.output())}")


# -- SQL through psql --------------------------------------------------------------------------------------

def psql(host: str, port: int, user: str, dbname: str, sql: str, password: Optional[str] = None) -> str:
    env = base_env()
    if password is not None:
        env["PGPASSWORD"] = password
    argv = [os.path.join(bin_dir(), "psql"), "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1",
            "-h", host, "-p", str(port), "-U", user, "-d", dbname, "-c", sql]
    proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, timeout=60)
    if proc.returncode != 0:
        raise Failure(f"psql as {user} on {host}:{port} failed ({proc.returncode}) for: {sql}\n{proc.stderr}")
    return proc.stdout.strip()


# -- setup -------------------------------------------------------------------------------------------------

def setup_database(pg: PgServer, pgbench: str, service_pw: str, bench_pw: str) -> str:
    """Loads pgbench data and creates the two roles; returns bench_user's SCRAM verifier."""
    su = pg.superuser
    psql(pg.host, pg.port, su, "postgres", f"CREATE DATABASE {DB}")
    proc = subprocess.run([pgbench, "-i", "-s", "1", "-q", "-h", pg.host, "-p", str(pg.port), "-U", su, DB],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=base_env(), timeout=300)
    if proc.returncode != 0:
        raise Failure(f"pgbench -i failed ({proc.returncode}):\n{proc.stdout}")
    psql(pg.host, pg.port, su, DB, f"""
        SET password_encryption = 'scram-sha-256';
        CREATE ROLE {SERVICE_ROLE} LOGIN BYPASSRLS PASSWORD '{service_pw}';
        GRANT SELECT ON pgbench_accounts, pgbench_branches, pgbench_tellers, pgbench_history TO {SERVICE_ROLE};
        CREATE ROLE {BENCH_USER} LOGIN PASSWORD '{bench_pw}';
        -- pgbench's built-in scripts count pgbench_branches at startup to learn the scale.
        GRANT SELECT ON pgbench_accounts, pgbench_branches TO {BENCH_USER};
        INSERT INTO pgbench_accounts (aid, bid, abalance, filler) VALUES ({HIDDEN_AID}, 2, 0, '');
    """)
    psql(pg.host, pg.port, su, DB, "VACUUM ANALYZE pgbench_accounts")  # not inside psql -c's transaction
    verifier = psql(pg.host, pg.port, su, DB, f"SELECT rolpassword FROM pg_authid WHERE rolname = '{BENCH_USER}'")
    if not verifier.startswith("SCRAM-SHA-256$"):
        raise Failure(f"{BENCH_USER}'s stored password is not a SCRAM-SHA-256 verifier: {verifier[:20]}...")
    return verifier


def userlist_line(user: str, secret: str) -> str:
    q = lambda s: '"' + s.replace('"', '""') + '"'  # noqa: E731
    return f"{q(user)} {q(secret)}\n"


def start_pgbouncer(pg: PgServer, service_pw: str, verifier: str, stack: contextlib.ExitStack) -> Dict:
    if not os.access(PGBOUNCER, os.X_OK):
        raise Failure(f"{PGBOUNCER} not found (apt-get install pgbouncer)")
    d = tempfile.mkdtemp(prefix="rlsq-bench-pgbouncer-")
    stack.callback(shutil.rmtree, d, True)
    give_to_postgres(d)
    os.chmod(d, 0o700)
    port = free_port()
    files = {
        "userlist.txt": userlist_line(BENCH_USER, verifier),
        "pgbouncer.ini": "\n".join([
            "[databases]",
            f"{DB} = host={pg.host} port={pg.port} dbname={DB} user={SERVICE_ROLE} password={service_pw}",
            "",
            "[pgbouncer]",
            "listen_addr =",
            f"listen_port = {port}",
            f"unix_socket_dir = {d}",
            "auth_type = scram-sha-256",
            f"auth_file = {d}/userlist.txt",
            "pool_mode = session",
            "max_client_conn = 64",
            "default_pool_size = 16",
            "max_db_connections = 0",
            "ignore_startup_parameters = extra_float_digits",
            f"logfile = {d}/pgbouncer.log",
            f"pidfile = {d}/pgbouncer.pid",
            "log_connections = 0",
            "log_disconnections = 0",
            "",
        ]),
    }
    for name, text in files.items():
        path = os.path.join(d, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(path, 0o600)
        give_to_postgres(path)
    out = os.path.join(d, "stderr.log")
    daemon = Daemon("pgbouncer", as_postgres([PGBOUNCER, os.path.join(d, "pgbouncer.ini")]), out,
                    pidfile=os.path.join(d, "pgbouncer.pid"))
    stack.callback(daemon.stop)
    wait_for_socket(os.path.join(d, f".s.PGSQL.{port}"), daemon, 10)
    return {"host": d, "port": port, "daemon": daemon}


def write_policy(path: str) -> None:
    policy = {
        "default_schema": "public",
        "default_database": DB,
        "roles": [{
            "name": "BenchReader",
            "permissions": [["datasource_access", f"[{DB}].[public].[pgbench_accounts]"],
                            # read once by pgbench at startup (scale detection)
                            ["datasource_access", f"[{DB}].[public].[pgbench_branches]"]],
        }],
        "users": [{"username": BENCH_USER, "id": 1, "roles": ["BenchReader"]}],
        "rls_filters": [{
            "name": "branch_one", "filter_type": "Regular", "tables": ["public.pgbench_accounts"],
            "roles": ["BenchReader"], "clause": "bid = 1",
            "description": "every pgbench -S query gets a predicate; at scale 1 it keeps all rows pgbench reads",
        }],
    }
    with open(path, "w", encoding="utf-8") as f:
        json.dump(policy, f, indent=2)


def start_proxy(binary: str, pg: PgServer, service_pw: str, verifier: str, extra: List[str],
                stack: contextlib.ExitStack) -> Dict:
    d = tempfile.mkdtemp(prefix="rlsq-bench-proxy-")
    stack.callback(shutil.rmtree, d, True)
    os.chmod(d, 0o700)
    port = free_port()
    policy = os.path.join(d, "policy.json")
    users = os.path.join(d, "users.txt")
    write_policy(policy)
    with open(users, "w", encoding="utf-8") as f:
        f.write(userlist_line(BENCH_USER, verifier))
    os.chmod(users, 0o600)
    upstream = f"host={pg.host} port={pg.port} dbname={DB} user={SERVICE_ROLE} password={service_pw}"
    argv = [binary, "--policy", policy, "--database", DB, "--upstream", upstream,
            "--socket-dir", d, "--port", str(port), "--users", users] + extra
    daemon = Daemon("rlsq-proxy", argv, os.path.join(d, "stderr.log"), capture_stderr=True)
    stack.callback(daemon.stop)
    daemon.wait_for_line("rlsq-proxy: ready", 10)
    return {"host": d, "port": port, "daemon": daemon}


# -- pgbench -----------------------------------------------------------------------------------------------

def percentile(sorted_values: List[int], p: float) -> float:
    """Nearest-rank percentile."""
    if not sorted_values:
        return float("nan")
    k = max(1, math.ceil(p / 100.0 * len(sorted_values)))
    return float(sorted_values[k - 1])


def run_pgbench(pgbench: str, target: Dict, clients: int, mode: str, seconds: int, password: str,
                workdir: str, with_log: bool = True) -> Dict:
    rundir = tempfile.mkdtemp(prefix="run-", dir=workdir)
    try:
        if target.get("script"):
            what = ["-f", target["script"]]
        else:
            what = ["-S"]
        argv = [pgbench, "-n", *what, "-M", mode, "-c", str(clients), "-j", str(min(clients, 2)),
                "-T", str(seconds)]
        if with_log:
            argv += ["--log", f"--log-prefix={rundir}/x"]
        argv += ["-h", target["host"], "-p", str(target["port"]), "-U", BENCH_USER, DB]
        env = base_env()
        env["PGPASSWORD"] = password
        try:
            proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                                  timeout=seconds + 60)
        except subprocess.TimeoutExpired as e:
            raise Failure(f"pgbench did not finish within {seconds + 60} s: {' '.join(argv)}\n"
                          f"stderr:\n{e.stderr or ''}")
        failed = re.search(r"number of failed transactions: (\d+)", proc.stdout)
        tps = re.search(r"tps = ([0-9.]+) \(without initial connection time\)", proc.stdout)
        if proc.returncode != 0 or tps is None or (failed and int(failed.group(1)) > 0):
            raise Failure(f"pgbench exited with status {proc.returncode}: {' '.join(argv)}\n"
                          f"stderr:\n{proc.stderr.rstrip()}\nstdout:\n{tail(proc.stdout, 20)}")
        result = {"tps": float(tps.group(1))}
        if with_log:
            lat: List[int] = []
            for path in glob.glob(os.path.join(rundir, "x.*")):
                with open(path, encoding="ascii", errors="replace") as f:
                    for line in f:
                        fields = line.split()
                        if len(fields) >= 3:
                            lat.append(int(fields[2]))
            if not lat:
                raise Failure(f"pgbench wrote no per-transaction log: {' '.join(argv)}\n{proc.stdout}")
            lat.sort()
            result.update(p50_us=percentile(lat, 50), p99_us=percentile(lat, 99),
                          mean_us=sum(lat) / len(lat), transactions=len(lat))
        return result
    finally:
        shutil.rmtree(rundir, ignore_errors=True)


# -- report ------------------------------------------------------------------------------------------------

def fmt(v: Optional[float], digits: int = 0) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    return f"{v:,.{digits}f}"


def fmt_signed(v: Optional[float]) -> str:
    return "–" if v is None else f"{v:+,.0f}"


def added(results: Dict, target: str, key: str) -> Optional[float]:
    a, d = results.get(target), results.get("direct")
    if not a or not d:
        return None
    return a[key] - d[key]


def render(rows: List[Dict], proxy_note: Optional[str]) -> str:
    head = ["clients", "mode",
            "direct p50/p99 µs", "direct tps",
            "pgbouncer p50/p99 µs", "pgbouncer tps", "pgbouncer added p50/p99 µs",
            "rlsq-proxy p50/p99 µs", "rlsq-proxy tps", "rlsq-proxy added p50/p99 µs",
            "direct, rewritten SQL p50/p99 µs", "direct, rewritten SQL tps"]
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---:" for _ in head) + "|"]
    finals = []
    for row in rows:
        r = row["targets"]
        cells = [str(row["clients"]), row["mode"]]
        for t in TARGETS:
            x = r.get(t)
            cells.append(f"{fmt(x['p50_us'])} / {fmt(x['p99_us'])}" if x else "–")
            cells.append(fmt(x["tps"]) if x else "–")
            if t in ("pgbouncer", "rlsq-proxy"):
                cells.append(f"{fmt_signed(row['added'][t]['p50_us'])} / {fmt_signed(row['added'][t]['p99_us'])}")
        lines.append("| " + " | ".join(cells) + " |")
        x = row["proxy_minus_pgbouncer_p50_us"]
        finals.append(f"c={row['clients']} {row['mode']}: rlsq-proxy added p50 minus pgbouncer added p50 = "
                      + (f"{x:+,.0f} µs" if x is not None else f"n/a ({proxy_note or 'a target did not run'})"))
        y, z = row.get("proxy_over_rewritten_p50_us"), row.get("proxy_own_minus_pgbouncer_p50_us")
        if y is not None:
            finals.append(f"c={row['clients']} {row['mode']}: rlsq-proxy p50 minus the rewritten SQL sent direct = "
                          f"{y:+,.0f} µs (the proxy's own cost), minus pgbouncer's added p50 = {z:+,.0f} µs")
    return "\n".join(lines) + "\n\n" + "\n".join(finals) + "\n"


# -- main --------------------------------------------------------------------------------------------------

def parse_args(argv: List[str]) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=int, default=4, help="seconds per pgbench run (default 4)")
    ap.add_argument("--short", action="store_true", help="2 s per run")
    ap.add_argument("--repeat", type=int, default=1, choices=(1, 2, 3),
                    help="runs per (target, clients, mode); the one with the lower p50 is kept (default 1)")
    ap.add_argument("--warmup", type=int, default=1, help="seconds of unlogged warm-up per target (default 1, 0: none)")
    ap.add_argument("--proxy", default=os.environ.get("RLSQ_PROXY", str(REPO / "build" / "proxy" / "rlsq-proxy")),
                    help="rlsq-proxy binary (default $RLSQ_PROXY, else build/proxy/rlsq-proxy)")
    ap.add_argument("--proxy-arg", action="append", default=[], metavar="ARG",
                    help="extra argument for rlsq-proxy (repeatable), e.g. --proxy-arg=--threads=1")
    ap.add_argument("--json", metavar="FILE", help="also write the numbers as JSON")
    ap.add_argument("--clients", default=",".join(map(str, CLIENTS)), help="comma-separated (default 1,8)")
    ap.add_argument("--modes", default=",".join(MODES), help="comma-separated (default simple,extended,prepared)")
    args = ap.parse_args(argv)
    if args.short:
        args.seconds = 2
    if args.seconds < 1:
        ap.error("--seconds must be at least 1")
    try:
        args.clients = [int(c) for c in args.clients.split(",") if c]
    except ValueError:
        ap.error("--clients: comma-separated integers")
    args.modes = [m for m in args.modes.split(",") if m]
    if not args.clients or any(c < 1 for c in args.clients):
        ap.error("--clients: positive integers")
    if not args.modes or any(m not in MODES for m in args.modes):
        ap.error(f"--modes: some of {','.join(MODES)}")
    return args


def version(argv: List[str]) -> str:
    try:
        return subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              timeout=10).stdout.strip().splitlines()[0]
    except Exception as e:  # noqa: BLE001
        return f"unknown ({e})"


def bench(args: argparse.Namespace, stack: contextlib.ExitStack) -> int:
    pgbench = os.path.join(bin_dir(), "pgbench")
    if not os.access(pgbench, os.X_OK):
        pgbench = shutil.which("pgbench") or ""
    missing = pg_binaries_missing() or ("" if pgbench else "pgbench not found")
    if missing:
        log(missing)
        return 2
    errors: List[str] = []
    proxy_note: Optional[str] = None
    if not os.access(args.proxy, os.X_OK):
        proxy_note = f"rlsq-proxy not run: {args.proxy} does not exist or is not executable"

    workdir = tempfile.mkdtemp(prefix="rlsq-bench-")
    stack.callback(shutil.rmtree, workdir, True)
    service_pw = secrets.token_hex(16)
    bench_pw = secrets.token_hex(16)

    t0 = time.monotonic()
    log("starting PostgreSQL")
    pg = PgServer(name="rlsq-bench-pg-")
    stack.callback(pg.stop)
    try:
        pg.start()
    except RuntimeError as e:
        raise Failure(str(e))
    log("pgbench -i -s 1, roles")
    verifier = setup_database(pg, pgbench, service_pw, bench_pw)

    targets: Dict[str, Dict] = {"direct": {"host": pg.host, "port": pg.port}}
    script = os.path.join(workdir, "rewritten.sql")
    with open(script, "w") as f:
        f.write("\\set aid random(1, 100000 * :scale)\n" + REWRITTEN_SELECT + "\n")
    targets["direct-rewritten"] = {"host": pg.host, "port": pg.port, "script": script}
    log("starting PgBouncer (session mode)")
    targets["pgbouncer"] = start_pgbouncer(pg, service_pw, verifier, stack)
    if proxy_note is None:
        log(f"starting {args.proxy}")
        try:
            targets["rlsq-proxy"] = start_proxy(args.proxy, pg, service_pw, verifier, args.proxy_arg, stack)
        except Failure as e:
            errors.append(str(e))
            proxy_note = "rlsq-proxy failed to start"
            log(str(e))
    else:
        log(proxy_note)

    # Sanity: each target authenticates bench_user and answers; only the proxy hides the bid = 2 row.
    expected = {"direct": HIDDEN_AID, "pgbouncer": HIDDEN_AID, "rlsq-proxy": HIDDEN_AID - 1}
    for name in list(targets):
        if name not in expected:
            continue
        t = targets[name]
        try:
            got = psql(t["host"], t["port"], BENCH_USER, DB, "SELECT count(*) FROM pgbench_accounts", bench_pw)
            if got != str(expected[name]):
                raise Failure(f"{name}: SELECT count(*) FROM pgbench_accounts gave {got}, expected "
                              f"{expected[name]}" + (" (the RLS filter bid = 1 was not applied)"
                                                     if name == "rlsq-proxy" else ""))
            if args.warmup > 0:
                run_pgbench(pgbench, t, 1, "simple", args.warmup, bench_pw, workdir, with_log=False)
        except Failure as e:
            errors.append(f"{name}: {e}")
            log(f"{name} failed its check, skipping it:\n{e}")
            if name == "direct":
                raise Failure(f"direct PostgreSQL failed:\n{e}")
            if "daemon" in t and not t["daemon"].alive():
                errors.append(f"{name} exited ({t['daemon'].proc.returncode}):\n{tail(t['daemon'].output())}")
            del targets[name]
            if name == "rlsq-proxy":
                proxy_note = "rlsq-proxy failed (see errors)"

    rows: List[Dict] = []
    combos = [(c, m) for c in args.clients for m in args.modes]
    for i, (clients, mode) in enumerate(combos):
        best: Dict[str, Dict] = {}
        runs: Dict[str, List[Dict]] = {t: [] for t in targets}
        for rep in range(args.repeat):
            order = [t for t in TARGETS if t in targets]
            if rep % 2 == 1:
                order.reverse()
            for name in order:
                if name not in targets:
                    continue
                t = targets[name]
                log(f"c={clients} {mode:8s} {name:10s} run {rep + 1}/{args.repeat} ({args.seconds} s)")
                try:
                    r = run_pgbench(pgbench, t, clients, mode, args.seconds, bench_pw, workdir)
                except Failure as e:
                    msg = f"{name}, c={clients}, -M {mode}: {e}"
                    if "daemon" in t and not t["daemon"].alive():
                        msg += f"\n{name} exited ({t['daemon'].proc.returncode}):\n{tail(t['daemon'].output())}"
                    errors.append(msg)
                    print(msg, file=sys.stderr, flush=True)
                    del targets[name]  # no further runs against a broken target
                    if name == "rlsq-proxy":
                        proxy_note = "rlsq-proxy failed (see errors)"
                    continue
                runs[name].append(r)
                if name not in best or r["p50_us"] < best[name]["p50_us"]:
                    best[name] = r
        row = {"clients": clients, "mode": mode, "targets": best, "runs": runs,
               "added": {t: {"p50_us": added(best, t, "p50_us"), "p99_us": added(best, t, "p99_us")}
                         for t in ("pgbouncer", "rlsq-proxy")}}
        a_px, a_pb = row["added"]["rlsq-proxy"]["p50_us"], row["added"]["pgbouncer"]["p50_us"]
        row["proxy_minus_pgbouncer_p50_us"] = a_px - a_pb if a_px is not None and a_pb is not None else None
        # The proxy's own share: against the same rewritten SQL sent straight to the server.
        px, dr = best.get("rlsq-proxy"), best.get("direct-rewritten")
        row["proxy_over_rewritten_p50_us"] = px["p50_us"] - dr["p50_us"] if px and dr else None
        row["proxy_own_minus_pgbouncer_p50_us"] = (row["proxy_over_rewritten_p50_us"] - a_pb
                                                   if row["proxy_over_rewritten_p50_us"] is not None and a_pb is not None
                                                   else None)
        rows.append(row)

    env = {
        "postgres": psql(pg.host, pg.port, pg.superuser, DB, "SHOW server_version"),
        "pgbench": version([pgbench, "--version"]),
        "pgbouncer": version([PGBOUNCER, "--version"]),
        "cpus": os.cpu_count(),
        "machine": platform.platform(),
    }
    table = render(rows, proxy_note)
    print()
    print(f"pgbench -n -S -T {args.seconds} -j min(c,2), best p50 of {args.repeat} run(s); "
          f"PostgreSQL {env['postgres']}, {env['pgbouncer']} (session mode), {env['cpus']} CPUs; "
          f"latencies from pgbench --log, µs")
    if proxy_note:
        print(f"note: {proxy_note}")
    print()
    print(table, end="")
    log(f"done in {time.monotonic() - t0:.0f} s")
    if args.json:
        doc = {"config": {"seconds": args.seconds, "repeat": args.repeat, "clients": args.clients,
                          "modes": args.modes, "proxy": args.proxy, "proxy_args": args.proxy_arg,
                          "proxy_ran": proxy_note is None, "proxy_note": proxy_note,
                          "rls_filter": "pgbench_accounts: bid = 1"},
               "environment": env, "results": rows, "errors": errors}
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(doc, f, indent=2)
            f.write("\n")
    if errors:
        print(f"\n{len(errors)} failure(s):", file=sys.stderr)
        for e in errors:
            print(f"--- {e}", file=sys.stderr)
        return 1
    return 0


def main(argv: List[str]) -> int:
    args = parse_args(argv)

    def on_signal(signum, frame):  # noqa: ARG001
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGINT, signal.default_int_handler)  # even if started with SIGINT ignored
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    stack = contextlib.ExitStack()
    code = 1
    try:
        code = bench(args, stack)
    except Failure as e:
        print(f"proxy_bench: {e}", file=sys.stderr)
        code = 1
    except KeyboardInterrupt:
        print("proxy_bench: interrupted; cleaning up", file=sys.stderr)
        code = 130
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, signal.SIG_IGN)
        try:
            stack.close()
        except Exception as e:  # noqa: BLE001
            print(f"proxy_bench: cleanup error: {e}", file=sys.stderr)
            code = code or 1
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
