"""Tests of rlsq.superset, the way Superset uses it.

Superset is not installed here, so its two objects that the integration touches are
stood in for by small fakes that behave like Superset's:

* ``SupersetLikeDatabase`` plays ``superset.models.core.Database``: ``backend`` is the
  SQLAlchemy backend name of its (real) engine's URL, ``mutate_sql_based_on_config`` is
  Superset's call site of ``SQL_QUERY_MUTATOR`` (only when ``is_split`` equals
  ``MUTATE_AFTER_SPLIT``, with ``security_manager=`` and ``database=``), and ``get_df``
  runs each statement on a raw DBAPI cursor as Superset's ``Database.get_df`` does;
* ``FakeSecurityManager`` plays ``SupersetSecurityManager``: ``is_guest_user`` /
  ``get_current_guest_user_if_guest`` read ``g.user`` as Superset does (the guest user
  is ``g.user``, and it is anonymous too), ``get_rls_cache_key`` returns Superset's own
  part of the key.

Everything else is real: a Flask application with request (or app) contexts and
``flask.g``, SQLAlchemy with psycopg2, and a throwaway PostgreSQL 15 (``pg_server``).

The oracle for row filtering is PostgreSQL's own row-level security: for each principal
a NOLOGIN role with a PERMISSIVE ``USING (true)`` policy on every table and one
RESTRICTIVE ``USING (clause)`` policy per clause the principal must get, written here by
hand from the policy's semantics (not asked from rlsq). The original query runs under
``SET ROLE``; the rewritten one runs as the superuser (which bypasses RLS), and the rows
must be equal as multisets.
"""

from __future__ import annotations

import json
from collections import Counter

import pytest
import sqlalchemy as sa
from flask import Flask, g

import rlsq
import rlsq.superset as rs
from pg_server import PgServer, pg_binaries_missing

_PG_MISSING = pg_binaries_missing()
requires_pg = pytest.mark.skipif(
    _PG_MISSING is not None, reason=f"needs a PostgreSQL 15 server: {_PG_MISSING}"
)

DATABASE_NAME = "shop"

# --------------------------------------------------------------------------- the data

SCHEMA_SQL = """
CREATE SCHEMA sales;
CREATE TABLE region (region_id int PRIMARY KEY, region_name text NOT NULL, tenant_id int NOT NULL);
CREATE TABLE "Customers" ("CustomerId" int PRIMARY KEY, "Name" text NOT NULL,
                          "RegionId" int NOT NULL, "Segment" text NOT NULL, tenant_id int NOT NULL);
CREATE TABLE orders (order_id int PRIMARY KEY, "CustomerId" int NOT NULL, status text NOT NULL,
                     amount numeric(10, 2) NOT NULL, sales_rep text NOT NULL, tenant_id int NOT NULL);
CREATE TABLE sales.targets (region_id int, target numeric, tenant_id int);

INSERT INTO region VALUES (1, 'EUROPE', 1), (2, 'MIDDLE EAST', 2), (3, 'AMERICA', 1), (4, 'ASIA', 2);
INSERT INTO "Customers"
  SELECT i, (ARRAY['Acme', 'Bolt', 'Crane', 'Cobalt', 'Delta'])[i % 5 + 1] || ' ' || i,
         i % 4 + 1, (ARRAY['Retail', 'VIP', 'Wholesale'])[i % 3 + 1], i % 2 + 1
  FROM generate_series(1, 40) AS i;
-- customers 38..40 have no orders (the LEFT JOIN case)
INSERT INTO orders
  SELECT i, (i * 7) % 37 + 1, (ARRAY['shipped', 'cancelled', 'open'])[i % 3 + 1],
         ((i * 37) % 1000) + 0.5, (ARRAY['bob', 'erin', 'frank', 'gus', 'hal'])[i % 5 + 1],
         (i / 3) % 2 + 1
  FROM generate_series(1, 300) AS i;
INSERT INTO sales.targets VALUES (1, 1000, 1), (2, 2000, 2);
"""

TABLES = ['public.region', 'public."Customers"', "public.orders", "sales.targets"]

