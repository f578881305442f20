"""Real processes on both databases: killed with SIGKILL mid-session, and many writing one store at once.

No test here waits on the clock: the child says where it is (a line on its stdout after each
play and each commit) and, where the kill must land at a known point, waits for the parent's go
on its stdin. Where the kill must land anywhere, the parent kills as soon as it has read the
chosen number of commits, while the child runs on.
"""

from __future__ import annotations

import random
import signal
import sys

import pytest

from simulator import Session
from simulator.store import Store
from simulator.store.schema import SCHEMA_VERSION

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")

# Plays a session forever (undoing when it ends, so it never finishes). With "handshake" it prints
# "played N KEY" after each play and waits for a line on stdin before committing; it always
# prints "committed ID N KEY" once turn() has returned, so whatever was printed is stored.
PLAYER = """
    import sys
    from simulator import Session, load_scenario
    from simulator.store import Store

    db, learner, seed, mode = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    store = Store(db)
    scenario = load_scenario("declined-offer")
    session = Session(scenario, seed)
    rec = store.record(session, learner=learner)
    i = 0
    while True:
        legal = [c.key for c in session.choices()]
        key = legal[(seed * 7 + i) % len(legal)]
        i += 1
        turn = session.play(key)
        if mode == "handshake":
            print("played", turn.number, turn.key, flush=True)
            sys.stdin.readline()  # the parent may kill us here: the move is played, not saved
        rec.turn(turn)
        print("committed", rec.session_id, turn.number, turn.key, flush=True)
        if session.over:
            session.undo()
            rec.undo()
            print("undone", turn.number, flush=True)
"""


def _live_line(lines):
    """The live line of play the child reported: committed turns minus undone ones."""
    live = []
    for words in lines:
        if words[0] == "committed":
            live.append(words[3])
        elif words[0] == "undone":
            live.pop()
    return live


def test_a_killed_process_loses_nothing_committed_and_resumes(ref, declined, spawn):
    proc = spawn(PLAYER, ref, "ana", "5", "handshake")
    lines = []
    for line in proc.stdout:
        words = line.split()
        lines.append(words)
        if words[0] != "played":
            continue
        if sum(w[0] == "committed" for w in lines) >= 4:
            proc.send_signal(signal.SIGKILL)  # the child is blocked between play and commit
            break
        proc.stdin.write("go\n")
        proc.stdin.flush()
    else:
        raise AssertionError(f"child ended early: {proc.stderr.read()}")
    proc.wait(timeout=30)
    session_id = int(next(w for w in lines if w[0] == "committed")[1])
    expected = _live_line(lines)
    with Store(ref) as store:
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


def kill_at_random(ref, spawn, seed: int) -> int:
    """Kill a free-running writer after a random number of commits and check the store; returns commits seen.

    Every turn the child reported committed is stored, in order, plus at most the one it was
    committing as it died; the live line is numbered 1..n and replays; SQLite's file is intact.
    """
    wanted = random.Random(seed).randint(1, 25)
    learner = f"bo{seed}"
    proc = spawn(PLAYER, ref, learner, str(seed), "free")
    proc.stdin.close()
    lines = []
    for line in proc.stdout:
        lines.append(line.split())
        if sum(w[0] == "committed" for w in lines) >= wanted:
            proc.send_signal(signal.SIGKILL)  # the child runs on meanwhile: the kill lands anywhere
            break
    else:
        raise AssertionError(f"child ended early: {proc.stderr.read()}")
    proc.wait(timeout=30)
    # printed before it died; the kill can cut its last line short (no newline yet): that line is
    # left out, and the turn it was reporting counts as the one committed as it was killed
    lines += [line.split() for line in proc.stdout.read().split("\n")[:-1] if line.strip()]
    printed = [w[3] for w in lines if w[0] == "committed"]
    with Store(ref) as store:
        [info] = store.sessions(learner=learner)
        history = [t.key for t in store.turns(info.id, undone=True)]
        assert history[: len(printed)] == printed  # every turn reported as committed is there
        assert len(history) <= len(printed) + 1  # plus at most the one committed as it was killed
        live = store.turns(info.id)
        assert [t.number for t in live] == list(range(1, len(live) + 1))
        assert store.verify(info.id)[0].ok
        if store.location.kind == "sqlite":
            assert store.con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    return len(printed)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_kill_at_an_arbitrary_moment_leaves_a_consistent_store(ref, spawn, seed):
    assert kill_at_random(ref, spawn, seed) >= 1


