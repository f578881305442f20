"""Every error Parley raises on purpose.

::

    SimulatorError                 the root: catch this to catch them all
     +-- ScenarioError             a persona or scenario file is malformed or inconsistent
     |                             (including one written for a newer schema_version)
     +-- IllegalMove               a move that is not legal now (names the legal ones)
     +-- InvalidSeed               a seed that is not a whole number from 0 to 2**63 - 1
     +-- InvalidArgument           a public function given an argument of the wrong kind
     |                             (also a TypeError)
     +-- SnapshotError             a snapshot that does not belong to this scenario or is damaged
     |    +-- IncompatibleVersion  a snapshot written by a newer snapshot format
     +-- StoreError                the session store cannot be read or written
     +-- AnalysisError             a question the analysis cannot answer as asked: a line
                                   not legal where a move falls, an unknown policy (also a
                                   ValueError)

Each message is one line that says what was wrong and where, so the command-line front end can
print it as it is instead of a traceback. The root makes sure of it: ``str()`` of any of them
shows control characters as escapes and cuts a message past a few thousand characters, because
messages quote files, arguments and the store (:mod:`simulator.safetext`).
"""

from __future__ import annotations

from collections.abc import Sequence

from .safetext import brief, one_line

__all__ = [
    "AnalysisError",
    "IllegalMove",
    "IncompatibleVersion",
    "InvalidArgument",
    "InvalidSeed",
    "ScenarioError",
    "SimulatorError",
    "SnapshotError",
    "StoreError",
]


class SimulatorError(Exception):
    """Root of every error Parley raises on purpose."""

    def __str__(self) -> str:
        return one_line(super().__str__())


class ScenarioError(SimulatorError):
    """A persona or scenario file that cannot be used, located as ``file:line:column``."""

    def __init__(
        self,
        reason: str,
        *,
        file: str | None = None,
        line: int | None = None,
        column: int | None = None,
        field: str = "",
    ) -> None:
        self.reason = reason
        self.file = file
        self.line = line
        self.column = column
        self.field = field
        super().__init__(self._render())

    def _render(self) -> str:
        field = f" {self.field}:" if self.field else ""
        if self.file is None:
            return f"{field.strip()} {self.reason}".strip()
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}:{field} {self.reason}"


class IllegalMove(SimulatorError):
    """A move that cannot be played now. ``legal`` lists what could be played instead."""

    def __init__(self, move: str, target: str | None, reason: str, legal: Sequence[str]) -> None:
        self.move = move
        self.target = target
        self.legal = tuple(legal)
        shown = f"{move}:{target}" if target else move
        choices = ", ".join(self.legal) if self.legal else "none"
        super().__init__(f"illegal move {brief(shown)}: {reason}; legal moves: {choices}")


class InvalidSeed(SimulatorError, ValueError):
    """A seed that is not a whole number in ``range(MAX_SEED + 1)``; also a ``ValueError``."""


class InvalidArgument(SimulatorError, TypeError):
    """A public function called with an argument of the wrong kind; also a ``TypeError``.
    The message names the argument and what it must be.
    """

    def __init__(self, name: str, expected: str, got: object) -> None:
        self.name = name
        self.expected = expected
        shown = repr(got)
        shown = shown if len(shown) <= 40 else shown[:37] + "..."
        super().__init__(f"{name} must be {expected}, not {type(got).__name__} {shown}")


class SnapshotError(SimulatorError):
    """A snapshot that cannot be restored onto the given scenario."""


class IncompatibleVersion(SnapshotError):
    """Data written by a format version this engine does not read."""

    def __init__(self, what: str, found: object, supported: object) -> None:
        self.what = what
        self.found = found
        self.supported = supported
        super().__init__(f"{what} has format version {brief(found)}; this Parley reads {supported}")


class StoreError(SimulatorError):
    """The session store could not be opened, read or written."""


class AnalysisError(SimulatorError, ValueError):
    """A question the analysis cannot answer as asked; also a ``ValueError``."""
