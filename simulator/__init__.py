"""Parley: rehearse hard workplace conversations against scripted counterparts.

>>> import simulator
>>> sc = simulator.load_scenario("declined-offer")
>>> s = simulator.Session(sc, seed=7)
>>> turn = s.play("wait")
>>> sorted(s.scores) == sorted(["outcome", "relationship", "integrity", "overall"])
True

Names are imported on first use (PEP 562), so ``import simulator`` stays cheap for commands
such as ``parley list`` that never validate a file.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._version import __version__
from .errors import (
    AnalysisError,
    IllegalMove,
    IncompatibleVersion,
    InvalidArgument,
    InvalidSeed,
    ScenarioError,
    SimulatorError,
    SnapshotError,
    StoreError,
)

# public name -> the module that defines it
_LAZY = {
    "Choice": "rules",
    "Counterpart": "session",
    "Course": "store",
    "Debrief": "scoring",
    "EndingInfo": "transcript",
    "Move": "rules",
    "MoveRef": "notation",
    "Phrasing": "rules",
    "PhrasingNote": "coaching",
    "Reading": "reading",
    "Scenario": "scenario",
    "ScenarioInfo": "catalogue",
    "Session": "session",
    "Skill": "skill",
    "StateChange": "transcript",
    "Store": "store",
    "StoryAtEnd": "scoring",
    "Turn": "transcript",
    "TurningPoint": "scoring",
    "analyse": "analysis",
    "list_scenarios": "catalogue",
    "load_persona": "loader",
    "load_scenario": "loader",
}

__all__ = [
    "AnalysisError",
    "Choice",
    "Counterpart",
    "Course",
    "Debrief",
    "EndingInfo",
    "IllegalMove",
    "IncompatibleVersion",
    "InvalidArgument",
    "InvalidSeed",
    "Move",
    "MoveRef",
    "Phrasing",
    "PhrasingNote",
    "Reading",
    "Scenario",
    "ScenarioError",
    "ScenarioInfo",
    "Session",
    "SimulatorError",
    "Skill",
    "SnapshotError",
    "StateChange",
    "Store",
    "StoreError",
    "StoryAtEnd",
    "Turn",
    "TurningPoint",
    "__version__",
    "analyse",
    "list_scenarios",
    "load_persona",
    "load_scenario",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'simulator' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


if TYPE_CHECKING:
    from .analysis import analyse
    from .catalogue import ScenarioInfo, list_scenarios
    from .coaching import PhrasingNote
    from .loader import load_persona, load_scenario
    from .notation import MoveRef
    from .reading import Reading
    from .rules import Choice, Move, Phrasing
    from .scenario import Scenario
    from .scoring import Debrief, StoryAtEnd, TurningPoint
    from .session import Counterpart, Session
    from .skill import Skill
    from .store import Course, Store
    from .transcript import EndingInfo, StateChange, Turn
