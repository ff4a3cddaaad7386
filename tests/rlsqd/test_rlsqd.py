"""rlsqd, the HTTP sidecar, as a real process over loopback: every endpoint and error status, a load of 64
keep-alive connections answered exactly as the library answers, a reload storm under that load, hostile clients,
descriptors and memory back to their baseline, and the graceful shutdown.

Run by ctest (tests/rlsqd/CMakeLists.txt) with RLSQD (the binary), PYTHONPATH (the build's rlsq module) and
RLSQ_EXAMPLES_DIR / RLSQ_CORPUS_DIR set.
"""
import http.client
import json
import os
import random
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest

try:  # the library, for the expected answers; the sanitizer build has no Python module: those tests skip there
    import rlsq
except ImportError:
    rlsq = None

RLSQD = os.environ.get("RLSQD", "")
EXAMPLES = Path(os.environ.get("RLSQ_EXAMPLES_DIR", Path(__file__).resolve().parents[2] / "examples"))
CORPUS = Path(os.environ.get("RLSQ_CORPUS_DIR", Path(__file__).resolve().parents[3] / "shared" / "corpus"))
API_TOKEN = "api-token-0123456789abcdef"
RELOAD_TOKEN = "reload-token-0123456789abcdef"

POLICY_A = json.loads((EXAMPLES / "policy.json").read_text())
# Version B: another clause for finance's orders, so answers tell the two versions apart.
POLICY_B = json.loads(json.dumps(POLICY_A).replace("o_orderpriority <> '1-URGENT'", "o_orderpriority <> '2-HIGH'"))
assert POLICY_A != POLICY_B

pytestmark = pytest.mark.skipif(not RLSQD or not os.access(RLSQD, os.X_OK), reason="RLSQD is not built")
needs_library = pytest.mark.skipif(rlsq is None, reason="the rlsq Python module is not built (sanitizer build)")
# rlsqd built with AddressSanitizer: its quarantine makes resident memory grow by design.
SANITIZED = os.environ.get("RLSQD_SANITIZED") == "1"


class Sidecar:
    """One rlsqd process; its TCP port is read from its log. `policy`: a policy (dict or text) for a file, or
    ("db", URI, settings file) for Superset's metadata database."""

    def __init__(self, tmp: Path, policy, *extra, name="rlsqd", tokens=True):
        self.tmp = tmp
        self.policy_path = tmp / f"{name}-policy.json"
        if isinstance(policy, tuple):
            source = ["--policy-db", policy[1], "--policy-settings", str(policy[2])]
        else:
            self.write_policy(policy)
            source = ["--policy", str(self.policy_path)]
        self.socket_path = tmp / f"{name}.sock"
        self.audit_path = tmp / f"{name}-audit.log"
        args = [RLSQD, *source, "--listen", "127.0.0.1:0",
                "--unix-socket", str(self.socket_path), "--threads", "2", "--audit", str(self.audit_path)]
        if tokens:
            (tmp / "api.token").write_text(API_TOKEN + "\n")
            (tmp / "reload.token").write_text(RELOAD_TOKEN + "\n")
            args += ["--api-token-file", str(tmp / "api.token"), "--reload-token-file", str(tmp / "reload.token")]
        args += list(extra)
        self.log_path = tmp / f"{name}.log"
        self.log = open(self.log_path, "w+b")
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=self.log)
        deadline = time.time() + 20
        self.port = None
        while time.time() < deadline and self.port is None:
            for line in self.log_path.read_text().splitlines():
                if "listening on http://127.0.0.1:" in line:
                    self.port = int(line.rsplit(":", 1)[1])
            if self.proc.poll() is not None:
                raise RuntimeError("rlsqd exited: " + self.log_path.read_text())
            time.sleep(0.02)
        assert self.port, self.log_path.read_text()

    def write_policy(self, policy):
        # Written beside and renamed: the watcher never reads half a file.
        tmp = self.policy_path.with_suffix(".tmp")
        tmp.write_text(policy if isinstance(policy, str) else json.dumps(policy))
        os.replace(tmp, self.policy_path)

    def connection(self, timeout=10):
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def request(self, method, path, body=None, token=API_TOKEN, conn=None, headers=None):
        own = conn is None
        conn = conn or self.connection()
        h = {"Content-Type": "application/json"}
        if token:
            h["Authorization"] = f"Bearer {token}"
        h.update(headers or {})
        data = body if isinstance(body, (bytes, str)) or body is None else json.dumps(body)
        conn.request(method, path, body=data, headers=h)
        resp = conn.getresponse()
        raw = resp.read()
        if own:
            conn.close()
        ctype = resp.getheader("Content-Type", "")
        return resp.status, (json.loads(raw) if ctype.startswith("application/json") else raw.decode()), resp

    def rewrite(self, sql, user="alice", conn=None, **more):
        return self.request("POST", "/v1/rewrite", {"sql": sql, "user": user, **more}, conn=conn)[:2]

    def stop(self, sig=signal.SIGTERM, timeout=20):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            self.proc.wait(timeout=timeout)
        self.log.close()
        return self.proc.returncode

    def fds(self):
        return len(os.listdir(f"/proc/{self.proc.pid}/fd"))

    def rss_kb(self):
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        return 0


