"""Count how many hostile mutations of the bundled files hold the promise (see hostile.py).

    python tests/adversarial/sweep.py [--per-level 1000] [--seed 0] [--no-analyse]

Prints, per mutation level, the cases tried, refused with a located error, played through, and
broken (with the first few breakages, each reproducible from its level and seed). Exit status 1
when any case broke. ``test_hostile.py`` runs the same sweep, smaller, as a slow test.
"""

from __future__ import annotations

import argparse
import collections
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from hostile import MUTATIONS, Broken, judge, make_case  # noqa: E402


def sweep(per_level: int, first_seed: int = 0, *, analyse: bool = True, out=sys.stdout) -> dict[str, collections.Counter]:
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-level", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-analyse", action="store_true", help="load and play only (faster)")
    args = parser.parse_args()
    counts = sweep(args.per_level, args.seed, analyse=not args.no_analyse)
    total = sum(sum(c.values()) for c in counts.values())
    broken = sum(c["broken"] for c in counts.values())
    print(f"all     tried {total:>6}  held {total - broken:>6}  broken {broken}")
    return 1 if broken else 0


if __name__ == "__main__":
    raise SystemExit(main())
