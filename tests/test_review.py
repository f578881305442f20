"""The solver's rating of a played session: what the choices were worth, apart from chance."""

from __future__ import annotations

from pathlib import Path

import pytest

import simulator
from simulator.analysis import solver_for
from simulator.analysis.review import COSTLY, rated_debrief

PHRASED = Path(__file__).resolve().parent / "cli" / "cases" / "phrased.yaml"


def played(keys, seed=1):
    scenario = simulator.load_scenario(PHRASED)
    session = simulator.Session(scenario, seed=seed)
    for key in keys:
        if not session.over:
            session.play(key)
    rows = solver_for(scenario).review(session.history, session.played)
    return session, rated_debrief(session, rows)


def test_without_chance_the_choices_are_worth_exactly_the_final_score():
    _, debrief = played(["vent:hr_rep"])  # the door closes, whatever the seed
    assert debrief.worth == pytest.approx(debrief.scores["overall"]) and debrief.chance == pytest.approx(0)


@pytest.mark.parametrize("seed", range(12))
def test_worth_plus_chance_is_the_final_score_and_worth_never_beats_the_optimum(seed):
    _, debrief = played(["apologize:hr_rep/sincere", "wait", "wait", "wait"], seed=seed)
    assert debrief.worth + debrief.chance == pytest.approx(debrief.scores["overall"])
    assert debrief.worth <= debrief.optimum + 1e-9


def test_over_every_draw_the_worth_of_the_play_is_what_it_scores_on_average():
    # Enumerate every chance result of a fixed line exactly: the expected final score equals the
    # expected worth (chance adds nothing on average), though single draws differ.
    from simulator.step import branches

    scenario = simulator.load_scenario(PHRASED)
    rules, solver = scenario.rules, solver_for(scenario)
    line = [rules.by_key[k] for k in ["apologize:hr_rep/sincere", "wait", "apologize:hr_rep/sincere", "wait"]]
    expected_final = expected_worth = 0.0
    finals = set()

    def walk(s, depth, p, lost):
        nonlocal expected_final, expected_worth
        if s[-1] >= 0 or depth == len(line):
            final = scenario.rubric.score(s)["overall"]
            finals.add(final)
            expected_final += p * final
            expected_worth += p * (solver.optimum - lost)
            return
        values = solver.move_values(s)
        loss = max(values.values()) - values[line[depth].key]
        for r in branches(rules, s, line[depth]):
            walk(r.after, depth + 1, p * r.outcome.weight / r.reaction.total, lost + loss)

    walk(rules.initial, 0, 1.0, 0.0)
    assert len(finals) > 1
    assert expected_final == pytest.approx(expected_worth)


def test_a_costly_choice_is_a_turning_point_even_when_nothing_showed():
    _, debrief = played(["wait", "wait", "wait", "wait"])
    silent = [p for p in debrief.turning_points if not any(p.delta.values())]
    assert silent and all(p.cost >= COSTLY and "kept more open" in p.why for p in silent)


def test_an_unfinished_session_is_rated_per_turn_but_not_summed():
    session, debrief = played(["apologize:hr_rep/justifying"])
    assert not session.over and debrief.worth is None and debrief.chance is None