@pytest.fixture(scope="module")
def sidecar(tmp_path_factory):
    s = Sidecar(tmp_path_factory.mktemp("rlsqd"), POLICY_A, "--watch-interval-ms", "0", "--max-body-bytes", "65536",
                "--max-header-bytes", "4096", "--idle-timeout-ms", "1500", "--request-timeout-ms", "1500",
                "--max-connections", "300")
    yield s
    assert s.stop() == 0


def library_answer(engine, sql, user):
    """What the library says for one request: (200, sql) or (status, sqlstate)."""
    try:
        return 200, engine.rewrite(sql, user=user)
    except rlsq.QueryRefused as e:
        # rlsq::DescribeError's rule: what rlsq does not model is 0A000, the query's own fault 42601.
        unsupported = any(w in str(e) for w in (" not supported", "unsupported ", "does not model"))
        return 422, "0A000" if unsupported else "42601"
    except rlsq.AccessDenied:
        return 403, "42501"
    except rlsq.UnknownUser:
        return 404, "28000"


def http_answer(status, body):
    return (200, body["sql"]) if status == 200 else (status, body["error"]["sqlstate"])


# ---------------------------------------------------------------------------------------------------- endpoints

def test_probes_need_no_token(sidecar):
    status, body, _ = sidecar.request("GET", "/livez", token=None)
    assert (status, body) == (200, {"status": "ok"})
    status, body, _ = sidecar.request("GET", "/readyz", token=None)
    assert status == 200 and body["status"] == "ready" and len(body["policy_version"]) == 16


@needs_library
def test_rewrite_equals_the_library(sidecar):
    engine = rlsq.Engine.from_json(json.dumps(POLICY_A))
    sql = "SELECT o_orderkey FROM orders o JOIN customer c ON c.c_custkey = o.o_custkey WHERE o.o_totalprice > 10"
    status, body = sidecar.rewrite(sql, "alice")
    assert status == 200
    assert body["sql"] == engine.rewrite(sql, user="alice")
    assert body["changed"] is True
    reads = {r["name"]: r for r in body["reads"]}
    assert reads["orders"]["filters"] == ["no_urgent_for_finance"] and reads["orders"]["alias"] == "o"
    assert reads["customer"]["filters"] == ["hide_household"]
    # Unchanged text comes back as it was, and says so.
    status, body = sidecar.rewrite("SELECT c_name FROM customer", "admin")
    assert (status, body["sql"], body["changed"]) == (200, "SELECT c_name FROM customer", False)


@needs_library
def test_rewrite_inline_caller_guest_rules_and_explain(sidecar):
    engine = rlsq.Engine.from_json(json.dumps(POLICY_A))
    caller = {"username": "embed", "roles": ["Gamma"]}
    rules = [{"clause": "n_nationkey < 5"}]
    sql = "SELECT n_name FROM nation"
    status, body, _ = sidecar.request("POST", "/v1/rewrite",
                                      {"sql": sql, "caller": caller, "guest_rules": rules, "explain": True})
    try:
        expected = (200, engine.rewrite(sql, caller=caller, guest_rules=rules))
    except rlsq.Error as e:  # whatever the library says, the sidecar says the same
        expected = (type(e).__name__, None)
    if expected[0] == 200:
        assert (status, body["sql"]) == expected
        assert body["explain"]["sql"] == body["sql"] and body["explain"]["tables"]
    else:
        assert status in (403, 404, 422)
    status, body, _ = sidecar.request("POST", "/v1/rewrite", {"sql": "SELECT 1", "anonymous": True})
    assert status in (200, 403)


