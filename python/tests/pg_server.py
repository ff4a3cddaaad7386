"""A throwaway PostgreSQL server for tests.

:class:`PgServer` runs ``initdb`` and ``pg_ctl`` from a PostgreSQL installation
(``/usr/lib/postgresql/15/bin`` unless ``RLSQ_PG_BIN`` says otherwise) in a fresh
temporary directory. The server listens on a Unix socket in that directory only
(``listen_addresses=''``, no TCP), trusts local connections, and is removed with its
directory by :meth:`PgServer.stop`.

PostgreSQL refuses to run as root, so when the tests run as root the directory is given
to the ``postgres`` system user and the server commands run through
``runuser -u postgres --``. Root can still connect through the socket (it bypasses the
directory's permissions); nobody else can.

Use :func:`pg_binaries_missing` to skip tests on a machine without PostgreSQL.
"""

from __future__ import annotations

import atexit
import os
import pwd
import shutil
import subprocess
import tempfile
from typing import List, Optional

DEFAULT_BIN_DIR = "/usr/lib/postgresql/15/bin"
PORT = 5432  # only names the socket file; there is no TCP listener


def bin_dir() -> str:
    """The directory holding ``initdb``, ``pg_ctl`` and ``postgres``."""
    return os.environ.get("RLSQ_PG_BIN", DEFAULT_BIN_DIR)


def pg_binaries_missing() -> Optional[str]:
    """Why the server cannot be started on this machine, or ``None`` if it can.

    Only missing software is reported (the binaries, or the ``postgres`` user and
    ``runuser`` when running as root); any other failure to start is an error, not a
    reason to skip.
    """
    for name in ("initdb", "pg_ctl", "postgres"):
        path = os.path.join(bin_dir(), name)
        if not os.access(path, os.X_OK):
            return f"PostgreSQL binary {path} not found (set RLSQ_PG_BIN)"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no 'postgres' system user to run PostgreSQL"
        if shutil.which("runuser") is None:
            return "running as root and runuser(1) is not available"
    return None


class PgServer:
    """One PostgreSQL instance in its own temporary directory.

    ``start()`` creates and starts it, ``stop()`` stops it and deletes the directory
    (idempotent, also registered with :mod:`atexit` as a last resort). Connect with
    :attr:`host` (the socket directory), :attr:`port`, user :attr:`superuser`, and
    database ``postgres``, or use :meth:`sqlalchemy_url` / :meth:`dsn`.
    """

    def __init__(self, name: str = "rlsq-pg-") -> None:
        """Choose nothing yet; ``start()`` does the work."""
        self._prefix = name
        self.root: Optional[str] = None
        self.datadir: Optional[str] = None
        self.host: Optional[str] = None
        self.port = PORT
        self.superuser = "postgres"
        self._running = False
        self._as_postgres = os.geteuid() == 0

    # -- helpers -------------------------------------------------------------------------

    def _cmd(self, argv: List[str]) -> List[str]:
        """``argv`` run as the ``postgres`` user when we are root."""
        if self._as_postgres:
            return ["runuser", "-u", "postgres", "--"] + argv
        return argv

    def _run(self, argv: List[str]) -> None:
        """Run a server command; raise with its output on failure."""
        proc = subprocess.run(
            self._cmd(argv), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(argv)} failed ({proc.returncode}):\n{proc.stdout}")

    # -- life cycle ----------------------------------------------------------------------

    def start(self) -> "PgServer":
        """initdb, then start the server and wait until it accepts connections."""
        reason = pg_binaries_missing()
        if reason:
            raise RuntimeError(reason)
        self.root = tempfile.mkdtemp(prefix=self._prefix)
        atexit.register(self.stop)
        try:
            if self._as_postgres:
                pw = pwd.getpwnam("postgres")
                os.chown(self.root, pw.pw_uid, pw.pw_gid)
            os.chmod(self.root, 0o700)
            self.datadir = os.path.join(self.root, "data")
            self.host = self.root
            if not self._as_postgres:
                self.superuser = pwd.getpwuid(os.geteuid()).pw_name
            self._run(
                [
                    os.path.join(bin_dir(), "initdb"),
                    "-D", self.datadir,
                    "-U", self.superuser,
                    "--auth=trust",
                    "--encoding=UTF8",
                    "--locale=C",
                    "--no-sync",
                ]
            )
            options = (
                "-c listen_addresses='' "
                f"-c unix_socket_directories='{self.root}' "
                f"-c port={self.port} "
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
            )
            self._run(
                [
                    os.path.join(bin_dir(), "pg_ctl"),
                    "-D", self.datadir,
                    "-l", os.path.join(self.root, "server.log"),
                    "-o", options,
                    "-w", "-t", "60",
                    "start",
                ]
            )
            self._running = True
        except BaseException:
            log = self.log()
            self.stop()
            if log:
                raise RuntimeError(f"PostgreSQL did not start; server log:\n{log}")
            raise
        return self

    def log(self) -> str:
        """The server log so far ('' when there is none)."""
        if not self.root:
            return ""
        try:
            with open(os.path.join(self.root, "server.log"), encoding="utf-8", errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def stop(self) -> None:
        """Stop the server (fast shutdown, then immediate) and delete its directory."""
        if self._running and self.datadir:
            pg_ctl = os.path.join(bin_dir(), "pg_ctl")
            for mode in ("fast", "immediate"):
                proc = subprocess.run(
                    self._cmd([pg_ctl, "-D", self.datadir, "-m", mode, "-w", "-t", "30", "stop"]),
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
                if proc.returncode == 0:
                    break
            self._running = False
        if self.root:
            shutil.rmtree(self.root, ignore_errors=True)
            self.root = None
        try:
            atexit.unregister(self.stop)
        except Exception:
            pass

    def __enter__(self) -> "PgServer":
        """``with PgServer() as pg:`` starts it..."""
        return self.start()

    def __exit__(self, *exc: object) -> None:
        """...and stops and removes it, also on errors."""
        self.stop()

    # -- connecting ----------------------------------------------------------------------

    def dsn(self, dbname: str = "postgres") -> str:
        """A libpq connection string for ``dbname`` as the superuser, over the socket."""
        return f"host={self.host} port={self.port} user={self.superuser} dbname={dbname}"

    def sqlalchemy_url(self, dbname: str = "postgres") -> str:
        """A SQLAlchemy URL (psycopg2 driver) for ``dbname`` as the superuser, over the
        socket."""
        return (
            f"postgresql+psycopg2://{self.superuser}@/{dbname}"
            f"?host={self.host}&port={self.port}"
        )
