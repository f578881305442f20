"""Conditions compiled once into :class:`Check` objects that know what they read and how to say it.

A file writes a condition as data (``{meter: trust, at_least: 3}``, ``{all: [...]}``); the one
function here that walks that tree, :func:`compile_condition`, resolves every name against a
:class:`~simulator.layout.Layout` and returns a :class:`Check`:

* ``holds(situation)``: a closure over tuple positions, the fast path every step takes;
* ``reads``: the positions (and clock thresholds) it looks at, which the exploration uses to
  memoise a move's effect on the few digits that matter;
* ``text``: how it reads in a diagram or a message (``trust>=3``).

A ``manner`` test reads no position: it asks *how* the learner said what they said, which the
compiler knows for each choice. It is folded to a constant there, and constants fold through
``all``, ``any`` and ``not``, so a reaction that cannot answer a manner is never even tried.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from .layout import Layout, NameProblem, unknown
from .spec import AllOf, AnyOf, ClockTest, Condition, MannerTest, MeterTest, NotOf, StateTest

__all__ = ["ALWAYS", "Check", "Reads", "Scope", "compile_condition"]

Holds = Callable[[Sequence[int]], bool]
_LOW, _HIGH = -(2**62), 2**62

# A clock read: ("days",) or ("since", cast index); its thresholds sit in Reads.cuts.
ClockKey = tuple[Literal["days"]] | tuple[Literal["since"], int]


@dataclass(frozen=True)
class Reads:
    """What a check (or a reaction) looks at: tuple positions, and clocks with the thresholds
    they are compared with (a clock matters only as the bucket between its thresholds).
    """

    positions: frozenset[int] = frozenset()
    clocks: frozenset[tuple[ClockKey, int]] = frozenset()  # (clock key, threshold)

    def __or__(self, other: Reads) -> Reads:
        return Reads(self.positions | other.positions, self.clocks | other.clocks)

    @property
    def keys(self) -> frozenset[int | ClockKey]:
        """Positions and clock keys together, as the exploration's footprints take them."""
        return self.positions | frozenset(key for key, _ in self.clocks)

    def cuts(self, key: ClockKey) -> set[int]:
        return {cut for k, cut in self.clocks if k == key}


NOTHING = Reads()


@dataclass(frozen=True, slots=True)
class Check:
    """A compiled condition. ``constant`` is its value when known at compile time."""

    holds: Holds = field(repr=False)
    reads: Reads
    text: str
    constant: bool | None = None

    def __call__(self, situation: Sequence[int]) -> bool:
        return self.holds(situation)

    def describe(self) -> str:
        return self.text


ALWAYS = Check(lambda s: True, NOTHING, "always", True)
NEVER = Check(lambda s: False, NOTHING, "never", False)


@dataclass(frozen=True)
class Scope:
    """Where a condition stands: the layout, the cast member reacting (None at scene level, for
    endings and for moves' own conditions), and the manner of the choice being answered (None
    where no choice is being answered, so a manner test is out of place).
    """

    layout: Layout
    owner: int | None = None
    manner: str | None = None
    answering: bool = False  # a reaction: manner tests allowed
    manners: frozenset[str] = frozenset()  # every manner this file may name


def compile_condition(cond: Condition, scope: Scope) -> Check:
    """Compile ``cond``; raises :class:`NameProblem` with a path relative to ``cond``."""
    if isinstance(cond, MeterTest):
        return _meter(cond, scope)
    if isinstance(cond, StateTest):
        return _state(cond, scope)
    if isinstance(cond, ClockTest):
        return _clock(cond, scope)
    if isinstance(cond, MannerTest):
        return _manner(cond, scope)
    if isinstance(cond, AllOf | AnyOf):
        key = "all" if isinstance(cond, AllOf) else "any"
        items = cond.all if isinstance(cond, AllOf) else cond.any
        parts = []
        for j, inner in enumerate(items):
            try:
                parts.append(compile_condition(inner, scope))
            except NameProblem as problem:
                raise problem.within([key, j]) from None
        return _all(parts) if key == "all" else _any(parts)
    assert isinstance(cond, NotOf)
    try:
        negated = compile_condition(cond.not_, scope)
    except NameProblem as problem:
        raise problem.within(["not"]) from None
    if negated.constant is not None:
        return NEVER if negated.constant else ALWAYS
    test = negated.holds
    return Check(lambda s: not test(s), negated.reads, f"not({negated.text})")


