"""Compiled rules: the situation layout, conditions, legal moves, reactions and endings."""

from __future__ import annotations

import pytest
from core_support import MINI
from pydantic import TypeAdapter

import simulator
from simulator.conditions import Scope, compile_condition
from simulator.layout import NEVER, Layout, NameProblem
from simulator.rules import CompiledOutcome, CompiledReaction, compile_rules
from simulator.spec import Condition
from simulator.step import branches

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


def compiled(cond: dict, owner=None, manner=None, answering=False):
    scope = Scope(LAYOUT, owner, manner, answering=answering, manners=frozenset({"sincere", "strategic", "plain"}))
    return compile_condition(CONDITION.validate_python(cond), scope)


def holds(cond: dict, s, owner=None) -> bool:
    return compiled(cond, owner)(s)


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
        index=0,
        weight=1,
        dest=1,
        deltas=((2, 9, 0, 5), (3, -9, 0, 5)),
        sets=((4, 2),),
        also=((1, 2),),
        lines=("x",),
        note=None,
    )
    s = list(situation(m=1, n=1))
    outcome.apply(s, 0)
    assert s[:5] == [1, 2, 5, 0, 2]
    s = list(situation())
    outcome.apply(s, None)  # no owner: the destination is left to the caller (the machine)
    assert s[0] == 0


@pytest.mark.parametrize(
    ("cond", "reads", "text"),
    [
        ({"meter": "m", "at_least": 2}, {2}, "m>=2"),
        ({"all": [{"meter": "b.n", "at_most": 1}, {"state": "b", "in": ["q", "r"]}]}, {3, 1}, "b.n<=1 & b in q|r"),
        (
            {"any": [{"clock": "turns", "equals": 3}, {"not": {"meter": "scene.s", "equals": 0}}]},
            {8, 4},
            "(turns=3 or not(scene.s=0))",
        ),
        ({"clock": "days", "at_least": 7, "at_most": 30}, {("days",)}, "days>=7 & days<=30"),
        ({"clock": "since_contact", "who": "b", "at_least": 60}, {("since", 1)}, "since_contact(b)>=60"),
    ],
)
def test_a_compiled_condition_knows_what_it_reads_and_how_it_reads(cond, reads, text):
    check = compiled(cond, owner=0)
    assert set(check.reads.keys) == reads
    assert check.describe() == text


def test_clock_reads_carry_their_thresholds():
    check = compiled({"clock": "since_contact", "who": "b", "at_least": 60, "at_most": 90}, owner=0)
    assert check.reads.cuts(("since", 1)) == {60, 91}


@pytest.mark.parametrize(
    ("cond", "manner", "expected"),
    [
        ({"manner": ["sincere"]}, "sincere", True),
        ({"manner": ["sincere"]}, "strategic", False),
        ({"all": [{"manner": ["strategic"]}, {"meter": "m", "at_least": 2}]}, "sincere", False),
        ({"not": {"manner": ["strategic"]}}, "sincere", True),
    ],
)
def test_manner_tests_fold_to_constants_for_each_choice(cond, manner, expected):
    check = compiled(cond, owner=0, manner=manner, answering=True)
    assert check.constant is expected and check.reads.keys == frozenset()


def test_a_manner_test_only_goes_on_a_reaction_and_names_known_manners():
    with pytest.raises(NameProblem, match="a manner condition belongs on a reaction"):
        compiled({"manner": ["sincere"]})
    with pytest.raises(NameProblem, match="unknown manner 'smug'; known: plain, sincere, strategic") as info:
        compiled({"any": [{"meter": "m", "at_least": 1}, {"manner": ["sincere", "smug"]}]}, owner=0, answering=True)
    assert info.value.path == ["any", 1, "manner", 1]


def test_pick_follows_the_weights():
    one = CompiledOutcome(index=0, weight=3, dest=None, deltas=(), sets=(), also=(), lines=("a",), note=None)
    two = CompiledOutcome(index=1, weight=1, dest=None, deltas=(), sets=(), also=(), lines=("b",), note=None)
    reaction = CompiledReaction(origin=("x",), states=None, when=None, outcomes=(one, two), total=4)
    assert [reaction.pick(d) for d in range(4)] == [one, one, one, two]
    with pytest.raises(AssertionError):
        reaction.pick(4)


