"""Each bundled scenario teaches what its source teaches.

The line of play the source recommends must beat every anti-pattern the source names, in exact
expectation over every chance result, on ``overall``; and each scenario must have at least three
distinct endings that its named lines reach.
"""

from __future__ import annotations

import pytest

import simulator
from simulator.analysis import solver_for

IDS = ["declined-offer", "promotion-fumble", "leverage-play", "after-rejection", "bypass-hr"]
# The recommended line must win by a clear margin, not by noise.
MARGIN = 5.0


def test_the_five_source_scenarios_are_bundled():
    assert sorted(info.id for info in simulator.list_scenarios()) == sorted(IDS)


@pytest.mark.parametrize("scenario_id", IDS)
def test_recommended_line_beats_every_anti_pattern(scenario_id):
    sc = simulator.load_scenario(scenario_id)
    assert sc.spec.recommended, "the scenario names the line its source recommends"
    assert sc.spec.anti_patterns, "the scenario names the anti-patterns its source warns of"
    solver = solver_for(sc)
    best = solver.line_scores(sc.spec.recommended)["overall"]
    for name, line in sc.spec.anti_patterns.items():
        worse = solver.line_scores(line)["overall"]
        assert worse <= best - MARGIN, (
            f"{scenario_id}: anti-pattern {name!r} scores {worse:.1f} against the recommended line's {best:.1f}"
        )


@pytest.mark.parametrize("scenario_id", IDS)
def test_at_least_three_endings_are_reached_by_named_lines(scenario_id):
    sc = simulator.load_scenario(scenario_id)
    solver = solver_for(sc)
    reached = set()
    for line in [sc.spec.recommended, *sc.spec.anti_patterns.values()]:
        reached |= {solver.table.ending[node] for node, p in solver.line_distribution(line).items() if p > 0}
    assert len(reached - {-1}) >= 3, f"{scenario_id} reaches only {sorted(reached)}"
