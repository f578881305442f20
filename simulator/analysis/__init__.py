"""Scenario analysis on an exhaustively explored table: checks, solver, expectations, diagrams.

>>> import simulator
>>> from simulator.analysis import analyse, solver_for
>>> sc = simulator.load_scenario("declined-offer")
>>> analyse(sc).ok
True
>>> round(solver_for(sc).optimum) > 0
True

Everything here works on :func:`explore`'s table, built once per scenario content and shared.
``graph`` (diagrams) is imported on use: it is the only module that imports
``transitions.extensions``.
"""

from .checks import Diagnostic, Report, analyse, check_file
from .explore import Table, explore
from .solver import ARCHETYPES, Solver, solver_for

__all__ = ["ARCHETYPES", "Diagnostic", "Report", "Solver", "Table", "analyse", "check_file", "explore", "solver_for"]
