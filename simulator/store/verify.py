"""Stored sessions as replay certificates: :meth:`Verifier.verify` (the verifying part of Store).

A stored session is scenario hash + engine version + seed + moves. Verifying replays it against
the scenario file as it is now and says whether every stored reply, score and count of random
draws still comes out the same. Nothing replayed depends on the clock; the timestamps (UTC,
ISO-8601) are only records.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .._version import __version__
from ..errors import SimulatorError, StoreError
from .database import Database
from .location import Location
from .records import SessionRecord, TurnRecord

if TYPE_CHECKING:
    from ..scenario import Scenario
    from ..session import Session
    from ..skill import Skill
    from ..transcript import Turn

__all__ = ["Rated", "Verdict", "Verifier"]


@dataclass(frozen=True)
class Verdict:
    """What replaying one stored session against today's scenario file showed.

    ``status`` is one of ``ok`` (same file, same result), ``edited`` (the file changed but this
    session replays identically), ``differs`` (a reply, score, ending or count of random draws
    comes out differently), ``unplayable`` (a stored move is no longer legal where it was played,
    or the stored seed is out of range), ``missing`` (the scenario cannot be loaded) or
    ``damaged`` (the stored row itself cannot be read: see ``detail``).
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


@dataclass(frozen=True)
class Rated:
    """What :meth:`Verifier.rate_unrated` did: sessions given a skill figure, and those left
    without one, with why (session id -> reason).
    """

    rated: int
    left: dict[int, str]


class Verifier:
    """The verifying part of :class:`~simulator.store.Store`."""

    location: Location
    db: Database

    if TYPE_CHECKING:  # provided by the other parts of Store

        def get(self, session_id: int) -> SessionRecord: ...
        def turns(self, session_id: int, *, undone: bool = False) -> list[TurnRecord]: ...
        def session_turns(self, *, undone: bool = False) -> Iterator[tuple[SessionRecord, list[TurnRecord]]]: ...

    def scenario_of(self, info: SessionRecord) -> Scenario:
        """Load the scenario a session was played on: from its file if still there, else by id.

        The stored path is data: whatever loading it raises becomes a one-line StoreError.
        """
        from ..loader import load_scenario

        path = info.scenario_path
        try:
            if path and Path(path).is_file():
                return load_scenario(path)
            return load_scenario(info.scenario_id)
        except SimulatorError:
            raise
        except (OSError, ValueError, RuntimeError, RecursionError) as exc:  # a broken file the loader did not name
            where = path or info.scenario_id
            raise StoreError(
                f"session {info.id}: its scenario {where!r} cannot be loaded ({type(exc).__name__}: {exc})"
            ) from exc

    def verify(self, session_id: int | None = None, *, scenario: Scenario | None = None) -> list[Verdict]:
        """Replay one stored session (or all of them, read as a stream) and compare every turn with what was stored."""
        pairs: Iterable[tuple[SessionRecord, list[TurnRecord]]]
        if session_id is not None:
            info = self.get(session_id)
            pairs = [(info, self.turns(info.id))]
        else:
            pairs = self.session_turns()
        cache: dict[str, Scenario | SimulatorError] = {}
        verdicts = []
        for info, stored in pairs:
            loaded = scenario if scenario is not None else self._scenario_cached(info, cache)
            verdicts.append(_verify_one(info, stored, loaded))
        return verdicts

    def _scenario_cached(
        self, info: SessionRecord, cache: dict[str, Scenario | SimulatorError]
    ) -> Scenario | SimulatorError:
        """The scenario a session was played on, or why it cannot be loaded; each file once."""
        key = f"{info.scenario_path}|{info.scenario_id}"
        if key not in cache:
            try:
                cache[key] = self.scenario_of(info)
            except SimulatorError as exc:
                cache[key] = exc
        return cache[key]

    def rate_unrated(self) -> Rated:
        """Give each finished session with no skill figure (finished before schema 4) the one it
        would have been given, where that is exact: its scenario loads at the stored hash and the
        session replays identically (every reply, score, ending and draw as stored), so the
        rated line is the line played. Any other session keeps no figure: none is guessed.

        The sessions are read one at a time; each figure is written in its own short transaction.
        """
        from ..analysis.review import skill_of

        rows = self.db.rows(
            "SELECT id FROM sessions WHERE ended IS NOT NULL AND worth IS NULL ORDER BY id",
            doing="finding sessions with no skill figure",
        )
        rated, left = 0, {}
        cache: dict[str, Scenario | SimulatorError] = {}
        for (sid,) in rows:
            info = self.get(int(sid))
            scenario = self._scenario_cached(info, cache)
            if isinstance(scenario, SimulatorError):
                left[info.id] = f"its scenario cannot be loaded: {scenario}"
                continue
            if scenario.hash != info.scenario_hash:
                left[info.id] = "its scenario file has changed since it was played"
                continue
            why, skill = _rate_one(info, self.turns(info.id), scenario, skill_of)
            if skill is None:
                left[info.id] = why
                continue
            with self.db.write(f"rating session {info.id}"):
                self.db.run(
                    "UPDATE sessions SET worth = ?, optimum = ? WHERE id = ? AND worth IS NULL",
                    (skill.worth, skill.optimum, info.id),
                )
            rated += 1
        return Rated(rated, left)


