"""A loaded scenario: its validated spec, the personas it casts, where each came from, and what
they compile to (the rules and the scoring rubric), built once by :func:`simulator.load_scenario`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .claims import Claim
from .rules import Rules
from .scoring import Rubric
from .spec import PersonaSpec, ScenarioSpec
from .yamlsource import Document

__all__ = ["Scenario"]


@dataclass(eq=False)
class Scenario:
    """What :func:`simulator.load_scenario` returns. Compare scenarios by ``hash``."""

    spec: ScenarioSpec
    personas: dict[str, PersonaSpec]
    path: Path
    hash: str
    document: Document = field(repr=False)
    persona_documents: dict[str, Document] = field(repr=False)
    rules: Rules = field(repr=False)
    rubric: Rubric = field(repr=False)
    claims: tuple[Claim, ...] = field(default=(), repr=False)  # the expect: entries, checked

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def title(self) -> str:
        return self.spec.title

    @property
    def source(self) -> str:
        return self.spec.source

    def __repr__(self) -> str:
        return f"Scenario(id={self.id!r}, path={str(self.path)!r}, hash={self.hash[:12]!r})"