WRITER = """
    import sys
    from simulator import Session, load_scenario
    from simulator.store import Store

    db, learner, sessions, turns = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    store = Store(db)
    scenario = load_scenario("leverage-play")
    for n in range(sessions):
        session = Session(scenario, seed=n)
        rec = store.record(session, learner=learner)
        while not session.over and session.turn < turns:
            legal = [c.key for c in session.choices()]
            rec.turn(session.play("wait" if "wait" in legal else legal[0]))
        rec.finish()
        print(rec.session_id, len(session.transcript), session.over, flush=True)
"""


def write_at_once(ref, spawn, processes: int, sessions: int, turns: int) -> None:
    """``processes`` writers at once into one store; every reported session and turn is there once."""
    Store(ref).close()  # create the schema once, as the first `parley play` would
    writers = [spawn(WRITER, ref, f"learner{i}", str(sessions), str(turns)) for i in range(processes)]
    reported = {}
    for proc in writers:
        out, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err
        for line in out.splitlines():
            session_id, count, over = line.split()
            reported[int(session_id)] = (int(count), over == "True")
    assert len(reported) == processes * sessions
    with Store(ref) as store:
        sessions_stored = store.sessions()
        assert len(sessions_stored) == processes * sessions  # none lost, none doubled
        assert {s.id: (s.turns, s.finished) for s in sessions_stored} == reported
        total = store.db.row("SELECT count(*), count(DISTINCT session_id || ':' || number) FROM turns")
        assert total[0] == total[1] == sum(c for c, _ in reported.values())  # no turn written twice
        assert all(v.status == "ok" for v in store.verify())
        if store.location.kind == "sqlite":
            assert store.con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_several_processes_write_at_once_without_losing_a_turn(ref, spawn):
    write_at_once(ref, spawn, processes=4, sessions=6, turns=8)


@pytest.mark.slow
def test_sixteen_processes_of_fifty_sessions_lose_nothing_and_double_nothing(ref, spawn):
    write_at_once(ref, spawn, processes=16, sessions=50, turns=8)


OPENER = """
    import sys
    from simulator.store import Store

    print("ready", flush=True)
    sys.stdin.readline()  # all start together: the race is the point
    print(Store(sys.argv[1]).schema_version, flush=True)
"""


@pytest.mark.slow
def test_processes_opening_a_new_store_at_once_create_the_schema_once(fresh, spawn, record_property):
    """Eight processes open the same new store at the same moment, five times over: one creates the
    schema, the others wait for it and find it (a stale catalog read once made them refuse it).
    """
    opened = 0
    for _ in range(5):
        ref = fresh()
        procs = [spawn(OPENER, ref) for _ in range(8)]
        for proc in procs:
            assert proc.stdout.readline().strip() == "ready", proc.stderr.read()
        for proc in procs:
            proc.stdin.write("go\n")
            proc.stdin.flush()
        for proc in procs:
            out, err = proc.communicate(timeout=120)
            assert proc.returncode == 0 and out.split()[-1] == str(SCHEMA_VERSION), err
            opened += 1
        with Store(ref) as store:
            assert store.schema_version == SCHEMA_VERSION and store.sessions() == []
    record_property("simultaneous_opens", opened)


@pytest.mark.slow
def test_many_kills_at_random_points(ref, spawn, record_property):
    """The adversarial run: 10 writers killed at random points; every reported commit is stored."""
    held = 0
    for seed in range(100, 110):
        kill_at_random(ref, spawn, seed)
        held += 1
    record_property("kills_held", held)
