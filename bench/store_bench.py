"""What the session store costs: saving a turn against playing it, and reading progress.

    python bench/store_bench.py [--sessions 1000]

Targets (issue 5): saving adds at most 2 ms per turn; the progress of a learner with 1,000
sessions reads in under 100 ms. It also times Course.report and reading a cohort's turns in one
query against one query per session. The figures are measured in this one run, on a store file in a
temporary directory (the same kind of disk as the user's data directory, usually). This prints
figures and never asserts: timing belongs in a report, not in a test.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import statistics
import tempfile
import time
from pathlib import Path

import simulator
from simulator.store import Store

SCENARIO = "declined-offer"


def lines_of(scenario: simulator.Scenario) -> list[list[str]]:
    spec = scenario.spec
    return [list(spec.recommended), *[list(v) for v in spec.anti_patterns.values()], ["wait"]]


def play_all(scenario, lines, seeds, rec_for=None) -> tuple[float, int]:
    """Play every line with every seed to an ending; returns (seconds, turns)."""
    turns = 0
    start = time.perf_counter()
    for seed in seeds:
        for line in lines:
            session = simulator.Session(scenario, seed)
            rec = rec_for(session) if rec_for else None
            script = list(line)
            while not session.over:
                turn = session.play(script.pop(0) if script else "wait")
                if rec is not None:
                    rec.turn(turn)
                turns += 1
            if rec is not None:
                rec.finish()
            session.close()
    return time.perf_counter() - start, turns


def bench_turns(scenario, folder: Path, rounds: int) -> None:
    lines = lines_of(scenario)
    seeds = range(rounds)
    play_all(scenario, lines, range(3))  # warm up: compile, build machines
    print(f"Saving turns ({SCENARIO}, {len(lines)} lines x {rounds} seeds, each to an ending)")
    bare_t, bare_n = play_all(scenario, lines, seeds)
    bare = bare_t / bare_n * 1000
    print(f"  play only:                        {bare:8.3f} ms/turn  ({bare_n} turns)")
    for label, durable in [("play + save (synchronous=NORMAL)", False), ("play + save (durable=True, fsync)", True)]:
        with Store(folder / f"turns-{durable}.db", durable=durable) as store:
            saved_t, saved_n = play_all(scenario, lines, seeds, lambda s: store.record(s, learner="bench"))
        saved = saved_t / saved_n * 1000
        print(f"  {label:<34}{saved:8.3f} ms/turn  adds {saved - bare:6.3f} ms/turn  ratio {saved / bare:5.1f}x"
              f"{'  (target: adds <= 2 ms)' if not durable else ''}")


def bench_progress(scenario, folder: Path, sessions: int) -> None:
    db = folder / "progress.db"
    lines = lines_of(scenario)
    start = time.perf_counter()
    with Store(db) as store:
        for i in range(sessions):
            session = simulator.Session(scenario, i)
            rec = store.record(session, learner="busy")
            script = list(lines[i % len(lines)])
            while not session.over:
                rec.turn(session.play(script.pop(0) if script else "wait"))
            rec.finish()
            session.close()
        for other in range(20):  # other learners share the file
            rec = store.record(simulator.Session(scenario, other), learner=f"other{other}")
    built = time.perf_counter() - start
    print(f"\nProgress of a learner with {sessions} sessions (built in {built:.1f} s)")
    with Store(db) as store:
        store.progress("busy")
        times = []
        for _ in range(20):
            t = time.perf_counter()
            rows = store.progress("busy")
            times.append(time.perf_counter() - t)
        print(f"  Store.progress():                  {statistics.median(times) * 1000:8.2f} ms median of 20 "
              f"({rows[0].attempts} attempts)  (target: < 100 ms)")
    t = time.perf_counter()
    with Store(db) as store:
        store.progress("busy")
    print(f"  open the store + progress:         {(time.perf_counter() - t) * 1000:8.2f} ms")
    from simulator.cli.main import main

    with contextlib.redirect_stdout(io.StringIO()):
        main(["progress", "--learner", "busy", "--db", str(db)])  # warm: rich imported
        t = time.perf_counter()
        main(["progress", "--learner", "busy", "--db", str(db)])
    print(f"  `parley progress` in process:      {(time.perf_counter() - t) * 1000:8.2f} ms (rendering the table included)")


def bench_course(folder: Path, sessions: int) -> None:
    """Course.report reads the cohort once: its turns in one query against one query per session."""
    from simulator.store import Course

    db = folder / "progress.db"  # built by bench_progress: the busy learner and 20 others
    with Store(db) as store:
        course = Course(store)
        infos = store.sessions()
        ids = [s.id for s in infos]

        def median_ms(run) -> float:
            run()
            times = []
            for _ in range(5):
                t = time.perf_counter()
                run()
                times.append(time.perf_counter() - t)
            return statistics.median(times) * 1000

        per_session = median_ms(lambda: {i: store.turns(i) for i in ids})
        one_query = median_ms(lambda: store.turns_of(ids))
        statements: list[str] = []
        store.con.set_trace_callback(statements.append)
        course.report()
        store.con.set_trace_callback(None)
        report = median_ms(course.report)
    print(f"\nCourse over {len(ids)} sessions")
    print(f"  turns, one query per session:      {per_session:8.2f} ms")
    print(f"  turns, one query (Store.turns_of): {one_query:8.2f} ms  ratio {per_session / one_query:5.1f}x")
    print(f"  Course.report():                   {report:8.2f} ms  ({len(statements)} queries)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=1000, help="sessions of the busy learner (default 1000)")
    parser.add_argument("--rounds", type=int, default=40, help="seeds per line for the turn benchmark (default 40)")
    args = parser.parse_args()
    scenario = simulator.load_scenario(SCENARIO)
    with tempfile.TemporaryDirectory(prefix="parley-bench-") as tmp:
        bench_turns(scenario, Path(tmp), args.rounds)
        bench_progress(scenario, Path(tmp), args.sessions)
        bench_course(Path(tmp), args.sessions)


if __name__ == "__main__":
    main()
