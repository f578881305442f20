"""Course code: many learners, one store; play or record their sessions, ask what happened, export.

>>> course = Course("cohort.db", cohort="spring")                          # doctest: +SKIP
>>> course.run("ana", "declined-offer", ["decide_repair", "apologize:hr_rep"], seed=1)  # doctest: +SKIP
>>> course.moves("declined-offer")[0].key                                  # doctest: +SKIP
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import StoreError
from .store import Recording, SessionRecord, Store, TurnRecord
from .tally import MoveStats, RelationshipLoss, ScenarioSummary, Tally, loss_of

if TYPE_CHECKING:
    from ..scenario import Scenario
    from ..session import Session
    from .exports import XapiOptions

__all__ = ["Course", "MoveStats", "RelationshipLoss", "ScenarioSummary"]

Policy = Callable[["Session"], str]


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
        if rec.session_id is None:  # only a scenario that is over before any move gets here
            raise StoreError(f"scenario {sc.id!r} ended before {learner!r} played a move: nothing was stored")
        return self.store.get(rec.session_id)

    def sessions(
        self, *, learner: str | None = None, scenario: str | None = None, finished: bool | None = None
    ) -> list[SessionRecord]:
        return self.store.sessions(learner=learner, scenario=scenario, cohort=self.cohort, finished=finished)

    def _stream(
        self, *, scenario: str | None = None, finished: bool | None = None, undone: bool = False
    ) -> Iterator[tuple[SessionRecord, list[TurnRecord]]]:
        """The cohort's sessions with their turns, one session in memory at a time."""
        return self.store.session_turns(scenario=scenario, cohort=self.cohort, finished=finished, undone=undone)

    # --- questions ------------------------------------------------------------------------------

    def by_learner(self) -> dict[str, dict[str, Any]]:
        """Per learner: sessions, finished, mean and best ``overall`` of finished sessions."""
        tally = Tally()
        for s in self.store.iter_sessions(cohort=self.cohort):
            tally.add(s, ())
        return tally.by_learner()

    def by_scenario(self) -> list[ScenarioSummary]:
        tally = Tally()
        for s in self.store.iter_sessions(cohort=self.cohort):
            tally.add(s, ())
        return tally.by_scenario()

    def moves(self, scenario: str | None = None) -> list[MoveStats]:
        """Which moves learners choose, most chosen first (per scenario)."""
        tally = Tally()
        for s, turns in self._stream(scenario=scenario):
            tally.add(s, turns)
        return tally.moves()

    def relationship_losses(
        self, scenario: str | None = None, *, dimension: str = "relationship"
    ) -> list[RelationshipLoss]:
        """For each finished session, the turn at which the relationship was lost (see :class:`RelationshipLoss`)."""
        return [
            loss
            for s, turns in self._stream(scenario=scenario, finished=True)
            if (loss := loss_of(s, turns, dimension))
        ]

    def report(self) -> str:
        """A plain-text cohort report: per scenario, per learner, the most chosen moves, the losses.

        Two queries whatever the cohort's size (its learners, then its sessions with their turns
        as one stream), read in one consistent transaction; every section is tallied in one pass.
        """
        with self.store.db.reading("writing the cohort report"):
            learners = self.learners()
            tally = Tally()
            for s, turns in self._stream():
                tally.add(s, turns)
        return tally.report(self.cohort, len(learners))

    # --- exports: each streams, so a cohort of any size exports in bounded memory -----------------

    def export_jsonl(self, path: str | os.PathLike[str]) -> int:
        """One JSON object per session, with every turn (undone ones too); returns the count."""
        from .exports import write_jsonl

        return write_jsonl(Path(path), self._stream(undone=True))

    def export_csv(self, path: str | os.PathLike[str], *, table: str = "sessions") -> int:
        """``table="sessions"``: one row per session; ``"turns"``: one row per turn. Returns rows.

        Text that a spreadsheet would read as a formula (see :func:`.exports.csv_cell`) is
        written with a leading ``'``. The score columns are the dimensions the sessions' scores name.
        """
        from .exports import dimensions, write_csv

        if table not in ("sessions", "turns"):
            raise ValueError(f"table must be 'sessions' or 'turns', not {table!r}")
        with self.store.db.reading("exporting CSV"):  # both passes see the same store
            dims = dimensions(s.scores for s in self.store.iter_sessions(cohort=self.cohort))
            return write_csv(Path(path), self._stream(undone=True), dims, table=table)

    def _xapi_options(self) -> XapiOptions:
        from .exports import XapiOptions

        return XapiOptions(
            home_page=self.home_page,
            activity_base=self.activity_base,
            mbox_domain=self.mbox_domain,
            pass_mark=self.pass_mark,
            course=self.cohort,
        )

    def iter_xapi_statements(self) -> Iterator[dict[str, Any]]:
        """XAPI 1.0.3 statements, one session's at a time: one per session and one per live move."""
        from .exports import xapi_statements

        return xapi_statements(self._stream(), self._xapi_options())

    def xapi_statements(self) -> list[dict[str, Any]]:
        """:meth:`iter_xapi_statements` as a list, ready to POST to an LRS (for cohorts that fit in memory)."""
        return list(self.iter_xapi_statements())

    def export_xapi(self, path: str | os.PathLike[str]) -> int:
        """Write the statements as one JSON array, one statement per line; returns how many."""
        from .exports import write_json_array

        return write_json_array(Path(path), self.iter_xapi_statements())


def _wait_or_first(session: Session) -> str:
    legal = [m.key for m in session.moves()]
    return "wait" if "wait" in legal else legal[0]
