"""Tests of the rlsq Python module: rewriting, explain, can, cache_key, reload, errors.

Run from the build tree (ctest -L python does this):

    PYTHONPATH=<build>/python /usr/bin/python3 -m pytest -q python/tests/test_engine.py

When the CLI is found (RLSQ_CLI, or <build>/cli/rlsq next to the module's build tree), the rewrites are also
compared with what `rlsq rewrite` prints.
"""

import json
import os
import pickle
import shutil
import subprocess
from pathlib import Path

import pytest

import rlsq

HERE = Path(__file__).resolve().parent
EXAMPLES = Path(os.environ.get("RLSQ_EXAMPLES_DIR", HERE.parent.parent / "examples"))
POLICY = EXAMPLES / "policy.json"
TEMPLATES = EXAMPLES / "templates_policy.json"


def _find_cli():
    cli = os.environ.get("RLSQ_CLI")
    if cli and os.access(cli, os.X_OK):
        return cli
    # <build>/python/rlsq/_rlsq*.so -> <build>/cli/rlsq
    candidate = Path(rlsq._rlsq.__file__).resolve().parent.parent.parent / "cli" / "rlsq"
    if candidate.is_file() and os.access(candidate, os.X_OK):
        return str(candidate)
    return shutil.which("rlsq")


CLI = _find_cli()

# A policy whose public role can read `nation`, with a dataset id for guest rules.
INLINE_POLICY = {
    "default_schema": "public",
    "default_database": "tpch",
    "public_role": "Public",
    "roles": [
        {"name": "Public", "permissions": [["datasource_access", "[tpch].[public].[nation]"]]},
        {"name": "Analyst", "permissions": [["schema_access", "[tpch].[public]"]]},
        {"name": "Viewer", "permissions": [["can_read", "Dashboard"]]},
    ],
    "users": [
        {"username": "ann", "id": 3, "email": "ann@example.com", "roles": ["Analyst"]},
        {"username": "vic", "roles": ["Viewer"]},
    ],
    "datasets": [{"id": 12, "table": "public.orders"}, {"id": 13, "table": "public.nation"}],
    "rls_filters": [
        {"name": "public_nations", "filter_type": "Regular", "tables": ["nation"], "roles": ["Public"],
         "clause": "n_regionkey = 0"},
        {"name": "open_orders", "filter_type": "Regular", "tables": ["orders"], "roles": ["Analyst"],
         "clause": "o_orderstatus = 'O'"},
    ],
}


@pytest.fixture(scope="module")
def engine():
    return rlsq.Engine.from_file(str(POLICY))


@pytest.fixture(scope="module")
def templates():
    return rlsq.Engine.from_file(str(TEMPLATES))


@pytest.fixture()
def inline():
    return rlsq.Engine.from_json(json.dumps(INLINE_POLICY))


