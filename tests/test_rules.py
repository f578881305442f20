"""Compiled rules: the situation layout, conditions, legal moves, reactions and endings."""

from __future__ import annotations

import pytest
from core_support import MINI
from pydantic import TypeAdapter

import simulator
from simulator.rules import (
    NEVER,
    CompiledOutcome,
    Layout,
    _compile,
    _fallback,
    compile_rules,
)
from simulator.spec import Condition

CONDITION = TypeAdapter(Condition)

# a: states (x, y); meters a.m (0..5), scene.s (0..3); contacts tracked; then day, turn, ending
LAYOUT = Layout(
    cast=("a", "b"),
    states=(("x", "y"), ("p", "q", "r")),
    slots=("a.m", "b.n", "scene.s"),
    lows=(0, 0, 0),
    highs=(5, 5, 3),
    track_days=True,
    track_contacts=True,
)


def situation(a=0, b=0, m=0, n=0, s=0, contact_a=NEVER, contact_b=NEVER, day=0, turn=0, ending=-1):
    return (a, b, m, n, s, contact_a, contact_b, day, turn, ending)


def holds(cond: dict, s, owner=None) -> bool:
    return _compile(CONDITION.validate_python(cond), LAYOUT, owner)(s)


def test_layout_positions():
    assert (LAYOUT.meter0, LAYOUT.contact0, LAYOUT.day, LAYOUT.turn, LAYOUT.ending) == (2, 5, 7, 8, 9)
    assert LAYOUT.slot("scene.s", None) == 4
    assert LAYOUT.slot("m", 0) == 2
    assert LAYOUT.slot("b.n", 0) == 3
    assert LAYOUT.meters_of(situation(m=4, n=1), "a") == {"m": 4}


@pytest.mark.parametrize(
    ("cond", "s", "owner", "expected"),
    [
        ({"meter": "m", "at_least": 2}, situation(m=2), 0, True),
        ({"meter": "m", "at_least": 2}, situation(m=1), 0, False),
        ({"meter": "a.m", "at_most": 2}, situation(m=2), None, True),
        ({"meter": "a.m", "at_most": 2}, situation(m=3), None, False),
        ({"meter": "scene.s", "equals": 1}, situation(s=1), None, True),
        ({"meter": "scene.s", "equals": 1}, situation(s=2), None, False),
        ({"meter": "scene.s", "at_least": 1, "at_most": 2}, situation(s=3), None, False),
        ({"meter": "scene.s", "at_least": 2, "equals": 1}, situation(s=1), None, False),  # bounds combine
        ({"state": "b", "in": ["q", "r"]}, situation(b=2), None, True),
        ({"state": "b", "in": ["q", "r"]}, situation(b=0), None, False),
        ({"clock": "turns", "at_least": 3}, situation(turn=3), None, True),
        ({"clock": "turns", "at_least": 3}, situation(turn=2), None, False),
        ({"clock": "days", "at_most": 30}, situation(day=31), None, False),
        ({"clock": "days", "at_most": 30}, situation(day=30), None, True),
        ({"clock": "since_contact", "at_least": 60}, situation(day=90, contact_a=20), 0, True),
        ({"clock": "since_contact", "at_least": 60}, situation(day=90, contact_a=40), 0, False),
        ({"clock": "since_contact", "who": "b", "at_most": 7}, situation(day=10, contact_b=5), 0, True),
        ({"clock": "since_contact", "who": "b", "at_least": 1000}, situation(day=0), None, True),  # never: long ago
        ({"all": [{"meter": "m", "at_least": 1}, {"state": "a", "in": ["y"]}]}, situation(m=1, a=1), 0, True),
        ({"all": [{"meter": "m", "at_least": 1}, {"state": "a", "in": ["y"]}]}, situation(m=1, a=0), 0, False),
        ({"any": [{"meter": "m", "at_least": 1}, {"state": "a", "in": ["y"]}]}, situation(m=0, a=1), 0, True),
        ({"any": [{"meter": "m", "at_least": 1}, {"state": "a", "in": ["y"]}]}, situation(), 0, False),
        ({"not": {"state": "a", "in": ["y"]}}, situation(a=0), None, True),
        ({"not": {"state": "a", "in": ["y"]}}, situation(a=1), None, False),
    ],
)
def test_conditions(cond, s, owner, expected):
    assert holds(cond, s, owner) is expected


def test_outcome_apply_clamps_sets_and_moves():
    outcome = CompiledOutcome(
        index=0, weight=1, dest=1, deltas=((2, 9, 0, 5), (3, -9, 0, 5)), sets=((4, 2),), also=((1, 2),), lines=("x",), note=None
    )
    s = list(situation(m=1, n=1))
    outcome.apply(s, 0)
    assert s[:5] == [1, 2, 5, 0, 2]
    s = list(situation())
    outcome.apply(s, None)  # no owner: the destination is left to the caller (the machine)
    assert s[0] == 0


def test_pick_follows_the_weights():
    reaction = _fallback(("a",))
    assert reaction.pick(0) is reaction.outcomes[0]
    with pytest.raises(AssertionError):
        reaction.pick(1)


def test_initial_situation_of_mini(mini):
    rules = mini.rules
    assert rules.layout.cast == ("hr_rep",)
    assert rules.layout.slots == ("hr_rep.trust", "hr_rep.patience", "hr_rep.apologies", "hr_rep.slighted", "scene.repaired")
    assert (rules.layout.track_days, rules.layout.track_contacts) == (False, False)
    # offended; the persona's meter defaults; the scene meter; turn 0; no ending
    assert rules.initial == (2, 3, 3, 0, 0, 0, 0, -1)
    assert [m.key for m in rules.moves] == ["apologize:hr_rep", "vent:hr_rep", "ask:hr_rep", "wait"]
    assert [m.days for m in rules.moves] == [1, 1, 1, 14]
    assert rules.by_key["wait"].label == "Wait"


