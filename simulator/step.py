"""One step of play, defined once: what happens when a choice is played in a situation.

Live sessions, the exhaustive table, the hypothesis strategies, courses, replays and reviews all
take steps through :func:`step`. What differs between them is only *who decides chance*, behind
one small interface, a :class:`Chooser`:

* :class:`Draws` (live play and anything that must reproduce it): the seeded draw rule that
  replays depend on, written here and nowhere else: draw an outcome only where a reaction has
  several, then draw a line only where the outcome has several;
* :class:`Forced` (analysis, tests): given outcome and line indices, no draw at all;
* :func:`branches` (the exhaustive table) enumerates every outcome with :class:`Forced`.

A step: the choice lands (a turn is used, its time spent), the first reaction that matches
answers it (:meth:`Rules.react`), the chooser picks an outcome, the outcome is carried out, a line
is picked, contacts and the ending are recorded. For a live session the persona's part is carried
out by its ``transitions`` machine (the ``enact`` hook); otherwise the outcome is applied directly.
Both run :meth:`CompiledOutcome.apply` and write the same situation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from .rng import Rng
from .rules import Choice, CompiledOutcome, CompiledReaction, Rules, Situation

__all__ = ["Chooser", "Draws", "Enact", "Forced", "Step", "branches", "step"]


class Chooser(Protocol):
    """Who decides chance: which outcome of a reaction, which line of an outcome."""

    def outcome(self, reaction: CompiledReaction) -> int: ...

    def line(self, outcome: CompiledOutcome) -> int: ...


class Draws:
    """The seeded chooser: the one place the draw rule lives.

    Draw only where there is a choice, so adding a line variant to an outcome with one line, or
    an outcome to a reaction with one, never shifts the draws that follow. A line is drawn among
    the outcome's variants other than the one it said last time, so nobody says the same thing
    twice running when they have something else to say; the draw is one either way, so what is
    said never changes what happens.
    """

    __slots__ = ("rng", "said")

    def __init__(self, rng: Rng) -> None:
        self.rng = rng
        self.said: dict[int, int] = {}  # id(outcome) -> the variant it said last

    def outcome(self, reaction: CompiledReaction) -> int:
        if len(reaction.outcomes) == 1:
            return 0
        return reaction.pick(self.rng.below(reaction.total)).index

    def line(self, outcome: CompiledOutcome) -> int:
        n = len(outcome.lines)
        if n == 1:
            return 0
        last = self.said.get(id(outcome))
        if last is None:
            chosen = self.rng.below(n)
        else:
            drawn = self.rng.below(n - 1)
            chosen = drawn if drawn < last else drawn + 1
        self.said[id(outcome)] = chosen
        return chosen


class Forced:
    """A chooser that draws nothing: the outcome (and line) given."""

    __slots__ = ("_line", "_outcome")

    def __init__(self, outcome: int = 0, line: int = 0) -> None:
        self._outcome = outcome
        self._line = line

    def outcome(self, reaction: CompiledReaction) -> int:
        return self._outcome

    def line(self, outcome: CompiledOutcome) -> int:
        return self._line if self._line < len(outcome.lines) else 0


# enact(choice, reaction, outcome, landed): carry out a persona's part of a step in ``landed``
Enact = Callable[[Choice, CompiledReaction, CompiledOutcome, list[int]], None]


@dataclass(frozen=True, slots=True)
class Step:
    """What one step did."""

    choice: Choice
    reaction: CompiledReaction
    outcome: CompiledOutcome
    line: int  # index into outcome.lines
    before: Situation
    after: Situation

    @property
    def text(self) -> str:
        """The line said, before its placeholders are filled."""
        return self.outcome.lines[self.line]


def step(rules: Rules, situation: Situation, choice: Choice, chooser: Chooser, *, enact: Enact | None = None) -> Step:
    """Play ``choice`` in ``situation``. ``enact`` carries out a reply aimed at a persona (a live
    session passes its machines); without it the outcome is applied to the situation directly.
    """
    landed = rules.begin(situation, choice)
    reaction = rules.react(landed, choice)
    return _carry_out(rules, situation, landed, choice, reaction, chooser.outcome(reaction), chooser, enact)


def branches(rules: Rules, situation: Situation, choice: Choice) -> list[Step]:
    """Every chance result of playing ``choice`` in ``situation``, one step per outcome (in the
    reaction's order; its weight over ``reaction.total`` is its probability). The choice lands
    and is answered once; each outcome is then carried out as :func:`step` carries it out.
    """
    landed = rules.begin(situation, choice)
    reaction = rules.react(landed, choice)
    first = Forced()
    return [
        _carry_out(rules, situation, list(landed), choice, reaction, k, first, None)
        for k in range(len(reaction.outcomes))
    ]


def _carry_out(
    rules: Rules,
    before: Situation,
    landed: list[int],
    choice: Choice,
    reaction: CompiledReaction,
    index: int,
    chooser: Chooser,
    enact: Enact | None,
) -> Step:
    """The rest of a step once the reaction is known: its ``index``-th outcome is carried out,
    a line is picked, contacts and the ending are recorded.
    """
    outcome = reaction.outcomes[index]
    if enact is not None and choice.target_index >= 0:
        enact(choice, reaction, outcome, landed)
    else:
        outcome.apply(landed, choice.target_index if choice.target_index >= 0 else None)
    line = chooser.line(outcome)
    return Step(choice, reaction, outcome, line, before, rules.finish(landed, choice))
