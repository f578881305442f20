"""Helpers shared by the store's tests (imported by name, not through conftest)."""

from __future__ import annotations

import itertools
import os
from urllib.parse import urlsplit

from simulator import Session
from simulator.store import Store

_names = itertools.count(1)


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() not in ("", "0", "false", "no")


def damage(store: Store, sql: str, *args: object) -> None:
    """Edit rows behind the store's back, as a person with a database tool could (``?`` placeholders)."""
    store.db.run(sql, args)


def play_to_end(store: Store, scenario, learner: str, line, seed: int):
    """Record a session of ``line`` then waits to its ending; returns (session id, session)."""
    s = Session(scenario, seed=seed)
    rec = store.record(s, learner=learner)
    for key in line:
        rec.turn(s.play(key))
    while not s.over:
        rec.turn(s.play("wait"))
    rec.finish()
    return rec.session_id, s


def started(store: Store, scenario, learner: str, seed: int, line=("wait",)):
    """Record a session with ``line`` played (stored, unfinished); returns its Recording."""
    s = Session(scenario, seed=seed)
    rec = store.record(s, learner=learner)
    for key in line:
        rec.turn(s.play(key))
    return rec


def admin(cluster, statement: str) -> None:
    """Run one statement as the test server's superuser, on a connection of its own (a test may
    have restarted the server since the last one).
    """
    import psycopg

    with psycopg.connect(cluster.url, autocommit=True) as con:
        con.execute(statement)


def new_pg_database(cluster) -> str:
    """A new, empty database on the test server; returns its URL."""
    import psycopg

    name = f"parley_test_{os.getpid()}_{next(_names)}"
    try:  # copying the template's files is 5x faster than WAL-logging them (PostgreSQL 15 on)
        admin(cluster, f"CREATE DATABASE {name} STRATEGY = FILE_COPY")
    except psycopg.errors.SyntaxError:  # an older server
        admin(cluster, f"CREATE DATABASE {name}")
    return cluster.url_for(name)


def drop_pg_database(cluster, url: str) -> None:
    admin(cluster, f"DROP DATABASE IF EXISTS {urlsplit(url).path.lstrip('/')} WITH (FORCE)")
