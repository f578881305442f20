"""The public API under hostile input: tampered snapshots and arguments of every wrong kind give
a one-line SimulatorError (or an InvalidArgument, also a TypeError), never anything else.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import simulator
from simulator import InvalidArgument, Session, SimulatorError

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


@pytest.fixture(scope="module")
def good(declined_module):
    s = Session(declined_module, seed=5)
    for key in ["decide_repair", "wait"]:
        s.play(key)
    return s.snapshot()


@pytest.fixture(scope="module")
def declined_module():
    return simulator.load_scenario("declined-offer")


def restores_or_refuses(scenario, data) -> None:
    try:
        Session.restore(scenario, data).close()
    except SimulatorError as exc:  # either it restores, or it refuses in one short line
        assert "\n" not in str(exc) and len(str(exc)) < 1000  # noqa: PT017


@settings(max_examples=200)
@given(key=st.sampled_from(["format", "version", "engine", "scenario", "seed", "draws", "moves", "said"]), value=JSON)
def test_any_one_field_replaced_by_any_json(declined_module, good, key, value):
    restores_or_refuses(declined_module, {**good, key: value})


@settings(max_examples=100)
@given(value=JSON)
def test_any_json_at_all(declined_module, value):
    restores_or_refuses(declined_module, value)


@pytest.mark.parametrize(
    "change",
    [
        {"moves": ["decide_repair", "decide_repair"], "said": [None, None]},  # illegal the second time
        {"moves": ["apologize:hr_rep/sincere"] * 3000, "said": [None] * 3000},  # far past the turn limit
        {"moves": ["x" * 1_000_000], "said": [None]},
        {"draws": -1},
        {"draws": 10**30},
        {"seed": 2**63},
        {"seed": 1.5},
        {"extra": "keys are ignored"},
        {"said": ["a"] * 5},
    ],
)
def test_tampered_snapshots_are_refused_in_one_line(declined_module, good, change):
    restores_or_refuses(declined_module, {**good, **change})


def test_a_ten_megabyte_snapshot_is_refused_quickly(declined_module, good):
    huge = {**good, "moves": ["wait"] * 2_000_000, "said": [None] * 2_000_000}
    with pytest.raises(SimulatorError, match="moves must be a list"):
        Session.restore(declined_module, json.loads(json.dumps(huge)))


WRONG = [None, 3, 2.5, True, b"wait", ["wait"], {"move": "wait"}, object()]


@pytest.mark.parametrize("value", WRONG)
def test_play_names_the_argument_for_every_wrong_kind(declined_module, value):
    with Session(declined_module, seed=1) as s, pytest.raises(InvalidArgument, match=r"^move must be"):
        s.play(value)


@pytest.mark.parametrize("name", ["to", "manner", "said"])
@pytest.mark.parametrize("value", [3, b"x", ["x"], object()])
def test_keywords_of_play_name_themselves(declined_module, name, value):
    with Session(declined_module, seed=1) as s, pytest.raises(InvalidArgument, match=f"^{name} must be text or None"):
        s.play("wait", **{name: value})


@pytest.mark.parametrize("value", [None, "declined-offer", 3, object()])
def test_session_and_restore_need_a_loaded_scenario(value, good):
    with pytest.raises(InvalidArgument, match=r"^scenario must be a Scenario"):
        Session(value)
    with pytest.raises(InvalidArgument, match=r"^scenario must be a Scenario"):
        Session.restore(value, good)


@pytest.mark.parametrize("seed", [-1, 2**63, 1.0, "7", True, None])
def test_a_bad_seed_is_an_invalid_seed(declined_module, seed):
    if seed is None:
        Session(declined_module, seed=seed).close()  # None: a fresh seed
        return
    with pytest.raises(simulator.InvalidSeed):
        Session(declined_module, seed=seed)


def test_a_huge_move_id_is_not_repeated_in_full(declined_module):
    with Session(declined_module, seed=1) as s, pytest.raises(simulator.IllegalMove) as info:
        s.play("x" * 10_000_000)
    assert len(str(info.value)) < 1000
