"""A minimal PostgreSQL v3 wire-protocol client for tests: raw framing, startup and authentication (trust,
cleartext, MD5, SCRAM-SHA-256), simple and extended queries, cancel requests, and helpers to send malformed bytes.
Standard library only (socket, struct, hashlib, hmac). Every read has a timeout: a silent peer fails the test.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import os
import socket
import struct
import time
from typing import Dict, List, Optional, Sequence, Tuple

PROTOCOL_3 = 196608
SSL_REQUEST = 80877103
GSSENC_REQUEST = 80877104
CANCEL_REQUEST = 80877102


class Closed(Exception):
    """The peer closed the connection."""


class ServerError(Exception):
    """An ErrorResponse (fields by code: S severity, V, C SQLSTATE, M message, P position, q internal query...)."""

    def __init__(self, fields: Dict[str, str]):
        self.fields = fields
        super().__init__(f"{fields.get('S')} {fields.get('C')}: {fields.get('M')}")

    @property
    def code(self) -> Optional[str]:
        return self.fields.get("C")

    @property
    def severity(self) -> Optional[str]:
        return self.fields.get("V") or self.fields.get("S")


def parse_fields(body: bytes) -> Dict[str, str]:
    out: Dict[str, str] = {}
    i = 0
    while i < len(body) and body[i] != 0:
        code = chr(body[i])
        end = body.index(b"\0", i + 1)
        out[code] = body[i + 1:end].decode("utf-8", "replace")
        i = end + 1
    return out


def cstr(s) -> bytes:
    return (s.encode() if isinstance(s, str) else s) + b"\0"


def message(kind: bytes, body: bytes = b"") -> bytes:
    return kind + struct.pack("!I", len(body) + 4) + body


def startup_packet(params: Dict[str, str], version: int = PROTOCOL_3) -> bytes:
    body = struct.pack("!I", version)
    for k, v in params.items():
        body += cstr(k) + cstr(v)
    body += b"\0"
    return struct.pack("!I", len(body) + 4) + body


class Msg:
    __slots__ = ("type", "body")

    def __init__(self, type_: str, body: bytes):
        self.type = type_
        self.body = body

    def __repr__(self):
        return f"Msg({self.type!r}, {self.body[:60]!r})"

    @property
    def error(self) -> Dict[str, str]:
        return parse_fields(self.body)


class Result:
    """The answer to one statement: rows (lists of text or None), the command tag, or an error's fields."""

    def __init__(self):
        self.columns: List[str] = []
        self.rows: List[List[Optional[str]]] = []
        self.tag: Optional[str] = None
        self.error: Optional[Dict[str, str]] = None
        self.empty = False
        self.suspended = False

    def __repr__(self):
        return f"Result(tag={self.tag!r}, rows={len(self.rows)}, error={self.error})"


