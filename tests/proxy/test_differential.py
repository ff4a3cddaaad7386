"""Differential tests over the wire: for every policy user and every query (the 22 TPC-H queries, chart queries of
the corpus, generated hard cases), the multiset of rows that comes back through rlsq-proxy equals what native RLS
gives that role on the server (conftest.Expected: the role's own connection, values as the server's text); a query
native RLS refuses (42501: the role lacks the grant) must be refused by the proxy with 42501.

Clients: psql scripts (unix socket with --trust-local, and TCP with SCRAM), psycopg2, SQLAlchemy 1.4 (its connect-
time queries, the inspector), pgjdbc in extended mode (prepareThreshold=1: named statements; setFetchSize in a
transaction: named portals; parameters) and with preferQueryMode=simple.

The harness checks at the end need no proxy: psql and JdbcClient against the server itself print exactly what
Expected computes, and (when the rlsq module is built) policy.json rewritten by the library equals native_rls.sql.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import pytest

import conftest as C
import queries as Q

QUERIES = Q.all_queries()
QUERY_IDS = [q for q, _ in QUERIES]
JDBC_JAR = "/usr/share/java/postgresql.jar"


def describe(status: str, value) -> str:
    if status == "error":
        return f"error {value}"
    return f"{len(value)} rows"


def compare_all(results: Dict[str, Tuple[str, object]], want: Dict[str, Tuple[str, object]], client: str,
                user: str) -> None:
    """results/want: id -> ("ok", sorted lines) | ("error", SQLSTATE). One assertion listing every mismatch."""
    bad = []
    for qid, exp in want.items():
        got = results.get(qid)
        if got is None:
            bad.append(f"{qid}: no answer (expected {describe(*exp)})")
        elif got != exp:
            detail = ""
            if got[0] == exp[0] == "ok":
                missing = sorted(set(exp[1]) - set(got[1]))[:3]
                extra = sorted(set(got[1]) - set(exp[1]))[:3]
                detail = f" missing e.g. {missing} extra e.g. {extra}"
            bad.append(f"{qid}: got {describe(*got)}, expected {describe(*exp)}{detail}")
    assert not bad, f"{client} as {user}: {len(bad)} of {len(want)} queries differ from native RLS:\n" + "\n".join(
        bad[:40])


# ------------------------------------------------------------------------------------------------ psql

def psql_script(items) -> str:
    parts = []
    for qid, sql in items:
        parts.append(f"\\echo @@@ {qid}\n{sql}\n;\n\\echo @@@ {qid} END :SQLSTATE\n")
    return "".join(parts)


def run_psql(host: str, port: int, user: str, items, password: Optional[str] = None, timeout: float = 90):
    """Run the queries as one psql -f script; id -> ("ok", sorted lines) | ("error", SQLSTATE)."""
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as f:
        f.write(psql_script(items))
        path = f.name
    try:
        proc = C.run(["psql", "-X", "-q", "-A", "-t", "-F", "|", "-v", "ON_ERROR_STOP=0", "-h", host, "-p",
                      str(port), "-U", user, "-d", C.DBNAME, "-f", path], timeout=timeout,
                     env=C.client_env(PGPASSWORD=password))
    finally:
        os.unlink(path)
    assert proc.returncode == 0, f"psql failed ({proc.returncode}): {proc.stderr[-2000:]}"
    out: Dict[str, Tuple[str, object]] = {}
    current, lines = None, []
    for line in proc.stdout.split("\n"):
        if line.startswith("@@@ "):
            parts = line.split(" ")
            if len(parts) == 2:
                current, lines = parts[1], []
            elif len(parts) == 4 and parts[2] == "END" and parts[1] == current:
                state = parts[3]
                out[current] = ("ok", sorted(lines)) if state == "00000" else ("error", state)
                current = None
            continue
        if current is not None:
            lines.append(line)
    return out, proc.stderr


def psql_expected(expected, user: str, items) -> Dict[str, Tuple[str, object]]:
    want = {}
    for qid, sql in items:
        status, value = expected.raw(user, sql)
        want[qid] = ("ok", C.psql_lines(value)) if status == "ok" else ("error", value)
    return want


@C.needs_proxy
@pytest.mark.slow
@pytest.mark.guard(120)
@pytest.mark.parametrize("user", C.POLICY_USERS)
def test_psql_unix_socket(proxy, expected, user):
    results, stderr = run_psql(proxy.socket_dir, proxy.port, user, QUERIES)
    compare_all(results, psql_expected(expected, user, QUERIES), "psql (unix socket, trust)", user)


@C.needs_proxy
@pytest.mark.guard(90)
def test_psql_tcp_scram(proxy, expected):
    items = [q for q in QUERIES if q[0].startswith("tpch_")] + Q.HARD[:8]
    results, _ = run_psql("127.0.0.1", proxy.port, "carol", items, password=C.PASSWORDS["carol"])
    compare_all(results, psql_expected(expected, "carol", items), "psql (TCP, SCRAM)", "carol")


# ------------------------------------------------------------------------------------------------ psycopg2

def run_psycopg2(conn, items) -> Dict[str, Tuple[str, object]]:
    out = {}
    for qid, sql in items:
        with conn.cursor() as cur:
            try:
                cur.execute(sql)
                out[qid] = ("ok", C.canonical(cur.fetchall()))
            except C.psycopg2.Error as e:
                out[qid] = ("error", e.pgcode)
    return out


@C.needs_proxy
@pytest.mark.slow
@pytest.mark.guard(120)
@pytest.mark.parametrize("user", C.POLICY_USERS)
def test_psycopg2_tcp(proxy, expected, user):
    conn = proxy.connect(user, tcp=True, text=True)
    try:
        results = run_psycopg2(conn, QUERIES)
    finally:
        conn.close()
    compare_all(results, {qid: expected(user, sql) for qid, sql in QUERIES}, "psycopg2 (TCP)", user)


@C.needs_proxy
def test_psycopg2_transactions_and_parameters(proxy, expected):
    """psycopg2's default (non-autocommit) mode: BEGIN ... COMMIT around client-side interpolated parameters."""
    conn = proxy.connect("alice", tcp=True, autocommit=False, text=True)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT n_name FROM nation WHERE n_regionkey = %s OR n_name = %s", (1, "O'HARE; DROP"))
            got = C.canonical(cur.fetchall())
            cur.execute("SELECT count(*) FROM orders WHERE o_orderdate >= %s", ("1996-01-01",))
            got2 = C.canonical(cur.fetchall())
        conn.commit()
        assert got == expected("alice", "SELECT n_name FROM nation WHERE n_regionkey = 1 OR n_name = 'O''HARE; DROP'")[1]
        assert got2 == expected("alice", "SELECT count(*) FROM orders WHERE o_orderdate >= '1996-01-01'")[1]
        with conn.cursor() as cur:
            cur.execute("SELECT 1")
        conn.rollback()
    finally:
        conn.close()


