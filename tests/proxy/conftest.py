"""Fixtures of the rlsq-proxy end-to-end tests (tests/proxy/): one PostgreSQL 15 server for the session with TPC-H
(scale 0.01), pgbench's tables, the policy users as roles with native RLS, and the service role; the proxy
(env RLSQ_PROXY) in front of it; the expected rows of native RLS; a guard that fails a hanging test.

Run by ctest (tests/proxy/CMakeLists.txt) with RLSQ_PROXY, RLSQ_CORPUS_DIR and RLSQ_EXAMPLES_DIR set; by hand:

    RLSQ_PROXY=build/proxy/rlsq-proxy RLSQ_CORPUS_DIR=../shared/corpus python3 -m pytest -q tests/proxy

Without RLSQ_PROXY the tests that need the proxy skip and the rest (the harness checks against PostgreSQL, the raw
wire client against the server) run.
"""
from __future__ import annotations

import faulthandler
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import weakref
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO / "python" / "tests"))
sys.path.insert(0, str(HERE))

from pg_server import PgServer, bin_dir, pg_binaries_missing  # noqa: E402  (python/tests/pg_server.py)

import pgwire  # noqa: E402  (tests/proxy/pgwire.py)

try:
    import psycopg2
    import psycopg2.extensions
except ImportError:  # pragma: no cover - Debian's python3-psycopg2 is a test dependency
    psycopg2 = None

CORPUS = Path(os.environ.get("RLSQ_CORPUS_DIR", REPO.parent / "shared" / "corpus"))
EXAMPLES = Path(os.environ.get("RLSQ_EXAMPLES_DIR", REPO / "examples"))
PROXY_BIN = os.environ.get("RLSQ_PROXY", "")
POLICY_FILE = HERE / "policy.json"
DBNAME = "tpch"

# The policy users and their passwords (fixtures.sql), and a role that can authenticate but is not a policy user.
PASSWORDS = {"alice": "alice-pw", "carol": "carol-pw", "admin": "admin-pw", "dave": "dave-pw",
             "mallory": "mallory-pw"}
POLICY_USERS = ("alice", "carol", "admin", "dave")
SERVICE = {"scram": ("rlsq_service", "svcpw"), "md5": ("rlsq_service_md5", "md5pw"),
           "trust": ("rlsq_service_trust", None)}

# SQLSTATEs of the proxy's refusals (the interface: 42501 for statements and tables denied, 0A000 for what is not
# supported, 42601 for what rlsq cannot parse). Kept here so that a deliberate change is one edit.
DENIED = "42501"
UNSUPPORTED = "0A000"
SYNTAX = "42601"
PROTOCOL_VIOLATION = "08P01"

# TPC-H at scale 0.01 (tests/support/pg_server.cc TpchDataSql): suppliers, parts, customers, orders, clerks.
TPCH_COUNTS = {"S": 100, "P": 2000, "C": 1500, "O": 15000, "K": 50}


def proxy_missing() -> Optional[str]:
    if not PROXY_BIN:
        return "RLSQ_PROXY is not set (the rlsq-proxy binary, build/proxy/rlsq-proxy)"
    if not os.access(PROXY_BIN, os.X_OK):
        return f"RLSQ_PROXY={PROXY_BIN} is not an executable file (not built yet?)"
    return None


def environment_missing() -> Optional[str]:
    if psycopg2 is None:
        return "psycopg2 is not installed (Debian: python3-psycopg2)"
    return pg_binaries_missing()


needs_proxy = pytest.mark.skipif(proxy_missing() is not None, reason=proxy_missing() or "")


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: a test of a few seconds or more (faults, load, pgbench)")
    config.addinivalue_line("markers", "guard(seconds): the timeout of the test's call (default 60 s); on expiry "
                                       "the proxies and client processes are killed and the test fails")


# ------------------------------------------------------------------------------------------------ timeout guard
# pytest-timeout is not a dependency (Debian 12 has no python3-pytest-timeout by default). A watchdog thread per
# test phase: on expiry it kills everything a test may be blocked on (the proxies it started, the client processes,
# registered sockets), so a blocked libpq call returns, then raises GuardTimeout in the main thread. A hard
# faulthandler exit 60 s later is the last resort, so that ctest never hangs.

