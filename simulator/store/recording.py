"""Keeping live sessions: :meth:`Recorder.record`, :meth:`Recorder.resume` and :class:`Recording`.

Why nothing is lost: each turn is committed in its own short transaction before
:meth:`Recording.turn` returns, so a process killed at any moment leaves the store at the last
committed turn, and :meth:`Recorder.resume` replays the committed moves into a live session.

Why nothing is written twice, even when a commit's answer is lost (the server restarted, the
network dropped): what the recording has not seen committed stays queued and is written again
with the next turn, and writing it again is harmless. The session row and each turn carry a
``uid`` chosen before they are written: a row already there with that uid is this very row, and
taking a turn back names the turn's uid, so repeating it never touches a later turn. A turn
stored by *another* recording under the same number is a conflict, reported.

Why an empty session is never stored: the session row is written with its first turn, in the
same transaction. A learner who quits before playing leaves nothing behind.

Why a finished session carries its skill figure: the turn that reaches an ending is rated by
the solver (what the choices were worth against the best possible, :mod:`simulator.skill`)
before it is written, outside the transaction, and the rating goes into the session row with
it. The solver is built once per scenario content and shared with the debrief and the hints,
so a front end that shows the debrief rates the session once.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._version import __version__
from ..errors import SnapshotError, StoreError
from .database import Database
from .location import Location, display_name, learner_name, utc_now
from .records import SessionRecord, TurnRecord

if TYPE_CHECKING:
    from ..scenario import Scenario
    from ..session import Session
    from ..skill import Skill
    from ..transcript import Turn

__all__ = ["Recorder", "Recording", "UnsavedChanges"]


class _Conflict(StoreError):
    """Another recording wrote this session's turn: not something writing again can mend."""


class UnsavedChanges(StoreError):
    """A write failed (locked, server gone) and its changes are kept: the next save writes them.

    An interactive front end can say so and let the learner play on.
    """


@dataclass(frozen=True)
class _Change:
    """One change not yet seen committed: a turn played (written with ``uid``), or the turn
    numbered ``number`` with ``uid`` taken back (``turn`` None); with the session's scores and
    ending right after it (what the session row must show).
    """

    turn: Turn | None
    number: int
    uid: str | None
    scores: dict[str, int]
    ending: str | None
    ending_title: str | None
    skill: Skill | None = None  # the finished session's rating, with the turn that ended it


def _played(session: Session, turn: Turn, skill: Skill | None) -> _Change:
    ending = turn.ending
    title = _ending_title(session, ending)
    return _Change(turn, turn.number, uuid.uuid4().hex, dict(turn.scores), ending, title, skill if ending else None)


def _ending_title(session: Session, ending: str | None) -> str | None:
    if ending is None:
        return None
    return next((e.title for e in session.scenario.spec.endings if e.id == ending), None)


