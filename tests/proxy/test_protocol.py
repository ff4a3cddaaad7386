"""Sessions and refusals, with the raw wire client (pgwire.py). Tests taking the `target` fixture run against the
proxy and against PostgreSQL itself (connected as the same policy user): where PostgreSQL's behaviour is the
expected one (one ReadyForQuery per Sync, failed transactions, statement and portal lifetimes, search_path with
its transactional semantics), the proxy must be indistinguishable. Tests taking `proxy` check what only the proxy
refuses (session statements, DML/DDL through an over-privileged service role, COPY, LISTEN, FunctionCall,
secret catalogs) and that a refusal leaves the connection usable.
"""
from __future__ import annotations

import struct
from typing import Iterable, List, Optional, Sequence, Union

import pytest

import conftest as C
import pgwire as W

NATION_ALICE = 10  # alice sees the nations of regions 3 and 4
PUBLIC_REGION_KEYS = ["0", "1", "2", "3", "4"]
SALES_REGION_KEYS_ALICE = ["10", "12", "3"]  # sales.region without key 11 (filter sales_region)


def codes(x: Union[str, Iterable[str]]) -> set:
    return {x} if isinstance(x, str) else set(x)


def assert_error(fields: Optional[dict], code, severity: str = "ERROR") -> None:
    assert fields is not None, "expected an error, got success"
    assert fields.get("C") in codes(code), f"SQLSTATE {fields.get('C')} (want {code}): {fields.get('M')}"
    assert (fields.get("V") or fields.get("S")) == severity, fields


def one_error(results: List[W.Result], code, severity: str = "ERROR") -> dict:
    errors = [r.error for r in results if r.error]
    assert len(errors) == 1, results
    assert not any(r.rows for r in results), f"rows came back with a refusal: {results}"
    assert_error(errors[0], code, severity)
    return errors[0]


def scalar(conn: W.Conn, sql: str) -> Optional[str]:
    results = conn.query(sql)
    assert len(results) == 1 and results[0].error is None, results
    assert len(results[0].rows) == 1, results[0].rows
    return results[0].rows[0][0]


def column(conn: W.Conn, sql: str) -> List[Optional[str]]:
    results = conn.query(sql)
    assert len(results) == 1 and results[0].error is None, results
    return sorted(r[0] for r in results[0].rows)


def assert_usable(conn: W.Conn, status: str = "I") -> None:
    assert scalar(conn, "SELECT count(*) FROM nation") == str(NATION_ALICE)
    assert conn.status == status


def refused_at_parse(target) -> List[tuple]:
    """Statements refused before execution: on the server only a syntax error is; the proxy also refuses DML."""
    out = [("SELEC 1", C.SYNTAX)]
    if target.kind == "proxy":
        out += [("INSERT INTO canary VALUES (1)", C.DENIED), ("DELETE FROM canary", C.DENIED)]
    return out


# ------------------------------------------------------------------------------------------------ simple query

def test_simple_query_filtered(target):
    c = target.wire("alice")
    try:
        assert c.status == "I"
        assert scalar(c, "SELECT count(*) FROM nation") == str(NATION_ALICE)
        assert scalar(c, "SELECT count(*) FROM orders WHERE o_orderpriority = '1-URGENT'") == "0"
        results = c.query("SELECT count(*) FROM nation; SELECT count(*) FROM customer WHERE c_mktsegment = "
                          "'HOUSEHOLD'")
        assert [r.rows for r in results] == [[[str(NATION_ALICE)]], [["0"]]] and c.status == "I"
        results = c.query("BEGIN; SELECT count(*) FROM nation; COMMIT")
        assert [r.tag for r in results] == ["BEGIN", "SELECT 1", "COMMIT"] and c.status == "I"
        results = c.query("")
        assert len(results) == 1 and results[0].empty and c.status == "I"
    finally:
        c.terminate()


@C.needs_proxy
def test_multi_statement_query_refused_as_a_whole(proxy, db):
    c = proxy.wire("alice")
    try:
        results = c.query("SELECT 1; INSERT INTO canary VALUES (1); SELECT 2")
        one_error(results, C.DENIED)
        assert c.status == "I"
        assert db.canary_rows() == 0
        results = c.query("SELECT count(*) FROM nation; SELECT 1 FROM pg_catalog.pg_authid")
        one_error(results, C.DENIED)
        assert_usable(c)
    finally:
        c.terminate()