class GuardTimeout(Exception):
    pass


_HANG_BREAKERS: "weakref.WeakSet" = weakref.WeakSet()  # objects with a .break_hang() method
_guard_fired = threading.Event()


def register_hang_breaker(obj) -> None:
    _HANG_BREAKERS.add(obj)


def _on_alarm(signum, frame):
    if _guard_fired.is_set():
        raise GuardTimeout("the test's time guard expired (a hanging proxy, server or client was killed)")


signal.signal(signal.SIGALRM, _on_alarm)


class _Watchdog:
    def __init__(self, seconds: float, what: str):
        self.what = what
        self.seconds = seconds
        self.timer = threading.Timer(seconds, self._fire)
        self.timer.daemon = True

    def _fire(self):
        _guard_fired.set()
        sys.stderr.write(f"\n[guard] {self.what} exceeded {self.seconds:.0f} s: killing proxies and clients\n")
        for obj in list(_HANG_BREAKERS):
            try:
                obj.break_hang()
            except Exception:
                pass
        try:
            signal.pthread_kill(threading.main_thread().ident, signal.SIGALRM)
        except Exception:
            pass

    def __enter__(self):
        _guard_fired.clear()
        self.timer.start()
        faulthandler.dump_traceback_later(self.seconds + 60, exit=True)
        return self

    def __exit__(self, *exc):
        self.timer.cancel()
        faulthandler.cancel_dump_traceback_later()
        fired = _guard_fired.is_set()
        _guard_fired.clear()
        if fired and exc[0] is None:
            raise GuardTimeout(f"{self.what} exceeded its {self.seconds:.0f} s guard")
        return False


def _guard_seconds(item) -> float:
    m = item.get_closest_marker("guard")
    return float(m.args[0]) if m and m.args else 60.0


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item):
    with _Watchdog(420, f"setup of {item.nodeid}"):  # the first test also builds the session's database
        yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    with _Watchdog(_guard_seconds(item), item.nodeid):
        yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item):
    with _Watchdog(120, f"teardown of {item.nodeid}"):
        yield


# ------------------------------------------------------------------------------------------------ processes

def client_env(**extra) -> Dict[str, str]:
    """The environment of client programs: none of the caller's PG* variables, UTC, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env.update({"TZ": "UTC", "PGCONNECT_TIMEOUT": "10"})
    env.update({k: v for k, v in extra.items() if v is not None})
    return env


class _Child:
    """A client process the guard may kill."""

    def __init__(self, popen: subprocess.Popen):
        self.popen = popen

    def break_hang(self):
        if self.popen.poll() is None:
            self.popen.kill()


def spawn(argv: Sequence[str], **kw) -> subprocess.Popen:
    p = subprocess.Popen(list(argv), **kw)
    child = _Child(p)
    p._rlsq_child = child  # keeps the weak reference alive as long as the Popen
    register_hang_breaker(child)
    return p


def run(argv: Sequence[str], timeout: float = 60, input: Optional[str] = None, env=None) -> subprocess.CompletedProcess:
    """Run a client program to completion (killed after `timeout`)."""
    p = spawn(argv, stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL, stdout=subprocess.PIPE,
              stderr=subprocess.PIPE, text=True, env=env or client_env())
    try:
        out, err = p.communicate(input=input, timeout=timeout)
    except BaseException:
        p.kill()
        p.communicate()
        raise
    return subprocess.CompletedProcess(list(argv), p.returncode, out, err)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(predicate, timeout: float, interval: float = 0.05, what: str = "condition"):
    """Poll `predicate` until it returns a true value (returned), or fail after `timeout`."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        try:
            last = predicate()
        except Exception as e:  # noqa: BLE001 - a failing probe is "not yet"
            last = e
        if last and not isinstance(last, Exception):
            return last
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}; last: {last!r}")
        time.sleep(interval)


# ------------------------------------------------------------------------------------------------ rows

def encode_value(v: Optional[str]) -> str:
    if v is None:
        return "\\N"
    return v.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("|", "\\|")


def encode_row(row: Iterable[Optional[str]]) -> str:
    """One row as one line: values joined by '|', NULL as \\N (JdbcClient.java writes the same)."""
    return "|".join(encode_value(v) for v in row)