@pytest.mark.parametrize("sql,status,sqlstate", [
    ("SELEC 1", 422, "42601"),
    ("DELETE FROM orders", 422, "42601"),
    ("SELECT 1; SELECT 2", 422, "42601"),
    ("SELECT count(*) FROM pg_temp.orders", 422, "0A000"),
    ("SELECT * FROM lineitem, supplier", 403, "42501"),
])
def test_refusals_and_denials(sidecar, sql, status, sqlstate):
    got_status, body = sidecar.rewrite(sql, "dave")
    assert (got_status, body["error"]["sqlstate"]) == (status, sqlstate)
    if rlsq:
        engine = rlsq.Engine.from_json(json.dumps(POLICY_A))
        assert library_answer(engine, sql, "dave") == (status, sqlstate)
    assert set(body["error"]) >= {"code", "sqlstate", "message", "line", "column"}
    assert "sql" not in body  # nothing is ever returned unrewritten
    if status == 422 and sqlstate == "42601" and sql.startswith("SELEC "):
        assert (body["error"]["line"], body["error"]["column"]) == (1, 1)
    if status == 403:
        assert body["error"]["tables"] == ["public.supplier"], body


def test_unknown_user_is_404(sidecar):
    status, body = sidecar.rewrite("SELECT 1", "nobody")
    assert status == 404 and body["error"]["code"] == "unknown_user"


@pytest.mark.parametrize("body,needle", [
    ("{not json", "not JSON"),
    ("[1]", "JSON object"),
    ({"user": "alice"}, "\"sql\" is required"),
    ({"sql": "SELECT 1"}, "exactly one of"),
    ({"sql": "SELECT 1", "user": "alice", "anonymous": True}, "exactly one of"),
    ({"sql": "SELECT 1", "user": "alice", "sqll": 1}, "unknown key \"sqll\""),
    ({"sql": 7, "user": "alice"}, "must be a string"),
    ({"sql": "SELECT 1", "user": "alice", "dialect": "oracle9"}, "unknown dialect"),
    ({"sql": "SELECT 1", "user": "alice", "guest_rules": [{"datset": "x", "clause": "1=1"}]}, "unknown key"),
])
def test_malformed_requests_are_400(sidecar, body, needle):
    status, answer, _ = sidecar.request("POST", "/v1/rewrite", body)
    assert status == 400 and needle in answer["error"]["message"], answer


def test_tokens(sidecar):
    for token in (None, "wrong-token-0123456789", API_TOKEN + "x"):
        status, body, resp = sidecar.request("POST", "/v1/rewrite", {"sql": "SELECT 1", "user": "alice"}, token=token)
        assert status == 401 and resp.getheader("WWW-Authenticate", "").startswith("Bearer")
    # The API token does not reload when a reload token is set; the reload token does nothing else.
    assert sidecar.request("POST", "/v1/reload", token=API_TOKEN)[0] == 401
    assert sidecar.request("GET", "/v1/policy", token=RELOAD_TOKEN)[0] == 401
    assert sidecar.request("GET", "/metrics", token=None)[0] == 401


def test_check_policy_and_routes(sidecar):
    status, body, _ = sidecar.request("POST", "/v1/check",
                                      {"user": "alice", "permission": "can_read", "resource": "Dashboard"})
    assert status == 200 and body["allowed"] is True
    if rlsq:
        assert body["allowed"] == rlsq.Engine.from_json(json.dumps(POLICY_A)).can("alice", "can_read", "Dashboard")
    status, body, _ = sidecar.request("POST", "/v1/check", {"user": "dave", "permission": "can_write",
                                                            "resource": "Dashboard"})
    assert status == 200 and isinstance(body["allowed"], bool)
    if rlsq:
        assert body["allowed"] == rlsq.Engine.from_json(json.dumps(POLICY_A)).can("dave", "can_write", "Dashboard")
    assert sidecar.request("POST", "/v1/check", {"user": "ghost", "permission": "p", "resource": "r"})[0] == 404
    status, body, _ = sidecar.request("GET", "/v1/policy")
    assert status == 200 and body["loaded"] and body["counts"]["users"] == len(POLICY_A["users"])
    assert body["counts"]["filters"] == len(POLICY_A["rls_filters"]) and body["source"].startswith("file ")
    assert body["loaded_at"].endswith("Z") and body["generation"] >= 1
    status, body, resp = sidecar.request("GET", "/v1/rewrite")
    assert status == 405 and resp.getheader("Allow") == "POST"
    assert sidecar.request("GET", "/nope")[0] == 404


