"""A loaded scenario: its validated spec, the personas it casts, and where each came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from .spec import PersonaSpec, ScenarioSpec
from .yamlsource import Document

if TYPE_CHECKING:
    from .rules import Rules
    from .scoring import Rubric

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

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def title(self) -> str:
        return self.spec.title

    @property
    def source(self) -> str:
        return self.spec.source

    @cached_property
    def rules(self) -> Rules:
        """The compiled rules, shared by every scenario object with the same content."""
        from .rules import compile_rules

        return compile_rules(self)

    @cached_property
    def rubric(self) -> Rubric:
        from .scoring import Rubric

        return Rubric(self.spec, self.rules)

    def __repr__(self) -> str:
        return f"Scenario(id={self.id!r}, path={str(self.path)!r}, hash={self.hash[:12]!r})"
