"""Replay live sessions against the exhaustive table, step by step.

The table is built from :func:`simulator.step.branches` and footprint memos; a session carries out
each reply through the personas' ``transitions`` machines. They must agree on every step: the same
legal moves, a next situation that is one of the table's chance results for that move, the same
ending and the same scores.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..scenario import Scenario

__all__ = ["compare_line", "replay_sessions"]


def compare_line(
    scenario: Scenario, seed: int, keys: Sequence[str] | None = None, *, chooser: random.Random | None = None
) -> tuple[str, list[str]] | None:
    """Play ``keys`` (or, when None, moves drawn by ``chooser`` until an ending) in a live session
    with ``seed``, checking each step against the table. Returns None, or (problem, moves so far).
    """
    from ..analysis.explore import explore
    from ..session import Session

    table = explore(scenario)
    rubric = scenario.rubric
    played: list[str] = []
    chooser = chooser or random.Random(seed)
    with Session(scenario, seed=seed) as session:
        try:
            node = table.node(session.situation)
        except KeyError:
            return "the start is not in the table", played
        step = 0
        while not session.over:
            live = [c.key for c in session.choices()]
            listed = [table.choice_of(e).key for e in table.edges(node)]
            if live != listed:
                return f"legal moves differ: session {live}, table {listed}", played
            if keys is not None:
                if step >= len(keys):
                    break
                key = keys[step]
            else:
                if not live:
                    break
                key = chooser.choice(live)
            step += 1
            edge = next(e for e in table.edges(node) if table.choice_of(e).key == key)
            turn = session.play(key)
            played.append(key)
            after = session.situation
            try:
                nxt = table.node(after)
            except KeyError:
                return f"the session reached a situation the table does not have: {after}", played
            if nxt not in [j for _, _, j in table.branches(edge)]:
                return f"{key} led to {after}, not one of the table's results for it", played
            if table.ending[nxt] != after[-1]:
                return f"endings differ: session {after[-1]}, table {table.ending[nxt]}", played
            if turn.scores != rubric.score(after):
                return "scores differ from the rubric's", played
            node = nxt
    return None


def replay_sessions(scenario: Scenario, seeds: Iterable[int]) -> tuple[str, list[str]] | None:
    """Random live sessions, one per seed, compared with the table; the first problem or None."""
    for seed in seeds:
        problem = compare_line(scenario, seed, chooser=random.Random(seed))
        if problem is not None:
            return f"seed {seed}: {problem[0]}", problem[1]
    return None