def canonical(rows: Iterable[Iterable[Optional[str]]]) -> List[str]:
    """A multiset of rows as a sorted list of encoded lines."""
    return sorted(encode_row(r) for r in rows)


def psql_lines(rows: Iterable[Iterable[Optional[str]]]) -> List[str]:
    """What `psql -X -A -t -F '|'` prints for these rows, as a sorted list of lines (NULL prints as '')."""
    text = "\n".join("|".join("" if v is None else v for v in r) for r in rows)
    return sorted(text.split("\n")) if text or rows else []


_TEXT_TYPE = None


def text_mode(conn, oids: Sequence[int]) -> None:
    """Make psycopg2 return every value as the server's text (None for NULL), like psql and JDBC's getString."""
    global _TEXT_TYPE
    if _TEXT_TYPE is None:
        _TEXT_TYPE = psycopg2.extensions.new_type(tuple(oids), "RLSQ_TEXT", lambda v, cur: v)
    psycopg2.extensions.register_type(_TEXT_TYPE, conn)


# ------------------------------------------------------------------------------------------------ PostgreSQL

class Database:
    """The session's PostgreSQL server with the tpch database."""

    def __init__(self):
        self.server = PgServer("rlsq-proxy-pg-")
        self.type_oids: List[int] = []

    # -- paths and connections
    @property
    def host(self) -> str:
        return self.server.host

    @property
    def port(self) -> int:
        return self.server.port

    @property
    def socket_path(self) -> str:
        return os.path.join(self.server.host, f".s.PGSQL.{self.server.port}")

    def connect(self, user: Optional[str] = None, dbname: str = DBNAME, autocommit: bool = True, text: bool = False,
                **kw):
        conn = psycopg2.connect(host=self.host, port=self.port, user=user or self.server.superuser, dbname=dbname,
                                connect_timeout=10, **kw)
        conn.autocommit = autocommit
        if text:
            text_mode(conn, self.type_oids)
        return conn

    def execute(self, sql: str, params=None, user: Optional[str] = None, dbname: str = DBNAME):
        """Run one statement as the superuser (or `user`) on a fresh connection; the rows, or None."""
        conn = self.connect(user=user, dbname=dbname)
        try:
            with conn.cursor() as cur:
                cur.execute(sql, params)
                return cur.fetchall() if cur.description else None
        finally:
            conn.close()

    def conninfo(self, service: str = "scram") -> str:
        user, password = SERVICE[service]
        info = f"host={self.host} port={self.port} dbname={DBNAME} user={user}"
        return info + (f" password={password}" if password else "")

    def _pg_ctl(self, *args: str, timeout: float = 90) -> None:
        argv = self.server._cmd([os.path.join(bin_dir(), "pg_ctl"), "-D", self.server.datadir, *args])
        proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=timeout)
        if proc.returncode != 0:
            raise RuntimeError(f"pg_ctl {' '.join(args)} failed:\n{proc.stdout}\n{self.server.log()[-3000:]}")

    def restart(self, mode: str = "fast") -> None:
        """pg_ctl restart (the server keeps its command-line options: postmaster.opts)."""
        self._pg_ctl("-m", mode, "-w", "-t", "60", "-l", os.path.join(self.server.root, "server.log"), "restart")

    def activity(self, where: str = "true", params=None) -> List[tuple]:
        """pg_stat_activity rows (pid, usename, state, query) of client backends other than this probe."""
        return self.execute(
            "SELECT pid, usename, state, query FROM pg_stat_activity WHERE backend_type = 'client backend' "
            f"AND pid <> pg_backend_pid() AND ({where})", params)

    def service_backends(self) -> List[tuple]:
        return self.activity("usename LIKE 'rlsq_service%%'")

    def terminate_service_backends(self) -> None:
        try:
            self.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                         "WHERE usename LIKE 'rlsq_service%' AND pid <> pg_backend_pid()")
        except Exception:
            pass

    def canary_rows(self) -> int:
        return self.execute("SELECT count(*) FROM public.canary")[0][0]

    def leaked_tables(self) -> List[str]:
        """Tables no setup created: what a DDL statement let through would leave."""
        return [r[0] for r in self.execute(
            "SELECT n.nspname || '.' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind IN ('r', 'v', 'm', 'p', 'f') AND n.nspname IN ('public', 'sales', 'hidden') "
            "AND c.relname <> ALL (%s)", (list(KNOWN_TABLES),))]

    # -- setup
    def setup(self) -> None:
        self.server.start()
        sql_super = self.connect(dbname="postgres")
        with sql_super.cursor() as cur:
            cur.execute(f"CREATE DATABASE {DBNAME}")
            cur.execute("ALTER SYSTEM SET max_connections = 300")
            cur.execute("ALTER SYSTEM SET timezone = 'UTC'")
            cur.execute("ALTER SYSTEM SET max_parallel_workers_per_gather = 0")
            # A backend whose client (the proxy) closed the socket during a long query notices within a second.
            cur.execute("ALTER SYSTEM SET client_connection_check_interval = '1s'")
        sql_super.close()
        # The service roles authenticate upstream with SCRAM and MD5; everyone else is trusted on the socket.
        hba = os.path.join(self.server.datadir, "pg_hba.conf")
        with open(hba, "r+") as f:
            old = f.read()
            f.seek(0)
            f.write("local all rlsq_service scram-sha-256\nlocal all rlsq_service_md5 md5\n" + old)
            f.truncate()
        self.restart()
        conn = self.connect()
        with conn.cursor() as cur:
            cur.execute((CORPUS / "tpch_schema.sql").read_text())
            data = (REPO / "tests" / "support" / "tpch_data.sql").read_text()
            for k, v in TPCH_COUNTS.items():
                data = data.replace("{" + k + "}", str(v))
            cur.execute(data)
        conn.close()
        proc = subprocess.run(["pgbench", "-i", "-s", "1", "-q", "-h", self.host, "-p", str(self.port),
                               "-U", self.server.superuser, DBNAME], stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, timeout=180, env=client_env())
        if proc.returncode != 0:
            raise RuntimeError("pgbench -i failed:\n" + proc.stdout)
        conn = self.connect()
        with conn.cursor() as cur:
            cur.execute((HERE / "fixtures.sql").read_text())
            cur.execute((HERE / "native_rls.sql").read_text())
            cur.execute("ANALYZE")
            cur.execute("SELECT oid FROM pg_type")
            self.type_oids = [r[0] for r in cur.fetchall()]
        conn.close()
        self.check_policy_relations()

    def check_policy_relations(self) -> None:
        """policy.json's "relations" must list exactly the user tables: a table missing there is refused by rlsq."""
        listed = set(json.loads(POLICY_FILE.read_text())["relations"])
        rows = self.execute(
            "SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'v', 'm', 'p', 'f') "
            "AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'")
        actual = {r[0] for r in rows}
        assert actual == listed, f"policy.json relations {sorted(listed)} != the database's {sorted(actual)}"

    def verifiers(self) -> Dict[str, str]:
        rows = self.execute("SELECT rolname, rolpassword FROM pg_authid WHERE rolname = ANY (%s)",
                            (list(PASSWORDS),))
        return {name: secret for name, secret in rows}


