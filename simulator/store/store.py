"""The session store: one object that records, reads and verifies practice sessions.

``Store(path)`` keeps them in an embedded SQLite file (the default: nothing to install or run);
``Store("postgresql://user@host/db")`` on a PostgreSQL server that several machines share, with
the same API and the same guarantees: every turn committed as it is played, sessions that
resume, history, progress, course queries, exports and verification.

The work is split by job: :mod:`.location` (paths, URLs, learner names), :mod:`.database` and
:mod:`.postgres` (connections, transactions, errors, schema upgrades over :mod:`.schema`),
:mod:`.queries` (reading), :mod:`.recording` (writing sessions as they are played) and
:mod:`.verify` (replaying stored sessions). :class:`Store` puts the parts together.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Self

from .database import Database, SQLite
from .location import (
    ENV_VAR,
    Location,
    default_learner,
    default_path,
    display_name,
    learner_name,
    locate,
    store_path,
    utc_now,
)
from .queries import Queries
from .recording import Recorder, Recording, learner_row
from .records import LearnerRecord, Progress, SessionRecord, TurnRecord
from .verify import Verdict, Verifier

__all__ = [
    "DEFAULT_TIMEOUT",
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
    "open_database",
    "store_path",
    "utc_now",
]


def open_database(location: Location, *, timeout: float, durable: bool, create: bool) -> Database:
    """The backend for ``location``. PostgreSQL's driver is imported only here, only for a
    server (and the backend modules import only the base, never each other).
    """
    if location.kind == "postgresql":
        from .postgres import PostgreSQL

        return PostgreSQL(location, timeout=timeout)
    return SQLite(location, timeout=timeout, durable=durable, create=create)


DEFAULT_TIMEOUT = 10.0


class Store(Queries, Recorder, Verifier):
    """A session store: ``Store(None)`` opens ``$PARLEY_DB`` or the default file.

    ``path`` may be a file path, a ``sqlite:///path`` URL, ``":memory:"`` or a
    ``postgresql://user[:password]@host[:port]/database`` URL (needs ``parley[postgresql]``;
    prefer ``~/.pgpass`` or ``PGPASSWORD`` to a password in the URL; either way no message or
    ``repr`` shows it).

    ``timeout`` is how long a write waits for another writer's lock (and, on a server, for a
    connection) before a one-line :class:`~simulator.errors.StoreError`. ``durable=True`` asks
    SQLite to sync the disk on every commit (survives power loss, not only a killed process), at
    the cost of one fsync per turn; a PostgreSQL server always syncs its commits.
    ``create=False`` refuses a store where nothing was ever saved (for reading: a mistyped path
    is an error, not a new empty store). ``migrate`` upgrades an older schema: by default a
    SQLite file is upgraded when opened, a server's database only explicitly
    (``Store(url, migrate=True)`` or ``parley store migrate``), since several machines share it.
    A store written by a newer Parley is refused.

    Open one Store per process or thread: several processes may share a store, one connection
    may not be shared by threads writing at the same time.
    """

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        durable: bool = False,
        create: bool = True,
        migrate: bool | None = None,
    ) -> None:
        self.location: Location = locate(path)
        self.timeout = timeout
        self.db: Database = open_database(self.location, timeout=timeout, durable=durable, create=create)
        try:
            upgrade = self.location.kind == "sqlite" if migrate is None else migrate
            self.found_version = self.db.upgrade(create=create, migrate=upgrade)
        except BaseException:
            self.db.close()
            raise

    def __repr__(self) -> str:
        return f"Store({self.location.shown!r})"

    @property
    def path(self) -> Path | None:
        """The SQLite file (None in memory and on a server)."""
        return self.location.path

    @property
    def url(self) -> str:
        """Where the store is, safe to print (a password shows as ``***``)."""
        return self.location.shown

    @property
    def con(self) -> Any:
        """The underlying DB-API connection (sqlite3 or psycopg), for diagnostics."""
        return self.db.con

    @property
    def schema_version(self) -> int:
        return self.db.version()

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- learners -----------------------------------------------------------------------------------

    def learner(self, name: str | None = None, *, display: str | None = None, cohort: str | None = None) -> int:
        """The id of learner ``name`` (default: the OS user), created if new; updates what is given."""
        checked, shown = learner_name(name), display_name(display)
        with self.db.write("saving a learner"):
            return learner_row(self.db, checked, shown, cohort)
