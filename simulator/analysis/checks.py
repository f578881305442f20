"""What an exhaustive look at a scenario finds, as located diagnostics (see :mod:`.diagnostics`)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import AnalysisError, ScenarioError
from ..loader import load_scenario
from ..rules import manner_signatures
from .contradictions import contradictions
from .cues import note_leaning
from .diagnostics import SEVERITIES, Diagnostic, locate, origin_document
from .expectations import evaluate
from .explore import DEFAULT_LIMIT, explore
from .solver import EPSILON, solver_for

if TYPE_CHECKING:
    from ..rules import CompiledReaction
    from ..scenario import Scenario
    from ..spec import Reaction, ScenarioSpec
    from .explore import Table
    from .solver import Solver

__all__ = ["SEVERITIES", "Diagnostic", "Report", "analyse", "check_file", "note_leaning"]


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


def analyse(scenario: Scenario, *, limit: int = DEFAULT_LIMIT) -> Report:
    """Explore ``scenario`` exhaustively and report what an author should know, as data.
    Past ``limit`` situations exploration stops, with an error ``too-large``.
    """
    started = time.perf_counter()
    table = explore(scenario, limit=limit)
    spec = scenario.spec
    if not table.complete:
        # Anything else said about a partial exploration would be wrong: say only this.
        message = f"more than {table.limit:,} situations; exploration stopped (raise the limit to check it)"
        partial = {
            "situations": table.size,
            "expansions": table.expansions,
            "seconds": round(time.perf_counter() - started, 4),
        }
        diagnostic = Diagnostic("error", "too-large", message, scenario.document.file)
        return Report(spec.id, str(scenario.path), [diagnostic], partial)
    solver = solver_for(scenario, limit=limit)
    out = [
        *_dead_ends(scenario, table),
        *_unreachable_endings(scenario, table),
        *_unreachable_states(scenario, table),
        *_reactions_never_fired(scenario, table),
        *_manner_findings(scenario, table),
        *_note_signs(scenario, table),
        *_generic_lines(scenario, table),
        *_fallback_lines_never_said(scenario, table),
        *_unread_meters(scenario, table),
        *contradictions(scenario, table),
    ]
    ranges, score_findings = _score_ranges(scenario, table)
    out.extend(score_findings)
    out.extend(_dominant_moves(scenario, solver))
    stats, recommended_findings = _recommended_line(scenario, solver)
    out.extend(recommended_findings)
    expectation_results, expectation_diags = evaluate(scenario, solver)
    out.extend(expectation_diags)

    order = {s: k for k, s in enumerate(SEVERITIES)}
    out.sort(key=lambda d: (order[d.severity], d.file or "", d.line or 0, d.column or 0, d.code))
    stats.update(
        {
            "situations": table.size,
            "expansions": table.expansions,
            "endings_reached": sorted(spec.endings[k].id for k in table.reached_endings()),
            "score_ranges": ranges,
            "optimum": round(solver.optimum, 6),
            "seconds": round(time.perf_counter() - started, 4),
        }
    )
    return Report(
        scenario=spec.id, file=str(scenario.path), diagnostics=out, stats=stats, expectations=expectation_results
    )


def _dead_ends(scenario: Scenario, table: Table) -> list[Diagnostic]:
    """Situations that have not ended and offer no move: the first three with a line to each."""
    rules, doc = scenario.rules, scenario.document
    out = []
    for node in table.dead_ends[:3]:
        s = table.situation(node)
        where = ", ".join(f"{who}={rules.state_name(s, i)}" for i, who in enumerate(rules.layout.cast))
        out.append(
            locate(
                doc,
                ["moves"],
                "error",
                "dead-end",
                f"a situation with no legal move and no ending ({where}, turn {table.turn(node)})",
                key=True,
                moves=table.path_to(node),
            )
        )
    if len(table.dead_ends) > 3:
        out.append(locate(doc, ["moves"], "error", "dead-end", f"{len(table.dead_ends) - 3} more dead ends", key=True))
    return out


def _unreachable_endings(scenario: Scenario, table: Table) -> list[Diagnostic]:
    reached = table.reached_endings()
    return [
        locate(
            scenario.document,
            ["endings", k],
            "warning",
            "ending-unreachable",
            f"ending {ending.id!r} can never be reached",
        )
        for k, ending in enumerate(scenario.spec.endings)
        if k not in reached
    ]


def _unreachable_states(scenario: Scenario, table: Table) -> list[Diagnostic]:
    """Persona states no reachable situation has (noted in the persona's file)."""
    rules = scenario.rules
    reached = table.states_reached()
    out = []
    for i, who in enumerate(rules.layout.cast):
        pdoc = scenario.persona_documents[who]
        for k, name in enumerate(rules.layout.states[i]):
            if k not in reached[i]:
                out.append(
                    locate(
                        pdoc,
                        ["states", name],
                        "info",
                        "state-unreachable",
                        f"{who} ({rules.names[i]}) is never {name!r} in this scenario",
                        key=True,
                    )
                )
    return out


def _reactions_never_fired(scenario: Scenario, table: Table) -> list[Diagnostic]:
    """Reactions that never fire (under any manner), and the lines they would have said."""
    rules = scenario.rules
    fired = table.fired_reactions()
    fired_origins = {r.origin for choice_reactions in rules.reactions for r in choice_reactions if id(r) in fired}
    out = []
    for origin, (move_id, target) in rules.written.items():
        if origin in fired_origins:
            continue
        rdoc, path = origin_document(scenario, origin)
        own = origin[0] != "persona"
        who = rules.layout.cast[target] if target >= 0 else "the scene"
        out.append(
            locate(
                rdoc,
                path,
                "warning" if own else "info",
                "reaction-never-fires" if own else "persona-reaction-unused",
                f"this reaction of {who} to {move_id!r} can never fire"
                + ("" if own else " in this scenario (an earlier reaction or a condition always wins)"),
            )
        )
        written = _written_reaction(scenario, origin)
        for j, outcome in enumerate(written.outcomes):
            for n, line in enumerate(outcome.say):
                out.append(
                    locate(rdoc, [*path, "outcomes", j, "say", n], "info", "line-never-said", f"never said: {line!r}")
                )
    return out


def _fallback_lines_never_said(scenario: Scenario, table: Table) -> list[Diagnostic]:
    """The lines of a persona's fallback (its answer when no reaction is written for a move),
    when some reaction always answers instead.
    """
    rules = scenario.rules
    fired = table.fired_reactions()
    out = []
    for i, who in enumerate(rules.layout.cast):
        if id(rules.fallbacks[i]) not in fired:
            pdoc = scenario.persona_documents[who]
            for n, line in enumerate(rules.fallbacks[i].outcomes[0].lines):
                out.append(
                    locate(
                        pdoc,
                        ["unmoved", n],
                        "info",
                        "line-never-said",
                        f"{who} never says (no reaction is ever missing): {line!r}",
                    )
                )
    return out


def _unread_meters(scenario: Scenario, table: Table) -> list[Diagnostic]:
    """Meters nothing reads: effects on them change no outcome and no score."""
    layout = scenario.rules.layout
    out = []
    for p in table.unread:
        ref = layout.slots[p - layout.meter0]
        owner, _, name = ref.partition(".")
        if owner == "scene":
            out.append(
                locate(
                    scenario.document,
                    ["scene", "meters", name],
                    "info",
                    "meter-unread",
                    f"meter {ref!r} is never read by a condition or a score",
                    key=True,
                )
            )
        else:
            out.append(
                locate(
                    scenario.persona_documents[owner],
                    ["meters", name],
                    "info",
                    "meter-unread",
                    f"meter {ref!r} is never read by a condition or a score in this scenario",
                    key=True,
                )
            )
    return out


def _score_ranges(scenario: Scenario, table: Table) -> tuple[dict[str, list[int]], list[Diagnostic]]:
    """The final range of each score dimension (``[low, high]``), with a note of each range
    and a warning for each dimension that can never end above, or below, where it starts.
    """
    doc = scenario.document
    cards, ids = table.final_scores()
    used = set(ids) - {-1}
    initial = scenario.rubric.score(scenario.rules.initial)
    ranges: dict[str, list[int]] = {}
    out = []
    for dim in scenario.rubric.dimensions:
        values = [cards[k][dim] for k in used]
        low, high = (min(values), max(values)) if values else (initial[dim], initial[dim])
        ranges[dim] = [low, high]
        path = _dimension_path(scenario.spec, dim)
        if dim != "overall":
            if high <= initial[dim] and initial[dim] < 100:
                out.append(
                    locate(
                        doc,
                        path,
                        "warning",
                        "dimension-never-gained",
                        f"{dim} can never end above its starting {initial[dim]}",
                    )
                )
            if low >= initial[dim] and initial[dim] > 0:
                out.append(
                    locate(
                        doc,
                        path,
                        "warning",
                        "dimension-never-lost",
                        f"{dim} can never end below its starting {initial[dim]}",
                    )
                )
        out.append(
            locate(
                doc, path, "info", "score-range", f"final {dim} ranges from {low} to {high} (starts at {initial[dim]})"
            )
        )
    return ranges, out


def _dominant_moves(scenario: Scenario, solver: Solver) -> list[Diagnostic]:
    """A choice that reaches the best score by repetition alone."""
    out = []
    for choice in scenario.rules.choices:
        value = solver.repeated(choice.key)
        if value is not None and value >= solver.optimum - EPSILON:
            index = _move_index(scenario, choice.id)
            out.append(
                locate(
                    scenario.document,
                    ["moves", index],
                    "warning",
                    "dominant-move",
                    f"playing {choice.key!r} every turn reaches the optimum ({value:.2f})",
                )
            )
    return out


def _recommended_line(scenario: Scenario, solver: Solver) -> tuple[dict[str, Any], list[Diagnostic]]:
    """The line the source recommends, against optimal play: its stats, and a finding when it
    gives up more than a point or cannot be played.

    A fixed line cannot react to chance (which offer came through, say), so it is judged by what
    its own moves give up: the line's moves, then the best play. Its value as a fixed line
    (finished by waiting) is reported too.
    """
    spec, doc = scenario.spec, scenario.document
    stats: dict[str, Any] = {}
    out: list[Diagnostic] = []
    if spec.recommended:
        try:
            stats["recommended"] = round(solver.line_scores(spec.recommended)["overall"], 6)
            then_best = solver.line_then_optimal(spec.recommended)
            stats["recommended_then_optimal"] = round(then_best, 6)
            if solver.optimum - then_best > 1.0:
                best = " ".join(step["key"] for step in solver.best_line)
                out.append(
                    locate(
                        doc,
                        ["recommended"],
                        "warning",
                        "recommended-not-optimal",
                        f"playing the recommended line, then the best moves, expects {then_best:.2f}; "
                        f"the optimum is {solver.optimum:.2f}; best line: {best}",
                        key=True,
                    )
                )
        except AnalysisError as exc:
            out.append(locate(doc, ["recommended"], "error", "recommended-illegal", str(exc), key=True))
    return stats, out


def _move_index(scenario: Scenario, move_id: str) -> int:
    return next(k for k, m in enumerate(scenario.spec.moves) if m.id == move_id)


def _written_reaction(scenario: Scenario, origin: tuple[str | int, ...]) -> Reaction:
    """The reaction as the file wrote it (for its lines), from its origin."""
    spec = scenario.spec
    if origin[0] == "cast":
        return spec.cast[str(origin[1])].reactions[int(origin[3])]
    if origin[0] == "persona":
        return scenario.personas[str(origin[1])].reactions[int(origin[3])]
    return spec.scene.reactions[int(origin[2])]


def _manner_findings(scenario: Scenario, table: Table) -> list[Diagnostic]:
    """Manners no condition tells apart, and phrasings no reachable situation lets a learner say."""
    rules, doc = scenario.rules, scenario.document
    out = []
    for key, groups in manner_signatures(rules).items():
        move_id = key.partition(":")[0]
        for group in groups:
            if len(group) > 1:
                out.append(
                    locate(
                        doc,
                        ["moves", _move_index(scenario, move_id), "phrasings"],
                        "warning",
                        "manner-indistinct",
                        f"{key}: manners {', '.join(group)} meet the same reactions; no condition tells them apart",
                        key=True,
                    )
                )
    played = {e.choice for e in table.entries}
    for choice in rules.choices:
        if choice.phrasings and choice.index not in played:
            index = _move_index(scenario, choice.id)
            spec_move = scenario.spec.moves[index]
            for j, phrasing in enumerate(spec_move.phrasings):
                if phrasing.manner == choice.manner and phrasing.to in (None, choice.target):
                    out.append(
                        locate(
                            doc,
                            ["moves", index, "phrasings", j],
                            "warning",
                            "phrasing-unreachable",
                            f"{choice.key} can never be played, so this phrasing is never said: {phrasing.text[:60]!r}",
                        )
                    )
    return out


def _note_signs(scenario: Scenario, table: Table) -> list[Diagnostic]:
    """A note whose direction contradicts the changes it explains: it reads as a setback while
    the outcome never lowers the overall score and sometimes raises it, or the other way round.
    """
    seen: dict[tuple[tuple[str | int, ...], int], list[int]] = {}
    notes: dict[tuple[tuple[str | int, ...], int], str] = {}
    for entry in table.entries:
        for outcome, change in zip(entry.outcomes, entry.overall, strict=True):
            if outcome.note and entry.reaction.origin:
                key = (entry.reaction.origin, outcome.index)
                seen.setdefault(key, []).append(change)
                notes[key] = outcome.note
    out = []
    for (origin, index), changes in seen.items():
        leaning = note_leaning(notes[(origin, index)])
        # never once in the note's direction, and at least once against it
        if leaning and not any(c * leaning > 0 for c in changes) and any(c * leaning < 0 for c in changes):
            doc, path = origin_document(scenario, origin)
            direction = "never lowers and can raise" if leaning < 0 else "never raises and can lower"
            reads = "a setback" if leaning < 0 else "progress"
            shown = f"{min(changes):+d}" if min(changes) == max(changes) else f"{min(changes):+d} to {max(changes):+d}"
            out.append(
                locate(
                    doc,
                    [*path, "outcomes", index, "note"],
                    "warning",
                    "note-sign",
                    f"this note reads as {reads}, but the outcome {direction} overall ({shown})",
                )
            )
    return out


def generic(reaction: CompiledReaction) -> bool:
    """Whether a reaction is a persona's generic one: written in the persona file, or the
    persona's fallback when nothing answers (the scenario wrote nothing for the moment).
    """
    return not reaction.origin or reaction.origin[0] == "persona"


def _generic_lines(scenario: Scenario, table: Table) -> list[Diagnostic]:
    """Every reachable place where a counterpart answers with a persona's generic line instead
    of the scenario's own (one finding per reaction, with a line of play that gets there).
    """
    found: dict[int, int] = {}  # id(reaction) -> first edge using it
    reactions: dict[int, CompiledReaction] = {}
    for edge, entry_index in enumerate(table.edge_entry):
        entry = table.entries[entry_index]
        choice = table.rules.choices[entry.choice]
        if choice.target_index >= 0 and generic(entry.reaction) and id(entry.reaction) not in found:
            found[id(entry.reaction)] = edge
            reactions[id(entry.reaction)] = entry.reaction
    out = []
    nodes = _edge_sources(table, set(found.values()))
    for key, edge in found.items():
        reaction = reactions[key]
        choice = table.choice_of(edge)
        line = reaction.outcomes[0].lines[0]
        if reaction.origin:
            doc, path = origin_document(scenario, reaction.origin)
        else:
            doc, path = scenario.persona_documents[str(choice.target)], ["unmoved"]
        out.append(
            locate(
                doc,
                path,
                "info",
                "generic-line",
                f"{choice.target} answers {choice.key} with a generic line of the persona: {line[:60]!r}",
                moves=(*table.path_to(nodes[edge]), choice.key),
            )
        )
    return out


def _edge_sources(table: Table, edges: set[int]) -> dict[int, int]:
    """The node each of these edges leaves from."""
    out = {}
    for node in range(table.size):
        for e in table.edges(node):
            if e in edges:
                out[e] = node
        if len(out) == len(edges):
            break
    return out


def _dimension_path(spec: ScenarioSpec, dim: str) -> list[str | int]:
    if dim in ("outcome", "relationship", "integrity"):
        return ["scoring", dim]
    if dim == "overall":
        return ["scoring", "overall"]
    return ["scoring", "extra", dim]


def check_file(path: str, *, limit: int = DEFAULT_LIMIT) -> Report:
    """Load and analyse one scenario file; a file that does not load is a report with one error."""
    try:
        scenario = load_scenario(path)
    except ScenarioError as exc:
        diag = Diagnostic(
            "error", "load-error", exc.reason, exc.file or str(path), exc.line, exc.column, exc.field or None
        )
        return Report(scenario=None, file=str(path), diagnostics=[diag])
    return analyse(scenario, limit=limit)
