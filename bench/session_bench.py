"""Per-move cost and memory of live sessions, against a plain dict-table step in the same run.

    python bench/session_bench.py                      # declined-offer
    python bench/session_bench.py --scenario all       # every bundled scenario
    python bench/session_bench.py --sessions 5000 --open 10000

Three steps are timed over the same conversations (random legal moves, fixed seeds):

* a live move: ``Session.play`` (the transitions machine, scores, the transcript turn);
* a compiled-rules step: :func:`simulator.step.step` with the seeded chooser, no machine and no turn;
* a dict-table step: one lookup in a table ``(situation, move) -> next situation`` holding the
  steps the live sessions took, the cheapest step a conversation engine could have.

Live moves are timed one by one (``perf_counter_ns`` costs ~0.05 us, noise at this scale); the
two cheap steps in batches of 1,000, divided. Memory is traced with ``tracemalloc`` over N open
sessions, fresh and after three moves. Targets from the issue: <= 50 us per move (median) and
<= 20 KB per open session. Figures vary between machines and runs, so this script prints them and
their ratios, and asserts nothing.
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import time
import tracemalloc

import simulator
from simulator.session import Session

TARGET_US_PER_MOVE = 50
TARGET_BYTES_PER_SESSION = 20 * 1024
BATCH = 1000


def conversations(scenario: simulator.Scenario, count: int) -> list[tuple[int, list[str]]]:
    """``count`` (seed, moves) pairs, each a random legal line played to its ending."""
    walk = random.Random(f"bench:{scenario.id}")
    out = []
    for n in range(count):
        with Session(scenario, seed=n) as session:
            while not session.over:
                session.play(walk.choice(session.choices()))
            out.append((n, session.played))
    return out


def time_live(scenario: simulator.Scenario, runs: list[tuple[int, list[str]]]) -> tuple[list[float], dict]:
    """Microseconds per ``play`` call, and the dict table of the steps taken."""
    samples: list[float] = []
    table: dict[tuple[tuple[int, ...], str], tuple[int, ...]] = {}
    clock = time.perf_counter_ns
    for seed, moves in runs:
        session = Session(scenario, seed)
        for key in moves:
            before = session.situation
            start = clock()
            session.play(key)
            samples.append((clock() - start) / 1000)
            table[(before, key)] = session.situation
        session.close()
    return samples, table


def time_rules(scenario: simulator.Scenario, runs: list[tuple[int, list[str]]]) -> list[float]:
    """Microseconds per step of the compiled rules alone (batches of BATCH steps, divided)."""
    from simulator.rng import Rng
    from simulator.step import Draws, step

    rules = scenario.rules
    steps = [(seed, [rules.by_key[k] for k in moves]) for seed, moves in runs]
    samples: list[float] = []
    done, start = 0, time.perf_counter_ns()
    for seed, moves in steps:
        draws, s = Draws(Rng(seed)), rules.initial
        for move in moves:
            s = step(rules, s, move, draws).after
            done += 1
            if done == BATCH:
                samples.append((time.perf_counter_ns() - start) / 1000 / BATCH)
                done, start = 0, time.perf_counter_ns()
    return samples


def time_dict(table: dict, rounds: int) -> list[float]:
    """Microseconds per dict-table step (batches of BATCH lookups, divided)."""
    keys = list(table)
    walk = random.Random(1)
    batches = [[keys[walk.randrange(len(keys))] for _ in range(BATCH)] for _ in range(rounds)]
    samples = []
    clock = time.perf_counter_ns
    for batch in batches:
        start = clock()
        for key in batch:
            table[key]
        samples.append((clock() - start) / 1000 / BATCH)
    return samples


def bytes_per_session(scenario: simulator.Scenario, count: int, moves: list[str]) -> float:
    """Traced bytes per open session, with ``moves`` played in each."""
    Session(scenario, 0).close()  # machines, rules and caches exist before tracing starts
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    sessions = []
    for n in range(count):
        session = Session(scenario, n)
        for key in moves:
            if session.over:
                break
            session.play(key)
        sessions.append(session)
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    for session in sessions:
        session.close()
    return (after - before) / count


def first_moves(scenario: simulator.Scenario, count: int) -> list[str]:
    """A short opening that keeps the session open, found by playing it (no timing)."""
    with Session(scenario, 0) as session:
        for _ in range(count):
            wait = [c for c in session.choices() if c.target is None]
            session.play((wait or session.choices())[0])
            if session.over:
                return session.played[:-1]
        return session.played


def bench(scenario_id: str, sessions: int, open_sessions: int) -> None:
    scenario = simulator.load_scenario(scenario_id)
    conversations(scenario, 50)  # warm up: compile, build machines, fill caches
    runs = conversations(scenario, sessions)
    live, table = time_live(scenario, runs)
    rules = time_rules(scenario, runs)
    table_steps = time_dict(table, rounds=max(1, len(live) // BATCH))
    live_median = statistics.median(live)
    live_p90 = statistics.quantiles(live, n=10)[-1]
    rules_median = statistics.median(rules) if rules else float("nan")
    dict_median = statistics.median(table_steps)
    opening = first_moves(scenario, 3)
    fresh = bytes_per_session(scenario, open_sessions, [])
    played = bytes_per_session(scenario, open_sessions, opening)

    print(f"scenario {scenario_id}: {len(runs):,} sessions, {len(live):,} moves, {len(table):,} distinct steps")
    print(f"  live move (Session.play)    median {live_median:8.2f} us   p90 {live_p90:8.2f} us")
    print(f"  compiled rules step         median {rules_median:8.2f} us   (no machine, no transcript)")
    print(f"  dict-table step             median {dict_median:8.3f} us")
    print(f"  ratio live / dict           {live_median / dict_median:8.0f}x")
    print(
        f"  ratio live / rules          {live_median / rules_median:8.1f}x   (what transitions and the turn record add)"
    )
    verdict = "within" if live_median <= TARGET_US_PER_MOVE else "OVER"
    print(f"  target <= {TARGET_US_PER_MOVE} us per move: {verdict} ({live_median / TARGET_US_PER_MOVE:.0%} of it)")
    print(
        f"  memory, {open_sessions:,} open sessions: {fresh:,.0f} bytes each fresh, "
        f"{played:,.0f} bytes each after {len(opening)} moves ({', '.join(opening)})"
    )
    verdict = "within" if max(fresh, played) <= TARGET_BYTES_PER_SESSION else "OVER"
    print(
        f"  target <= {TARGET_BYTES_PER_SESSION // 1024} KB per open session: {verdict} "
        f"({max(fresh, played) / TARGET_BYTES_PER_SESSION:.0%} of it)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenario", default="declined-offer", help="a bundled scenario id, or 'all'")
    parser.add_argument("--sessions", type=int, default=3000, help="timed sessions per scenario (default 3000)")
    parser.add_argument("--open", type=int, default=10_000, help="sessions held open for the memory figure")
    args = parser.parse_args(argv)
    ids = [info.id for info in simulator.list_scenarios()] if args.scenario == "all" else [args.scenario]
    for scenario_id in ids:
        bench(scenario_id, args.sessions, args.open)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