# ------------------------------------------------------------------------------------------------ extended query

def test_extended_refusal_gives_one_ready_for_query(target):
    c = target.wire("alice")
    try:
        for sql, code in refused_at_parse(target):
            c.parse("", sql)
            c.bind("", "")
            c.describe("P", "")
            c.execute("")
            c.parse("", "SELECT 1")  # discarded too: nothing runs after the error until Sync
            c.bind("", "")
            c.execute("")
            c.sync()
            msgs = c.read_msgs_until_ready()
            assert W.types(msgs) == "EZ", (sql, msgs)
            assert_error(msgs[0].error, code)
            assert c.status == "I"
            c.expect_nothing(0.3)
        msgs, r = c.run_extended("SELECT count(*) FROM nation")
        assert W.types(msgs) == "12TDCZ" and r.rows == [[str(NATION_ALICE)]]
    finally:
        c.terminate()


def test_extended_error_after_good_messages(target):
    """Messages before the refused one run; the rest up to Sync is skipped; one ReadyForQuery per Sync."""
    c = target.wire("alice")
    try:
        for sql, code in refused_at_parse(target):
            c.parse("", "SELECT count(*) FROM nation")
            c.bind("", "")
            c.execute("")
            c.parse("", sql)
            c.bind("", "")
            c.execute("")
            c.sync()
            c.sync()
            msgs = c.read_msgs_until_ready()
            assert W.types(msgs) == "12DCEZ", (sql, msgs)
            assert msgs[2].body[6:] == str(NATION_ALICE).encode()
            assert_error(msgs[4].error, code)
            msgs = c.read_msgs_until_ready()
            assert W.types(msgs) == "Z" and c.status == "I"
            c.expect_nothing(0.3)
    finally:
        c.terminate()


def test_extended_refusal_in_transaction_reports_failed_state(target):
    c = target.wire("alice")
    try:
        for sql, code in refused_at_parse(target):
            c.query("BEGIN")
            assert c.status == "T"
            c.parse("", sql)
            c.bind("", "")
            c.execute("")
            c.sync()
            msgs = c.read_msgs_until_ready()
            assert W.types(msgs) == "EZ" and c.status == "E", msgs
            msgs, r = c.run_extended("SELECT 1")
            assert_error(r.error, "25P02")
            assert W.types(msgs) == "EZ" and c.status == "E"
            results = c.query("COMMIT")
            assert results[0].tag == "ROLLBACK" and c.status == "I"
        assert_usable(c)
    finally:
        c.terminate()


def test_flush_delivers_without_sync(target):
    c = target.wire("alice")
    try:
        c.parse("s_flush", "SELECT n_name FROM nation WHERE n_nationkey = $1")
        c.flush()
        assert W.types([c.read_msg()]) == "1"
        c.bind("", "s_flush", ["6"])
        c.execute("")
        c.flush()
        msgs = c.read_msgs(3)
        assert W.types(msgs) == "2DC", msgs
        c.sync()
        assert W.types(c.read_msgs_until_ready()) == "Z"
    finally:
        c.terminate()


