"""Course code: many learners, one store; play or record their sessions, ask what happened, export.

>>> course = Course("cohort.db", cohort="spring")                          # doctest: +SKIP
>>> course.run("ana", "declined-offer", ["decide_repair", "apologize:hr_rep"], seed=1)  # doctest: +SKIP
>>> course.moves("declined-offer")[0].key                                  # doctest: +SKIP
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .store import Recording, SessionRecord, Store, TurnRecord

if TYPE_CHECKING:
    from ..scenario import Scenario
    from ..session import Session

__all__ = ["Course", "MoveStats", "RelationshipLoss", "ScenarioSummary"]

Policy = Callable[["Session"], str]


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


class Course:
    """A cohort of learners in one store. ``store`` is a :class:`Store`, a path, a URL or None.

    ``home_page`` is the ``account.homePage`` of xAPI actors (or, with ``mbox_domain``, actors are
    identified by ``mailto:name@domain``); ``activity_base`` prefixes every activity IRI;
    ``pass_mark`` (0-100 on ``overall``), when given, sets ``result.success`` in xAPI statements.
    """

    def __init__(
        self,
        store: Store | str | os.PathLike[str] | None = None,
        *,
        cohort: str | None = None,
        home_page: str = "https://parley.example",
        activity_base: str = "https://parley.example/xapi",
        mbox_domain: str | None = None,
        pass_mark: int | None = None,
    ) -> None:
        self.store = store if isinstance(store, Store) else Store(store)
        self.cohort = cohort
        self.home_page = home_page
        self.activity_base = activity_base.rstrip("/")
        self.mbox_domain = mbox_domain
        self.pass_mark = pass_mark

    # --- learners and sessions ----------------------------------------------------------------

    def enrol(self, name: str, display: str | None = None) -> int:
        """Add a learner to this course's cohort (or update their display name); returns their id."""
        return self.store.learner(name, display=display, cohort=self.cohort)

    def learners(self) -> list[str]:
        return [r.name for r in self.store.learners(cohort=self.cohort)]

    def record(self, session: Session, learner: str) -> Recording:
        """Keep a session played elsewhere (an interactive front end, a notebook)."""
        self.enrol(learner)
        return self.store.record(session, learner=learner)

    def run(
        self,
        learner: str,
        scenario: Scenario | str,
        moves: Sequence[str] | Policy,
        *,
        seed: int,
        then: Policy | None = None,
    ) -> SessionRecord:
        """Play a scripted learner to an ending, committing each turn; returns the stored session.

        ``moves`` is a list of moves (``move`` or ``move:target``) or a function choosing the
        next move from the session. When a list runs out before an ending, ``then`` chooses
        (default: wait when waiting is legal, else the first legal move).
        """
        from ..loader import load_scenario
        from ..session import Session

        sc = load_scenario(scenario) if isinstance(scenario, str) else scenario
        self.enrol(learner)
        session = Session(sc, seed)
        rec = self.store.record(session, learner=learner)
        script = list(moves) if not callable(moves) else []
        fallback = then or _wait_or_first
        with session:
            for _ in range(10_000):  # a turn limit ends every scenario; this only guards a bad policy
                if session.over:
                    break
                if callable(moves):
                    move = moves(session)
                elif script:
                    move = script.pop(0)
                else:
                    move = fallback(session)
                rec.turn(session.play(move))
            rec.finish()
        return self.store.get(rec.session_id)

    def sessions(self, *, learner: str | None = None, scenario: str | None = None, finished: bool | None = None) -> list[SessionRecord]:
        return self.store.sessions(learner=learner, scenario=scenario, cohort=self.cohort, finished=finished)

    def _turns(self, sessions: Iterable[SessionRecord], *, undone: bool = False) -> dict[int, list[TurnRecord]]:
        return self.store.turns_of((s.id for s in sessions), undone=undone)  # one query, not one per session

    # --- questions ------------------------------------------------------------------------------

    def by_learner(self) -> dict[str, dict[str, Any]]:
        """Per learner: sessions, finished, mean and best ``overall`` of finished sessions."""
        return _by_learner(self.sessions())

    def by_scenario(self) -> list[ScenarioSummary]:
        return _by_scenario(self.sessions())

    def moves(self, scenario: str | None = None) -> list[MoveStats]:
        """Which moves learners choose, most chosen first (per scenario)."""
        sessions = self.sessions(scenario=scenario)
        return _moves(sessions, self._turns(sessions))

    def relationship_losses(self, scenario: str | None = None, *, dimension: str = "relationship") -> list[RelationshipLoss]:
        """For each finished session, the turn at which the relationship was lost (see :class:`RelationshipLoss`)."""
        sessions = self.sessions(scenario=scenario, finished=True)
        return _losses(sessions, self._turns(sessions), dimension)

    def report(self) -> str:
        """A plain-text cohort report: per scenario, per learner, the most chosen moves, the losses.

        Three queries whatever the cohort's size: its learners, its sessions, and all their turns;
        every section of the report is worked out from those.
        """
        learners = self.learners()
        sessions = self.sessions()
        turns = self._turns(sessions)
        lines = [f"Cohort {self.cohort or '(all learners)'}: {len(learners)} learners"]
        for sc in _by_scenario(sessions):
            mine = [s for s in sessions if s.scenario_id == sc.scenario_id]
            lines.append("")
            lines.append(f"{sc.title} [{sc.scenario_id}]")
            lines.append(
                f"  sessions {sc.sessions} (finished {sc.finished}), learners {sc.learners}, "
                f"mean overall {sc.mean_overall}, best {sc.best}"
            )
            lines.append("  endings: " + ", ".join(f"{k} {v}" for k, v in sc.endings.items()))
            top = _moves(mine, turns)[:5]
            lines.append("  most chosen: " + ", ".join(f"{m.key} x{m.times} ({m.mean_delta:+.1f})" for m in top))
            losses = [x for x in _losses([s for s in mine if s.finished], turns, "relationship") if x.turn is not None]
            if losses:
                at: dict[int, int] = defaultdict(int)
                for x in losses:
                    at[x.turn or 0] += 1
                where = ", ".join(f"turn {k}: {v}" for k, v in sorted(at.items()))
                lines.append(f"  relationship lost in {len(losses)} sessions ({where})")
            else:
                lines.append("  relationship lost in no session")
        lines.append("")
        lines.append(f"{'learner':<16} {'sessions':>8} {'finished':>8} {'mean':>6} {'best':>5}")
        for name, row in sorted(_by_learner(sessions).items()):
            mean = "-" if row["mean_overall"] is None else f"{row['mean_overall']:.1f}"
            best = "-" if row["best"] is None else str(row["best"])
            lines.append(f"{name:<16} {row['sessions']:>8} {row['finished']:>8} {mean:>6} {best:>5}")
        return "\n".join(lines)

    # --- exports --------------------------------------------------------------------------------

    def export_jsonl(self, path: str | os.PathLike[str]) -> int:
        """One JSON object per session, with every turn (undone ones too); returns the count."""
        from .exports import write_jsonl

        sessions = self.sessions()
        return write_jsonl(Path(path), sessions, self._turns(sessions, undone=True))

    def export_csv(self, path: str | os.PathLike[str], *, table: str = "sessions") -> int:
        """``table="sessions"``: one row per session; ``"turns"``: one row per turn. Returns rows.

        Text that a spreadsheet would read as a formula (starting with ``=``, ``+``, ``-``, ``@``, a
        tab or a carriage return) is written with a leading ``'``; see :func:`.exports.csv_cell`.
        """
        from .exports import write_csv

        sessions = self.sessions()
        turns = self._turns(sessions, undone=True) if table == "turns" else None
        return write_csv(Path(path), sessions, turns, table=table)

    def xapi_statements(self) -> list[dict[str, Any]]:
        """xAPI 1.0.3 statements: one per session and one per move, ready to POST to an LRS."""
        from .exports import XapiOptions, xapi_statements

        sessions = self.sessions()
        options = XapiOptions(
            home_page=self.home_page,
            activity_base=self.activity_base,
            mbox_domain=self.mbox_domain,
            pass_mark=self.pass_mark,
            course=self.cohort,
        )
        return xapi_statements(sessions, self._turns(sessions), options)

    def export_xapi(self, path: str | os.PathLike[str]) -> int:
        """Write :meth:`xapi_statements` as one JSON array; returns the number of statements."""
        import json

        statements = self.xapi_statements()
        Path(path).write_text(json.dumps(statements, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        return len(statements)


def _wait_or_first(session: Session) -> str:
    legal = [m.key for m in session.moves()]
    return "wait" if "wait" in legal else legal[0]


# --- the questions, worked out from sessions and turns already read (so report() reads once) ------


def _by_learner(sessions: Sequence[SessionRecord]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for s in sessions:
        row = out.setdefault(s.learner, {"display": s.display, "sessions": 0, "finished": 0, "overall": []})
        row["sessions"] += 1
        if s.finished:
            row["finished"] += 1
            if s.scores:
                row["overall"].append(s.scores.get("overall", 0))
    for row in out.values():
        scores = row.pop("overall")
        row["mean_overall"] = round(sum(scores) / len(scores), 1) if scores else None
        row["best"] = max(scores) if scores else None
    return out


def _by_scenario(sessions: Sequence[SessionRecord]) -> list[ScenarioSummary]:
    groups: dict[str, list[SessionRecord]] = defaultdict(list)
    for s in sessions:
        groups[s.scenario_id].append(s)
    out = []
    for sid, group in sorted(groups.items()):
        done = [s for s in group if s.finished and s.scores]
        overall = [s.scores["overall"] for s in done if s.scores and "overall" in s.scores]
        endings: dict[str, int] = defaultdict(int)
        for s in done:
            endings[s.ending or "none"] += 1
        out.append(
            ScenarioSummary(
                scenario_id=sid,
                title=group[-1].title,
                sessions=len(group),
                finished=len(done),
                learners=len({s.learner for s in group}),
                mean_overall=round(sum(overall) / len(overall), 1) if overall else None,
                best=max(overall) if overall else None,
                endings=dict(sorted(endings.items())),
            )
        )
    return out


def _moves(sessions: Sequence[SessionRecord], turns: Mapping[int, Sequence[TurnRecord]]) -> list[MoveStats]:
    acc: dict[tuple[str, str], dict[str, Any]] = {}
    for s in sessions:
        for t in turns[s.id]:
            a = acc.setdefault(
                (s.scenario_id, t.key), {"times": 0, "sessions": set(), "learners": set(), "first": 0, "turn": 0, "delta": 0}
            )
            a["times"] += 1
            a["sessions"].add(s.id)
            a["learners"].add(s.learner)
            a["first"] += t.number == 1
            a["turn"] += t.number
            a["delta"] += t.delta.get("overall", 0)
    stats = [
        MoveStats(
            scenario_id=sid,
            key=key,
            times=a["times"],
            sessions=len(a["sessions"]),
            learners=len(a["learners"]),
            first=a["first"],
            mean_turn=round(a["turn"] / a["times"], 2),
            mean_delta=round(a["delta"] / a["times"], 2),
        )
        for (sid, key), a in acc.items()
    ]
    return sorted(stats, key=lambda m: (m.scenario_id, -m.times, m.key))


def _losses(sessions: Sequence[SessionRecord], turns: Mapping[int, Sequence[TurnRecord]], dimension: str) -> list[RelationshipLoss]:
    out = []
    for s in sessions:
        played = turns[s.id]
        if not played:
            continue
        start = played[0].scores.get(dimension, 0) - played[0].delta.get(dimension, 0)
        values = [t.scores.get(dimension, 0) for t in played]
        lost_at: TurnRecord | None = None
        if values[-1] < start:
            i = len(values) - 1
            while i > 0 and values[i - 1] < start:
                i -= 1
            lost_at = played[i]
        out.append(
            RelationshipLoss(
                session_id=s.id,
                learner=s.learner,
                scenario_id=s.scenario_id,
                turn=lost_at.number if lost_at else None,
                move=lost_at.key if lost_at else None,
                start=start,
                end=values[-1],
            )
        )
    return out
