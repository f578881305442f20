"""What rating a finished session costs the store (schema 4: ``worth`` and ``optimum`` are
written with the turn that reaches an ending), measured in one run on a SQLite file.

    python bench/skill_bench.py [--rounds N]

Per bundled scenario: building its solver (once per scenario content and process, shared with
the debrief and the hints, so a front end that shows the debrief pays it anyway); rating an
ended session with the solver built; and recording sessions to their endings with the rating
against the same recording with it switched off (what a finish cost before schema 4). Figures
only: timing belongs in a report, never in a test.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import simulator
from simulator.analysis import review
from simulator.store import Store


def lines_of(scenario: simulator.Scenario) -> list[list[str]]:
    spec = scenario.spec
    return [list(spec.recommended), *[list(v) for v in spec.anti_patterns.values()], ["wait"]]


def record_all(store: Store, scenario, lines, seeds) -> tuple[float, int]:
    """Record every line with every seed to its ending; returns (seconds, sessions)."""
    count = 0
    start = time.perf_counter()
    for seed in seeds:
        for line in lines:
            session = simulator.Session(scenario, seed)
            rec = store.record(session, learner="bench")
            script = list(line)
            while not session.over:
                rec.turn(session.play(script.pop(0) if script else "wait"))
            rec.finish()
            session.close()
            count += 1
    return time.perf_counter() - start, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="seeds per line (default 5)")
    args = parser.parse_args()
    real = review.skill_of
    print("Rating finished sessions (ms; 'record' is a whole session recorded to its ending, then finish())")
    print(f"  {'scenario':<18}{'solver built':>13}{'rate, built':>13}{'record, off':>13}{'record, on':>12}{'adds':>8}")
    with tempfile.TemporaryDirectory() as folder, Store(Path(folder) / "bench.db") as store:
        for info in simulator.list_scenarios():
            scenario = simulator.load_scenario(info.id)
            lines = lines_of(scenario)
            t = time.perf_counter()
            solver = review.rating_solver(scenario)
            built = (time.perf_counter() - t) * 1000
            ended = simulator.Session(scenario, 1)
            while not ended.over:
                ended.play("wait")
            rates = []
            for _ in range(20):
                t = time.perf_counter()
                review.skill_of(ended, solver)
                rates.append(time.perf_counter() - t)
            record_all(store, scenario, lines, range(1))  # warm up
            review.skill_of = lambda session, solver=None: None  # type: ignore[assignment] # as before schema 4
            off_t, n = record_all(store, scenario, lines, range(args.rounds))
            review.skill_of = real  # type: ignore[assignment]
            on_t, _ = record_all(store, scenario, lines, range(args.rounds))
            off, on = off_t / n * 1000, on_t / n * 1000
            rate = statistics.median(rates) * 1000
            print(f"  {info.id:<18}{built:13.1f}{rate:13.3f}{off:13.2f}{on:12.2f}{on - off:8.2f}  ({n} sessions)")


if __name__ == "__main__":
    main()