# ------------------------------------------------------------------------------------------------ SQLAlchemy

SQLALCHEMY_QUERIES = ["SELECT count(*) FROM nation", "SELECT c_mktsegment, count(*) FROM customer GROUP BY 1",
                      'SELECT "Region", sum("Amount") FROM "MixedCase" GROUP BY 1',
                      Q.corpus_sql(C.CORPUS / "tpch" / "q03.sql")]


def sqlalchemy_session(url: str) -> dict:
    """What SQLAlchemy sees through one engine: its connect-time queries ran (create_engine + connect), rows of a
    few queries, the inspector's schemas, tables and columns, and a reflected Table queried with a bound
    parameter."""
    sa = pytest.importorskip("sqlalchemy")
    engine = sa.create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 10})
    try:
        out = {}
        with engine.connect() as c:
            out["rows"] = [sorted(tuple(map(str, r)) for r in c.exec_driver_sql(q).fetchall())
                           for q in SQLALCHEMY_QUERIES]
            out["server_version"] = engine.dialect.server_version_info[:1]
            out["default_schema"] = engine.dialect.default_schema_name
        insp = sa.inspect(engine)
        out["schemas"] = sorted(insp.get_schema_names())
        out["tables"] = sorted(insp.get_table_names())
        out["sales_tables"] = sorted(insp.get_table_names(schema="sales"))
        out["columns"] = [(c["name"], str(c["type"])) for c in insp.get_columns("nation")]
        nation = sa.Table("nation", sa.MetaData(), autoload_with=engine)
        with engine.connect() as c:  # a second checkout: the pool's reset (ROLLBACK) and pre-ping ran
            out["reflected"] = sorted(r.n_name for r in c.execute(
                sa.select(nation.c.n_name).where(nation.c.n_regionkey.in_([1, 3]))))
        return out
    finally:
        engine.dispose()


