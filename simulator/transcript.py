"""The records a session produces: one :class:`Turn` per move played (plain, JSON-ready data)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from .notation import format_key

__all__ = ["EndingInfo", "StateChange", "Turn"]


@dataclass(frozen=True)
class EndingInfo:
    """An ending reached: its id, title and the text shown to the learner (hashable)."""

    id: str
    title: str
    text: str


@dataclass(frozen=True)
class StateChange:
    """A change in a counterpart the learner could perceive: a new mood."""

    who: str
    name: str
    before: str
    after: str
    mood: str


@dataclass(frozen=True)
class Turn:
    number: int
    move: str
    target: str | None
    label: str
    speaker: str | None  # cast id, or None when the scene narrates (moves with no target)
    speaker_name: str | None
    line: str
    note: str | None  # why this helped or hurt: coaching text for the debrief
    changes: tuple[StateChange, ...]
    scores: dict[str, int]
    delta: dict[str, int]
    ending: str | None
    day: int | None
    rule: str = field(default="")  # where the reaction was written, e.g. "cast.hr_rep.reactions[1].outcomes[0]"
    mood: str | None = None  # the speaker's visible mood after the reply
    draws: int = 0  # random draws made since the session began, after this turn (replay check)
    manner: str | None = None  # how it was said (the phrasing's manner), when the move has phrasings
    said: str | None = None  # the learner's own words: a phrasing chosen, or what they typed
    choice_key: str | None = None  # the choice in move notation, when it carries a manner

    @property
    def key(self) -> str:
        """The choice played, in move notation (``apologize:hr_rep/sincere``)."""
        return self.choice_key or format_key(self.move, self.target)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["changes"] = [asdict(c) for c in self.changes]
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Turn:
        """The inverse of :meth:`to_dict`; keys it does not know (such as ``key``) are ignored.

        Raises ``KeyError``, ``TypeError`` or ``ValueError`` for damaged data; callers that read
        files turn those into a one-line error naming the file.
        """
        known = {f.name for f in fields(cls)} - {"changes"}
        return cls(
            **{k: v for k, v in data.items() if k in known},
            changes=tuple(StateChange(**c) for c in data["changes"]),
        )