def _rate_one(
    info: SessionRecord, stored: list[TurnRecord], scenario: Scenario, skill_of: Callable[[Session], Skill | None]
) -> tuple[str, Skill | None]:
    """The rating of a stored session replayed identically, or why there is none (the replay
    that verifies it is the session rated: it is played once).
    """
    verdict, session = _replayed(info, stored, scenario)
    if session is None:
        return f"it does not replay identically ({verdict.detail})", None
    with session:
        if verdict.status != "ok":
            return f"it does not replay identically ({verdict.detail})", None
        skill = skill_of(session)
    return ("the analysis cannot rate it" if skill is None else ""), skill


def _verify_one(info: SessionRecord, stored: list[TurnRecord], scenario: Scenario | SimulatorError) -> Verdict:
    verdict, session = _replayed(info, stored, scenario)
    if session is not None:
        session.close()
    return verdict


def _replayed(
    info: SessionRecord, stored: list[TurnRecord], scenario: Scenario | SimulatorError
) -> tuple[Verdict, Session | None]:
    """The verdict on a stored session, and the session that replayed it alike (still open:
    the caller closes it), or None when the replay could not be made or departed from the record.
    """
    from ..errors import InvalidSeed
    from ..session import Session

    def verdict(status: str, detail: str, turns: int = 0) -> Verdict:
        return Verdict(info.id, info.scenario_id, status, detail, turns, tuple(notes))

    notes = []
    if info.engine != __version__:
        notes.append(f"recorded by engine {info.engine}, replayed by {__version__}")
    damage = info.damage or next((t.damage for t in stored if t.damage), None)
    if damage:
        return verdict("damaged", f"the stored record is damaged: {damage}"), None
    if isinstance(scenario, SimulatorError):
        return verdict("missing", f"scenario {info.scenario_id!r} cannot be loaded: {scenario}"), None
    edited = scenario.hash != info.scenario_hash
    if edited:
        notes.append(f"scenario hash {info.scenario_hash[:12]} then, {scenario.hash[:12]} now")
    try:
        session = Session(scenario, info.seed)
    except InvalidSeed as exc:  # only a row edited by hand stores one: Store.record saves valid seeds
        return verdict("unplayable", f"the stored seed is damaged: {exc}"), None
    try:
        departure = _replay(session, info, stored)
    except BaseException:
        session.close()
        raise
    if departure is not None:
        session.close()
        return verdict(*departure), None
    if edited:
        detail = f"the scenario file changed, but all {len(stored)} turns replay identically"
        return verdict("edited", detail, len(stored)), session
    return verdict("ok", f"all {len(stored)} turns replay identically", len(stored)), session


def _replay(session: Session, info: SessionRecord, stored: list[TurnRecord]) -> tuple[str, str, int] | None:
    """Play the stored turns again in ``session``: the first way the replay departs from the
    record, as (status, detail, turns that replayed alike), or None when it does not.
    """
    from ..errors import IllegalMove

    for t in stored:
        try:
            got = session.play(t.key)
        except IllegalMove as exc:
            return "unplayable", f"turn {t.number} ({t.key}) is no longer legal: {exc}", t.number - 1
        diff = _difference(t, got)
        if diff:
            return "differs", f"turn {t.number} ({t.key}): {diff}", t.number - 1
    if info.finished and info.scores is not None and info.scores != session.scores:
        return "differs", f"final scores: stored {_short(info.scores)}, replayed {_short(session.scores)}", len(stored)
    replayed_ending = session.ending.id if session.ending else None
    if info.finished and info.ending != replayed_ending:
        return "differs", f"ending: stored {info.ending}, replayed {replayed_ending}", len(stored)
    return None


def _short(scores: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in scores.items())


def _difference(stored: TurnRecord, got: Turn) -> str:
    dims = list(stored.scores) + [d for d in got.scores if d not in stored.scores]
    changed = [
        f"{d} {stored.scores.get(d)} stored, {got.scores.get(d)} replayed"
        for d in dims
        if stored.scores.get(d) != got.scores.get(d)
    ]
    if changed:
        return "; ".join(changed)
    if stored.ending != got.ending:
        return f"ending {stored.ending} stored, {got.ending} replayed"
    if stored.reply != got.line:
        return f"the reply changed: stored {stored.reply!r}, replayed {got.line!r}"
    if stored.draws != got.draws:  # same scores by luck, but the dice were rolled differently
        return f"random draws {stored.draws} stored, {got.draws} replayed"
    return ""