@C.needs_proxy
@pytest.mark.guard(60)
@pytest.mark.parametrize("user", ["alice", "admin"])
def test_sqlalchemy(proxy, db, user):
    via_proxy = sqlalchemy_session(
        f"postgresql+psycopg2://{user}:{C.PASSWORDS[user]}@127.0.0.1:{proxy.port}/{C.DBNAME}")
    direct = sqlalchemy_session(f"postgresql+psycopg2://{user}@/{C.DBNAME}?host={db.host}&port={db.port}")
    assert via_proxy == direct
    assert "MixedCase" in via_proxy["tables"] and "orders" in via_proxy["tables"]


# ------------------------------------------------------------------------------------------------ pgjdbc

class Jdbc:
    def __init__(self, classdir: str):
        self.classdir = classdir

    def run(self, url: str, user: str, password: str, blocks, timeout: float = 120) -> Dict[str, Tuple[str, object]]:
        """blocks: (id, how, sql). id -> ("ok", sorted lines) | ("error", SQLSTATE) | ("mismatch", None)."""
        with tempfile.TemporaryDirectory() as tmp:
            qfile, ofile = Path(tmp) / "queries.txt", Path(tmp) / "out.txt"
            qfile.write_text("".join(f"@@@ {qid} {how}\n{sql}\n" for qid, how, sql in blocks))
            proc = C.run(["java", "-Duser.timezone=UTC", "-cp", f"{self.classdir}:{JDBC_JAR}", "JdbcClient", url,
                          user, password, str(qfile), str(ofile)], timeout=timeout)
            assert proc.returncode == 0, f"JdbcClient failed ({proc.returncode}): {proc.stderr[-3000:]}"
            return parse_jdbc_output(ofile.read_text())


def parse_jdbc_output(text: str) -> Dict[str, Tuple[str, object]]:
    out: Dict[str, Tuple[str, object]] = {}
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        parts = lines[i].split(" ")
        i += 1
        if parts[0] != "@@@":
            continue
        qid, kind = parts[1], parts[2]
        if kind == "OK":
            n = int(parts[3])
            out[qid] = ("ok", sorted(lines[i:i + n]))
            i += n
        elif kind == "ERR":
            out[qid] = ("error", parts[3])
        else:
            out[qid] = ("mismatch", None)
    return out


