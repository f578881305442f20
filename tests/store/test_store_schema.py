"""Schema versions and their migrations on both databases; stores that are older, newer, foreign, damaged or locked."""

from __future__ import annotations

import json
import sqlite3
import threading

import pytest

from simulator import Session, StoreError
from simulator.analysis.review import skill_of
from simulator.cli.main import main
from simulator.store import NoStore, Store
from simulator.store import schema as schema_module
from simulator.store.location import locate
from simulator.store.schema import SCHEMA_VERSION, statements
from simulator.store.store import open_database

STAMP = "2026-01-01T00:00:0{}.000Z"


def write_old_store(ref, version, scenario, moves, *, seed=3, ending_at_end=False):
    """A store as Parley wrote it with schema ``version`` (1, 2 or 3): learner ana, one session of ``moves``."""
    db = open_database(locate(ref), timeout=5, durable=False, create=True)
    session = Session(scenario, seed)
    with db.write("writing an old store"):
        for v in range(version):
            for sql in statements(v, db.dialect):
                db.run(sql)
        db.run("INSERT INTO learners (name, display, created) VALUES ('ana', 'Ana', ?)", (STAMP.format(0),))
        db.run(
            "INSERT INTO sessions (uid, learner_id, scenario_id, scenario_hash, scenario_path, title, engine, seed,"
            " started, scores)"
            " VALUES (?, 1, ?, ?, ?, ?, '0.0.9', ?, ?, ?)",
            (
                "a" * 32,
                scenario.id,
                scenario.hash,
                str(scenario.path),
                scenario.title,
                seed,
                STAMP.format(1),
                json.dumps(session.scores),
            ),
        )
        for key in moves:
            t = session.play(key)
            row = (
                1,
                t.number,
                t.move,
                t.target,
                t.line,
                json.dumps(t.scores),
                json.dumps(t.delta),
                t.ending,
                t.draws,
                STAMP.format(2),
            )
            if version == 1:
                db.run("INSERT INTO turns VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", row)
            elif version == 3:
                db.run(
                    "INSERT INTO turns (session_id, number, move, target, reply, scores, delta, ending, draws, at,"
                    " detail, move_key, uid)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (*row, json.dumps(t.to_dict()), t.key, f"{t.number:032d}"),
                )
            else:
                db.run(
                    "INSERT INTO turns (session_id, number, move, target, reply, scores, delta, ending, draws, at,"
                    " detail)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (*row, json.dumps(t.to_dict())),
                )
        if version >= 2:
            scores = session.scores
            ended = STAMP.format(3) if session.over and ending_at_end else None
            db.run(
                "UPDATE sessions SET scores = ?, overall = ?, ended = ?, ending = ? WHERE id = 1",
                (json.dumps(scores), scores["overall"], ended, session.ending.id if ended and session.ending else None),
            )
        db._write_version(version)
    db.close()
    return session


def test_schema_is_at_version_four(store):
    assert SCHEMA_VERSION == 4 and store.schema_version == 4


def test_the_shipped_sqlite_schemas_are_frozen(db):
    """Files written by schemas 1 and 2 exist: their migrations must keep creating exactly those tables."""
    con = sqlite3.connect(db, isolation_level=None)

    def columns():
        return {
            t: [(r[1], r[2]) for r in con.execute(f"PRAGMA table_info({t})")] for t in ("learners", "sessions", "turns")
        }

    for sql in statements(0, "sqlite"):
        con.execute(sql)
    v1 = columns()
    assert [c for c, _ in v1["learners"]] == ["id", "name", "display", "created"]
    assert [c for c, _ in v1["sessions"]] == [
        "id",
        "uid",
        "learner_id",
        "scenario_id",
        "scenario_hash",
        "scenario_path",
        "title",
        "engine",
        "seed",
        "started",
        "ended",
        "ending",
        "scores",
    ]
    assert [c for c, _ in v1["turns"]] == [
        "session_id",
        "number",
        "move",
        "target",
        "reply",
        "scores",
        "delta",
        "ending",
        "draws",
        "at",
    ]
    assert {t for cols in v1.values() for _, t in cols} == {"INTEGER", "TEXT"}
    for sql in statements(1, "sqlite"):
        con.execute(sql)
    v2 = columns()
    assert [c for c, _ in v2["turns"]] == [
        "id",
        "session_id",
        "number",
        "move",
        "target",
        "reply",
        "scores",
        "delta",
        "ending",
        "draws",
        "at",
        "undone_at",
        "detail",
    ]
    assert v2["learners"][-1] == ("cohort", "TEXT") and v2["sessions"][-1] == ("overall", "INTEGER")
    for sql in statements(2, "sqlite"):
        con.execute(sql)
    assert columns()["sessions"][-1] == ("ending_title", "TEXT")
    for sql in statements(3, "sqlite"):
        con.execute(sql)
    assert columns()["sessions"][-3:] == [("ending_title", "TEXT"), ("worth", "REAL"), ("optimum", "REAL")]
    con.close()


