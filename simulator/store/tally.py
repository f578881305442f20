"""A cohort's answers tallied in one pass over a stream of sessions: memory grows with learners,
scenarios and moves, never with sessions or turns (what lets a report cover a million turns).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .records import SessionRecord, TurnRecord

__all__ = ["MoveStats", "RelationshipLoss", "ScenarioSummary", "Tally", "loss_of"]


@dataclass(frozen=True)
class MoveStats:
    """How often a move was chosen in a scenario, and what it did on average."""

    scenario_id: str
    key: str
    times: int  # live turns that played it
    sessions: int  # sessions that played it at least once
    learners: int
    first: int  # sessions that opened with it
    mean_turn: float  # at which turn it is usually played
    mean_delta: float  # mean change of ``overall`` it caused


@dataclass(frozen=True)
class RelationshipLoss:
    """Where a session lost the relationship: the first turn of the final stretch below the start.

    ``turn`` is None when the relationship ended at or above where it began.
    """

    session_id: int
    learner: str
    scenario_id: str
    turn: int | None
    move: str | None
    start: int
    end: int


@dataclass(frozen=True)
class ScenarioSummary:
    scenario_id: str
    title: str
    sessions: int
    finished: int
    learners: int
    mean_overall: float | None
    best: int | None
    endings: dict[str, int]
    # skill (see simulator.skill) over the finished sessions that have a figure: ``rated`` of them
    mean_skill: float | None = None
    best_skill: int | None = None
    rated: int = 0


@dataclass
class _Scores:
    """Running count, sum and best of ``overall`` (or skill) values."""

    count: int = 0
    total: int = 0
    best: int | None = None

    def add(self, value: int) -> None:
        self.count += 1
        self.total += value
        self.best = value if self.best is None else max(self.best, value)

    @property
    def mean(self) -> float | None:
        return round(self.total / self.count, 1) if self.count else None


@dataclass
class _ScenarioTally:
    title: str = ""
    sessions: int = 0
    learners: set[str] = field(default_factory=set)
    overall: _Scores = field(default_factory=_Scores)
    skill: _Scores = field(default_factory=_Scores)
    finished: int = 0
    endings: Counter[str] = field(default_factory=Counter)
    lost: Counter[int] = field(default_factory=Counter)  # relationship lost at turn -> sessions


@dataclass
class _MoveTally:
    times: int = 0
    sessions: int = 0
    last_session: int = -1
    learners: set[str] = field(default_factory=set)
    first: int = 0
    turn_sum: int = 0
    delta_sum: int = 0


class Tally:
    """Feed it ``(session, live turns)`` pairs with :meth:`add`; ask for any summary after."""

    def __init__(self) -> None:
        self.scenarios: dict[str, _ScenarioTally] = defaultdict(_ScenarioTally)
        self.learners: dict[str, dict[str, Any]] = {}
        self.move_tallies: dict[tuple[str, str], _MoveTally] = defaultdict(_MoveTally)

    def add(self, s: SessionRecord, turns: Sequence[TurnRecord]) -> None:
        sc = self.scenarios[s.scenario_id]
        sc.title = s.title
        sc.sessions += 1
        sc.learners.add(s.learner)
        learner = self.learners.setdefault(
            s.learner, {"display": s.display, "sessions": 0, "finished": 0, "overall": _Scores(), "skill": _Scores()}
        )
        learner["sessions"] += 1
        if s.finished:
            learner["finished"] += 1
            if s.skill is not None:  # sessions finished before the store kept a figure have none
                learner["skill"].add(s.skill)
                sc.skill.add(s.skill)
            if s.scores:
                learner["overall"].add(s.scores.get("overall", 0))
                sc.finished += 1
                sc.endings[s.ending or "none"] += 1
                if "overall" in s.scores:
                    sc.overall.add(s.scores["overall"])
            loss = loss_of(s, turns, "relationship")
            if loss is not None and loss.turn is not None:
                sc.lost[loss.turn] += 1
        for t in turns:
            if t.undone_at is not None:
                continue
            m = self.move_tallies[(s.scenario_id, t.key)]
            m.times += 1
            if m.last_session != s.id:
                m.sessions += 1
                m.last_session = s.id
            m.learners.add(s.learner)
            m.first += t.number == 1
            m.turn_sum += t.number
            m.delta_sum += t.delta.get("overall", 0)

    def by_learner(self) -> dict[str, dict[str, Any]]:
        out = {}
        for name, row in self.learners.items():
            scores: _Scores = row["overall"]
            skill: _Scores = row["skill"]
            out[name] = {
                "display": row["display"],
                "sessions": row["sessions"],
                "finished": row["finished"],
                "mean_overall": scores.mean,
                "best": scores.best,
                "mean_skill": skill.mean,
                "best_skill": skill.best,
                "rated": skill.count,
            }
        return out

    def by_scenario(self) -> list[ScenarioSummary]:
        return [
            ScenarioSummary(
                scenario_id=sid,
                title=sc.title,
                sessions=sc.sessions,
                finished=sc.finished,
                learners=len(sc.learners),
                mean_overall=sc.overall.mean,
                best=sc.overall.best,
                endings=dict(sorted(sc.endings.items())),
                mean_skill=sc.skill.mean,
                best_skill=sc.skill.best,
                rated=sc.skill.count,
            )
            for sid, sc in sorted(self.scenarios.items())
        ]

    def moves(self, scenario: str | None = None) -> list[MoveStats]:
        stats = [
            MoveStats(
                scenario_id=sid,
                key=key,
                times=m.times,
                sessions=m.sessions,
                learners=len(m.learners),
                first=m.first,
                mean_turn=round(m.turn_sum / m.times, 2),
                mean_delta=round(m.delta_sum / m.times, 2),
            )
            for (sid, key), m in self.move_tallies.items()
            if scenario is None or sid == scenario
        ]
        return sorted(stats, key=lambda m: (m.scenario_id, -m.times, m.key))

    def report(self, cohort: str | None, learners: int) -> str:
        lines = [f"Cohort {cohort or '(all learners)'}: {learners} learners"]
        for sc in self.by_scenario():
            lines.append("")
            lines.append(f"{sc.title} [{sc.scenario_id}]")
            lines.append(
                f"  sessions {sc.sessions} (finished {sc.finished}), learners {sc.learners}, "
                f"mean overall {sc.mean_overall}, best {sc.best}"
            )
            lines.append(
                f"  skill (what the choices were worth, apart from luck, 0-100): mean {_shown(sc.mean_skill)}, "
                f"best {_shown(sc.best_skill)} over {sc.rated} rated of {sc.finished} finished"
            )
            lines.append("  endings: " + ", ".join(f"{k} {v}" for k, v in sc.endings.items()))
            top = self.moves(sc.scenario_id)[:5]
            lines.append("  most chosen: " + ", ".join(f"{m.key} x{m.times} ({m.mean_delta:+.1f})" for m in top))
            lost = self.scenarios[sc.scenario_id].lost
            if lost:
                where = ", ".join(f"turn {k}: {v}" for k, v in sorted(lost.items()))
                lines.append(f"  relationship lost in {sum(lost.values())} sessions ({where})")
            else:
                lines.append("  relationship lost in no session")
        lines.append("")
        head = ("learner", "sessions", "finished", "mean", "best", "skill", "best")
        lines.append("{:<16} {:>8} {:>8} {:>6} {:>5} {:>6} {:>5}".format(*head))
        for name, row in sorted(self.by_learner().items()):
            cells = (row["mean_overall"], row["best"], row["mean_skill"], row["best_skill"])
            mean, best, skill, best_skill = (_shown(v) for v in cells)
            lines.append(
                f"{name:<16} {row['sessions']:>8} {row['finished']:>8} {mean:>6} {best:>5} {skill:>6} {best_skill:>5}"
            )
        lines.append("mean and best: overall; skill and best: what the choices were worth, apart from luck")
        return "\n".join(lines)


def _shown(value: float | None) -> str:
    """A figure for the report: "-" when there is none (never a made-up 0)."""
    if value is None:
        return "-"
    return f"{value:.1f}" if isinstance(value, float) else str(value)


def loss_of(s: SessionRecord, turns: Sequence[TurnRecord], dimension: str) -> RelationshipLoss | None:
    """Where session ``s`` lost ``dimension`` (see :class:`RelationshipLoss`); None with no live turn."""
    played = [t for t in turns if t.undone_at is None]
    if not played:
        return None
    start = played[0].scores.get(dimension, 0) - played[0].delta.get(dimension, 0)
    values = [t.scores.get(dimension, 0) for t in played]
    lost_at: TurnRecord | None = None
    if values[-1] < start:
        i = len(values) - 1
        while i > 0 and values[i - 1] < start:
            i -= 1
        lost_at = played[i]
    return RelationshipLoss(
        session_id=s.id,
        learner=s.learner,
        scenario_id=s.scenario_id,
        turn=lost_at.number if lost_at else None,
        move=lost_at.key if lost_at else None,
        start=start,
        end=values[-1],
    )
