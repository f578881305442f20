"""Rewrite the golden transcripts from the scenarios as they are now.

    python tests/cases/golden/regenerate.py            # every bundled scenario
    python tests/cases/golden/regenerate.py ID [ID...] # only these

A golden plays the scenario's recommended line, then a random walk over the legal moves (seeded
by the scenario id) until an ending, so it pins a line the source recommends and some that it
does not. ``tests/test_golden.py`` replays each file and compares every field. A golden that
changes means behaviour changed: read the diff before committing it.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path
from typing import Any

import simulator

HERE = Path(__file__).resolve().parent
SEED = 7


def choose_moves(scenario: simulator.Scenario, seed: int) -> list[str]:
    """The recommended line, then a walk until the session ends."""
    walk = random.Random(f"golden:{scenario.id}")  # str seeds hash with SHA-512: stable everywhere
    session = simulator.Session(scenario, seed)
    for key in scenario.spec.recommended:
        if session.over:
            break
        session.play(key)
    while not session.over:
        session.play(walk.choice([c.key for c in session.choices()]))
    played = session.played
    session.close()
    return played


def record(scenario: simulator.Scenario, seed: int, moves: list[str]) -> dict[str, Any]:
    """Everything a replay of ``moves`` produces, as JSON-ready data."""
    with simulator.Session(scenario, seed) as session:
        for key in moves:
            session.play(key)
        data = {
            "scenario": scenario.id,
            "seed": seed,
            "moves": list(moves),
            "ending": session.ending.id if session.ending else None,
            "scores": session.scores,
            "transcript": [turn.to_dict() for turn in session.transcript],
            "debrief": session.debrief().to_dict(),
        }
    return json.loads(json.dumps(data))  # tuples become lists, as they are read back


def path_for(scenario_id: str) -> Path:
    return HERE / f"{scenario_id}.json"


def write(scenario_id: str) -> Path:
    scenario = simulator.load_scenario(scenario_id)
    data = record(scenario, SEED, choose_moves(scenario, SEED))
    path = path_for(scenario_id)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def main(argv: list[str]) -> int:
    ids = argv or [info.id for info in simulator.list_scenarios()]
    for scenario_id in ids:
        path = write(scenario_id)
        print(f"wrote {path.relative_to(HERE.parent.parent.parent)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
