"""Diagnostics as data: a finding about a scenario, located in its files (never an exception).

Severities: ``error`` (the scenario cannot be played as written, or an expectation it declares is
false: ``parley check`` exits 1), ``warning`` (content that can never be seen, a score that never
moves, a move that wins by repetition) and ``info`` (facts worth knowing: score ranges, persona
material this scenario does not use).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from ..yamlsource import dotted

if TYPE_CHECKING:
    from ..scenario import Scenario
    from ..yamlsource import Document

__all__ = ["SEVERITIES", "Diagnostic", "locate", "origin_document"]

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


def locate(
    doc: Document,
    path: Sequence[str | int],
    severity: str,
    code: str,
    message: str,
    *,
    key: bool = False,
    moves: Sequence[str] | None = None,
) -> Diagnostic:
    """A diagnostic at ``path`` in ``doc`` (at its key when ``key``)."""
    where = doc.locate(list(path), key=key)
    line, column = where if where else (None, None)
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
