"""Keep every practice session in an embedded SQLite file, one committed row per turn.

Why it loses nothing: each turn is its own short ``BEGIN IMMEDIATE`` transaction, committed
before :meth:`Recording.turn` returns, in a WAL-mode file. A process killed at any moment leaves
the file at the last committed turn (SQLite's journal guarantees it), so at most the move being
played is lost, and :meth:`Store.resume` replays the committed moves into a live session.

Why several processes can write at once: WAL lets readers run beside the single writer, every
write transaction is a handful of rows, and ``busy_timeout`` makes a second writer wait for the
first instead of failing. A file that stays locked longer than ``timeout`` seconds, or that is
damaged, raises a one-line :class:`~simulator.errors.StoreError`.

A stored session is a replay certificate: scenario hash + engine version + seed + moves.
:meth:`Store.verify` replays it against the scenario file as it is now and says whether every
stored reply, score and count of random draws still comes out the same. Nothing replayed depends
on the clock; the timestamps (UTC, ISO-8601) are only records.
"""

from __future__ import annotations

import contextlib
import getpass
import json
import os
import sqlite3
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from .._version import __version__
from ..errors import SimulatorError, SnapshotError, StoreError
from .schema import SCHEMA_VERSION, migrate

if TYPE_CHECKING:
    from ..scenario import Scenario
    from ..session import Session
    from ..transcript import Turn

__all__ = [
    "ENV_VAR",
    "LearnerRecord",
    "Progress",
    "Recording",
    "SessionRecord",
    "Store",
    "TurnRecord",
    "Verdict",
    "default_learner",
    "default_path",
    "store_path",
    "utc_now",
]

ENV_VAR = "PARLEY_DB"
MAX_INTEGER = 2**63 - 1  # SQLite's largest INTEGER: no session id is above it
DEFAULT_TIMEOUT = 10.0
_OURS = {"learners", "sessions", "turns"}


def utc_now() -> str:
    """Now, in UTC, as ISO-8601 with milliseconds and a ``Z`` (sorts as text)."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def default_path() -> Path:
    """``$PARLEY_DB`` if set, else ``parley.db`` in the user's data directory."""
    env = os.environ.get(ENV_VAR)
    if env:
        return _path_of(env)
    import platformdirs  # only when the default is needed

    return Path(platformdirs.user_data_dir("parley", appauthor=False)) / "parley.db"


def store_path(ref: str | os.PathLike[str] | None = None) -> Path | None:
    """The file ``Store(ref)`` opens (None for ``":memory:"``), without opening it."""
    if ref is not None and os.fspath(ref) == ":memory:":
        return None
    return default_path() if ref is None else _path_of(ref)


def default_learner() -> str:
    """The OS user name: who practises when nobody said otherwise."""
    try:
        return getpass.getuser() or "learner"
    except (KeyError, OSError, ImportError):  # no passwd entry and no LOGNAME/USER (containers)
        return "learner"


def _path_of(ref: str | os.PathLike[str]) -> Path:
    text = os.fspath(ref)
    if not text.strip():
        raise StoreError("the session store path is empty; give a file, e.g. --db course.db")
    if text.startswith("sqlite:///"):
        text = text[len("sqlite:///") - 1 :]  # sqlite:///abs/path -> /abs/path
        if text.startswith("//"):
            text = text[1:]
    elif text.startswith("sqlite://"):
        raise StoreError(f"unsupported store URL {text!r}; write sqlite:///path/to/file.db")
    return Path(text).expanduser()


def _explain_value(exc: Exception) -> str:
    """What SQLite could not store or give back, for a value Python raised about (not sqlite3)."""
    if isinstance(exc, json.JSONDecodeError):  # a row whose JSON was damaged or edited by hand
        return f"the file is damaged (a stored record is not valid JSON: {exc})"
    if isinstance(exc, OverflowError):  # an int beyond SQLite's 64-bit INTEGER, such as a huge session id
        return f"a number is too large for the store (at most {MAX_INTEGER})"
    # a str with lone surrogates: bytes that were not UTF-8, e.g. a learner name from a non-UTF-8 terminal
    return f"text that is not valid UTF-8 ({exc.reason})" if isinstance(exc, UnicodeError) else str(exc)


