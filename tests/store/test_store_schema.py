"""Schema versions, the v1 -> v2 migration, and files that are locked, damaged or not ours."""

from __future__ import annotations

import json
import sqlite3
import threading

import pytest

from simulator import Session, StoreError
from simulator.cli.main import main
from simulator.store import Store
from simulator.store.schema import MIGRATIONS, SCHEMA_VERSION


def write_v1_store(path, scenario, moves, *, seed=3):
    """A store as Parley wrote it with schema 1: one learner, one unfinished session."""
    session = Session(scenario, seed)
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("BEGIN")
    MIGRATIONS[0](con)  # migration 0 -> 1 is the v1 schema, frozen since it shipped
    con.execute("INSERT INTO learners (id, name, display, created) VALUES (1, 'ana', 'Ana', '2026-01-01T00:00:00.000Z')")
    con.execute(
        "INSERT INTO sessions (id, uid, learner_id, scenario_id, scenario_hash, scenario_path, title, engine, seed, started, scores)"
        " VALUES (1, 'a' || hex(randomblob(15)), 1, ?, ?, ?, ?, '0.0.9', ?, '2026-01-01T00:00:01.000Z', ?)",
        (scenario.id, scenario.hash, str(scenario.path), scenario.title, seed, json.dumps(session.scores)),
    )
    for key in moves:
        t = session.play(key)
        con.execute(
            "INSERT INTO turns VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, '2026-01-01T00:00:02.000Z')",
            (t.number, t.move, t.target, t.line, json.dumps(t.scores), json.dumps(t.delta), t.ending, session.snapshot()["draws"]),
        )
    con.execute("PRAGMA user_version = 1")
    con.execute("COMMIT")
    con.close()
    return session


def test_schema_is_at_version_two(store):
    assert SCHEMA_VERSION == 2 and store.schema_version == 2


def test_the_v1_schema_is_frozen(db):
    """Files written by schema 1 exist: migration 0 -> 1 must keep creating exactly that schema."""
    con = sqlite3.connect(db, isolation_level=None)
    MIGRATIONS[0](con)
    columns = {
        table: [row[1] for row in con.execute(f"PRAGMA table_info({table})")]
        for table in ("learners", "sessions", "turns")
    }
    con.close()
    assert columns == {
        "learners": ["id", "name", "display", "created"],
        "sessions": ["id", "uid", "learner_id", "scenario_id", "scenario_hash", "scenario_path", "title", "engine",
                     "seed", "started", "ended", "ending", "scores"],
        "turns": ["session_id", "number", "move", "target", "reply", "scores", "delta", "ending", "draws", "at"],
    }


def test_a_v1_store_is_migrated_and_keeps_every_turn(db, declined):
    moves = ["decide_repair", "ask:hiring_manager", "wait"]  # schema 1 stored no manner
    original = write_v1_store(db, declined, moves)
    with Store(db) as store:
        assert store.schema_version == 2
        info = store.get(1)
        assert (info.learner, info.display, info.engine, info.turns) == ("ana", "Ana", "0.0.9", 3)
        turns = store.turns(1)
        assert [t.key for t in turns] == moves and all(t.undone_at is None and t.detail is None for t in turns)
        assert [t.scores for t in turns] == [t.scores for t in original.transcript]
        # v2 features work on migrated data: undo keeps the turn, cohorts, the overall column
        rec = store.resume(1, learner="ana")
        assert rec.session.played == moves
        rec.session.undo()
        rec.undo()
        assert [t.key for t in store.turns(1, undone=True)] == moves
        assert [t.key for t in store.turns(1)] == moves[:2]
        rec.turn(rec.session.play("apologize:hiring_manager/sincere"))
        store.learner("ana", cohort="spring")
        assert store.learners(cohort="spring")[0].name == "ana"
        [verdict] = store.verify(1)
        assert verdict.ok and any("engine 0.0.9" in n for n in verdict.notes)
    con = sqlite3.connect(db)
    assert con.execute("SELECT overall FROM sessions").fetchone()[0] is not None
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()


def test_the_migration_is_all_or_nothing(db, declined, monkeypatch):
    write_v1_store(db, declined, ["wait"])
    from simulator.store import schema

    def broken(con):
        con.execute("ALTER TABLE learners ADD COLUMN cohort TEXT")
        raise sqlite3.OperationalError("disk I/O error (simulated)")

    monkeypatch.setattr(schema, "MIGRATIONS", (schema.MIGRATIONS[0], broken))
    with pytest.raises(StoreError, match="upgrading the schema"):
        Store(db)
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA user_version").fetchone()[0] == 1
    assert "cohort" not in [r[1] for r in con.execute("PRAGMA table_info(learners)")]
    con.close()
    monkeypatch.undo()
    with Store(db) as store:
        assert store.schema_version == 2 and store.get(1).turns == 1


def test_a_newer_schema_is_refused(db):
    con = sqlite3.connect(db)
    con.execute("PRAGMA user_version = 99")
    con.close()
    with pytest.raises(StoreError, match=r"newer Parley \(schema 99\)"):
        Store(db)


def test_a_foreign_database_is_refused(db):
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE invoices (id INTEGER)")
    con.close()
    with pytest.raises(StoreError, match="not a Parley store .*invoices"):
        Store(db)


def test_a_file_of_garbage_is_a_store_error(db):
    db.write_bytes(b"this is not a database, just text" * 200)
    with pytest.raises(StoreError, match="damaged or is not a Parley store") as info:
        Store(db)
    assert "\n" not in str(info.value)


def test_a_damaged_store_is_a_store_error(db, declined):
    with Store(db) as store:
        for seed in range(30):
            rec = store.record(Session(declined, seed=seed), learner=f"learner{seed}")
            rec.play("wait")
    raw = bytearray(db.read_bytes())
    assert len(raw) > 3 * 4096
    raw[4096 : len(raw)] = b"\xde\xad\xbe\xef" * ((len(raw) - 4096) // 4)
    db.write_bytes(bytes(raw))
    with pytest.raises(StoreError, match="damaged"), Store(db) as store:
        store.sessions()
        store.turns(1)


def test_a_locked_store_is_a_store_error(db, declined):
    Store(db).close()
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with Store(db, timeout=0.2) as store, pytest.raises(StoreError, match="locked by another process .*waited 0.2 s"):
            store.record(Session(declined, seed=1), learner="ana")
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_a_briefly_locked_store_waits_instead_of_failing(db, declined):
    Store(db).close()
    holder = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN EXCLUSIVE")
    threading.Timer(0.3, lambda: holder.execute("COMMIT")).start()
    with Store(db, timeout=5) as store:
        rec = store.record(Session(declined, seed=1), learner="ana")
        assert store.get(rec.session_id).learner == "ana"
    holder.close()


@pytest.mark.parametrize("command", [["history", "--all"], ["progress"], ["verify", "--all"], ["show", "1"], ["resume"]])
def test_the_commands_print_one_line_for_a_damaged_store(db, capsys, command):
    db.write_bytes(b"\x00garbage" * 1000)
    assert main([*command, "--db", str(db)]) == 2
    _, err = capsys.readouterr()
    assert err.startswith("parley: error: session store ") and "damaged" in err
    assert err.count("\n") == 1 and "Traceback" not in err
