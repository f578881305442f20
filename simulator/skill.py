"""Skill apart from luck: what a learner's choices were worth, as a share of the best possible.

The solver rates each choice by its expected score (see :mod:`simulator.analysis.review`): the
``optimum`` is what the best play from the start is worth on average over every way chance can
go, and ``worth`` what the learner's own line was worth the same way. Neither depends on the
draws the session happened to get; the final score minus ``worth`` is what chance added or took.

The *skill* of a session is ``worth`` as a share of ``optimum``, 0-100: the figure progress and
trends follow (the raw ``overall`` mixes skill with luck). It is written once, here, and read by
the debrief's analysis and by the store. This module imports nothing, so the store can use it
without loading a scenario.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ANALYSIS_LIMIT", "Skill", "skill_share"]

# Moves are rated from at most this many explored situations (the bundled scenarios have
# ~2,500-31,000; each costs ~300 bytes). Past it the table is incomplete and its values are those
# of a part of the scenario, so nothing is rated rather than something rated wrongly.
ANALYSIS_LIMIT = 200_000


def skill_share(worth: float | None, optimum: float | None) -> int | None:
    """``worth`` as a whole-number share of ``optimum``, 0-100; None when there is no figure.

    Kept within 0-100: a line can be worth less than nothing against the optimum when chance
    first opened a better position than the start and the choices then threw it away (each
    choice is rated against the best *there*), and that reads as 0% of the possible, not less.
    An optimum of 0 or less leaves nothing to take a share of: None.
    """
    if worth is None or optimum is None or not optimum > 0:
        return None
    return round(100 * max(0.0, min(1.0, worth / optimum)))  # clamped first: a tiny optimum is no overflow


@dataclass(frozen=True)
class Skill:
    """An ended session's rating: what its choices were ``worth`` against the ``optimum``."""

    worth: float
    optimum: float

    @property
    def share(self) -> int | None:
        """:func:`skill_share`: the skill figure, 0-100."""
        return skill_share(self.worth, self.optimum)

    def chance(self, final: int) -> float:
        """What the draw added to (or took from) a ``final`` overall score."""
        return final - self.worth
