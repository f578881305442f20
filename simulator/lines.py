"""Play a named line of moves (the source's recommended line, an anti-pattern) and average it.

A *line* is a list of moves in ``move`` or ``move:target`` notation, as scenario files write
``recommended`` and ``anti_patterns``. A line that stops before an ending is finished by waiting
(the learner does nothing more), so every line is judged on final scores.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .errors import IllegalMove
from .scenario import Scenario
from .session import Session

__all__ = ["LineResult", "compare_lines", "play_line"]


def play_line(scenario: Scenario, line: Sequence[str], seed: int) -> Session:
    """Play ``line`` from the start with ``seed``, then wait until an ending.

    Moves of the line that come after an ending are not played. Raises :class:`IllegalMove` when
    a move of the line is not legal where it falls, or when the line stops where waiting is not
    possible.
    """
    session = Session(scenario, seed)
    for move in line:
        if session.over:
            break
        session.play(move)
    while not session.over:
        legal = [m.key for m in session.moves()]
        if "wait" not in legal:
            raise IllegalMove("wait", None, "the line ends where waiting is not possible; extend the line", legal)
        session.play("wait")
    return session


@dataclass(frozen=True)
class LineResult:
    name: str
    line: tuple[str, ...]
    runs: int
    mean: dict[str, float]
    endings: dict[str, int]


def compare_lines(scenario: Scenario, lines: dict[str, Sequence[str]], seeds: Iterable[int]) -> list[LineResult]:
    """Mean final scores and ending counts of each named line over the same seeds."""
    seeds = list(seeds)
    results = []
    for name, line in lines.items():
        totals: dict[str, float] = {}
        endings: dict[str, int] = {}
        for seed in seeds:
            session = play_line(scenario, line, seed)
            for dim, value in session.scores.items():
                totals[dim] = totals.get(dim, 0) + value
            ending = session.ending.id if session.ending else "none"
            endings[ending] = endings.get(ending, 0) + 1
        results.append(
            LineResult(
                name=name,
                line=tuple(line),
                runs=len(seeds),
                mean={dim: total / len(seeds) for dim, total in totals.items()},
                endings=dict(sorted(endings.items())),
            )
        )
    return results
