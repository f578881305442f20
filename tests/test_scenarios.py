"""Each bundled scenario teaches what its source teaches.

The line of play the source recommends must beat every anti-pattern the source names, in
expectation over many seeds, on ``overall``; and each scenario must have at least three distinct
endings that some line of play reaches.
"""

from __future__ import annotations

import pytest

import simulator
from simulator.lines import compare_lines

SEEDS = range(300)
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
    lines = {"recommended": sc.spec.recommended, **sc.spec.anti_patterns}
    results = {r.name: r for r in compare_lines(sc, lines, SEEDS)}
    best = results.pop("recommended").mean["overall"]
    for name, result in results.items():
        assert result.mean["overall"] <= best - MARGIN, (
            f"{scenario_id}: anti-pattern {name!r} scores {result.mean['overall']:.1f} "
            f"against the recommended line's {best:.1f}"
        )


@pytest.mark.parametrize("scenario_id", IDS)
def test_at_least_three_endings_are_reached_by_named_lines(scenario_id):
    sc = simulator.load_scenario(scenario_id)
    lines = {"recommended": sc.spec.recommended, **sc.spec.anti_patterns}
    reached = set()
    for result in compare_lines(sc, lines, SEEDS):
        reached |= set(result.endings)
    assert len(reached) >= 3, f"{scenario_id} reaches only {sorted(reached)}"