def test_named_and_unnamed_statements_and_portals(target, expected):
    c = target.wire("alice")
    try:
        sql = "SELECT n_name FROM nation WHERE n_regionkey = $1 ORDER BY n_name"
        c.parse("st_nation", sql)
        c.describe("S", "st_nation")
        c.sync()
        msgs = c.read_msgs_until_ready()
        assert W.types(msgs) == "1tTZ", msgs
        (nparams,) = struct.unpack("!H", msgs[1].body[:2])
        assert nparams == 1, "the rewrite must not add parameters"
        assert W.row_description(msgs[2].body) == ["n_name"]

        want = {k: [r[0] for r in expected.rows("alice", sql.replace("$1", k))] for k in ("1", "3", "4")}
        assert want["1"] == [] and len(want["4"]) == 5
        # the named statement, bound twice to the unnamed portal
        for key in ("3", "1"):
            c.bind("", "st_nation", [key])
            c.execute("")
        c.sync()
        msgs = c.read_msgs_until_ready()
        assert W.types(msgs) == "2" + "D" * len(want["3"]) + "C" + "2C" + "Z", msgs
        assert [W.data_row(m.body)[0] for m in msgs if m.type == "D"] == want["3"]

        # a named portal read in pieces inside a transaction
        c.query("BEGIN")
        c.bind("p_nation", "st_nation", ["4"])
        c.execute("p_nation", 2)
        c.execute("p_nation", 2)
        c.execute("p_nation", 0)
        c.close_("P", "p_nation")
        c.sync()
        msgs = c.read_msgs_until_ready()
        assert W.types(msgs) == "2DDsDDsDC3Z" and c.status == "T", msgs
        assert [W.data_row(m.body)[0] for m in msgs if m.type == "D"] == want["4"]
        assert c.query("COMMIT")[0].tag == "COMMIT"

        # closing the statement; binding it again fails (26000); redefining a live name fails (42P05)
        c.close_("S", "st_nation")
        c.sync()
        assert W.types(c.read_msgs_until_ready()) == "3Z"
        c.bind("", "st_nation", ["3"])
        c.sync()
        msgs = c.read_msgs_until_ready()
        assert W.types(msgs) == "EZ"
        assert_error(msgs[0].error, "26000")
        c.parse("st_twice", "SELECT 1")
        c.parse("st_twice", "SELECT 2")
        c.sync()
        msgs = c.read_msgs_until_ready()
        assert W.types(msgs) == "1EZ"
        assert_error(msgs[1].error, "42P05")

        # the unnamed statement: replaced by the next unnamed Parse, destroyed by a simple Query
        c.parse("", "SELECT count(*) FROM nation")
        c.parse("", "SELECT count(*) FROM orders WHERE o_orderpriority = '1-URGENT'")
        c.bind("", "")
        c.execute("")
        c.sync()
        msgs = c.read_msgs_until_ready()
        assert W.types(msgs) == "112DCZ" and W.data_row(msgs[3].body) == ["0"], msgs
        c.parse("", "SELECT 1")
        c.sync()
        c.read_msgs_until_ready()
        c.query("SELECT 2")
        c.bind("", "")
        c.sync()
        msgs = c.read_msgs_until_ready()
        assert W.types(msgs) == "EZ"
        assert_error(msgs[0].error, "26000")
    finally:
        c.terminate()


def test_parameters_are_the_clients(target, expected):
    """ParameterDescription and the Bind stay the client's: injected predicates add no $n."""
    c = target.wire("alice")
    try:
        sql = ("SELECT count(*) FROM orders o JOIN customer c ON c.c_custkey = o.o_custkey JOIN nation n ON "
               "n.n_nationkey = c.c_nationkey WHERE o.o_totalprice > $1 AND c.c_mktsegment = $2")
        c.parse("", sql)
        c.describe("S", "")
        c.bind("", "", ["100000", "BUILDING"])
        c.execute("")
        c.sync()
        msgs = c.read_msgs_until_ready()
        assert W.types(msgs) == "1tT2DCZ", msgs
        assert struct.unpack("!H", msgs[1].body[:2])[0] == 2
        literal = sql.replace("$1", "100000").replace("$2", "'BUILDING'")
        assert W.data_row(msgs[4].body) == expected.rows("alice", literal)[0]
    finally:
        c.terminate()


# ------------------------------------------------------------------------------------------------ transactions

def test_refusal_inside_transaction(target, db):
    """PostgreSQL's failed-transaction semantics: 'E', then 25P02 until ROLLBACK; COMMIT answers ROLLBACK."""
    c = target.wire("alice")
    try:
        for finish in ("COMMIT", "ROLLBACK", "END", "ABORT"):
            c.query("BEGIN")
            assert c.status == "T"
            one_error(c.query("INSERT INTO canary VALUES (1)"), C.DENIED)
            assert c.status == "E"
            one_error(c.query("SELECT count(*) FROM nation"), "25P02")
            assert c.status == "E"
            results = c.query(finish)
            assert results[0].tag == "ROLLBACK" and c.status == "I", (finish, results)
        assert_usable(c)
        assert db.canary_rows() == 0
    finally:
        c.terminate()


def test_savepoint_recovers_from_a_refusal(target):
    c = target.wire("alice")
    try:
        c.query("START TRANSACTION")
        c.query("SAVEPOINT s1")
        one_error(c.query("INSERT INTO canary VALUES (1)"), C.DENIED)
        assert c.status == "E"
        assert c.query("ROLLBACK TO SAVEPOINT s1")[0].tag == "ROLLBACK" and c.status == "T"
        assert scalar(c, "SELECT count(*) FROM nation") == str(NATION_ALICE)
        assert c.query("RELEASE SAVEPOINT s1")[0].tag == "RELEASE" and c.status == "T"
        assert c.query("COMMIT")[0].tag == "COMMIT" and c.status == "I"
    finally:
        c.terminate()


