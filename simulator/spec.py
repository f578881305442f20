"""Pydantic models of the two file formats, persona and scenario (plain data, no behaviour).

Everything a file can say is declared here and nothing else: unknown keys are rejected, and
conditions are structured data (``{meter: trust, at_least: 2}``), never code. Cross-references
(a reaction to an unknown move, an outcome that names an unknown state) are checked by
:mod:`simulator.loader`, which knows where each value stands in its file.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, JsonValue, Tag, field_validator, model_validator

__all__ = [
    "SCHEMA_VERSION",
    "Advice",
    "AllOf",
    "AnyOf",
    "CastMember",
    "ClockTest",
    "Condition",
    "DimensionRule",
    "Ending",
    "Example",
    "Limits",
    "MannerTest",
    "MeterSpec",
    "MeterTest",
    "MoveSpec",
    "NotOf",
    "Outcome",
    "OverallRule",
    "PersonaSpec",
    "Phrasing",
    "Reaction",
    "ScenarioSpec",
    "Scene",
    "Scoring",
    "StateSpec",
    "StateTest",
    "parse_duration",
]

SCHEMA_VERSION = 1

# Identifiers are what scenario authors type in moves (`apologize hr_rep`), so keep them plain.
IDENT = r"^[a-z][a-z0-9_]*$"
SCENARIO_ID = r"^[a-z][a-z0-9-]*$"
Ident = Annotated[str, Field(pattern=IDENT)]
# A meter reference: `trust` (the reacting persona's own), `hr_rep.trust`, or `scene.offer`.
MeterRef = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)?$")]

# Bounds on what a file can ask for. Each is ten times or more what the bundled scenarios use;
# past them a file is refused at load with the bound in the message, because every analysis
# (and the day counter) grows with them: ``limits.days: 10**23`` once made `parley check` run
# until killed.
MAX_DAYS = 3650  # ten years: limits.days, and the time one move takes
MAX_METER = 1000  # meters (and their changes) stay within -MAX_METER .. MAX_METER
MAX_WEIGHT = 1000  # outcome weights and overall-score weights
MAX_POINTS = 1000  # score bases, terms and ending bonuses
MAX_BOUND = 100_000  # the numbers a condition compares with
MAX_ITEMS = 100  # moves, endings, states, meters, outcomes, variants of a line ...
MAX_REACTIONS = 500
MAX_CAST = 12
MAX_TEXT = 2000  # one thing the learner could say (a phrasing, an example), in characters
# Every situation the analysis explores weighs each choice (a move, times its targets): the
# bundled scenarios offer at most 15; 100 keeps a hostile file's exploration within minutes.
MAX_CHOICES = 100

MeterValue = Annotated[int, Field(ge=-MAX_METER, le=MAX_METER)]
MeterChange = Annotated[int, Field(ge=-2 * MAX_METER, le=2 * MAX_METER)]
Points = Annotated[int, Field(ge=-MAX_POINTS, le=MAX_POINTS)]
BoundValue = Annotated[int, Field(ge=-MAX_BOUND, le=MAX_BOUND)]

_DURATION = re.compile(r"^\s*([0-9]+)\s*(day|days|week|weeks|month|months)\s*$", re.ASCII)
DAYS_PER_UNIT = {"day": 1, "week": 7, "month": 30}  # a month counts 30 days (also how durations are shown)


def parse_duration(text: str) -> int:
    """``"3 months"`` -> 90. A month counts 30 days so that clocks stay whole numbers."""
    match = _DURATION.match(text)
    if not match:
        raise ValueError(f"{text[:40]!r} is not a duration; write it like '3 days', '2 weeks' or '1 month'")
    digits = match.group(1).lstrip("0") or "0"
    days = int(digits) * DAYS_PER_UNIT[match.group(2).rstrip("s")] if len(digits) <= 6 else MAX_DAYS + 1
    if days > MAX_DAYS:
        raise ValueError(f"{text.strip()[:40]!r} is more than the {MAX_DAYS:,} days a move may take")
    return days


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


# --- conditions ------------------------------------------------------------------------------


class _Bounds(Model):
    at_least: BoundValue | None = None
    at_most: BoundValue | None = None
    equals: BoundValue | None = None

    @model_validator(mode="after")
    def _one_bound_at_least(self) -> _Bounds:
        if self.at_least is None and self.at_most is None and self.equals is None:
            raise ValueError("give at least one of at_least, at_most, equals")
        return self


class MeterTest(_Bounds):
    """Holds when a meter is within the bounds: ``{meter: hr_rep.trust, at_least: 3}``."""

    meter: MeterRef


class StateTest(Model):
    """Holds when a cast member is in one of the states: ``{state: hr_rep, in: [offended]}``."""

    state: Ident
    in_: list[Ident] = Field(alias="in", min_length=1)


class ClockTest(_Bounds):
    """Holds when a clock is within the bounds.

    ``turns`` counts moves played, ``days`` the days elapsed, and ``since_contact`` the days since
    the learner last addressed ``who`` (the reacting persona when omitted; never addressed counts
    as a very long time).
    """

    clock: Literal["turns", "days", "since_contact"]
    who: Ident | None = None


class MannerTest(Model):
    """Holds when the move being answered was said in one of these manners:
    ``{manner: [justifying, strategic]}``. Only reactions can ask it.
    """

    manner: list[Ident] = Field(min_length=1)


class AllOf(Model):
    all: list[Condition] = Field(min_length=1)


class AnyOf(Model):
    any: list[Condition] = Field(min_length=1)


class NotOf(Model):
    not_: Condition = Field(alias="not")


_CONDITION_KEYS = ("meter", "state", "clock", "manner", "all", "any", "not")


def _condition_kind(value: Any) -> str | None:
    if isinstance(value, BaseModel):
        value = value.model_dump(by_alias=True)
    if isinstance(value, dict):
        for key in _CONDITION_KEYS:
            if key in value:
                return key
    return None


Condition = Annotated[
    (
        Annotated[MeterTest, Tag("meter")]
        | Annotated[StateTest, Tag("state")]
        | Annotated[ClockTest, Tag("clock")]
        | Annotated[MannerTest, Tag("manner")]
        | Annotated[AllOf, Tag("all")]
        | Annotated[AnyOf, Tag("any")]
        | Annotated[NotOf, Tag("not")]
    ),
    Discriminator(
        _condition_kind,
        custom_error_type="condition",
        custom_error_message="a condition needs one of the keys meter, state, clock, manner, all, any, not",
    ),
]

AllOf.model_rebuild()
AnyOf.model_rebuild()
NotOf.model_rebuild()


# --- personas --------------------------------------------------------------------------------


class MeterSpec(Model):
    """A bounded integer that the learner cannot see (trust, patience, a memory of apologies)."""

    initial: MeterValue = 0
    min: MeterValue = 0
    max: MeterValue = 10
    label: str | None = Field(None, min_length=1)

    @model_validator(mode="after")
    def _initial_within_bounds(self) -> MeterSpec:
        if not self.min <= self.initial <= self.max:
            raise ValueError(f"initial {self.initial} is outside min {self.min} .. max {self.max}")
        return self


class StateSpec(Model):
    """A named state of a counterpart, with what the learner can perceive of it."""

    mood: str = Field(min_length=1, description="The visible cue, e.g. 'arms folded, clipped answers'.")
    story: str = Field(min_length=1, description="What the persona tells themselves about the learner.")
    reachable: bool = Field(True, description="False when the persona no longer takes the learner's calls.")


class Outcome(Model):
    """One weighted result of a reaction."""

    weight: int = Field(1, ge=1, le=MAX_WEIGHT)
    to: Ident | None = Field(None, description="The reacting persona's next state; omitted: unchanged.")
    effects: dict[MeterRef, MeterChange] = Field(
        default_factory=dict, max_length=MAX_ITEMS, description="Meter changes, clamped to bounds."
    )
    set: dict[MeterRef, MeterValue] = Field(
        default_factory=dict, max_length=MAX_ITEMS, description="Meters set to a value."
    )
    also: dict[Ident, Ident] = Field(
        default_factory=dict, max_length=MAX_CAST, description="Other cast members moved to a state (news travels)."
    )
    say: list[Annotated[str, Field(min_length=1)]] = Field(
        min_length=1,
        max_length=MAX_ITEMS,
        description="Variants of the reply; $name and cast ids ($hr_rep) are filled in.",
    )
    note: str | None = Field(None, min_length=1, description="Why this helped or hurt, shown in the debrief.")


class Reaction(Model):
    """How a persona answers a move: the first reaction that matches wins."""

    move: Ident
    in_: list[Ident] | None = Field(None, alias="in", max_length=MAX_ITEMS, description="Only in these states.")
    when: Condition | None = None
    outcomes: list[Outcome] = Field(min_length=1, max_length=MAX_ITEMS)


class PersonaSpec(Model):
    """A reusable counterpart: ``personas/*.yaml``."""

    schema_version: Literal[1]
    id: Ident
    name: str = Field(min_length=1)
    role: str = Field(min_length=1)
    initial: Ident
    states: dict[Ident, StateSpec] = Field(min_length=1, max_length=MAX_ITEMS)
    meters: dict[Ident, MeterSpec] = Field(default_factory=dict, max_length=MAX_ITEMS)
    unmoved: list[Annotated[str, Field(min_length=1)]] = Field(
        default_factory=lambda: ["$name takes that in and says nothing of substance."],
        min_length=1,
        max_length=MAX_ITEMS,
        description="What the persona says to a move none of its reactions covers.",
    )
    reactions: list[Reaction] = Field(default_factory=list, max_length=MAX_REACTIONS)


# --- scenarios -------------------------------------------------------------------------------


class CastMember(Model):
    """A persona as cast in one scenario, with that scenario's starting point and extra lines."""

    persona: str = Field(min_length=1, description="A bundled persona id, or a path relative to this file.")
    name: str = Field(min_length=1, description="Display name, e.g. 'Marcus Hale (hiring manager)'.")
    channel: str | None = Field(
        None,
        min_length=1,
        max_length=60,
        description="How the learner is in touch with this person, e.g. 'in person', 'by e-mail', "
        "'through a friend'; shown beside the name, so that two people are not shown as in one room.",
    )
    initial: Ident | None = None
    meters: dict[Ident, MeterValue] = Field(
        default_factory=dict, max_length=MAX_ITEMS, description="Starting meter values."
    )
    stories: dict[Ident, Annotated[str, Field(min_length=1)]] = Field(
        default_factory=dict, max_length=MAX_ITEMS, description="Inner stories that replace the persona's."
    )
    reactions: list[Reaction] = Field(
        default_factory=list,
        max_length=MAX_REACTIONS,
        description="Scenario-specific reactions, tried before the persona's own.",
    )


class Phrasing(Model):
    """Something the learner could say to make a move, and the manner it is said in."""

    manner: Ident = Field("plain", description="How it is said: a built-in manner or one the scenario declares.")
    text: str = Field(min_length=1, max_length=MAX_TEXT, description="The words, in the learner's voice.")
    to: Ident | None = Field(None, description="Only for this target; omitted: for every target of the move.")


class Example(Model):
    """Things a learner might type for a move (and manner): what free text is read against."""

    manner: Ident | None = Field(None, description="Omitted: the manner is not what these show.")
    to: Ident | None = Field(None, description="Only for this target; omitted: any target.")
    say: list[Annotated[str, Field(min_length=1, max_length=MAX_TEXT)]] = Field(min_length=1, max_length=MAX_ITEMS)


class MoveSpec(Model):
    """A move the learner may play in this scenario."""

    id: Ident
    label: str | None = Field(None, min_length=1, description="Required for moves that are not built in.")
    description: str | None = Field(None, min_length=1)
    targets: list[Ident] = Field(
        default_factory=list, max_length=MAX_CAST, description="Cast ids; empty for moves with no target."
    )
    takes: str = Field("1 day", description="Clock time the move costs, e.g. '2 weeks'.")
    when: Condition | None = Field(None, description="The move is offered only while this holds.")
    phrasings: list[Phrasing] = Field(
        default_factory=list,
        max_length=MAX_ITEMS,
        description="What the learner could say; their manners are the ways this move can be played.",
    )
    examples: list[Example] = Field(
        default_factory=list,
        max_length=MAX_ITEMS,
        description="More ways a learner might put it, for reading free text.",
    )

    @field_validator("takes")
    @classmethod
    def _valid_duration(cls, value: str) -> str:
        parse_duration(value)
        return value


class Scene(Model):
    """Reactions of the world to moves with no target (time passing, the learner's own decisions)."""

    meters: dict[Ident, MeterSpec] = Field(default_factory=dict, max_length=MAX_ITEMS)
    reactions: list[Reaction] = Field(default_factory=list, max_length=MAX_REACTIONS)


class Limits(Model):
    turns: int = Field(ge=1, le=60)
    days: int | None = Field(None, ge=1, le=MAX_DAYS)


class Ending(Model):
    id: Ident
    title: str = Field(min_length=1)
    text: str = Field(min_length=1)
    when: Condition | None = Field(None, description="Omitted: the ending always applies when it is considered.")
    at_timeout_only: bool = Field(False, description="Considered only when the turns or days run out.")


class DimensionRule(Model):
    """A score dimension: base + sum(weight * meter) + the ending's bonus, clamped to 0..100."""

    base: Points = 0
    terms: dict[MeterRef, Points] = Field(default_factory=dict, max_length=MAX_ITEMS)
    endings: dict[Ident, Points] = Field(default_factory=dict, max_length=MAX_ITEMS)
    description: str | None = Field(None, min_length=1)


class OverallRule(Model):
    weights: dict[Ident, Annotated[int, Field(ge=1, le=MAX_WEIGHT)]] = Field(min_length=1, max_length=MAX_ITEMS)


class Scoring(Model):
    outcome: DimensionRule
    relationship: DimensionRule
    integrity: DimensionRule
    extra: dict[Ident, DimensionRule] = Field(
        default_factory=dict, max_length=MAX_ITEMS, description="Further dimensions."
    )
    overall: OverallRule

    def dimensions(self) -> dict[str, DimensionRule]:
        """Every dimension's rule, the three core ones first, ``overall`` (a mean) excluded."""
        return {"outcome": self.outcome, "relationship": self.relationship, "integrity": self.integrity, **self.extra}


class Advice(Model):
    """What the source story advises about a move, shown in the debrief next to that move."""

    move: Ident
    to: Ident | None = None
    text: str = Field(min_length=1)


class ScenarioSpec(Model):
    """A scenario: ``scenarios/*.yaml``."""

    schema_version: Literal[1]
    id: Annotated[str, Field(pattern=SCENARIO_ID)]
    title: str = Field(min_length=1)
    source: str = Field(min_length=1, description="The source story's file name.")
    summary: str = Field(min_length=1)
    briefing: str = Field(min_length=1)
    goal: str = Field(min_length=1)
    cast: dict[Ident, CastMember] = Field(min_length=1, max_length=MAX_CAST)
    manners: dict[Ident, Annotated[str, Field(min_length=1, max_length=MAX_TEXT)]] = Field(
        default_factory=dict,
        max_length=MAX_ITEMS,
        description="Manners of this scenario's own, beyond the built-in ones: id -> how it reads.",
    )
    moves: list[MoveSpec] = Field(min_length=1, max_length=MAX_ITEMS)
    scene: Scene = Field(default_factory=Scene)
    limits: Limits
    endings: list[Ending] = Field(min_length=2, max_length=MAX_ITEMS)
    scoring: Scoring
    advice: list[Advice] = Field(default_factory=list, max_length=MAX_REACTIONS)
    recommended: list[str] = Field(
        default_factory=list,
        max_length=60,
        description="The line the source recommends, as 'move', 'move:target' or 'move:target/manner'.",
    )
    anti_patterns: dict[Ident, list[str]] = Field(
        default_factory=dict, max_length=MAX_ITEMS, description="Named lines the source warns against, same notation."
    )
    # Checked by simulator.analysis, which owns the expectation language.
    expect: list[dict[str, JsonValue]] = Field(default_factory=list, max_length=MAX_REACTIONS)

    @field_validator("moves")
    @classmethod
    def _few_enough_choices(cls, moves: list[MoveSpec]) -> list[MoveSpec]:
        choices = sum(max(1, len(m.targets)) * max(1, len({p.manner for p in m.phrasings})) for m in moves)
        if choices > MAX_CHOICES:
            raise ValueError(
                f"the moves offer {choices} choices (a move once per target and manner); at most {MAX_CHOICES}"
            )
        return moves
