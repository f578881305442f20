"""The file-format models: durations, conditions, bounds, and what they reject."""

from __future__ import annotations

import jsonschema
import pytest
import yaml
from pydantic import TypeAdapter, ValidationError

from simulator.catalogue import bundled_dir
from simulator.spec import (
    AllOf,
    AnyOf,
    ClockTest,
    Condition,
    Limits,
    MeterSpec,
    MeterTest,
    MoveSpec,
    NotOf,
    Outcome,
    PersonaSpec,
    ScenarioSpec,
    StateSpec,
    StateTest,
    parse_duration,
)

CONDITION = TypeAdapter(Condition)


@pytest.mark.parametrize(
    ("text", "days"),
    [("1 day", 1), ("3 days", 3), ("1 week", 7), ("2 weeks", 14), ("1 month", 30), ("3 months", 90), ("  5 days ", 5)],
)
def test_parse_duration(text, days):
    assert parse_duration(text) == days


@pytest.mark.parametrize("text", ["3 fortnights", "week", "1.5 days", "-1 day", "3days later", ""])
def test_parse_duration_rejects_anything_else(text):
    with pytest.raises(ValueError) as info:  # noqa: PT011 - the whole message is compared below
        parse_duration(text)
    assert str(info.value) == f"{text!r} is not a duration; write it like '3 days', '2 weeks' or '1 month'"


def test_conditions_are_read_by_their_key():
    cond = CONDITION.validate_python(
        {
            "all": [
                {"meter": "hr_rep.trust", "at_least": 2},
                {"any": [{"state": "boss", "in": ["cool"]}, {"clock": "days", "at_most": 30}]},
                {"not": {"clock": "since_contact", "who": "boss", "equals": 0}},
            ]
        }
    )
    assert isinstance(cond, AllOf)
    meter, either, negated = cond.all
    assert meter == MeterTest(meter="hr_rep.trust", at_least=2)
    assert isinstance(either, AnyOf)
    assert either.any == [StateTest(state="boss", **{"in": ["cool"]}), ClockTest(clock="days", at_most=30)]
    assert isinstance(negated, NotOf)
    assert negated.not_ == ClockTest(clock="since_contact", who="boss", equals=0)


def test_a_condition_without_a_known_key_is_rejected_with_the_keys():
    with pytest.raises(ValidationError) as info:
        CONDITION.validate_python({"meters": "trust", "at_least": 1})
    (error,) = info.value.errors(include_url=False)
    assert error["msg"] == "a condition needs one of the keys meter, state, clock, manner, all, any, not"


@pytest.mark.parametrize(
    "data",
    [
        {"meter": "trust"},  # no bound
        {"clock": "turns"},  # no bound
        {"clock": "weeks", "at_least": 1},  # not a clock
        {"meter": "Trust", "at_least": 1},  # not an identifier
        {"meter": "a.b.c", "at_least": 1},  # too many owners
        {"state": "boss", "in": []},  # no states
        {"all": []},
        {"any": []},
        {"meter": "trust", "at_least": 1, "lambda": "x: True"},  # no code, no extra keys
    ],
)
def test_malformed_conditions_are_rejected(data):
    with pytest.raises(ValidationError):
        CONDITION.validate_python(data)


def test_meter_initial_must_sit_within_its_bounds():
    assert MeterSpec(initial=0, min=-2, max=2).initial == 0
    with pytest.raises(ValidationError, match=r"initial 5 is outside min 0 \.\. max 4"):
        MeterSpec(initial=5, min=0, max=4)


def test_models_are_frozen_and_reject_unknown_keys():
    state = StateSpec(mood="calm", story="fine")
    assert state.reachable is True
    with pytest.raises(ValidationError):
        state.mood = "angry"  # type: ignore[misc]
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        StateSpec(mood="calm", story="fine", colour="blue")


def test_outcome_defaults_and_weights():
    outcome = Outcome(say=["Fine."])
    assert (outcome.weight, outcome.to, outcome.effects, outcome.set, outcome.also) == (1, None, {}, {}, {})
    with pytest.raises(ValidationError):
        Outcome(weight=0, say=["Fine."])
    with pytest.raises(ValidationError):
        Outcome(say=[])


def test_move_spec_checks_its_duration():
    assert MoveSpec(id="wait", takes="3 months").takes == "3 months"
    assert MoveSpec(id="wait").takes == "1 day"
    with pytest.raises(ValidationError, match="'soon' is not a duration"):
        MoveSpec(id="wait", takes="soon")


@pytest.mark.parametrize("turns", [0, 61])
def test_turn_limit_bounds(turns):
    with pytest.raises(ValidationError):
        Limits(turns=turns)


def test_persona_defaults():
    persona = PersonaSpec(
        schema_version=1, id="x", name="X", role="r", initial="a", states={"a": StateSpec(mood="m", story="s")}
    )
    assert persona.unmoved == ["$name takes that in and says nothing of substance."]
    assert persona.meters == {} and persona.reactions == []
    with pytest.raises(ValidationError):
        PersonaSpec(
            schema_version=2, id="x", name="X", role="r", initial="a", states={"a": StateSpec(mood="m", story="s")}
        )


@pytest.mark.parametrize(
    ("model", "folder"), [(PersonaSpec, "personas"), (ScenarioSpec, "scenarios")], ids=["persona", "scenario"]
)
def test_exported_json_schema_accepts_every_bundled_file_and_rejects_unknown_keys(model, folder):
    validator = jsonschema.Draft202012Validator(model.model_json_schema())
    files = sorted(bundled_dir(folder).glob("*.yaml"))
    assert files
    for path in files:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert [e.message for e in validator.iter_errors(data)] == [], path.name
        assert not validator.is_valid({**data, "colour": "blue"})
