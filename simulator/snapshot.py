"""Session snapshots: built and read here only, for sessions, transcripts and the store.

A snapshot is the whole truth of a session in a few JSON values: the scenario's id and content
hash, the seed, how many draws were made, and the choices played (in move notation), with the
learner's own words beside them. Restoring replays the choices, so every snapshot is also a
replay certificate that anyone can check against the scenario file.

Format versions (a reader accepts every version up to its own)::

    1  format, version, engine, scenario {id, hash}, seed, draws, moves
    2  adds ``said``: the learner's words for each move (None where none were given), so a
       restored transcript shows what was said; a manner may appear in a move (``a:b/manner``)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeGuard

from ._version import __version__
from .errors import IncompatibleVersion, InvalidSeed, SnapshotError
from .rng import check_seed

__all__ = ["SNAPSHOT_FORMAT", "SNAPSHOT_VERSION", "Snapshot", "make_snapshot", "read_snapshot"]

SNAPSHOT_FORMAT = "parley-session"
SNAPSHOT_VERSION = 2
MAX_MOVES = 10_000  # far beyond any scenario's turn limit; a longer list is damage, not play


@dataclass(frozen=True)
class Snapshot:
    """A snapshot's content, checked."""

    scenario_id: str
    scenario_hash: str
    seed: int
    draws: int
    moves: tuple[str, ...]
    said: tuple[str | None, ...]


def make_snapshot(
    scenario_id: str, scenario_hash: str, seed: int, draws: int, moves: Sequence[str], said: Sequence[str | None]
) -> dict[str, Any]:
    """The JSON-ready snapshot: the one place its shape is written."""
    return {
        "format": SNAPSHOT_FORMAT,
        "version": SNAPSHOT_VERSION,
        "engine": __version__,
        "scenario": {"id": scenario_id, "hash": scenario_hash},
        "seed": seed,
        "draws": draws,
        "moves": list(moves),
        "said": list(said),
    }


def _whole(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def read_snapshot(data: object) -> Snapshot:
    """Check a snapshot's shape and types; raises :class:`SnapshotError` (one line) when it is
    not one, is damaged, or :class:`IncompatibleVersion` when it is newer than this Parley.
    """
    if not isinstance(data, Mapping) or data.get("format") != SNAPSHOT_FORMAT:
        raise SnapshotError(f"not a Parley session snapshot (missing format {SNAPSHOT_FORMAT!r})")
    version = data.get("version")
    if not _whole(version) or not 1 <= version <= SNAPSHOT_VERSION:
        found = version if len(repr(version)) <= 40 else f"{repr(version)[:37]}..."
        raise IncompatibleVersion("the snapshot", found, f"version {SNAPSHOT_VERSION}")
    meta = data.get("scenario")
    seed, draws, moves = data.get("seed"), data.get("draws"), data.get("moves")
    if not isinstance(meta, Mapping) or not isinstance(meta.get("id"), str):
        raise SnapshotError("the snapshot names no scenario")
    if not isinstance(meta.get("hash"), str):
        raise SnapshotError("the snapshot is damaged: its scenario has no content hash")
    if not isinstance(seed, int) or not _whole(draws):
        raise SnapshotError("the snapshot is damaged: scenario, seed or draws missing")
    try:
        check_seed(seed)
    except InvalidSeed:
        shown = repr(seed) if len(repr(seed)) <= 40 else repr(seed)[:37] + "..."
        raise SnapshotError(
            f"the snapshot is damaged: seed {shown} is not a whole number from 0 to {2**63 - 1}"
        ) from None
    if not 0 <= draws <= 4 * MAX_MOVES:
        raise SnapshotError(f"the snapshot is damaged: draw count out of range (0 to {4 * MAX_MOVES})")
    if not isinstance(moves, list) or len(moves) > MAX_MOVES or not all(isinstance(m, str) for m in moves):
        raise SnapshotError("the snapshot is damaged: moves must be a list of strings")
    said = data.get("said", [None] * len(moves))
    if not isinstance(said, list) or len(said) != len(moves) or not all(s is None or isinstance(s, str) for s in said):
        raise SnapshotError("the snapshot is damaged: 'said' must list text (or null) for each move")
    return Snapshot(str(meta["id"]), str(meta["hash"]), seed, draws, tuple(moves), tuple(said))
