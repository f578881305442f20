"""``parley schema``: the JSON Schemas of the persona and scenario file formats.

The schemas come from the pydantic models in :mod:`simulator.spec`; the repository keeps a copy
in ``schemas/`` that YAML files name on their first line (``# yaml-language-server: $schema=...``)
so editors can complete and check them. A test keeps that copy equal to this command's output.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .usage import Subparsers

__all__ = ["KINDS", "register", "render_schema", "run", "schema_for"]

KINDS = ("persona", "scenario")
DIALECT = "https://json-schema.org/draft/2020-12/schema"


def register(subparsers: Subparsers) -> None:
    p = subparsers.add_parser(
        "schema",
        help="print the JSON Schema of the persona or scenario format",
        description="Print the JSON Schema of a file format, or write both into a folder with --out.",
    )
    p.add_argument(
        "kind", nargs="?", choices=KINDS, help="which format; omitted: both (as one object, or two files with --out)"
    )
    p.add_argument("--out", metavar="DIR", help="write KIND.schema.json files into DIR instead of printing")
    p.set_defaults(run=run)


def schema_for(kind: str) -> dict[str, Any]:
    from ..spec import PersonaSpec, ScenarioSpec

    models: dict[str, type[PersonaSpec | ScenarioSpec]] = {"persona": PersonaSpec, "scenario": ScenarioSpec}
    return {"$schema": DIALECT, **models[kind].model_json_schema()}


def render_schema(kind: str) -> str:
    """The exact text of ``schemas/KIND.schema.json``."""
    return json.dumps(schema_for(kind), indent=2, ensure_ascii=False) + "\n"


def run(args: argparse.Namespace) -> int:
    from ..errors import SimulatorError

    kinds = [args.kind] if args.kind else list(KINDS)
    if args.out is None:
        if args.kind:
            sys.stdout.write(render_schema(args.kind))
        else:
            both = {kind: schema_for(kind) for kind in kinds}
            sys.stdout.write(json.dumps(both, indent=2, ensure_ascii=False) + "\n")
        return 0
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise SimulatorError(f"--out names a folder to write into; {str(out)!r} is a file")
    try:
        out.mkdir(parents=True, exist_ok=True)
        for kind in kinds:
            path = out / f"{kind}.schema.json"
            path.write_text(render_schema(kind), encoding="utf-8")
            sys.stdout.write(f"wrote {path}\n")
    except OSError as exc:
        raise SimulatorError(f"cannot write schemas to {str(out)!r}: {exc.strerror or exc}") from exc
    return 0