class Recording:
    """Keeps one live session in the store: call :meth:`turn` after each ``Session.play``.

    ``session_id`` is None until the first turn is committed (an empty session is never stored).
    When a write fails (the database is locked, the server is gone), the method raises a one-line
    StoreError and keeps what it could not write; the next :meth:`turn`, :meth:`undo`,
    :meth:`finish` or :meth:`flush` writes it first, once, in order. ``unsaved`` counts it.
    """

    def __init__(
        self,
        store: Recorder,
        session: Session,
        *,
        learner: str,
        display: str | None = None,
        session_id: int | None = None,
        uid: str | None = None,
        started: str | None = None,
        turn_uids: list[str | None] | None = None,
    ) -> None:
        self.store = store
        self.session = session
        self.learner = learner
        self.display = display
        self.session_id = session_id
        self.uid = uid or uuid.uuid4().hex
        self.started = started or utc_now()
        self._queue: list[_Change] = []
        self._live: list[str | None] = list(turn_uids or [])  # the uid of each live turn, in order
        self._rated: tuple[tuple[str, ...], Skill | None] | None = None  # the line rated, its rating

    def __repr__(self) -> str:
        return f"Recording(session_id={self.session_id}, store={self.store!r})"

    @property
    def unsaved(self) -> int:
        """Changes played but not yet seen committed (0 after every successful write)."""
        return len(self._queue)

    def play(self, move: str, to: str | None = None) -> Turn:
        """Play a move on the session and commit it: ``session.play`` + :meth:`turn`."""
        turn = self.session.play(move, to)
        self.turn(turn)
        return turn

    def turn(self, turn: Turn) -> None:
        """Commit one turn; it is stored when this returns. An ending also closes the session row."""
        change = self._played(turn)
        self._queue.append(change)
        self._live.append(change.uid)
        self.flush(f"saving turn {turn.number} of {self._name()}")

    def _played(self, turn: Turn) -> _Change:
        return _played(self.session, turn, self.skill() if turn.ending else None)

    def skill(self) -> Skill | None:
        """The session's rating once it has ended (see :func:`simulator.analysis.review.skill_of`),
        computed once per line played; None while it is not over or when it cannot be rated.
        """
        line = tuple(self.session.played)
        if self._rated is None or self._rated[0] != line:
            from ..analysis.review import skill_of

            self._rated = (line, skill_of(self.session))
        return self._rated[1]

    def undo(self) -> None:
        """Record that the last move was taken back (call after ``Session.undo``).

        The turn is kept, stamped ``undone_at``: the store loses nothing, and exports and
        ``parley show`` can still tell what was tried and taken back.
        """
        number = len(self.session.transcript) + 1  # the turn Session.undo just took back
        if len(self._live) < number:  # nothing recorded under that number: nothing to take back
            return
        uid = self._live.pop()
        self._queue.append(_Change(None, number, uid, dict(self.session.scores), None, None))
        self.flush(f"taking back turn {number} of {self._name()}")

    def finish(self) -> None:
        """Mark the session ended with its ending and final scores.

        A session that is not over yet stays unfinished (and resumable): only what was kept
        after a failed write is written.
        """
        session = self.session
        self.flush(f"finishing {self._name()}")  # what is kept first, over or not
        if not session.over or self.session_id is None:  # nothing was ever played: nothing to finish
            return
        scores = session.scores
        ending = session.ending.id if session.ending else None
        skill = self.skill()
        db = self.store.db
        with db.write(f"finishing {self._name()}"):
            db.run(
                "UPDATE sessions SET ended = coalesce(ended, ?), ending = ?, ending_title = ?, scores = ?, overall = ?,"
                " worth = ?, optimum = ? WHERE id = ?",
                (
                    utc_now(),
                    ending,
                    _ending_title(session, ending),
                    json.dumps(scores),
                    scores.get("overall"),
                    None if skill is None else skill.worth,
                    None if skill is None else skill.optimum,
                    self.session_id,
                ),
            )

    def flush(self, doing: str | None = None) -> None:
        """Write what is queued, in one transaction; on failure keep it (see the class)."""
        if not self._queue:
            return
        doing = doing or f"saving {self._name()}"
        db = self.store.db
        try:
            with db.write(doing):
                session_id = self.session_id if self.session_id is not None else self._create(db)
                for change in self._queue:
                    self._apply(db, session_id, change)
                last = self._queue[-1]
                db.run(
                    "UPDATE sessions SET scores = ?, overall = ?, ended = ?, ending = ?, ending_title = ?, worth = ?,"
                    " optimum = ? WHERE id = ?",
                    (
                        json.dumps(last.scores),
                        last.scores.get("overall"),
                        utc_now() if last.ending else None,
                        last.ending,
                        last.ending_title,
                        None if last.skill is None else last.skill.worth,
                        None if last.skill is None else last.skill.optimum,
                        session_id,
                    ),
                )
        except _Conflict:
            raise
        except StoreError as exc:
            kept = len(self._queue)
            raise UnsavedChanges(
                f"{exc}; {kept} unsaved change{'s' if kept > 1 else ''} kept, written with the next save"
            ) from exc
        self.session_id = session_id
        self._queue.clear()

    def _name(self) -> str:
        return f"session {self.session_id}" if self.session_id is not None else "a new session"

    def _create(self, db: Database) -> int:
        """The session row (and the learner's): written once even if this transaction is retried."""
        session = self.session
        scenario = session.scenario
        learner_id = learner_row(db, self.learner, self.display, None)
        db.run(
            "INSERT INTO sessions (uid, learner_id, scenario_id, scenario_hash, scenario_path, title, engine, seed,"
            " started, scores, overall) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (uid) DO NOTHING",
            (
                self.uid,
                learner_id,
                scenario.id,
                scenario.hash,
                str(Path(scenario.path).resolve()),
                scenario.title,
                __version__,
                session.seed,
                self.started,
                json.dumps(session.scores),
                session.scores.get("overall"),
            ),
        )
        found = db.row("SELECT id FROM sessions WHERE uid = ?", (self.uid,))
        if found is None:  # inserted above, or by an earlier try of this very recording: never
            raise StoreError(db.message("starting a session", "the new session row cannot be read back"))
        return int(found[0])

    def _apply(self, db: Database, session_id: int, change: _Change) -> None:
        turn = change.turn
        if turn is None:  # taking a turn back: by its uid (turns stored before schema 3 have none)
            which = ("uid = ?", change.uid) if change.uid else ("number = ?", change.number)
            db.run(
                f"UPDATE turns SET undone_at = ? WHERE session_id = ? AND {which[0]} AND undone_at IS NULL",
                (utc_now(), session_id, which[1]),
            )
            return
        # the draw counter as it was right after this turn (set by Session.play), not the session's
        # counter now: a session recorded part-way commits its earlier turns here too. The insert
        # gives way to the live turn of that number and to this uid (both unique indexes).
        written = db.run(
            "INSERT INTO turns (session_id, number, move, target, reply, scores, delta, ending, draws, at, detail,"
            " move_key, uid)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (
                session_id,
                turn.number,
                turn.move,
                turn.target,
                turn.line,
                json.dumps(turn.scores),
                json.dumps(turn.delta),
                turn.ending,
                turn.draws,
                utc_now(),
                json.dumps(turn.to_dict()),
                turn.key,
                change.uid,
            ),
        )
        if written or db.row("SELECT 1 FROM turns WHERE uid = ?", (change.uid,)) is not None:
            return  # written now, or by an earlier try of this very change whose answer was lost
        raise _Conflict(
            f"session {session_id}: turn {turn.number} is already recorded; the session was continued somewhere else"
        )


