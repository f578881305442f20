"""Scores and debriefs: pure functions of a situation and a transcript."""

from __future__ import annotations

import json

import pytest
from core_support import MINI

import simulator
from simulator import Session
from simulator.scoring import (
    DIMENSION_SWING,
    MAX_TURNING_POINTS,
    OVERALL_SWING,
    Rubric,
    TurningPoint,
    advice_for,
    build_debrief,
)
from simulator.spec import Advice
from simulator.transcript import Turn


def situation(rules, *, trust=None, repaired=None, ending=None):
    s = list(rules.initial)
    if trust is not None:
        s[rules.layout.slot("hr_rep.trust", None)] = trust
    if repaired is not None:
        s[rules.layout.slot("scene.repaired", None)] = repaired
    if ending is not None:
        s[-1] = [e.id for e in rules.endings].index(ending)
    return tuple(s)


def test_dimensions_in_order(mini):
    assert mini.rubric.dimensions == ("outcome", "relationship", "integrity", "overall")


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        # base 10 + 40 * repaired (+30 repaired / -20 closed_door); 10 * trust; integrity 100
        ({}, {"outcome": 10, "relationship": 30, "integrity": 100, "overall": 38}),  # 150 / 4 = 37.5 rounds up
        ({"trust": 6, "repaired": 1}, {"outcome": 50, "relationship": 60, "integrity": 100, "overall": 65}),
        ({"repaired": 1, "ending": "repaired"}, {"outcome": 80, "relationship": 30, "integrity": 100, "overall": 73}),
        ({"trust": 0, "ending": "closed_door"}, {"outcome": 0, "relationship": 0, "integrity": 100, "overall": 25}),
    ],
)
def test_score_is_base_plus_terms_plus_ending_clamped(mini, kwargs, expected):
    s = situation(mini.rules, **kwargs)
    assert mini.rubric.score(s) == expected
    assert mini.rubric.overall(s) == expected["overall"]


def test_scores_clamp_at_100_and_the_ending_bonus_waits_for_the_ending(write_scenario):
    text = MINI.replace("    base: 10\n", "    base: 90\n")
    scenario = simulator.load_scenario(write_scenario(text))
    rubric = Rubric(scenario.spec, scenario.rules)
    assert rubric.score(situation(scenario.rules, repaired=1))["outcome"] == 100
    assert rubric.score(situation(scenario.rules))["outcome"] == 90
    assert rubric.score(situation(scenario.rules, ending="repaired"))["outcome"] == 100


def test_overall_rounds_half_up_in_integers(mini):
    # weights 2:1:1 over (outcome, relationship, integrity); check every trust value against exact math
    for trust in range(7):
        s = situation(mini.rules, trust=trust)
        scores = mini.rubric.score(s)
        exact = (2 * scores["outcome"] + scores["relationship"] + scores["integrity"]) / 4
        assert scores["overall"] == int(exact + 0.5)


def test_advice_prefers_the_exact_target(mini):
    spec = mini.spec.model_copy(
        update={
            "advice": [
                Advice(move="vent", text="general"),
                Advice(move="vent", to="hr_rep", text="exact"),
                Advice(move="vent", to="boss", text="other"),
            ]
        }
    )
    assert advice_for(spec, "vent", "hr_rep") == "exact"
    assert advice_for(spec, "vent", "boss") == "other"
    assert advice_for(spec, "vent", None) == "general"
    assert advice_for(spec, "wait", None) is None
    assert advice_for(mini.spec, "apologize", "hr_rep") == "Apologise for what you did, asking nothing in return."


def _turn(number, overall=0, **dims):
    delta = {"outcome": 0, "relationship": 0, "integrity": 0, **dims, "overall": overall}
    return Turn(
        number=number,
        move="vent",
        target="hr_rep",
        label="Vent",
        speaker="hr_rep",
        speaker_name="Dana",
        line="...",
        note=f"note {number}",
        changes=(),
        scores={},
        delta=delta,
        ending=None,
        day=None,
    )


def test_turning_points_are_the_big_swings_in_turn_order(mini):
    transcript = [
        _turn(1, overall=OVERALL_SWING - 1),  # too small
        _turn(2, overall=-OVERALL_SWING),  # big enough
        _turn(3, relationship=DIMENSION_SWING),  # one dimension moved a lot
        _turn(4, relationship=DIMENSION_SWING - 1),
        _turn(5, overall=10),
    ]
    debrief = build_debrief(mini.spec, mini.rules, transcript, mini.rules.initial, {"overall": 1})
    assert [p.turn for p in debrief.turning_points] == [2, 3, 5]
    point = debrief.turning_points[0]
    assert point == TurningPoint(
        turn=2,
        move="vent",
        target="hr_rep",
        label="Vent",
        delta=transcript[1].delta,
        why="note 2",
        advice="Never vent at the person you already upset.",
    )
    assert [p.helped for p in debrief.turning_points] == [False, False, True]


def test_at_most_the_biggest_turning_points_are_kept(mini):
    transcript = [_turn(n, overall=n) for n in range(3, 3 + MAX_TURNING_POINTS + 3)]
    debrief = build_debrief(mini.spec, mini.rules, transcript, mini.rules.initial, {})
    kept = [p.turn for p in debrief.turning_points]
    assert kept == [t.number for t in transcript[-MAX_TURNING_POINTS:]]


def test_debrief_of_a_finished_session(mini):
    s = Session(mini, seed=1)
    s.play("apologize:hr_rep")
    s.play("vent:hr_rep")
    debrief = s.debrief()
    assert (debrief.scenario, debrief.title, debrief.source) == ("mini", "A small test scenario", "mini.txt")
    assert (debrief.ending, debrief.ending_title, debrief.ending_text) == (
        "closed_door",
        "Closed door",
        "Dana no longer takes your calls.",
    )
    assert debrief.scores == s.scores
    assert [(p.turn, p.helped, p.why) for p in debrief.turning_points] == [
        (1, True, "A plain apology lets them revise their story."),
        (2, False, "Venting confirms their story."),
    ]
    (story,) = debrief.stories
    assert (story.who, story.name, story.state, story.mood, story.story) == (
        "hr_rep",
        "Dana Reyes",
        "closed",
        "no longer takes the calls",
        "I am done with this person; the file is closed.",
    )
    assert debrief.recommended == ("apologize:hr_rep",)
    data = debrief.to_dict()
    assert json.loads(json.dumps(data))["turning_points"][0]["turn"] == 1


def test_debrief_mid_session_has_no_ending(mini):
    s = Session(mini, seed=1)
    s.play("wait")
    debrief = s.debrief()
    assert (debrief.ending, debrief.ending_title, debrief.ending_text) == (None, None, None)
    assert debrief.turning_points == ()
