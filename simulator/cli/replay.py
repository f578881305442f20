"""``parley replay FILE``: re-run a saved transcript (from ``/save`` or ``--json``) and debrief it.

The moves are played again from the saved seed against the scenario as it is now; a scenario
whose content changed since the save is refused (the snapshot carries its hash), so what is shown
is always what the engine does, not what a file claims.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

__all__ = ["register", "run"]


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "replay",
        help="replay a saved transcript and show its debrief",
        description="Replay a transcript saved with /save (or printed by 'play --json') and show its debrief.",
    )
    p.add_argument("file", metavar="FILE", help="a transcript JSON file")
    p.add_argument("--coach", action="store_true", help="show hidden state changes and notes")
    p.add_argument("--json", action="store_true", help="print the replayed run as one JSON document")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..errors import SnapshotError
    from ..loader import load_scenario
    from ..session import Session
    from .document import alternatives, build_document, read_document

    data = read_document(args.file)
    snapshot = data["snapshot"]
    scenario_id = (snapshot.get("scenario") or {}).get("id")
    if not isinstance(scenario_id, str):
        raise SnapshotError(f"{args.file}: the snapshot names no scenario")
    scenario = load_scenario(scenario_id)
    try:
        session = Session.restore(scenario, snapshot)
    except SnapshotError as exc:
        if "moves" not in data:  # a bare snapshot: nothing recorded to fall back on
            raise
        # The scenario was edited since the save: show what was recorded, and say so.
        sys.stderr.write(f"parley: note: {exc}; showing the transcript as it was recorded\n")
        return show_recorded(data, args)
    alts = alternatives(session)
    if args.json:
        sys.stdout.write(json.dumps(build_document(session, alternatives=alts), indent=2, ensure_ascii=False) + "\n")
        return 0
    from .play import mood_of, print_debrief
    from .render import briefing_view, make_console, turn_view

    console = make_console(plain=not sys.stdout.isatty())
    console.print(briefing_view(scenario, session.seed, fresh_seed=False))
    with Session(scenario, session.seed) as again:
        for turn in session.transcript:
            again.play(turn.key)
            console.print()
            console.print(turn_view(turn, mood=mood_of(again, turn.speaker), coach=args.coach))
    print_debrief(console, session, alts)
    return 0


def show_recorded(data: dict[str, Any], args: argparse.Namespace) -> int:
    """Render a transcript document as recorded, without the engine (its scenario has changed)."""
    from ..errors import SnapshotError
    from ..scoring import Debrief, StoryAtEnd, TurningPoint
    from ..transcript import StateChange, Turn

    if args.json:
        sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        return 0
    try:
        turns = [
            (
                Turn(
                    **{k: v for k, v in m.items() if k not in {"key", "mood", "changes"}},
                    changes=tuple(StateChange(**c) for c in m["changes"]),
                ),
                m.get("mood"),
            )
            for m in data["moves"]
        ]
        d = dict(data["debrief"])
        alts = d.pop("alternatives", None)
        debrief = Debrief(
            **{k: v for k, v in d.items() if k not in {"turning_points", "stories", "recommended"}},
            turning_points=tuple(TurningPoint(**t) for t in d["turning_points"]),
            stories=tuple(StoryAtEnd(**s) for s in d["stories"]),
            recommended=tuple(d["recommended"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise SnapshotError(f"{args.file}: the transcript is damaged ({exc.__class__.__name__}: {exc})") from exc
    from .render import debrief_view, make_console, turn_view

    console = make_console(plain=not sys.stdout.isatty())
    scenario = data.get("scenario", {})
    console.print(f"{scenario.get('title', '')} (as recorded, seed {data.get('seed')})", style="bold")
    for turn, mood in turns:
        console.print()
        console.print(turn_view(turn, mood=mood, coach=args.coach))
    names = {s.who: s.name for s in debrief.stories}
    console.print(debrief_view(debrief, alternatives=alts, names=names))
    return 0
