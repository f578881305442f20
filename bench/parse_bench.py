"""What keeping parsed documents saves a long-lived process: loading every bundled scenario with
the parse cache emptied before each load (every file read by the pure-Python YAML loader, as
before the cache) against loading it again unchanged. Prints figures measured in one run, and
their ratio; asserts nothing about time.

    python bench/parse_bench.py [--rounds N]
"""

from __future__ import annotations

import argparse
import statistics
import time

import simulator
from simulator import yamlsource
from simulator.catalogue import bundled_scenario_paths


def load_ms(path: str, *, cold: bool, rounds: int) -> float:
    """The median time of ``load_scenario(path)`` in milliseconds."""
    times = []
    for _ in range(rounds):
        if cold:
            yamlsource._PARSED.clear()  # as if every file were new to this process
        start = time.perf_counter()
        simulator.load_scenario(path)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    print(f"{'scenario':18} {'parsed (ms)':>12} {'kept (ms)':>10} {'ratio':>7}")
    for path in bundled_scenario_paths():
        cold = load_ms(str(path), cold=True, rounds=args.rounds)
        warm = load_ms(str(path), cold=False, rounds=args.rounds)
        print(f"{path.stem:18} {cold:12.1f} {warm:10.1f} {cold / warm:6.1f}x")


if __name__ == "__main__":
    main()