def test_allowed_session_statements(target):
    c = target.wire("alice")
    try:
        for sql in ("SET application_name = 'rlsq proxy test'", "SET statement_timeout = '20s'",
                    "SET TimeZone = 'Europe/Paris'", "SET DateStyle = 'ISO, DMY'", "SET extra_float_digits = 3",
                    "SET IntervalStyle = 'iso_8601'", "SET client_encoding = 'UTF8'", "RESET statement_timeout",
                    "RESET TimeZone", "SET SESSION statement_timeout TO 10000"):
            results = c.query(sql)
            assert results[0].error is None and results[0].tag in ("SET", "RESET"), (sql, results)
        assert scalar(c, "SHOW application_name") == "rlsq proxy test"
        assert scalar(c, "SHOW statement_timeout") == "10s"
        assert c.params.get("application_name") == "rlsq proxy test"  # ParameterStatus passed on
        c.query("BEGIN")
        c.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        c.query("SET TRANSACTION READ ONLY")
        assert scalar(c, "SHOW transaction_isolation") == "repeatable read"
        assert scalar(c, "SHOW transaction isolation level") == "repeatable read"
        assert c.query("COMMIT")[0].tag == "COMMIT"
        c.query("START TRANSACTION ISOLATION LEVEL SERIALIZABLE, READ ONLY")
        assert scalar(c, "SHOW transaction_read_only") == "on"
        assert c.query("END")[0].tag == "COMMIT"
        assert c.query("DISCARD ALL")[0].tag == "DISCARD ALL"
        assert_usable(c)
    finally:
        c.terminate()


def test_statement_timeout_cancels(target):
    c = target.wire("alice")
    try:
        c.query("SET statement_timeout = '300ms'")
        one_error(c.query("SELECT count(*) FROM lineitem a, lineitem b"), "57014")
        c.query("RESET statement_timeout")
        assert_usable(c)
    finally:
        c.terminate()


# ------------------------------------------------------------------------------------------------ search_path

def test_search_path_is_followed(target):
    c = target.wire("alice")
    region = "SELECT r_regionkey FROM region"
    try:
        assert column(c, region) == PUBLIC_REGION_KEYS
        for setting in ("sales", '"sales"', "'sales'", "sales, public"):
            assert c.query(f"SET search_path = {setting}")[0].tag == "SET"
            assert column(c, region) == SALES_REGION_KEYS_ALICE, setting
            c.query("SET search_path TO public")
            assert column(c, region) == PUBLIC_REGION_KEYS
        c.query("SET search_path = sales")
        assert scalar(c, "SHOW search_path") == "sales"
        # unqualified region is sales.region, nation still public.nation (both filtered for alice)
        c.query("SET search_path = sales, public")
        rows = c.query("SELECT r.r_regionkey, n.n_name FROM region r JOIN nation n ON n.n_regionkey = "
                       "r.r_regionkey")[0].rows
        assert sorted({r[0] for r in rows}) == ["3"] and len(rows) == 5
        c.query("RESET search_path")
        assert column(c, region) == PUBLIC_REGION_KEYS
        # denied: hidden.region (alice has no access; natively she lacks USAGE on the schema, so the server
        # skips it: 42P01)
        c.query("SET search_path = hidden")
        one_error(c.query(region), C.DENIED if target.kind == "proxy" else {C.DENIED, "42P01"})
        c.query("SET search_path = public")
        assert_usable(c)
        # over the extended protocol too
        msgs, r = c.run_extended("SET search_path = sales")
        assert r.tag == "SET"
        assert column(c, region) == SALES_REGION_KEYS_ALICE
        msgs, r = c.run_extended(region)
        assert sorted(x[0] for x in r.rows) == SALES_REGION_KEYS_ALICE
        c.query("DISCARD ALL")  # resets search_path to the default
        assert column(c, region) == PUBLIC_REGION_KEYS
    finally:
        c.terminate()


