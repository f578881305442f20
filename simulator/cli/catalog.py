"""``parley list``: the bundled scenarios as a table (id, title, counterparts, source story)."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from ..safetext import json_text

if TYPE_CHECKING:
    from .usage import Subparsers

__all__ = ["register", "run"]


def register(subparsers: Subparsers) -> None:
    p = subparsers.add_parser(
        "list",
        help="list the bundled scenarios",
        description="List the bundled scenarios: id, title, counterparts and the source story.",
    )
    p.add_argument("--json", action="store_true", help="print the list as JSON instead of a table")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from .. import list_scenarios

    infos = list_scenarios()
    if args.json:
        rows = [
            {"id": i.id, "title": i.title, "cast": list(i.cast), "source": i.source, "summary": i.summary}
            for i in infos
        ]
        sys.stdout.write(json_text(rows) + "\n")
        return 0
    from .render import make_console, scenario_table

    console = make_console()
    console.print(scenario_table(infos, width=console.width))
    console.print("Play one with: parley play ID", style="dim")
    return 0
