"""Start-up time of ``parley list`` and of ``parley play`` up to its first prompt.

Each is reported as a ratio to ``python -c "import rich.console"`` measured in the same run, so
the figures compare across machines; medians of several runs. Target: ``parley list`` at most
2x. This prints figures and never fails on them.

    python bench/startup_bench.py [--runs 7]

``parley play`` runs in a pseudo-terminal (pexpect) and is timed until ``Your move`` appears,
which includes loading and compiling the scenario and starting prompt-toolkit.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def _parley() -> list[str]:
    exe = shutil.which("parley")
    return [exe] if exe else [sys.executable, "-m", "simulator"]


def time_command(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=True)
    return time.perf_counter() - start


def time_first_prompt(argv: list[str], env: dict[str, str], scenario: str) -> float:
    import pexpect

    start = time.perf_counter()
    child = pexpect.spawn(
        argv[0],
        [*argv[1:], "play", scenario, "--seed", "1", "--no-save"],
        env=env,
        dimensions=(40, 100),
        encoding="utf-8",
        timeout=30,
    )
    child.expect("Your move")
    elapsed = time.perf_counter() - start
    child.sendcontrol("d")
    child.expect(pexpect.EOF)
    child.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--scenario", default="declined-offer")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "PROMPT_TOOLKIT_NO_CPR": "1", "TERM": "xterm", "PARLEY_DB": os.path.join(tmp, "bench.db")}
        parley = _parley()
        baseline_argv = [sys.executable, "-c", "import rich.console"]
        # warm the file cache and the bytecode before measuring
        time_command(baseline_argv, env)
        time_command([*parley, "list"], env)
        base, listing, play = [], [], []
        for _ in range(args.runs):  # interleaved, so drift affects all three alike
            base.append(time_command(baseline_argv, env))
            listing.append(time_command([*parley, "list"], env))
            play.append(time_first_prompt(parley, env, args.scenario))
    b = statistics.median(base)
    rows = [
        ('python -c "import rich.console"', b),
        ("parley list", statistics.median(listing)),
        (f"parley play {args.scenario} (to first prompt)", statistics.median(play)),
    ]
    print(f"start-up, median of {args.runs} runs (Python {sys.version.split()[0]})")
    for name, seconds in rows:
        print(f"  {name:<48} {seconds * 1000:7.1f} ms  {seconds / b:5.2f}x")
    ratio = statistics.median(listing) / b
    print(f"  target: parley list <= 2.00x -> {'met' if ratio <= 2 else 'NOT met'} ({ratio:.2f}x)")


if __name__ == "__main__":
    main()
