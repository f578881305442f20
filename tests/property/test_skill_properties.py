"""Properties of the skill figure: for any line a learner could play, what the choices were worth
never exceeds the best possible and its share is a whole number from 0 to 100; the best move at
every turn is worth all of it, whatever the draw; the share rule itself holds for any figures.
"""

from __future__ import annotations

import pytest
from core_support import BUNDLED_IDS, bundled
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator import Session
from simulator.analysis.review import rating_solver, skill_of
from simulator.skill import Skill, skill_share

SEEDS = st.integers(min_value=0, max_value=2**32 - 1)
FIGURES = st.floats(min_value=-1000, max_value=1000, allow_nan=False)


@given(worth=FIGURES, optimum=FIGURES)
def test_the_share_is_a_whole_number_from_0_to_100_or_none(worth, optimum):
    share = skill_share(worth, optimum)
    if optimum <= 0:
        assert share is None
    else:
        assert isinstance(share, int) and 0 <= share <= 100
        if 0 <= worth <= optimum:
            assert abs(share - 100 * (worth / optimum)) <= 0.5 + 1e-9  # the nearest whole share


@given(optimum=st.floats(min_value=1, max_value=100), lost=st.floats(min_value=0, max_value=100))
def test_giving_up_more_never_raises_the_share(optimum, lost):
    assert Skill(optimum - lost, optimum).share <= Skill(optimum, optimum).share == 100


@pytest.mark.parametrize("scenario_id", BUNDLED_IDS)
@settings(max_examples=25, deadline=None)
@given(seed=SEEDS, data=st.data())
def test_any_line_played_to_its_end_is_worth_at_most_the_optimum(scenario_id, seed, data):
    with Session(bundled(scenario_id), seed) as session:
        while not session.over:
            session.play(data.draw(st.sampled_from(session.choices())))
        skill = skill_of(session)
    assert skill is not None  # every bundled scenario is small enough to rate
    assert skill.worth <= skill.optimum + 1e-9
    assert skill.share is not None and 0 <= skill.share <= 100


@pytest.mark.parametrize("scenario_id", BUNDLED_IDS)
@settings(max_examples=15, deadline=None)
@given(seed=SEEDS)
def test_the_best_move_at_every_turn_is_worth_all_of_the_possible_whatever_the_draw(scenario_id, seed):
    scenario = bundled(scenario_id)
    solver = rating_solver(scenario)
    assert solver is not None
    with Session(scenario, seed) as session:
        while not session.over:
            session.play(solver.ranked(session.situation)[0][0])
        skill = skill_of(session, solver)
    assert skill is not None and skill.worth == pytest.approx(skill.optimum) and skill.share == 100
