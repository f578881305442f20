"""Recording, resuming and reading sessions in one process."""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

import simulator
from simulator import Session, StoreError
from simulator.store import Store
from simulator.store.store import default_path

ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def test_a_recorded_session_is_committed_turn_by_turn(store, declined):
    s = Session(declined, seed=3)
    rec = store.record(s, learner="ana")
    assert store.get(rec.session_id).turns == 0  # the session row is there before any move
    for key in declined.spec.recommended[:3]:  # the whole line can end the session
        rec.turn(s.play(key))
        # another connection sees each turn as soon as turn() returns
        with Store(store.path) as other:
            assert [t.key for t in other.turns(rec.session_id)] == s.played
    info = store.get(rec.session_id)
    assert (info.learner, info.scenario_id, info.scenario_hash, info.seed) == ("ana", declined.id, declined.hash, 3)
    assert info.engine == simulator.__version__
    assert not info.finished and info.scores == s.scores
    stored = store.turns(rec.session_id)
    assert [t.scores for t in stored] == [t.scores for t in s.transcript]
    assert [t.reply for t in stored] == [t.line for t in s.transcript]
    assert stored[0].detail == s.transcript[0].to_dict()


def test_finish_records_ending_and_scores(store, declined):
    s = Session(declined, seed=3)
    rec = store.record(s, learner="ana")
    rec.finish()  # not over yet: nothing happens, the session stays resumable
    assert not store.get(rec.session_id).finished
    while not s.over:
        rec.turn(s.play("wait"))
    rec.finish()
    info = store.get(rec.session_id)
    assert info.finished and info.ending == s.ending.id and info.scores == s.scores
    assert ISO_UTC.match(info.started) and ISO_UTC.match(info.ended)
    started = datetime.fromisoformat(info.started)
    assert started.tzinfo is not None and started.utcoffset() == UTC.utcoffset(None)


def test_undo_keeps_the_taken_back_turn(store, declined):
    s = Session(declined, seed=3)
    rec = store.record(s, learner="ana")
    rec.turn(s.play("vent:hr_rep"))
    s.undo()
    rec.undo()
    rec.turn(s.play("decide_repair"))
    live = store.turns(rec.session_id)
    everything = store.turns(rec.session_id, undone=True)
    assert [t.key for t in live] == ["decide_repair"]
    assert [t.key for t in everything] == ["vent:hr_rep", "decide_repair"]
    assert everything[0].undone_at is not None and everything[1].undone_at is None


def test_resume_continues_from_the_last_committed_turn(store, declined):
    s = Session(declined, seed=11)
    rec = store.record(s, learner="ana")
    for key in ["decide_repair", "apologize:hr_rep/sincere"]:
        rec.turn(s.play(key))
    resumed = store.resume(learner="ana")
    assert resumed.session_id == rec.session_id
    assert resumed.session.played == s.played and resumed.session.scores == s.scores
    # the resumed session draws exactly what the original would have
    assert resumed.play("apologize:hiring_manager/sincere") == s.play("apologize:hiring_manager/sincere")
    assert len(store.turns(rec.session_id)) == 3


def test_resume_picks_the_most_recent_unfinished_session(store, declined):
    first = store.record(Session(declined, seed=1), learner="ana")
    second = store.record(Session(declined, seed=2), learner="ana")
    store.record(Session(declined, seed=3), learner="bo")
    assert store.resume(learner="ana").session_id == second.session_id
    assert store.resume(first.session_id).session.seed == 1


def test_resume_refuses_finished_missing_and_foreign_sessions(store, declined):
    with pytest.raises(StoreError, match="no unfinished session for learner 'nobody'"):
        store.resume(learner="nobody")
    with pytest.raises(StoreError, match="no session 99"):
        store.resume(99)
    s = Session(declined, seed=1)
    rec = store.record(s, learner="ana")
    while not s.over:
        rec.turn(s.play("wait"))
    with pytest.raises(StoreError, match=f"session {rec.session_id} is finished"):
        store.resume(rec.session_id)


