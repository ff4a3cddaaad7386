"""TLS on the client side (--tls-cert/--tls-key): an SSLRequest is answered 'S' and the handshake runs (OpenSSL,
TLS 1.2 or newer); libpq and psycopg2 connect with sslmode=require and the session works as in plain text; plain
text still works for clients that do not ask; bytes sent behind the SSLRequest before the answer are refused (a man
in the middle could have put them there); a second SSLRequest inside TLS is refused."""
from __future__ import annotations

import socket
import ssl
import struct
import subprocess

import pytest

import conftest as C


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    d = tmp_path_factory.mktemp("tls")
    cert, key = d / "cert.pem", d / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
                    "-days", "2", "-subj", "/CN=127.0.0.1"], check=True, capture_output=True, timeout=60)
    return cert, key


@pytest.fixture
def tls_proxy(make_proxy, certificate):
    cert, key = certificate
    return make_proxy(extra=["--tls-cert", str(cert), "--tls-key", str(key)])


def test_psycopg2_over_tls_sees_its_rows(tls_proxy, expected):
    with tls_proxy.connect("alice", tcp=True, sslmode="require") as conn:
        assert conn.info.ssl_in_use
        cur = conn.cursor()
        cur.execute("SELECT n_name FROM nation ORDER BY 1")
        got = [r[0] for r in cur.fetchall()]
    want = [r[0] for r in expected.rows("alice", "SELECT n_name FROM nation ORDER BY 1")]
    assert got == want


def test_psql_over_tls_and_in_plain_text(tls_proxy):
    for mode, want in (("require", "t"), ("disable", "f")):
        out = C.run(["psql", "-X", "-A", "-t", "-c", "SELECT 1",
                     tls_proxy.dsn("carol", tcp=True, sslmode=mode)], env=C.client_env())
        assert out.returncode == 0, out.stderr
        assert out.stdout.strip() == "1"
    bad = C.run(["psql", "-X", "-c", "SELECT 1", tls_proxy.dsn("carol", password="wrong", tcp=True, sslmode="require")],
                env=C.client_env())
    assert bad.returncode != 0 and "password authentication failed" in bad.stderr


def ssl_request() -> bytes:
    return struct.pack("!ii", 8, 80877103)


def test_plain_bytes_behind_the_ssl_request_are_refused(tls_proxy):
    s = socket.create_connection(("127.0.0.1", tls_proxy.port), timeout=10)
    try:
        startup = b"user\0alice\0database\0tpch\0\0"
        s.sendall(ssl_request() + struct.pack("!ii", len(startup) + 8, 196608) + startup)
        data = b""
        while True:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
        assert data[:1] == b"E", data[:40]
        assert b"08P01" in data and b"unencrypted data after SSL request" in data
    finally:
        s.close()


def test_a_second_ssl_request_inside_tls_is_refused(tls_proxy):
    raw = socket.create_connection(("127.0.0.1", tls_proxy.port), timeout=10)
    try:
        raw.sendall(ssl_request())
        assert raw.recv(1) == b"S"
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        tls = ctx.wrap_socket(raw, server_hostname="127.0.0.1")
        assert tls.version() in ("TLSv1.2", "TLSv1.3")
        tls.sendall(ssl_request())
        data = tls.recv(4096)
        assert data[:1] == b"E" and b"08P01" in data
    finally:
        raw.close()
    # The proxy goes on serving.
    with tls_proxy.connect("alice", tcp=True, sslmode="require") as conn:
        conn.cursor().execute("SELECT 1")
