"""Reading the store: sessions, turns, snapshots, progress and learners (the :class:`Queries` part of Store).

Everything that can grow with a course streams: :meth:`Queries.iter_sessions` and
:meth:`Queries.session_turns` hold one session at a time, so exports and reports over a million
turns run in bounded memory. The lists (:meth:`Queries.sessions`, :meth:`Queries.turns_of`) are
for the sizes a person reads.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import Any

from ..errors import StoreError
from .database import MAX_INTEGER, Database
from .location import Location, learner_name
from .records import (
    LearnerRecord,
    Progress,
    SessionRecord,
    TurnRecord,
    session_from_row,
    skill_from_row,
    turn_from_row,
)

__all__ = ["PROGRESS_SQL", "SESSION_COLUMNS", "TURN_COLUMNS", "Queries"]

SESSION_COLUMNS = (
    "s.id, s.uid, l.name, l.display, s.scenario_id, s.scenario_hash, s.scenario_path, s.title,"
    " s.engine, s.seed, s.started, s.ended, s.ending, s.scores, s.ending_title, s.worth, s.optimum"
)
TURN_COLUMNS = (
    "id, session_id, number, move, target, reply, scores, delta, ending, draws, at, undone_at, detail, move_key, uid"
)
_LIVE_COUNT = "(SELECT count(*) FROM turns t WHERE t.session_id = s.id AND t.undone_at IS NULL)"
_FROM = " FROM sessions s JOIN learners l ON l.id = s.learner_id "
_SESSION_SQL = f"SELECT {SESSION_COLUMNS}, {_LIVE_COUNT}{_FROM}"
_TURN_SQL = f"SELECT {TURN_COLUMNS} FROM turns "
# one learner's sessions in the order played: served by the index sessions_by_learner(learner_id, started)
PROGRESS_SQL = (
    "SELECT s.scenario_id, s.title, s.ended, s.overall, s.worth, s.optimum, s.started FROM sessions s "
    "WHERE s.learner_id = (SELECT id FROM learners WHERE name = ?) ORDER BY s.started, s.id"
)


class Queries:
    """The reading half of :class:`~simulator.store.Store` (it provides ``db`` and ``location``)."""

    db: Database
    location: Location

    def _number(self, value: int, what: str = "session") -> int:
        """A session id as the store keeps them: a whole number that fits in 64 bits."""
        if isinstance(value, bool) or not isinstance(value, int):
            raise StoreError(f"a {what} id is a whole number, not {value!r}")
        if not 0 <= value <= MAX_INTEGER:
            raise StoreError(
                self.db.message(
                    f"reading {what} {value}", f"a number is too large for the store (at most {MAX_INTEGER})"
                )
            )
        return value

    # --- sessions ---------------------------------------------------------------------------------

    def get(self, session_id: int) -> SessionRecord:
        sid = self._number(session_id)
        row = self.db.row(_SESSION_SQL + "WHERE s.id = ?", (sid,), doing=f"reading session {sid}")
        if row is None:
            raise StoreError(f"no session {sid} in {self.location.shown}")
        return session_from_row(row)

    @staticmethod
    def _where(
        learner: str | None, scenario: str | None, cohort: str | None, finished: bool | None
    ) -> tuple[str, list[Any]]:
        where, args = [], []
        if learner is not None:
            where.append("l.name = ?")
            args.append(learner)
        if scenario is not None:
            where.append("s.scenario_id = ?")
            args.append(scenario)
        if cohort is not None:
            where.append("l.cohort = ?")
            args.append(cohort)
        if finished is not None:
            where.append("s.ended IS NOT NULL" if finished else "s.ended IS NULL")
        return ("WHERE " + " AND ".join(where) + " " if where else ""), args

    def sessions(
        self,
        *,
        learner: str | None = None,
        scenario: str | None = None,
        cohort: str | None = None,
        finished: bool | None = None,
        limit: int | None = None,
        newest_first: bool = False,
    ) -> list[SessionRecord]:
        """Sessions in the order they were started (``newest_first`` reverses it), filtered."""
        where, args = self._where(learner, scenario, cohort, finished)
        order = "DESC" if newest_first else "ASC"
        sql = f"{_SESSION_SQL}{where}ORDER BY s.started {order}, s.id {order}"
        if limit is not None:
            if limit < 0:
                raise ValueError(f"limit must be 0 or more, not {limit}")
            sql += " LIMIT ?"
            args.append(min(int(limit), MAX_INTEGER))
        return [session_from_row(r) for r in self.db.rows(sql, args, doing="reading sessions")]

    def iter_sessions(
        self,
        *,
        learner: str | None = None,
        scenario: str | None = None,
        cohort: str | None = None,
        finished: bool | None = None,
    ) -> Iterator[SessionRecord]:
        """:meth:`sessions`, one at a time in id order, for any number of them."""
        where, args = self._where(learner, scenario, cohort, finished)
        for row in self.db.stream(f"{_SESSION_SQL}{where}ORDER BY s.id", args, doing="reading sessions"):
            yield session_from_row(row)

    def session_turns(
        self,
        *,
        learner: str | None = None,
        scenario: str | None = None,
        cohort: str | None = None,
        finished: bool | None = None,
        undone: bool = False,
    ) -> Iterator[tuple[SessionRecord, list[TurnRecord]]]:
        """Each session (in id order) with its turns, read in one streamed query: one session in memory at a time.

        With ``undone=True`` the taken-back turns come too, in play order.
        """
        where, args = self._where(learner, scenario, cohort, finished)
        live = "" if undone else " AND t.undone_at IS NULL"
        turn_columns = ", ".join(f"t.{c.strip()}" for c in TURN_COLUMNS.split(","))
        sql = (
            f"SELECT {SESSION_COLUMNS}, 0, {turn_columns}{_FROM}"
            f"LEFT JOIN turns t ON t.session_id = s.id{live} {where}ORDER BY s.id, t.id"
        )
        width = len(SESSION_COLUMNS.split(",")) + 1
        current: SessionRecord | None = None
        turns: list[TurnRecord] = []
        for row in self.db.stream(sql, args, doing="reading sessions and their turns"):
            if current is None or row[0] != current.id:
                if current is not None:
                    yield _counted(current, turns)
                current, turns = session_from_row(row[:width]), []
            if row[width] is not None:  # a session with no turns has one row of NULLs
                turns.append(turn_from_row(row[width:]))
        if current is not None:
            yield _counted(current, turns)

    # --- turns ------------------------------------------------------------------------------------

    def turns(self, session_id: int, *, undone: bool = False) -> list[TurnRecord]:
        """The session's live turns in order; with ``undone=True`` also the taken-back ones, in play order."""
        sid = self._number(session_id)
        sql = _TURN_SQL + "WHERE session_id = ?"
        sql += " ORDER BY id" if undone else " AND undone_at IS NULL ORDER BY number"
        return [turn_from_row(r) for r in self.db.rows(sql, (sid,), doing=f"reading the turns of session {sid}")]

    def turns_of(self, session_ids: Iterable[int], *, undone: bool = False) -> dict[int, list[TurnRecord]]:
        """:meth:`turns` of many sessions in one query: ``{session id: turns}``, every id a key."""
        ids = [self._number(i) for i in session_ids]
        out: dict[int, list[TurnRecord]] = {i: [] for i in ids}
        if not ids:
            return out
        test, param = self.db.id_list(ids)
        sql = _TURN_SQL + f"WHERE session_id {test}"
        sql += " ORDER BY session_id, id" if undone else " AND undone_at IS NULL ORDER BY session_id, number"
        for r in self.db.rows(sql, (param,), doing=f"reading the turns of {len(ids)} sessions"):
            t = turn_from_row(r)
            out[t.session_id].append(t)
        return out

    def snapshot(
        self, session_id: int, *, turns: list[TurnRecord] | None = None, info: SessionRecord | None = None
    ) -> dict[str, Any]:
        """The stored session as a :meth:`Session.snapshot` (restore it with :meth:`Session.restore`)."""
        from ..snapshot import make_snapshot

        info = info or self.get(session_id)
        turns = self.turns(session_id) if turns is None else turns
        said = [(t.detail or {}).get("said") for t in turns]
        snapshot = make_snapshot(
            info.scenario_id,
            info.scenario_hash,
            info.seed,
            turns[-1].draws if turns else 0,
            [t.key for t in turns],
            said,
        )
        snapshot["engine"] = info.engine  # the engine that played it, not this one
        return snapshot

    # --- learners and progress --------------------------------------------------------------------

    def progress(self, learner: str | None = None) -> list[Progress]:
        """Per scenario the learner played: attempts, best and latest ``overall`` and skill, and the histories.

        One indexed query (``sessions_by_learner``): a learner with 10,000 sessions reads in
        milliseconds on either database.
        """
        name = learner_name(learner)
        rows = self.db.rows(PROGRESS_SQL, (name,), doing="reading progress")
        by: dict[str, dict[str, Any]] = {}
        for scenario_id, title, ended, overall, worth, optimum, started in rows:
            p = by.setdefault(
                str(scenario_id), {"title": title, "history": [], "skills": [], "unfinished": 0, "last": started}
            )
            p["title"], p["last"] = str(title), str(started)
            if ended is None:
                p["unfinished"] += 1
            elif isinstance(overall, int):  # a damaged value is left out, not fatal
                p["history"].append(overall)
                p["skills"].append(skill_from_row(worth, optimum))
        return [
            Progress(
                scenario_id=sid,
                title=p["title"],
                attempts=len(p["history"]),
                unfinished=p["unfinished"],
                best=max(p["history"]) if p["history"] else None,
                latest=p["history"][-1] if p["history"] else None,
                history=tuple(p["history"]),
                last_played=p["last"],
                skills=tuple(p["skills"]),
            )
            for sid, p in sorted(by.items())
        ]

    def learners(self, *, cohort: str | None = None) -> list[LearnerRecord]:
        sql = (
            "SELECT l.id, l.name, l.display, l.cohort, count(s.id) FROM learners l "
            "LEFT JOIN sessions s ON s.learner_id = l.id "
        )
        args: tuple[Any, ...] = ()
        if cohort is not None:
            sql += "WHERE l.cohort = ? "
            args = (cohort,)
        sql += "GROUP BY l.id, l.name, l.display, l.cohort ORDER BY l.name"
        return [LearnerRecord(*row) for row in self.db.rows(sql, args, doing="reading learners")]


def _counted(session: SessionRecord, turns: list[TurnRecord]) -> tuple[SessionRecord, list[TurnRecord]]:
    return replace(session, turns=sum(t.undone_at is None for t in turns)), turns
