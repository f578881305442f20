"""The ``expect:`` language, read at load time into typed claims (the analysis proves them).

Each entry is a mapping with one *kind* key, its options, and an optional ``why`` (the advice it
encodes, shown when the claim fails)::

    expect:
      - reachable: job_back                      # some line of play reaches this ending
      - unreachable: withdrew                    # no line does
      - best_first_move: decide_repair           # an optimal first move (a pattern, see below)
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

Moves are written in move notation (:mod:`simulator.notation`). In a *pattern* (best_first_move,
best_line_starts, every/some_line_playing) a left-out target or manner matches any; in a *line*
(line, beats) each move must name exactly one choice. "Every line" means every complete
playthrough, over every move and every chance result, so a claim that passes holds for all
learners.

Entries are part of the file: a malformed one is a located :class:`~simulator.ScenarioError` at
load time like any other mistake (raised here as :class:`~simulator.layout.NameProblem` with the
path inside ``expect``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .layout import NameProblem
from .notation import MoveRef, Unresolved
from .policies import POLICIES
from .rules import Rules
from .spec import ScenarioSpec

__all__ = ["KINDS", "Bounds", "Claim", "parse_claims"]

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
# Two expected scores closer than this are the same score (float sums in a different order).
EPSILON = 1e-9


@dataclass(frozen=True)
class Bounds:
    at_least: float | None = None
    at_most: float | None = None

    def holds(self, value: float) -> bool:
        return (self.at_least is None or value >= self.at_least - EPSILON) and (
            self.at_most is None or value <= self.at_most + EPSILON
        )

    def __str__(self) -> str:
        parts = []
        if self.at_least is not None:
            parts.append(f"at least {self.at_least:g}")
        if self.at_most is not None:
            parts.append(f"at most {self.at_most:g}")
        return " and ".join(parts)


@dataclass(frozen=True)
class Claim:
    """One ``expect:`` entry, checked. Which fields mean something depends on ``kind``."""

    index: int
    kind: str
    why: str | None = None
    ending: str | None = None  # reachable / unreachable
    pattern: tuple[MoveRef, ...] = ()  # best_first_move (one), best_line_starts, *_line_playing
    bounds: Bounds | None = None  # optimum; policy: expected
    policy: str | None = None
    below_optimum_by: Bounds | None = None
    ends_with: Mapping[str, Bounds] = field(default_factory=dict)
    ends_in: tuple[str, ...] | None = None
    line: tuple[str, ...] = ()  # line: resolved choice keys
    line_name: str | None = None
    expected: Mapping[str, Bounds] = field(default_factory=dict)
    beats: tuple[str, ...] | None = None
    beats_name: str | None = None
    by: Bounds = field(default_factory=lambda: Bounds(at_least=0))


def parse_claims(spec: ScenarioSpec, rules: Rules, dimensions: Sequence[str]) -> tuple[Claim, ...]:
    """Every ``expect:`` entry as a :class:`Claim`; raises NameProblem at the first bad one."""
    reader = _Reader(spec, rules, list(dimensions))
    claims = []
    for i, entry in enumerate(spec.expect):
        try:
            claims.append(reader.claim(i, entry))
        except NameProblem as problem:
            raise problem.within(["expect", i]) from None
    return tuple(claims)


class _Reader:
    def __init__(self, spec: ScenarioSpec, rules: Rules, dimensions: list[str]) -> None:
        self.spec = spec
        self.rules = rules
        self.endings = [e.id for e in spec.endings]
        self.dimensions = dimensions

    def claim(self, index: int, entry: Any) -> Claim:
        if not isinstance(entry, dict):
            raise NameProblem(f"an expectation is a mapping with one of the keys {', '.join(KINDS)}")
        kinds = [k for k in entry if k in KINDS]
        if len(kinds) != 1:
            found = f"found {', '.join(kinds)}" if kinds else "found none"
            raise NameProblem(f"an expectation needs exactly one of the keys {', '.join(KINDS)}; {found}")
        kind = kinds[0]
        allowed = OPTIONS[kind] | {kind, "why"}
        for key in entry:
            if key not in allowed:
                raise NameProblem(
                    f"unknown key {key!r} for a {kind!r} expectation; allowed keys: {', '.join(sorted(allowed))}",
                    [key],
                    key=True,
                )
        why = entry.get("why")
        if why is not None and not isinstance(why, str):
            raise NameProblem("'why' is text: the advice this expectation encodes", ["why"])
        parse = getattr(self, f"_{kind}")
        fields: dict[str, Any] = parse(entry[kind], entry, kind)
        return Claim(index=index, kind=kind, why=why, **fields)

    # --- one reader per kind ------------------------------------------------------------------

    def _reachable(self, value: Any, entry: dict[str, Any], kind: str) -> dict[str, Any]:
        return {"ending": self.ending(value, [kind])}

    _unreachable = _reachable

    def _best_first_move(self, value: Any, entry: dict[str, Any], kind: str) -> dict[str, Any]:
        return {"pattern": (self.pattern_move(value, [kind]),)}

    def _best_line_starts(self, value: Any, entry: dict[str, Any], kind: str) -> dict[str, Any]:
        return {"pattern": self.pattern(value, [kind])}

    def _optimum(self, value: Any, entry: dict[str, Any], kind: str) -> dict[str, Any]:
        return {"bounds": self.bounds(value, [kind])}

    def _policy(self, value: Any, entry: dict[str, Any], kind: str) -> dict[str, Any]:
        if value not in POLICIES:
            raise NameProblem(f"unknown policy {_short(value)}; policies: {', '.join(POLICIES)}", [kind])
        if not {"below_optimum_by", "expected"} & set(entry):
            raise NameProblem("a policy expectation needs below_optimum_by or expected")
        out: dict[str, Any] = {"policy": value}
        if "below_optimum_by" in entry:
            out["below_optimum_by"] = self.bounds(entry["below_optimum_by"], ["below_optimum_by"])
        if "expected" in entry:
            out["bounds"] = self.bounds(entry["expected"], ["expected"])
        return out

    def _every_line_playing(self, value: Any, entry: dict[str, Any], kind: str) -> dict[str, Any]:
        out: dict[str, Any] = {"pattern": self.pattern(value, [kind], empty=True)}
        if not {"ends_with", "ends_in"} & set(entry):
            raise NameProblem(f"this {kind} expectation needs ends_with and/or ends_in")
        if "ends_with" in entry:
            out["ends_with"] = self.scores(entry["ends_with"], ["ends_with"])
        if "ends_in" in entry:
            endings = entry["ends_in"]
            if not isinstance(endings, list) or not endings:
                raise NameProblem(f"give a list of endings; endings: {', '.join(self.endings)}", ["ends_in"])
            out["ends_in"] = tuple(self.ending(e, ["ends_in", n]) for n, e in enumerate(endings))
        return out

    _some_line_playing = _every_line_playing

    def _line(self, value: Any, entry: dict[str, Any], kind: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        out["line_name"], out["line"] = self.line(value, [kind])
        if not {"expected", "beats"} & set(entry):
            raise NameProblem("a line expectation needs expected, or beats with by")
        if "expected" in entry:
            out["expected"] = self.scores(entry["expected"], ["expected"])
        if "beats" in entry:
            out["beats_name"], out["beats"] = self.line(entry["beats"], ["beats"])
            if "by" in entry:
                out["by"] = self.bounds(entry["by"], ["by"])
        elif "by" in entry:
            raise NameProblem("'by' goes with 'beats'", ["by"], key=True)
        return out

    # --- the parts ------------------------------------------------------------------------------

    def ending(self, value: Any, path: list[str | int]) -> str:
        if value not in self.endings:
            raise NameProblem(f"unknown ending {_short(value)}; endings: {', '.join(self.endings)}", path)
        return str(value)

    def pattern_move(self, value: Any, path: list[str | int]) -> MoveRef:
        """A move as a pattern: it must match some choice the scenario offers."""
        keys = ", ".join(c.key for c in self.rules.choices)
        hint = f"; moves: {keys} (a part left out matches any target or manner)"
        try:
            ref = MoveRef.parse(value)
        except Unresolved:
            raise NameProblem(f"unknown move {_short(value)}{hint}", path) from None
        if not any(ref.matches(c) for c in self.rules.choices):
            raise NameProblem(f"unknown move {_short(value)}{hint}", path)
        return ref

    def pattern(self, value: Any, path: list[str | int], *, empty: bool = False) -> tuple[MoveRef, ...]:
        if not isinstance(value, list) or (not value and not empty):
            raise NameProblem("give a list of moves, like [decide_repair, 'apologize:hr_rep']", path)
        return tuple(self.pattern_move(m, [*path, n]) for n, m in enumerate(value))

    def line(self, value: Any, path: list[str | int]) -> tuple[str | None, tuple[str, ...]]:
        """A line to play: a named one, or a list of moves each naming exactly one choice."""
        if isinstance(value, str):
            names = ["recommended", *self.spec.anti_patterns]
            if value not in names:
                raise NameProblem(
                    f"unknown line {_short(value)}; named lines: {', '.join(names)} (or a list of moves)", path
                )
            if value == "recommended" and not self.spec.recommended:
                raise NameProblem("the scenario has no 'recommended' line", path)
            moves = self.spec.recommended if value == "recommended" else self.spec.anti_patterns[value]
            return value, tuple(self.resolve(m, path) for m in moves)
        if not isinstance(value, list) or not value:
            raise NameProblem("give a named line or a list of moves, like [decide_repair, 'apologize:hr_rep']", path)
        return None, tuple(self.resolve(m, [*path, n]) for n, m in enumerate(value))

    def resolve(self, value: Any, path: list[str | int]) -> str:
        try:
            return MoveRef.parse(value).resolve(self.rules.choices).key
        except Unresolved as exc:
            raise NameProblem(f"move {exc.ref!r}: {exc.with_moves()}", path) from None

    def bounds(self, value: Any, path: list[str | int]) -> Bounds:
        if not isinstance(value, dict) or not value or set(value) - {"at_least", "at_most"}:
            raise NameProblem("bounds are a mapping with at_least and/or at_most, like {at_least: 60}", path)
        for k, b in value.items():
            if not isinstance(b, int | float) or isinstance(b, bool):
                raise NameProblem(f"{k} takes a number, not {_short(b)}", [*path, k])
            if abs(b) > 1e6:
                raise NameProblem(f"{k} takes a number between -1000000 and 1000000, not {_short(b)}", [*path, k])
        return Bounds(value.get("at_least"), value.get("at_most"))

    def scores(self, value: Any, path: list[str | int]) -> dict[str, Bounds]:
        dims = self.dimensions
        if not isinstance(value, dict) or not value:
            raise NameProblem(
                "give score dimensions with bounds, like {relationship: {at_most: 40}}; "
                f"dimensions: {', '.join(dims)}",
                path,
            )
        out = {}
        for dim, b in value.items():
            if dim not in dims:
                raise NameProblem(
                    f"unknown score dimension {_short(dim)}; dimensions: {', '.join(dims)}", [*path, dim], key=True
                )
            out[dim] = self.bounds(b, [*path, dim])
        return out


def _short(value: Any) -> str:
    shown = repr(value)
    return shown if len(shown) <= 40 else shown[:37] + "..."
