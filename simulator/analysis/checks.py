"""Diagnostics as data: what an exhaustive look at a scenario finds, located in its files.

Severities: ``error`` (the scenario cannot be played as written, or an expectation it declares is
false: ``parley check`` exits 1), ``warning`` (content that can never be seen, a score that never
moves, a move that wins by repetition) and ``info`` (facts worth knowing: score ranges, persona
material this scenario does not use).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from .explore import DEFAULT_LIMIT, explore
from .solver import EPSILON, solver_for

if TYPE_CHECKING:
    from ..scenario import Scenario
    from ..yamlsource import Document

__all__ = ["SEVERITIES", "Diagnostic", "Report", "analyse", "check_file"]

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class Diagnostic:
    severity: str
    code: str
    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None
    field: str | None = None
    moves: tuple[str, ...] | None = None  # a witness line of moves from the start, when one helps

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["moves"] = list(self.moves) if self.moves is not None else None
        return data

    def render(self) -> str:
        where = self.file or "<scenario>"
        if self.line is not None:
            where += f":{self.line}:{self.column or 1}"
        text = f"{where}: {self.severity}[{self.code}]: {self.message}"
        if self.moves:
            text += f"\n    line of moves: {' '.join(self.moves)}"
        return text


@dataclass
class Report:
    """What ``simulator.analyse`` returns: the same data as ``parley check --json``."""

    scenario: str | None
    file: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)
    expectations: list[dict[str, Any]] = field(default_factory=list)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def codes(self) -> list[str]:
        return [d.code for d in self.diagnostics]

    def to_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "file": self.file,
            "ok": self.ok,
            "counts": {s: sum(d.severity == s for d in self.diagnostics) for s in SEVERITIES},
            "diagnostics": [d.to_dict() for d in self.diagnostics],
            "expectations": self.expectations,
            "stats": self.stats,
        }


def _at(
    doc: Document,
    path: Sequence[str | int],
    severity: str,
    code: str,
    message: str,
    *,
    key: bool = False,
    moves: Sequence[str] | None = None,
) -> Diagnostic:
    where = doc.locate(list(path), key=key)
    line, column = where if where else (None, None)
    from ..yamlsource import dotted

    return Diagnostic(
        severity,
        code,
        message,
        doc.file,
        line,
        column,
        dotted(path) or None,
        tuple(moves) if moves is not None else None,
    )


def origin_document(scenario: Scenario, origin: Sequence[str | int]) -> tuple[Document, list[str | int]]:
    """The file and the path in it where a compiled reaction was written."""
    if origin and origin[0] == "persona":
        return scenario.persona_documents[str(origin[1])], list(origin[2:])
    return scenario.document, list(origin)


def analyse(scenario: Scenario, *, limit: int = DEFAULT_LIMIT) -> Report:
    """Explore ``scenario`` exhaustively and report what an author should know, as data.
    Past ``limit`` situations exploration stops, with an error ``too-large``."""
    from .expectations import evaluate

    started = time.perf_counter()
    table = explore(scenario, limit=limit)
    rules, spec, doc = scenario.rules, scenario.spec, scenario.document
    layout = rules.layout
    out: list[Diagnostic] = []

    if not table.complete:
        # Anything else said about a partial exploration would be wrong: say only this.
        message = f"more than {table.limit:,} situations; exploration stopped (raise the limit to check it)"
        stats = {
            "situations": table.size,
            "expansions": table.expansions,
            "seconds": round(time.perf_counter() - started, 4),
        }
        return Report(spec.id, str(scenario.path), [Diagnostic("error", "too-large", message, doc.file)], stats)
    solver = solver_for(scenario, limit=limit)

    # Dead ends: a situation that has not ended and offers no move.
    for node in table.dead_ends[:3]:
        s = table.situation(node)
        states = ", ".join(f"{who}={rules.state_name(s, i)}" for i, who in enumerate(layout.cast))
        out.append(
            _at(
                doc,
                ["moves"],
                "error",
                "dead-end",
                f"a situation with no legal move and no ending ({states}, turn {table.turn(node)})",
                key=True,
                moves=table.path_to(node),
            )
        )
    if len(table.dead_ends) > 3:
        out.append(_at(doc, ["moves"], "error", "dead-end", f"{len(table.dead_ends) - 3} more dead ends", key=True))

    # Endings never reached.
    reached = table.reached_endings()
    for k, ending in enumerate(spec.endings):
        if k not in reached:
            out.append(
                _at(doc, ["endings", k], "warning", "ending-unreachable", f"ending {ending.id!r} can never be reached")
            )

    # Persona states never reached.
    states = table.states_reached()
    for i, who in enumerate(layout.cast):
        pdoc = scenario.persona_documents[who]
        for k, name in enumerate(layout.states[i]):
            if k not in states[i]:
                out.append(
                    _at(
                        pdoc,
                        ["states", name],
                        "info",
                        "state-unreachable",
                        f"{who} ({rules.names[i]}) is never {name!r} in this scenario",
                        key=True,
                    )
                )

    # Reactions that never fire, and the lines they would have said.
    fired = table.fired_reactions()
    for (move_id, target), reactions in rules.reactions.items():
        for reaction in reactions:
            if id(reaction) in fired:
                continue
            rdoc, path = origin_document(scenario, reaction.origin)
            own = reaction.origin[0] != "persona"
            who = layout.cast[target] if target >= 0 else "the scene"
            out.append(
                _at(
                    rdoc,
                    path,
                    "warning" if own else "info",
                    "reaction-never-fires" if own else "persona-reaction-unused",
                    f"this reaction of {who} to {move_id!r} can never fire"
                    + ("" if own else " in this scenario (an earlier reaction or a condition always wins)"),
                )
            )
            for j, outcome in enumerate(reaction.outcomes):
                for n, line in enumerate(outcome.lines):
                    out.append(
                        _at(rdoc, [*path, "outcomes", j, "say", n], "info", "line-never-said", f"never said: {line!r}")
                    )
    for i, who in enumerate(layout.cast):
        if id(rules.fallbacks[i]) not in fired:
            pdoc = scenario.persona_documents[who]
            for n, line in enumerate(rules.fallbacks[i].outcomes[0].lines):
                out.append(
                    _at(
                        pdoc,
                        ["unmoved", n],
                        "info",
                        "line-never-said",
                        f"{who} never says (no reaction is ever missing): {line!r}",
                    )
                )
    # Meters nothing reads: effects on them change no outcome and no score.
    for p in table.unread:
        ref = layout.slots[p - layout.meter0]
        owner, _, name = ref.partition(".")
        if owner == "scene":
            out.append(
                _at(
                    doc,
                    ["scene", "meters", name],
                    "info",
                    "meter-unread",
                    f"meter {ref!r} is never read by a condition or a score",
                    key=True,
                )
            )
        else:
            out.append(
                _at(
                    scenario.persona_documents[owner],
                    ["meters", name],
                    "info",
                    "meter-unread",
                    f"meter {ref!r} is never read by a condition or a score in this scenario",
                    key=True,
                )
            )

    # Scores: the final range of each dimension, and dimensions that never move.
    cards, ids = table.final_scores()
    used = set(ids) - {-1}
    initial = scenario.rubric.score(rules.initial)
    ranges: dict[str, list[int]] = {}
    for dim in scenario.rubric.dimensions:
        values = [cards[k][dim] for k in used]
        low, high = (min(values), max(values)) if values else (initial[dim], initial[dim])
        ranges[dim] = [low, high]
        path = _dimension_path(spec, dim)
        if dim != "overall":
            if high <= initial[dim] and initial[dim] < 100:
                out.append(
                    _at(
                        doc,
                        path,
                        "warning",
                        "dimension-never-gained",
                        f"{dim} can never end above its starting {initial[dim]}",
                    )
                )
            if low >= initial[dim] and initial[dim] > 0:
                out.append(
                    _at(
                        doc,
                        path,
                        "warning",
                        "dimension-never-lost",
                        f"{dim} can never end below its starting {initial[dim]}",
                    )
                )
        out.append(
            _at(doc, path, "info", "score-range", f"final {dim} ranges from {low} to {high} (starts at {initial[dim]})")
        )

    # A move that reaches the best score by repetition alone.
    for move in rules.moves:
        value = solver.repeated(move.key)
        if value is not None and value >= solver.optimum - EPSILON:
            index = next(k for k, m in enumerate(spec.moves) if m.id == move.id)
            out.append(
                _at(
                    doc,
                    ["moves", index],
                    "warning",
                    "dominant-move",
                    f"playing {move.key!r} every turn reaches the optimum ({value:.2f})",
                )
            )

    # The line the source recommends, against optimal play. A fixed line cannot react to chance
    # (which offer came through, say), so it is judged by what its own moves give up: the line's
    # moves, then the best play. Its value as a fixed line (finished by waiting) is reported too.
    stats: dict[str, Any] = {}
    if spec.recommended:
        try:
            stats["recommended"] = round(solver.line_scores(spec.recommended)["overall"], 6)
            then_best = solver.line_then_optimal(spec.recommended)
            stats["recommended_then_optimal"] = round(then_best, 6)
            if solver.optimum - then_best > 1.0:
                best = " ".join(step["key"] for step in solver.best_line)
                out.append(
                    _at(
                        doc,
                        ["recommended"],
                        "warning",
                        "recommended-not-optimal",
                        f"playing the recommended line, then the best moves, expects {then_best:.2f}; "
                        f"the optimum is {solver.optimum:.2f}; best line: {best}",
                        key=True,
                    )
                )
        except ValueError as exc:
            out.append(_at(doc, ["recommended"], "error", "recommended-illegal", str(exc), key=True))

    expectation_results, expectation_diags = evaluate(scenario, solver)
    out.extend(expectation_diags)

    order = {s: k for k, s in enumerate(SEVERITIES)}
    out.sort(key=lambda d: (order[d.severity], d.file or "", d.line or 0, d.column or 0, d.code))
    stats.update(
        {
            "situations": table.size,
            "expansions": table.expansions,
            "endings_reached": sorted(spec.endings[k].id for k in reached),
            "score_ranges": ranges,
            "optimum": round(solver.optimum, 6),
            "seconds": round(time.perf_counter() - started, 4),
        }
    )
    return Report(
        scenario=spec.id, file=str(scenario.path), diagnostics=out, stats=stats, expectations=expectation_results
    )


def _dimension_path(spec: Any, dim: str) -> list[str | int]:
    if dim in ("outcome", "relationship", "integrity"):
        return ["scoring", dim]
    if dim == "overall":
        return ["scoring", "overall"]
    return ["scoring", "extra", dim]


def check_file(path: str, *, limit: int = DEFAULT_LIMIT) -> Report:
    """Load and analyse one scenario file; a file that does not load is a report with one error."""
    from ..errors import ScenarioError
    from ..loader import load_scenario

    try:
        scenario = load_scenario(path)
    except ScenarioError as exc:
        diag = Diagnostic(
            "error", "load-error", exc.reason, exc.file or str(path), exc.line, exc.column, exc.field or None
        )
        return Report(scenario=None, file=str(path), diagnostics=[diag])
    return analyse(scenario, limit=limit)
