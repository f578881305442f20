"""Keep practice sessions: a SQLite store, resuming, progress, verification and course exports.

>>> from simulator.store import Store                 # doctest: +SKIP
>>> store = Store("course.db")                        # doctest: +SKIP
>>> rec = store.record(session, learner="ana")        # doctest: +SKIP
>>> rec.turn(session.play("wait"))                    # doctest: +SKIP
"""

from .course import Course, MoveStats, RelationshipLoss
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
    "Progress",
    "Recording",
    "RelationshipLoss",
    "SessionRecord",
    "Store",
    "TurnRecord",
    "Verdict",
    "default_path",
]