def test_search_path_transactional_semantics(target):
    """A SET rolled back, SET LOCAL, a savepoint, a failed transaction: the proxy's idea of the search path must
    stay the server's, or it checks and filters one table while the server reads another."""
    c = target.wire("alice")
    region = "SELECT r_regionkey FROM region"
    try:
        c.query("BEGIN")
        c.query("SET search_path = sales")
        assert column(c, region) == SALES_REGION_KEYS_ALICE
        c.query("ROLLBACK")
        assert column(c, region) == PUBLIC_REGION_KEYS

        c.query("BEGIN")
        c.query("SET LOCAL search_path = sales")
        assert column(c, region) == SALES_REGION_KEYS_ALICE
        c.query("COMMIT")
        assert column(c, region) == PUBLIC_REGION_KEYS

        c.query("BEGIN")
        c.query("SAVEPOINT a")
        c.query("SET search_path = sales")
        c.query("ROLLBACK TO SAVEPOINT a")
        assert column(c, region) == PUBLIC_REGION_KEYS
        c.query("SET search_path = sales")
        c.query("COMMIT")
        assert column(c, region) == SALES_REGION_KEYS_ALICE

        c.query("SET search_path = public")
        c.query("BEGIN")
        c.query("SET search_path = sales")
        one_error(c.query("SELEC 1"), C.SYNTAX)
        assert c.query("COMMIT")[0].tag == "ROLLBACK"
        assert column(c, region) == PUBLIC_REGION_KEYS

        # several statements in one Query: the SET applies to the statements after it. The proxy may instead
        # refuse the whole message (one error, nothing run); what it must never do is resolve a later
        # statement with the earlier path.
        results = c.query("SET search_path = sales; SELECT r_regionkey FROM region; SET search_path = public; "
                          "SELECT r_regionkey FROM region")
        if target.kind == "proxy" and any(r.error for r in results):
            one_error(results, {C.UNSUPPORTED, C.DENIED, C.SYNTAX})
            assert column(c, region) == PUBLIC_REGION_KEYS
        else:
            assert [sorted(x[0] for x in r.rows) for r in results if r.tag and r.tag.startswith("SELECT")] == [
                SALES_REGION_KEYS_ALICE, PUBLIC_REGION_KEYS]
        results = c.query("SET search_path = sales; SELECT r_regionkey FROM region")
        if target.kind == "proxy" and any(r.error for r in results):
            one_error(results, {C.UNSUPPORTED, C.DENIED, C.SYNTAX})
            assert column(c, region) == PUBLIC_REGION_KEYS, "a refused message must not have changed the path"
        else:
            assert sorted(x[0] for x in results[-1].rows) == SALES_REGION_KEYS_ALICE
        c.query("SET search_path = public")
    finally:
        c.terminate()


# ------------------------------------------------------------------------------------------------ proxy refusals

SESSION_REFUSALS = [
    ("SET ROLE alice", C.DENIED),  # would succeed upstream: the service role is a member of alice
    ("SET ROLE NONE", C.DENIED),
    ("SET SESSION AUTHORIZATION alice", C.DENIED),
    ("RESET SESSION AUTHORIZATION", C.DENIED),
    ("SET row_security = off", C.DENIED),
    ("SET LOCAL row_security TO off", C.DENIED),
    ("SET enable_seqscan = off", C.DENIED),
    ("SET temp_buffers = '64MB'", C.DENIED),
    ("SET session_replication_role = replica", C.DENIED),
    ("SELECT set_config('row_security', 'off', false)", {C.DENIED, C.SYNTAX, C.UNSUPPORTED}),
    ("SELECT set_config('search_path', 'hidden', false)", {C.DENIED, C.SYNTAX, C.UNSUPPORTED}),
    ("SELECT n_name FROM nation WHERE set_config('row_security', 'off', true) IS NOT NULL",
     {C.DENIED, C.SYNTAX, C.UNSUPPORTED}),
]


@C.needs_proxy
@pytest.mark.parametrize("sql,code", SESSION_REFUSALS, ids=[s for s, _ in SESSION_REFUSALS])
def test_session_statements_refused(proxy, sql, code):
    c = proxy.wire("alice")
    try:
        one_error(c.query(sql), code)
        assert c.status == "I"
        msgs, r = c.run_extended(sql)
        assert_error(r.error, code)
        assert W.types(msgs) == "EZ", msgs
        assert scalar(c, "SHOW row_security") == "on"
        assert scalar(c, "SHOW search_path") in ('"$user", public', "public")
        assert_usable(c)
    finally:
        c.terminate()