def test_metrics_exposition(sidecar):
    sidecar.rewrite("SELECT n_name FROM nation", "alice")
    sidecar.rewrite("SELECT n_name FROM nation", "alice")
    status, text, resp = sidecar.request("GET", "/metrics")
    assert status == 200 and resp.getheader("Content-Type").startswith("text/plain; version=0.0.4")
    assert text.endswith("\n")
    samples = {}
    for line in text.splitlines():
        if line.startswith("#"):
            assert line.startswith("# HELP ") or line.startswith("# TYPE ")
            continue
        name, value = line.rsplit(" ", 1)
        samples[name] = float(value)
    assert samples['rlsqd_requests_total{endpoint="/v1/rewrite",outcome="ok"}'] >= 2
    assert samples['rlsqd_request_duration_seconds_bucket{endpoint="/v1/rewrite",le="+Inf"}'] == \
        samples['rlsqd_request_duration_seconds_count{endpoint="/v1/rewrite"}']
    assert samples["rlsqd_plan_cache_hits_total"] >= 1 and samples["rlsqd_plan_cache_misses_total"] >= 1
    assert samples["rlsqd_policy_loaded"] == 1
    for name in ("rlsqd_policy_reloads_total", "rlsqd_policy_reload_failures_total", "rlsqd_policy_generation",
                 "rlsqd_connections"):
        assert name in samples
    assert any(k.startswith("rlsqd_policy_version_info{version=") for k in samples)