def test_cast_overrides_persona_defaults(declined):
    rules = declined.rules
    s = rules.initial
    hm = rules.layout.cast.index("hiring_manager")
    assert rules.state_name(s, hm) == "guarded"
    assert rules.layout.meters_of(s, "hiring_manager") == {"trust": 2, "patience": 2, "apologies": 0, "interest": 2}
    guarded = rules.layout.states[hm].index("guarded")
    assert rules.stories[hm][guarded].startswith("I set expectations I could not keep")


def test_branches_cover_every_outcome_with_its_weight(mini):
    rules = mini.rules
    move = rules.by_key["apologize:hr_rep"]
    branches = rules.branches(rules.initial, move)
    assert [(w, total) for w, total, _, _ in branches] == [(3, 4), (1, 4)]
    assert [nxt for *_, nxt in branches] == [(3, 5, 3, 1, 0, 1, 1, -1), (2, 4, 3, 1, 0, 0, 1, -1)]


def test_first_matching_reaction_wins_then_the_persona_then_the_fallback(mini):
    rules = mini.rules
    move = rules.by_key["apologize:hr_rep"]
    first = rules.react(rules.begin(rules.initial, move), move)
    assert first.origin == ("cast", "hr_rep", "reactions", 0)
    once = rules.branches(rules.initial, move)[1][3]  # one apology heard, still offended
    assert rules.react(rules.begin(once, move), move).origin == ("persona", "hr_rep", "reactions", 1)
    ask = rules.by_key["ask:hr_rep"]
    assert rules.react(rules.begin(rules.initial, ask), ask).index == -1  # offended: hr_rep has no answer


def test_legal_moves_follow_reachability_and_conditions(mini, declined):
    rules = mini.rules
    vent = rules.by_key["vent:hr_rep"]
    (closed,) = [nxt for *_, nxt in rules.branches(rules.initial, vent)]
    assert rules.ending_id(closed) == "closed_door"
    assert rules.legal(closed) == []  # over
    still_open = closed[:-1] + (-1,)
    assert [m.key for m in rules.legal(still_open)] == ["wait"]  # hr_rep no longer takes calls

    d = declined.rules
    assert "decide_repair" in [m.key for m in d.legal(d.initial)]
    (decided,) = [nxt for *_, nxt in d.branches(d.initial, d.by_key["decide_repair"])]
    assert not {"decide_repair", "decide_job"} & {m.key for m in d.legal(decided)}


def test_endings_at_timeout_only_wait_for_the_limit(mini):
    rules = mini.rules
    apologize, wait = rules.by_key["apologize:hr_rep"], rules.by_key["wait"]
    s = rules.branches(rules.initial, apologize)[0][3]
    assert rules.ending_id(s) is None  # repaired, but that ending is only considered at timeout
    for _ in range(3):
        (branch,) = rules.branches(s, wait)
        s = branch[3]
    assert s[rules.layout.turn] == 4
    assert rules.ending_id(s) == "repaired"
    s = rules.initial
    for _ in range(4):
        s = rules.branches(s, wait)[0][3]
    assert rules.ending_id(s) == "stalemate"


def test_clocks_and_day_limits(write_scenario):
    text = MINI.replace("  turns: 4\n", "  turns: 10\n  days: 30\n").replace(
        "      - move: vent\n",
        "      - move: ask\n"
        "        when: {clock: since_contact, at_most: 14}\n"
        "        outcomes:\n"
        "          - effects: {patience: -1}\n"
        '            say: ["Again?"]\n'
        "      - move: vent\n",
    )
    rules = simulator.load_scenario(write_scenario(text)).rules
    layout = rules.layout
    assert (layout.track_days, layout.track_contacts) == (True, True)
    ask, wait = rules.by_key["ask:hr_rep"], rules.by_key["wait"]
    s = rules.initial
    assert s[layout.contact0] == NEVER
    first = rules.react(rules.begin(s, ask), ask)
    assert first.index == -1  # never contacted: a long time ago
    s = rules.branches(s, ask)[0][3]
    assert (s[layout.day], s[layout.contact0]) == (1, 1)
    assert rules.react(rules.begin(s, ask), ask).origin == ("cast", "hr_rep", "reactions", 1)
    s = rules.branches(s, wait)[0][3]
    s = rules.branches(s, wait)[0][3]  # 29 days, 28 since contact
    assert rules.react(rules.begin(s, ask), ask).index == -1
    s = rules.branches(s, ask)[0][3]
    assert s[layout.day] == 30
    assert rules.ending_id(s) == "stalemate"  # the day limit counts as time running out


def test_rules_are_compiled_once_per_content(mini, declined):
    assert compile_rules(mini) is mini.rules
    assert compile_rules(declined) is declined.rules is simulator.load_scenario("declined-offer").rules
    assert mini.rules is not declined.rules


def test_reaction_order_does_not_depend_on_hash_randomisation():
    # Analyses iterate Rules.reactions; its order must be the same in every process.
    import json
    import os
    import subprocess
    import sys

    code = (
        "import json, simulator;"
        "r = simulator.load_scenario('declined-offer').rules;"
        "print(json.dumps([list(k) for k in r.reactions]))"
    )
    orders = set()
    for hash_seed in ("1", "2", "3", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
        orders.add(out.stdout)
    assert len(orders) == 1
    assert json.loads(orders.pop())[0] == ["apologize", 0]
