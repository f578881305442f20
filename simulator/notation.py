"""The move notation, written once: ``wait``, ``apologize:hr_rep``, ``apologize:hr_rep/sincere``.

Command lines, scenario files (recommended lines, anti-patterns, ``expect:`` patterns), snapshots,
the store and the analysis all name a choice this way. A :class:`MoveRef` is such a name, whole
or in part, and there are exactly two things to do with one:

* :meth:`MoveRef.matches` tests a choice against a *pattern*: a part left out matches anything
  (``apologize`` matches an apology to anyone, said in any manner);
* :meth:`MoveRef.resolve` picks the one choice a *line of play* means. A part left out is filled
  in only when the scenario offers a single possibility; where it offers several, the error names
  them. The rule looks at what the scenario offers, not at what is legal at the moment, so the
  same reference means the same choice wherever it is played.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

__all__ = ["Choosable", "MoveRef", "Unresolved", "format_key"]

_NAME = r"[a-z][a-z0-9_]*"
_REF = re.compile(rf"^({_NAME})(?::({_NAME}))?(?:/({_NAME}))?$")


class Choosable(Protocol):
    """What a reference is matched against (a compiled choice)."""

    @property
    def id(self) -> str: ...
    @property
    def target(self) -> str | None: ...
    @property
    def manner(self) -> str | None: ...


# resolve() hands back the very object it was offered (a Choice in, a Choice out)
C = TypeVar("C", bound=Choosable)


def format_key(move: str, target: str | None = None, manner: str | None = None) -> str:
    """``apologize``, ``apologize:hr_rep`` or ``apologize:hr_rep/sincere``."""
    key = f"{move}:{target}" if target else move
    return f"{key}/{manner}" if manner else key


class Unresolved(ValueError):
    """A reference that names no choice, or several. ``reason`` says which, naming the options;
    for an unknown move, ``moves`` lists the moves there are (a caller that lists the legal
    moves anyway need not repeat them).
    """

    def __init__(self, ref: str, reason: str, moves: Sequence[str] = ()) -> None:
        self.ref = ref  # messages that show it clip it (simulator.safetext)
        self.reason = reason
        self.moves = tuple(moves)
        super().__init__(f"{ref!r}: {reason}")

    def with_moves(self) -> str:
        """The reason, with the moves there are when it is an unknown move."""
        return f"{self.reason}; moves: {', '.join(self.moves)}" if self.moves else self.reason


@dataclass(frozen=True, slots=True)
class MoveRef:
    """A choice named in whole or in part."""

    id: str
    target: str | None = None
    manner: str | None = None

    @classmethod
    def parse(cls, text: str) -> MoveRef:
        """Read ``move[:target][/manner]``; raises :class:`Unresolved` for anything else."""
        if not isinstance(text, str):
            raise Unresolved(
                repr(text), f"a move is written as text like 'apologize:hr_rep', not {type(text).__name__}"
            )
        match = _REF.match(text.strip())
        if match is None:
            raise Unresolved(text, "write a move as 'move', 'move:target' or 'move:target/manner'")
        return cls(*match.groups())

    @property
    def key(self) -> str:
        return format_key(self.id, self.target, self.manner)

    def __str__(self) -> str:
        return self.key

    def matches(self, choice: Choosable) -> bool:
        """Whether ``choice`` fits this reference read as a pattern (left-out parts match anything)."""
        return (
            self.id == choice.id
            and (self.target is None or self.target == choice.target)
            and (self.manner is None or self.manner == choice.manner)
        )

    def resolve(self, offered: Sequence[C]) -> C:
        """The one choice among ``offered`` (everything the scenario offers) that this names.

        Raises :class:`Unresolved` when none fits or when a left-out part has several values,
        naming the possible values.
        """
        same_move = [c for c in offered if c.id == self.id]
        if not same_move:
            raise Unresolved(self.key, "no such move in this scenario", sorted({c.id for c in offered}))
        targets = list(dict.fromkeys(c.target for c in same_move))
        if self.target is not None and self.target not in targets:
            if targets == [None]:
                raise Unresolved(self.key, "it takes no target")
            raise Unresolved(
                self.key, f"{self.target!r} is not a target of {self.id!r}; targets: {', '.join(map(str, targets))}"
            )
        if self.target is None and len(targets) > 1:
            raise Unresolved(self.key, f"it needs a target: one of {', '.join(map(str, targets))}")
        fits = [c for c in same_move if self.target is None or c.target == self.target]
        manners = list(dict.fromkeys(c.manner for c in fits))
        if self.manner is not None and self.manner not in manners:
            if manners == [None]:
                raise Unresolved(self.key, "it is said in one way only; leave out the manner")
            raise Unresolved(
                self.key, f"{self.manner!r} is not a manner of it; manners: {', '.join(map(str, manners))}"
            )
        if self.manner is None and len(manners) > 1:
            raise Unresolved(self.key, f"it needs a manner: one of {', '.join(map(str, manners))}")
        return next(c for c in fits if self.manner is None or c.manner == self.manner)
