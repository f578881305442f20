"""The store's tables and the migrations between their versions: one definition for both databases.

Each entry of :data:`MIGRATIONS` takes a store from version ``n`` to ``n + 1``. It is written once,
in the SQL that SQLite and PostgreSQL share, with a few ``{tokens}`` for what they spell
differently (:data:`TOKENS`): an auto-numbered id, a 64-bit integer, a 64-bit float, reading a number out of
JSON text. :func:`statements` expands them for one database. A migration runs inside one
transaction (both databases roll DDL back), so a store is always at exactly one version.

Where the version is kept is the database's business (:mod:`.database`): SQLite's own
``PRAGMA user_version``, so that an older Parley sees a newer file's number; a one-row table
``parley_schema`` on PostgreSQL.

Version history (never edit a shipped entry; add the next)::

    1  learners, sessions, turns keyed by (session, number); an undo deleted its turn
    2  undo keeps the turn and stamps it ``undone_at`` (the store loses nothing), so turns get
       their own id and a partial unique index over the live line; every turn keeps its full
       record (``detail``: the Turn as JSON) for ``parley show``; learners get a ``cohort``
       for course code; an ``overall`` column on sessions for quick progress queries
    3  PostgreSQL as well as SQLite; ``sessions.ending_title`` (history and show print the
       ending's title as it was when played); ``turns.move_key``, the move exactly as played
       (opaque: it may carry more than ``move:target``); ``turns.uid``, chosen by the recording
       before the turn is written, so that writing a turn (or taking one back) again after a
       lost commit answer finds the very row; ``sessions_by_learner`` also ordered by id (a
       learner's progress reads in index order, no sort); indexes for course queries by cohort
       and by scenario
    4  ``sessions.worth`` and ``sessions.optimum``: what the learner's choices were worth (the
       solver's expected score of the line played) and the best possible, written when the
       session finishes, so progress can follow skill apart from luck. NULL for sessions
       finished before (and for scenarios too large to rate): no figure is invented for them
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "TOKENS", "statements"]

V1 = """
CREATE TABLE learners (
    id      {id},
    name    TEXT NOT NULL UNIQUE,
    display TEXT NOT NULL,
    created TEXT NOT NULL
);
CREATE TABLE sessions (
    id            {id},
    uid           TEXT NOT NULL UNIQUE,
    learner_id    {int} NOT NULL REFERENCES learners(id),
    scenario_id   TEXT NOT NULL,
    scenario_hash TEXT NOT NULL,
    scenario_path TEXT,
    title         TEXT NOT NULL,
    engine        TEXT NOT NULL,
    seed          {int} NOT NULL,
    started       TEXT NOT NULL,
    ended         TEXT,
    ending        TEXT,
    scores        TEXT
);
CREATE INDEX sessions_by_learner ON sessions(learner_id, started);
CREATE TABLE turns (
    session_id {int} NOT NULL REFERENCES sessions(id),
    number     {int} NOT NULL,
    move       TEXT NOT NULL,
    target     TEXT,
    reply      TEXT NOT NULL,
    scores     TEXT NOT NULL,
    delta      TEXT NOT NULL,
    ending     TEXT,
    draws      {int} NOT NULL,
    at         TEXT NOT NULL,
    PRIMARY KEY (session_id, number)
);
"""

# A table constraint cannot be dropped in SQLite, so the turns table is rebuilt (create, copy,
# drop, rename: the procedure https://sqlite.org/lang_altertable.html describes); PostgreSQL
# runs the same steps.
V2 = """
CREATE TABLE turns_v2 (
    id         {id},
    session_id {int} NOT NULL REFERENCES sessions(id),
    number     {int} NOT NULL,
    move       TEXT NOT NULL,
    target     TEXT,
    reply      TEXT NOT NULL,
    scores     TEXT NOT NULL,
    delta      TEXT NOT NULL,
    ending     TEXT,
    draws      {int} NOT NULL,
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
ALTER TABLE sessions ADD COLUMN overall {int};
UPDATE sessions SET overall = {overall_of_scores} WHERE scores IS NOT NULL;
"""

V3 = """
ALTER TABLE sessions ADD COLUMN ending_title TEXT;
ALTER TABLE turns ADD COLUMN move_key TEXT;
ALTER TABLE turns ADD COLUMN uid TEXT;
CREATE UNIQUE INDEX turns_by_uid ON turns(uid);
DROP INDEX sessions_by_learner;
CREATE INDEX sessions_by_learner ON sessions(learner_id, started, id);
CREATE INDEX learners_by_cohort ON learners(cohort);
CREATE INDEX sessions_by_scenario ON sessions(scenario_id, started);
"""

V4 = """
ALTER TABLE sessions ADD COLUMN worth {real};
ALTER TABLE sessions ADD COLUMN optimum {real};
"""

MIGRATIONS: tuple[str, ...] = (V1, V2, V3, V4)
SCHEMA_VERSION = len(MIGRATIONS)

# What the two databases spell differently. SQLite's ``INTEGER PRIMARY KEY`` is the rowid (and
# must be spelled exactly so); its INTEGER is already 64 bits, PostgreSQL's is 32.
TOKENS: Mapping[str, Mapping[str, str]] = {
    "sqlite": {
        "id": "INTEGER PRIMARY KEY",
        "int": "INTEGER",
        "real": "REAL",
        "overall_of_scores": "json_extract(scores, '$.overall')",
    },
    "postgresql": {
        "id": "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
        "int": "BIGINT",
        "real": "DOUBLE PRECISION",
        "overall_of_scores": "CAST(CAST(scores AS json) ->> 'overall' AS BIGINT)",
    },
}


def statements(version: int, dialect: str) -> list[str]:
    """The statements that take a store of ``dialect`` from ``version`` to ``version + 1``."""
    sql = MIGRATIONS[version].format_map(TOKENS[dialect])
    # one statement at a time: sqlite3's executescript() would COMMIT the surrounding transaction
    return [s.strip() for s in sql.split(";") if s.strip()]