def test_unix_socket(sidecar):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(str(sidecar.socket_path))
    s.sendall(b"GET /livez HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    data = b""
    while chunk := s.recv(4096):
        data += chunk
    s.close()
    assert data.startswith(b"HTTP/1.1 200 OK") and data.endswith(b'{"status":"ok"}')


def test_audit_log(sidecar):
    sidecar.rewrite("SELECT n_name FROM nation WHERE n_nationkey = 1", "alice")
    sidecar.rewrite("SELECT * FROM supplier", "dave")
    time.sleep(0.1)
    lines = [json.loads(l) for l in sidecar.audit_path.read_text().splitlines()]
    ok = [l for l in lines if l["endpoint"] == "/v1/rewrite" and l["caller"] == "alice" and l["outcome"] == "ok"]
    assert ok and ok[-1]["tables"] == ["public.nation"] and ok[-1]["filters"] == ["emea_nations"]
    assert len(ok[-1]["query_fingerprint"]) == 16 and ok[-1]["policy_version"] and ok[-1]["time"].endswith("Z")
    denied = [l for l in lines if l["outcome"] == "denied"]
    assert denied and denied[-1]["status"] == 403 and denied[-1]["caller"] == "dave"
    assert denied[-1]["tables"] == ["public.supplier"]


# ---------------------------------------------------------------------------------------------------- reloads

def test_reload_endpoint_signal_and_refused_policy(sidecar):
    _, before, _ = sidecar.request("GET", "/v1/policy")
    status, body, _ = sidecar.request("POST", "/v1/reload", token=RELOAD_TOKEN)
    assert status == 200 and body["reloaded"] is False  # the file did not change
    sidecar.write_policy(POLICY_B)
    status, body, _ = sidecar.request("POST", "/v1/reload", token=RELOAD_TOKEN)
    assert status == 200 and body["reloaded"] is True and body["policy_version"] != before["version"]
    version_b = body["policy_version"]
    assert "2-HIGH" in sidecar.rewrite("SELECT o_orderkey FROM orders", "alice")[1]["sql"]
    # A bad policy is refused; B stays in force, and the failure is counted.
    sidecar.write_policy('{"roles": [{"name": "x", "permissions": [["no_such_permission", "y"]]}]}')
    status, body, _ = sidecar.request("POST", "/v1/reload", token=RELOAD_TOKEN)
    assert status == 422 and body["error"]["code"] == "policy_refused" and version_b in body["error"]["message"]
    status, body = sidecar.rewrite("SELECT o_orderkey FROM orders", "alice")
    assert status == 200 and body["policy_version"] == version_b
    _, info, _ = sidecar.request("GET", "/v1/policy")
    assert info["reload_failures"] >= 1 and info["last_error"]
    # SIGHUP reloads (on the service's reload thread).
    sidecar.write_policy(POLICY_A)
    sidecar.proc.send_signal(signal.SIGHUP)
    deadline = time.time() + 10
    while time.time() < deadline and sidecar.request("GET", "/readyz", token=None)[1]["policy_version"] == version_b:
        time.sleep(0.05)
    assert sidecar.request("GET", "/readyz", token=None)[1]["policy_version"] == before["version"]


def test_no_policy_is_503_until_one_loads(tmp_path):
    s = Sidecar(tmp_path, "{not a policy", "--watch-interval-ms", "100", name="empty", tokens=False)
    try:
        assert s.request("GET", "/livez", token=None)[0] == 200
        status, body, _ = s.request("GET", "/readyz", token=None)
        assert status == 503 and body["error"]["code"] == "no_policy"
        status, body = s.rewrite("SELECT 1", "alice")
        assert status == 503 and "sql" not in body
        s.write_policy(POLICY_A)  # the watcher picks it up
        deadline = time.time() + 10
        while time.time() < deadline and s.request("GET", "/readyz", token=None)[0] != 200:
            time.sleep(0.05)
        assert s.rewrite("SELECT n_name FROM nation", "alice")[0] == 200
    finally:
        assert s.stop() == 0


FIXTURE = os.environ.get("RLSQ_SUPERSET_FIXTURE_DB")


@needs_library
@pytest.mark.skipif(not FIXTURE or not os.path.exists(FIXTURE), reason="no Superset fixture database")
def test_policy_from_supersets_metadata_database(tmp_path):
    """--policy-db: the policy read from Superset's metadata (SQLite here; the sources' own tests cover PostgreSQL
    and MariaDB), answering as the library does, and following a change in the database."""
    import shutil
    import sqlite3
    db = tmp_path / "superset.db"
    shutil.copy(FIXTURE, db)
    settings = tmp_path / "settings.json"
    settings.write_text(json.dumps({"default_database": "staging"}))
    uri = f"sqlite:///{db}"
    s = Sidecar(tmp_path, ("db", uri, settings), "--watch-interval-ms", "50", name="metadata", tokens=False)
    try:
        engine = rlsq.Engine.from_policy_db(uri, settings={"default_database": "staging"})
        for sql, user, database in [("SELECT count(*) FROM orders", "alice", None),
                                    ("SELECT count(*) FROM orders", "alice", "tpch"),
                                    ("SELECT 1", "erin", None)]:
            more = {"database": database} if database else {}
            try:
                want = (200, engine.rewrite(sql, user=user, database=database))
            except rlsq.UnknownUser:
                want = (404, "28000")
            status, body = s.rewrite(sql, user, **more)
            assert http_answer(status, body) == want
        _, info, _ = s.request("GET", "/v1/policy", token=None)
        assert info["source"].startswith("superset metadata sqlite:///") and any("old_name" in w for w in info["warnings"])
        version = info["version"]
        with sqlite3.connect(db) as conn:
            conn.execute("UPDATE row_level_security_filters SET clause = 'o_custkey < 7' WHERE id = 5")
        deadline = time.time() + 10
        while time.time() < deadline and s.request("GET", "/readyz", token=None)[1]["policy_version"] == version:
            time.sleep(0.05)
        status, body = s.rewrite("SELECT count(*) FROM orders", "alice")
        assert status == 200 and "o_custkey < 7" in body["sql"] and body["policy_version"] != version
    finally:
        assert s.stop() == 0


# ---------------------------------------------------------------------------------------------------- load

def corpus_queries():
    qs = [p.read_text() for p in sorted((CORPUS / "tpch").glob("*.sql"))]
    return qs or ["SELECT n_name FROM nation", "SELECT o_orderkey FROM orders"]


def workload(rng, count):
    """Requests (sql, user): corpus queries (cache hits after their first time), the same with a fresh literal
    (misses), refusals and denials."""
    base = corpus_queries()
    users = ["alice", "carol", "admin", "dave", "nobody"]
    out = []
    for i in range(count):
        r = rng.random()
        if r < 0.6:
            sql = rng.choice(base)
        elif r < 0.9:
            sql = f"SELECT o_orderkey FROM orders o WHERE o.o_totalprice > {rng.randrange(10**9)}"
        elif r < 0.95:
            sql = "SELECT * FROM supplier, orders WHERE s_suppkey = o_custkey"
        else:
            sql = "SELEC broken"
        out.append((sql, rng.choice(users)))
    return out


def run_load(sidecar, connections, per_connection, check, seed):
    errors = []

    def worker(k):
        rng = random.Random(seed * 1000 + k)
        conn = sidecar.connection(timeout=30)
        try:
            for sql, user in workload(rng, per_connection):
                status, body = sidecar.rewrite(sql, user, conn=conn)
                problem = check(sql, user, status, body)
                if problem:
                    errors.append(problem)
        except Exception as e:  # noqa: BLE001 - every failure is an error of the load
            errors.append(f"connection {k}: {e!r}")
        finally:
            conn.close()

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


@needs_library
def test_load_64_keep_alive_connections_answers_equal_the_library(sidecar):
    engine = rlsq.Engine.from_json(json.dumps(POLICY_A))
    sidecar.write_policy(POLICY_A)
    sidecar.request("POST", "/v1/reload", token=RELOAD_TOKEN)
    version = sidecar.request("GET", "/readyz", token=None)[1]["policy_version"]
    expected = {}
    lock = threading.Lock()

    def check(sql, user, status, body):
        key = (sql, user)
        with lock:
            if key not in expected:
                expected[key] = library_answer(engine, sql, user)
        got = http_answer(status, body)
        if got != expected[key]:
            return f"{key}: {got} != {expected[key]}"
        if status == 200 and body["policy_version"] != version:
            return f"version {body['policy_version']}"
        return None

    fds_before = sidecar.fds()
    errors = run_load(sidecar, 64, 40, check, seed=1)
    assert errors == [], errors[:5]
    _, metrics, _ = sidecar.request("GET", "/metrics")
    hits = misses = 0
    for line in metrics.splitlines():
        if line.startswith("rlsqd_plan_cache_hits_total "):
            hits = float(line.split()[1])
        if line.startswith("rlsqd_plan_cache_misses_total "):
            misses = float(line.split()[1])
    assert hits > 0 and misses > 0  # the mix had both
    # Descriptors back to the baseline once the clients are gone.
    deadline = time.time() + 5
    while time.time() < deadline and sidecar.fds() > fds_before:
        time.sleep(0.05)
    assert sidecar.fds() <= fds_before


@needs_library
def test_reload_storm_under_load(sidecar):
    engines = {}
    for policy in (POLICY_A, POLICY_B):
        sidecar.write_policy(policy)
        status, body, _ = sidecar.request("POST", "/v1/reload", token=RELOAD_TOKEN)
        assert status == 200
        engines[body["policy_version"]] = rlsq.Engine.from_json(json.dumps(policy))
    assert len(engines) == 2
    stop = threading.Event()
    reloads = []

    def storm():
        flip = 0
        while len(reloads) < 100 and not stop.is_set():
            sidecar.write_policy(POLICY_A if flip % 2 == 0 else POLICY_B)
            flip += 1
            status, body, _ = sidecar.request("POST", "/v1/reload", token=RELOAD_TOKEN)
            reloads.append((status, body.get("reloaded")))
            time.sleep(0.005)

    def check(sql, user, status, body):
        if status == 200:
            engine = engines.get(body["policy_version"])
            if engine is None:
                return f"unknown version {body['policy_version']}"
            want = library_answer(engine, sql, user)
            return None if want == (200, body["sql"]) else f"{sql!r} {user}: {body['sql']!r} != {want}"
        # Refusals do not depend on the version here: either version's library answer.
        got = http_answer(status, body)
        if all(library_answer(e, sql, user) != got for e in engines.values()):
            return f"{sql!r} {user}: {got}"
        return None

    t = threading.Thread(target=storm)
    t.start()
    errors = run_load(sidecar, 64, 40, check, seed=2)
    while len(reloads) < 100 and t.is_alive():
        time.sleep(0.05)
    stop.set()
    t.join()
    assert errors == [], errors[:5]
    assert len(reloads) == 100 and all(status == 200 for status, _ in reloads)
    assert sum(1 for _, changed in reloads if changed) >= 90


def test_memory_returns_to_baseline(sidecar):
    # A warm-up load, then the same load twice more: a leak grows the process each time.
    run_load(sidecar, 16, 50, lambda *a: None, seed=3)
    first = sidecar.rss_kb()
    for seed in (4, 5):
        run_load(sidecar, 16, 50, lambda *a: None, seed=seed)
    if not SANITIZED:
        assert sidecar.rss_kb() - first < 8 * 1024, (first, sidecar.rss_kb())


# ---------------------------------------------------------------------------------------------------- hostile

def raw(sidecar, payload, read_timeout=5, shutdown=False):
    s = socket.create_connection(("127.0.0.1", sidecar.port), timeout=read_timeout)
    s.sendall(payload)
    if shutdown:
        s.shutdown(socket.SHUT_WR)
    data = b""
    try:
        while chunk := s.recv(65536):
            data += chunk
    except (socket.timeout, ConnectionResetError):
        pass
    s.close()
    return data


def test_garbage_and_truncated_requests(sidecar):
    assert raw(sidecar, b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03garbage\r\n\r\n").startswith(b"HTTP/1.1 400")
    assert raw(sidecar, b"GET / HTTP/9.9\r\n\r\n").startswith(b"HTTP/1.1 400")
    # Truncated: half a header, then the client goes away; and a body shorter than its Content-Length.
    assert raw(sidecar, b"POST /v1/rewrite HTTP/1.1\r\nHost: x\r\nContent-Le", shutdown=True) == b""
    body = b'{"sql": "SELECT 1", "user": "alice"}'
    partial = (b"POST /v1/rewrite HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + API_TOKEN.encode() +
               b"\r\nContent-Length: 500\r\n\r\n" + body)
    assert raw(sidecar, partial, shutdown=True) == b""
    # A path that is not UTF-8 is echoed percent-encoded: the answer stays valid JSON (fuzz_http found it).
    answer = raw(sidecar, b"GET /\x83v1/\xff HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 404")
    error = json.loads(answer.split(b"\r\n\r\n", 1)[1].decode("utf-8"))["error"]
    assert error["message"] == "no endpoint /%83v1/%FF"
    assert sidecar.request("GET", "/livez", token=None)[0] == 200


def test_huge_header_and_bodies(sidecar):
    assert raw(sidecar, b"GET /livez HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 10000 + b"\r\n\r\n").startswith(
        b"HTTP/1.1 431")
    big = json.dumps({"sql": "SELECT 1 -- " + "x" * 70000, "user": "alice"}).encode()
    head = f"POST /v1/rewrite HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {API_TOKEN}\r\n".encode()
    assert raw(sidecar, head + f"Content-Length: {len(big)}\r\n\r\n".encode() + big).startswith(b"HTTP/1.1 413")
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(big[i:i + 4000]), big[i:i + 4000]) for i in range(0, len(big), 4000))
    assert raw(sidecar, head + b"Transfer-Encoding: chunked\r\n\r\n" + chunks + b"0\r\n\r\n").startswith(
        b"HTTP/1.1 413")
    # A chunked body under the limit is read and answered.
    small = json.dumps({"sql": "SELECT n_name FROM nation", "user": "alice"}).encode()
    answer = raw(sidecar, head + b"Connection: close\r\nTransfer-Encoding: chunked\r\n\r\n" +
                 b"%x\r\n%s\r\n0\r\n\r\n" % (len(small), small))
    assert answer.startswith(b"HTTP/1.1 200") and b"n_regionkey IN (3, 4)" in answer


