"""Keep practice sessions: a SQLite file or a PostgreSQL server; resuming, progress, verification, exports.

>>> from simulator.store import Store                 # doctest: +SKIP
>>> store = Store("course.db")                        # doctest: +SKIP
>>> rec = store.record(session, learner="ana")        # doctest: +SKIP
>>> rec.turn(session.play("wait"))                    # doctest: +SKIP
"""

from .course import Course, MoveStats, RelationshipLoss
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
