"""A course run: a cohort of scripted learners through two scenarios, a report, and the exports.

    python examples/course_cohort.py [OUTPUT_DIR]

Writes ``cohort.db`` (the store), ``sessions.jsonl``, ``sessions.csv``, ``turns.csv`` and
``xapi.json`` (statements ready to POST to a learning record store) into OUTPUT_DIR, or into a
fresh temporary directory when none is given. Running it again on the same directory adds
another round to the same store, as a course that meets twice would.
"""

from __future__ import annotations

import random
import sys
import tempfile
from pathlib import Path

import simulator
from simulator.store import Course

PREFERRED = ["declined-offer", "promotion-fumble"]


def pick_scenarios() -> list[simulator.Scenario]:
    bundled = [info.id for info in simulator.list_scenarios()]
    chosen = [s for s in PREFERRED if s in bundled] + [s for s in bundled if s not in PREFERRED]
    return [simulator.load_scenario(s) for s in chosen[:2]]


def wanderer(seed: int):
    """A learner who clicks around: any legal move, from a seeded random generator."""
    rng = random.Random(seed)
    return lambda session: rng.choice([c.key for c in session.choices()])


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else Path(tempfile.mkdtemp(prefix="parley-course-"))
    out.mkdir(parents=True, exist_ok=True)
    course = Course(out / "cohort.db", cohort="spring-2026", pass_mark=60, home_page="https://lms.example.org")
    cohort = {"ana": "Ana Lima", "bo": "Bo Chen", "cy": "Cy Okafor", "di": "Di Novak"}
    for name, display in cohort.items():
        course.enrol(name, display)

    scenarios = pick_scenarios()
    for n, scenario in enumerate(scenarios):
        spec = scenario.spec
        first_anti = next(iter(spec.anti_patterns.values()))
        # Each learner's attempts, in order: the improver learns from a bad first attempt.
        plans = {
            "ana": [spec.recommended],
            "bo": [first_anti, spec.recommended],
            "cy": [wanderer(10 + n), wanderer(20 + n)],
            "di": [line for line in spec.anti_patterns.values()],
        }
        for name, attempts in plans.items():
            for i, plan in enumerate(attempts):
                course.run(name, scenario, plan, seed=100 * n + 10 * i + len(name))

    print(course.report())
    print()
    counts = {
        "sessions.jsonl": course.export_jsonl(out / "sessions.jsonl"),
        "sessions.csv": course.export_csv(out / "sessions.csv"),
        "turns.csv": course.export_csv(out / "turns.csv", table="turns"),
        "xapi.json": course.export_xapi(out / "xapi.json"),
    }
    for name, count in counts.items():
        print(f"wrote {out / name} ({count} records)")
    bad = [v for v in course.store.verify() if not v.ok]
    print(
        f"verified {len(course.sessions())} sessions: {'all replay identically' if not bad else f'{len(bad)} differ'}"
    )
    course.store.close()
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
