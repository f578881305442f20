"""Exploration benchmark: prints figures measured in one run; asserts nothing about time.

    python bench/explore_bench.py            # everything (about a minute)
    python bench/explore_bench.py --quick    # skip the 10^6 scaling point

1. Throughput on the bundled scenarios: (situation, move) expansions per second of the table
   builder, against the obvious search over :func:`simulator.step.branches` and against driving the live
   ``transitions`` machines (one trigger per chance result, as a session does), same run.
2. ``parley check`` on every bundled scenario, and check + full solve, in process with cold
   caches, and the ``parley check`` command end to end.
3. Scaling on synthetic scenarios of about 10^3 .. 10^6 reachable situations: time and peak
   memory of exploration + optimal solve, each in a fresh process (peak RSS over its baseline).
"""

from __future__ import annotations

import gc
import json
import resource
import subprocess
import sys
import tempfile
import time
from contextlib import suppress
from pathlib import Path

import simulator
from simulator.analysis.explore import Table

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # for explore_synthetic, imported where it is used

explore_mod = sys.modules["simulator.analysis.explore"]
solver_mod = sys.modules["simulator.analysis.solver"]

# (meters, meter max, turns) of the synthetic scenarios, chosen for ~10^3 .. 10^6 situations.
SCALES = [(3, 4, 7), (4, 6, 8), (5, 7, 10), (7, 8, 11)]


def cold() -> None:
    explore_mod._CACHE.clear()
    solver_mod._CACHE.clear()
    gc.collect()


def plain_search(scenario: simulator.Scenario, budget: float) -> tuple[int, float, bool]:
    """Breadth-first search over the one step's ``branches`` with a set of tuples (no merging
    beyond equal tuples): (situation, move) expansions, CPU seconds, and whether it finished in
    budget.
    """
    from simulator.step import branches

    rules = scenario.rules
    seen = {rules.initial}
    queue = [rules.initial]
    expansions = 0
    start = time.process_time()
    for s in queue:
        for m in rules.legal(s):
            expansions += 1
            for n in (r.after for r in branches(rules, s, m)):
                if n not in seen:
                    seen.add(n)
                    queue.append(n)
        if time.process_time() - start > budget:
            return expansions, time.process_time() - start, False
    return expansions, time.process_time() - start, True


def naive_rate(scenario: simulator.Scenario, budget: float = 1.0) -> float:
    expansions, seconds, _ = plain_search(scenario, budget)
    return expansions / seconds


def live_rate(scenario: simulator.Scenario, table: Table, budget: float = 1.0) -> float:
    """Expand the table's situations, in its order, by taking each chance result's step through
    the shared transitions machines, as live sessions do.
    """
    from simulator.persona import Board, PersonaModel, machine_for
    from simulator.step import Forced, step

    rules = scenario.rules
    machines = [machine_for(rules, i) for i in range(len(rules.layout.cast))]
    board = Board(rules.initial, machines)
    board.models = [PersonaModel(board, i, rules.layout.states[i]) for i in range(len(machines))]
    for i, (machine, model) in enumerate(zip(machines, board.models, strict=True)):
        machine.add_model(model, initial=rules.state_name(rules.initial, i))
    expansions = 0
    start = time.process_time()
    try:
        for node in range(table.size):
            s = table.situation(node)
            for choice in rules.legal(s):
                expansions += 1
                outcomes = len(rules.react(rules.begin(s, choice), choice).outcomes)
                for k in range(outcomes):
                    step(rules, s, choice, Forced(k), enact=board.enact)
            if time.process_time() - start > budget:
                break
    finally:
        for machine, model in zip(machines, board.models, strict=True):
            machine.remove_model(model)
    return expansions / (time.process_time() - start)


def full_expansions(scenario: simulator.Scenario, budget: float = 30.0) -> int | None:
    """(situation, move) pairs of the whole unmerged situation space, by plain search."""
    expansions, _, complete = plain_search(scenario, budget)
    return expansions if complete else None