def test_slowloris_and_idle_connections(sidecar):
    # Many idle connections and one slow sender: the server drops them at their timeout and serves others meanwhile.
    idle = [socket.create_connection(("127.0.0.1", sidecar.port)) for _ in range(150)]
    slow = socket.create_connection(("127.0.0.1", sidecar.port), timeout=10)
    slow.sendall(b"POST /v1/rewrite HTTP/1.1\r\n")
    start = time.time()
    closed_at = None
    for i in range(40):
        assert sidecar.request("GET", "/livez", token=None)[0] == 200
        try:
            slow.sendall(b"X-Slow-%d: y\r\n" % i)
        except (BrokenPipeError, ConnectionResetError):
            closed_at = time.time()
            break
        time.sleep(0.1)
    if closed_at is None:
        try:
            closed_at = time.time() if slow.recv(1) == b"" else None
        except (ConnectionResetError, socket.timeout):
            closed_at = time.time()
    assert closed_at is not None and closed_at - start < 4, "the slow sender was not cut off at the idle timeout"
    time.sleep(0.5)
    for s in idle:  # each was closed by the server
        s.settimeout(2)
        try:
            assert s.recv(1) == b""
        except ConnectionResetError:
            pass
        s.close()
    slow.close()
    assert sidecar.rewrite("SELECT n_name FROM nation", "alice")[0] == 200


