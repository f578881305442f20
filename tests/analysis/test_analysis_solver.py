"""The solver: exact expectimax, policies, best line, points of no return."""

from __future__ import annotations

import analysis_fixtures as fx
from hypothesis import given, settings

from simulator.analysis import solver_for
from simulator.analysis.explore import Table
from simulator.analysis.solver import EPSILON, Solver
from simulator.testing import scenarios


def test_optimum_matches_a_naive_expectimax(tmp_path):
    sc = fx.load(tmp_path)
    assert abs(solver_for(sc).optimum - fx.naive_expectimax(sc)) < 1e-9


def test_move_values_name_every_legal_move_and_the_best_equals_the_optimum(tmp_path):
    sc = fx.load(tmp_path)
    solver = solver_for(sc)
    values = solver.move_values(sc.rules.initial)
    assert list(values) == [m.key for m in sc.rules.legal(sc.rules.initial)]
    assert abs(max(values.values()) - solver.optimum) < EPSILON
    assert values["vent:hr_rep"] == 25.0  # closed door: outcome 0, relationship 0, integrity 100
    assert solver.best_moves(sc.rules.initial) == ["apologize:hr_rep", "wait"]


def test_best_line_follows_the_most_likely_optimal_path(tmp_path):
    sc = fx.load(tmp_path)
    line = solver_for(sc).best_line
    assert line[0]["key"] == "apologize:hr_rep"
    assert line[0] == {**line[0], "move": "apologize", "to": "hr_rep", "probability": 0.75}
    assert line[-1]["ending"] is not None


def test_solver_is_cached_by_scenario_content():
    assert solver_for(fx.bundled("declined-offer")) is solver_for(fx.bundled("declined-offer"))


def test_solve_json_has_the_promised_keys():
    data = solver_for(fx.bundled("declined-offer")).to_dict()
    for key in ("optimum", "best_line", "first_moves", "random", "archetypes", "points_of_no_return", "best_tree"):
        assert key in data
    assert set(data["archetypes"]) == {"aggressive", "avoidant", "appeaser", "bypasser"}
    assert all(set(step) >= {"move", "to"} for step in data["best_line"])


def test_points_of_no_return_include_venting(tmp_path):
    sc = fx.load(tmp_path)
    solver = solver_for(sc)
    assert solver.best_ending == "repaired"
    points = {p.move: p for p in solver.points_of_no_return()}
    assert points["vent:hr_rep"].certain and points["vent:hr_rep"].turns[0] == 1
    assert solver.can_reach_best(sc.rules.initial)


def test_a_line_is_valued_exactly(tmp_path):
    sc = fx.load(tmp_path)
    solver = solver_for(sc)
    assert solver.line_scores(["vent:hr_rep"])["overall"] == 25.0
    assert solver.repeated("wait") == 38.0


@settings(max_examples=30, deadline=None)
@given(scenarios())
def test_no_policy_beats_the_optimum_and_results_are_deterministic(sc):
    solver = Solver(Table(sc))
    assert solver.random <= solver.optimum + EPSILON
    for value in solver.archetypes.values():
        assert value <= solver.optimum + EPSILON
    again = Solver(Table(sc))
    assert again.values == solver.values and again.to_dict() == solver.to_dict()
    assert abs(solver.optimum - fx.naive_expectimax(sc)) < 1e-6


def test_review_names_the_best_alternative_for_each_turn(tmp_path):
    import simulator

    sc = fx.load(tmp_path)
    solver = solver_for(sc)
    with simulator.Session(sc, seed=3) as session:
        before = [session.situation]
        session.play("vent:hr_rep")
        review = solver.review(before, ["vent:hr_rep"])
    assert review == [
        {
            "turn": 1,
            "played": "vent:hr_rep",
            "played_value": 25.0,
            "best": "apologize:hr_rep",
            "best_value": solver.optimum,
            "loss": solver.optimum - 25.0,
        }
    ]


def test_a_line_then_optimal_play_is_bounded_by_the_optimum_and_by_the_line_alone():
    import simulator

    sc = simulator.load_scenario("leverage-play")
    solver = solver_for(sc)
    assert abs(solver.line_then_optimal([]) - solver.optimum) < EPSILON
    for line in [sc.spec.recommended, *sc.spec.anti_patterns.values()]:
        then_best = solver.line_then_optimal(line)
        assert then_best <= solver.optimum + EPSILON
        # optimal play after the line can only do better than waiting after it
        assert then_best >= solver.line_scores(line)["overall"] - EPSILON
    # an ultimatum gives up far more than the source's line does
    assert solver.optimum - solver.line_then_optimal(sc.spec.anti_patterns["match_it_or_else"]) > 20
    assert solver.optimum - solver.line_then_optimal(sc.spec.recommended) < 1


def test_parley_solve_prints_the_optimum_the_best_line_and_what_cannot_be_undone(tmp_path, capsys):
    """`parley solve` on TINY, against what is known of it: the optimum a naive expectimax
    finds, venting as the worst first move (the door closes: overall 25, the lowest final score)
    and as a certain point of no return, and a best line that ends repaired.
    """
    import json

    from simulator.cli.main import main

    path = fx.write(tmp_path)
    optimum = fx.naive_expectimax(fx.load(tmp_path))
    assert main(["solve", str(path)]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == "tiny: 43 situations"
    assert lines[1] == f"optimum (expected overall under optimal play): {optimum:.2f}"
    first = lines[lines.index("first moves (expected overall, optimal play afterwards):") + 1 :][:4]
    values = [float(line.split()[0]) for line in first]
    assert values == sorted(values, reverse=True) and first[-1].split() == ["25.00", "vent:hr_rep"]
    best = lines[lines.index("best line (most likely path of optimal play):") + 1 :][:3]
    assert best[0].startswith("  1. apologize:hr_rep") and best[-1].endswith("-> repaired")
    assert "  vent:hr_rep                  always, turns 1-3; e.g. vent:hr_rep" in lines
    assert main(["solve", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert round(data["optimum"], 4) == round(optimum, 4) and data["best_ending"] == "repaired"  # rounded to 6 places
