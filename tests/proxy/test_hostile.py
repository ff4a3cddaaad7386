"""Hostile clients on raw sockets: truncated, oversized, undersized and out-of-order messages, lying lengths,
protocol versions it does not speak, garbage after the SSL answer, random bytes. Each gets an ErrorResponse
(FATAL 08P01 where the proxy can tell) and a closed connection, nothing smuggled in runs (the canary stays empty),
the proxy does not crash, and afterwards it serves a normal client (checked after every test)."""
from __future__ import annotations

import os
import random
import socket
import struct
import time

import pytest

import conftest as C
import pgwire as W

pytestmark = C.needs_proxy

SMUGGLED = "INSERT INTO canary VALUES (666, 'smuggled')"


@pytest.fixture(autouse=True)
def still_serving(proxy, db):
    fds_before = proxy.fds()
    yield
    assert proxy.alive(), proxy.crash_report()
    c = proxy.wire("alice")
    try:
        assert c.query("SELECT count(*) FROM nation")[0].rows == [["10"]]
    finally:
        c.terminate()
    assert db.canary_rows() == 0, "a smuggled statement ran"
    # no descriptor leaks on the error paths
    C.wait_until(lambda: proxy.fds() <= fds_before, 5, interval=0.05,
                 what=f"the proxy's descriptors back to {fds_before}")


def send_quietly(c: W.Conn, data: bytes) -> None:
    try:
        c.send_raw(data)
    except (BrokenPipeError, ConnectionResetError):
        pass  # the proxy may close before it has read everything: that is a fine answer


def expect_fatal(c: W.Conn, codes=(C.PROTOCOL_VIOLATION,), require_error: bool = True, timeout: float = 5):
    """The proxy answers with at most an ErrorResponse (FATAL, one of `codes`) and closes the connection; no
    authentication, no ReadyForQuery, no rows."""
    try:
        msgs = c.read_all_until_close(timeout)
    finally:
        c.close()
    assert all(m.type in "EN" for m in msgs), f"the proxy answered with {msgs}"
    errors = [m.error for m in msgs if m.type == "E"]
    if require_error:
        assert errors, "closed without an ErrorResponse"
    for e in errors:
        assert e.get("V", e.get("S")) == "FATAL" and e.get("C") in codes, e
    return errors


def authenticated(proxy) -> W.Conn:
    return proxy.wire("alice")


# ------------------------------------------------------------------------------------------------ startup

@pytest.fixture(params=["socket", "tcp"])
def raw(request, proxy):
    return lambda: proxy.raw_socket(tcp=request.param == "tcp", timeout=5)


def test_truncated_startup(raw):
    c = raw()
    c.send_raw(struct.pack("!II", 100, W.PROTOCOL_3) + b"user\0al")
    c.sock.shutdown(socket.SHUT_WR)
    expect_fatal(c, require_error=False)


def test_startup_length_huge(raw):
    for length in (0x7FFFFFFF, 0xFFFFFFFF, 10_000_001):
        c = raw()
        send_quietly(c, struct.pack("!II", length, W.PROTOCOL_3))
        expect_fatal(c)  # at once: the proxy must not wait for 2 GB


def test_startup_length_too_small(raw):
    for data in (struct.pack("!I", 4), struct.pack("!I", 0), struct.pack("!II", 7, W.PROTOCOL_3)):
        c = raw()
        send_quietly(c, data)
        expect_fatal(c)


def test_protocol_versions_it_does_not_speak(raw):
    """Refused: a v3 FATAL (08P01 or 0A000), or, as PostgreSQL answers a 2.0 client, an old-style 'E' text."""
    for version in (0x00020000, 0x00010000, 0x00040000, (1234 << 16) | 5681):
        c = raw()
        send_quietly(c, W.startup_packet({"user": "alice", "database": C.DBNAME}, version=version))
        data = c.read_bytes_until_close(5)
        c.close()
        if not data:
            continue
        assert data[:1] == b"E", data[:80]
        (length,) = struct.unpack("!I", data[1:5]) if len(data) >= 5 else (0,)
        if length == len(data) - 1:  # a v3 ErrorResponse
            fields = W.parse_fields(data[5:])
            assert fields.get("V", fields.get("S")) == "FATAL", fields
            assert fields.get("C") in (C.PROTOCOL_VIOLATION, C.UNSUPPORTED), fields
        else:  # protocol 2 style: 'E' and a NUL-terminated message
            assert data.endswith(b"\0") and b"\0" not in data[1:-1], data[:80]