KNOWN_TABLES = ("region", "nation", "supplier", "customer", "part", "partsupp", "orders", "lineitem",
                "pgbench_accounts", "pgbench_branches", "pgbench_tellers", "pgbench_history", "MixedCase", "canary")


@pytest.fixture(scope="session")
def db():
    reason = environment_missing()
    if reason:
        pytest.skip(reason)
    d = Database()
    try:
        d.setup()
    except BaseException:
        log = d.server.log()
        d.server.stop()
        raise RuntimeError("could not set up the test database; server log tail:\n" + log[-4000:])
    yield d
    # The canary: nothing the suite sent (through the proxy or the raw clients) may have written a row or created
    # a table. A failure here is reported as an error in the last test's teardown.
    try:
        d.terminate_service_backends()
        canary = d.canary_rows()
        leaked = d.leaked_tables()
    finally:
        d.server.stop()
    assert canary == 0, f"the canary table has {canary} rows: a data-modifying statement got through"
    assert not leaked, f"tables appeared during the session: {leaked}"


# ------------------------------------------------------------------------------------------------ expected rows

class Expected:
    """Native RLS's answer for (user, SQL): the user's own connection to the server (trusted socket), values as
    the server's text. ("ok", sorted encoded rows) or ("error", SQLSTATE). Cached per (user, search_path, SQL)."""

    def __init__(self, d: Database):
        self.db = d
        self.cache: Dict[tuple, tuple] = {}
        self.conns: Dict[tuple, object] = {}
        self.lock = threading.Lock()

    def _conn(self, user: str, search_path: Optional[str]):
        key = (user, search_path)
        c = self.conns.get(key)
        if c is None or c.closed:
            c = self.db.connect(user=user, text=True, options="-c statement_timeout=30000")
            if search_path:
                with c.cursor() as cur:
                    cur.execute(f"SET search_path = {search_path}")
            self.conns[key] = c
        return c

    def raw(self, user: str, sql: str, search_path: Optional[str] = None) -> tuple:
        """(status, rows-as-lists-of-text or SQLSTATE), uncached."""
        for attempt in range(2):
            conn = self._conn(user, search_path)
            try:
                with conn.cursor() as cur:
                    cur.execute(sql)
                    return "ok", [list(r) for r in cur.fetchall()] if cur.description else []
            except psycopg2.OperationalError:
                if attempt:
                    raise
                self.conns.pop((user, search_path), None)  # the server restarted: reconnect once
            except psycopg2.Error as e:
                return "error", e.pgcode

    def __call__(self, user: str, sql: str, search_path: Optional[str] = None) -> tuple:
        key = (user, search_path, sql)
        with self.lock:
            if key not in self.cache:
                status, value = self.raw(user, sql, search_path)
                self.cache[key] = (status, canonical(value) if status == "ok" else value)
            return self.cache[key]

    def rows(self, user: str, sql: str, search_path: Optional[str] = None) -> List[list]:
        status, value = self.raw(user, sql, search_path)
        assert status == "ok", f"expected side failed for {user}: {value}: {sql}"
        return value

    def close(self):
        for c in self.conns.values():
            try:
                c.close()
            except Exception:
                pass


