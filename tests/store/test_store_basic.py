"""Recording, resuming and reading sessions in one process, on SQLite and on PostgreSQL."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

import simulator
from simulator import Session, StoreError
from simulator.store import Store

from .support import damage, play_to_end, started

ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def test_a_recorded_session_is_committed_turn_by_turn(store, ref, declined):
    s = Session(declined, seed=3)
    rec = store.record(s, learner="ana")
    for key in declined.spec.recommended[:3]:  # the whole line can end the session
        rec.turn(s.play(key))
        # another connection sees each turn as soon as turn() returns
        with Store(ref) as other:
            assert [t.key for t in other.turns(rec.session_id)] == s.played
    info = store.get(rec.session_id)
    assert (info.learner, info.scenario_id, info.scenario_hash, info.seed) == ("ana", declined.id, declined.hash, 3)
    assert info.engine == simulator.__version__ and info.damage is None
    assert not info.finished and info.scores == s.scores
    stored = store.turns(rec.session_id)
    assert [t.scores for t in stored] == [t.scores for t in s.transcript]
    assert [t.reply for t in stored] == [t.line for t in s.transcript]
    assert stored[0].detail == s.transcript[0].to_dict()


def test_a_session_with_no_move_played_is_never_stored(store, declined):
    s = Session(declined, seed=3)
    rec = store.record(s, learner="ana")
    rec.finish()  # not over: nothing to finish
    assert rec.session_id is None and rec.unsaved == 0
    assert store.sessions() == [] and store.learners() == []
    rec.turn(s.play("wait"))  # the first turn writes the learner, the session and the turn at once
    assert rec.session_id is not None
    [info] = store.sessions()
    assert info.id == rec.session_id and info.turns == 1 and info.learner == "ana"


def test_finish_records_ending_and_scores(store, declined):
    s = Session(declined, seed=3)
    rec = store.record(s, learner="ana")
    rec.turn(s.play("wait"))
    rec.finish()  # not over yet: nothing happens, the session stays resumable
    assert not store.get(rec.session_id).finished
    while not s.over:
        rec.turn(s.play("wait"))
    rec.finish()
    info = store.get(rec.session_id)
    assert info.finished and info.ending == s.ending.id and info.scores == s.scores
    assert info.ending_title == s.ending.title and info.ending_title != info.ending
    assert ISO_UTC.match(info.started) and ISO_UTC.match(info.ended)
    started_at = datetime.fromisoformat(info.started)
    assert started_at.tzinfo is not None and started_at.utcoffset() == UTC.utcoffset(None)


def test_undo_keeps_the_taken_back_turn(store, declined):
    s = Session(declined, seed=3)
    rec = store.record(s, learner="ana")
    rec.turn(s.play("vent:hr_rep"))
    s.undo()
    rec.undo()
    assert store.get(rec.session_id).turns == 0  # something was played: the session stays, with no live turn
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
    first = started(store, declined, "ana", 1)
    second = started(store, declined, "ana", 2)
    started(store, declined, "bo", 3)
    assert store.resume(learner="ana").session_id == second.session_id
    assert store.resume(first.session_id).session.seed == 1


def test_resume_refuses_finished_missing_and_foreign_sessions(store, declined):
    with pytest.raises(StoreError, match="no unfinished session for learner 'nobody'"):
        store.resume(learner="nobody")
    with pytest.raises(StoreError, match="no session 99"):
        store.resume(99)
    session_id, s = play_to_end(store, declined, "ana", [], 1)
    with pytest.raises(StoreError, match=f"session {session_id} is finished \\(ending {re.escape(s.ending.title)}\\)"):
        store.resume(session_id)


def test_two_recorders_of_one_session_cannot_both_write_a_turn(store, declined):
    s = Session(declined, seed=1)
    rec = store.record(s, learner="ana")
    rec.turn(s.play("wait"))
    other = store.resume(rec.session_id)
    other.turn(other.session.play("wait"))
    with pytest.raises(StoreError, match="turn 2 is already recorded; the session was continued somewhere else"):
        rec.turn(s.play("decide_repair"))
    assert [t.key for t in store.turns(rec.session_id)] == ["wait", "wait"]


def test_recording_a_session_part_way_commits_what_was_played(store, declined):
    s = Session(declined, seed=5)
    s.play("decide_repair")
    s.play("wait")
    rec = store.record(s, learner="ana")
    assert rec.session_id is not None and rec.unsaved == 0
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
    finals = [play_to_end(store, declined, "ana", line, seed)[1].scores["overall"] for seed, line in enumerate(lines)]
    started(store, declined, "ana", 9)  # unfinished
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


@pytest.mark.parametrize("name", ["", "   ", "a\x1b]0;owned\x07", "tab\there", "x" * 201])
def test_a_learner_name_must_be_a_real_name(store, declined, name):
    """An empty name is refused, never replaced by the OS user; control characters never get stored."""
    from simulator.store import Course

    for attempt in (
        lambda: store.record(Session(declined, seed=1), learner=name),
        lambda: store.learner(name),
        lambda: store.learner("ana", display=name),
        lambda: Course(store).run(name, declined, ["wait"], seed=1),
    ):
        with pytest.raises(StoreError, match=r"learner name|display name") as info:
            attempt()
        assert "\n" not in str(info.value)
    assert store.sessions() == [] and [r.name for r in store.learners()] in ([], ["ana"])


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
    import simulator.store.recording as mod

    results = []
    for stamp in ["2020-01-01T00:00:00.000Z", "2031-06-30T23:59:59.999Z"]:
        monkeypatch.setattr(mod, "utc_now", lambda stamp=stamp: stamp)
        s = Session(declined, seed=4)
        rec = store.record(s, learner="ana")
        for key in ["decide_repair", "apologize:hiring_manager/sincere", "wait"]:
            rec.turn(s.play(key))
        assert store.get(rec.session_id).started == stamp
        results.append([(t.key, t.reply, t.scores, t.draws) for t in store.turns(rec.session_id)])
    assert results[0] == results[1]


def test_a_number_too_large_for_the_store_is_a_store_error(store):
    huge = 10**20
    for read in (store.get, store.turns, store.resume, store.verify):
        with pytest.raises(StoreError, match="a number is too large for the store") as info:
            read(huge)
        assert "\n" not in str(info.value)


def test_text_that_is_not_utf8_is_a_store_error(store, declined):
    name = b"\xff".decode("utf-8", "surrogateescape")  # what a non-UTF-8 terminal passes in argv
    with pytest.raises(StoreError, match="not valid UTF-8"):
        store.sessions(learner=name)
    with pytest.raises(StoreError, match=r"learner name .* is text that is not valid UTF-8"):
        store.record(Session(declined, seed=1), learner=name)


def test_a_unicode_error_without_a_codec_reason_is_a_store_error(store):
    # a driver may raise a bare UnicodeError, which has no .reason: its message says why instead
    with (
        pytest.raises(StoreError, match=r"reading: text that is not valid UTF-8 \(bad bytes\)$"),
        store.db.errors("reading"),
    ):
        raise UnicodeError("bad bytes")
    with (
        pytest.raises(StoreError, match=r"text that is not valid UTF-8 \(surrogates not allowed\)$"),
        store.db.errors("reading"),
    ):
        "\udcff".encode()


def test_a_damaged_row_is_reported_and_the_others_still_read(store, declined):
    good = started(store, declined, "ana", 1)
    bad = started(store, declined, "ana", 2)
    damage(store, "UPDATE turns SET scores = '{not json' WHERE session_id = ?", bad.session_id)
    damage(store, "UPDATE sessions SET scores = '[1, 2]' WHERE id = ?", bad.session_id)
    infos = {s.id: s for s in store.sessions()}
    assert infos[good.session_id].damage is None
    assert (
        infos[bad.session_id].damage == "scores is not a mapping of dimension to score"
        and infos[bad.session_id].scores is None
    )
    [turn] = store.turns(bad.session_id)
    assert turn.damage == "turn 1: scores is not valid JSON" and turn.scores == {}
    assert store.get(bad.session_id).damage and store.turns(good.session_id)[0].damage is None
    with pytest.raises(StoreError, match=f"session {bad.session_id} is damaged \\(scores is not a mapping"):
        store.resume(bad.session_id)
    assert {v.session_id: v.status for v in store.verify()} == {good.session_id: "ok", bad.session_id: "damaged"}


def test_turns_of_reads_many_sessions_in_one_query(store, declined):
    ids = []
    for seed, line in enumerate([["vent:hr_rep", "wait"], ["decide_repair"], ["wait"]]):
        rec = started(store, declined, "ana", seed, line)
        ids.append(rec.session_id)
    s = rec.session
    s.play("wait")
    s.undo()
    rec.turn(s.play("decide_job"))
    s.undo()
    rec.undo()
    statements = []
    store.db.trace = statements.append
    for undone in (False, True):
        statements.clear()
        together = store.turns_of([*ids, 999], undone=undone)
        assert len(statements) == 1
        assert together == {**{i: store.turns(i, undone=undone) for i in ids}, 999: []}
    assert store.turns_of([]) == {}


def test_session_turns_streams_each_session_with_its_turns(store, declined):
    recs = [
        started(store, declined, name, seed, line)
        for seed, (name, line) in enumerate(
            [("ana", ["wait", "wait"]), ("bo", ["vent:hr_rep"]), ("ana", ["decide_repair"])]
        )
    ]
    recs[1].session.undo()
    recs[1].undo()
    pairs = list(store.session_turns())
    assert [s.id for s, _ in pairs] == [r.session_id for r in recs]
    assert [s.turns for s, _ in pairs] == [2, 0, 1]
    assert [[t.key for t in turns] for _, turns in pairs] == [["wait", "wait"], [], ["decide_repair"]]
    with_undone = {s.id: [t.key for t in turns] for s, turns in store.session_turns(undone=True)}
    assert with_undone[recs[1].session_id] == ["vent:hr_rep"]
    assert [s.learner for s, _ in store.session_turns(learner="ana")] == ["ana", "ana"]
    assert [s.id for s in store.iter_sessions(learner="bo")] == [recs[1].session_id]


def test_writing_in_the_middle_of_a_stream_is_a_clear_error(store, declined):
    started(store, declined, "ana", 1)
    started(store, declined, "ana", 2)
    stream = store.session_turns()
    next(stream)  # the first session: the query is still being read
    with pytest.raises(StoreError, match=r"in the middle of a read .* write through another Store"):
        started(store, declined, "bo", 3)
    stream.close()
    started(store, declined, "bo", 3)  # the stream is closed: writing works again
    assert len(store.sessions()) == 3
