"""Client authentication and startup: SCRAM-SHA-256 against the users file (TCP always, the unix socket unless
--trust-local), identities that are not policy users, the database, refused startup parameters and options, the
SSL/GSSENC requests, and the upstream's own authentication (SCRAM, MD5, trust)."""
from __future__ import annotations

import struct

import pytest

import conftest as C
import pgwire as W

pytestmark = C.needs_proxy


def fatal(proxy, code, tcp=True, user="alice", password="", **params) -> dict:
    """Connect expecting a FATAL error with `code` (a string or a set); the connection is then closed."""
    c = proxy.raw_socket(tcp)
    try:
        with pytest.raises(W.ServerError) as e:
            c.startup(user=user, database=params.pop("database", C.DBNAME),
                      password=C.PASSWORDS.get(user) if password == "" else password, **params)
        fields = e.value.fields
        assert fields.get("C") in ({code} if isinstance(code, str) else code), fields
        assert fields.get("V", fields.get("S")) == "FATAL", fields
        assert c.is_closed(3), "the proxy kept the connection open after FATAL"
        return fields
    finally:
        c.close()


def ok(proxy, tcp=True, user="alice", **params) -> W.Conn:
    c = proxy.wire(user, tcp=tcp, **params)
    assert c.status == "I"
    return c


def test_scram_over_tcp(proxy):
    c = ok(proxy, tcp=True)
    try:
        assert c.auth_methods == [10, 11, 12, 0], c.auth_methods  # SASL, continue, final, Ok
        assert c.backend_key is not None
        for p in ("server_version", "client_encoding", "DateStyle", "standard_conforming_strings"):
            assert p in c.params, (p, c.params)
        assert c.params["client_encoding"] == "UTF8"
        assert c.query("SELECT count(*) FROM nation")[0].rows == [["10"]]
    finally:
        c.terminate()


def test_scram_wrong_password(proxy):
    fatal(proxy, "28P01", tcp=True, password="not-alices-password")
    fatal(proxy, "28P01", tcp=True, user="carol", password=C.PASSWORDS["alice"])


def test_scram_malformed_client_messages(proxy):
    for garbage in (b"n,,n=,r=", b"x" * 50, b"", b"p,,n=,r=abc"):
        c = proxy.raw_socket(tcp=True)
        try:
            c.send_raw(W.startup_packet({"user": "alice", "database": C.DBNAME}))
            m = c.read_msg()
            assert m.type == "R" and struct.unpack("!I", m.body[:4])[0] == 10
            c.send(b"p", W.cstr("SCRAM-SHA-256") + struct.pack("!I", len(garbage)) + garbage)
            msgs = c.read_all_until_close(5)
            assert msgs and msgs[-1].type == "E", msgs
            assert msgs[-1].error["C"] in (C.PROTOCOL_VIOLATION, "28P01", "28000"), msgs[-1].error
            assert not any(m.type == "R" and m.body[:4] == b"\0\0\0\0" for m in msgs), "authenticated by garbage"
        finally:
            c.close()
    # a wrong proof in the final message
    c = proxy.raw_socket(tcp=True)
    try:
        c.send_raw(W.startup_packet({"user": "alice", "database": C.DBNAME}))
        c.read_msg()
        s = W.ScramClient("wrong")
        first = s.client_first().encode()
        c.send(b"p", W.cstr("SCRAM-SHA-256") + struct.pack("!I", len(first)) + first)
        m = c.read_msg()
        assert m.type == "R" and struct.unpack("!I", m.body[:4])[0] == 11
        final = s.client_final(m.body[4:].decode())
        c.send(b"p", final[:final.index(",p=")].encode() + b",p=" + b"A" * 44)
        msgs = c.read_all_until_close(5)
        assert msgs and msgs[-1].type == "E" and msgs[-1].error["C"] in ("28P01", C.PROTOCOL_VIOLATION), msgs
    finally:
        c.close()


