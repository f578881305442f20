"""Named ways of playing that a scenario can make claims about (``expect: - policy: aggressive``).

``random`` picks uniformly among the legal moves; an archetype picks uniformly among the legal
moves it prefers, and uniformly among all legal moves when none of its preferred ones is there.
The analysis values each exactly (:mod:`simulator.analysis.solver`).
"""

from __future__ import annotations

__all__ = ["ARCHETYPES", "POLICIES"]

ARCHETYPES: dict[str, frozenset[str]] = {
    "aggressive": frozenset({"counter", "vent"}),
    "avoidant": frozenset({"wait"}),
    "appeaser": frozenset({"apologize", "accept"}),
    "bypasser": frozenset({"bypass"}),
}
POLICIES = ("random", *ARCHETYPES)
