"""Apache Superset integration for rlsq.

Superset sends every query it runs on a database through one configurable hook,
``SQL_QUERY_MUTATOR``. This module supplies a mutator that rewrites each query with rlsq
for the principal of the current request, and the cache-key side that Superset's hook
does not cover:

* :func:`make_sql_query_mutator` builds the function to assign to ``SQL_QUERY_MUTATOR``
  in ``superset_config.py``;
* :class:`RlsqSecurityManagerMixin` (for ``CUSTOM_SECURITY_MANAGER``) and
  :func:`rls_cache_key` put the principal's rlsq fingerprint into the chart cache key,
  so that one user is never served another user's cached rows;
* :func:`current_principal` is the one place that decides who is asking: a logged-in
  user, the guest of an embedded dashboard (guest-token rules) or nobody (the policy's
  public role).

Everything here fails closed: a query is never returned unrewritten. A refusal raises an
:class:`rlsq.Error` subclass (the engine's own errors pass through unchanged; an argument
the engine rejects with ValueError or TypeError, such as a malformed guest-token rule,
becomes :class:`SupersetIntegrationError`), and Superset shows its message to the user
instead of running the query.

Importing this module does not import Flask or Superset; Flask is imported when a
principal is resolved, i.e. inside Superset.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any, Callable, Dict, List, Optional, Union

import rlsq

__all__ = [
    "DEFAULT_GUEST_ROLE",
    "SUPERSET_BACKEND_DIALECTS",
    "SupersetIntegrationError",
    "UnsupportedBackend",
    "PrincipalError",
    "Principal",
    "current_principal",
    "guest_rules_for_rlsq",
    "dialect_for_backend",
    "make_sql_query_mutator",
    "rls_cache_key",
    "RlsqSecurityManagerMixin",
]

logger = logging.getLogger(__name__)

#: Superset's default ``GUEST_ROLE_NAME``: the role every embedded-dashboard guest holds.
DEFAULT_GUEST_ROLE = "Public"

#: Superset engine (``Database.backend``, the SQLAlchemy backend name of the database URI)
#: to rlsq dialect name. The grouping is Superset's own ``SQLGLOT_DIALECTS``
#: (``superset/sql/parse.py``): the engines Superset parses as PostgreSQL are rewritten
#: with rlsq's ``postgres`` dialect, and so on. The names are sqlglot's; a name rlsq does
#: not implement (yet) makes the engine raise ``rlsq.UnknownDialect`` (an
#: :class:`rlsq.Error`), so such a backend is refused, never passed through. Engines
#: Superset maps to a custom dialect class, or to none (vertica, db2, dremio, firebolt,
#: pinot, singlestoredb, yql, elasticsearch, kusto, ...) are absent: they raise
#: :class:`UnsupportedBackend`.
#:
#: Note that cockroachdb, hana, netezza and parseable get PostgreSQL 15's rules (name
#: resolution, system relations, function allow-list), as Superset parses them with the
#: PostgreSQL grammar; a deployment that does not want that removes them with
#: ``dialects={"hana": None, ...}``.
SUPERSET_BACKEND_DIALECTS: Dict[str, str] = {
    # PostgreSQL family
    "postgresql": "postgres",
    "postgres": "postgres",  # PostgresEngineSpec.engine_aliases
    "cockroachdb": "postgres",
    "hana": "postgres",
    "netezza": "postgres",
    "parseable": "postgres",
    # MySQL family
    "mysql": "mysql",
    "mariadb": "mariadb",
    "couchbase": "mysql",
    "oceanbase": "mysql",
    # SQLite family
    "sqlite": "sqlite",
    "gsheets": "sqlite",
    "shillelagh": "sqlite",
    "superset": "sqlite",
    # one dialect each
    "mssql": "tsql",
    "oracle": "oracle",
    "snowflake": "snowflake",
    "bigquery": "bigquery",
    "datastore": "bigquery",
    "redshift": "redshift",
    "trino": "trino",
    "presto": "presto",
    "awsathena": "athena",
    "databricks": "databricks",
    "spark": "spark",
    "hive": "hive",
    "ascend": "hive",
    "impala": "hive",
    "clickhouse": "clickhouse",
    "clickhousedb": "clickhouse",
    "duckdb": "duckdb",
    "motherduck": "duckdb",
    "druid": "druid",
    "drill": "drill",
    "starrocks": "starrocks",
    "risingwave": "risingwave",
    "teradatasql": "teradata",
    "pydoris": "doris",
}


class SupersetIntegrationError(rlsq.Error):
    """Base of the errors this module raises itself (the engine's own pass through)."""


class UnsupportedBackend(SupersetIntegrationError):
    """The database's backend has no rlsq dialect: the query is refused."""


class PrincipalError(SupersetIntegrationError):
    """Who runs the query cannot be told (no application context, a guest without its
    token's rules, a logged-in user without a username, ...): the query is refused."""


class Principal:
    """Who a query runs for, in the terms of :meth:`rlsq.Engine.rewrite`.

    Exactly one of three kinds:

    * ``"user"``: a user of the policy, by ``user`` (its username);
    * ``"caller"``: an inline caller (``caller``: the dict :meth:`rlsq.Engine.rewrite`
      takes), optionally with ``guest_rules`` (an embedded-dashboard guest is a caller
      holding the guest role, plus its token's rules);
    * ``"anonymous"``: nobody; the policy's public role.
    """

    __slots__ = ("kind", "user", "caller", "guest_rules")

    def __init__(
        self,
        kind: str,
        user: Optional[str] = None,
        caller: Optional[Dict[str, Any]] = None,
        guest_rules: Optional[List[Dict[str, Any]]] = None,
    ) -> None:
        """Build a principal; the fields must agree with ``kind``."""
        if kind == "user":
            ok = isinstance(user, str) and bool(user) and caller is None
        elif kind == "caller":
            ok = user is None and isinstance(caller, dict)
        elif kind == "anonymous":
            ok = user is None and caller is None and not guest_rules
        else:
            ok = False
        if not ok:
            raise PrincipalError(f"inconsistent principal of kind {kind!r}")
        self.kind = kind
        self.user = user
        self.caller = caller
        self.guest_rules = guest_rules

    @classmethod
    def anonymous(cls) -> "Principal":
        """The principal of a request without a user: the policy's public role."""
        return cls("anonymous")

    @classmethod
    def for_user(cls, username: str) -> "Principal":
        """A user the policy lists, by username."""
        return cls("user", user=username)

    @classmethod
    def for_caller(
        cls, caller: Dict[str, Any], guest_rules: Optional[List[Dict[str, Any]]] = None
    ) -> "Principal":
        """An inline caller (authenticated by Superset), with optional guest rules."""
        return cls("caller", caller=caller, guest_rules=guest_rules)

    def engine_kwargs(self) -> Dict[str, Any]:
        """The ``user``, ``caller`` and ``guest_rules`` arguments of
        :meth:`rlsq.Engine.rewrite` and :meth:`rlsq.Engine.cache_key`."""
        return {"user": self.user, "caller": self.caller, "guest_rules": self.guest_rules}

    def __eq__(self, other: object) -> bool:
        """Principals are equal when all their fields are."""
        if not isinstance(other, Principal):
            return NotImplemented
        return (self.kind, self.user, self.caller, self.guest_rules) == (
            other.kind,
            other.user,
            other.caller,
            other.guest_rules,
        )

    __hash__ = None  # type: ignore[assignment]  # holds dicts

    def __repr__(self) -> str:
        """A readable form (clauses included: they are not secret from their owner)."""
        return (
            f"Principal({self.kind!r}, user={self.user!r}, caller={self.caller!r}, "
            f"guest_rules={self.guest_rules!r})"
        )


# --------------------------------------------------------------------------- principals


def _flag(obj: Any, name: str) -> bool:
    """``obj.name`` as a bool; a method (Flask-Login before 0.3) is called."""
    value = getattr(obj, name, False)
    if callable(value):
        value = value()
    return bool(value)


def _configured_guest_role(guest_role: Optional[str]) -> str:
    """``guest_role`` if given, else the application's ``GUEST_ROLE_NAME``, else
    :data:`DEFAULT_GUEST_ROLE`."""
    if guest_role:
        return guest_role
    from flask import current_app, has_app_context

    if has_app_context():
        configured = current_app.config.get("GUEST_ROLE_NAME")
        if configured:
            return str(configured)
    return DEFAULT_GUEST_ROLE


def guest_rules_for_rlsq(rules: Any) -> List[Dict[str, Any]]:
    """Convert a guest token's rules (``GuestUser.rls``) into rlsq ``guest_rules``.

    Superset treats a rule whose ``dataset`` is missing or falsy (``None``, ``""``, ``0``)
    as global, applying to every dataset, and compares a present one as a string with the
    dataset id; rlsq takes a dataset id as an int or a digit string and maps it through
    the policy's ``datasets`` key. So a falsy ``dataset`` is dropped (the rule becomes
    global, as in Superset) and everything else is passed on as it is. Unknown keys are
    kept on purpose: rlsq refuses them, where an old Superset silently dropped a mistyped
    ``dataset`` and made the rule global.

    Raises :class:`PrincipalError` when ``rules`` is not a list of mappings.
    """
    if rules is None or isinstance(rules, (str, bytes, Mapping)):
        raise PrincipalError("the guest token's rls rules are not a list")
    converted: List[Dict[str, Any]] = []
    for rule in rules:
        if not isinstance(rule, Mapping):
            raise PrincipalError(f"a guest token rls rule is not an object: {rule!r}")
        rule = dict(rule)
        if "dataset" in rule and not rule["dataset"]:
            del rule["dataset"]
        converted.append(rule)
    return converted


def _guest_principal(security_manager: Any, g_user: Any, guest_role: Optional[str]) -> Principal:
    """The principal of an embedded-dashboard guest: an inline caller holding the guest
    role, with the token's rules."""
    guest = None
    getter = getattr(security_manager, "get_current_guest_user_if_guest", None)
    if getter is not None:
        guest = getter()
    if guest is None and _flag(g_user, "is_guest_user"):
        guest = g_user
    if guest is None:
        raise PrincipalError("the request is a guest's but its guest user cannot be read")
    if not hasattr(guest, "rls"):
        raise PrincipalError("the guest user carries no rls rules")
    rules = guest_rules_for_rlsq(guest.rls)
    caller: Dict[str, Any] = {"roles": [_configured_guest_role(guest_role)]}
    username = getattr(guest, "username", None)
    if not username:
        token = getattr(guest, "guest_token", None)
        if isinstance(token, Mapping) and isinstance(token.get("user"), Mapping):
            username = token["user"].get("username")
    if username:
        caller["username"] = str(username)
    return Principal.for_caller(caller, rules)


def _role_names(security_manager: Any, user: Any) -> List[str]:
    """The names of the roles Superset gives ``user`` (group roles included when the
    security manager's ``get_user_roles`` includes them, as Flask-AppBuilder's does)."""
    getter = getattr(security_manager, "get_user_roles", None)
    roles = getter(user) if getter is not None else getattr(user, "roles", None)
    if roles is None:
        raise PrincipalError("the user's roles cannot be read")
    return sorted({role if isinstance(role, str) else role.name for role in roles})


def _inline_caller(security_manager: Any, user: Any, username: str) -> Dict[str, Any]:
    """An inline caller built from Superset's user object (``inline_users=True``)."""
    caller: Dict[str, Any] = {"username": username, "roles": _role_names(security_manager, user)}
    user_id = getattr(user, "id", None)
    if isinstance(user_id, int) and not isinstance(user_id, bool):
        caller["id"] = user_id
    email = getattr(user, "email", None)
    if isinstance(email, str) and email:
        caller["email"] = email
    return caller


def _superset_security_manager() -> Any:
    """Superset's global security manager, or ``None`` when Superset is not installed
    (then a guest is recognised by ``g.user.is_guest_user`` alone)."""
    try:
        from superset import security_manager  # type: ignore[import-not-found]
    except ImportError:
        return None
    return security_manager


def current_principal(
    security_manager: Any = None,
    *,
    guest_role: Optional[str] = None,
    inline_users: bool = False,
) -> Principal:
    """Tell who the current Superset request (or Celery task) runs for.

    The order matters, because Superset's ``GuestUser`` is also an anonymous user
    (``is_anonymous`` is true for it):

    1. a guest of an embedded dashboard, when ``security_manager.is_guest_user()`` is
       true or ``g.user.is_guest_user`` is set: an inline caller holding the guest role
       (``guest_role``, default the app's ``GUEST_ROLE_NAME`` or ``"Public"``) and named
       by the guest's ``username``, with the token's rules
       (``get_current_guest_user_if_guest().rls``) as guest rules;
    2. no user (``g.user`` missing or ``None``, or ``g.user.is_anonymous``): the policy's
       public role;
    3. a logged-in user: the policy user named ``g.user.username``; with
       ``inline_users=True`` an inline caller instead, with the user's id, email and the
       names of the roles Superset gives it (the roles must exist in the policy).

    Raises :class:`PrincipalError` outside a Flask application context (who runs the
    query is unknown, which is not the same as nobody) and whenever the user cannot be
    read completely.
    """
    from flask import g, has_app_context

    if not has_app_context():
        raise PrincipalError("no Flask application context: who runs the query is unknown")
    try:
        if security_manager is None:
            security_manager = _superset_security_manager()
        g_user = getattr(g, "user", None)
        is_guest = _flag(g_user, "is_guest_user") if g_user is not None else False
        checker = getattr(security_manager, "is_guest_user", None)
        if checker is not None and checker():
            is_guest = True
        if is_guest:
            return _guest_principal(security_manager, g_user, guest_role)
        if g_user is None or _flag(g_user, "is_anonymous"):
            return Principal.anonymous()
        username = getattr(g_user, "username", None)
        if not isinstance(username, str) or not username:
            raise PrincipalError("the logged-in user has no username")
        if inline_users:
            return Principal.for_caller(_inline_caller(security_manager, g_user, username))
        return Principal.for_user(username)
    except rlsq.Error:
        raise
    except Exception as exc:  # anything unexpected refuses the query
        raise PrincipalError(f"cannot tell who runs the query: {exc!r}") from exc


# ------------------------------------------------------------------------------ dialects


def dialect_for_backend(
    backend: Optional[str], dialects: Optional[Mapping[str, Optional[str]]] = None
) -> str:
    """The rlsq dialect for a Superset backend name (``Database.backend``).

    ``dialects`` is merged over :data:`SUPERSET_BACKEND_DIALECTS`: a value adds or
    replaces a backend's dialect, ``None`` removes the backend. Raises
    :class:`UnsupportedBackend` for a backend with no dialect.
    """
    table: Dict[str, Optional[str]] = dict(SUPERSET_BACKEND_DIALECTS)
    if dialects:
        table.update({str(k).lower(): v for k, v in dialects.items()})
    if not backend:
        raise UnsupportedBackend("the database has no backend name: query refused")
    dialect = table.get(str(backend).lower())
    if not dialect:
        raise UnsupportedBackend(
            f"rlsq has no SQL dialect for the database backend {backend!r}: query refused"
        )
    return dialect


def _backend_of(database: Any) -> Optional[str]:
    """Superset's backend name of ``database``: ``Database.backend``, else the engine
    spec's ``engine``."""
    backend = getattr(database, "backend", None)
    if not backend:
        spec = getattr(database, "db_engine_spec", None)
        backend = getattr(spec, "engine", None)
    return backend


def _database_name(database: Any) -> str:
    """``Database.database_name``: the name Superset's permissions use (``[db]...``)."""
    name = getattr(database, "database_name", None)
    if not isinstance(name, str) or not name:
        raise SupersetIntegrationError("the database has no database_name: query refused")
    return name


# ------------------------------------------------------------------------------- mutator

#: Positional arguments of Superset's older mutator calls, after ``sql``
#: (``SQL_QUERY_MUTATOR(sql, user_name, security_manager, database)``).
_LEGACY_POSITIONAL = ("user_name", "security_manager", "database")


def _resolve(
    security_manager: Any,
    guest_role: Optional[str],
    inline_users: bool,
    resolve_principal: Optional[Callable[[Any], Principal]],
) -> Principal:
    """The principal of the current request, as the mutator and the cache key both need it."""
    if resolve_principal is None:
        return current_principal(security_manager, guest_role=guest_role, inline_users=inline_users)
    principal = resolve_principal(security_manager)
    if not isinstance(principal, Principal):
        raise PrincipalError("resolve_principal did not return a Principal")
    return principal


#: ``search_path`` value meaning: the connection's search path is the policy's ``search_path``.
POLICY_SEARCH_PATH = "policy"


def _path_kwargs(search_path: Union[None, str, List[str]]) -> Dict[str, Any]:
    """The engine arguments for a mutator's ``search_path`` setting.

    ``None``: the connection's search path is unknown, so unqualified table names are
    refused (Superset may connect with the schema picked in SQL Lab or a virtual dataset's
    schema as the search path, which the mutator is not told). :data:`POLICY_SEARCH_PATH`:
    the deployment asserts every connection uses the policy's ``search_path``. A list of
    schema names: that path.
    """
    if search_path is None:
        return {"search_path_unknown": True}
    if search_path == POLICY_SEARCH_PATH:
        return {}
    if isinstance(search_path, str):
        raise ValueError(
            f"search_path must be None, {POLICY_SEARCH_PATH!r} or a list of schema names, not {search_path!r}"
        )
    return {"search_path": list(search_path)}


def make_sql_query_mutator(
    engine: "rlsq.Engine",
    *,
    guest_role: Optional[str] = None,
    dialects: Optional[Mapping[str, Optional[str]]] = None,
    search_path: Union[None, str, List[str]] = None,
    inline_users: bool = False,
    resolve_principal: Optional[Callable[[Any], Principal]] = None,
) -> Callable[..., str]:
    """Build a ``SQL_QUERY_MUTATOR`` that rewrites every query with ``engine``.

    Superset calls it as ``mutator(sql, security_manager=..., database=...)``; older
    versions passed ``user_name`` too, or everything positionally, so any extra argument
    is accepted (the user always comes from :func:`current_principal`, never from a
    ``user_name`` argument).

    For each call the mutator

    1. maps ``database.backend`` to an rlsq dialect (:func:`dialect_for_backend`;
       ``dialects`` overrides entries);
    2. resolves the principal (:func:`current_principal` with ``guest_role`` and
       ``inline_users``, or ``resolve_principal(security_manager)`` if given);
    3. returns ``engine.rewrite(sql, dialect=..., database=database.database_name,
       user/caller/guest_rules=...)`` with the search path that ``search_path`` gives.

    Any failure raises: a refused query (:class:`rlsq.QueryRefused`), missing access
    (:class:`rlsq.AccessDenied`), an unknown user (:class:`rlsq.UnknownUser`), an
    unsupported backend (:class:`UnsupportedBackend`, or the engine's
    ``rlsq.UnknownDialect``), an unknown principal (:class:`PrincipalError`), an argument
    the engine rejects with ValueError/TypeError (:class:`SupersetIntegrationError`). The
    query is never returned unrewritten.

    ``guest_role`` must be Superset's ``GUEST_ROLE_NAME``; left ``None`` it is read from
    the app's config (``"Public"`` when unset). ``search_path`` is the connection's search
    path: ``None`` (the default) when it is not known, and then unqualified table names
    are refused (Superset can connect with the schema picked in SQL Lab as the search
    path); :data:`POLICY_SEARCH_PATH` when every connection uses the policy's; or a list
    of schema names.
    """

    path_kwargs = _path_kwargs(search_path)  # a bad setting fails at configuration time

    def sql_query_mutator(sql: str, *args: Any, **kwargs: Any) -> str:
        """Rewrite ``sql`` with rlsq for the current principal, or raise."""
        if len(args) > len(_LEGACY_POSITIONAL):
            raise SupersetIntegrationError("SQL_QUERY_MUTATOR called with unexpected arguments")
        for name, value in zip(_LEGACY_POSITIONAL, args):
            kwargs.setdefault(name, value)
        if not isinstance(sql, str):
            raise SupersetIntegrationError("SQL_QUERY_MUTATOR called without SQL text")
        database = kwargs.get("database")
        if database is None:
            raise SupersetIntegrationError(
                "SQL_QUERY_MUTATOR called without a database: query refused"
            )
        security_manager = kwargs.get("security_manager")
        dialect = dialect_for_backend(_backend_of(database), dialects)
        database_name = _database_name(database)
        principal = _resolve(security_manager, guest_role, inline_users, resolve_principal)
        try:
            rewritten = engine.rewrite(
                sql,
                dialect=dialect,
                database=database_name,
                **path_kwargs,
                **principal.engine_kwargs(),
            )
        except rlsq.Error as exc:
            logger.info("rlsq refused a query on %s for %r: %s", database_name, principal, exc)
            raise
        except (ValueError, TypeError) as exc:
            # an argument the engine rejects (a dialect it lacks, a malformed guest rule):
            # still a refusal Superset must show, so an rlsq.Error
            logger.info("rlsq rejected a query on %s for %r: %s", database_name, principal, exc)
            raise SupersetIntegrationError(f"query refused: {exc}") from exc
        if not isinstance(rewritten, str):
            raise SupersetIntegrationError("rlsq returned no SQL: query refused")
        return rewritten

    sql_query_mutator.rlsq_engine = engine  # type: ignore[attr-defined]
    return sql_query_mutator


# ----------------------------------------------------------------------------- cache key


def rls_cache_key(
    engine: "rlsq.Engine",
    datasource: Any = None,
    *,
    security_manager: Any = None,
    guest_role: Optional[str] = None,
    dialects: Optional[Mapping[str, Optional[str]]] = None,
    search_path: Union[None, str, List[str]] = None,
    inline_users: bool = False,
    resolve_principal: Optional[Callable[[Any], Principal]] = None,
) -> str:
    """The rlsq part of a chart's cache key for the current principal: ``"rlsq:<hex>"``.

    Superset's chart cache key does not see what ``SQL_QUERY_MUTATOR`` changes, so without
    this two users with different rlsq filters would share cached results. The value is
    :meth:`rlsq.Engine.cache_key` for the principal :func:`current_principal` resolves
    (the same way the mutator does; pass the same ``guest_role``, ``dialects``,
    ``search_path``, ``inline_users`` and ``resolve_principal``), and for the datasource's
    database (``datasource.database``: its ``database_name`` and the dialect of its
    backend) when it has one. Add it to the list ``get_rls_cache_key`` returns (what
    :class:`RlsqSecurityManagerMixin` does). Raises like the mutator when the principal
    cannot be resolved; a backend without a dialect is not an error here (the mutator
    refuses its queries), the engine's default dialect is keyed instead.
    """
    principal = _resolve(security_manager, guest_role, inline_users, resolve_principal)
    database = getattr(datasource, "database", None)
    database_name: Optional[str] = None
    dialect: Optional[str] = None
    if database is not None:
        name = getattr(database, "database_name", None)
        if isinstance(name, str) and name:
            database_name = name
        try:
            dialect = dialect_for_backend(_backend_of(database), dialects)
        except UnsupportedBackend:
            dialect = None
    key = engine.cache_key(
        database=database_name,
        dialect=dialect,
        **_path_kwargs(search_path),
        **principal.engine_kwargs(),
    )
    return f"rlsq:{key}"


class RlsqSecurityManagerMixin:
    """Mixin for Superset's ``CUSTOM_SECURITY_MANAGER``: puts the rlsq fingerprint of the
    current principal into every chart cache key.

    Put it before ``SupersetSecurityManager`` in the bases::

        class RlsqSecurityManager(RlsqSecurityManagerMixin, SupersetSecurityManager):
            rlsq_engine = RLSQ_ENGINE            # the engine the mutator uses

        CUSTOM_SECURITY_MANAGER = RlsqSecurityManager

    ``get_rls_cache_key(datasource)`` returns Superset's own list (its RLS clauses and
    guest rules) plus :func:`rls_cache_key`. The engine is the class attribute
    ``rlsq_engine``, else the app config's ``RLSQ_ENGINE``; without one the call raises
    (so a misconfiguration shows instead of caching across users). ``rlsq_guest_role``,
    ``rlsq_dialects``, ``rlsq_search_path``, ``rlsq_inline_users`` and
    ``rlsq_resolve_principal`` must match the mutator's arguments.
    """

    rlsq_engine: Any = None
    rlsq_guest_role: Optional[str] = None
    rlsq_dialects: Optional[Mapping[str, Optional[str]]] = None
    rlsq_search_path: Union[None, str, List[str]] = None
    rlsq_inline_users: bool = False
    rlsq_resolve_principal: Optional[Callable[[Any], Principal]] = None

    def _rlsq_engine(self) -> Any:
        """The engine: ``rlsq_engine``, else ``current_app.config["RLSQ_ENGINE"]``."""
        engine = self.rlsq_engine
        if engine is None:
            from flask import current_app, has_app_context

            if has_app_context():
                engine = current_app.config.get("RLSQ_ENGINE")
        if engine is None:
            raise SupersetIntegrationError(
                "RlsqSecurityManagerMixin needs rlsq_engine or the RLSQ_ENGINE config key"
            )
        return engine

    def get_rls_cache_key(self, datasource: Any) -> List[str]:
        """Superset's RLS cache-key entries for ``datasource`` plus the rlsq entry."""
        parent = getattr(super(), "get_rls_cache_key", None)
        base = list(parent(datasource)) if parent is not None else []
        resolver = type(self).rlsq_resolve_principal
        base.append(
            rls_cache_key(
                self._rlsq_engine(),
                datasource,
                security_manager=self,
                guest_role=self.rlsq_guest_role,
                dialects=self.rlsq_dialects,
                search_path=self.rlsq_search_path,
                inline_users=self.rlsq_inline_users,
                resolve_principal=resolver,
            )
        )
        return base