def test_psql_and_psycopg2_passwords(proxy):
    good = C.run(["psql", "-X", "-A", "-t", "-h", "127.0.0.1", "-p", str(proxy.port), "-U", "alice", "-d", C.DBNAME,
                  "-c", "SELECT count(*) FROM nation"], env=C.client_env(PGPASSWORD="alice-pw"), timeout=20)
    assert good.returncode == 0 and good.stdout.strip() == "10", good.stderr
    bad = C.run(["psql", "-X", "-A", "-t", "-h", "127.0.0.1", "-p", str(proxy.port), "-U", "alice", "-d", C.DBNAME,
                 "-c", "SELECT 1"], env=C.client_env(PGPASSWORD="wrong"), timeout=20)
    assert bad.returncode == 2 and "FATAL" in bad.stderr and bad.stdout == "", bad.stderr
    none = C.run(["psql", "-X", "-w", "-h", "127.0.0.1", "-p", str(proxy.port), "-U", "alice", "-d", C.DBNAME,
                  "-c", "SELECT 1"], timeout=20)
    assert none.returncode == 2 and "password" in none.stderr, none.stderr
    conn = proxy.connect("carol", tcp=True)
    with conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM nation")
        assert cur.fetchone()[0] == 15
    conn.close()
    with pytest.raises(C.psycopg2.OperationalError):
        proxy.connect("carol", password="bad", tcp=True)


def test_trust_local_socket(proxy):
    c = ok(proxy, tcp=False, password=None)
    try:
        assert c.auth_methods == [0]
        assert c.query("SELECT count(*) FROM nation")[0].rows == [["10"]]
    finally:
        c.terminate()
    r = C.run(["psql", "-X", "-A", "-t", "-w", "-h", proxy.socket_dir, "-p", str(proxy.port), "-U", "carol", "-d",
               C.DBNAME, "-c", "SELECT count(*) FROM nation"], timeout=20)
    assert r.returncode == 0 and r.stdout.strip() == "15", r.stderr


def test_tcp_needs_scram_even_with_trust_local(proxy):
    c = proxy.raw_socket(tcp=True)
    try:
        c.send_raw(W.startup_packet({"user": "alice", "database": C.DBNAME}))
        m = c.read_msg()
        assert m.type == "R" and struct.unpack("!I", m.body[:4])[0] == 10, m
        c.send(b"X")
    finally:
        c.close()


def test_socket_needs_scram_without_trust_local(make_proxy):
    p = make_proxy(trust_local=False)
    c = p.raw_socket(tcp=False)
    try:
        c.send_raw(W.startup_packet({"user": "alice", "database": C.DBNAME}))
        m = c.read_msg()
        assert m.type == "R" and struct.unpack("!I", m.body[:4])[0] == 10, m
    finally:
        c.close()
    c = p.wire("alice", tcp=False)
    assert c.auth_methods[0] == 10 and c.query("SELECT count(*) FROM nation")[0].rows == [["10"]]
    c.terminate()
    fatal(p, "28P01", tcp=False, password="wrong")


@pytest.mark.parametrize("tcp", [True, False], ids=["tcp", "socket"])
def test_identities_that_are_not_policy_users(proxy, tcp):
    # unknown to the users file (a proxy may answer 28P01 after a mock exchange, so as not to reveal names)
    fatal(proxy, {"28P01", "28000"}, tcp=tcp, user="nobody", password="whatever")
    fatal(proxy, {"28P01", "28000"}, tcp=tcp, user='alice" OR "1"="1', password="alice-pw")
    fatal(proxy, {"28P01", "28000"}, tcp=tcp, user="alice'; DROP TABLE canary; --", password="alice-pw")
    # in the users file with the right password, but not a user of the policy
    fatal(proxy, "28000", tcp=tcp, user="mallory")
    # the service role's name is no identity either
    fatal(proxy, {"28P01", "28000"}, tcp=tcp, user="rlsq_service", password="svcpw")
    fatal(proxy, {"28P01", "28000"}, tcp=tcp, user="postgres", password="x")


@pytest.mark.parametrize("tcp", [True, False], ids=["tcp", "socket"])
def test_database_must_be_the_upstreams(proxy, tcp):
    fatal(proxy, "3D000", tcp=tcp, database="postgres")
    fatal(proxy, "3D000", tcp=tcp, database="TPCH")
    fatal(proxy, "3D000", tcp=tcp, database=None)  # defaults to the user name, alice


@pytest.mark.parametrize("params", [
    {"replication": "database"}, {"replication": "true"}, {"replication": "on"},
    {"options": "-c row_security=off"}, {"options": "-c search_path=sales -c row_security=off"},
    {"options": "-c enable_seqscan=off"}, {"options": "-c session_replication_role=replica"},
    {"options": "--row_security=off"}, {"options": "-c role=alice"},
    {"row_security": "off"}, {"log_statement": "all"}, {"session_authorization": "admin"}, {"role": "alice"},
    {"client_encoding": "LATIN1"}, {"client_encoding": "SJIS"}, {"is_superuser": "on"},
    {"temp_buffers": "100MB"},
], ids=lambda p: ",".join(f"{k}={v}" for k, v in p.items()))
def test_refused_startup_parameters(proxy, params):
    fields = fatal(proxy, {C.PROTOCOL_VIOLATION, C.DENIED, C.UNSUPPORTED, "42704", "22023", "28000"}, tcp=True,
                   **params)
    assert fields.get("M")