class Conn:
    def __init__(self, sock: socket.socket, timeout: float = 10):
        self.sock = sock
        self.sock.settimeout(timeout)
        self.timeout = timeout
        self.buf = b""
        self.params: Dict[str, str] = {}
        self.backend_key: Optional[Tuple[int, int]] = None
        self.status: Optional[str] = None
        self.notices: List[Dict[str, str]] = []
        self.auth_methods: List[int] = []

    # -- connecting
    @classmethod
    def unix(cls, path: str, timeout: float = 10) -> "Conn":
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(timeout)
        s.connect(path)
        return cls(s, timeout)

    @classmethod
    def tcp(cls, host: str, port: int, timeout: float = 10) -> "Conn":
        s = socket.create_connection((host, port), timeout=timeout)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return cls(s, timeout)

    def close(self) -> None:
        try:
            self.sock.close()
        except OSError:
            pass

    def terminate(self) -> None:
        try:
            self.send(b"X")
        except OSError:
            pass
        self.close()

    # -- bytes
    def send_raw(self, data: bytes) -> None:
        self.sock.sendall(data)

    def send(self, kind: bytes, body: bytes = b"") -> None:
        self.sock.sendall(message(kind, body))

    def _fill(self, n: int, deadline: float) -> None:
        while len(self.buf) < n:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no complete message within {self.timeout} s (have {len(self.buf)} bytes)")
            self.sock.settimeout(left)
            try:
                chunk = self.sock.recv(65536)
            except ConnectionResetError as e:
                raise Closed(f"connection reset ({e})") from e
            if not chunk:
                raise Closed(f"connection closed (with {len(self.buf)} bytes of a partial message)")
            self.buf += chunk

    def read_byte(self) -> bytes:
        deadline = time.monotonic() + self.timeout
        self._fill(1, deadline)
        b, self.buf = self.buf[:1], self.buf[1:]
        return b

    def read_msg(self, timeout: Optional[float] = None) -> Msg:
        deadline = time.monotonic() + (timeout if timeout is not None else self.timeout)
        self._fill(5, deadline)
        kind = chr(self.buf[0])
        (length,) = struct.unpack("!I", self.buf[1:5])
        if length < 4 or length > 1 << 30:
            raise ValueError(f"peer sent a message {kind!r} of length {length}")
        self._fill(1 + length, deadline)
        body = self.buf[5:1 + length]
        self.buf = self.buf[1 + length:]
        return Msg(kind, body)

    def read_all_until_close(self, timeout: Optional[float] = None) -> List[Msg]:
        """Every message until the peer closes (the messages are returned; Closed is not raised)."""
        msgs = []
        deadline = time.monotonic() + (timeout if timeout is not None else self.timeout)
        while True:
            try:
                msgs.append(self.read_msg(timeout=max(0.01, deadline - time.monotonic())))
            except (Closed, ConnectionError):
                return msgs
            except TimeoutError:
                raise AssertionError(f"the peer did not close the connection; it sent {msgs} and then nothing")
            except ValueError as e:  # not framed like a backend message
                raise AssertionError(f"unframed bytes from the peer after {msgs}: {e}")

    def read_bytes_until_close(self, timeout: float = 5) -> bytes:
        """Every byte until the peer closes (fails if it does not within `timeout`)."""
        deadline = time.monotonic() + timeout
        data, self.buf = self.buf, b""
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"the peer did not close the connection; it sent {data[:200]!r}")
            self.sock.settimeout(left)
            try:
                chunk = self.sock.recv(65536)
            except (ConnectionResetError, BrokenPipeError):
                return data
            except socket.timeout:
                continue
            if not chunk:
                return data
            data += chunk

    def is_closed(self, timeout: float = 3) -> bool:
        """Has the peer closed (EOF or reset) within `timeout`, with nothing more to read than what is buffered?"""
        self.sock.settimeout(timeout)
        try:
            data = self.sock.recv(65536)
        except (ConnectionResetError, BrokenPipeError):
            return True
        except socket.timeout:
            return False
        if data:
            self.buf += data
            return self.is_closed(timeout)
        return True

    # -- startup
    def ssl_request(self) -> bytes:
        self.send_raw(struct.pack("!II", 8, SSL_REQUEST))
        return self.read_byte()

    def gssenc_request(self) -> bytes:
        self.send_raw(struct.pack("!II", 8, GSSENC_REQUEST))
        return self.read_byte()

    def startup(self, user: str, database: Optional[str] = None, password: Optional[str] = None,
                version: int = PROTOCOL_3, **params: str) -> Dict[str, str]:
        """Send StartupMessage and authenticate; returns ParameterStatus values. Raises ServerError on an
        ErrorResponse (the connection is then closed by the server)."""
        p = {"user": user}
        if database is not None:
            p["database"] = database
        p.update(params)
        self.send_raw(startup_packet(p, version))
        self.authenticate(user, password)
        return self.params

    def authenticate(self, user: str, password: Optional[str]) -> None:
        scram: Optional[ScramClient] = None
        while True:
            m = self.read_msg()
            if m.type == "E":
                raise ServerError(m.error)
            if m.type == "N":
                self.notices.append(m.error)
                continue
            if m.type == "v":  # NegotiateProtocolVersion
                continue
            if m.type == "R":
                (code,) = struct.unpack("!I", m.body[:4])
                self.auth_methods.append(code)
                if code == 0:
                    continue
                if password is None:
                    raise ServerError({"S": "CLIENT", "C": "client", "M": f"server asks for auth {code}"})
                if code == 3:
                    self.send(b"p", cstr(password))
                elif code == 5:
                    salt = m.body[4:8]
                    inner = hashlib.md5((password + user).encode()).hexdigest()
                    outer = hashlib.md5(inner.encode() + salt).hexdigest()
                    self.send(b"p", cstr("md5" + outer))
                elif code == 10:
                    mechs = [x.decode() for x in m.body[4:].split(b"\0") if x]
                    assert "SCRAM-SHA-256" in mechs, mechs
                    scram = ScramClient(password)
                    first = scram.client_first().encode()
                    self.send(b"p", cstr("SCRAM-SHA-256") + struct.pack("!I", len(first)) + first)
                elif code == 11:
                    self.send(b"p", scram.client_final(m.body[4:].decode()).encode())
                elif code == 12:
                    scram.verify_server_final(m.body[4:].decode())
                else:
                    raise AssertionError(f"unsupported authentication request {code}")
                continue
            if m.type == "S":
                k, v = m.body.split(b"\0")[:2]
                self.params[k.decode()] = v.decode()
                continue
            if m.type == "K":
                self.backend_key = struct.unpack("!II", m.body[:8])
                continue
            if m.type == "Z":
                self.status = m.body.decode()
                return
            raise AssertionError(f"unexpected message during startup: {m!r}")

    # -- simple query
    def query(self, sql: str) -> List[Result]:
        """Send one Query message; the results of each statement up to ReadyForQuery (self.status)."""
        self.send(b"Q", cstr(sql))
        return self.read_results()

    def read_results(self, timeout: Optional[float] = None) -> List[Result]:
        results: List[Result] = []
        cur: Optional[Result] = None
        while True:
            m = self.read_msg(timeout)
            t = m.type
            if t == "Z":
                self.status = m.body.decode()
                if cur is not None:
                    results.append(cur)
                return results
            if t in ("N",):
                self.notices.append(m.error)
                continue
            if t in ("S", "A"):
                if t == "S":
                    k, v = m.body.split(b"\0")[:2]
                    self.params[k.decode()] = v.decode()
                continue
            if cur is None:
                cur = Result()
            if t == "T":
                cur.columns = row_description(m.body)
            elif t == "D":
                cur.rows.append(data_row(m.body))
            elif t == "C":
                cur.tag = m.body.rstrip(b"\0").decode()
                results.append(cur)
                cur = None
            elif t == "I":
                cur.empty = True
                results.append(cur)
                cur = None
            elif t == "E":
                cur.error = m.error
                results.append(cur)
                cur = None
            elif t == "s":
                cur.suspended = True
                results.append(cur)
                cur = None
            elif t in ("1", "2", "3", "n", "t"):
                # Extended-protocol acknowledgements: keep the stream readable; callers wanting them use read_msgs.
                continue
            elif t in ("G", "H", "W"):
                # COPY started (it should have been refused): abort it so that the stream stays readable and
                # the caller's assertion, not a hang, reports it
                cur.tag = f"COPY-{t}"
                if t in ("G", "W"):
                    self.send(b"f", cstr("COPY refused by the test client"))
            elif t in ("d", "c"):
                continue
            else:
                raise AssertionError(f"unexpected message {m!r}")

    def read_msgs_until_ready(self, timeout: Optional[float] = None) -> List[Msg]:
        """Every message up to and including ReadyForQuery."""
        out = []
        while True:
            m = self.read_msg(timeout)
            out.append(m)
            if m.type == "Z":
                self.status = m.body.decode()
                return out

    def read_msgs(self, n: int, timeout: Optional[float] = None) -> List[Msg]:
        return [self.read_msg(timeout) for _ in range(n)]

    def expect_nothing(self, timeout: float = 0.3) -> None:
        """Nothing arrives within `timeout` (e.g. no second ReadyForQuery)."""
        self.sock.settimeout(timeout)
        try:
            data = self.sock.recv(65536)
        except socket.timeout:
            return
        finally:
            self.sock.settimeout(self.timeout)
        if data:
            self.buf += data
            raise AssertionError(f"unexpected bytes: {self.buf[:200]!r}")

    # -- extended query
    def parse(self, name: str, sql: str, oids: Sequence[int] = ()) -> None:
        self.send(b"P", cstr(name) + cstr(sql) + struct.pack("!H", len(oids)) + b"".join(
            struct.pack("!I", o) for o in oids))

    def bind(self, portal: str, stmt: str, params: Sequence[Optional[str]] = (), param_formats: Sequence[int] = (),
             result_formats: Sequence[int] = ()) -> None:
        body = cstr(portal) + cstr(stmt)
        body += struct.pack("!H", len(param_formats)) + b"".join(struct.pack("!H", f) for f in param_formats)
        body += struct.pack("!H", len(params))
        for p in params:
            if p is None:
                body += struct.pack("!i", -1)
            else:
                b = p.encode() if isinstance(p, str) else p
                body += struct.pack("!i", len(b)) + b
        body += struct.pack("!H", len(result_formats)) + b"".join(struct.pack("!H", f) for f in result_formats)
        self.send(b"B", body)

    def describe(self, kind: str, name: str) -> None:
        self.send(b"D", kind.encode() + cstr(name))

    def execute(self, portal: str = "", max_rows: int = 0) -> None:
        self.send(b"E", cstr(portal) + struct.pack("!I", max_rows))

    def close_(self, kind: str, name: str) -> None:
        self.send(b"C", kind.encode() + cstr(name))

    def sync(self) -> None:
        self.send(b"S")

    def flush(self) -> None:
        self.send(b"H")

    def function_call(self, oid: int, args: Sequence[bytes] = ()) -> None:
        body = struct.pack("!IH", oid, 0) + struct.pack("!H", len(args))
        for a in args:
            body += struct.pack("!i", len(a)) + a
        body += struct.pack("!H", 0)
        self.send(b"F", body)

    def run_extended(self, sql: str, params: Sequence[Optional[str]] = (), name: str = "",
                     portal: str = "") -> Tuple[List[Msg], Result]:
        """Parse/Bind/Describe portal/Execute/Sync; every message, and the statement's result."""
        self.parse(name, sql)
        self.bind(portal, name, params)
        self.describe("P", portal)
        self.execute(portal)
        self.sync()
        msgs = self.read_msgs_until_ready()
        return msgs, result_of(msgs)


