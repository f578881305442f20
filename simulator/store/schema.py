"""The store's tables, and the migrations that bring an older file up to date.

The schema version lives in SQLite's own ``PRAGMA user_version``: 0 is an empty file, and each
entry of :data:`MIGRATIONS` takes a file from version ``n`` to ``n + 1`` inside one transaction,
so a file is always at exactly one version, never half-way.

Version history::

    1  learners, sessions, turns keyed by (session, number); an undo deleted its turn
    2  undo keeps the turn and stamps it ``undone_at`` (the store loses nothing), so turns get
       their own id and a partial unique index over the live line; every turn keeps its full
       record (``detail``: the Turn as JSON) for ``parley show``; learners get a ``cohort``
       for course code; an ``overall`` column on sessions for quick progress queries
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "migrate"]

V1 = """
CREATE TABLE learners (
    id      INTEGER PRIMARY KEY,
    name    TEXT NOT NULL UNIQUE,
    display TEXT NOT NULL,
    created TEXT NOT NULL
);
CREATE TABLE sessions (
    id            INTEGER PRIMARY KEY,
    uid           TEXT NOT NULL UNIQUE,
    learner_id    INTEGER NOT NULL REFERENCES learners(id),
    scenario_id   TEXT NOT NULL,
    scenario_hash TEXT NOT NULL,
    scenario_path TEXT,
    title         TEXT NOT NULL,
    engine        TEXT NOT NULL,
    seed          INTEGER NOT NULL,
    started       TEXT NOT NULL,
    ended         TEXT,
    ending        TEXT,
    scores        TEXT
);
CREATE INDEX sessions_by_learner ON sessions(learner_id, started);
CREATE TABLE turns (
    session_id INTEGER NOT NULL REFERENCES sessions(id),
    number     INTEGER NOT NULL,
    move       TEXT NOT NULL,
    target     TEXT,
    reply      TEXT NOT NULL,
    scores     TEXT NOT NULL,
    delta      TEXT NOT NULL,
    ending     TEXT,
    draws      INTEGER NOT NULL,
    at         TEXT NOT NULL,
    PRIMARY KEY (session_id, number)
);
"""

# SQLite cannot drop a table constraint, so the turns table is rebuilt (create, copy, drop,
# rename: the procedure https://sqlite.org/lang_altertable.html describes).
V2 = """
CREATE TABLE turns_v2 (
    id         INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES sessions(id),
    number     INTEGER NOT NULL,
    move       TEXT NOT NULL,
    target     TEXT,
    reply      TEXT NOT NULL,
    scores     TEXT NOT NULL,
    delta      TEXT NOT NULL,
    ending     TEXT,
    draws      INTEGER NOT NULL,
    at         TEXT NOT NULL,
    undone_at  TEXT,
    detail     TEXT
);
INSERT INTO turns_v2 (session_id, number, move, target, reply, scores, delta, ending, draws, at)
    SELECT session_id, number, move, target, reply, scores, delta, ending, draws, at
    FROM turns ORDER BY session_id, number;
DROP TABLE turns;
ALTER TABLE turns_v2 RENAME TO turns;
CREATE UNIQUE INDEX turns_live ON turns(session_id, number) WHERE undone_at IS NULL;
CREATE INDEX turns_by_session ON turns(session_id, id);
ALTER TABLE learners ADD COLUMN cohort TEXT;
ALTER TABLE sessions ADD COLUMN overall INTEGER;
UPDATE sessions SET overall = json_extract(scores, '$.overall') WHERE scores IS NOT NULL;
"""


def _script(sql: str) -> Callable[[sqlite3.Connection], None]:
    def run(con: sqlite3.Connection) -> None:
        # one statement at a time: executescript() would COMMIT the surrounding transaction
        for statement in sql.split(";"):
            if statement.strip():
                con.execute(statement)

    return run


MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (_script(V1), _script(V2))
SCHEMA_VERSION = len(MIGRATIONS)


def migrate(con: sqlite3.Connection, *, target: int = SCHEMA_VERSION) -> int:
    """Bring ``con``'s file up to ``target``; returns the version found. The caller holds a write lock."""
    found = con.execute("PRAGMA user_version").fetchone()[0]
    for version in range(found, target):
        MIGRATIONS[version](con)
        con.execute(f"PRAGMA user_version = {version + 1}")
    return found
