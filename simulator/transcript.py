"""The records a session produces: one :class:`Turn` per move played (plain, JSON-ready data)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["StateChange", "Turn"]


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

    @property
    def key(self) -> str:
        return f"{self.move}:{self.target}" if self.target else self.move

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["changes"] = [asdict(c) for c in self.changes]
        return data
