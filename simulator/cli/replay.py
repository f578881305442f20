"""``parley replay FILE``: re-run a saved transcript (from ``/save`` or ``--json``) and debrief it.

The moves are played again from the saved seed against the scenario as it is now; a scenario
whose content changed since the save is not replayed (the snapshot carries its hash): the
transcript is shown as recorded, with a note. The scenario is the bundled one of the saved id,
or the file the transcript names (a scenario played from a file), or ``--scenario PATH``.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from ..safetext import json_text

if TYPE_CHECKING:
    from ..scenario import Scenario
    from .usage import Subparsers

__all__ = ["register", "run"]


def register(subparsers: Subparsers) -> None:
    p = subparsers.add_parser(
        "replay",
        help="replay a saved transcript and show its debrief",
        description="Replay a transcript saved with /save (or printed by 'play --json') and show its debrief.",
        epilog="Example: parley replay parley-declined-offer-7-turn5.json   |   "
        "parley replay run.json --scenario my-scenario.yaml",
    )
    p.add_argument("file", metavar="FILE", help="a transcript JSON file")
    p.add_argument(
        "--scenario",
        metavar="PATH",
        help="the scenario file to replay against (default: the bundled scenario of the saved id, "
        "or the file the transcript names)",
    )
    p.add_argument("--coach", action="store_true", help="show hidden state changes and notes")
    p.add_argument("--json", action="store_true", help="print the replayed run as one JSON document")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..errors import SnapshotError
    from ..session import Session
    from .document import build_document, read_document, review

    data = read_document(args.file)
    snapshot = data["snapshot"]
    saved = snapshot["scenario"]
    scenario = scenario_for(data, args)
    if saved["id"] != scenario.id:
        raise SnapshotError(
            f"{args.file}: the transcript is of scenario {saved['id']!r}, not {scenario.id!r} ({scenario.path})"
        )
    if saved.get("hash") != scenario.hash and "moves" in data:
        # The scenario was edited since the save: show what was recorded, and say so.
        sys.stderr.write(
            f"parley: note: scenario {scenario.id!r} has changed since the snapshot was taken "
            f"(hash {str(saved.get('hash'))[:12]} then, {scenario.hash[:12]} now); "
            "showing the transcript as it was recorded\n"
        )
        return show_recorded(data, args)
    try:
        session = Session.restore(scenario, snapshot)
    except SnapshotError as exc:
        raise SnapshotError(f"{args.file}: {exc}") from exc
    alts, note = review(session)
    if args.json:
        sys.stdout.write(json_text(build_document(session, alternatives=alts)) + "\n")
        return 0
    from .play import print_debrief
    from .render import briefing_view, make_console, turn_view

    console = make_console(plain=not sys.stdout.isatty())
    console.print(briefing_view(scenario, session.seed, fresh_seed=False))
    for turn in session.transcript:
        console.print()
        console.print(turn_view(turn, mood=turn.mood, coach=args.coach))
    print_debrief(console, session, alts, note=note)
    return 0


def scenario_for(data: dict[str, Any], args: argparse.Namespace) -> Scenario:
    """The scenario to replay against: ``--scenario``, else the file the transcript names, else
    the bundled scenario of the snapshot's id. A scenario that cannot be loaded is an error
    naming the transcript.
    """
    from ..errors import ScenarioError, SnapshotError
    from ..loader import load_scenario

    named = (data.get("scenario") or {}).get("path")
    ref = args.scenario or named or data["snapshot"]["scenario"]["id"]
    try:
        return load_scenario(ref)
    except ScenarioError as exc:
        hint = "" if args.scenario else "; give its file with --scenario PATH"
        raise SnapshotError(f"{args.file}: cannot load the scenario to replay against: {exc}{hint}") from exc


def show_recorded(data: dict[str, Any], args: argparse.Namespace) -> int:
    """Render a transcript document as recorded, without the engine (its scenario has changed)."""
    from .document import read_recorded

    if args.json:
        sys.stdout.write(json_text(data) + "\n")
        return 0
    recorded = read_recorded(data, args.file)
    from .render import debrief_view, make_console, turn_view

    console = make_console(plain=not sys.stdout.isatty())
    scenario = data["scenario"]
    console.print(f"{scenario.get('title', '')} (as recorded, seed {data.get('seed')})", style="bold")
    for turn in recorded.turns:
        console.print()
        console.print(turn_view(turn, mood=turn.mood, coach=args.coach))
    names = {s.who: s.name for s in recorded.debrief.stories}
    console.print(debrief_view(recorded.debrief, alternatives=recorded.alternatives, names=names))
    return 0