POLICY = {
    "default_schema": "public",
    "default_database": DATABASE_NAME,
    "role_family": "superset",
    "public_role": "Public",
    "datasets": [
        {"id": 11, "table": "public.orders"},
        {"id": 12, "table": 'public."Customers"', "database": DATABASE_NAME},
        {"id": 13, "table": "public.region"},
    ],
    "roles": [
        {"name": "Gamma"},
        {
            "name": "Public",
            "permissions": [
                ["datasource_access", "[shop].[public].[orders](id:11)"],
                ["datasource_access", "[shop].[public].[Customers](id:12)"],
                ["datasource_access", "[shop].[public].[region](id:13)"],
            ],
        },
        {
            "name": "Embedded",
            "permissions": [
                ["datasource_access", "[shop].[public].[orders](id:11)"],
                ["datasource_access", "[shop].[public].[Customers](id:12)"],
                ["datasource_access", "[shop].[public].[region](id:13)"],
            ],
        },
        {"name": "Analyst", "permissions": [["schema_access", "[shop].[public]"]]},
        {"name": "EU"},
        {"name": "US"},
        {"name": "Manager"},
        {"name": "Rep"},
    ],
    "users": [
        {"username": "alice", "id": 1, "email": "alice@example.com", "roles": ["Gamma", "Analyst", "EU"]},
        {"username": "carol", "id": 2, "email": "carol@example.com",
         "roles": ["Gamma", "Analyst", "EU", "US", "Manager"]},
        {"username": "bob", "id": 3, "email": "bob@example.com", "roles": ["Gamma", "Analyst", "Rep"]},
    ],
    "rls_filters": [
        {"name": "eu_customers", "filter_type": "Regular", "tables": ['public."Customers"'],
         "roles": ["EU"], "group_key": "region", "clause": '"RegionId" IN (1, 2)'},
        {"name": "us_customers", "filter_type": "Regular", "tables": ['"Customers"'],
         "roles": ["US"], "group_key": "region", "clause": '"RegionId" = 3'},
        {"name": "hide_vip", "filter_type": "Base", "tables": ['public."Customers"'],
         "roles": ["Manager"], "clause": "\"Segment\" <> 'VIP'"},
        {"name": "no_cancelled", "filter_type": "Regular", "tables": ["orders"],
         "roles": ["Analyst"], "clause": "status <> 'cancelled'"},
        {"name": "own_orders", "filter_type": "Regular", "tables": ["public.orders"],
         "roles": ["Rep"], "clause": "sales_rep = {{ current_username() }}"},
        {"name": "public_small", "filter_type": "Regular", "tables": ["public.orders"],
         "roles": ["Public"], "clause": "amount < 500"},
        {"name": "embedded_rep", "filter_type": "Regular", "tables": ["public.orders"],
         "roles": ["Embedded"], "clause": "sales_rep = {{ current_username() }}"},
    ],
}

GUEST_RULES = [
    {"dataset": 11, "clause": "status = 'shipped'"},  # Superset dataset id, as an int
    {"dataset": "12", "clause": "\"Segment\" = 'Retail'"},  # ... and as a string
    {"clause": "tenant_id = 1"},  # no dataset: every table
]
GUEST2_RULES = [{"dataset": None, "clause": "tenant_id = 2"}]  # falsy dataset: global too

# What each principal must see, per table, written from the policy by hand (the oracle).
EXPECTED_CLAUSES = {
    "alice": {
        "public.orders": ["status <> 'cancelled'"],
        'public."Customers"': ['"RegionId" IN (1, 2)', "\"Segment\" <> 'VIP'"],
    },
    "carol": {  # two filters of group "region" are ORed; Manager escapes the Base filter
        "public.orders": ["status <> 'cancelled'"],
        'public."Customers"': ['("RegionId" IN (1, 2)) OR ("RegionId" = 3)'],
    },
    "bob": {
        "public.orders": ["status <> 'cancelled'", "sales_rep = 'bob'"],
        'public."Customers"': ["\"Segment\" <> 'VIP'"],
    },
    "anonymous": {
        "public.orders": ["amount < 500"],
        'public."Customers"': ["\"Segment\" <> 'VIP'"],
    },
    "guest": {  # role Public plus the token's rules
        "public.orders": ["amount < 500", "status = 'shipped'", "tenant_id = 1"],
        'public."Customers"': ["\"Segment\" <> 'VIP'", "\"Segment\" = 'Retail'", "tenant_id = 1"],
        "public.region": ["tenant_id = 1"],
    },
    "guest_erin": {  # GUEST_ROLE_NAME = "Embedded", username erin, one global rule
        "public.orders": ["sales_rep = 'erin'", "tenant_id = 2"],
        'public."Customers"': ["\"Segment\" <> 'VIP'", "tenant_id = 2"],
        "public.region": ["tenant_id = 2"],
    },
}

# ------------------------------------------------------------------------ the queries

# A chart-like query: aggregates, GROUP BY, two joins, two subqueries reading filtered
# tables, mixed-case identifiers (quoted "Customers", unquoted Orders / O.Amount).
CHART_SQL = """SELECT r.region_name AS "Region", C."Segment", count(*) AS "Orders",
       sum(O.Amount) AS "Total"
FROM Orders AS O
JOIN public."Customers" AS C ON C."CustomerId" = O."CustomerId"
JOIN Region r ON r.region_id = C."RegionId"
WHERE O.amount > (SELECT avg(amount) / 4 FROM orders WHERE status IS NOT NULL)
  AND C."CustomerId" IN (SELECT "CustomerId" FROM "Customers" WHERE "Name" LIKE 'C%')
GROUP BY r.region_name, C."Segment"
ORDER BY "Region", C."Segment"
LIMIT 1000"""