@C.needs_proxy
def test_client_encoding_other_than_utf8_refused(proxy):
    c = proxy.wire("alice")
    try:
        for sql in ("SET client_encoding = 'LATIN1'", "SET client_encoding TO 'SJIS'", "SET NAMES 'LATIN1'",
                    "RESET client_encoding"):
            results = c.query(sql)
            if sql.startswith("RESET"):  # resets to the connection's UTF8: allowed or refused, never FATAL
                assert all(r.error is None or r.error.get("V") == "ERROR" for r in results)
                continue
            errs = [r.error for r in results if r.error]
            assert errs and errs[0].get("V") == "ERROR", (sql, results)
            assert scalar(c, "SHOW client_encoding") == "UTF8"
        assert c.params.get("client_encoding") == "UTF8"
        assert_usable(c)
    finally:
        c.terminate()


DATA_REFUSALS = [
    ("INSERT INTO canary VALUES (1, 'smuggled')", C.DENIED),
    ("UPDATE canary SET note = 'x'", C.DENIED),
    ("DELETE FROM canary", C.DENIED),
    ("TRUNCATE canary", C.DENIED),
    ("MERGE INTO canary c USING nation n ON c.id = n.n_nationkey WHEN NOT MATCHED THEN INSERT VALUES (1, 'm')",
     C.DENIED),
    ("CREATE TABLE leak_table (a int)", C.DENIED),
    ("CREATE TABLE leak_ctas AS SELECT * FROM nation", C.DENIED),
    ("DROP TABLE canary", C.DENIED),
    ("ALTER TABLE canary ADD COLUMN leak int", C.DENIED),
    ("GRANT SELECT ON canary TO PUBLIC", C.DENIED),
    ("CREATE VIEW leak_view AS SELECT * FROM orders", C.DENIED),
    ("DO $$ BEGIN INSERT INTO canary VALUES (2, 'do'); END $$", {C.DENIED, C.UNSUPPORTED}),
    ("PREPARE leak_p AS DELETE FROM canary", {C.DENIED, C.UNSUPPORTED}),
    ("CALL leak_procedure()", {C.DENIED, C.UNSUPPORTED}),
    ("VACUUM canary", C.DENIED),
    ("SELECT * INTO leak_into FROM nation", {C.DENIED, C.SYNTAX, C.UNSUPPORTED}),
    ("WITH x AS (INSERT INTO canary VALUES (3, 'cte') RETURNING *) SELECT * FROM x",
     {C.DENIED, C.SYNTAX, C.UNSUPPORTED}),
    ("EXPLAIN ANALYZE DELETE FROM canary", {C.DENIED, C.SYNTAX, C.UNSUPPORTED}),
    ("SELECT * FROM canary FOR UPDATE", {C.DENIED, C.SYNTAX, C.UNSUPPORTED}),
    ("COPY canary FROM STDIN", C.UNSUPPORTED),
    ("COPY canary TO STDOUT", C.UNSUPPORTED),
    ("COPY (SELECT * FROM orders) TO STDOUT", C.UNSUPPORTED),
    ("LISTEN leak_channel", C.UNSUPPORTED),
    ("NOTIFY leak_channel, 'x'", {C.UNSUPPORTED, C.DENIED}),
    ("SELECT pg_sleep(0)", {C.DENIED, C.SYNTAX, C.UNSUPPORTED}),
    ("SELECT lo_import('/etc/passwd')", {C.DENIED, C.SYNTAX, C.UNSUPPORTED}),
    ("SELECT pg_read_file('/etc/passwd')", {C.DENIED, C.SYNTAX, C.UNSUPPORTED}),
    ("SELEC 1", C.SYNTAX),
]


@C.needs_proxy
@pytest.mark.parametrize("sql,code", DATA_REFUSALS, ids=[s[:40] for s, _ in DATA_REFUSALS])
def test_dml_ddl_copy_listen_refused(proxy, db, sql, code):
    c = proxy.wire("alice")
    try:
        one_error(c.query(sql), code)
        assert c.status == "I"
        msgs, r = c.run_extended(sql)
        assert W.types(msgs) == "EZ", msgs
        assert_error(r.error, code)
        c.query("BEGIN")
        one_error(c.query(sql), code)
        assert c.status == "E"
        c.query("ROLLBACK")
        assert_usable(c)
    finally:
        c.terminate()
    assert db.canary_rows() == 0
    assert db.leaked_tables() == []


