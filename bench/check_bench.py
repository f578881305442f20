"""What the contradiction checks add to ``parley check``: prints figures measured in one run;
asserts nothing about time.

    python bench/check_bench.py [--rounds N]

For each bundled scenario, ``simulator.analyse`` with and without the contradiction checks
(:mod:`simulator.analysis.contradictions`), alternated in the same process with cold caches,
best of N rounds each (default 3); then the checks alone on an already explored table; then
``parley check`` on the largest scenario end to end, each run a fresh process, with and without.
"""

from __future__ import annotations

import argparse
import gc
import subprocess
import sys
import time

import simulator
from simulator.analysis import checks
from simulator.analysis.contradictions import contradictions
from simulator.analysis.explore import explore


def _analyse_seconds(scenario_id: str, *, with_contradictions: bool) -> float:
    scenario = simulator.load_scenario(scenario_id)  # a fresh load: no table or solver cached
    checks.contradictions = contradictions if with_contradictions else (lambda scenario, table: [])  # type: ignore[assignment]
    gc.collect()
    started = time.perf_counter()
    simulator.analyse(scenario)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    rounds = parser.parse_args().rounds
    print(f"{'scenario':18} {'situations':>10} {'check before':>13} {'check after':>12} {'ratio':>6} {'alone':>7}")
    try:
        for info in simulator.list_scenarios():
            before, after = [], []
            for _ in range(rounds):
                before.append(_analyse_seconds(info.id, with_contradictions=False))
                after.append(_analyse_seconds(info.id, with_contradictions=True))
            scenario = simulator.load_scenario(info.id)
            table = explore(scenario)
            started = time.perf_counter()
            contradictions(scenario, table)
            alone = time.perf_counter() - started
            b, a = min(before), min(after)
            print(f"{info.id:18} {table.size:>10,} {b:>12.2f}s {a:>11.2f}s {a / b:>6.2f} {alone:>6.2f}s")
    finally:
        checks.contradictions = contradictions  # type: ignore[assignment]
    _end_to_end(rounds)


# A fresh process running `parley check` on one scenario, the contradiction checks on or off.
_COMMAND = """
import sys
from simulator.analysis import checks
if sys.argv[1] == "off":
    checks.contradictions = lambda scenario, table: []
from simulator.cli.main import main
main(["check", sys.argv[2], "-q"])
"""


def _end_to_end(rounds: int) -> None:
    largest = max(simulator.list_scenarios(), key=lambda info: explore(simulator.load_scenario(info.id)).size)
    times: dict[str, list[float]] = {"off": [], "on": []}
    for _ in range(rounds):
        for mode in ("off", "on"):
            started = time.perf_counter()
            subprocess.run([sys.executable, "-c", _COMMAND, mode, largest.id], check=True, capture_output=True)
            times[mode].append(time.perf_counter() - started)
    off, on = min(times["off"]), min(times["on"])
    print(f"parley check {largest.id}, fresh process: {off:.2f}s without, {on:.2f}s with ({on / off:.2f}x)")


if __name__ == "__main__":
    main()