def learner_row(db: Database, name: str, display: str | None, cohort: str | None) -> int:
    """The id of learner ``name``, created if new (safely when two writers create it at once)."""
    db.run(
        "INSERT INTO learners (name, display, created, cohort) VALUES (?, ?, ?, ?) ON CONFLICT (name) DO NOTHING",
        (name, display or name, utc_now(), cohort),
    )
    if display is not None or cohort is not None:
        db.run(
            "UPDATE learners SET display = coalesce(?, display), cohort = coalesce(?, cohort) WHERE name = ?",
            (display, cohort, name),
        )
    found = db.row("SELECT id FROM learners WHERE name = ?", (name,))
    if found is None:
        raise StoreError(db.message("saving a learner", f"learner {name!r} cannot be read back"))
    return int(found[0])


class Recorder:
    """The recording half of :class:`~simulator.store.Store`."""

    db: Database
    location: Location

    if TYPE_CHECKING:  # provided by the other parts of Store

        def get(self, session_id: int) -> SessionRecord: ...
        def turns(self, session_id: int, *, undone: bool = False) -> list[TurnRecord]: ...
        def snapshot(
            self, session_id: int, *, turns: list[TurnRecord] | None = ..., info: SessionRecord | None = ...
        ) -> dict[str, Any]: ...
        def scenario_of(self, info: SessionRecord) -> Scenario: ...

    def record(self, session: Session, *, learner: str | None = None, display: str | None = None) -> Recording:
        """Start keeping ``session`` for ``learner`` (default: the OS user; an empty name is refused).

        Nothing is written until a turn is: the session's row is committed with its first turn,
        so ``rec.session_id`` is None until then and a session with no move played is never
        stored. Turns already played (a session recorded part-way) are committed here, at once.
        """
        rec = Recording(self, session, learner=learner_name(learner), display=display_name(display))
        for turn in session.transcript:
            change = rec._played(turn)
            rec._queue.append(change)
            rec._live.append(change.uid)
        rec.flush("saving the turns already played")
        return rec

    def resume(
        self, session_id: int | None = None, *, learner: str | None = None, scenario: Scenario | None = None
    ) -> Recording:
        """Replay a stored unfinished session into a live one and keep recording it.

        Without ``session_id``, the learner's most recent unfinished session. The scenario is
        loaded from where it was played (or by id) unless given; it must have the stored hash.
        """
        from ..session import Session

        if session_id is None:
            name = learner_name(learner)
            row = self.db.row(
                "SELECT s.id FROM sessions s JOIN learners l ON l.id = s.learner_id "
                "WHERE l.name = ? AND s.ended IS NULL ORDER BY s.started DESC, s.id DESC LIMIT 1",
                (name,),
                doing="finding a session to resume",
            )
            if row is None:
                raise StoreError(f"no unfinished session for learner {name!r} in {self.location.shown}")
            session_id = int(row[0])
        info = self.get(session_id)
        if info.finished:
            ending = f" (ending {info.ending_title or info.ending})" if info.ending else ""
            raise StoreError(f"session {session_id} is finished{ending}; nothing to resume")
        turns = self.turns(session_id)
        damage = info.damage or next((t.damage for t in turns if t.damage), None)
        if damage:
            raise StoreError(
                f"session {session_id} is damaged ({damage}), so it cannot resume; "
                f"`parley show {session_id}` shows what is left"
            )
        scenario = scenario or self.scenario_of(info)
        if scenario.hash != info.scenario_hash:
            raise StoreError(
                f"session {session_id}: scenario {info.scenario_id!r} has changed since it was saved "
                f"(hash {info.scenario_hash[:12]} then, {scenario.hash[:12]} now), so it cannot resume "
                f"identically; `parley verify {session_id}` shows whether it still replays"
            )
        try:
            session = Session.restore(scenario, self.snapshot(session_id, turns=turns, info=info))
        except SnapshotError as exc:
            raise StoreError(f"session {session_id} cannot resume: {exc}; run `parley verify {session_id}`") from exc
        if turns and session.scores != turns[-1].scores:
            session.close()
            raise StoreError(
                f"session {session_id} does not replay to its stored scores; run `parley verify {session_id}`"
            )
        return Recording(
            self,
            session,
            learner=info.learner,
            session_id=session_id,
            uid=info.uid,
            started=info.started,
            turn_uids=[t.uid for t in turns],
        )