def test_accepted_startup_parameters(proxy):
    c = ok(proxy, tcp=True, application_name="it's \"quoted\"; INSERT INTO canary VALUES (1); --",
           client_encoding="UTF8", DateStyle="ISO, MDY", TimeZone="UTC", extra_float_digits="3",
           IntervalStyle="postgres", statement_timeout="5000")
    try:
        assert c.params.get("application_name") == "it's \"quoted\"; INSERT INTO canary VALUES (1); --"
        assert c.query("SHOW statement_timeout")[0].rows == [["5s"]]
        assert c.query("SHOW TimeZone")[0].rows == [["UTC"]]
    finally:
        c.terminate()
    assert proxy.db.canary_rows() == 0


def test_options_search_path_is_followed(proxy):
    for params in ({"options": "-c search_path=sales"}, {"options": "-c search_path=sales -c statement_timeout=4000"},
                   {"search_path": "sales"}):
        c = ok(proxy, tcp=True, **params)
        try:
            assert c.query("SHOW search_path")[0].rows == [["sales"]]
            rows = c.query("SELECT r_regionkey FROM region")[0].rows
            assert sorted(r[0] for r in rows) == ["10", "12", "3"], params
        finally:
            c.terminate()
    c = ok(proxy, tcp=True, options="-c search_path=hidden")
    try:
        err = c.query("SELECT r_regionkey FROM region")[0].error
        assert err and err["C"] == C.DENIED, err
    finally:
        c.terminate()


def test_ssl_and_gssenc_requests_answered_no(proxy):
    for tcp in (True, False):
        c = proxy.raw_socket(tcp)
        try:
            assert c.ssl_request() == b"N"
            c.startup("alice", C.DBNAME, password=C.PASSWORDS["alice"])
            assert c.query("SELECT 1")[0].rows == [["1"]]
        finally:
            c.terminate()
        c = proxy.raw_socket(tcp)
        try:
            assert c.gssenc_request() == b"N"
            assert c.ssl_request() == b"N"
            c.startup("alice", C.DBNAME, password=C.PASSWORDS["alice"])
            assert c.query("SELECT 1")[0].rows == [["1"]]
        finally:
            c.terminate()
    r = C.run(["psql", "-X", "-A", "-t", "-h", "127.0.0.1", "-p", str(proxy.port), "-U", "alice", "-d", C.DBNAME,
               "-c", "SELECT 1"], env=C.client_env(PGPASSWORD="alice-pw", PGSSLMODE="prefer"), timeout=20)
    assert r.returncode == 0 and r.stdout.strip() == "1", r.stderr
    r = C.run(["psql", "-X", "-A", "-t", "-h", "127.0.0.1", "-p", str(proxy.port), "-U", "alice", "-d", C.DBNAME,
               "-c", "SELECT 1"], env=C.client_env(PGPASSWORD="alice-pw", PGSSLMODE="require"), timeout=20)
    assert r.returncode == 2, "sslmode=require cannot succeed: the proxy has no TLS yet"


@pytest.mark.parametrize("service", ["scram", "md5", "trust"])
def test_upstream_authentication_methods(make_proxy, service):
    p = make_proxy(service=service)
    c = p.wire("alice", tcp=True)
    try:
        assert c.query("SELECT count(*) FROM nation")[0].rows == [["10"]]
        assert c.query("SELECT count(*) FROM orders WHERE o_orderpriority = '1-URGENT'")[0].rows == [["0"]]
    finally:
        c.terminate()


def test_upstream_wrong_password(make_proxy, db):
    """A bad service password: the proxy exits at start with an error, or it answers clients with an error; it
    never hangs and never crashes."""
    p = make_proxy(upstream=db.conninfo("scram").replace("password=svcpw", "password=wrong"), wait=False)
    try:
        p.wait_ready(10)
    except RuntimeError:
        assert not p.alive() and p.proc.returncode not in (0, None), "neither ready nor exited with an error"
        assert p.proc.returncode > 0, f"killed by signal {-p.proc.returncode}"
        return
    c = p.raw_socket(tcp=True)
    try:
        with pytest.raises((W.ServerError, W.Closed)):
            c.startup("alice", C.DBNAME, password=C.PASSWORDS["alice"])
            c.query("SELECT 1")
    finally:
        c.close()
    assert p.alive()
