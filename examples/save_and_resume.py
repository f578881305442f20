"""Load a scenario, play and save as you go, stop, then resume later from the store.

    python examples/save_and_resume.py [STORE_FILE|postgresql://user@host/db]

Uses a temporary store unless one is given (``PARLEY_DB`` and ``parley`` commands read the same
store: try ``parley history --db STORE_FILE`` afterwards).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import simulator
from simulator.store import Store


def main(argv: list[str]) -> int:
    path = argv[1] if len(argv) > 1 else str(Path(tempfile.mkdtemp(prefix="parley-")) / "parley.db")
    scenario = simulator.load_scenario("declined-offer")

    # Monday: start a session and play two moves; each turn is committed as it is played.
    with Store(path) as store:
        session = simulator.Session(scenario, seed=7)
        rec = store.record(session, learner="ana")
        for move in ["decide_repair", "apologize:hr_rep/sincere"]:
            turn = session.play(move)
            rec.turn(turn)
            print(f"turn {turn.number}: {turn.key} -> {turn.line}")
        session_id = rec.session_id
        session.close()  # the learner closes the laptop; nothing more to save

    # Tuesday, another process: resume the most recent unfinished session and finish it.
    with Store(path) as store:
        rec = store.resume(learner="ana")
        assert rec.session_id == session_id
        session = rec.session
        print(f"resumed session {session_id} at turn {session.turn + 1}, scores {session.scores}")
        rec.play("apologize:hiring_manager/sincere")  # play() = session.play + rec.turn
        session.undo()  # second thoughts: take it back (the store keeps the taken-back turn)
        rec.undo()
        for move in ["apologize:hiring_manager/sincere", "clarify:hiring_manager/curious"]:
            if session.over:
                break
            rec.play(move)
        while not session.over:
            rec.play("wait")
        rec.finish()
        print(f"ending: {session.ending.title}; scores {session.scores}")

        # The stored session is a replay certificate: replay it and check every score.
        [verdict] = store.verify(session_id)
        print(f"verify: {verdict.status} ({verdict.detail})")
        for p in store.progress("ana"):
            print(f"progress on {p.scenario_id}: {p.attempts} attempt(s), best {p.best}, latest {p.latest}")
        print(f"store: {store.url}")  # where it is, with any password shown as ***
    return 0 if verdict.ok else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