@C.needs_proxy
def test_function_call_message_refused(proxy, db):
    oid = db.execute("SELECT 'pg_catalog.pg_backend_pid'::regproc::oid")[0][0]
    c = proxy.wire("alice")
    try:
        c.function_call(oid)
        msgs = c.read_msgs_until_ready()
        assert W.types(msgs) == "EZ", msgs
        assert_error(msgs[0].error, C.UNSUPPORTED)
        assert_usable(c)
    finally:
        c.terminate()


@C.needs_proxy
@pytest.mark.parametrize("relation", ["pg_stats", "pg_catalog.pg_statistic", "pg_authid", "pg_shadow",
                                      "pg_stat_activity", "pg_catalog.pg_stats_ext"])
def test_secret_catalogs_refused(proxy, relation):
    c = proxy.wire("admin")
    try:
        one_error(c.query(f"SELECT * FROM {relation}"), C.DENIED)
        assert column(c, "SELECT relname FROM pg_class WHERE relname = 'orders'") == ["orders"]
    finally:
        c.terminate()


@C.needs_proxy
def test_denial_names_every_table(proxy):
    c = proxy.wire("dave")
    try:
        err = one_error(c.query("SELECT count(*) FROM nation n JOIN customer c ON c.c_nationkey = n.n_nationkey "
                                "JOIN orders o ON o.o_custkey = c.c_custkey"), C.DENIED)
        assert "nation" in err["M"] and "customer" in err["M"] and "orders" not in err["M"], err
        assert scalar(c, "SELECT count(*) FROM orders") == "15000"
    finally:
        c.terminate()


# ------------------------------------------------------------------------------------------------ error fields

ERRORING = [
    "SELECT count(*) FROM nation WHERE no_such_column = 1",
    "SELECT n_name FROM nation WHERE n_name = 1",
    "SELECT o_orderkey FROM orders JOIN customer ON c_custkey = o_custkey WHERE o_totalprice > 'abc'",
    "SELECT c_name FROM customer c LEFT JOIN nation n ON n.n_nationkey = c.c_nationkey WHERE n.n_nme = 'x'",
    "SELECT r.r_name FROM region r FULL JOIN nation n ON n.n_regionkey = r.r_regionkey ORDER BY nosuch",
]


@C.needs_proxy
@pytest.mark.parametrize("sql", ERRORING)
def test_server_errors_carry_no_injected_positions(proxy, db, sql):
    """A server error about a rewritten statement: same SQLSTATE as on the server; a Position, if any, is the one
    the server gives for the client's own text; no internal query; the message names nothing injected."""
    direct = W.Conn.unix(db.socket_path)
    direct.startup("alice", C.DBNAME)
    c = proxy.wire("alice")
    try:
        for run in (lambda x: x.query(sql)[0].error, lambda x: x.run_extended(sql)[1].error):
            want, got = run(direct), run(c)
            assert want is not None and got is not None
            assert got["C"] == want["C"], (got, want)
            assert "q" not in got and "p" not in got, got
            if "P" in got:
                assert got["P"] == want.get("P"), f"position {got['P']} (server for the client's text: {want})"
            for injected in ("n_regionkey IN", "1-URGENT", "HOUSEHOLD"):
                assert injected not in got.get("M", "") + got.get("D", "") + got.get("H", ""), got
        assert_usable(c)
    finally:
        c.terminate()
        direct.terminate()


@C.needs_proxy
def test_row_description_unchanged_by_the_rewrite(proxy, db):
    """Wrapping a table in a subquery (FULL JOIN, aliased join trees) must not change the result's columns."""
    direct = W.Conn.unix(db.socket_path)
    direct.startup("alice", C.DBNAME)
    c = proxy.wire("alice")
    try:
        for sql in ("SELECT * FROM region r FULL JOIN nation n ON n.n_regionkey = r.r_regionkey",
                    "TABLE nation", "SELECT * FROM customer c LEFT JOIN (nation n JOIN region r ON "
                    "r.r_regionkey = n.n_regionkey) ON n.n_nationkey = c.c_nationkey LIMIT 1",
                    'SELECT * FROM "MixedCase" m (a, b) LIMIT 1'):
            want = direct.query(sql)[0]
            got = c.query(sql)[0]
            assert got.error is None, (sql, got.error)
            assert got.columns == want.columns, sql
    finally:
        c.terminate()
        direct.terminate()