@pytest.fixture(scope="session")
def jdbc():
    for tool in ("javac", "java"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed (Debian: default-jdk-headless)")
    if not os.path.exists(JDBC_JAR):
        pytest.skip(f"{JDBC_JAR} is missing (Debian: libpostgresql-jdbc-java)")
    d = tempfile.mkdtemp(prefix="rlsq-jdbc-")
    proc = subprocess.run(["javac", "-cp", JDBC_JAR, "-d", d, str(C.HERE / "JdbcClient.java")],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=120)
    assert proc.returncode == 0, "javac JdbcClient.java failed:\n" + proc.stdout
    yield Jdbc(d)
    shutil.rmtree(d, ignore_errors=True)


def jdbc_url(port: int, mode: str) -> str:
    base = f"jdbc:postgresql://127.0.0.1:{port}/{C.DBNAME}?binaryTransfer=false&connectTimeout=10" \
           f"&socketTimeout=60&loginTimeout=15"
    if mode == "simple":
        return base + "&preferQueryMode=simple"
    return base + "&preferQueryMode=extended&prepareThreshold=1"


# (id, how, jdbc sql, the same query with the parameters written as literals, for the expected side)
JDBC_EXTRA = [
    ("params_nation", "params=int:3", "SELECT n_name, n_regionkey FROM nation WHERE n_regionkey = ? OR n_regionkey = 1",
     "SELECT n_name, n_regionkey FROM nation WHERE n_regionkey = 3 OR n_regionkey = 1"),
    ("params_orders", "params=date:1995-01-01;text:5-LOW",
     "SELECT o_orderpriority, count(*) FROM orders WHERE o_orderdate >= ? AND o_orderpriority <> ? GROUP BY 1",
     "SELECT o_orderpriority, count(*) FROM orders WHERE o_orderdate >= '1995-01-01' AND o_orderpriority <> "
     "'5-LOW' GROUP BY 1"),
    ("params_mixed_case", "params=numeric:100.5;text:US",
     'SELECT "Id", "Amount" FROM "MixedCase" WHERE "Amount" > ? AND "Region" <> ?',
     'SELECT "Id", "Amount" FROM "MixedCase" WHERE "Amount" > 100.5 AND "Region" <> \'US\''),
    ("fetch_lineitem", "fetch=50",
     "SELECT l_orderkey, l_linenumber, l_quantity FROM lineitem WHERE l_orderkey < 1200", None),
    ("fetch_orders_join", "fetch=37",
     "SELECT o.o_orderkey, c.c_mktsegment FROM orders o JOIN customer c ON c.c_custkey = o.o_custkey "
     "WHERE o.o_orderkey < 2500", None),
    ("statement_nation", "statement", "SELECT n_nationkey, n_name FROM nation", None),
    ("statement_full_join", "statement",
     "SELECT r.r_name, n.n_name FROM region r FULL JOIN nation n ON n.n_regionkey = r.r_regionkey", None),
]


def jdbc_blocks(items) -> List[Tuple[str, str, str]]:
    return [(qid, "prepared", sql) for qid, sql in items] + [(i, how, sql) for i, how, sql, _ in JDBC_EXTRA]


def jdbc_expected(expected, user: str, items) -> Dict[str, Tuple[str, object]]:
    want = {qid: expected(user, sql) for qid, sql in items}
    for i, _, sql, literal in JDBC_EXTRA:
        want[i] = expected(user, literal or sql)
    return want


def jdbc_check(jdbc, expected, port: int, mode: str, user: str, password: str, items):
    results = jdbc.run(jdbc_url(port, mode), user, password, jdbc_blocks(items))
    assert results.get("_connect", ("",))[0] == "ok", results.get("_connect")
    compare_all(results, jdbc_expected(expected, user, items), f"pgjdbc ({mode})", user)
    return results


@C.needs_proxy
@pytest.mark.slow
@pytest.mark.guard(150)
@pytest.mark.parametrize("user", ["alice", "dave"])
def test_jdbc_extended_named_statements(proxy, expected, jdbc, user):
    jdbc_check(jdbc, expected, proxy.port, "extended", user, C.PASSWORDS[user], QUERIES)


@C.needs_proxy
@pytest.mark.slow
@pytest.mark.guard(150)
def test_jdbc_simple_mode(proxy, expected, jdbc):
    jdbc_check(jdbc, expected, proxy.port, "simple", "carol", C.PASSWORDS["carol"], QUERIES)


@C.needs_proxy
@pytest.mark.guard(90)
def test_jdbc_metadata(proxy, db, jdbc):
    """DatabaseMetaData through the proxy equals DatabaseMetaData on the server itself (through a byte relay)."""
    blocks = [("meta", "meta", "")]
    via_proxy = jdbc.run(jdbc_url(proxy.port, "extended"), "alice", C.PASSWORDS["alice"], blocks)
    relay = C.TcpRelay(db.socket_path)
    try:
        direct = jdbc.run(jdbc_url(relay.port, "extended"), "alice", "", blocks)
    finally:
        relay.close()
    assert via_proxy["meta"][0] == "ok" and via_proxy["meta"] == direct["meta"]
    assert "table|MixedCase" in via_proxy["meta"][1]


# ------------------------------------------------------------------------------------------------ harness checks
# No proxy needed: they show that a mismatch above is the proxy's, not the harness's.

def test_harness_psql_prints_what_expected_computes(db, expected):
    """psql on the server itself, as the role (native RLS), prints exactly Expected's rows for every query."""
    results, _ = run_psql(db.host, db.port, "alice", QUERIES)
    compare_all(results, psql_expected(expected, "alice", QUERIES), "psql direct", "alice")
    results, _ = run_psql(db.host, db.port, "dave", QUERIES[:30])
    compare_all(results, psql_expected(expected, "dave", QUERIES[:30]), "psql direct", "dave")


@pytest.mark.guard(120)
def test_harness_jdbc_client_on_the_server(db, expected, jdbc):
    """JdbcClient against the server itself (a byte relay to its socket) prints Expected's rows, in both modes."""
    relay = C.TcpRelay(db.socket_path)
    try:
        items = QUERIES[::3]
        jdbc_check(jdbc, expected, relay.port, "extended", "alice", "", items)
        sent = bytes(relay.client_bytes)
        # what the proxy tests claim pgjdbc does in extended mode: named statements, Bind to them, named portals
        assert b"P" in sent and b"S_1\0" in sent, "pgjdbc used no named statement (prepareThreshold=1)"
        assert b"C_" in sent, "pgjdbc used no named portal (setFetchSize in a transaction)"
        relay.client_bytes.clear()
        jdbc_check(jdbc, expected, relay.port, "simple", "dave", "", items)
        sent = bytes(relay.client_bytes)
        assert b"Q\0" in sent and b"S_1\0" not in sent, "preferQueryMode=simple sent extended messages"
    finally:
        relay.close()


def test_harness_psycopg2_on_the_server(db, expected):
    conn = db.connect(user="carol", text=True)
    try:
        results = run_psycopg2(conn, QUERIES[::4])
    finally:
        conn.close()
    compare_all(results, {qid: expected("carol", sql) for qid, sql in QUERIES[::4]}, "psycopg2 direct", "carol")


def test_harness_expected_is_filtered(expected):
    """Native RLS really filters (the differential would be vacuous otherwise)."""
    count = lambda user, sql: int(expected.rows(user, sql)[0][0])  # noqa: E731
    assert count("alice", "SELECT count(*) FROM nation") == 10
    assert count("carol", "SELECT count(*) FROM nation") == 15
    assert count("admin", "SELECT count(*) FROM nation") == 25
    assert count("alice", "SELECT count(*) FROM orders") < count("admin", "SELECT count(*) FROM orders")
    assert count("dave", "SELECT count(*) FROM lineitem") < count("admin", "SELECT count(*) FROM lineitem")
    assert count("alice", 'SELECT count(*) FROM "MixedCase"') == 200
    assert expected("dave", "SELECT count(*) FROM nation") == ("error", C.DENIED)
    assert expected("alice", "SELECT count(*) FROM hidden.region") == ("error", C.DENIED)
    assert count("alice", "SELECT count(*) FROM sales.region") == 3


def test_harness_policy_equals_native_rls(db, expected):
    """policy.json rewritten by the rlsq library and run as the service role gives native_rls.sql's rows."""
    rlsq = pytest.importorskip("rlsq", reason="the rlsq Python module is not built (PYTHONPATH=build/python)")
    engine = rlsq.Engine.from_file(str(C.POLICY_FILE))
    svc = C.psycopg2.connect(db.conninfo("scram"))
    svc.autocommit = True
    C.text_mode(svc, db.type_oids)
    bad = []
    try:
        for user in C.POLICY_USERS:
            for qid, sql in QUERIES[:22:3] + Q.HARD:
                try:
                    rewritten = engine.rewrite(sql, user=user)
                except rlsq.AccessDenied:
                    got = ("error", C.DENIED)
                else:
                    with svc.cursor() as cur:
                        cur.execute(rewritten)
                        got = ("ok", C.canonical(cur.fetchall()))
                if got != expected(user, sql):
                    bad.append(f"{user} {qid}")
    finally:
        svc.close()
    assert not bad, f"policy.json and native_rls.sql disagree: {bad}"