def test_initial_situation_of_mini(mini):
    rules = mini.rules
    assert rules.layout.cast == ("hr_rep",)
    assert rules.layout.slots == (
        "hr_rep.trust",
        "hr_rep.patience",
        "hr_rep.apologies",
        "hr_rep.slighted",
        "scene.repaired",
    )
    assert (rules.layout.track_days, rules.layout.track_contacts) == (False, False)
    # offended; the persona's meter defaults; the scene meter; turn 0; no ending
    assert rules.initial == (2, 3, 3, 0, 0, 0, 0, -1)
    assert [m.key for m in rules.moves] == ["apologize:hr_rep", "vent:hr_rep", "ask:hr_rep", "wait"]
    assert [c.key for c in rules.choices] == [m.key for m in rules.moves]  # no phrasings: one choice a move
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
    results = branches(rules, rules.initial, move)
    assert [(r.outcome.weight, r.reaction.total) for r in results] == [(3, 4), (1, 4)]
    assert [r.after for r in results] == [(3, 5, 3, 1, 0, 1, 1, -1), (2, 4, 3, 1, 0, 0, 1, -1)]


def test_first_matching_reaction_wins_then_the_persona_then_the_fallback(mini):
    rules = mini.rules
    move = rules.by_key["apologize:hr_rep"]
    first = rules.react(rules.begin(rules.initial, move), move)
    assert first.origin == ("cast", "hr_rep", "reactions", 0)
    once = branches(rules, rules.initial, move)[1].after  # one apology heard, still offended
    assert rules.react(rules.begin(once, move), move).origin == ("persona", "hr_rep", "reactions", 1)
    ask = rules.by_key["ask:hr_rep"]
    assert rules.react(rules.begin(rules.initial, ask), ask) is rules.fallbacks[0]  # offended: hr_rep has no answer


def test_legal_moves_follow_reachability_and_conditions(mini, declined):
    rules = mini.rules
    vent = rules.by_key["vent:hr_rep"]
    (closed,) = [r.after for r in branches(rules, rules.initial, vent)]
    assert rules.ending_id(closed) == "closed_door"
    assert rules.legal(closed) == []  # over
    still_open = (*closed[:-1], -1)
    assert [m.key for m in rules.legal(still_open)] == ["wait"]  # hr_rep no longer takes calls

    d = declined.rules
    assert "decide_repair" in [m.key for m in d.legal(d.initial)]
    (decided,) = [r.after for r in branches(d, d.initial, d.by_key["decide_repair"])]
    assert not {"decide_repair", "decide_job"} & {m.key for m in d.legal(decided)}


def test_endings_at_timeout_only_wait_for_the_limit(mini):
    rules = mini.rules
    apologize, wait = rules.by_key["apologize:hr_rep"], rules.by_key["wait"]
    s = branches(rules, rules.initial, apologize)[0].after
    assert rules.ending_id(s) is None  # repaired, but that ending is only considered at timeout
    for _ in range(3):
        (branch,) = branches(rules, s, wait)
        s = branch.after
    assert s[rules.layout.turn] == 4
    assert rules.ending_id(s) == "repaired"
    s = rules.initial
    for _ in range(4):
        s = branches(rules, s, wait)[0].after
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
    assert first is rules.fallbacks[0]  # never contacted: a long time ago
    s = branches(rules, s, ask)[0].after
    assert (s[layout.day], s[layout.contact0]) == (1, 1)
    assert rules.react(rules.begin(s, ask), ask).origin == ("cast", "hr_rep", "reactions", 1)
    s = branches(rules, s, wait)[0].after
    s = branches(rules, s, wait)[0].after  # 29 days, 28 since contact
    assert rules.react(rules.begin(s, ask), ask) is rules.fallbacks[0]
    s = branches(rules, s, ask)[0].after
    assert s[layout.day] == 30
    assert rules.ending_id(s) == "stalemate"  # the day limit counts as time running out


def test_rules_are_compiled_once_per_content(mini, declined):
    assert compile_rules(mini.spec, mini.personas, mini.hash) is mini.rules
    assert declined.rules is simulator.load_scenario("declined-offer").rules
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
        "print(json.dumps([[c.key, [list(x.origin) for x in r.reactions[c.index]]] for c in r.choices]))"
    )
    orders = set()
    for hash_seed in ("1", "2", "3", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
        orders.add(out.stdout)
    assert len(orders) == 1
    first = json.loads(orders.pop())[0]
    assert first[0] == "decide_repair" and first[1] == [["scene", "reactions", 0], ["scene", "reactions", 1]]