def test_two_recorders_of_one_session_cannot_both_write_a_turn(store, declined):
    s = Session(declined, seed=1)
    rec = store.record(s, learner="ana")
    other = store.resume(rec.session_id)
    other.turn(other.session.play("wait"))
    with pytest.raises(StoreError, match="turn 1 is already recorded"):
        rec.turn(s.play("decide_repair"))
    assert [t.key for t in store.turns(rec.session_id)] == ["wait"]


def test_recording_a_session_part_way_commits_what_was_played(store, declined):
    s = Session(declined, seed=5)
    s.play("decide_repair")
    s.play("wait")
    rec = store.record(s, learner="ana")
    assert [t.key for t in store.turns(rec.session_id)] == ["decide_repair", "wait"]


def test_a_session_recorded_part_way_keeps_each_turns_draw_count(store):
    """Each turn stores the draws made up to it, not the count when record() ran: undo then resume works."""
    scenario = simulator.load_scenario("after-rejection")
    s = Session(scenario, seed=1)
    for key in ["self_assess", "pursue_other", "pursue_other"]:
        s.play(key)
    counts = [t.draws for t in s.transcript]
    assert counts == sorted(counts) and counts[0] < counts[-1]  # the line draws as it goes
    rec = store.record(s, learner="ana")
    assert [t.draws for t in store.turns(rec.session_id)] == counts
    s.undo()
    rec.undo()
    resumed = store.resume(rec.session_id)
    assert resumed.session.played == s.played and resumed.session.snapshot() == s.snapshot()
    assert store.verify(rec.session_id)[0].status == "ok"


def test_the_store_is_a_snapshot_source(store, declined):
    s = Session(declined, seed=5)
    rec = store.record(s, learner="ana")
    for key in ["decide_job", "apologize:hiring_manager/strategic", "wait"]:
        rec.turn(s.play(key))
    assert store.snapshot(rec.session_id) == s.snapshot()


def test_progress_summarises_finished_attempts_per_scenario(store, declined):
    lines = [["vent:hr_rep"], declined.spec.recommended, ["wait"]]
    finals = []
    for seed, line in enumerate(lines):
        s = Session(declined, seed=seed)
        rec = store.record(s, learner="ana")
        for key in line:
            rec.turn(s.play(key))
        while not s.over:
            rec.turn(s.play("wait"))
        rec.finish()
        finals.append(s.scores["overall"])
    store.record(Session(declined, seed=9), learner="ana")  # unfinished
    [p] = store.progress("ana")
    assert p.scenario_id == declined.id and p.attempts == 3 and p.unfinished == 1
    assert p.history == tuple(finals) and p.best == max(finals) and p.latest == finals[-1]
    assert p.trend == finals[-1] - finals[-2]
    assert store.progress("nobody") == []


def test_learners_have_an_id_and_a_display_name(store):
    a = store.learner("ana", display="Ana Lima")
    assert store.learner("ana") == a
    [row] = store.learners()
    assert (row.id, row.name, row.display, row.sessions) == (a, "ana", "Ana Lima", 0)


def test_paths_urls_and_the_environment_choose_the_file(tmp_path, monkeypatch, declined):
    url_db = tmp_path / "via-url.db"
    with Store(f"sqlite:///{url_db}") as s:
        s.learner("ana")
    assert url_db.exists()
    monkeypatch.setenv("PARLEY_DB", str(tmp_path / "env.db"))
    with Store(None) as s:
        assert s.path == tmp_path / "env.db"
    monkeypatch.delenv("PARLEY_DB")
    assert default_path().name == "parley.db" and "parley" in str(default_path().parent).lower()
    with pytest.raises(StoreError, match="unsupported store URL"):
        Store("sqlite://host/x.db")


def test_the_file_is_in_wal_mode(store, db):
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    con.close()


