"""What each line a scenario names is worth apart from luck, next to the raw scores it gets.

For every bundled scenario (or the ones named on the command line), the recommended line and
each anti-pattern are played over many seeds, then finished by waiting (or the first legal move
where waiting is not offered) until an ending, as a learner who stops choosing would. Printed per
line: the mean raw ``overall`` (luck included), its spread over the seeds, and the skill figure
(what the choices were worth as a share of the best possible, :class:`simulator.Skill`), which
does not depend on the draws.

    python examples/line_skill.py [SCENARIO ...] [--seeds N]
"""

from __future__ import annotations

import argparse
import statistics

import simulator
from simulator.analysis.review import rating_solver, skill_of
from simulator.catalogue import bundled_scenario_paths


def play_out(scenario: simulator.Scenario, line: list[str], seed: int) -> simulator.Session:
    """``line`` played from ``seed``, then waiting (or the first legal move) until it ends."""
    session = simulator.Session(scenario, seed=seed)
    for key in line:
        if session.over:
            break
        session.play(key)
    while not session.over:
        legal = [m.key for m in session.moves()]
        session.play("wait" if "wait" in legal else legal[0])
    return session


def rows(scenario_id: str, seeds: int) -> list[tuple[str, float, float, int | None, float, float]]:
    scenario = simulator.load_scenario(scenario_id)
    solver = rating_solver(scenario)
    assert solver is not None, f"{scenario_id} is too large to rate"
    named = {
        "recommended": list(scenario.spec.recommended),
        **{k: list(v) for k, v in scenario.spec.anti_patterns.items()},
    }
    out = []
    for name, line in named.items():
        raw, worth = [], []
        for seed in range(1, seeds + 1):
            session = play_out(scenario, line, seed)
            skill = skill_of(session, solver)
            assert skill is not None
            raw.append(session.scores["overall"])
            worth.append(skill.worth)
        mean_worth = statistics.fmean(worth)
        share = simulator.Skill(mean_worth, solver.optimum).share
        out.append((name, statistics.fmean(raw), statistics.pstdev(raw), share, mean_worth, solver.optimum))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenarios", nargs="*", help="scenario ids (default: every bundled one)")
    parser.add_argument("--seeds", type=int, default=50, help="seeds per line (default 50)")
    args = parser.parse_args()
    ids = args.scenarios or [p.stem for p in bundled_scenario_paths()]
    print(f"{'scenario':18} {'line':26} {'raw mean':>8} {'± sd':>6} {'skill':>5} {'worth':>6} {'of':>6}")
    for scenario_id in ids:
        for name, mean, sd, share, worth, optimum in rows(scenario_id, args.seeds):
            print(f"{scenario_id:18} {name:26} {mean:8.1f} {sd:6.1f} {share!s:>5} {worth:6.1f} {optimum:6.1f}")


if __name__ == "__main__":
    main()