def row_description(body: bytes) -> List[str]:
    (n,) = struct.unpack("!H", body[:2])
    i = 2
    names = []
    for _ in range(n):
        end = body.index(b"\0", i)
        names.append(body[i:end].decode())
        i = end + 1 + 18
    return names


def data_row(body: bytes) -> List[Optional[str]]:
    (n,) = struct.unpack("!H", body[:2])
    i = 2
    out: List[Optional[str]] = []
    for _ in range(n):
        (ln,) = struct.unpack("!i", body[i:i + 4])
        i += 4
        if ln < 0:
            out.append(None)
        else:
            out.append(body[i:i + ln].decode("utf-8", "replace"))
            i += ln
    return out


def result_of(msgs: Sequence[Msg]) -> Result:
    r = Result()
    for m in msgs:
        if m.type == "T":
            r.columns = row_description(m.body)
        elif m.type == "D":
            r.rows.append(data_row(m.body))
        elif m.type == "C":
            r.tag = m.body.rstrip(b"\0").decode()
        elif m.type == "E" and r.error is None:
            r.error = m.error
        elif m.type == "s":
            r.suspended = True
        elif m.type == "I":
            r.empty = True
    return r


def types(msgs: Sequence[Msg]) -> str:
    return "".join(m.type for m in msgs)