def test_a_memory_store_works_for_quick_scripts(declined):
    with Store(":memory:") as s:
        rec = s.record(Session(declined, seed=1), learner="ana")
        rec.play("wait")
        assert s.get(rec.session_id).turns == 1


def test_simulator_store_exports_store_and_course():
    import simulator.store as store_pkg

    assert {"Store", "Course", "Recording"} <= set(store_pkg.__all__)
    assert all(hasattr(store_pkg, name) for name in store_pkg.__all__)


def test_nothing_in_a_replay_depends_on_the_clock(store, declined, monkeypatch):
    """Two sessions with the same seed and moves, recorded at different times, store the same turns."""
    import simulator.store.store as mod

    results = []
    for stamp in ["2020-01-01T00:00:00.000Z", "2031-06-30T23:59:59.999Z"]:
        monkeypatch.setattr(mod, "utc_now", lambda stamp=stamp: stamp)
        s = Session(declined, seed=4)
        rec = store.record(s, learner="ana")
        for key in ["decide_repair", "apologize:hiring_manager/sincere", "wait"]:
            rec.turn(s.play(key))
        results.append([(t.key, t.reply, t.scores, t.draws) for t in store.turns(rec.session_id)])
    assert results[0] == results[1]


def test_a_directory_is_not_a_store(tmp_path: Path):
    with pytest.raises(StoreError, match="is a directory"):
        Store(tmp_path)


def test_a_number_too_large_for_sqlite_is_a_store_error(store):
    huge = 10**20
    for read in (store.get, store.turns, store.resume, store.verify):
        with pytest.raises(StoreError, match="a number is too large for the store") as info:
            read(huge)
        assert "\n" not in str(info.value)


def test_text_that_is_not_utf8_is_a_store_error(store, declined):
    name = b"\xff".decode("utf-8", "surrogateescape")  # what a non-UTF-8 terminal passes in argv
    with pytest.raises(StoreError, match="not valid UTF-8"):
        store.sessions(learner=name)
    with pytest.raises(StoreError, match="starting a session: text that is not valid UTF-8"):
        store.record(Session(declined, seed=1), learner=name)


def test_a_row_with_damaged_json_is_a_store_error(store, declined):
    rec = store.record(Session(declined, seed=1), learner="ana")
    rec.play("wait")
    con = sqlite3.connect(store.path, isolation_level=None)
    con.execute("UPDATE turns SET scores = '{not json'")
    con.execute("UPDATE sessions SET scores = '{not json'")
    con.close()
    for read in (lambda: store.turns(rec.session_id), lambda: store.get(rec.session_id), store.sessions):
        with pytest.raises(StoreError, match="damaged .*not valid JSON"):
            read()


def test_turns_of_reads_many_sessions_in_one_query(store, declined):
    ids = []
    for seed, line in enumerate([["vent:hr_rep", "wait"], ["decide_repair"], []]):
        s = Session(declined, seed=seed)
        rec = store.record(s, learner="ana")
        for key in line:
            rec.turn(s.play(key))
        ids.append(rec.session_id)
    s.play("wait")
    s.undo()
    rec.turn(s.play("decide_job"))
    rec.undo()
    statements = []
    store.con.set_trace_callback(statements.append)
    for undone in (False, True):
        statements.clear()
        together = store.turns_of([*ids, 999], undone=undone)
        assert len(statements) == 1
        assert together == {**{i: store.turns(i, undone=undone) for i in ids}, 999: []}
    assert store.turns_of([]) == {}


def test_a_missing_file_is_refused_when_not_creating(tmp_path):
    path = tmp_path / "typo" / "course.db"
    with pytest.raises(StoreError, match="no such file; nothing has been saved there"):
        Store(path, create=False)
    assert not path.parent.exists()  # reading never creates folders or files


@pytest.mark.parametrize("ref, message", [("", "path is empty"), ("/dev/null", "not a regular file")])
def test_paths_that_cannot_be_a_store(ref, message):
    with pytest.raises(StoreError, match=message):
        Store(ref)