# The shape Superset builds for a chart on a virtual dataset.
VIRTUAL_DATASET_SQL = """SELECT "Segment" AS "Segment", sum("Total") AS "SUM(Total)", count(*) AS count
FROM (SELECT c."Segment", o.amount AS "Total"
      FROM orders o JOIN "Customers" c USING ("CustomerId")) AS virtual_table
GROUP BY "Segment"
ORDER BY "SUM(Total)" DESC
LIMIT 10000"""

# Filtered tables on the null-supplying side of outer joins.
LEFT_JOIN_SQL = """SELECT c."Name", count(o.order_id) AS n, coalesce(sum(o.amount), 0) AS total
FROM "Customers" c LEFT JOIN orders o ON o."CustomerId" = c."CustomerId"
GROUP BY c."Name" ORDER BY c."Name\""""
RIGHT_JOIN_SQL = """SELECT o.order_id, c."Name" FROM "Customers" c
RIGHT JOIN orders o ON o."CustomerId" = c."CustomerId" AND c."Segment" <> 'Wholesale'"""
FULL_JOIN_SQL = """SELECT o.order_id, c."CustomerId", c."Segment"
FROM orders o FULL JOIN "Customers" c ON o."CustomerId" = c."CustomerId\""""

# ----------------------------------------------------------------------------- fakes


# The search path of the test server's connections (PostgreSQL's default "$user", public; no role has a schema of
# its own name), which the mutators are told. Without it the mutator refuses unqualified names
# (test_unknown_search_path_refuses_unqualified_names).
PUBLIC_PATH = ["public"]

class Role:
    """A Flask-AppBuilder role: only its name matters."""

    def __init__(self, name):
        self.name = name


class User:
    """A logged-in Flask-AppBuilder user (``g.user`` after login)."""

    is_anonymous = False
    is_authenticated = True

    def __init__(self, username, user_id=None, email=None, roles=()):
        self.username = username
        self.id = user_id
        self.email = email
        self.roles = [Role(r) for r in roles]


class AnonymousUser:
    """Flask-Login's anonymous user (``g.user`` when nobody is logged in)."""

    is_anonymous = True
    is_authenticated = False


class GuestUser(AnonymousUser):
    """Superset's GuestUser: anonymous for Flask-Login, with the token's claims."""

    is_guest_user = True

    def __init__(self, username, rls, roles=("Public",)):
        self.username = username
        self.rls = rls
        self.roles = [Role(r) for r in roles]
        self.guest_token = {"user": {"username": username}, "rls_rules": rls, "type": "guest"}


class FakeSecurityManager:
    """The parts of SupersetSecurityManager the integration calls."""

    def __init__(self, embedded=True):
        self.embedded = embedded  # the EMBEDDED_SUPERSET feature flag

    def is_guest_user(self, user=None):
        """Superset: False unless EMBEDDED_SUPERSET; then whether g.user is a guest."""
        if not self.embedded:
            return False
        user = user if user is not None else getattr(g, "user", None)
        return bool(getattr(user, "is_guest_user", False))

    def get_current_guest_user_if_guest(self):
        """Superset: g.user when it is a guest, else None."""
        return g.user if self.is_guest_user() else None

    def get_user_roles(self, user=None):
        """Flask-AppBuilder: the user's roles (groups' roles too; none here)."""
        return list((user or g.user).roles)

    def get_rls_cache_key(self, datasource):
        """Superset's own part of the cache key (its RLS clauses): fixed here."""
        return [f"superset-rls-of-{datasource.id}"]


class RlsqSecurityManager(rs.RlsqSecurityManagerMixin, FakeSecurityManager):
    """What a deployment's CUSTOM_SECURITY_MANAGER looks like (engine from config)."""

    rlsq_search_path = ["public"]


class SupersetLikeDatabase:
    """superset.models.core.Database, reduced to what the mutator sees and its call site."""

    def __init__(self, database_name, sqla_engine, security_manager, backend=None):
        self.database_name = database_name
        self._engine = sqla_engine
        self._backend = backend
        self.security_manager = security_manager
        self.executed = []  # every statement sent to the server

    @property
    def backend(self):
        """Superset: ``sqlalchemy_url.get_backend_name()``."""
        if self._backend is not None:
            return self._backend
        return self._engine.url.get_backend_name()

    def mutate_sql_based_on_config(self, sql_, is_split=False):
        """Superset's call site: the mutator runs only when is_split matches the flag."""
        from flask import current_app

        mutator = current_app.config["SQL_QUERY_MUTATOR"]
        if mutator and is_split == current_app.config["MUTATE_AFTER_SPLIT"]:
            return mutator(sql_, security_manager=self.security_manager, database=self)
        return sql_

    def get_df(self, sql):
        """Like Database.get_df: mutate (per statement, is_split=True), then run each on a
        raw DBAPI cursor; returns the last statement's rows."""
        statements = [sql]  # the queries here are single statements
        conn = self._engine.raw_connection()
        try:
            cursor = conn.cursor()
            rows = None
            for statement in statements:
                statement = self.mutate_sql_based_on_config(statement, is_split=True)
                self.executed.append(statement)
                cursor.execute(statement)
                rows = cursor.fetchall()
            conn.rollback()
            return rows
        finally:
            conn.close()

    def run_chart_query(self, sql):
        """The chart path with MUTATE_AFTER_SPLIT = False: get_query_str_extended mutates
        the compiled SQL (is_split=False), get_df runs it."""
        return self.get_df(self.mutate_sql_based_on_config(sql, is_split=False))