def cli_rewrite(policy, *args):
    """What `rlsq rewrite` prints (stripped), or None when the CLI is not available."""
    if CLI is None:
        return None
    out = subprocess.run([CLI, "rewrite", "--policy", str(policy), *args], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.endswith("\n")
    return out.stdout[:-1]


# --- rewrite -------------------------------------------------------------------------------------------------------

JOIN_SQL = ("SELECT o_orderkey FROM orders o JOIN customer c ON c.c_custkey = o.o_custkey "
            "WHERE o.o_totalprice > 10")


def test_version():
    assert isinstance(rlsq.__version__, str) and rlsq.__version__.count(".") == 2
    assert rlsq.__version__ == rlsq._rlsq.__version__


def test_rewrite_user_filters(engine):
    out = engine.rewrite(JOIN_SQL, user="alice")
    assert out == ("SELECT o_orderkey FROM orders o JOIN customer c ON c.c_custkey = o.o_custkey "
                   "WHERE (o.o_totalprice > 10) AND (o.o_orderpriority <> '1-URGENT') "
                   "AND (c.c_mktsegment <> 'HOUSEHOLD')")
    assert engine.rewrite("SELECT n_name FROM nation", "alice") == \
        "SELECT n_name FROM nation WHERE (nation.n_regionkey IN (3, 4))"


def test_rewrite_grouped_filters_ored(engine):
    out = engine.rewrite("SELECT n_name FROM nation", user="carol")
    assert "n_regionkey IN (3, 4)" in out and "n_regionkey = 1" in out and " OR " in out


def test_rewrite_admin_unfiltered(engine):
    sql = "SELECT c_name FROM customer"
    assert engine.rewrite(sql, user="admin") == sql


@pytest.mark.parametrize("user,sql", [
    ("alice", JOIN_SQL),
    ("carol", "SELECT n_name FROM nation n WHERE n.n_nationkey < 10"),
    ("alice", None),  # examples/query.sql
])
def test_rewrite_matches_cli(engine, user, sql):
    if sql is None:
        sql = (EXAMPLES / "query.sql").read_text()
    expected = cli_rewrite(POLICY, "--user", user, "--sql", sql)
    if expected is None:
        pytest.skip("the rlsq CLI is not built")
    assert engine.rewrite(sql, user=user) == expected


def test_rewrite_templates(templates):
    assert templates.rewrite("SELECT r_name FROM region", user="alice") == \
        "SELECT r_name FROM region WHERE (region.r_name = ('EUROPE'))"
    assert templates.rewrite("SELECT c_name FROM customer c JOIN orders o ON o.o_custkey = c.c_custkey",
                             user="alice") == (
        "SELECT c_name FROM customer c JOIN orders o ON o.o_custkey = c.c_custkey "
        "WHERE (c.c_mktsegment IN ('BUILDING', 'MACHINERY')) "
        "AND (o.o_totalprice <= (200000) AND o.o_clerk <> ('alice'))")


def test_rewrite_anonymous(inline):
    assert inline.rewrite("SELECT n_name FROM nation") == \
        "SELECT n_name FROM nation WHERE (nation.n_regionkey = 0)"
    # The public role reads nothing else.
    with pytest.raises(rlsq.AccessDenied) as e:
        inline.rewrite("SELECT * FROM orders")
    assert e.value.tables == ["public.orders"]


def test_rewrite_inline_caller(templates):
    caller = {"username": "zed", "id": 3, "email": "z@x.org", "roles": ["Analyst", "Sales"],
              "attributes": {"region": "ASIA", "segments": ["AUTOMOBILE"], "max_price": 5}}
    out = templates.rewrite("SELECT * FROM region, customer, orders", caller=caller)
    assert out == ("SELECT * FROM region, customer, orders WHERE (region.r_name = ('ASIA')) "
                   "AND (customer.c_mktsegment IN ('AUTOMOBILE')) "
                   "AND (orders.o_totalprice <= (5) AND orders.o_clerk <> ('zed'))")
    expected = cli_rewrite(TEMPLATES, "--caller-json", json.dumps(caller), "--sql",
                           "SELECT * FROM region, customer, orders")
    if expected is not None:
        assert out == expected
    # Every key is optional: no roles, no filters but no access either.
    with pytest.raises(rlsq.AccessDenied):
        templates.rewrite("SELECT * FROM region", caller={})


def test_rewrite_inline_caller_unknown_role(templates):
    with pytest.raises(rlsq.UnknownUser):
        templates.rewrite("SELECT 1", caller={"username": "x", "roles": ["NoSuchRole"]})


def test_rewrite_bad_caller(templates):
    with pytest.raises(ValueError, match="unknown key"):
        templates.rewrite("SELECT 1", caller={"name": "x"})
    with pytest.raises(ValueError, match="roles"):
        templates.rewrite("SELECT 1", caller={"roles": "Analyst"})
    with pytest.raises(TypeError):
        templates.rewrite("SELECT 1", caller=["alice"])


def test_user_and_caller_together(engine):
    with pytest.raises(ValueError):
        engine.rewrite("SELECT 1", user="alice", caller={"username": "alice"})
    with pytest.raises(ValueError):
        engine.explain("SELECT 1", user="alice", caller={"username": "alice"})
    with pytest.raises(ValueError):
        engine.can("alice", "can_read", "Dashboard", caller={"username": "alice"})
    with pytest.raises(ValueError):
        engine.cache_key(user="alice", caller={"username": "alice"})


def test_guest_rules_table_name(engine):
    rules = [{"dataset": "public.orders", "clause": "o_custkey = 5"}, {"clause": "1 = 1"}]
    out = engine.rewrite("SELECT * FROM orders", user="alice", guest_rules=rules)
    assert out == ("SELECT * FROM orders WHERE (orders.o_orderpriority <> '1-URGENT') "
                   "AND (orders.o_custkey = 5) AND (1 = 1)")
    expected = cli_rewrite(POLICY, "--user", "alice", "--guest-rules", json.dumps(rules), "--sql",
                           "SELECT * FROM orders")
    if expected is not None:
        assert out == expected
    # A rule for another table leaves this one alone; None is a global rule.
    assert engine.rewrite("SELECT * FROM orders", user="admin",
                          guest_rules=[{"dataset": "public.lineitem", "clause": "l_tax > 0"}]) == \
        "SELECT * FROM orders"
    assert engine.rewrite("SELECT * FROM orders", user="admin",
                          guest_rules=[{"dataset": None, "clause": "o_custkey = 1"}]) == \
        "SELECT * FROM orders WHERE (orders.o_custkey = 1)"


def test_guest_rules_dataset_id(inline):
    for dataset in (12, "12"):
        out = inline.rewrite("SELECT * FROM orders o JOIN nation n ON n.n_nationkey = o.o_custkey", user="ann",
                             guest_rules=[{"dataset": dataset, "clause": "o_custkey = 7"}])
        assert out == ("SELECT * FROM orders o JOIN nation n ON n.n_nationkey = o.o_custkey "
                       "WHERE (o.o_orderstatus = 'O') AND (o.o_custkey = 7)")
    # A rule for dataset 12 (public.orders) does not touch other tables.
    out = inline.rewrite("SELECT * FROM nation", user="ann", guest_rules=[{"dataset": 12, "clause": "1 = 0"}])
    assert out == "SELECT * FROM nation"


def test_bad_guest_rules(engine):
    with pytest.raises(ValueError, match="clause"):
        engine.rewrite("SELECT 1", user="admin", guest_rules=[{"dataset": "orders"}])
    with pytest.raises(ValueError, match="unknown key"):
        engine.rewrite("SELECT 1", user="admin", guest_rules=[{"datset": "orders", "clause": "1 = 1"}])
    with pytest.raises(TypeError):
        engine.rewrite("SELECT 1", user="admin", guest_rules={"clause": "1 = 1"})


def test_search_path(inline):
    policy = dict(INLINE_POLICY, default_schema=None)
    del policy["default_schema"]
    policy["search_path"] = ["public", "sales"]
    policy["relations"] = ["public.nation", "public.orders", "sales.orders"]
    policy["rls_filters"] = INLINE_POLICY["rls_filters"] + [
        {"name": "sales_orders", "filter_type": "Regular", "tables": ["sales.orders"], "roles": ["Analyst"],
         "clause": "o_region = 'EU'"},
    ]
    policy["roles"] = [INLINE_POLICY["roles"][0], {"name": "Analyst", "permissions": [
        ["schema_access", "[tpch].[public]"], ["schema_access", "[tpch].[sales]"]]}] + INLINE_POLICY["roles"][2:]
    e = rlsq.Engine.from_json(json.dumps(policy))
    default = e.rewrite("SELECT * FROM orders", user="ann")
    assert "o_orderstatus = 'O'" in default
    sales = e.rewrite("SELECT * FROM orders", user="ann", search_path=["sales", "public"])
    assert "o_region = 'EU'" in sales and "o_orderstatus" not in sales
    assert e.cache_key(user="ann") != e.cache_key(user="ann", search_path=["sales", "public"])
    with pytest.raises(ValueError, match="user"):
        e.rewrite("SELECT 1", user="ann", search_path=["$user", "public"])
    with pytest.raises(ValueError, match="pg_temp"):
        e.rewrite("SELECT 1", user="ann", search_path=["pg_temp"])
    with pytest.raises(ValueError):
        e.rewrite("SELECT 1", user="ann", search_path=['"Sales"'])
    with pytest.raises(TypeError):
        e.rewrite("SELECT 1", user="ann", search_path="public")


def test_dialect_and_database(engine):
    assert engine.rewrite("SELECT n_name FROM nation", user="alice", dialect="postgres", database="tpch") == \
        "SELECT n_name FROM nation WHERE (nation.n_regionkey IN (3, 4))"
    # UnknownDialect is both a ValueError and an rlsq.Error.
    for call in (lambda: engine.rewrite("SELECT 1", user="alice", dialect="oracle"),
                 lambda: engine.explain("SELECT 1", user="alice", dialect="tsql"),
                 lambda: engine.cache_key(user="alice", dialect="db2"),
                 lambda: rlsq.Engine.from_json(json.dumps(INLINE_POLICY), dialect="db2"),
                 lambda: rlsq.Engine.from_file(str(POLICY), dialect="db2")):
        with pytest.raises(rlsq.UnknownDialect, match="dialect") as e:
            call()
        assert isinstance(e.value, ValueError) and isinstance(e.value, rlsq.Error) and e.value.message
    # Grants are per database: alice's schema access is to tpch.
    with pytest.raises(rlsq.AccessDenied):
        engine.rewrite("SELECT * FROM orders", user="alice", database="other")


def test_unicode_round_trip(engine):
    sql = "SELECT 'größe – 東京' AS x FROM orders"
    out = engine.rewrite(sql, user="alice")
    assert out.startswith("SELECT 'größe – 東京' AS x FROM orders WHERE")


# --- explain -------------------------------------------------------------------------------------------------------

def test_explain(templates):
    report = templates.explain("SELECT * FROM region", user="bob")
    assert isinstance(report, dict)
    assert report["changed"] is True
    assert report["sql"] == "SELECT * FROM region WHERE (region.r_name = ('NONE'))"
    [table] = report["tables"]
    assert table["table"] == "public.region"
    assert table["alias"] is None
    assert [f["name"] for f in table["filters"]] == ["own_region"]
    assert table["placement"]["kind"] == "where"
    if CLI is not None:
        expected = cli_rewrite(TEMPLATES, "--user", "bob", "--sql", "SELECT * FROM region", "--explain")
        assert report == json.loads(expected)


def test_explain_unchanged(engine):
    report = engine.explain("SELECT 1", user="admin")
    assert report["changed"] is False and report["sql"] == "SELECT 1" and report["tables"] == []


# --- can, cache_key ------------------------------------------------------------------------------------------------

def test_can(inline, engine):
    assert inline.can("vic", "can_read", "Dashboard") is True
    assert inline.can("ann", "can_read", "Dashboard") is False
    assert inline.can("ann", "datasource_access", "[tpch].[public].[orders]") is True
    assert engine.can("alice", "datasource_access", "[tpch].[public].[nation]") is True
    assert engine.can("dave", "datasource_access", "[tpch].[public].[nation]") is False
    assert inline.can(None, "can_read", "Dashboard", caller={"roles": ["Viewer"]}) is True
    assert inline.can(None, "can_read", "Dashboard") is False  # the public role
    with pytest.raises(rlsq.UnknownUser):
        inline.can("nobody", "can_read", "Dashboard")


def test_cache_key(engine, templates):
    k = engine.cache_key(user="alice")
    assert isinstance(k, str) and len(k) == 64 and int(k, 16) >= 0
    assert engine.cache_key(user="alice") == k
    assert engine.cache_key("alice") == k
    # Same roles, same filters: the same key (the policy has no templates).
    assert engine.cache_key(caller={"username": "other", "roles": ["Gamma", "Finance", "EMEA"]}) == k
    assert engine.cache_key(user="carol") != k
    assert engine.cache_key(user="admin") != k
    assert engine.cache_key() != k  # the public role
    assert engine.cache_key(user="alice", guest_rules=[{"clause": "1 = 1"}]) != k
    assert engine.cache_key(user="alice", database="other") != k
    # A templated policy: fields matter.
    t = templates.cache_key(caller={"username": "x", "roles": ["Analyst"], "attributes": {"region": "ASIA"}})
    assert t != templates.cache_key(caller={"username": "x", "roles": ["Analyst"], "attributes": {"region": "EU"}})
    # Stable across engines of the same policy.
    assert rlsq.Engine.from_file(str(POLICY)).cache_key(user="alice") == k
    with pytest.raises(rlsq.UnknownUser):
        engine.cache_key(user="nobody")


# --- reload ---------------------------------------------------------------------------------------------------------

def test_reload_json_and_file(inline, tmp_path):
    assert inline.reloads == 0
    before = inline.rewrite("SELECT * FROM orders", user="ann")
    assert "o_orderstatus = 'O'" in before
    changed = json.loads(json.dumps(INLINE_POLICY))
    changed["rls_filters"][1]["clause"] = "o_orderstatus = 'F'"
    inline.reload(json=json.dumps(changed))
    assert inline.reloads == 1
    assert "o_orderstatus = 'F'" in inline.rewrite("SELECT * FROM orders", user="ann")

    path = tmp_path / "policy.json"
    changed["rls_filters"][1]["clause"] = "o_orderstatus = 'P'"
    path.write_text(json.dumps(changed))
    inline.reload(path=str(path))
    assert inline.reloads == 2
    assert "o_orderstatus = 'P'" in inline.rewrite("SELECT * FROM orders", user="ann")
    inline.reload(str(path))  # positional: the path
    assert inline.reloads == 3
    inline.reload(path)  # a pathlib.Path
    assert inline.reloads == 4
    assert rlsq.Engine.from_file(POLICY).cache_key(user="alice") == rlsq.Engine.from_file(str(POLICY)).cache_key(
        user="alice")


def test_bad_reload_keeps_policy(inline, tmp_path):
    sql = "SELECT * FROM orders"
    before = inline.rewrite(sql, user="ann")
    key = inline.cache_key(user="ann")
    bad = json.loads(json.dumps(INLINE_POLICY))
    bad["rls_filters"][1]["roles"] = ["NoSuchRole"]
    with pytest.raises(rlsq.PolicyError) as e:
        inline.reload(json=json.dumps(bad))
    assert "NoSuchRole" in e.value.message
    with pytest.raises(rlsq.PolicyError):
        inline.reload(json="{not json")
    with pytest.raises(rlsq.PolicyError):
        inline.reload(path=str(tmp_path / "missing.json"))
    (tmp_path / "bad.json").write_text('{"rls_filters": [{"name": "x", "tables": ["t"], "clause": "1 +"}]}')
    with pytest.raises(rlsq.PolicyError):
        inline.reload(path=str(tmp_path / "bad.json"))
    assert inline.reloads == 0
    assert inline.rewrite(sql, user="ann") == before
    assert inline.cache_key(user="ann") == key
    with pytest.raises(ValueError):
        inline.reload()
    with pytest.raises(ValueError):
        inline.reload(path=str(POLICY), json="{}")


def test_plan_cache_counters(inline):
    assert (inline.plan_cache_hits, inline.plan_cache_misses) == (0, 0)
    for _ in range(3):
        inline.rewrite("SELECT * FROM orders WHERE o_custkey = 1", user="ann")
    assert inline.plan_cache_misses == 1
    assert inline.plan_cache_hits == 2
    assert inline.plan_cache_shape_hits == 0
    # Another constant, other whitespace, a comment: the same shape, so the plan is reused, its edits moved onto
    # the new text (each time: a plain shape hit caches nothing under the text).
    out = inline.rewrite("SELECT * FROM orders  WHERE o_custkey = 20 -- more", user="ann")
    assert out.startswith("SELECT * FROM orders  WHERE (o_custkey = 20) AND ") and out.endswith(" -- more")
    assert (inline.plan_cache_misses, inline.plan_cache_hits, inline.plan_cache_shape_hits) == (1, 3, 1)
    inline.rewrite("SELECT * FROM orders  WHERE o_custkey = 20 -- more", user="ann")
    assert (inline.plan_cache_misses, inline.plan_cache_hits, inline.plan_cache_shape_hits) == (1, 4, 2)
    inline.rewrite("SELECT * FROM orders WHERE o_orderkey = 2", user="ann")  # another column: another shape
    assert inline.plan_cache_misses == 2


# --- errors ---------------------------------------------------------------------------------------------------------

def test_query_refused_position(engine):
    with pytest.raises(rlsq.QueryRefused) as e:
        engine.rewrite("SELECT FROM WHERE", user="admin")
    err = e.value
    assert isinstance(err, rlsq.Error) and isinstance(err, Exception)
    assert (err.line, err.column) == (1, 13)
    assert "syntax error" in err.message
    assert str(err) == err.message
    with pytest.raises(rlsq.QueryRefused) as e:
        engine.rewrite("SELECT 1;\n  SELECT FROM WHERE", user="admin")
    assert e.value.line is not None and e.value.line >= 1


def test_query_refused_not_read_only(engine):
    for sql in ("DELETE FROM orders", "SELECT 1; SELECT 2", "UPDATE orders SET o_custkey = 1"):
        with pytest.raises(rlsq.QueryRefused) as e:
            engine.rewrite(sql, user="admin")
        assert e.value.message


def test_access_denied_lists_tables(engine):
    with pytest.raises(rlsq.AccessDenied) as e:
        engine.rewrite("SELECT * FROM orders, lineitem, nation, customer", user="dave")
    assert e.value.tables == ["public.nation", "public.customer"]
    assert "public.nation" in e.value.message
    assert isinstance(e.value, rlsq.Error)


def test_unknown_user(engine):
    with pytest.raises(rlsq.UnknownUser) as e:
        engine.rewrite("SELECT 1", user="nobody")
    assert "nobody" in e.value.message
    with pytest.raises(rlsq.UnknownUser):
        engine.explain("SELECT 1", user="nobody")


def test_missing_template_field(templates):
    # bob has no email, and "Ops" filters use current_user_email(): a template field that is missing.
    with pytest.raises(rlsq.Error):
        templates.rewrite("SELECT * FROM supplier", caller={"username": "x", "roles": ["Analyst"]})


def test_policy_error():
    with pytest.raises(rlsq.PolicyError) as e:
        rlsq.Engine.from_json('{"roles": [{"name": "A"}], "users": [{"username": "u", "roles": ["B"]}]}')
    assert isinstance(e.value, rlsq.Error) and "B" in e.value.message
    with pytest.raises(rlsq.PolicyError):
        rlsq.Engine.from_json("[1, 2")
    with pytest.raises(rlsq.PolicyError):
        rlsq.Engine.from_file("/nonexistent/policy.json")


def test_exceptions_pickle(engine):
    for call in (lambda: engine.rewrite("SELECT FROM WHERE", user="admin"),
                 lambda: engine.rewrite("SELECT * FROM nation, customer", user="dave"),
                 lambda: engine.rewrite("SELECT 1", user="nobody")):
        with pytest.raises(rlsq.Error) as e:
            call()
        copy = pickle.loads(pickle.dumps(e.value))
        assert type(copy) is type(e.value) and copy.message == e.value.message
        assert copy.__dict__ == e.value.__dict__


def test_exception_defaults():
    assert rlsq.QueryRefused("x").line is None and rlsq.QueryRefused("x").column is None
    assert rlsq.AccessDenied("x").tables == []
    assert issubclass(rlsq.UnknownUser, rlsq.Error) and issubclass(rlsq.PolicyError, rlsq.Error)


def test_wrong_argument_types(engine):
    with pytest.raises(TypeError):
        engine.rewrite(None, user="alice")
    with pytest.raises(TypeError):
        engine.rewrite("SELECT 1", user=3)
    # Only str: a bytearray could change under a rewrite running without the GIL.
    for sql in (b"SELECT 1", bytearray(b"SELECT 1")):
        with pytest.raises(TypeError):
            engine.rewrite(sql, user="alice")
    with pytest.raises(TypeError):
        rlsq.Engine.from_json(b"{}")
    with pytest.raises(UnicodeEncodeError):
        engine.rewrite("SELECT '\ud800'", user="alice")


def test_docstrings():
    for obj in (rlsq, rlsq.Engine, rlsq.Engine.rewrite, rlsq.Engine.explain, rlsq.Engine.can, rlsq.Engine.cache_key,
                rlsq.Engine.reload, rlsq.Engine.from_file, rlsq.Engine.from_json, rlsq.Error, rlsq.QueryRefused,
                rlsq.AccessDenied, rlsq.UnknownUser, rlsq.PolicyError, rlsq.UnknownDialect):
        assert obj.__doc__ and len(obj.__doc__) > 20, obj
    for prop in ("reloads", "plan_cache_hits", "plan_cache_misses"):
        assert getattr(rlsq.Engine, prop).__doc__


def test_typing_files():
    pkg = Path(rlsq.__file__).parent
    assert (pkg / "py.typed").exists()
    assert (pkg / "_rlsq.pyi").exists()


MARIADB_POLICY = {
    "dialect": "mariadb",
    "default_schema": "shop",
    "default_database": "shop",
    "roles": [{"name": "Ads", "permissions": [["schema_access", "[shop].[shop]"]]}],
    "users": [{"username": "ann", "roles": ["Ads"]}],
    "rls_filters": [{"name": "adv", "filter_type": "Regular", "tables": ["campaigns"], "roles": ["Ads"],
                     "clause": 'advertiser = "foo"'}],
}


def test_policy_dialect_and_dialect_options():
    # The policy names its dialect: "foo" is a MariaDB string.
    e = rlsq.Engine.from_json(json.dumps(MARIADB_POLICY))
    assert repr(e).startswith("<rlsq.Engine dialect=mariadb")
    assert e.rewrite("SELECT * FROM campaigns LIMIT 1, 2", user="ann") == \
        "SELECT * FROM campaigns WHERE (campaigns.advertiser = 'foo') LIMIT 1, 2"
    # The caller's settings apply when the policy states none; under ANSI_QUOTES "foo" is a column.
    e = rlsq.Engine.from_json(json.dumps(MARIADB_POLICY), dialect="mariadb",
                              dialect_options={"sql_mode": "ANSI_QUOTES", "lower_case_table_names": 1})
    assert e.rewrite('SELECT * FROM "Campaigns"', user="ann", dialect="mariadb") == \
        'SELECT * FROM "Campaigns" WHERE (Campaigns.advertiser = Campaigns.foo)'
    # A query in another dialect than the policy's is refused.
    with pytest.raises(rlsq.Error, match="is not the policy's"):
        e.rewrite("SELECT * FROM campaigns", user="ann", dialect="postgres")
    # The caller and the policy disagree: PolicyError.
    with pytest.raises(rlsq.PolicyError, match="written for mariadb"):
        rlsq.Engine.from_json(json.dumps(MARIADB_POLICY), dialect="postgres")
    # Bad options: UnknownDialect (a ValueError); options without a dialect, or of the wrong type.
    with pytest.raises(rlsq.UnknownDialect, match="colour"):
        rlsq.Engine.from_json(json.dumps(MARIADB_POLICY), dialect="mariadb", dialect_options={"colour": "blue"})
    with pytest.raises(ValueError, match="dialect_options goes with dialect"):
        rlsq.Engine.from_json(json.dumps(MARIADB_POLICY), dialect_options={"sql_mode": "ANSI_QUOTES"})
    with pytest.raises(TypeError):
        rlsq.Engine.from_json(json.dumps(MARIADB_POLICY), dialect="mariadb", dialect_options={"sql_mode": True})


SQLITE_POLICY = {
    "dialect": "sqlite",
    "default_database": "shop",
    "roles": [{"name": "Ads", "permissions": [["schema_access", "[shop].[main]"]]}],
    "users": [{"username": "ann", "roles": ["Ads"]}],
    "rls_filters": [{"name": "adv", "filter_type": "Regular", "tables": ["campaigns"], "roles": ["Ads"],
                     "clause": "advertiser = 'foo' AND [kind] GLOB 'a*'"}],
}


def test_sqlite_policy():
    # SQLite: main by default, names without case, [x] names, GLOB, LIMIT a, b.
    e = rlsq.Engine.from_json(json.dumps(SQLITE_POLICY))
    assert repr(e).startswith("<rlsq.Engine dialect=sqlite")
    assert e.rewrite("SELECT * FROM Campaigns LIMIT 1, 2", user="ann") == \
        "SELECT * FROM Campaigns WHERE (Campaigns.advertiser = 'foo' AND Campaigns.kind GLOB 'a*') LIMIT 1, 2"
    assert e.rewrite("SELECT * FROM main.CAMPAIGNS", user="ann", dialect="sqlite").endswith(
        "WHERE (CAMPAIGNS.advertiser = 'foo' AND CAMPAIGNS.kind GLOB 'a*')")
    # The temporary schema is not modelled; another attached database is not granted.
    with pytest.raises(rlsq.Error, match="temporary schema"):
        e.rewrite("SELECT * FROM temp.campaigns", user="ann")
    with pytest.raises(rlsq.AccessDenied):
        e.rewrite("SELECT * FROM aux.campaigns", user="ann")
    with pytest.raises(rlsq.Error, match="load_extension"):
        e.rewrite("SELECT load_extension('x') FROM campaigns", user="ann")