@pytest.fixture(scope="session")
def expected(db):
    e = Expected(db)
    yield e
    e.close()


# ------------------------------------------------------------------------------------------------ the proxy

def users_file_text(verifiers: Dict[str, str], names: Optional[Iterable[str]] = None) -> str:
    names = list(names) if names is not None else sorted(verifiers)
    lines = ["; rlsq-proxy users (PgBouncer userlist.txt format), from pg_authid", "# a comment line"]
    lines += [f'"{n}" "{verifiers[n]}"' for n in names]
    return "\n".join(lines) + "\n"


def write_atomically(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


class Proxy:
    """One rlsq-proxy process: a unix socket in its own directory and a TCP port on 127.0.0.1 (same number)."""

    def __init__(self, workdir: Path, d: Database, verifiers: Dict[str, str], name: str = "proxy",
                 trust_local: bool = True, service: str = "scram", policy_text: Optional[str] = None,
                 users_text: Optional[str] = None, extra: Sequence[str] = (), upstream: Optional[str] = None):
        self.dir = workdir / name
        self.dir.mkdir(parents=True, exist_ok=True)
        self.name = name
        self.db = d
        self.policy_path = self.dir / "policy.json"
        self.users_path = self.dir / "users.txt"
        write_atomically(self.policy_path, policy_text if policy_text is not None else POLICY_FILE.read_text())
        write_atomically(self.users_path, users_text if users_text is not None else users_file_text(verifiers))
        self.socket_dir = str(self.dir)
        self.port = free_port()
        self.trust_local = trust_local
        self.upstream = upstream or d.conninfo(service)
        self.extra = list(extra)
        self.log_path = self.dir / "proxy.log"
        self.proc: Optional[subprocess.Popen] = None
        self.starts = 0
        register_hang_breaker(self)

    @property
    def socket_path(self) -> str:
        return os.path.join(self.socket_dir, f".s.PGSQL.{self.port}")

    def argv(self) -> List[str]:
        a = [PROXY_BIN, "--policy", str(self.policy_path), "--upstream", self.upstream, "--database", DBNAME,
             "--socket-dir", self.socket_dir, "--port", str(self.port), "--listen", f"127.0.0.1:{self.port}",
             "--users", str(self.users_path), "--threads", "2"]
        if self.trust_local:
            a.append("--trust-local")
        return a + self.extra

    def start(self, wait: bool = True) -> "Proxy":
        assert self.proc is None or self.proc.poll() is not None
        self.starts += 1
        self.log_offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(self.argv(), stdin=subprocess.DEVNULL, stdout=self.log, stderr=self.log)
        if wait:
            self.wait_ready()
        return self

    def wait_ready(self, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if "rlsq-proxy: ready" in self.log_text():
                return
            if self.proc.poll() is not None:
                raise RuntimeError(f"rlsq-proxy exited ({self.proc.returncode}) before ready:\n{self.log_text()}")
            time.sleep(0.02)
        raise RuntimeError(f"rlsq-proxy not ready after {timeout} s:\n{self.log_text()}")

    def log_text(self, all_runs: bool = False) -> str:
        try:
            data = self.log_path.read_bytes()
        except OSError:
            return ""
        return data[0 if all_runs else self.log_offset:].decode("utf-8", "replace")

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self, sig=signal.SIGTERM, timeout: float = 15) -> Optional[int]:
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                self.log.close()
                raise AssertionError(f"rlsq-proxy did not stop within {timeout} s of signal {sig}")
        self.log.close()
        return self.proc.returncode

    def restart(self) -> "Proxy":
        self.stop()
        return self.start()

    def reload(self) -> None:
        self.proc.send_signal(signal.SIGHUP)

    def break_hang(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()

    def fds(self) -> int:
        return len(os.listdir(f"/proc/{self.proc.pid}/fd"))

    def rss_kb(self) -> int:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        return 0

    def crash_report(self) -> Optional[str]:
        """Why the process died, when it died by itself (a signal, a sanitizer report)."""
        text = self.log_text()
        for marker in ("AddressSanitizer", "LeakSanitizer", "UndefinedBehaviorSanitizer", "runtime error:",
                       "Segmentation fault", "terminate called", "Assertion"):
            if marker in text:
                return f"{marker} in the proxy's log:\n{text[-4000:]}"
        if self.proc is not None and self.proc.poll() is not None:
            return f"rlsq-proxy exited with {self.proc.returncode}:\n{text[-4000:]}"
        return None

    # -- clients
    def dsn(self, user: str, password: Optional[str] = "", tcp: bool = False, dbname: str = DBNAME, **extra) -> str:
        """A libpq connection string; password '' means the user's own, None none."""
        if password == "":
            password = PASSWORDS.get(user)
        host = "127.0.0.1" if tcp else self.socket_dir
        parts = {"host": host, "port": self.port, "user": user, "dbname": dbname, "connect_timeout": 10}
        if password is not None:
            parts["password"] = password
        parts.update(extra)
        return " ".join(f"{k}={_quote_conninfo(v)}" for k, v in parts.items())

    def connect(self, user: str = "alice", password: Optional[str] = "", tcp: bool = False, autocommit: bool = True,
                text: bool = False, **extra):
        conn = psycopg2.connect(self.dsn(user, password, tcp, **extra))
        conn.autocommit = autocommit
        if text:
            text_mode(conn, self.db.type_oids)
        return conn

    def wire(self, user: str = "alice", password: Optional[str] = "", tcp: bool = False, **params) -> "pgwire.Conn":
        """A raw protocol connection, authenticated."""
        if password == "":
            password = PASSWORDS.get(user)
        c = self.raw_socket(tcp)
        c.startup(user=user, database=params.pop("database", DBNAME), password=password, **params)
        return c

    def raw_socket(self, tcp: bool = False, timeout: float = 10) -> "pgwire.Conn":
        if tcp:
            return pgwire.Conn.tcp("127.0.0.1", self.port, timeout=timeout)
        return pgwire.Conn.unix(self.socket_path, timeout=timeout)


def _quote_conninfo(v) -> str:
    s = str(v)
    if s and not re.search(r"[\s'\\]", s):
        return s
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'"


@pytest.fixture(scope="session")
def verifiers(db) -> Dict[str, str]:
    v = db.verifiers()
    assert all(s.startswith("SCRAM-SHA-256$") for s in v.values()), v
    return v


@pytest.fixture(scope="session")
def proxy_workdir():
    d = Path(tempfile.mkdtemp(prefix="rlsq-proxy-test-"))
    yield d
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture(scope="session")
def _session_proxy(db, verifiers, proxy_workdir):
    reason = proxy_missing()
    if reason:
        pytest.skip(reason)
    p = Proxy(proxy_workdir, db, verifiers, name="main", trust_local=True)
    p.start()
    yield p
    if p.alive():
        p.stop()


@pytest.fixture
def proxy(_session_proxy, db):
    """The session's proxy (--trust-local), running; restarted if an earlier test left it dead. A test during
    which it dies by itself fails in teardown with the reason."""
    p = _session_proxy
    if not p.alive():
        p.start()
    if not os.path.exists(p.policy_path) or p.policy_path.read_text() != POLICY_FILE.read_text():
        write_atomically(p.policy_path, POLICY_FILE.read_text())
        p.reload()
        time.sleep(0.3)
    yield p
    if not p.alive():
        report = p.crash_report()
        p.start()
        pytest.fail(f"the proxy died during the test: {report}")


@pytest.fixture
def make_proxy(db, verifiers, proxy_workdir):
    """Start extra proxies (other options); stopped after the test."""
    reason = proxy_missing()
    if reason:
        pytest.skip(reason)
    made: List[Proxy] = []
    counter = [0]

    def make(**kw) -> Proxy:
        counter[0] += 1
        wait = kw.pop("wait", True)
        p = Proxy(proxy_workdir, db, verifiers, name=kw.pop("name", f"extra{counter[0]}-{os.getpid()}"), **kw)
        made.append(p)
        return p.start(wait=wait)

    yield make
    for p in made:
        if p.alive():
            p.stop()


# ------------------------------------------------------------------------------------------------ targets
# The protocol tests whose expected behaviour is PostgreSQL's run against both: the proxy, and the server itself
# (connected as the same policy user, where native RLS and grants give the same answers and refusals).

class Target:
    def __init__(self, kind: str, d: Database, p: Optional[Proxy]):
        self.kind = kind
        self.db = d
        self.proxy = p

    def wire(self, user: str = "alice", **params) -> "pgwire.Conn":
        if self.kind == "proxy":
            return self.proxy.wire(user, **params)
        c = pgwire.Conn.unix(self.db.socket_path, timeout=10)
        c.startup(user=user, database=params.pop("database", DBNAME), password=None, **params)
        return c

    def connect(self, user: str = "alice", **kw):
        if self.kind == "proxy":
            return self.proxy.connect(user, **kw)
        kw.pop("tcp", None)
        return self.db.connect(user=user, **kw)


@pytest.fixture(params=["postgres", "proxy"])
def target(request, db):
    if request.param == "proxy":
        return Target("proxy", db, request.getfixturevalue("proxy"))
    return Target("postgres", db, None)


# ------------------------------------------------------------------------------------------------ a TCP relay
# pgjdbc reaches a unix socket only through junixsocket; the server has no TCP listener. For the harness check of
# JdbcClient against the server itself, a byte relay from 127.0.0.1 to the server's socket (no protocol logic).

class TcpRelay:
    def __init__(self, unix_path: str):
        self.unix_path = unix_path
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.port = self.listener.getsockname()[1]
        self.closed = False
        self.socks: List[socket.socket] = []
        self.client_bytes = bytearray()  # everything the clients sent, to check what a driver really did
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while not self.closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                upstream.connect(self.unix_path)
            except OSError:
                client.close()
                continue
            self.socks += [client, upstream]
            for a, b, record in ((client, upstream, self.client_bytes), (upstream, client, None)):
                threading.Thread(target=self._pump, args=(a, b, record), daemon=True).start()

    @staticmethod
    def _pump(a: socket.socket, b: socket.socket, record: Optional[bytearray]):
        try:
            while True:
                data = a.recv(65536)
                if not data:
                    break
                if record is not None:
                    record += data
                b.sendall(data)
        except OSError:
            pass
        finally:
            for s in (a, b):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self):
        self.closed = True
        self.listener.close()
        for s in self.socks:
            try:
                s.close()
            except OSError:
                pass
