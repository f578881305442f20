"""One step of play: the choosers, the draw rule, enumeration, and the machine's enactment."""

from __future__ import annotations

import pytest
from core_support import MANNERED

import simulator
from simulator.rng import Rng
from simulator.step import Draws, Forced, branches, step


class CountingRng(Rng):
    """An Rng that records the bound of every draw."""

    def __init__(self, seed):
        super().__init__(seed)
        self.bounds = []

    def below(self, n):
        self.bounds.append(n)
        return super().below(n)


def test_draws_only_where_there_is_a_choice(mini):
    rules = mini.rules
    rng = CountingRng(3)
    chooser = Draws(rng)
    # the first apology has two weighted outcomes (3 + 1); seed 3 picks the second, which has two lines
    result = step(rules, rules.initial, rules.by_key["apologize:hr_rep"], chooser)
    assert rng.bounds == [4, 2] and result.outcome.index == 1
    # waiting has one outcome with one line: no draw at all
    step(rules, result.after, rules.by_key["wait"], chooser)
    assert rng.bounds == [4, 2]


def test_forced_draws_nothing_and_takes_the_outcome_given(mini):
    rules = mini.rules
    choice = rules.by_key["apologize:hr_rep"]
    assert step(rules, rules.initial, choice, Forced(1, 1)).text == "I hear you."
    assert step(rules, rules.initial, choice, Forced(0, 5)).line == 0  # no such line: the first


def test_branches_enumerate_every_outcome_in_order(mini):
    rules = mini.rules
    results = branches(rules, rules.initial, rules.by_key["apologize:hr_rep"])
    assert [r.outcome.index for r in results] == [0, 1]
    assert all(r.reaction is results[0].reaction for r in results)


def test_a_live_session_takes_the_same_step_through_its_machines(mini):
    rules = mini.rules
    with simulator.Session(mini, seed=3) as session:
        pure = step(rules, rules.initial, rules.by_key["apologize:hr_rep"], Draws(Rng(3)))
        turn = session.play("apologize:hr_rep")
        assert session.situation == pure.after and turn.line == pure.text
        assert session._models[0].state == "offended"  # the model is a view of the situation


def test_the_manner_decides_which_reaction_answers(write_scenario):
    sc = simulator.load_scenario(write_scenario(MANNERED))
    rules = sc.rules
    assert [c.key for c in rules.choices][:3] == [
        "apologize:hr_rep/sincere",
        "apologize:hr_rep/justifying",
        "apologize:hr_rep/strategic",
    ]
    justified = branches(rules, rules.initial, rules.by_key["apologize:hr_rep/justifying"])
    assert [r.text for r in justified] == ["I hear a 'but' in there."]
    sincere = branches(rules, rules.initial, rules.by_key["apologize:hr_rep/sincere"])
    assert sincere[0].text == "Thank you. $name appreciates it."


@pytest.mark.parametrize("seed", range(20))
def test_machine_and_pure_step_agree_with_manners(write_scenario, seed):
    sc = simulator.load_scenario(write_scenario(MANNERED))
    rules = sc.rules
    draws = Draws(Rng(seed))
    s = rules.initial
    with simulator.Session(sc, seed=seed) as session:
        for key in ["apologize:hr_rep/strategic", "wait", "apologize:hr_rep/sincere", "vent:hr_rep"]:
            if session.over:
                break
            s = step(rules, s, rules.by_key[key], draws).after
            session.play(key)
            assert session.situation == s


@pytest.mark.parametrize("seed", range(10))
def test_nobody_says_the_same_line_twice_running_when_they_have_another(write_scenario, seed):
    from core_support import MINI

    text = MINI.replace('say: ["Two weeks pass."]', 'say: ["Two weeks pass.", "A fortnight goes by."]')
    assert text != MINI
    sc = simulator.load_scenario(write_scenario(text))
    with simulator.Session(sc, seed=seed) as s:
        lines = [s.play("wait").line for _ in range(3)]
    assert lines[0] != lines[1] and lines[1] != lines[2]
    assert s.transcript[-1].draws == 3  # one draw a line, as before: what is said changes nothing else