# --- records ------------------------------------------------------------------------------------


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

    @property
    def finished(self) -> bool:
        return self.ended is not None


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
    detail: dict[str, Any] | None  # the whole Turn.to_dict(), when written by schema 2

    @property
    def key(self) -> str:
        """The choice played in move notation (with its manner, when the turn recorded one)."""
        from ..notation import format_key

        stored = (self.detail or {}).get("choice_key")
        return stored if isinstance(stored, str) else format_key(self.move, self.target)


@dataclass(frozen=True)
class Progress:
    """One learner's record on one scenario; ``history`` is ``overall`` of each finished attempt."""

    scenario_id: str
    title: str
    attempts: int
    unfinished: int
    best: int | None
    latest: int | None
    history: tuple[int, ...]
    last_played: str

    @property
    def trend(self) -> int | None:
        """Latest overall minus the attempt before it; None with fewer than two attempts."""
        return self.history[-1] - self.history[-2] if len(self.history) >= 2 else None


@dataclass(frozen=True)
class Verdict:
    """What replaying one stored session against today's scenario file showed.

    ``status`` is one of ``ok`` (same file, same result), ``edited`` (the file changed but this
    session replays identically), ``differs`` (a reply, score, ending or count of random draws
    comes out differently), ``unplayable`` (a stored move is no longer legal where it was played,
    or the stored seed is damaged) or ``missing`` (the scenario cannot be loaded).
    """

    session_id: int
    scenario_id: str
    status: str
    detail: str
    turns: int = 0
    notes: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return self.status in ("ok", "edited")


# --- the store ----------------------------------------------------------------------------------


