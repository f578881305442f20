"""Real processes: killed with SIGKILL mid-session, and several writing one file at once."""

from __future__ import annotations

import signal
import sys

import pytest

from simulator import Session
from simulator.store import Store

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")

# Plays a session forever (undoing when it ends, so it never finishes), printing each committed
# turn's number and move after turn() returns: whatever was printed is on disk.
PLAYER = """
    import sys, time
    from simulator import Session, load_scenario
    from simulator.store import Store

    db, learner, seed, pause = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    store = Store(db)
    scenario = load_scenario("declined-offer")
    session = Session(scenario, seed)
    rec = store.record(session, learner=learner)
    print("session", rec.session_id, flush=True)
    i = 0
    while True:
        legal = [c.key for c in session.choices()]
        key = legal[(seed * 7 + i) % len(legal)]
        i += 1
        turn = session.play(key)
        if pause:
            time.sleep(pause)  # the move is played but not saved yet: a kill here loses only it
        rec.turn(turn)
        print("committed", turn.number, turn.key, turn.ending or "-", flush=True)
        if session.over:
            session.undo()
            rec.undo()
            print("undone", turn.number, flush=True)
"""


def _read_until(proc, predicate):
    seen = []
    for line in proc.stdout:
        seen.append(line.split())
        if predicate(seen):
            return seen
    raise AssertionError(f"child ended early: {proc.stderr.read()}")


def _live_line(lines):
    """The live line of play the child reported: committed turns minus undone ones."""
    live = []
    for words in lines:
        if words[0] == "committed":
            live.append(words[2])
        elif words[0] == "undone":
            live.pop()
    return live


def test_a_killed_process_loses_nothing_committed_and_resumes(db, declined, spawn):
    proc = spawn(PLAYER, str(db), "ana", "5", "0.05")
    try:
        lines = _read_until(proc, lambda seen: sum(w[0] == "committed" for w in seen) >= 4 and seen[-1][-1] == "-")
        proc.send_signal(signal.SIGKILL)  # during the pause: the next turn is played, not yet committed
        proc.wait(timeout=10)
    finally:
        proc.kill()
    session_id = int(lines[0][1])
    expected = _live_line(lines)
    with Store(db) as store:
        assert [t.key for t in store.turns(session_id)] == expected
        rec = store.resume(learner="ana")
        assert rec.session_id == session_id and rec.session.played == expected
        replay = Session(declined, 5)
        for key in expected:
            replay.play(key)
        assert rec.session.scores == replay.scores
        rec.turn(rec.session.play(rec.session.choices()[0]))
        assert len(store.turns(session_id)) == len(expected) + 1
        assert store.verify(session_id)[0].ok


@pytest.mark.parametrize("delay", [0.15, 0.4])
def test_kill_at_an_arbitrary_moment_leaves_a_consistent_store(db, delay, spawn):
    """No pause: the kill lands anywhere, inside a commit too. Everything printed must be stored."""
    import time

    proc = spawn(PLAYER, str(db), "bo", "2", "0")
    try:
        _read_until(proc, lambda seen: len(seen) >= 1)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        proc.kill()
    lines = [line.split() for line in proc.stdout.read().splitlines()]
    with Store(db) as store:
        [info] = store.sessions(learner="bo")
        stored = [t.key for t in store.turns(info.id)]
        printed = [w[2] for w in lines if w[0] == "committed"]
        history = [t.key for t in store.turns(info.id, undone=True)]
        assert history[: len(printed)] == printed  # every turn reported as committed is there
        assert len(history) <= len(printed) + 1  # plus at most the one committed as it was killed
        assert [t.number for t in store.turns(info.id)] == list(range(1, len(stored) + 1))
        assert store.verify(info.id)[0].ok
        assert store.con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


WRITER = """
    import sys
    from simulator import Session, load_scenario
    from simulator.store import Store

    db, learner, sessions = sys.argv[1], sys.argv[2], int(sys.argv[3])
    store = Store(db)
    scenario = load_scenario("declined-offer")
    for n in range(sessions):
        session = Session(scenario, seed=n)
        rec = store.record(session, learner=learner)
        while not session.over:
            legal = [c.key for c in session.choices()]
            rec.turn(session.play(legal[(n + session.turn) % len(legal)]))
        rec.finish()
        print(rec.session_id, len(session.transcript), flush=True)
"""


def test_several_processes_write_at_once_without_losing_a_turn(db, spawn):
    Store(db).close()  # create the schema once, as the first `parley play` would
    writers = [spawn(WRITER, str(db), f"learner{i}", "6") for i in range(4)]
    reported = {}
    for proc in writers:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        for line in out.splitlines():
            session_id, turns = map(int, line.split())
            reported[session_id] = turns
    assert len(reported) == 24
    with Store(db) as store:
        sessions = store.sessions()
        assert len(sessions) == 24 and all(s.finished for s in sessions)
        assert {s.id: s.turns for s in sessions} == reported
        assert all(v.status == "ok" for v in store.verify())
        assert store.con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


@pytest.mark.slow
def test_processes_opening_a_new_file_at_once_create_the_schema_once(db, spawn):
    writers = [spawn(WRITER, str(db), f"learner{i}", "1") for i in range(4)]
    for proc in writers:
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
    with Store(db) as store:
        assert store.schema_version == 2 and len(store.sessions()) == 4