@pytest.mark.parametrize("version", [1, 2, 3])
def test_an_older_store_is_migrated_and_keeps_every_turn(ref, declined, version):
    moves = ["decide_repair", "ask:hiring_manager", "wait"]  # old schemas stored no manner
    original = write_old_store(ref, version, declined, moves)
    with Store(ref, migrate=True) as store:
        assert store.schema_version == SCHEMA_VERSION and store.found_version == version
        info = store.get(1)
        assert (info.learner, info.display, info.engine, info.turns, info.damage) == ("ana", "Ana", "0.0.9", 3, None)
        turns = store.turns(1)
        assert [t.key for t in turns] == moves and all(t.undone_at is None for t in turns)
        assert all((t.detail is None) == (version == 1) for t in turns)
        assert (info.worth, info.optimum, info.skill, info.chance) == (None, None, None, None)  # none invented
        assert [t.scores for t in turns] == [t.scores for t in original.transcript]
        # what came later works on migrated data: undo keeps the turn, cohorts, the overall column
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
        assert store.db.row("SELECT overall FROM sessions")[0] is not None


@pytest.mark.parametrize("version", [2, 3])
def test_sessions_finished_before_schema_4_keep_their_scores_and_get_no_skill(ref, declined, version):
    """An upgraded store shows its old finished sessions honestly: scores intact, skill none;
    a session finished after the upgrade is rated, and progress follows it beside the old ones.
    """
    line = _ending_line(declined, 3)
    old = write_old_store(ref, version, declined, line, ending_at_end=True)
    with Store(ref, migrate=True) as store:
        assert store.found_version == version and store.schema_version == SCHEMA_VERSION
        info = store.get(1)
        assert info.finished and info.scores == old.scores and info.turns == len(line)
        assert (info.worth, info.optimum, info.skill) == (None, None, None)
        [before] = store.progress("ana")
        assert before.history == (old.scores["overall"],) and before.skills == (None,)
        assert (before.best_skill, before.latest_skill, before.skill_trend) == (None, None, None)
        session = Session(declined, 3)
        rec = store.record(session, learner="ana")
        for key in line:
            rec.turn(session.play(key))
        rec.finish()
        [after] = store.progress("ana")
        new = store.get(rec.session_id)
        assert new.skill is not None and after.skills == (None, new.skill)
        assert after.history == (old.scores["overall"], session.scores["overall"])
        assert after.latest_skill == after.best_skill == new.skill and after.skill_trend is None


def test_store_migrate_rate_gives_old_sessions_their_figure_only_where_it_is_exact(ref, declined, capsys):
    line = _ending_line(declined, 3)
    old = write_old_store(ref, 3, declined, line, ending_at_end=True)
    with Store(ref, migrate=True) as store:
        for copy in (2, 3):  # the same session twice more: one from an edited file, one whose record differs
            store.db.run(
                "INSERT INTO sessions (uid, learner_id, scenario_id, scenario_hash, scenario_path, title, engine, seed,"
                " started, ended, ending, scores, overall) SELECT ?, learner_id, scenario_id, scenario_hash,"
                " scenario_path, title, engine, seed, started, ended, ending, scores, overall"
                " FROM sessions WHERE id = 1",
                (str(copy) * 32,),
            )
            store.db.run(
                "INSERT INTO turns (session_id, number, move, target, reply, scores, delta, ending, draws, at, detail,"
                " move_key) SELECT ?, number, move, target, reply, scores, delta, ending, draws, at, detail, move_key"
                " FROM turns WHERE session_id = 1",
                (copy,),
            )
        store.db.run("UPDATE sessions SET scenario_hash = 'edited' WHERE id = 2")
        store.db.run("UPDATE sessions SET scores = '{\"overall\": 1}' WHERE id = 3")
    assert main(["store", "migrate", "--rate", "--db", ref]) == 0
    out = capsys.readouterr().out
    assert "already at schema 4" in out and "rated 1 finished session that had no skill figure" in out
    assert "session 2: no figure: its scenario file has changed since it was played" in out
    assert "session 3: no figure: it does not replay identically (final scores" in out
    with Store(ref) as store:
        expected = skill_of(old)
        assert store.get(1).worth == pytest.approx(expected.worth) and store.get(1).skill == expected.share
        assert store.get(2).skill is None and store.get(3).skill is None
        assert store.get(1).scores == old.scores  # nothing else touched
    assert main(["store", "migrate", "--rate", "--db", ref]) == 0  # again: nothing more to rate, same two left
    assert "rated 0 finished sessions" in capsys.readouterr().out


def _ending_line(scenario, seed):
    """The scenario's recommended line, then waits, up to its ending."""
    session = Session(scenario, seed)
    line = []
    for key in [*scenario.spec.recommended, *["wait"] * 40]:
        if session.over:
            break
        session.play(key)
        line.append(key)
    assert session.over
    return line


