"""A played session rated by the solver: what the choices were worth, apart from chance.

For each turn the solver knows the best value there (``V``) and the value of the choice made
(``Q``: its expected score with the best play afterwards). The points a choice gave up are
``V - Q``. Summed from the start's optimum, they leave what the learner's choices were worth on
average over every way chance could have gone; the final score minus that is what chance added
or took. A choice that gave up several points is a turning point even when nothing showed at
once (a decision that shut a door, a wait that let a chance pass).

The same rating, without the rest of the debrief, is what the store keeps of each finished
session (:func:`skill_of`, a :class:`~simulator.skill.Skill`), so progress follows skill.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from ..scoring import Debrief, TurningPoint, advice_for
from ..skill import ANALYSIS_LIMIT, Skill

if TYPE_CHECKING:
    from ..rules import Rules
    from ..scenario import Scenario
    from ..session import Session
    from .solver import Alternative, Review, Solver

__all__ = ["COSTLY", "rated_debrief", "rating_solver", "skill_of"]

# A choice that gives up this many points of expected score is a turning point.
COSTLY = 3.0


def rating_solver(scenario: Scenario, *, limit: int = ANALYSIS_LIMIT) -> Solver | None:
    """The solver that rates a scenario's moves, explored up to ``limit`` situations (built once
    per scenario content and shared: the debrief, the hints and the store ask for the same one);
    None when the scenario is larger (an incomplete table rates moves by a part of the scenario).
    """
    from .solver import solver_for

    solver = solver_for(scenario, limit=limit)
    return solver if solver.table.complete else None


def _costs(rows: Sequence[Alternative] | Sequence[Review]) -> dict[int, float]:
    """Per turn, the points of expected score the choice made gave up against the best there."""
    return {row["turn"]: max(0.0, row["best_value"] - row["played_value"]) for row in rows}


def _skill(rows: Sequence[Alternative] | Sequence[Review]) -> Skill:
    """The start's optimum, and what the choices left of it (the rows of a whole session)."""
    optimum = float(rows[0]["best_value"])
    return Skill(worth=optimum - sum(_costs(rows).values()), optimum=optimum)


def skill_of(session: Session, solver: Solver | None = None) -> Skill | None:
    """What an ended session's choices were worth against the best possible; None while it is
    not over, or when the analysis cannot rate it (a scenario too large, a situation its table
    does not hold, no move played). ``solver`` defaults to :func:`rating_solver`'s.
    """
    if not session.over or session.ending is None or not session.transcript:
        return None
    solver = solver if solver is not None else rating_solver(session.scenario)
    if solver is None:
        return None
    try:
        rows = solver.review(session.history, session.played)
    except KeyError:
        return None
    return _skill(rows) if rows else None


def rated_debrief(session: Session, rows: Sequence[Alternative]) -> Debrief:
    """The session's debrief with the solver's review ``rows`` (per turn: played, played_value,
    best, best_value) folded in: each turning point's cost, costly choices added as turning
    points, each phrasing note's better line, and, once the session has ended, what the choices
    were worth and what chance did. Without rows (moves not rated) the debrief is as it is.
    """
    debrief, transcript, rules = session.debrief(), session.transcript, session.rules
    if not rows:
        return debrief
    debrief = _with_better_lines(debrief, rows, rules)
    cost = _costs(rows)
    turns = {t.number: t for t in transcript}
    points = {p.turn: replace(p, cost=cost.get(p.turn)) for p in debrief.turning_points}
    for number, lost in cost.items():
        if lost >= COSTLY and number not in points and number in turns:
            t = turns[number]
            best = rules.by_key[next(row["best"] for row in rows if row["turn"] == number)]
            points[number] = TurningPoint(
                turn=number,
                move=t.move,
                target=t.target,
                label=t.label,
                delta={},
                why=f"Nothing showed at once, but this choice decided what followed: “{best.label}” kept more open.",
                advice=advice_for(session.scenario.spec, t.move, t.target),
                said=t.said,
                cost=lost,
            )
    rated = replace(debrief, turning_points=tuple(points[k] for k in sorted(points)))
    if debrief.ending is None:
        return rated
    skill = _skill(rows)
    return replace(rated, optimum=skill.optimum, worth=skill.worth, chance=skill.chance(debrief.scores["overall"]))


def _with_better_lines(debrief: Debrief, rows: Sequence[Alternative], rules: Rules) -> Debrief:
    """Each phrasing note with how the best move at its turn would be said (its first phrasing)."""
    if not debrief.phrasing_notes:
        return debrief
    best = {row["turn"]: rules.by_key.get(row["best"]) for row in rows}

    def better(turn: int) -> str | None:
        choice = best.get(turn)
        return choice.phrasings[0].text if choice is not None and choice.phrasings else None

    return replace(debrief, phrasing_notes=tuple(replace(n, better=better(n.turn)) for n in debrief.phrasing_notes))