def test_connection_limit(tmp_path):
    s = Sidecar(tmp_path, POLICY_A, "--max-connections", "4", name="limited", tokens=False)
    try:
        held = [socket.create_connection(("127.0.0.1", s.port)) for _ in range(4)]
        time.sleep(0.2)
        over = raw(s, b"GET /livez HTTP/1.1\r\nHost: x\r\n\r\n")
        assert over.startswith(b"HTTP/1.1 503") and b"too_many_connections" in over
        for h in held:
            h.close()
        time.sleep(0.2)
        assert s.request("GET", "/livez", token=None)[0] == 200
    finally:
        assert s.stop() == 0


def test_graceful_shutdown_finishes_requests_in_flight(tmp_path):
    s = Sidecar(tmp_path, POLICY_A, name="draining", tokens=False)
    idle = socket.create_connection(("127.0.0.1", s.port), timeout=5)
    busy = socket.create_connection(("127.0.0.1", s.port), timeout=5)
    body = json.dumps({"sql": "SELECT n_name FROM nation", "user": "alice"}).encode()
    busy.sendall(b"POST /v1/rewrite HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n" % len(body))
    time.sleep(0.2)
    s.proc.send_signal(signal.SIGTERM)
    time.sleep(0.3)
    assert idle.recv(1) == b""  # idle connections are closed at once
    busy.sendall(body)  # the request in flight is finished
    answer = b""
    while chunk := busy.recv(65536):
        answer += chunk
    assert answer.startswith(b"HTTP/1.1 200") and b"Connection: close" in answer and b"n_regionkey" in answer
    assert s.proc.wait(timeout=10) == 0
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", s.port), timeout=1)
    s.log.close()