def test_a_finished_version_2_session_shows_its_ending_title_after_the_upgrade(ref, declined, capsys, monkeypatch):
    """Rows from before schema 3 have no stored ending title: history finds it in the scenario."""
    monkeypatch.setenv("COLUMNS", "200")
    moves = list(declined.spec.recommended) + ["wait"] * 12
    session = Session(declined, 3)
    line = []
    for key in moves:
        if session.over:
            break
        session.play(key)
        line.append(key)
    write_old_store(ref, 2, declined, line, ending_at_end=True)
    assert main(["store", "migrate", "--db", ref]) == 0
    assert "upgraded from schema 2 to 4" in capsys.readouterr().out
    assert main(["history", "--learner", "ana", "--db", ref]) == 0
    assert session.ending.title in " ".join(capsys.readouterr().out.split())


def test_a_server_store_is_upgraded_only_on_purpose(pg_url, declined, capsys):
    write_old_store(pg_url, 2, declined, ["wait"])
    with pytest.raises(
        StoreError, match=r"at schema 2 and this Parley .* needs schema 4; upgrade it once with: parley store migrate"
    ):
        Store(pg_url)
    assert main(["history", "--learner", "ana", "--db", pg_url]) == 2
    assert "parley store migrate" in capsys.readouterr().err
    assert main(["store", "info", "--db", pg_url]) == 0
    assert "schema:   2 (older: run parley store migrate" in capsys.readouterr().out
    assert main(["store", "migrate", "--db", pg_url]) == 0
    with Store(pg_url) as store:
        assert store.schema_version == SCHEMA_VERSION and store.get(1).turns == 1


def test_an_empty_server_database_gets_the_schema_when_first_written(pg_url):
    with pytest.raises(NoStore, match="holds no Parley store yet"):
        Store(pg_url, create=False)
    with Store(pg_url) as store:
        assert store.schema_version == SCHEMA_VERSION


def test_the_migration_is_all_or_nothing(ref, declined, monkeypatch):
    write_old_store(ref, 1, declined, ["wait"])

    def broken(version, dialect):
        if version == 2:
            return ["ALTER TABLE sessions ADD COLUMN ending_title TEXT", "THIS IS NOT SQL"]
        return statements(version, dialect)

    monkeypatch.setattr("simulator.store.database.statements", broken)
    with pytest.raises(StoreError, match="upgrading the schema"):
        Store(ref, migrate=True)
    monkeypatch.undo()
    db = open_database(locate(ref), timeout=5, durable=False, create=False)
    assert db.version() == 1  # not 2: versions 2 and 3 were one transaction, rolled back whole
    assert db.row("SELECT count(*) FROM turns")[0] == 1
    db.close()
    with Store(ref, migrate=True) as store:
        assert store.schema_version == SCHEMA_VERSION and store.get(1).turns == 1


def test_a_newer_schema_is_refused(ref):
    Store(ref).close()
    db = open_database(locate(ref), timeout=5, durable=False, create=False)
    with db.write("pretending to be a newer Parley"):
        db._write_version(99)
    db.close()
    for attempt in (lambda: Store(ref), lambda: Store(ref, migrate=True)):
        with pytest.raises(
            StoreError, match=r"newer Parley \(schema 99\); this Parley .* reads schema 4 and older"
        ) as info:
            attempt()
        assert "\n" not in str(info.value)


def test_a_foreign_database_is_refused(ref):
    db = open_database(locate(ref), timeout=5, durable=False, create=True)
    db.run("CREATE TABLE sessions (id INTEGER)")  # someone else's table of that name
    db.close()
    with pytest.raises(StoreError, match=r"not a Parley store .*sessions"):
        Store(ref)


def test_a_server_database_shared_with_other_tables_is_fine(pg_url):
    db = open_database(locate(pg_url), timeout=5, durable=False, create=True)
    db.run("CREATE TABLE invoices (id INTEGER)")
    db.close()
    with Store(pg_url) as store:
        assert store.schema_version == SCHEMA_VERSION


def test_the_migrations_are_one_text_for_both_databases():
    for version in range(SCHEMA_VERSION):
        lite, pg = statements(version, "sqlite"), statements(version, "postgresql")
        assert len(lite) == len(pg)
        assert all("{" not in s for s in lite + pg)
    assert schema_module.MIGRATIONS[0].count("{id}") == 2


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
    # the damage shows when the store opens or at its first read, whichever reaches it
    with pytest.raises(StoreError, match="damaged"), Store(db) as store:  # noqa: PT012
        store.sessions()
        store.turns(1)


def test_a_locked_store_is_a_store_error(db, declined):
    Store(db).close()
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with (
            Store(db, timeout=0.2) as store,
            pytest.raises(StoreError, match=r"locked by another process .*waited 0.2 s"),
        ):
            store.record(Session(declined, seed=1), learner="ana").play("wait")
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
        rec.play("wait")
        assert store.get(rec.session_id).learner == "ana"
    holder.close()


@pytest.mark.parametrize(
    "command", [["history", "--all"], ["progress"], ["verify", "--all"], ["show", "1"], ["resume"]]
)
def test_the_commands_print_one_line_for_a_damaged_store(db, capsys, command):
    db.write_bytes(b"\x00garbage" * 1000)
    assert main([*command, "--db", str(db)]) == 2
    _, err = capsys.readouterr()
    assert err.startswith("parley: error: session store ") and "damaged" in err
    assert err.count("\n") == 1 and "Traceback" not in err
