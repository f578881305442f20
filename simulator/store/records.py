"""What the store gives back: learners, sessions, turns and progress, read from rows.

A row is data from a file or a server that anyone may have edited or damaged. Reading one
never raises: a value of the wrong kind (scores that are not a mapping, a seed that is text,
JSON that does not parse) is replaced by an empty one and described in ``damage``, so a list
of sessions still shows every other row and says which one is damaged.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from ..skill import Skill, skill_share

__all__ = [
    "LearnerRecord",
    "Progress",
    "SessionRecord",
    "TurnRecord",
    "session_from_row",
    "skill_from_row",
    "turn_from_row",
]


@dataclass(frozen=True)
class LearnerRecord:
    id: int
    name: str
    display: str
    cohort: str | None
    sessions: int


@dataclass(frozen=True)
class SessionRecord:
    id: int
    uid: str
    learner: str
    display: str
    scenario_id: str
    scenario_hash: str
    scenario_path: str | None
    title: str
    engine: str
    seed: int
    started: str
    ended: str | None
    ending: str | None
    scores: dict[str, int] | None  # final scores once ended; else the latest turn's
    turns: int  # live turns (undone ones not counted)
    ending_title: str | None = None  # the ending's title when it was played (schema 3 on)
    # what the choices were worth and the best possible (see simulator.skill); written when the
    # session finishes (schema 4 on), None before and for a scenario too large to rate
    worth: float | None = None
    optimum: float | None = None
    damage: str | None = None  # what is wrong with this row, when something is

    @property
    def finished(self) -> bool:
        return self.ended is not None

    @property
    def skill(self) -> int | None:
        """What the choices were worth as a share of the possible, 0-100; None without a rating."""
        return skill_share(self.worth, self.optimum) if self.finished else None

    @property
    def chance(self) -> float | None:
        """What the draw added to (or took from) the final overall; None without a rating."""
        overall = (self.scores or {}).get("overall")
        if self.skill is None or self.worth is None or self.optimum is None or overall is None:
            return None
        return Skill(self.worth, self.optimum).chance(overall)


@dataclass(frozen=True)
class TurnRecord:
    id: int
    session_id: int
    number: int
    move: str
    target: str | None
    reply: str
    scores: dict[str, int]
    delta: dict[str, int]
    ending: str | None
    draws: int
    at: str
    undone_at: str | None
    detail: dict[str, Any] | None  # the whole Turn.to_dict(), when written by schema 2 on
    key: str = ""  # the move as played (``move:target`` for turns stored before schema 3)
    uid: str | None = None  # chosen by the recording that wrote it (None before schema 3)
    damage: str | None = None


@dataclass(frozen=True)
class Progress:
    """One learner's record on one scenario, over each finished attempt in the order played.

    Skill is what the choices were worth as a share of the possible, 0-100 (see
    :mod:`simulator.skill`), apart from luck: ``skills`` has one entry per attempt, beside its
    ``history`` entry (the raw ``overall``, skill and luck together), and None for an attempt
    with no rating (finished before the store kept one, or a scenario too large to rate).
    """

    scenario_id: str
    title: str
    attempts: int
    unfinished: int
    best: int | None
    latest: int | None
    history: tuple[int, ...]
    last_played: str
    skills: tuple[int | None, ...] = ()

    @property
    def trend(self) -> int | None:
        """Latest overall minus the attempt before it; None with fewer than two attempts."""
        return self.history[-1] - self.history[-2] if len(self.history) >= 2 else None

    @property
    def rated(self) -> tuple[int, ...]:
        """The skill of each rated attempt, in order (the attempts with no rating left out)."""
        return tuple(s for s in self.skills if s is not None)

    @property
    def best_skill(self) -> int | None:
        return max(self.rated, default=None)

    @property
    def latest_skill(self) -> int | None:
        """The latest attempt's skill; None when that attempt has no rating."""
        return self.skills[-1] if self.skills else None

    @property
    def skill_trend(self) -> int | None:
        """Latest skill minus the attempt before's; None unless both attempts are rated."""
        if len(self.skills) < 2 or self.skills[-1] is None or self.skills[-2] is None:
            return None
        return self.skills[-1] - self.skills[-2]


# --- reading rows ----------------------------------------------------------------------------------