def throughput() -> None:
    print("1. exploration throughput, bundled scenarios ((situation, move) expansions per second)")
    print("   table: this package; plain: search over step.branches with a set of tuples;")
    print("   live: the shared transitions machines fired once per chance result, as sessions do.")
    print("   'x live/exp' compares rates per expansion; 'x live/all' compares exploring the whole")
    print("   scenario (live must expand every unmerged situation: estimated as count / live rate).")
    print(
        f"   {'scenario':<18}{'situations':>11}{'expansions':>11}{'seconds':>9}{'table/s':>11}{'plain/s':>10}"
        f"{'live/s':>9}{'x plain':>8}{'x live/exp':>11}{'x live/all':>11}"
    )
    totals = [0, 0.0]
    for info in simulator.list_scenarios():
        sc = simulator.load_scenario(info.id)
        _ = sc.rules  # compile outside the timing: sessions share it too
        cold()
        start = time.process_time()
        table = Table(sc)
        seconds = time.process_time() - start
        rate = table.expansions / seconds
        totals[0] += table.expansions
        totals[1] += seconds
        plain = naive_rate(sc, 0.5)
        live = live_rate(sc, table, 0.5)
        full = full_expansions(sc)
        whole = f"{full / live / seconds:>11.1f}" if full else f"{'n/a':>11}"
        print(
            f"   {info.id:<18}{table.size:>11}{table.expansions:>11}{seconds:>9.3f}"
            f"{rate:>11,.0f}{plain:>10,.0f}{live:>9,.0f}{rate / plain:>8.1f}{rate / live:>11.1f}{whole}"
        )
    print(f"   all: {totals[0]} expansions in {totals[1]:.3f} s = {totals[0] / totals[1]:,.0f}/s")


def checks() -> None:
    from simulator.analysis import analyse, solver_for

    print("2. parley check on every bundled scenario")
    scenarios = [simulator.load_scenario(i.id) for i in simulator.list_scenarios()]
    for sc in scenarios:
        _ = sc.rules, sc.rubric
    cold()
    start = time.process_time()
    reports = [analyse(sc) for sc in scenarios]
    checked = time.process_time() - start
    for sc in scenarios:
        solver_for(sc).to_dict()
    solved = time.process_time() - start
    print(
        f"   analyse() all {len(scenarios)}, cold caches (explore + optimum + checks + expectations): {checked:.3f} s"
    )
    print(f"   ... plus the full solve of each (random, archetypes, points of no return, tree): {solved:.3f} s total")
    for r in reports:
        print(f"     {r.scenario:<18} {r.stats['situations']:>7} situations  {r.stats['seconds']:.3f} s  ok={r.ok}")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "simulator", "check", "-q"], capture_output=True, text=True, check=False
    )
    wall = time.perf_counter() - wall
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    print(
        "   `parley check` end to end (new process: imports, loading, all scenarios): "
        f"{cpu:.3f} s CPU, {wall:.3f} s wall, exit {done.returncode}"
    )


def _status(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])  # kB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _reset_peak() -> int:
    """Reset the peak-RSS mark (Linux: write 5 to clear_refs) and return the current RSS in kB."""
    with suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")
    return _status("VmRSS")


def _peak() -> int:
    return _status("VmHWM")


def scale_one(meters: int, high: int, turns: int) -> dict[str, float]:
    from simulator.analysis.solver import Solver

    folder = Path(tempfile.mkdtemp(prefix="parley-bench-"))
    from explore_synthetic import write

    sc = simulator.load_scenario(write(folder, meters, high, turns))
    _ = sc.rules, sc.rubric
    gc.collect()
    base = _reset_peak()
    start = time.process_time()
    table = Table(sc)
    explored = time.process_time() - start
    solver = Solver(table)
    solved = time.process_time() - start
    peak = _peak()
    return {
        "situations": table.size,
        "expansions": table.expansions,
        "branches": len(table.branch_node),
        "explore_s": explored,
        "total_s": solved,
        "peak_mb": (peak - base) / 1024,
        "optimum": solver.optimum,
    }


def scaling(quick: bool) -> None:
    print("3. scaling on synthetic scenarios (fresh process each; explore + optimal solve)")
    print(
        f"   {'situations':>11}{'expansions':>11}{'explore s':>10}{'+solve s':>9}"
        f"{'us/situation':>13}{'peak MB':>9}{'bytes/situation':>16}"
    )
    for cfg in SCALES[:-1] if quick else SCALES:
        out = subprocess.run(
            [sys.executable, __file__, "--scale-one", *map(str, cfg)], capture_output=True, text=True, check=True
        )
        r = json.loads(out.stdout)
        per = r["total_s"] / r["situations"] * 1e6
        print(
            f"   {r['situations']:>11}{r['expansions']:>11}{r['explore_s']:>10.3f}{r['total_s']:>9.3f}{per:>13.2f}"
            f"{r['peak_mb']:>9.1f}{r['peak_mb'] * 2**20 / r['situations']:>16.0f}"
        )


def main() -> None:
    if sys.argv[1:2] == ["--scale-one"]:
        print(json.dumps(scale_one(*map(int, sys.argv[2:5]))))
        return
    quick = "--quick" in sys.argv
    print(f"Python {sys.version.split()[0]}; in-process times are CPU seconds of this process (time.process_time)")
    throughput()
    checks()
    scaling(quick)


if __name__ == "__main__":
    main()