class Dataset:
    """A SqlaTable, for get_rls_cache_key(datasource)."""

    def __init__(self, dataset_id, database):
        self.id = dataset_id
        self.database = database


# -------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def pg():
    """A throwaway PostgreSQL server, stopped and removed at the end (also on failure)."""
    if _PG_MISSING is not None:
        pytest.skip(f"needs a PostgreSQL 15 server: {_PG_MISSING}")
    server = PgServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def sqla_engine(pg):
    """SQLAlchemy (psycopg2) engine on database ``shop``, with the data and one native-RLS
    role per principal of EXPECTED_CLAUSES."""
    admin = sa.create_engine(pg.sqlalchemy_url("postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {DATABASE_NAME}")
    admin.dispose()
    engine = sa.create_engine(pg.sqlalchemy_url(DATABASE_NAME))
    conn = engine.raw_connection()
    try:
        cur = conn.cursor()
        cur.execute(SCHEMA_SQL)
        for table in TABLES:
            cur.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        for principal, clauses in EXPECTED_CLAUSES.items():
            role = f"oracle_{principal}"
            cur.execute(f"CREATE ROLE {role} NOLOGIN")
            cur.execute(f"GRANT USAGE ON SCHEMA public, sales TO {role}")
            cur.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA public, sales TO {role}")
            for t, table in enumerate(TABLES):
                cur.execute(f"CREATE POLICY {role}_all_{t} ON {table} AS PERMISSIVE "
                            f"FOR SELECT TO {role} USING (true)")
                for c, clause in enumerate(clauses.get(table, [])):
                    cur.execute(f"CREATE POLICY {role}_{t}_{c} ON {table} AS RESTRICTIVE "
                                f"FOR SELECT TO {role} USING ({clause})")
        conn.commit()
    finally:
        conn.close()
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def engine():
    """The rlsq engine under test."""
    return rlsq.Engine.from_json(json.dumps(POLICY), dialect="postgres")


@pytest.fixture()
def app(engine):
    """A Flask app configured as superset_config.py would be."""
    flask_app = Flask("superset_like")
    flask_app.config.update(
        SQL_QUERY_MUTATOR=rs.make_sql_query_mutator(engine, search_path=PUBLIC_PATH),
        MUTATE_AFTER_SPLIT=False,
        GUEST_ROLE_NAME="Public",
        RLSQ_ENGINE=engine,
        TESTING=True,
    )
    return flask_app


@pytest.fixture()
def security_manager():
    """Superset's security manager (EMBEDDED_SUPERSET on)."""
    return RlsqSecurityManager()


@pytest.fixture()
def database(sqla_engine, security_manager):
    """The Superset Database row for ``shop``."""
    return SupersetLikeDatabase(DATABASE_NAME, sqla_engine, security_manager)


@pytest.fixture()
def offline_database(security_manager):
    """A Database whose queries must never reach a server (the no-server tests)."""
    return SupersetLikeDatabase(DATABASE_NAME, sa.create_engine("postgresql+psycopg2://"),
                                security_manager)


# ---------------------------------------------------------------------------- helpers


def native_rows(sqla_engine, principal, sql):
    """The rows PostgreSQL's own RLS gives the principal's oracle role for ``sql``."""
    conn = sqla_engine.raw_connection()
    try:
        cur = conn.cursor()
        cur.execute(f"SET ROLE oracle_{principal}")
        cur.execute(sql)
        rows = cur.fetchall()
        conn.rollback()
        return rows
    finally:
        conn.close()


def superuser_rows(sqla_engine, sql):
    """The rows of ``sql`` for the superuser (no RLS: everything)."""
    conn = sqla_engine.raw_connection()
    try:
        cur = conn.cursor()
        cur.execute(sql)
        rows = cur.fetchall()
        conn.rollback()
        return rows
    finally:
        conn.close()


def as_user(app, g_user):
    """A request context (as for /api/v1/chart/data) whose ``g.user`` is ``g_user``;
    ``...`` leaves ``g.user`` unset."""
    ctx = app.test_request_context("/api/v1/chart/data", method="POST")

    class _Ctx:
        def __enter__(self):
            ctx.__enter__()
            if g_user is not ...:
                g.user = g_user
            return ctx

        def __exit__(self, *exc):
            return ctx.__exit__(*exc)

    return _Ctx()


def assert_like_native(app, database, sqla_engine, g_user, principal, sql):
    """Run ``sql`` through Superset's chart path as ``g_user`` and compare with native RLS
    for ``principal``; return the rewritten SQL."""
    with as_user(app, g_user):
        rows = database.run_chart_query(sql)
    rewritten = database.executed[-1]
    assert rewritten != sql, "the mutator returned the query unchanged"
    expected = native_rows(sqla_engine, principal, sql)
    assert Counter(map(tuple, rows)) == Counter(map(tuple, expected)), rewritten
    return rewritten


PRINCIPALS = {
    "alice": lambda: User("alice", 1, "alice@example.com", ["Gamma", "Analyst", "EU"]),
    "carol": lambda: User("carol", 2, "carol@example.com", ["Gamma", "Analyst", "EU", "US", "Manager"]),
    "bob": lambda: User("bob", 3, "bob@example.com", ["Gamma", "Analyst", "Rep"]),
    "anonymous": lambda: AnonymousUser(),
    "guest": lambda: GuestUser("embed-viewer", GUEST_RULES),
}

# ------------------------------------------------------------------ rows = native RLS


@requires_pg
@pytest.mark.parametrize("principal", sorted(PRINCIPALS))
@pytest.mark.parametrize(
    "sql",
    [CHART_SQL, VIRTUAL_DATASET_SQL],
    ids=["chart", "virtual_dataset"],
)
def test_chart_rows_equal_native_rls(app, database, sqla_engine, principal, sql):
    """A chart query through SQL_QUERY_MUTATOR returns exactly native RLS's rows."""
    assert_like_native(app, database, sqla_engine, PRINCIPALS[principal](), principal, sql)
    # not vacuous: the filters hide rows here, and some rows remain
    assert native_rows(sqla_engine, principal, sql) != superuser_rows(sqla_engine, sql)
    assert native_rows(sqla_engine, principal, sql)


@requires_pg
@pytest.mark.parametrize("principal", sorted(PRINCIPALS))
@pytest.mark.parametrize(
    "sql", [LEFT_JOIN_SQL, RIGHT_JOIN_SQL, FULL_JOIN_SQL], ids=["left", "right", "full"]
)
def test_outer_join_rows_equal_native_rls(app, database, sqla_engine, principal, sql):
    """A filtered table on the null-supplying side of an outer join: rows are native RLS's
    (Superset's own ON placement would keep the preserved side's hidden rows)."""
    assert_like_native(app, database, sqla_engine, PRINCIPALS[principal](), principal, sql)
    assert native_rows(sqla_engine, principal, sql) != superuser_rows(sqla_engine, sql)


@requires_pg
def test_sqlalchemy_compiled_chart_query(app, database, sqla_engine):
    """The SQL Superset's chart path really produces: a SQLAlchemy Core select on the
    reflected tables, compiled for the engine's dialect with literal binds."""
    md = sa.MetaData()
    orders = sa.Table("orders", md, schema="public", autoload_with=sqla_engine)
    customers = sa.Table("Customers", md, schema="public", autoload_with=sqla_engine)
    query = (
        sa.select(
            customers.c.Segment.label("Segment"),
            sa.func.count().label("count"),
            sa.func.sum(orders.c.amount).label("SUM(amount)"),
        )
        .select_from(orders.join(customers, orders.c.CustomerId == customers.c.CustomerId))
        .where(orders.c.amount > 10)
        .group_by(customers.c.Segment)
        .order_by(sa.desc("count"))
        .limit(10000)
    )
    sql = str(query.compile(dialect=sqla_engine.dialect, compile_kwargs={"literal_binds": True}))
    for principal in ("alice", "bob", "guest"):
        assert_like_native(app, database, sqla_engine, PRINCIPALS[principal](), principal, sql)


@requires_pg
def test_guest_rules_scoped_and_global(app, database, sqla_engine):
    """An embedded-dashboard guest: the guest role's filters, a rule scoped by dataset id
    (int and string) and a global one all apply, also to a table only the global rule
    names (region)."""
    guest = GuestUser("embed-viewer", GUEST_RULES)
    rewritten = assert_like_native(app, database, sqla_engine, guest, "guest", CHART_SQL)
    assert "'shipped'" in rewritten and "'Retail'" in rewritten and "tenant_id = 1" in rewritten
    region_only = "SELECT region_name FROM region ORDER BY 1"
    rewritten = assert_like_native(app, database, sqla_engine, guest, "guest", region_only)
    assert "tenant_id" in rewritten


@requires_pg
def test_guest_role_name_and_username(engine, database, sqla_engine):
    """GUEST_ROLE_NAME other than Public, and the guest's username reaching a
    ``current_username()`` clause; a falsy ``dataset`` makes a rule global (Superset)."""
    app = Flask("superset_embedded")
    app.config.update(
        SQL_QUERY_MUTATOR=rs.make_sql_query_mutator(engine, search_path=PUBLIC_PATH),  # guest role from the config
        MUTATE_AFTER_SPLIT=False,
        GUEST_ROLE_NAME="Embedded",
    )
    guest = GuestUser("erin", GUEST2_RULES, roles=["Embedded"])
    rewritten = assert_like_native(app, database, sqla_engine, guest, "guest_erin", CHART_SQL)
    assert "'erin'" in rewritten


@requires_pg
def test_guest_recognised_without_embedded_flag_answer(app, database, sqla_engine):
    """A GuestUser in g.user is a guest even when the security manager says otherwise:
    it must never fall back to the plain public role (it is anonymous too)."""
    database.security_manager = RlsqSecurityManager(embedded=False)
    assert_like_native(app, database, sqla_engine, GuestUser("embed-viewer", GUEST_RULES),
                       "guest", CHART_SQL)


@requires_pg
@pytest.mark.parametrize("g_user", [..., None, AnonymousUser()], ids=["unset", "none", "anonymous"])
def test_anonymous_uses_public_role(app, database, sqla_engine, g_user):
    """No user (g.user unset, None, or Flask-Login's anonymous user): the public role."""
    assert_like_native(app, database, sqla_engine, g_user, "anonymous", CHART_SQL)


@requires_pg
def test_inline_users(engine, database, sqla_engine):
    """inline_users=True: a Superset user unknown to the policy, by its Superset roles."""
    app = Flask("superset_inline")
    app.config.update(
        SQL_QUERY_MUTATOR=rs.make_sql_query_mutator(engine, search_path=PUBLIC_PATH, inline_users=True),
        MUTATE_AFTER_SPLIT=False,
    )
    zoe = User("zoe", 42, "zoe@example.com", ["Gamma", "Analyst", "EU"])  # alice's roles
    assert_like_native(app, database, sqla_engine, zoe, "alice", CHART_SQL)


@requires_pg
def test_app_context_only(app, database, sqla_engine):
    """An async (Celery) SQL Lab query runs in an app context with g.user set by
    override_user, no request: the mutator still sees the user."""
    with app.app_context():
        g.user = PRINCIPALS["bob"]()
        rows = database.run_chart_query(CHART_SQL)
    expected = native_rows(sqla_engine, "bob", CHART_SQL)
    assert Counter(rows) == Counter(expected)


@requires_pg
def test_mutate_after_split_true(engine, database, sqla_engine):
    """With MUTATE_AFTER_SPLIT = True the chart query is mutated once, inside get_df."""
    app = Flask("superset_split")
    app.config.update(SQL_QUERY_MUTATOR=rs.make_sql_query_mutator(engine, search_path=PUBLIC_PATH), MUTATE_AFTER_SPLIT=True)
    assert_like_native(app, database, sqla_engine, PRINCIPALS["alice"](), "alice", CHART_SQL)


# -------------------------------------------------------------------------- refusals


@requires_pg
@pytest.mark.parametrize(
    "sql, error",
    [
        ("DELETE FROM orders", rlsq.QueryRefused),
        ("UPDATE orders SET amount = 0", rlsq.QueryRefused),
        ("SELECT 1; SELECT * FROM orders", rlsq.QueryRefused),
        ("SELECT * FROM orders; DROP TABLE orders", rlsq.QueryRefused),
        ("SELECT * FROM sales.targets", rlsq.AccessDenied),
        ("SELECT o.* FROM orders o JOIN sales.targets t ON true", rlsq.AccessDenied),
    ],
)
def test_refused_queries_raise_and_run_nothing(app, database, sql, error):
    """Refused SQL raises an rlsq.Error subclass and nothing reaches the database."""
    with as_user(app, PRINCIPALS["alice"]()):
        with pytest.raises(error) as info:
            database.run_chart_query(sql)
    assert isinstance(info.value, rlsq.Error)
    assert database.executed == []
    if error is rlsq.AccessDenied:
        assert info.value.tables == ["sales.targets"]
    else:
        assert isinstance(info.value.line, int) and isinstance(info.value.column, int)


@pytest.mark.parametrize(
    "rules",
    [
        [{"datasource": 11, "clause": "status = 'shipped'"}],  # mistyped key (Superset #34203)
        [{"dataset": 99, "clause": "status = 'shipped'"}],  # an id the policy does not declare
        [{"dataset": 11, "clause": "true) OR (1 = 1"}],  # not one expression
        [{"dataset": 11}],  # no clause
    ],
    ids=["mistyped_key", "unknown_dataset", "clause_injection", "no_clause"],
)
def test_bad_guest_rules_are_refused(app, offline_database, rules):
    """A guest token whose rules rlsq cannot apply exactly refuses the query (an rlsq.Error
    for Superset to show), never drops the rule."""
    with as_user(app, GuestUser("embed-viewer", rules)):
        with pytest.raises(rlsq.Error):
            offline_database.run_chart_query("SELECT * FROM orders")
    assert offline_database.executed == []


@requires_pg
def test_guest_without_access_is_refused(app, database):
    """The guest role lacks access to sales.targets: refused, whatever the token says."""
    with as_user(app, GuestUser("embed-viewer", GUEST_RULES)):
        with pytest.raises(rlsq.AccessDenied):
            database.run_chart_query("SELECT * FROM sales.targets")
    assert database.executed == []


def test_unknown_user_is_refused(app, offline_database):
    """A logged-in user the policy does not know is refused, not treated as anonymous."""
    with as_user(app, User("mallory", 99)):
        with pytest.raises(rlsq.UnknownUser):
            offline_database.run_chart_query("SELECT * FROM orders")
    assert offline_database.executed == []


@pytest.mark.parametrize("backend", ["elasticsearch", "kustokql", "vertica", "", "nosuchdb"])
def test_backend_without_dialect_is_refused(app, security_manager, backend):
    """A backend with no rlsq dialect: UnsupportedBackend, never pass-through."""
    db = SupersetLikeDatabase(DATABASE_NAME, sa.create_engine("postgresql+psycopg2://"),
                              security_manager, backend=backend)  # '': no backend name
    with as_user(app, PRINCIPALS["alice"]()):
        with pytest.raises(rs.UnsupportedBackend):
            db.run_chart_query("SELECT * FROM orders")
    assert db.executed == []


def test_backend_mapped_to_dialect_rlsq_lacks_is_refused(app, security_manager):
    """mssql maps to tsql, which this rlsq does not implement: the engine refuses."""
    db = SupersetLikeDatabase(DATABASE_NAME, sa.create_engine("postgresql+psycopg2://"),
                              security_manager, backend="mssql")
    with as_user(app, PRINCIPALS["alice"]()):
        with pytest.raises(rlsq.Error):
            db.run_chart_query("SELECT * FROM orders")
    assert db.executed == []


def test_dialects_override_can_remove_a_backend(engine, security_manager):
    """dialects={"postgresql": None} refuses PostgreSQL databases."""
    app = Flask("superset_nopg")
    app.config.update(
        SQL_QUERY_MUTATOR=rs.make_sql_query_mutator(engine, search_path=PUBLIC_PATH, dialects={"postgresql": None}),
        MUTATE_AFTER_SPLIT=False,
    )
    db = SupersetLikeDatabase(DATABASE_NAME, sa.create_engine("postgresql+psycopg2://"),
                              security_manager)
    with as_user(app, PRINCIPALS["alice"]()):
        with pytest.raises(rs.UnsupportedBackend):
            db.run_chart_query("SELECT 1")


def test_no_application_context_is_refused(engine, offline_database):
    """Outside any Flask context the principal is unknown: refused, not anonymous."""
    mutator = rs.make_sql_query_mutator(engine, search_path=PUBLIC_PATH)
    with pytest.raises(rs.PrincipalError):
        mutator("SELECT * FROM orders", security_manager=FakeSecurityManager(),
                database=offline_database)


def test_missing_database_or_guest_rules_is_refused(app, engine, offline_database):
    """No database kwarg, a guest without rules, a user without username: refused."""
    mutator = rs.make_sql_query_mutator(engine, search_path=PUBLIC_PATH)
    with as_user(app, PRINCIPALS["alice"]()):
        with pytest.raises(rs.SupersetIntegrationError):
            mutator("SELECT * FROM orders", security_manager=FakeSecurityManager())
    broken_guest = GuestUser("g", GUEST_RULES)
    del broken_guest.rls
    with as_user(app, broken_guest):
        with pytest.raises(rs.PrincipalError):
            mutator("SELECT * FROM orders", security_manager=FakeSecurityManager(),
                    database=offline_database)
    with as_user(app, User("")):
        with pytest.raises(rs.PrincipalError):
            mutator("SELECT * FROM orders", security_manager=FakeSecurityManager(),
                    database=offline_database)


def test_legacy_positional_call(app, engine, offline_database):
    """Old Superset called SQL_QUERY_MUTATOR(sql, user_name, security_manager, database);
    the user still comes from g.user, not from the argument."""
    mutator = rs.make_sql_query_mutator(engine, search_path=PUBLIC_PATH)
    with as_user(app, PRINCIPALS["alice"]()):
        via_kwargs = mutator(CHART_SQL, security_manager=FakeSecurityManager(),
                             database=offline_database)
        positional = mutator(CHART_SQL, "admin", FakeSecurityManager(), offline_database)
    assert positional == via_kwargs != CHART_SQL


# -------------------------------------------------------------------------- principals


def test_current_principal_kinds(app):
    """current_principal: policy user, anonymous, guest (caller with the guest role)."""
    sm = FakeSecurityManager()
    with as_user(app, PRINCIPALS["alice"]()):
        assert rs.current_principal(sm) == rs.Principal.for_user("alice")
    with as_user(app, AnonymousUser()):
        assert rs.current_principal(sm) == rs.Principal.anonymous()
    with as_user(app, GuestUser("viewer", GUEST_RULES)):
        principal = rs.current_principal(sm)
    assert principal.kind == "caller"
    assert principal.caller == {"roles": ["Public"], "username": "viewer"}
    assert principal.guest_rules == GUEST_RULES
    falsy = [{"dataset": "", "clause": "x = 1"}, {"dataset": 0, "clause": "y = 2"}]
    with as_user(app, GuestUser("viewer", falsy)):
        assert rs.current_principal(sm).guest_rules == [{"clause": "x = 1"}, {"clause": "y = 2"}]


def test_dialect_mapping():
    """Superset's engine grouping, case-insensitive; unknown backends raise."""
    for backend in ("postgresql", "cockroachdb", "PostgreSQL"):
        assert rs.dialect_for_backend(backend) == "postgres"
    assert rs.dialect_for_backend("mysql") == "mysql"
    assert rs.dialect_for_backend("MariaDB") == "mariadb"
    assert rs.dialect_for_backend("sqlite") == "sqlite"
    assert rs.dialect_for_backend("exasol", {"exasol": "postgres"}) == "postgres"
    for backend in (None, "", "kustokql", "vertica"):
        with pytest.raises(rs.UnsupportedBackend):
            rs.dialect_for_backend(backend)


# --------------------------------------------------------------------------- cache keys


def test_cache_keys(app, engine, security_manager, offline_database):
    """Different filters, different keys; the same principal twice, the same key;
    Superset's own entries are kept."""
    dataset = Dataset(11, offline_database)

    def key(g_user):
        with as_user(app, g_user):
            return security_manager.get_rls_cache_key(dataset)

    alice1, alice2 = key(PRINCIPALS["alice"]()), key(PRINCIPALS["alice"]())
    assert alice1 == alice2
    assert alice1[0] == "superset-rls-of-11" and alice1[1].startswith("rlsq:")
    keys = {
        "alice": alice1,
        "bob": key(PRINCIPALS["bob"]()),
        "carol": key(PRINCIPALS["carol"]()),
        "anonymous": key(AnonymousUser()),
        "guest": key(GuestUser("embed-viewer", GUEST_RULES)),
        "guest_other_rules": key(GuestUser("embed-viewer", GUEST2_RULES)),
    }
    assert len({tuple(v) for v in keys.values()}) == len(keys), keys
    assert key(GuestUser("embed-viewer", GUEST_RULES)) == keys["guest"]
    assert key(None) == key(...) == keys["anonymous"]


def test_cache_key_function_and_engine_setting(app, engine, offline_database):
    """rls_cache_key for deployments wiring it themselves, and the mixin's engine taken
    from the class attribute; without any engine the mixin raises."""
    dataset = Dataset(12, offline_database)
    with as_user(app, PRINCIPALS["bob"]()):
        direct = rs.rls_cache_key(engine, dataset, security_manager=FakeSecurityManager(),
                                  search_path=PUBLIC_PATH)
        via_mixin = RlsqSecurityManager().get_rls_cache_key(dataset)[-1]

        class WithEngine(rs.RlsqSecurityManagerMixin, FakeSecurityManager):
            rlsq_engine = engine
            rlsq_search_path = PUBLIC_PATH

        via_attribute = WithEngine().get_rls_cache_key(dataset)[-1]
    assert direct == via_mixin == via_attribute
    assert direct.startswith("rlsq:") and len(direct) > len("rlsq:")
    bare = Flask("no_engine")
    with bare.test_request_context():
        g.user = PRINCIPALS["bob"]()
        with pytest.raises(rs.SupersetIntegrationError):
            RlsqSecurityManager().get_rls_cache_key(dataset)


def test_unknown_search_path_refuses_unqualified_names(app, engine, offline_database):
    """By default the mutator does not know the connection's search path (Superset may connect with the schema
    picked in SQL Lab as the search path): unqualified names are refused, qualified ones are rewritten, and the
    deployment can assert the policy's path (POLICY_SEARCH_PATH) or give one."""
    mutator = rs.make_sql_query_mutator(engine)
    sm = FakeSecurityManager()
    with as_user(app, PRINCIPALS["alice"]()):
        with pytest.raises(rlsq.QueryRefused) as refused:
            mutator("SELECT count(*) FROM orders", security_manager=sm, database=offline_database)
        assert "not schema-qualified" in str(refused.value) and refused.value.line == 1
        qualified = mutator("SELECT count(*) FROM public.orders", security_manager=sm, database=offline_database)
        assert qualified != "SELECT count(*) FROM public.orders"
        trusting = rs.make_sql_query_mutator(engine, search_path=rs.POLICY_SEARCH_PATH)
        assert trusting("SELECT count(*) FROM orders", security_manager=sm, database=offline_database) != (
            "SELECT count(*) FROM orders")
    with pytest.raises(ValueError):
        rs.make_sql_query_mutator(engine, search_path="public")