class _Checker:
    """Collects what is wrong with one row while its values are read."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    @property
    def damage(self) -> str | None:
        return "; ".join(self.problems) or None

    def text(self, value: Any, name: str, *, optional: bool = False) -> Any:
        if value is None and optional:
            return None
        if isinstance(value, str):
            return value
        self.problems.append(f"{name} is not text")
        return "" if value is None else str(value)

    def integer(self, value: Any, name: str) -> int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        self.problems.append(f"{name} is not a whole number")
        return 0

    def number(self, value: Any, name: str) -> float | None:
        """An optional real number (NULL is None); anything else is damage, read as None."""
        if value is None:
            return None
        if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
            return float(value)
        self.problems.append(f"{name} is not a number")
        return None

    def scores(self, value: Any, name: str, *, optional: bool = False) -> dict[str, int] | None:
        if value is None and optional:
            return None
        try:
            data = json.loads(value) if isinstance(value, str | bytes) else value
        except (ValueError, RecursionError):  # JSONDecodeError, or nesting too deep to parse
            self.problems.append(f"{name} is not valid JSON")
            return None if optional else {}
        if isinstance(data, dict) and all(
            isinstance(k, str) and isinstance(v, int) and not isinstance(v, bool) for k, v in data.items()
        ):
            return data
        self.problems.append(f"{name} is not a mapping of dimension to score")
        return None if optional else {}


def _detail(value: Any) -> dict[str, Any] | None:
    """The stored Turn as a dict; a damaged one reads as None (the columns hold the essentials)."""
    if not isinstance(value, str | bytes) or not value:
        return None
    try:
        data = json.loads(value)
    except (ValueError, RecursionError):
        return None
    return data if isinstance(data, dict) else None


def session_from_row(row: Sequence[Any]) -> SessionRecord:
    """A :class:`SessionRecord` from the columns :data:`.queries.SESSION_COLUMNS` names, in order."""
    (
        sid,
        uid,
        learner,
        display,
        scenario_id,
        scenario_hash,
        scenario_path,
        title,
        engine,
        seed,
        started,
        ended,
        ending,
        scores,
        ending_title,
        worth,
        optimum,
        turns,
    ) = row
    c = _Checker()
    record = SessionRecord(
        id=int(sid),
        uid=c.text(uid, "uid"),
        learner=c.text(learner, "learner"),
        display=c.text(display, "display name"),
        scenario_id=c.text(scenario_id, "scenario id"),
        scenario_hash=c.text(scenario_hash, "scenario hash"),
        scenario_path=c.text(scenario_path, "scenario path", optional=True),
        title=c.text(title, "title"),
        engine=c.text(engine, "engine version"),
        seed=c.integer(seed, "seed"),
        started=c.text(started, "start time"),
        ended=c.text(ended, "end time", optional=True),
        ending=c.text(ending, "ending", optional=True),
        scores=c.scores(scores, "scores", optional=True),
        turns=int(turns or 0),
        ending_title=c.text(ending_title, "ending title", optional=True),
        worth=c.number(worth, "worth"),
        optimum=c.number(optimum, "optimum"),
    )
    return replace(record, damage=c.damage) if c.damage else record


def skill_from_row(worth: Any, optimum: Any) -> int | None:
    """The skill figure of a finished session's ``worth`` and ``optimum`` columns; a damaged
    value (not a number) reads as no figure, never a made-up one.
    """
    c = _Checker()
    return skill_share(c.number(worth, "worth"), c.number(optimum, "optimum"))


def turn_from_row(row: Sequence[Any]) -> TurnRecord:
    """A :class:`TurnRecord` from the columns :data:`.queries.TURN_COLUMNS` names, in order."""
    tid, session_id, number, move, target, reply, scores, delta, ending, draws, at, undone_at, detail, key, uid = row
    c = _Checker()
    move = c.text(move, "move")
    target = c.text(target, "target", optional=True)
    record = TurnRecord(
        id=int(tid),
        session_id=int(session_id),
        number=c.integer(number, "turn number"),
        move=move,
        target=target,
        reply=c.text(reply, "reply"),
        scores=c.scores(scores, "scores") or {},
        delta=c.scores(delta, "delta") or {},
        ending=c.text(ending, "ending", optional=True),
        draws=c.integer(draws, "draw count"),
        at=c.text(at, "time"),
        undone_at=c.text(undone_at, "undo time", optional=True),
        detail=_detail(detail),
        key=key if isinstance(key, str) and key else (f"{move}:{target}" if target else move),
        uid=uid if isinstance(uid, str) else None,
    )
    return replace(record, damage=f"turn {record.number}: {c.damage}") if c.damage else record