def test_garbage_after_ssl_refusal(raw):
    c = raw()
    assert c.ssl_request() == b"N"
    send_quietly(c, bytes.fromhex("1603010200010001fc0303") + os.urandom(200))
    expect_fatal(c)
    c = raw()
    assert c.ssl_request() == b"N"
    send_quietly(c, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    expect_fatal(c)


def test_malformed_startup_packets(raw):
    bodies = [
        struct.pack("!I", W.PROTOCOL_3) + b"user\0alice\0database",            # no terminators
        struct.pack("!I", W.PROTOCOL_3) + b"user\0alice\0database\0tpch",       # value not terminated
        struct.pack("!I", W.PROTOCOL_3) + b"user\0alice\0database\0tpch\0x",    # trailing junk after params
        struct.pack("!I", W.PROTOCOL_3) + b"\0",                                # no user
        struct.pack("!I", W.PROTOCOL_3) + b"database\0tpch\0\0",                # no user
    ]
    for body in bodies:
        c = raw()
        send_quietly(c, struct.pack("!I", len(body) + 4) + body)
        expect_fatal(c, codes=(C.PROTOCOL_VIOLATION, "28000", "28P01", "22021"))
    # a user name that is not UTF-8: refused at once, or asked for a password it cannot have (as for any
    # unknown name); never authenticated
    body = struct.pack("!I", W.PROTOCOL_3) + b"user\0\xff\xfe\0database\0tpch\0\0"
    c = raw()
    send_quietly(c, struct.pack("!I", len(body) + 4) + body)
    first = c.read_msg()
    c.close()
    if first.type == "E":
        assert first.error["V"] == "FATAL", first.error
    else:
        assert first.type == "R" and first.body[:4] != b"\0\0\0\0", first


def test_oversized_startup_packet(raw):
    c = raw()
    send_quietly(c, W.startup_packet({"user": "alice", "database": C.DBNAME, "application_name": "x" * 20000}))
    expect_fatal(c)


def test_startup_sent_byte_by_byte(raw):
    """Slow but valid: partial reads are assembled (a proxy must not treat a short read as a message)."""
    c = raw()
    packet = W.startup_packet({"user": "alice", "database": C.DBNAME})
    for i in range(len(packet)):
        c.send_raw(packet[i:i + 1])
        time.sleep(0.005)
    c.authenticate("alice", C.PASSWORDS["alice"])
    q = W.message(b"Q", W.cstr("SELECT count(*) FROM nation"))
    for i in range(len(q)):
        c.send_raw(q[i:i + 1])
    assert c.read_results()[0].rows == [["10"]]
    c.terminate()


def test_cancel_request_garbage(raw):
    for data in (struct.pack("!II", 12, W.CANCEL_REQUEST) + b"\0\0\0\1",                 # too short
                 struct.pack("!IIII", 16, W.CANCEL_REQUEST, 1, 2),                       # unknown key
                 struct.pack("!IIIII", 20, W.CANCEL_REQUEST, 1, 2, 3)):                  # too long for 3.0
        c = raw()
        send_quietly(c, data)
        expect_fatal(c, require_error=False)


# ------------------------------------------------------------------------------------------------ after auth

def test_message_length_huge(proxy):
    for kind in (b"Q", b"P", b"B", b"d"):
        c = authenticated(proxy)
        send_quietly(c, kind + struct.pack("!I", 0x7FFFFFFF) + W.cstr(SMUGGLED))
        expect_fatal(c)


def test_message_length_too_small(proxy):
    for length in (0, 3):
        c = authenticated(proxy)
        send_quietly(c, b"Q" + struct.pack("!I", length) + W.cstr(SMUGGLED))
        expect_fatal(c)


def test_unknown_message_types(proxy):
    for kind in (b"z", b"\0", b"\xff", b"R", b"T", b"Z"):
        c = authenticated(proxy)
        send_quietly(c, W.message(kind, b"") + W.message(b"Q", W.cstr(SMUGGLED)))
        expect_fatal(c)


def test_password_message_after_authentication(proxy):
    c = authenticated(proxy)
    send_quietly(c, W.message(b"p", W.cstr("alice-pw")) + W.message(b"Q", W.cstr(SMUGGLED)))
    expect_fatal(c)


def test_startup_message_after_authentication(proxy):
    c = authenticated(proxy)
    send_quietly(c, W.startup_packet({"user": "admin", "database": C.DBNAME}))
    c.sock.shutdown(socket.SHUT_WR)  # a proxy that reads the announced length first sees the end instead
    try:
        msgs = c.read_all_until_close(5)
    finally:
        c.close()
    assert all(m.type in "EN" for m in msgs), msgs  # never a new authentication


def test_bind_before_any_parse(proxy):
    """The server's error (26000) is a fine answer; so is the proxy's FATAL 08P01."""
    c = authenticated(proxy)
    c.bind("", "")
    c.execute("")
    c.sync()
    first = c.read_msg()
    if first.type == "E" and first.error.get("V") == "FATAL":
        assert first.error["C"] == C.PROTOCOL_VIOLATION
        assert c.is_closed(3)
        return
    msgs = [first] + c.read_msgs_until_ready()
    assert W.types(msgs) == "EZ" and msgs[0].error["C"] == "26000", msgs
    assert c.query("SELECT count(*) FROM nation")[0].rows == [["10"]]
    c.terminate()


def test_query_whose_length_lies(proxy):
    cases = [
        # embedded NUL: the rest of the body is a second statement the proxy never saw as SQL
        W.message(b"Q", b"SELECT 1\0" + W.cstr(SMUGGLED)),
        # no terminating NUL, then a well-formed message
        W.message(b"Q", b"SELECT 1") + W.message(b"Q", W.cstr(SMUGGLED)),
        # the length stops inside the text: the rest would be read as further messages
        b"Q" + struct.pack("!I", 4 + 6) + W.cstr("SELECT 1; " + SMUGGLED),
        # Parse whose length cuts off the parameter count, then a smuggled Parse/Bind/Execute/Sync
        b"P" + struct.pack("!I", 4 + 1 + 9) + b"\0SELECT 1\0" + W.message(b"P", b"\0" + W.cstr(SMUGGLED) + b"\0\0")
        + W.message(b"B", b"\0\0\0\0\0\0\0\0") + W.message(b"E", b"\0\0\0\0\0") + W.message(b"S"),
    ]
    for data in cases:
        c = authenticated(proxy)
        send_quietly(c, data)
        try:
            msgs = c.read_all_until_close(5)
        finally:
            c.close()
        assert not any(m.type in "DC12" for m in msgs), f"something ran: {msgs}"
        errors = [m.error for m in msgs if m.type == "E"]
        assert errors and errors[0]["C"] == C.PROTOCOL_VIOLATION and errors[0]["V"] == "FATAL", (data[:40], msgs)


def test_query_longer_than_sent_then_eof(proxy, db):
    c = authenticated(proxy)
    c.send_raw(b"Q" + struct.pack("!I", 4 + 1000) + W.cstr(SMUGGLED))
    c.sock.shutdown(socket.SHUT_WR)
    try:
        msgs = c.read_all_until_close(5)
    finally:
        c.close()
    assert all(m.type in "EN" for m in msgs), msgs


def test_malformed_extended_messages(proxy):
    """Bind/Execute/Describe/Close bodies that do not match their lengths: an error (the proxy's FATAL 08P01, or
    the server's ERROR 08P01), never a crash."""
    cases = [
        W.message(b"B", b"\0\0\0\0\0\5"),                        # 5 parameters announced, none sent
        W.message(b"B", b"\0\0\0\0\0\1\x7f\xff\xff\xff"),        # a parameter of 2 GB
        W.message(b"B", b"\0\0\xff\xff"),                        # 65535 formats, none sent
        W.message(b"E", b"\0\0"),                                # maxrows cut short
        W.message(b"D", b"X\0"),                                 # Describe of neither S nor P
        W.message(b"C", b"Q\0"),                                 # Close of neither S nor P
        W.message(b"P", b"\0SELECT $1\0\0\5"),                   # 5 parameter types announced, none sent
    ]
    for data in cases:
        c = authenticated(proxy)
        # an unnamed statement exists, so that the server judges the malformed message, not a missing statement
        send_quietly(c, W.message(b"P", b"\0SELECT 1\0\0\0") + data + W.message(b"S"))
        try:
            first = c.read_msg()
            if first.type == "1":
                first = c.read_msg()
        except W.Closed:
            c.close()
            continue
        assert first.type == "E" and first.error["C"] in (C.PROTOCOL_VIOLATION, C.UNSUPPORTED), (data, first)
        if first.error.get("V") == "FATAL":
            assert c.is_closed(3), data
            c.close()
            continue
        msgs = c.read_msgs_until_ready()
        assert msgs[-1].type == "Z", msgs
        assert c.query("SELECT count(*) FROM nation")[0].rows == [["10"]]
        c.terminate()


def test_copy_messages_outside_copy(proxy):
    """CopyData/CopyDone/CopyFail outside COPY: ignored (as PostgreSQL does) or FATAL 08P01; nothing else."""
    for data in (W.message(b"d", b"666\tsmuggled\n"), W.message(b"c"), W.message(b"f", W.cstr("x"))):
        c = authenticated(proxy)
        send_quietly(c, data + W.message(b"Q", W.cstr("SELECT count(*) FROM nation")))
        try:
            first = c.read_msg()
        except W.Closed:
            c.close()
            continue
        if first.type == "E":
            assert first.error["V"] == "FATAL" and first.error["C"] == C.PROTOCOL_VIOLATION, first.error
            assert c.is_closed(3)
            c.close()
            continue
        msgs = [first] + c.read_msgs_until_ready()
        assert W.result_of(msgs).rows == [["10"]], msgs
        c.terminate()


def test_many_syncs_pipelined(proxy):
    c = authenticated(proxy)
    try:
        c.send_raw(W.message(b"S") * 500 + W.message(b"Q", W.cstr("SELECT count(*) FROM nation")))
        for _ in range(500):
            assert c.read_msg().type == "Z"
        assert c.read_results()[0].rows == [["10"]]
    finally:
        c.terminate()


def test_large_query(proxy):
    """A 1 MB query is answered (rows or a clean error), and the connection or the proxy survives."""
    c = authenticated(proxy)
    sql = "SELECT count(*) FROM nation WHERE n_nationkey IN (" + ",".join(str(i) for i in range(150000)) + ")"
    c.send(b"Q", W.cstr(sql))
    try:
        msgs = c.read_msgs_until_ready(timeout=30)
    except W.Closed:
        c.close()
        return
    r = W.result_of(msgs)
    assert r.rows == [["10"]] or (r.error and r.error["V"] in ("ERROR", "FATAL")), msgs
    c.terminate()


def test_random_bytes(proxy):
    rng = random.Random(20261203)
    for i in range(40):
        c = proxy.raw_socket(tcp=bool(i % 2), timeout=5)
        blob = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 300)))
        send_quietly(c, blob)
        try:
            c.sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        try:
            msgs = c.read_all_until_close(5)
        except AssertionError:
            msgs = []  # it asked for more (e.g. an 'R' auth request) and waits: the proxy judged the bytes a
            # valid start; it must not have accepted them as authenticated
        finally:
            c.close()
        assert not any(m.type in "ZDT" for m in msgs), (blob[:20], msgs)
    for i in range(40):
        c = authenticated(proxy)
        kind = bytes([rng.choice(b"QPBDECSHFXdcfpz")])
        body = bytes(rng.randrange(256) for _ in range(rng.randrange(0, 64)))
        send_quietly(c, W.message(kind, body) + W.message(b"S"))
        try:
            c.sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        try:
            c.read_all_until_close(5)
        except AssertionError:
            pass  # a well-formed message may leave the connection open after EOF; the health check follows
        finally:
            c.close()
