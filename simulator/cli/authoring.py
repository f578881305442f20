"""Authoring commands: ``parley check``, ``parley solve``, ``parley graph``.

``check`` explores each scenario exhaustively and prints diagnostics as ``file:line:col:
severity[code]: message`` (the format editors and CI annotate); it exits 1 when any error is
found (a dead end, a false expectation, a file that does not load), 0 otherwise. ``solve`` prints
what optimal, random and archetypal play can expect. ``graph`` draws the persona machines and the
situation graph summarised by persona state, from ``transitions``' own diagram support.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from ..safetext import json_text, visible

if TYPE_CHECKING:
    from ..analysis import Report
    from .usage import Subparsers

__all__ = ["register", "run_check", "run_graph", "run_solve"]

EXIT_ERRORS = 1


def register(subparsers: Subparsers) -> None:
    p = subparsers.add_parser(
        "check",
        help="prove what scenarios do: reachability, dead ends, scores, expectations",
        description=(
            "Explore every reachable situation of each scenario and report unreachable endings, "
            "states and reactions, dead ends, lines never said, score ranges, dominant moves, "
            "contradictions (time words against the clock, face-to-face cues under a remote "
            "channel, claims of silence after contact, closing stories against the last event) and "
            "the scenario's own 'expect:' claims. Exit 1 when there are errors."
        ),
    )
    p.add_argument(
        "paths", nargs="*", metavar="PATH", help="scenario files or folders of them (default: every bundled scenario)"
    )
    p.add_argument("--json", action="store_true", help="print the reports as JSON")
    p.add_argument("--quiet", "-q", action="store_true", help="print errors and warnings only")
    _limit_option(p)
    p.set_defaults(run=run_check)

    p = subparsers.add_parser(
        "solve",
        help="optimal play of a scenario, against random and archetypal play",
        description=(
            "Expectimax over every reachable situation: the best expected overall score and the line "
            "that gets it, each first move's value, random and archetype policies, points of no return."
        ),
    )
    p.add_argument("scenario", metavar="ID", help="a bundled scenario id or a scenario file")
    p.add_argument("--json", action="store_true", help="print the solution as JSON")
    _limit_option(p)
    p.set_defaults(run=run_solve)

    p = subparsers.add_parser(
        "graph",
        help="draw persona state machines and the situation graph",
        description=(
            "Draw each persona's state machine, as transitions draws it, and the scenario's "
            "situation graph summarised by persona state. Mermaid needs nothing installed; dot needs "
            "the 'graphviz' Python package."
        ),
    )
    p.add_argument("scenario", metavar="ID", help="a bundled scenario id or a scenario file")
    p.add_argument("--persona", metavar="P", help="only this cast member's machine (a cast id)")
    p.add_argument(
        "--format", choices=["mermaid", "dot"], default="mermaid", help="diagram language (default: mermaid)"
    )
    p.set_defaults(run=run_graph)


# The analysis's own default, repeated as a literal because importing the analysis to read it
# would pull pydantic into building the parser, and so into `parley list` (a test keeps them equal).
DEFAULT_LIMIT = 2_000_000


def _situations(text: str) -> int:
    try:
        value = int(text, 10)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"a number of situations is a whole number from 1, not {text!r}")
    return value


def _limit_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--max-situations",
        type=_situations,
        default=DEFAULT_LIMIT,
        metavar="N",
        help=f"stop exploring past N situations (default {DEFAULT_LIMIT:,}; about 300 bytes each)",
    )


def _scenario_files(paths: list[str]) -> list[str]:
    if not paths:
        from ..catalogue import bundled_scenario_paths

        return [str(p) for p in bundled_scenario_paths()]
    files: list[str] = []
    for raw in paths:
        if not raw:
            from .usage import UsageError

            raise UsageError("an empty PATH names no file (use '.' for the current folder)")
        path = Path(raw)
        if path.is_dir():
            found = sorted(
                str(p) for p in path.rglob("*.y*ml") if p.suffix in {".yaml", ".yml"} and _looks_like_scenario(p)
            )
            if not found:  # "ok" over nothing would pass a CI step that checks the wrong folder
                from .usage import UsageError

                raise UsageError(f"no scenario files in {raw!r} (a scenario is a .yaml file with a top-level 'cast:')")
            files += found
        else:
            files.append(raw)
    return files


def _looks_like_scenario(path: Path) -> bool:
    """A folder may hold personas too: a scenario file has a top-level ``cast:`` key. Only
    regular files are opened (a FIFO would block), and no more of them than a scenario can hold.
    """
    from ..loader import MAX_FILE_BYTES

    try:
        if not path.is_file():
            return False
        with path.open("rb") as stream:
            head = stream.read(MAX_FILE_BYTES + 1)
    except (OSError, ValueError):
        return True  # let check report it
    return len(head) > MAX_FILE_BYTES or any(line.startswith(b"cast:") for line in head.splitlines())


def _check(path: str, limit: int) -> tuple[Report, dict[str, str]]:
    """The report on one scenario file, and the persona file each cast member was read from
    (a bare id may name a file beside the scenario or a bundled one: authors need to know which).
    """
    from ..analysis import analyse, check_file
    from ..errors import ScenarioError
    from ..loader import load_scenario

    try:
        scenario = load_scenario(path)
    except ScenarioError:
        return check_file(path, limit=limit), {}  # the report of a file that does not load
    return analyse(scenario, limit=limit), {who: doc.file for who, doc in scenario.persona_documents.items()}


def run_check(args: argparse.Namespace) -> int:
    files = _scenario_files(args.paths)
    checked = [_check(f, args.max_situations) for f in files]
    reports = [report for report, _ in checked]
    ok = all(r.ok for r in reports)
    if args.json:
        # beside the reports (which are exactly the analysis's data): scenario file -> cast id -> persona file
        data = {
            "ok": ok,
            "reports": [r.to_dict() for r in reports],
            "personas": {r.file: personas for r, personas in checked},
        }
        sys.stdout.write(json_text(data) + "\n")
        return 0 if ok else EXIT_ERRORS
    out = _VisibleWriter(sys.stdout)
    for report, personas in checked:
        name = report.scenario or report.file
        counts = {s: sum(d.severity == s for d in report.diagnostics) for s in ("error", "warning", "info")}
        stats = report.stats
        head = f"{name}: {counts['error']} error(s), {counts['warning']} warning(s), {counts['info']} note(s)"
        if "optimum" in stats:
            head += (
                f"; {stats['situations']} situations, endings reached: {', '.join(stats['endings_reached'])}; "
                f"optimum {stats['optimum']:.2f}"
            )
        out.write(head + "\n")
        for who, file in personas.items():
            out.write(f"  persona {who}: {file}\n")
        for d in report.diagnostics:
            if args.quiet and d.severity == "info":
                continue
            out.write("  " + d.render().replace("\n", "\n  ") + "\n")
        passed = [e for e in report.expectations if e["passed"]]
        if report.expectations:
            out.write(f"  expectations: {len(passed)} of {len(report.expectations)} hold\n")
    out.write("ok\n" if ok else "errors found\n")
    return 0 if ok else EXIT_ERRORS


def run_solve(args: argparse.Namespace) -> int:
    from ..analysis import solver_for
    from ..loader import load_scenario

    scenario = load_scenario(args.scenario)
    solver = solver_for(scenario, limit=args.max_situations)
    if not solver.table.complete:
        from .usage import UsageError

        raise UsageError(f"{scenario.id} has more than {args.max_situations:,} situations; raise --max-situations")
    data = solver.to_dict()
    if args.json:
        sys.stdout.write(json_text(data) + "\n")
        return 0
    w = _VisibleWriter(sys.stdout).write
    w(f"{scenario.id}: {data['situations']} situations\n")
    w(f"optimum (expected overall under optimal play): {data['optimum']:.2f}\n")
    w(f"uniform random play: {data['random']:.2f}\n")
    for name, value in data["archetypes"].items():
        w(f"  {name:<11} {value:6.2f}\n")
    w("first moves (expected overall, optimal play afterwards):\n")
    for key, value in sorted(data["first_moves"].items(), key=lambda kv: -kv[1]):
        w(f"  {value:6.2f}  {key}\n")
    w("best line (most likely path of optimal play):\n")
    for n, step in enumerate(data["best_line"], start=1):
        end = f"  -> {step['ending']}" if step["ending"] else ""
        w(f"  {n}. {step['key']:<28} expects {step['expected']:6.2f}  (p={step['probability']:.2f}){end}\n")
    if "recommended" in data:
        rec = data["recommended"]
        if "error" in rec:
            w(f"recommended line: {rec['error']}\n")
        else:
            w(
                f"recommended line ({' '.join(rec['line'])}): {rec['expected']:.2f}, "
                f"{rec['gap']:.2f} below the optimum\n"
            )
    w("best play as a tree (results under 5% cut):\n")
    _tree(data["best_tree"], "  ", w)
    w(f"best ending: {data['best_ending']}; last turn it can still be reached from: {data['last_turn']}\n")
    w("points of no return (moves that can make the best ending unreachable):\n")
    shown = data["points_of_no_return"][:12]
    for point in shown:
        how = "always" if point["certain"] else "sometimes"
        turns = point["turns"]
        span = f"turn {turns[0]}" if len(turns) == 1 else f"turns {turns[0]}-{turns[-1]}"
        w(f"  {point['move']:<28} {how}, {span}; e.g. {' '.join(point['example'])}\n")
    if len(data["points_of_no_return"]) > len(shown):
        w(f"  ({len(data['points_of_no_return']) - len(shown)} more in --json)\n")
    return 0


def _tree(node: dict[str, Any], indent: str, w: Callable[[str], None]) -> None:
    if "move" not in node:
        return
    w(f"{indent}{node['move']}  (expects {node['expected']:.2f})\n")
    for result in node.get("outcomes", []):
        end = f" -> {result['ending']}" if result.get("ending") else ""
        w(f"{indent}  p={result['probability']:.2f}{end}\n")
        _tree(result, indent + "    ", w)
    if node.get("cut"):
        w(f"{indent}  (p={node['cut']:.2f} in less likely results)\n")


def run_graph(args: argparse.Namespace) -> int:
    from ..analysis.graph import GraphUnavailable, persona_diagram, situation_diagram
    from ..loader import load_scenario
    from .usage import UsageError

    scenario = load_scenario(args.scenario)
    cast = list(scenario.spec.cast)
    if args.persona is not None and args.persona not in cast:
        raise UsageError(f"unknown cast member {args.persona!r}; cast: {', '.join(cast)}")
    try:
        parts = [persona_diagram(scenario, who, fmt=args.format) for who in ([args.persona] if args.persona else cast)]
        if args.persona is None:
            parts.append(situation_diagram(scenario, fmt=args.format))
    except GraphUnavailable as exc:
        sys.stderr.write(f"parley graph: {exc}\n")
        return 2
    _VisibleWriter(sys.stdout).write("\n".join(parts))
    return 0


class _VisibleWriter:
    """Writes text that quotes files (paths, names, lines) with control characters shown."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream

    def write(self, text: str) -> None:
        self.stream.write(visible(text, multiline=True))