def cancel(path_or_addr, pid: int, key: int, after_ssl_request: bool = False) -> None:
    """Send a CancelRequest on a new connection (a unix socket path, or (host, port))."""
    if isinstance(path_or_addr, str):
        c = Conn.unix(path_or_addr, timeout=5)
    else:
        c = Conn.tcp(*path_or_addr, timeout=5)
    try:
        if after_ssl_request:
            assert c.ssl_request() == b"N"
        c.send_raw(struct.pack("!IIII", 16, CANCEL_REQUEST, pid, key))
        c.is_closed(timeout=5)
    finally:
        c.close()


# -- SCRAM-SHA-256 (RFC 5802 / 7677), as libpq does it: empty user name in the client-first message, no channel
# binding (gs2 header "n,,").

def _hmac(key: bytes, msg: bytes) -> bytes:
    return hmac.new(key, msg, hashlib.sha256).digest()


class ScramClient:
    def __init__(self, password: str, nonce: Optional[str] = None):
        self.password = password
        self.nonce = nonce or base64.b64encode(os.urandom(18)).decode()
        self.first_bare = f"n=,r={self.nonce}"
        self.server_signature: Optional[bytes] = None

    def client_first(self) -> str:
        return "n,," + self.first_bare

    def client_final(self, server_first: str) -> str:
        attrs = dict(kv.split("=", 1) for kv in server_first.split(","))
        assert attrs["r"].startswith(self.nonce), "server nonce does not extend ours"
        salt = base64.b64decode(attrs["s"])
        iterations = int(attrs["i"])
        salted = hashlib.pbkdf2_hmac("sha256", self.password.encode(), salt, iterations)
        client_key = _hmac(salted, b"Client Key")
        stored_key = hashlib.sha256(client_key).digest()
        without_proof = f"c=biws,r={attrs['r']}"
        auth_message = f"{self.first_bare},{server_first},{without_proof}".encode()
        signature = _hmac(stored_key, auth_message)
        proof = bytes(a ^ b for a, b in zip(client_key, signature))
        self.server_signature = _hmac(_hmac(salted, b"Server Key"), auth_message)
        return f"{without_proof},p={base64.b64encode(proof).decode()}"

    def verify_server_final(self, server_final: str) -> None:
        attrs = dict(kv.split("=", 1) for kv in server_final.split(","))
        assert "v" in attrs, f"server final message without verifier: {server_final}"
        assert base64.b64decode(attrs["v"]) == self.server_signature, "the server's SCRAM signature is wrong"


def scram_verifier(password: str, iterations: int = 4096, salt: Optional[bytes] = None) -> str:
    """A PostgreSQL-style SCRAM-SHA-256 secret: SCRAM-SHA-256$<iter>:<salt>$<StoredKey>:<ServerKey>."""
    salt = salt or os.urandom(16)
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    stored = hashlib.sha256(_hmac(salted, b"Client Key")).digest()
    server = _hmac(salted, b"Server Key")
    b64 = lambda b: base64.b64encode(b).decode()  # noqa: E731
    return f"SCRAM-SHA-256${iterations}:{b64(salt)}${b64(stored)}:{b64(server)}"
