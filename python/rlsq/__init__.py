"""rlsq: row-level security by SQL rewriting.

An :class:`Engine` is built from a policy (Flask-AppBuilder roles and permissions, users, and Superset-style RLS
filters) and rewrites read-only queries so that each table read only returns the rows the caller may see::

    import rlsq

    engine = rlsq.Engine.from_file("policy.json")
    sql = engine.rewrite("SELECT * FROM orders", user="alice")

Failures raise subclasses of :class:`Error`: :class:`QueryRefused` (the SQL does not parse, or is not exactly one
read-only query), :class:`AccessDenied` (the caller lacks data access to some tables), :class:`UnknownUser` and
:class:`PolicyError`, and :class:`UnknownDialect` for a dialect name rlsq does not implement (also a ValueError).
Other invalid arguments raise ValueError or TypeError.

Every method of an engine is thread-safe, and the GIL is released while the engine works, so threads sharing one
engine rewrite in parallel.
"""

from __future__ import annotations

from typing import Iterable, List, Optional

from . import _rlsq

__all__ = [
    "Engine",
    "Error",
    "QueryRefused",
    "AccessDenied",
    "UnknownUser",
    "PolicyError",
    "UnknownDialect",
    "__version__",
]

__version__: str = _rlsq.__version__


class Error(Exception):
    """Base class of the errors rlsq raises; ``message`` is rlsq's text."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __reduce__(self):  # keep the attributes through pickling (multiprocessing workers)
        return (self.__class__, (self.message,), self.__dict__.copy())


class QueryRefused(Error):
    """The SQL does not parse, is not exactly one read-only query, or holds something rlsq cannot read exactly.

    ``line`` and ``column`` (1-based) say where in the SQL, or are None when the error has no position.
    """

    def __init__(self, message: str, line: Optional[int] = None, column: Optional[int] = None) -> None:
        super().__init__(message)
        self.line = line
        self.column = column


class AccessDenied(Error):
    """The caller lacks data access to some tables the query reads; nothing was rewritten.

    ``tables`` lists every table lacking access (``"schema.table"``); it is empty when the refusal is about a
    system relation that is not allowed.
    """

    def __init__(self, message: str, tables: Optional[Iterable[str]] = None) -> None:
        super().__init__(message)
        self.tables: List[str] = list(tables) if tables is not None else []


class UnknownUser(Error):
    """Unknown user or role, or a user field or attribute that a filter's template needs is missing."""


class PolicyError(Error):
    """The policy cannot be read or is invalid (from_file, from_json, reload)."""


class UnknownDialect(Error, ValueError):
    """A dialect name, option or option value rlsq does not implement (dialects: ``"postgres"``, ``"mysql"``,
    ``"mariadb"``); both a ValueError and an :class:`Error`."""


_rlsq._register_errors(Error, QueryRefused, AccessDenied, UnknownUser, PolicyError, UnknownDialect)

Engine = _rlsq.Engine
Engine.__module__ = __name__
