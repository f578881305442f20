"""Keep practice sessions: a SQLite file or a PostgreSQL server; resuming, progress, verification, exports.

>>> from simulator.store import Store                 # doctest: +SKIP
>>> store = Store("course.db")                        # doctest: +SKIP
>>> rec = store.record(session, learner="ana")        # doctest: +SKIP
>>> rec.turn(session.play("wait"))                    # doctest: +SKIP

Course code (:class:`Course` and its answers) is imported on first use (PEP 562): ``parley play``
needs only the store.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .location import NoStore
from .recording import UnsavedChanges
from .store import (
    LearnerRecord,
    Progress,
    Recording,
    SessionRecord,
    Store,
    TurnRecord,
    Verdict,
    default_path,
)

_LAZY = {"Course": "course", "MoveStats": "tally", "RelationshipLoss": "tally"}

__all__ = [
    "Course",
    "LearnerRecord",
    "MoveStats",
    "NoStore",
    "Progress",
    "Recording",
    "RelationshipLoss",
    "SessionRecord",
    "Store",
    "TurnRecord",
    "UnsavedChanges",
    "Verdict",
    "default_path",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'simulator.store' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


if TYPE_CHECKING:
    from .course import Course
    from .tally import MoveStats, RelationshipLoss
