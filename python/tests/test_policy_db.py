"""Engine.from_policy_db (Superset's metadata database) and Engine.watch.

RLSQ_SUPERSET_FIXTURE_DB names a SQLite metadata database that tests/sources/write_superset_fixture wrote (ctest
sets it); the tests that need it are skipped without it.
"""

import json
import os
import shutil
import sqlite3
import time

import pytest

import rlsq

FIXTURE = os.environ.get("RLSQ_SUPERSET_FIXTURE_DB")
needs_fixture = pytest.mark.skipif(not FIXTURE or not os.path.exists(FIXTURE), reason="no Superset fixture database")


@pytest.fixture
def metadata(tmp_path):
    path = tmp_path / "superset.db"
    shutil.copy(FIXTURE, path)
    return path


@needs_fixture
def test_rewrites_with_the_metadata_policy(metadata):
    engine = rlsq.Engine.from_policy_db(f"sqlite:///{metadata}", settings={"default_database": "staging"})
    assert engine.rewrite("SELECT count(*) FROM orders", user="alice") == (
        "SELECT count(*) FROM orders WHERE (orders.o_custkey < 500)"
    )
    assert engine.rewrite("SELECT count(*) FROM orders", user="alice", database="tpch") == (
        "SELECT count(*) FROM orders WHERE (orders.o_orderpriority IN ('1-URGENT', '2-HIGH'))"
    )
    with pytest.raises(rlsq.UnknownUser):
        engine.rewrite("SELECT 1", user="erin")  # inactive in Superset
    status = engine.watch_status
    assert status["watching"] is False
    assert any("old_name" in w for w in status["warnings"])


@needs_fixture
def test_bad_sources_are_policy_errors(metadata, tmp_path):
    with pytest.raises(rlsq.PolicyError, match="no database file"):
        rlsq.Engine.from_policy_db(f"sqlite:///{tmp_path}/absent.db")
    with pytest.raises(rlsq.PolicyError, match="comes from the Superset metadata"):
        rlsq.Engine.from_policy_db(f"sqlite:///{metadata}", settings=json.dumps({"users": []}))
    with pytest.raises(TypeError):
        rlsq.Engine.from_policy_db(f"sqlite:///{metadata}", settings=3)
    with pytest.raises(rlsq.PolicyError, match="bad database URI"):
        rlsq.Engine.from_policy_db("oracle://x/y")


@needs_fixture
def test_watch_follows_the_metadata_database(metadata):
    engine = rlsq.Engine.from_policy_db(f"sqlite:///{metadata}", settings={"default_database": "staging"})
    engine.watch(interval=0.02)
    with pytest.raises(rlsq.PolicyError, match="already watching"):
        engine.watch()
    with sqlite3.connect(metadata) as db:  # one transaction
        db.execute("UPDATE row_level_security_filters SET clause = 'o_custkey < 7' WHERE id = 5")
    deadline = time.time() + 10
    want = "SELECT count(*) FROM orders WHERE (orders.o_custkey < 7)"
    while time.time() < deadline and engine.rewrite("SELECT count(*) FROM orders", user="alice") != want:
        time.sleep(0.01)
    assert engine.rewrite("SELECT count(*) FROM orders", user="alice") == want
    status = engine.watch_status
    assert status["watching"] and status["reloads"] >= 1 and status["failures"] == 0
    assert status["source"].startswith("superset metadata sqlite:///")
    # A change that cannot load keeps the policy and is reported.
    with sqlite3.connect(metadata) as db:
        db.execute("UPDATE row_level_security_filters SET clause = 'o_custkey <' WHERE id = 5")
    deadline = time.time() + 10
    while time.time() < deadline and engine.watch_status["failures"] == 0:
        time.sleep(0.01)
    assert engine.watch_status["failures"] >= 1
    assert "staging orders" in engine.watch_status["last_error"]
    assert engine.rewrite("SELECT count(*) FROM orders", user="alice") == want


def test_watch_needs_a_source():
    engine = rlsq.Engine.from_json('{"users": [{"username": "u"}]}')
    with pytest.raises(rlsq.PolicyError, match="no source to watch"):
        engine.watch()
    with pytest.raises(ValueError):
        engine.watch(interval=0)