class Store:
    """A session store: ``Store(None)`` opens ``$PARLEY_DB`` or the default file.

    ``path`` may be a file path, a ``sqlite:///path`` URL or ``":memory:"``. ``durable=True`` asks
    SQLite to sync the disk on every commit (survives power loss, not only a killed process),
    at the cost of one fsync per turn. ``create=False`` refuses a file that does not exist yet
    (for reading: a mistyped path is an error, not a new empty store). Open one Store per process
    or thread: several processes may share a file, one connection may not be shared by threads
    writing at the same time.
    """

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        durable: bool = False,
        create: bool = True,
    ) -> None:
        self.path: Path | None = store_path(path)
        self.timeout = timeout
        self._con: sqlite3.Connection | None = None
        where = ":memory:" if self.path is None else str(self.path)
        if self.path is not None:
            if self.path.is_dir():
                raise StoreError(f"session store {self.path}: is a directory, not a database file")
            if self.path.exists() and not self.path.is_file():
                raise StoreError(f"session store {self.path}: is not a regular file (a device or a pipe?)")
            if not create and not self.path.exists():
                raise StoreError(f"session store {self.path}: no such file; nothing has been saved there (check --db or ${ENV_VAR})")
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except (OSError, ValueError) as exc:  # ValueError: a NUL in the path
                raise StoreError(f"session store {self.path}: cannot create its folder: {getattr(exc, 'strerror', None) or exc}") from exc
        with self._errors("opening"):
            con = sqlite3.connect(where, timeout=timeout, isolation_level=None, check_same_thread=False)
            self._con = con
            try:
                con.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
                if self.path is not None:
                    mode = con.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                    if str(mode).lower() != "wal":
                        raise StoreError(f"session store {self.path}: cannot switch to WAL mode (got {mode})")
                con.execute(f"PRAGMA synchronous = {'FULL' if durable else 'NORMAL'}")
                con.execute("PRAGMA foreign_keys = ON")
                self._upgrade()
            except BaseException:
                self.close()
                raise

    def __repr__(self) -> str:
        return f"Store({str(self.path) if self.path else ':memory:'!r})"

    # --- plumbing -----------------------------------------------------------------------------

    @property
    def con(self) -> sqlite3.Connection:
        if self._con is None:
            raise StoreError(f"{self!r} is closed")
        return self._con

    @contextlib.contextmanager
    def _errors(self, doing: str) -> Iterator[None]:
        try:
            yield
        except sqlite3.Error as exc:
            raise StoreError(self._explain(exc, doing)) from exc
        except (json.JSONDecodeError, OverflowError, UnicodeError) as exc:
            where = str(self.path) if self.path else ":memory:"
            raise StoreError(f"session store {where}: {doing}: {_explain_value(exc)}") from exc

    def _explain(self, exc: sqlite3.Error, doing: str) -> str:
        where = str(self.path) if self.path else ":memory:"
        text = str(exc)
        if "locked" in text or "busy" in text:
            reason = f"the database is locked by another process (waited {self.timeout:g} s); try again"
        elif "not a database" in text or "malformed" in text or "corrupt" in text:
            reason = f"the file is damaged or is not a Parley store ({text})"
        elif "readonly" in text or "read-only" in text:
            reason = f"the file is read-only ({text})"
        elif "unable to open" in text:
            reason = f"cannot open the file ({text})"
        else:
            reason = f"{exc.__class__.__name__}: {text}"
        return f"session store {where}: {doing}: {reason}"

    @contextlib.contextmanager
    def _write(self, doing: str) -> Iterator[sqlite3.Connection]:
        """One short write transaction; the write lock is taken up front so it never deadlocks."""
        con = self.con
        with self._errors(doing):
            con.execute("BEGIN IMMEDIATE")
            try:
                yield con
            except BaseException:
                if con.in_transaction:
                    con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")

    def _upgrade(self) -> None:
        con = self.con
        version = con.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"session store {self.path}: written by a newer Parley (schema {version}); "
                f"this Parley {__version__} reads schema {SCHEMA_VERSION} and older"
            )
        if version == SCHEMA_VERSION:
            return
        with self._write("upgrading the schema"):
            version = con.execute("PRAGMA user_version").fetchone()[0]  # another process may have won
            if version == 0:
                tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
                if tables:
                    raise StoreError(
                        f"session store {self.path}: not a Parley store (it holds tables {', '.join(sorted(tables))})"
                    )
            migrate(con)

    @property
    def schema_version(self) -> int:
        with self._errors("reading the schema version"):
            return int(self.con.execute("PRAGMA user_version").fetchone()[0])

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- learners -----------------------------------------------------------------------------

    def learner(self, name: str | None = None, *, display: str | None = None, cohort: str | None = None) -> int:
        """The id of learner ``name`` (default: the OS user), created if new; updates what is given."""
        name = name or default_learner()
        with self._write("saving a learner") as con:
            return self._learner_id(con, name, display, cohort)

    def _learner_id(self, con: sqlite3.Connection, name: str, display: str | None, cohort: str | None) -> int:
        row = con.execute("SELECT id FROM learners WHERE name = ?", (name,)).fetchone()
        if row is None:
            cur = con.execute(
                "INSERT INTO learners (name, display, created, cohort) VALUES (?, ?, ?, ?)",
                (name, display or name, utc_now(), cohort),
            )
            return int(cur.lastrowid or 0)
        if display is not None or cohort is not None:
            con.execute(
                "UPDATE learners SET display = coalesce(?, display), cohort = coalesce(?, cohort) WHERE id = ?",
                (display, cohort, row[0]),
            )
        return int(row[0])

    def learners(self, *, cohort: str | None = None) -> list[LearnerRecord]:
        sql = (
            "SELECT l.id, l.name, l.display, l.cohort, count(s.id) FROM learners l "
            "LEFT JOIN sessions s ON s.learner_id = l.id "
        )
        args: tuple[Any, ...] = ()
        if cohort is not None:
            sql += "WHERE l.cohort = ? "
            args = (cohort,)
        sql += "GROUP BY l.id ORDER BY l.name"
        with self._errors("reading learners"):
            return [LearnerRecord(*row) for row in self.con.execute(sql, args)]

    # --- recording ----------------------------------------------------------------------------

    def record(self, session: Session, *, learner: str | None = None, display: str | None = None) -> Recording:
        """Start keeping ``session``: its row is committed before this returns.

        Turns already played (a session recorded part-way) are committed with it.
        """
        scenario = session.scenario
        uid = uuid.uuid4().hex
        with self._write("starting a session") as con:
            learner_id = self._learner_id(con, learner or default_learner(), display, None)
            cur = con.execute(
                "INSERT INTO sessions (uid, learner_id, scenario_id, scenario_hash, scenario_path, title, engine, seed,"
                " started, scores, overall) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    uid,
                    learner_id,
                    scenario.id,
                    scenario.hash,
                    str(Path(scenario.path).resolve()),
                    scenario.title,
                    __version__,
                    session.seed,
                    utc_now(),
                    json.dumps(session.scores),
                    session.scores.get("overall"),
                ),
            )
            session_id = int(cur.lastrowid or 0)
        rec = Recording(self, session_id, session)
        for turn in session.transcript:
            rec.turn(turn)
        return rec

    def resume(self, session_id: int | None = None, *, learner: str | None = None, scenario: Scenario | None = None) -> Recording:
        """Replay a stored unfinished session into a live one and keep recording it.

        Without ``session_id``, the learner's most recent unfinished session. The scenario is
        loaded from where it was played (or by id) unless given; it must have the stored hash.
        """
        from ..session import Session

        if session_id is None:
            name = learner or default_learner()
            with self._errors("finding a session to resume"):
                row = self.con.execute(
                    "SELECT s.id FROM sessions s JOIN learners l ON l.id = s.learner_id "
                    "WHERE l.name = ? AND s.ended IS NULL ORDER BY s.started DESC, s.id DESC LIMIT 1",
                    (name,),
                ).fetchone()
            if row is None:
                raise StoreError(f"no unfinished session for learner {name!r} in {self.path or ':memory:'}")
            session_id = int(row[0])
        info = self.get(session_id)
        if info.finished:
            ending = f" (ending {info.ending})" if info.ending else ""
            raise StoreError(f"session {session_id} is finished{ending}; nothing to resume")
        scenario = scenario or self.scenario_of(info)
        if scenario.hash != info.scenario_hash:
            raise StoreError(
                f"session {session_id}: scenario {info.scenario_id!r} has changed since it was saved "
                f"(hash {info.scenario_hash[:12]} then, {scenario.hash[:12]} now), so it cannot resume "
                f"identically; `parley verify {session_id}` shows whether it still replays"
            )
        turns = self.turns(session_id)
        try:
            session = Session.restore(scenario, self.snapshot(session_id, turns=turns, info=info))
        except SnapshotError as exc:
            raise StoreError(f"session {session_id} cannot resume: {exc}; run `parley verify {session_id}`") from exc
        if turns and session.scores != turns[-1].scores:
            session.close()
            raise StoreError(f"session {session_id} does not replay to its stored scores; run `parley verify {session_id}`")
        return Recording(self, session_id, session)

    # --- reading ------------------------------------------------------------------------------

    _SESSION_SQL = (
        "SELECT s.id, s.uid, l.name, l.display, s.scenario_id, s.scenario_hash, s.scenario_path, s.title,"
        " s.engine, s.seed, s.started, s.ended, s.ending, s.scores,"
        " (SELECT count(*) FROM turns t WHERE t.session_id = s.id AND t.undone_at IS NULL)"
        " FROM sessions s JOIN learners l ON l.id = s.learner_id "
    )

    @staticmethod
    def _session(row: Sequence[Any]) -> SessionRecord:
        *head, scores, turns = row
        return SessionRecord(*head, scores=json.loads(scores) if scores else None, turns=turns)

    def get(self, session_id: int) -> SessionRecord:
        with self._errors(f"reading session {session_id}"):
            row = self.con.execute(self._SESSION_SQL + "WHERE s.id = ?", (int(session_id),)).fetchone()
            if row is None:
                raise StoreError(f"no session {session_id} in {self.path or ':memory:'}")
            return self._session(row)

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
        sql = self._SESSION_SQL + ("WHERE " + " AND ".join(where) + " " if where else "")
        sql += f"ORDER BY s.started {'DESC' if newest_first else 'ASC'}, s.id {'DESC' if newest_first else 'ASC'}"
        if limit is not None:
            if limit < 0:
                raise ValueError(f"limit must be 0 or more, not {limit}")
            sql += " LIMIT ?"
            args.append(min(int(limit), MAX_INTEGER))
        with self._errors("reading sessions"):
            return [self._session(row) for row in self.con.execute(sql, args)]

    _TURN_SQL = "SELECT id, session_id, number, move, target, reply, scores, delta, ending, draws, at, undone_at, detail FROM turns "

    def turns(self, session_id: int, *, undone: bool = False) -> list[TurnRecord]:
        """The session's live turns in order; with ``undone=True`` also the taken-back ones, in play order."""
        sql = self._TURN_SQL + "WHERE session_id = ?"
        sql += " ORDER BY id" if undone else " AND undone_at IS NULL ORDER BY number"
        with self._errors(f"reading the turns of session {session_id}"):
            rows = self.con.execute(sql, (int(session_id),)).fetchall()
            return [self._turn(r) for r in rows]

    def turns_of(self, session_ids: Iterable[int], *, undone: bool = False) -> dict[int, list[TurnRecord]]:
        """:meth:`turns` of many sessions in one query: ``{session id: turns}``, every id a key."""
        ids = [int(i) for i in session_ids]
        out: dict[int, list[TurnRecord]] = {i: [] for i in ids}
        if not ids:
            return out
        # the ids travel as one JSON array: no limit on SQL variables, one statement whatever the count
        sql = self._TURN_SQL + "WHERE session_id IN (SELECT value FROM json_each(?))"
        sql += " ORDER BY session_id, id" if undone else " AND undone_at IS NULL ORDER BY session_id, number"
        with self._errors(f"reading the turns of {len(ids)} sessions"):
            for r in self.con.execute(sql, (json.dumps(ids),)):
                t = self._turn(r)
                out[t.session_id].append(t)
        return out

    @staticmethod
    def _turn(r: Sequence[Any]) -> TurnRecord:
        return TurnRecord(
            *r[:6],
            scores=json.loads(r[6]),
            delta=json.loads(r[7]),
            ending=r[8],
            draws=r[9],
            at=r[10],
            undone_at=r[11],
            detail=json.loads(r[12]) if r[12] else None,
        )

    def snapshot(self, session_id: int, *, turns: list[TurnRecord] | None = None, info: SessionRecord | None = None) -> dict[str, Any]:
        """The stored session as a :meth:`Session.snapshot` (restore it with :meth:`Session.restore`)."""
        from ..snapshot import make_snapshot

        info = info or self.get(session_id)
        turns = self.turns(session_id) if turns is None else turns
        said = [(t.detail or {}).get("said") for t in turns]
        snapshot = make_snapshot(
            info.scenario_id, info.scenario_hash, info.seed, turns[-1].draws if turns else 0, [t.key for t in turns], said
        )
        snapshot["engine"] = info.engine  # the engine that played it, not this one
        return snapshot

    def progress(self, learner: str | None = None) -> list[Progress]:
        """Per scenario the learner played: attempts, best and latest ``overall``, and the history."""
        name = learner or default_learner()
        with self._errors("reading progress"):
            rows = self.con.execute(
                "SELECT s.scenario_id, s.title, s.ended, s.overall, s.started FROM sessions s "
                "WHERE s.learner_id = (SELECT id FROM learners WHERE name = ?) ORDER BY s.started, s.id",
                (name,),
            ).fetchall()
        by: dict[str, dict[str, Any]] = {}
        for scenario_id, title, ended, overall, started in rows:
            p = by.setdefault(scenario_id, {"title": title, "history": [], "unfinished": 0, "last": started})
            p["title"], p["last"] = title, started
            if ended is None:
                p["unfinished"] += 1
            elif overall is not None:
                p["history"].append(overall)
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
            )
            for sid, p in sorted(by.items())
        ]

    # --- verifying ------------------------------------------------------------------------------

    def scenario_of(self, info: SessionRecord) -> Scenario:
        """Load the scenario a session was played on: from its file if still there, else by id."""
        from ..loader import load_scenario

        if info.scenario_path and Path(info.scenario_path).is_file():
            return load_scenario(info.scenario_path)
        return load_scenario(info.scenario_id)

    def verify(self, session_id: int | None = None, *, scenario: Scenario | None = None) -> list[Verdict]:
        """Replay one stored session (or all of them) and compare every turn with what was stored."""
        infos = [self.get(session_id)] if session_id is not None else self.sessions()
        cache: dict[str, Scenario | SimulatorError] = {}
        verdicts = []
        for info in infos:
            loaded: Scenario | SimulatorError
            if scenario is not None:
                loaded = scenario
            else:
                key = f"{info.scenario_path}|{info.scenario_id}"
                if key not in cache:
                    try:
                        cache[key] = self.scenario_of(info)
                    except SimulatorError as exc:
                        cache[key] = exc
                loaded = cache[key]
            verdicts.append(self._verify_one(info, loaded))
        return verdicts

    def _verify_one(self, info: SessionRecord, scenario: Scenario | SimulatorError) -> Verdict:
        from ..errors import IllegalMove, InvalidSeed
        from ..session import Session

        def verdict(status: str, detail: str, turns: int = 0) -> Verdict:
            return Verdict(info.id, info.scenario_id, status, detail, turns, tuple(notes))

        notes = []
        if info.engine != __version__:
            notes.append(f"recorded by engine {info.engine}, replayed by {__version__}")
        if isinstance(scenario, SimulatorError):
            return verdict("missing", f"scenario {info.scenario_id!r} cannot be loaded: {scenario}")
        edited = scenario.hash != info.scenario_hash
        if edited:
            notes.append(f"scenario hash {info.scenario_hash[:12]} then, {scenario.hash[:12]} now")
        stored = self.turns(info.id)
        try:
            session = Session(scenario, info.seed)
        except InvalidSeed as exc:  # only a file edited by hand stores one: Store.record saves valid seeds
            return verdict("unplayable", f"the stored seed is damaged: {exc}")
        try:
            for t in stored:
                try:
                    got = session.play(t.key)
                except IllegalMove as exc:
                    return verdict("unplayable", f"turn {t.number} ({t.key}) is no longer legal: {exc}", t.number - 1)
                diff = _difference(t, got)
                if diff:
                    return verdict("differs", f"turn {t.number} ({t.key}): {diff}", t.number - 1)
            if info.finished and info.scores is not None and info.scores != session.scores:
                return verdict("differs", f"final scores: stored {_short(info.scores)}, replayed {_short(session.scores)}", len(stored))
            if info.finished and info.ending != (session.ending.id if session.ending else None):
                return verdict("differs", f"ending: stored {info.ending}, replayed {session.ending.id if session.ending else None}", len(stored))
        finally:
            session.close()
        if edited:
            return verdict("edited", f"the scenario file changed, but all {len(stored)} turns replay identically", len(stored))
        return verdict("ok", f"all {len(stored)} turns replay identically", len(stored))