def _bounds(test: MeterTest | ClockTest) -> tuple[int, int]:
    low = _LOW if test.at_least is None else test.at_least
    high = _HIGH if test.at_most is None else test.at_most
    if test.equals is not None:
        low, high = max(low, test.equals), min(high, test.equals)
    return low, high


def _bounds_text(name: str, test: MeterTest | ClockTest) -> str:
    parts = []
    if test.equals is not None:
        parts.append(f"{name}={test.equals}")
    if test.at_least is not None:
        parts.append(f"{name}>={test.at_least}")
    if test.at_most is not None:
        parts.append(f"{name}<={test.at_most}")
    return " & ".join(parts)


def _thresholds(test: ClockTest) -> set[int]:
    """The days at which the test's answer can change (a bucket boundary each)."""
    cuts = set()
    if test.at_least is not None:
        cuts.add(test.at_least)
    if test.at_most is not None:
        cuts.add(test.at_most + 1)
    if test.equals is not None:
        cuts |= {test.equals, test.equals + 1}
    return cuts


def _meter(cond: MeterTest, scope: Scope) -> Check:
    try:
        index = scope.layout.slot(cond.meter, scope.owner)
    except NameProblem as problem:
        raise problem.within(["meter"]) from None
    low, high = _bounds(cond)
    return Check(lambda s: low <= s[index] <= high, Reads(frozenset({index})), _bounds_text(cond.meter, cond))


def _state(cond: StateTest, scope: Scope) -> Check:
    layout = scope.layout
    try:
        who = layout.who(cond.state)
    except NameProblem as problem:
        raise problem.within(["state"]) from None
    wanted = set()
    for j, name in enumerate(cond.in_):
        try:
            wanted.add(layout.state(who, name, of=cond.state))
        except NameProblem as problem:
            raise problem.within(["in", j]) from None
    chosen = frozenset(wanted)
    return Check(lambda s: s[who] in chosen, Reads(frozenset({who})), f"{cond.state} in {'|'.join(cond.in_)}")


def _clock(cond: ClockTest, scope: Scope) -> Check:
    layout = scope.layout
    low, high = _bounds(cond)
    name = cond.clock + (f"({cond.who})" if cond.who else "")
    text = _bounds_text(name, cond)
    if cond.clock == "turns":
        turn = layout.turn
        return Check(lambda s: low <= s[turn] <= high, Reads(frozenset({turn})), text)
    day = layout.day
    cuts = _thresholds(cond)
    if cond.clock == "days":
        return Check(lambda s: low <= s[day] <= high, Reads(clocks=frozenset((("days",), c) for c in cuts)), text)
    if cond.who is not None:
        try:
            who = layout.who(cond.who)
        except NameProblem as problem:
            raise problem.within(["who"]) from None
    elif scope.owner is None:
        raise NameProblem("since_contact needs 'who' here, where no persona is reacting")
    else:
        who = scope.owner
    contact = layout.contact0 + who
    key: ClockKey = ("since", who)
    return Check(lambda s: low <= s[day] - s[contact] <= high, Reads(clocks=frozenset((key, c) for c in cuts)), text)


def _manner(cond: MannerTest, scope: Scope) -> Check:
    for j, name in enumerate(cond.manner):
        if name not in scope.manners:
            raise NameProblem(unknown("manner", name, scope.manners), ["manner", j])
    if not scope.answering:
        raise NameProblem("a manner condition belongs on a reaction: it asks how the move it answers was said")
    return ALWAYS if scope.manner in cond.manner else NEVER


def _all(parts: list[Check]) -> Check:
    if any(p.constant is False for p in parts):
        return NEVER
    live = [p for p in parts if p.constant is None]
    if not live:
        return ALWAYS
    if len(live) == 1:
        return live[0]
    tests = tuple(p.holds for p in live)
    reads = _union(live)
    return Check(lambda s: all(t(s) for t in tests), reads, " & ".join(p.text for p in live))


def _any(parts: list[Check]) -> Check:
    if any(p.constant is True for p in parts):
        return ALWAYS
    live = [p for p in parts if p.constant is None]
    if not live:
        return NEVER
    if len(live) == 1:
        return live[0]
    tests = tuple(p.holds for p in live)
    return Check(lambda s: any(t(s) for t in tests), _union(live), "(" + " or ".join(p.text for p in live) + ")")


def _union(parts: Sequence[Check]) -> Reads:
    reads = NOTHING
    for p in parts:
        reads = reads | p.reads
    return reads