MARIADB_POLICY = {
    "dialect": "mariadb",
    "default_schema": "shop",
    "default_database": "shop",
    "roles": [{"name": "Ads", "permissions": [["schema_access", "[shop].[shop]"]]}],
    "users": [{"username": "ann", "roles": ["Ads"]}],
    "rls_filters": [{"name": "adv", "filter_type": "Regular", "tables": ["campaigns"], "roles": ["Ads"],
                     "clause": 'advertiser = "foo"'}],
}


def test_dialect_and_dialect_options(tmp_path):
    """--dialect and --dialect-option: the policy is read in them; /v1/policy reports the dialect; a request in
    another dialect is refused; bad flags stop rlsqd at start."""
    s = Sidecar(tmp_path, MARIADB_POLICY, "--dialect", "mariadb", "--dialect-option", "sql_mode=ANSI_QUOTES",
                name="maria", tokens=False)
    try:
        status, body = s.rewrite('SELECT * FROM "campaigns" LIMIT 1, 2', "ann")
        assert status == 200, body
        assert body["sql"] == 'SELECT * FROM "campaigns" WHERE (campaigns.advertiser = campaigns.foo) LIMIT 1, 2'
        assert s.request("GET", "/v1/policy", token=None)[1]["dialect"] == "mariadb"
        status, body = s.rewrite("SELECT * FROM campaigns", "ann", dialect="postgres")
        assert status == 400 or status == 422, body
        assert "is not the policy's" in json.dumps(body)
    finally:
        assert s.stop() == 0
    for flags, needle in ((["--dialect-option", "sql_mode=ANSI_QUOTES"], "--dialect-option goes with --dialect"),
                          (["--dialect", "mariadb", "--dialect-option", "colour=blue"], "colour"),
                          (["--dialect", "oracle"], "unknown dialect")):
        policy = tmp_path / "p.json"
        policy.write_text(json.dumps(MARIADB_POLICY))
        r = subprocess.run([RLSQD, "--policy", str(policy), "--listen", "127.0.0.1:0", *flags],
                           capture_output=True, text=True, timeout=20)
        assert r.returncode == 1 and needle in r.stderr, r.stderr
