"""Where each part of a situation stands, and what the names in a file refer to.

A *situation* is everything that decides what happens next, as a flat tuple of integers::

    (state of each cast member..., meter slots..., [last contact day of each cast member...],
     [day], turn, ending)

The bracketed parts exist only when a scenario's conditions or limits use them, so that two lines
of play that differ only in a clock nobody reads merge into one situation. ``ending`` is the index
of the ending reached, or -1 while the conversation goes on.

Names in a file (``trust``, ``hr_rep.trust``, ``scene.offer``, a state, a cast member) are turned
into tuple positions here and nowhere else. A name that does not resolve raises
:class:`NameProblem` with the message a file's author sees; the compiler adds the path inside the
file and the loader the line and column.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

__all__ = ["NEVER", "Layout", "NameProblem", "unknown"]

# The day of a contact that never happened: far enough back that any since_contact test passes.
NEVER = -1_000_000


def unknown(kind: str, name: str, known: Iterable[str]) -> str:
    """``unknown meter 'x'; known: a, b``: the one wording of every unknown-name message."""
    names = sorted(known)
    return f"unknown {kind} {name!r}; known: {', '.join(names) if names else 'none'}"


class NameProblem(Exception):
    """A name in a file that does not resolve. ``path`` is relative to the part being compiled;
    ``key`` says the problem is the mapping key at ``path`` rather than its value.
    """

    def __init__(self, reason: str, path: Sequence[str | int] = (), *, key: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.path = list(path)
        self.key = key

    def within(self, prefix: Sequence[str | int]) -> NameProblem:
        """The same problem, its path prefixed by where the compiled part stands."""
        return NameProblem(self.reason, [*prefix, *self.path], key=self.key)


@dataclass(frozen=True)
class Layout:
    """Where each part of a situation stands in the tuple, and the names that lead there.

    ``persona_file`` marks the layout used to check a persona file on its own: there is no scene
    and no other cast member to refer to.
    """

    cast: tuple[str, ...]
    states: tuple[tuple[str, ...], ...]
    slots: tuple[str, ...]  # qualified meter names: "hr_rep.trust", "scene.offer"
    lows: tuple[int, ...]
    highs: tuple[int, ...]
    track_days: bool
    track_contacts: bool
    persona_file: bool = False

    @cached_property
    def meter0(self) -> int:
        return len(self.cast)

    @cached_property
    def contact0(self) -> int:
        return self.meter0 + len(self.slots)

    @cached_property
    def day(self) -> int:
        """Index of the day counter (only meaningful when ``track_days``)."""
        return self.contact0 + (len(self.cast) if self.track_contacts else 0)

    @cached_property
    def turn(self) -> int:
        return self.day + (1 if self.track_days else 0)

    @cached_property
    def ending(self) -> int:
        return self.turn + 1

    @cached_property
    def _slot_index(self) -> dict[str, int]:
        return {name: self.meter0 + k for k, name in enumerate(self.slots)}

    # --- resolving names ---------------------------------------------------------------------

    def who(self, cast_id: str) -> int:
        """The cast index of a cast member named in a file."""
        if self.persona_file or cast_id not in self.cast:
            raise NameProblem(unknown("cast member", cast_id, () if self.persona_file else self.cast))
        return self.cast.index(cast_id)

    def state(self, who: int, name: str, *, of: str | None = None) -> int:
        """The index of state ``name`` of cast member ``who`` (``of``: how to name the owner)."""
        states = self.states[who]
        if name not in states:
            raise NameProblem(unknown("state" if of is None else f"state of {of}", name, states))
        return states.index(name)

    def slot(self, ref: str, owner: int | None) -> int:
        """Tuple index of a meter reference as written in a file: ``trust`` (the reacting
        persona's own), ``hr_rep.trust`` or ``scene.offer``.
        """
        holder, _, name = ref.rpartition(".")
        if not holder:
            if owner is None:
                raise NameProblem(f"meter {ref!r} needs an owner here, like 'scene.{ref}' or 'hr_rep.{ref}'")
            return self._meter(self.cast[owner], ref, "meter")
        if holder == "scene":
            if self.persona_file:
                raise NameProblem("a persona file cannot use scene meters; add this reaction in the scenario's cast")
            return self._meter("scene", name, "scene meter")
        if self.persona_file or holder not in self.cast:
            raise NameProblem(unknown("cast member", holder, {"scene"} if self.persona_file else {*self.cast, "scene"}))
        return self._meter(holder, name, f"meter of {holder}")

    def _meter(self, holder: str, name: str, kind: str) -> int:
        position = self._slot_index.get(f"{holder}.{name}")
        if position is None:
            prefix = holder + "."
            raise NameProblem(unknown(kind, name, (s[len(prefix) :] for s in self.slots if s.startswith(prefix))))
        return position

    def bounds(self, position: int) -> tuple[int, int]:
        """The (min, max) of the meter at a tuple position."""
        k = position - self.meter0
        return self.lows[k], self.highs[k]

    # --- reading a situation -------------------------------------------------------------------

    def meters_of(self, situation: Sequence[int], who: str) -> dict[str, int]:
        prefix = who + "."
        return {
            name[len(prefix) :]: situation[self.meter0 + i]
            for i, name in enumerate(self.slots)
            if name.startswith(prefix)
        }
