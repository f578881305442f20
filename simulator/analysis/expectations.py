"""The ``expect:`` language: what a scenario's author claims, proved over every line of play.

Each entry is a mapping with one *kind* key, its options, and an optional ``why`` (the advice it
encodes, shown when the claim fails)::

    expect:
      - reachable: job_back                      # some line of play reaches this ending
      - unreachable: withdrew                    # no line does
      - best_first_move: decide_repair           # an optimal first move (``move`` or ``move:target``)
      - best_line_starts: [decide_repair, apologize]   # the most likely optimal line starts so
      - optimum: {at_least: 60}                  # expected overall under optimal play
      - policy: aggressive                       # random, aggressive, avoidant, appeaser, bypasser
        below_optimum_by: {at_least: 20}         # and/or  expected: {at_most: 40}
      - every_line_playing: [vent, apologize]    # every line with these moves in this order
        ends_with: {relationship: {at_most: 40}} # final scores; and/or  ends_in: [burned]
      - some_line_playing: [decide_repair]       # at least one such line
        ends_in: [job_back]
      - line: recommended                        # a named line (recommended or an anti-pattern)
        expected: {overall: {at_least: 50}}      # or a list of moves; finished by waiting
      - line: recommended
        beats: venting                           # another named line or a list of moves
        by: {at_least: 5}

A move in a pattern or line is ``move`` (any target) or ``move:target``. Bounds are mappings with
``at_least`` and/or ``at_most``. "Every line" means every complete playthrough, over every move
and every chance result that can happen, so a claim that passes holds for all learners.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .checks import Diagnostic, _at
from .solver import EPSILON, POLICIES, Solver, matches

if TYPE_CHECKING:
    from ..scenario import Scenario

__all__ = ["KINDS", "evaluate", "line_bounds", "validate"]

KINDS = (
    "reachable",
    "unreachable",
    "best_first_move",
    "best_line_starts",
    "optimum",
    "policy",
    "every_line_playing",
    "some_line_playing",
    "line",
)
OPTIONS = {
    "reachable": set(),
    "unreachable": set(),
    "best_first_move": set(),
    "best_line_starts": set(),
    "optimum": set(),
    "policy": {"below_optimum_by", "expected"},
    "every_line_playing": {"ends_with", "ends_in"},
    "some_line_playing": {"ends_with", "ends_in"},
    "line": {"expected", "beats", "by"},
}


class Invalid(Exception):
    def __init__(self, path: Sequence[str | int], reason: str, *, key: bool = False) -> None:
        super().__init__(reason)
        self.path = list(path)
        self.reason = reason
        self.key = key


def validate(scenario: Scenario, index: int, entry: Any) -> str:
    """Check one entry's shape and names; return its kind. Raises :class:`Invalid` with a path
    relative to the entry."""
    spec, rules = scenario.spec, scenario.rules
    if not isinstance(entry, dict):
        raise Invalid([], f"an expectation is a mapping with one of the keys {', '.join(KINDS)}")
    kinds = [k for k in entry if k in KINDS]
    if len(kinds) != 1:
        found = f"found {', '.join(kinds)}" if kinds else "found none"
        raise Invalid([], f"an expectation needs exactly one of the keys {', '.join(KINDS)}; {found}")
    kind = kinds[0]
    allowed = OPTIONS[kind] | {kind, "why"}
    for key in entry:
        if key not in allowed:
            raise Invalid(
                [key],
                f"unknown key {key!r} for a {kind!r} expectation; allowed keys: {', '.join(sorted(allowed))}",
                key=True,
            )
    if "why" in entry and not isinstance(entry["why"], str):
        raise Invalid(["why"], "'why' is text: the advice this expectation encodes")
    endings = [e.id for e in spec.endings]
    keys = [m.key for m in rules.moves]
    ids = sorted({m.id for m in rules.moves})
    dims = list(scenario.rubric.dimensions)
    value = entry[kind]

    def ending(v: Any, path: list[str | int]) -> None:
        if v not in endings:
            raise Invalid(path, f"unknown ending {v!r}; endings: {', '.join(endings)}")

    def move(v: Any, path: list[str | int]) -> None:
        if not isinstance(v, str) or (v not in keys and v not in ids):
            raise Invalid(path, f"unknown move {v!r}; moves: {', '.join(keys)} (or a move id alone for any target)")

    def moves(v: Any, path: list[str | int], *, empty: bool = False) -> None:
        if not isinstance(v, list) or (not v and not empty):
            raise Invalid(path, "give a list of moves, like [decide_repair, 'apologize:hr_rep']")
        for n, m in enumerate(v):
            move(m, [*path, n])

    def line(v: Any, path: list[str | int]) -> None:
        if isinstance(v, str):
            names = ["recommended", *spec.anti_patterns]
            if v not in names:
                raise Invalid(path, f"unknown line {v!r}; named lines: {', '.join(names)} (or a list of moves)")
            if v == "recommended" and not spec.recommended:
                raise Invalid(path, "the scenario has no 'recommended' line")
        else:
            moves(v, path)

    def bounds(v: Any, path: list[str | int]) -> None:
        if not isinstance(v, dict) or not v or set(v) - {"at_least", "at_most"}:
            raise Invalid(path, "bounds are a mapping with at_least and/or at_most, like {at_least: 60}")
        for k, b in v.items():
            if not isinstance(b, int | float) or isinstance(b, bool):
                raise Invalid([*path, k], f"{k} takes a number, not {b!r}")

    def scores(v: Any, path: list[str | int]) -> None:
        if not isinstance(v, dict) or not v:
            raise Invalid(
                path,
                f"give score dimensions with bounds, like {{relationship: {{at_most: 40}}}}; dimensions: {', '.join(dims)}",
            )
        for dim, b in v.items():
            if dim not in dims:
                raise Invalid([*path, dim], f"unknown score dimension {dim!r}; dimensions: {', '.join(dims)}", key=True)
            bounds(b, [*path, dim])

    if kind in ("reachable", "unreachable"):
        ending(value, [kind])
    elif kind == "best_first_move":
        move(value, [kind])
    elif kind == "best_line_starts":
        moves(value, [kind])
    elif kind == "optimum":
        bounds(value, [kind])
    elif kind == "policy":
        if value not in POLICIES:
            raise Invalid([kind], f"unknown policy {value!r}; policies: {', '.join(POLICIES)}")
        if not {"below_optimum_by", "expected"} & set(entry):
            raise Invalid([], "a policy expectation needs below_optimum_by or expected")
        if "below_optimum_by" in entry:
            bounds(entry["below_optimum_by"], ["below_optimum_by"])
        if "expected" in entry:
            bounds(entry["expected"], ["expected"])
    elif kind in ("every_line_playing", "some_line_playing"):
        moves(value, [kind], empty=True)
        if not {"ends_with", "ends_in"} & set(entry):
            raise Invalid([], f"a {kind} expectation needs ends_with and/or ends_in")
        if "ends_with" in entry:
            scores(entry["ends_with"], ["ends_with"])
        if "ends_in" in entry:
            if not isinstance(entry["ends_in"], list) or not entry["ends_in"]:
                raise Invalid(["ends_in"], f"give a list of endings; endings: {', '.join(endings)}")
            for n, e in enumerate(entry["ends_in"]):
                ending(e, ["ends_in", n])
    else:  # line
        line(value, [kind])
        if not {"expected", "beats"} & set(entry):
            raise Invalid([], "a line expectation needs expected, or beats with by")
        if "expected" in entry:
            scores(entry["expected"], ["expected"])
        if "beats" in entry:
            line(entry["beats"], ["beats"])
            if "by" in entry:
                bounds(entry["by"], ["by"])
        elif "by" in entry:
            raise Invalid(["by"], "'by' goes with 'beats'", key=True)
    return kind


def _within(value: float, b: dict[str, float]) -> bool:
    return (b.get("at_least") is None or value >= b["at_least"] - EPSILON) and (
        b.get("at_most") is None or value <= b["at_most"] + EPSILON
    )


def _show(b: dict[str, float]) -> str:
    parts = []
    if "at_least" in b:
        parts.append(f"at least {b['at_least']}")
    if "at_most" in b:
        parts.append(f"at most {b['at_most']}")
    return " and ".join(parts)


def _line(scenario: Scenario, v: Any) -> list[str]:
    if isinstance(v, str):
        return list(scenario.spec.recommended if v == "recommended" else scenario.spec.anti_patterns[v])
    return list(v)


def evaluate(scenario: Scenario, solver: Solver) -> tuple[list[dict[str, Any]], list[Diagnostic]]:
    """Check every ``expect:`` entry; results as data plus diagnostics for the failures."""
    doc = scenario.document
    results: list[dict[str, Any]] = []
    diags: list[Diagnostic] = []
    for i, entry in enumerate(scenario.spec.expect):
        try:
            kind = validate(scenario, i, entry)
        except Invalid as exc:
            diags.append(_at(doc, ["expect", i, *exc.path], "error", "expectation-invalid", exc.reason, key=exc.key))
            results.append({"index": i, "kind": None, "passed": False, "message": exc.reason})
            continue
        try:
            passed, message, witness = _prove(scenario, solver, kind, entry)
        except ValueError as exc:  # a named line that is not legal where it falls
            passed, message, witness = False, str(exc), None
        why = entry.get("why")
        results.append({"index": i, "kind": kind, "passed": passed, "message": message, "why": why, "moves": witness})
        if not passed:
            text = message + (f" (why: {why})" if why else "")
            diags.append(_at(doc, ["expect", i, kind], "error", "expectation-failed", text, key=True, moves=witness))
    return results, diags


def _prove(scenario: Scenario, solver: Solver, kind: str, entry: dict[str, Any]) -> tuple[bool, str, list[str] | None]:
    table = solver.table
    spec = scenario.spec
    value = entry[kind]
    if kind in ("reachable", "unreachable"):
        k = [e.id for e in spec.endings].index(value)
        node = next((n for n in range(table.size) if table.ending[n] == k), None)
        if kind == "reachable":
            if node is None:
                return False, f"ending {value!r} is never reached", None
            return True, f"ending {value!r} is reached", table.path_to(node)
        if node is not None:
            return False, f"ending {value!r} is reached", table.path_to(node)
        return True, f"ending {value!r} is never reached", None
    if kind == "best_first_move":
        best = solver.best_moves(scenario.rules.initial)
        ok = any(matches(k, value) for k in best)
        firsts = solver.first_moves
        shown = ", ".join(f"{k} {v:.2f}" for k, v in sorted(firsts.items(), key=lambda kv: -kv[1])[:4])
        return ok, f"best first move{'s' if len(best) > 1 else ''}: {', '.join(best)} (top: {shown})", None
    if kind == "best_line_starts":
        keys = [step["key"] for step in solver.best_line]
        ok = len(keys) >= len(value) and all(matches(k, p) for k, p in zip(keys, value, strict=False))
        return ok, f"the best line is {' '.join(keys)}", keys
    if kind == "optimum":
        ok = _within(solver.optimum, value)
        return ok, f"optimum {solver.optimum:.2f} (expected {_show(value)})", None
    if kind == "policy":
        got = solver.policy(value)
        ok = True
        notes = [f"policy {value} expects {got:.2f}, the optimum {solver.optimum:.2f}"]
        if "below_optimum_by" in entry:
            gap = solver.optimum - got
            ok = ok and _within(gap, entry["below_optimum_by"])
            notes.append(f"gap {gap:.2f} (expected {_show(entry['below_optimum_by'])})")
        if "expected" in entry:
            ok = ok and _within(got, entry["expected"])
            notes.append(f"expected {_show(entry['expected'])}")
        return ok, "; ".join(notes), None
    if kind in ("every_line_playing", "some_line_playing"):
        return _lines(scenario, solver, kind, entry)
    # line
    line = _line(scenario, value)
    got = solver.line_scores(line)
    ok = True
    notes = []
    if "expected" in entry:
        for dim, b in entry["expected"].items():
            ok = ok and _within(got[dim], b)
            notes.append(f"{dim} {got[dim]:.2f} (expected {_show(b)})")
    if "beats" in entry:
        other = solver.line_scores(_line(scenario, entry["beats"]))["overall"]
        margin = got["overall"] - other
        need = entry.get("by", {"at_least": 0})
        ok = ok and margin > 0 and _within(margin, need)
        notes.append(f"overall {got['overall']:.2f} against {other:.2f}: margin {margin:.2f} (expected {_show(need)})")
    return ok, f"line {' '.join(line)}: " + "; ".join(notes), line


def _lines(scenario: Scenario, solver: Solver, kind: str, entry: dict[str, Any]) -> tuple[bool, str, list[str] | None]:
    """Search the table for a complete line that plays the pattern (as a subsequence) and whose
    end satisfies (some_line) or violates (every_line) the claim."""
    table = solver.table
    pattern: list[str] = entry[kind]
    cards, ids = table.final_scores()
    endings = [e.id for e in scenario.spec.endings]
    wanted_endings = set(entry.get("ends_in", endings))
    score_bounds: dict[str, dict[str, float]] = entry.get("ends_with", {})

    def holds(node: int) -> bool:
        end = table.ending[node]
        if end < 0 and "ends_in" in entry:
            return False
        if end >= 0 and endings[end] not in wanted_endings:
            return False
        card = cards[ids[node]]
        return all(_within(card[dim], b) for dim, b in score_bounds.items())

    want = kind == "some_line_playing"  # look for a line where the claim holds, or fails
    starts, edge_entry, branch_start, branch_node = (
        table.edge_start,
        table.edge_entry,
        table.branch_start,
        table.branch_node,
    )
    entries = table.entries
    keys = [m.key for m in scenario.rules.moves]
    L = len(pattern)
    memo: dict[tuple[int, int], bool] = {}
    choice: dict[tuple[int, int], tuple[int, int, int]] = {}

    def search(node: int, k: int) -> bool:
        state = (node, k)
        if state in memo:
            return memo[state]
        found = False
        if table.terminal(node):
            found = k == L and holds(node) == want
        else:
            for e in range(starts[node], starts[node + 1]):
                key = keys[entries[edge_entry[e]].move]
                k2 = k + 1 if k < L and matches(key, pattern[k]) else k
                for nxt in branch_node[branch_start[e] : branch_start[e + 1]]:
                    if search(nxt, k2):
                        choice[state] = (nxt, k2, e)
                        found = True
                        break
                if found:
                    break
        memo[state] = found
        return found

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 4 * scenario.rules.turn_limit + 200))
    try:
        found = search(0, 0)
    finally:
        sys.setrecursionlimit(limit)
    claim = _claim(entry)
    what = f"lines playing {' then '.join(pattern) or 'anything'}"
    if not found:
        if want:
            return False, f"no line {what[6:]} {claim}", None
        return True, f"every one of the {what} {claim}", None
    # Rebuild the witness line.
    node, k = 0, 0
    path = []
    while (node, k) in choice:
        node, k, e = choice[(node, k)]
        path.append(table.move_of(e).key)
    end = table.ending[node]
    card = cards[ids[node]]
    ending = endings[end] if end >= 0 else "no ending"
    shown = ", ".join(f"{d} {card[d]}" for d in (score_bounds or {"overall": {}}))
    if want:
        return True, f"a line {what[6:]} {claim}: it ends in {ending} with {shown}", path
    return False, f"not every one of the {what} {claim}: this one ends in {ending} with {shown}", path


def _claim(entry: dict[str, Any]) -> str:
    parts = []
    if "ends_in" in entry:
        parts.append(f"ends in {' or '.join(entry['ends_in'])}")
    for dim, b in entry.get("ends_with", {}).items():
        parts.append(f"ends with {dim} {_show(b)}")
    return " and ".join(parts)


def line_bounds(solver: Solver, pattern: Sequence[str], dimension: str = "overall") -> tuple[int, int] | None:
    """The lowest and highest final ``dimension`` over every complete line that plays
    ``pattern`` (as a subsequence): the bounds an ``every_line_playing`` claim can state.
    None when no line plays the pattern."""
    table = solver.table
    cards, ids = table.final_scores()
    L = len(pattern)
    memo: dict[tuple[int, int], tuple[int, int] | None] = {}

    def walk(node: int, k: int) -> tuple[int, int] | None:
        state = (node, k)
        if state in memo:
            return memo[state]
        result: tuple[int, int] | None = None
        if table.terminal(node):
            if k == L:
                v = cards[ids[node]][dimension]
                result = (v, v)
        else:
            for e in table.edges(node):
                k2 = k + 1 if k < L and matches(table.move_of(e).key, pattern[k]) else k
                for nxt in table.next_nodes(e):
                    r = walk(nxt, k2)
                    if r is not None:
                        result = r if result is None else (min(result[0], r[0]), max(result[1], r[1]))
        memo[state] = result
        return result

    return walk(0, 0)