def _short(scores: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in scores.items())


def _difference(stored: TurnRecord, got: Turn) -> str:
    dims = list(stored.scores) + [d for d in got.scores if d not in stored.scores]
    changed = [f"{d} {stored.scores.get(d)} stored, {got.scores.get(d)} replayed" for d in dims if stored.scores.get(d) != got.scores.get(d)]
    if changed:
        return "; ".join(changed)
    if stored.ending != got.ending:
        return f"ending {stored.ending} stored, {got.ending} replayed"
    if stored.reply != got.line:
        return f"the reply changed: stored {stored.reply!r}, replayed {got.line!r}"
    if stored.draws != got.draws:  # same scores by luck, but the dice were rolled differently
        return f"random draws {stored.draws} stored, {got.draws} replayed"
    return ""


# --- recording ----------------------------------------------------------------------------------


class Recording:
    """Keeps one live session in the store: call :meth:`turn` after each ``Session.play``."""

    def __init__(self, store: Store, session_id: int, session: Session) -> None:
        self.store = store
        self.session_id = session_id
        self.session = session

    def __repr__(self) -> str:
        return f"Recording(session_id={self.session_id}, store={self.store!r})"

    def play(self, move: str, to: str | None = None) -> Turn:
        """Play a move on the session and commit it: ``session.play`` + :meth:`turn`."""
        turn = self.session.play(move, to)
        self.turn(turn)
        return turn

    def turn(self, turn: Turn) -> None:
        """Commit one turn; it is on disk when this returns. An ending also closes the session row."""
        # The draw counter as it was right after this turn (set by Session.play), not the
        # session's counter now: a session recorded part-way commits its earlier turns here too.
        detail = turn.to_dict()
        now = utc_now()
        try:
            with self.store._write(f"saving turn {turn.number} of session {self.session_id}") as con:
                con.execute(
                    "INSERT INTO turns (session_id, number, move, target, reply, scores, delta, ending, draws, at, detail)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        self.session_id,
                        turn.number,
                        turn.move,
                        turn.target,
                        turn.line,
                        json.dumps(turn.scores),
                        json.dumps(turn.delta),
                        turn.ending,
                        turn.draws,
                        now,
                        json.dumps(detail),
                    ),
                )
                con.execute(
                    "UPDATE sessions SET scores = ?, overall = ?, ended = ?, ending = ? WHERE id = ?",
                    (
                        json.dumps(turn.scores),
                        turn.scores.get("overall"),
                        now if turn.ending else None,
                        turn.ending,
                        self.session_id,
                    ),
                )
        except StoreError as exc:
            if isinstance(exc.__cause__, sqlite3.IntegrityError):
                raise StoreError(
                    f"session {self.session_id}: turn {turn.number} is already recorded; "
                    "the session was continued somewhere else"
                ) from exc
            raise

    def undo(self) -> None:
        """Record that the last move was taken back (call after ``Session.undo``).

        The turn is kept, stamped ``undone_at``: the store loses nothing, and exports and
        ``parley show`` can still tell what was tried and taken back.
        """
        now = utc_now()
        with self.store._write(f"taking back a move of session {self.session_id}") as con:
            row = con.execute(
                "SELECT id FROM turns WHERE session_id = ? AND undone_at IS NULL ORDER BY number DESC LIMIT 1",
                (self.session_id,),
            ).fetchone()
            if row is None:
                return
            con.execute("UPDATE turns SET undone_at = ? WHERE id = ?", (now, row[0]))
            scores = self.session.scores
            con.execute(
                "UPDATE sessions SET ended = NULL, ending = NULL, scores = ?, overall = ? WHERE id = ?",
                (json.dumps(scores), scores.get("overall"), self.session_id),
            )

    def finish(self) -> None:
        """Mark the session ended with its ending and final scores.

        A session that is not over yet stays unfinished (and resumable): nothing is written.
        """
        session = self.session
        if not session.over:
            return
        scores = session.scores
        with self.store._write(f"finishing session {self.session_id}") as con:
            con.execute(
                "UPDATE sessions SET ended = coalesce(ended, ?), ending = ?, scores = ?, overall = ? WHERE id = ?",
                (utc_now(), session.ending.id if session.ending else None, json.dumps(scores), scores.get("overall"), self.session_id),
            )
