"""Parley: rehearse hard workplace conversations against scripted counterparts.

>>> import simulator
>>> sc = simulator.load_scenario("declined-offer")
>>> s = simulator.Session(sc, seed=7)
>>> turn = s.play("wait")
>>> sorted(s.scores) == sorted(["outcome", "relationship", "integrity", "overall"])
True
"""

from ._version import __version__
from .errors import IllegalMove, IncompatibleVersion, ScenarioError, SimulatorError, SnapshotError, StoreError
from .loader import ScenarioInfo, list_scenarios, load_persona, load_scenario
from .rules import Move
from .scenario import Scenario
from .scoring import Debrief, StoryAtEnd, TurningPoint
from .session import Counterpart, Session
from .transcript import StateChange, Turn

__all__ = [
    "Counterpart",
    "Debrief",
    "IllegalMove",
    "IncompatibleVersion",
    "Move",
    "Scenario",
    "ScenarioError",
    "ScenarioInfo",
    "Session",
    "SimulatorError",
    "SnapshotError",
    "StateChange",
    "StoreError",
    "StoryAtEnd",
    "Turn",
    "TurningPoint",
    "__version__",
    "list_scenarios",
    "load_persona",
    "load_scenario",
]
