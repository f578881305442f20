"""Proving a scenario's ``expect:`` claims over every line of play (see :mod:`simulator.claims`
for the language; claims are read and checked when the scenario loads).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from ..claims import Claim
from ..errors import AnalysisError
from ..notation import MoveRef
from .diagnostics import Diagnostic, locate
from .solver import Solver, starts_with

if TYPE_CHECKING:
    from ..scenario import Scenario

__all__ = ["evaluate", "line_bounds"]


def evaluate(scenario: Scenario, solver: Solver) -> tuple[list[dict[str, Any]], list[Diagnostic]]:
    """Prove every claim; results as data plus a located diagnostic for each that fails."""
    results: list[dict[str, Any]] = []
    diags: list[Diagnostic] = []
    for claim in scenario.claims:
        try:
            passed, message, witness = _PROVERS[claim.kind](scenario, solver, claim)
        except AnalysisError as exc:  # a line that is not legal where a move of it falls
            passed, message, witness = False, str(exc), None
        results.append(
            {
                "index": claim.index,
                "kind": claim.kind,
                "passed": passed,
                "message": message,
                "why": claim.why,
                "moves": witness,
            }
        )
        if not passed:
            text = message + (f" (why: {claim.why})" if claim.why else "")
            path: list[str | int] = ["expect", claim.index, claim.kind]
            diags.append(locate(scenario.document, path, "error", "expectation-failed", text, key=True, moves=witness))
    return results, diags


Proof = tuple[bool, str, list[str] | None]


def _reachable(scenario: Scenario, solver: Solver, claim: Claim) -> Proof:
    table = solver.table
    k = [e.id for e in scenario.spec.endings].index(str(claim.ending))
    node = next((n for n in range(table.size) if table.ending[n] == k), None)
    if claim.kind == "reachable":
        if node is None:
            return False, f"ending {claim.ending!r} is never reached", None
        return True, f"ending {claim.ending!r} is reached", table.path_to(node)
    if node is not None:
        return False, f"ending {claim.ending!r} is reached", table.path_to(node)
    return True, f"ending {claim.ending!r} is never reached", None


def _best_first_move(scenario: Scenario, solver: Solver, claim: Claim) -> Proof:
    rules = scenario.rules
    best = solver.best_moves(rules.initial)
    ok = any(claim.pattern[0].matches(rules.by_key[k]) for k in best)
    firsts = solver.first_moves
    shown = ", ".join(f"{k} {v:.2f}" for k, v in sorted(firsts.items(), key=lambda kv: -kv[1])[:4])
    return ok, f"best first move{'s' if len(best) > 1 else ''}: {', '.join(best)} (top: {shown})", None


def _best_line_starts(scenario: Scenario, solver: Solver, claim: Claim) -> Proof:
    keys = [step["key"] for step in solver.best_line]
    ok = starts_with([scenario.rules.by_key[k] for k in keys], [r.key for r in claim.pattern])
    return ok, f"the best line is {' '.join(keys)}", keys


def _optimum(scenario: Scenario, solver: Solver, claim: Claim) -> Proof:
    assert claim.bounds is not None
    return claim.bounds.holds(solver.optimum), f"optimum {solver.optimum:.2f} (expected {claim.bounds})", None


def _policy(scenario: Scenario, solver: Solver, claim: Claim) -> Proof:
    got = solver.policy(str(claim.policy))
    ok = True
    notes = [f"policy {claim.policy} expects {got:.2f}, the optimum {solver.optimum:.2f}"]
    if claim.below_optimum_by is not None:
        gap = solver.optimum - got
        ok = ok and claim.below_optimum_by.holds(gap)
        notes.append(f"gap {gap:.2f} (expected {claim.below_optimum_by})")
    if claim.bounds is not None:
        ok = ok and claim.bounds.holds(got)
        notes.append(f"expected {claim.bounds}")
    return ok, "; ".join(notes), None


def _line(scenario: Scenario, solver: Solver, claim: Claim) -> Proof:
    got = solver.line_scores(claim.line)
    ok = True
    notes = []
    for dim, bounds in claim.expected.items():
        ok = ok and bounds.holds(got[dim])
        notes.append(f"{dim} {got[dim]:.2f} (expected {bounds})")
    if claim.beats is not None:
        other = solver.line_scores(claim.beats)["overall"]
        margin = got["overall"] - other
        ok = ok and margin > 0 and claim.by.holds(margin)
        notes.append(f"overall {got['overall']:.2f} against {other:.2f}: margin {margin:.2f} (expected {claim.by})")
    return ok, f"line {' '.join(claim.line)}: " + "; ".join(notes), list(claim.line)


def _lines(scenario: Scenario, solver: Solver, claim: Claim) -> Proof:
    """Search the table for a complete line that plays the pattern (as a subsequence) and whose
    end satisfies (some_line) or violates (every_line) the claim.
    """
    table = solver.table
    pattern = claim.pattern
    cards, ids = table.final_scores()
    endings = [e.id for e in scenario.spec.endings]
    wanted_endings = set(claim.ends_in if claim.ends_in is not None else endings)

    def holds(node: int) -> bool:
        end = table.ending[node]
        if end < 0 and claim.ends_in is not None:
            return False
        if end >= 0 and endings[end] not in wanted_endings:
            return False
        card = cards[ids[node]]
        return all(bounds.holds(card[dim]) for dim, bounds in claim.ends_with.items())

    want = claim.kind == "some_line_playing"  # look for a line where the claim holds, or fails
    found, path, node = _search(solver, pattern, lambda node: holds(node) == want)
    claimed = _claimed(claim)
    what = f"lines playing {' then '.join(r.key for r in pattern) or 'anything'}"
    if not found:
        if want:
            return False, f"no line {what[6:]} {claimed}", None
        return True, f"every one of the {what} {claimed}", None
    end = table.ending[node]
    card = cards[ids[node]]
    ending = endings[end] if end >= 0 else "no ending"
    shown = ", ".join(f"{d} {card[d]}" for d in (claim.ends_with or ("overall",)))
    if want:
        return True, f"a line {what[6:]} {claimed}: it ends in {ending} with {shown}", path
    return False, f"not every one of the {what} {claimed}: this one ends in {ending} with {shown}", path


def _search(solver: Solver, pattern: Sequence[MoveRef], accept: Callable[[int], bool]) -> tuple[bool, list[str], int]:
    """A complete line that plays ``pattern`` as a subsequence and whose last node ``accept``
    takes: (found, its moves, its last node).
    """
    table = solver.table
    choices = table.rules.choices
    entries, edge_entry = table.entries, table.edge_entry
    length = len(pattern)
    memo: dict[tuple[int, int], bool] = {}
    choice_at: dict[tuple[int, int], tuple[int, int, int]] = {}

    def search(node: int, k: int) -> bool:
        state = (node, k)
        if state in memo:
            return memo[state]
        found = False
        if table.terminal(node):
            found = k == length and bool(accept(node))
        else:
            for e in table.edges(node):
                played = choices[entries[edge_entry[e]].choice]
                k2 = k + 1 if k < length and pattern[k].matches(played) else k
                for nxt in table.next_nodes(e):
                    if search(nxt, k2):
                        choice_at[state] = (nxt, k2, e)
                        found = True
                        break
                if found:
                    break
        memo[state] = found
        return found

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 4 * table.rules.turn_limit + 200))
    try:
        found = search(0, 0)
    finally:
        sys.setrecursionlimit(limit)
    node, k = 0, 0
    path = []
    while (node, k) in choice_at:
        node, k, e = choice_at[(node, k)]
        path.append(table.choice_of(e).key)
    return found, path, node


def _claimed(claim: Claim) -> str:
    parts = []
    if claim.ends_in is not None:
        parts.append(f"ends in {' or '.join(claim.ends_in)}")
    for dim, bounds in claim.ends_with.items():
        parts.append(f"ends with {dim} {bounds}")
    return " and ".join(parts)


_PROVERS = {
    "reachable": _reachable,
    "unreachable": _reachable,
    "best_first_move": _best_first_move,
    "best_line_starts": _best_line_starts,
    "optimum": _optimum,
    "policy": _policy,
    "every_line_playing": _lines,
    "some_line_playing": _lines,
    "line": _line,
}


def line_bounds(solver: Solver, pattern: Sequence[str], dimension: str = "overall") -> tuple[int, int] | None:
    """The lowest and highest final ``dimension`` over every complete line that plays
    ``pattern`` (moves as patterns, as a subsequence): the bounds an ``every_line_playing``
    claim can state. None when no line plays the pattern.
    """
    table = solver.table
    cards, ids = table.final_scores()
    refs = [MoveRef.parse(p) for p in pattern]
    length = len(refs)
    memo: dict[tuple[int, int], tuple[int, int] | None] = {}

    def walk(node: int, k: int) -> tuple[int, int] | None:
        state = (node, k)
        if state in memo:
            return memo[state]
        result: tuple[int, int] | None = None
        if table.terminal(node):
            if k == length:
                v = cards[ids[node]][dimension]
                result = (v, v)
        else:
            for e in table.edges(node):
                k2 = k + 1 if k < length and refs[k].matches(table.choice_of(e)) else k
                for nxt in table.next_nodes(e):
                    r = walk(nxt, k2)
                    if r is not None:
                        result = r if result is None else (min(result[0], r[0]), max(result[1], r[1]))
        memo[state] = result
        return result

    return walk(0, 0)
