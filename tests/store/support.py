"""Helpers shared by the store's tests (imported by name, not through conftest)."""

from __future__ import annotations

import os

from simulator import Session
from simulator.store import Store


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
