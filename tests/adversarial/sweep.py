"""Count how many hostile mutations of the bundled files hold the promise (see hostile.py).

    python tests/adversarial/sweep.py [--per-level 1000] [--seed 0] [--no-analyse] [--cli N]

Prints, per mutation level, the cases tried, refused with a located error, played through, and
broken (with the first few breakages, each reproducible from its level and seed). ``--cli N``
also runs N cases per level through ``parley check``, ``play --moves``, ``solve`` and ``graph``
in subprocesses, each held to exit code 0/1/2, one stderr line, no traceback, 10 seconds. Exit
status 1 when anything broke. ``test_hostile_mutations.py`` runs the same sweep, smaller, as a
slow test.
"""

from __future__ import annotations

import argparse
import collections
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]  # hostile, and command_support beside the tests

from command_support import parley_argv  # noqa: E402
from hostile import DEADLINE, MUTATIONS, Broken, held, judge, make_case  # noqa: E402


def sweep(
    per_level: int, first_seed: int = 0, *, analyse: bool = True, out=sys.stdout
) -> dict[str, collections.Counter]:
    counts: dict[str, collections.Counter] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for level in sorted(MUTATIONS):
            tally: collections.Counter = collections.Counter()
            broken: list[str] = []
            started = time.perf_counter()
            for seed in range(first_seed, first_seed + per_level):
                case = make_case(level, seed)
                path = case.write(Path(tmp) / f"{level}-{seed}")
                try:
                    tally[judge(path, analyse=analyse)] += 1
                except Broken as exc:
                    tally["broken"] += 1
                    broken.append(f"  {level} seed {seed} ({case.note}): {exc}")
            counts[level] = tally
            held = tally["refused"] + tally["played"]
            out.write(
                f"{level:<7} tried {per_level:>6}  held {held:>6}  (refused with a location {tally['refused']}, "
                f"played {tally['played']})  broken {tally['broken']}  [{time.perf_counter() - started:.0f} s]\n"
            )
            for line in broken[:10]:
                out.write(line[:400] + "\n")
    return counts


def sweep_cli(per_level: int, first_seed: int = 0, *, out=sys.stdout) -> tuple[int, int]:
    """Run ``per_level`` cases per level through four commands; returns (runs, held)."""
    import os

    runs = kept = 0
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "PARLEY_DB": os.path.join(tmp, "sweep.db"), "NO_COLOR": "1"}
        for level in sorted(MUTATIONS):
            for seed in range(first_seed, first_seed + per_level):
                path = make_case(level, seed).write(Path(tmp) / f"cli-{level}-{seed}")
                for args in (
                    ["check", path],
                    ["play", path, "--moves", "wait,wait", "--no-save"],
                    ["solve", path],
                    ["graph", path],
                ):
                    runs += 1
                    try:
                        result = subprocess.run(
                            [*parley_argv(), *map(str, args)],
                            capture_output=True,
                            text=True,
                            errors="replace",
                            env=env,
                            timeout=DEADLINE,
                        )
                        held(result)
                        kept += 1
                    except (AssertionError, subprocess.TimeoutExpired) as exc:
                        out.write(f"  {level} seed {seed} parley {args[0]}: {str(exc)[:300]}\n")
    out.write(f"cli     runs {runs:>6}  held {kept:>6}  broken {runs - kept}\n")
    return runs, kept


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-level", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-analyse", action="store_true", help="load and play only (faster)")
    parser.add_argument(
        "--cli", type=int, default=0, metavar="N", help="also run N cases per level through the commands"
    )
    args = parser.parse_args()
    counts = sweep(args.per_level, args.seed, analyse=not args.no_analyse)
    total = sum(sum(c.values()) for c in counts.values())
    broken = sum(c["broken"] for c in counts.values())
    print(f"all     tried {total:>6}  held {total - broken:>6}  broken {broken}")
    if args.cli:
        runs, kept = sweep_cli(args.cli, args.seed)
        broken += runs - kept
    return 1 if broken else 0


if __name__ == "__main__":
    raise SystemExit(main())
