"""The JSON transcript document: what ``play --json`` prints, ``/save`` writes and ``replay`` reads.

One format for all three, described by ``play_output.schema.json`` beside this module. It carries
the session's snapshot, so ``parley replay`` re-runs the moves against the scenario (and refuses
a scenario whose content has changed) instead of trusting the recorded replies.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..errors import SnapshotError

__all__ = ["DOCUMENT_FORMAT", "DOCUMENT_VERSION", "SCHEMA_FILE", "alternatives", "build_document", "read_document"]

DOCUMENT_FORMAT = "parley-transcript"
DOCUMENT_VERSION = 1
SCHEMA_FILE = Path(__file__).with_name("play_output.schema.json")


def build_document(session: Any, *, alternatives: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The whole run as JSON-ready data: scenario, seed, moves with replies, ending, scores, debrief."""
    scenario = session.scenario
    moods = _moods_after_each_turn(session)
    moves = []
    for turn, mood in zip(session.transcript, moods, strict=True):
        entry = turn.to_dict()
        entry["key"] = turn.key
        entry["mood"] = mood
        moves.append(entry)
    ending = session.ending
    debrief = session.debrief().to_dict()
    debrief["alternatives"] = alternatives
    return {
        "format": DOCUMENT_FORMAT,
        "version": DOCUMENT_VERSION,
        "scenario": {"id": scenario.id, "title": scenario.title, "source": scenario.source, "hash": scenario.hash},
        "seed": session.seed,
        "over": session.over,
        "moves": moves,
        "ending": None if ending is None else {"id": ending.id, "title": ending.title, "text": ending.text},
        "scores": session.scores,
        "debrief": debrief,
        "snapshot": session.snapshot(),
    }


def _moods_after_each_turn(session: Any) -> list[str | None]:
    """The speaker's visible mood after each turn, found by replaying the moves (cheap: no I/O)."""
    from ..session import Session

    turns = session.transcript
    if not turns:
        return []
    moods: list[str | None] = []
    with Session(session.scenario, session.seed) as again:
        for turn in turns:
            again.play(turn.key)
            by_id = {c.id: c.mood for c in again.counterparts()}
            moods.append(by_id.get(turn.speaker) if turn.speaker else None)
    return moods


def read_document(path: str | Path) -> dict[str, Any]:
    """A saved transcript (or a bare session snapshot); raises SnapshotError, one line, if unusable."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SnapshotError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SnapshotError(f"{path}: cannot read: {exc}") from exc
    except json.JSONDecodeError as exc:
        raise SnapshotError(f"{path}:{exc.lineno}:{exc.colno}: not JSON: {exc.msg}") from exc
    if isinstance(data, dict) and data.get("format") == "parley-session":
        return {"snapshot": data}
    if not isinstance(data, dict) or data.get("format") != DOCUMENT_FORMAT:
        raise SnapshotError(f"{path}: not a Parley transcript (expected format {DOCUMENT_FORMAT!r})")
    version = data.get("version")
    if not isinstance(version, int) or not 1 <= version <= DOCUMENT_VERSION:
        from ..errors import IncompatibleVersion

        raise IncompatibleVersion(f"{path}", version, f"version {DOCUMENT_VERSION}")
    if not isinstance(data.get("snapshot"), dict):
        raise SnapshotError(f"{path}: the transcript has no snapshot to replay")
    return data


def situations_before_each_turn(session: Any) -> list[tuple[int, ...]]:
    """Replays the session's moves from its seed, noting the situation before each one."""
    from ..session import Session

    out = []
    with Session(session.scenario, session.seed) as again:
        for key in session.played:
            out.append(again.situation)
            again.play(key)
    return out


def load_solver(scenario: Any) -> Any | None:
    """The analysis solver for a scenario, or None when :mod:`simulator.analysis` is not installed."""
    try:
        from ..analysis import solver_for  # type: ignore[attr-defined]
    except ImportError:
        return None
    return solver_for(scenario)


def alternatives(session: Any, solver: Any | None = None) -> list[dict[str, Any]] | None:
    """Per turn played: the move played and the best one, each with its value under best play after.

    None when the analysis is not available.
    """
    solver = solver if solver is not None else load_solver(session.scenario)
    if solver is None:
        return None
    out = []
    for number, (situation, key) in enumerate(zip(situations_before_each_turn(session), session.played), start=1):
        values = solver.move_values(situation)
        best = max(values, key=lambda k: (values[k], k == key))
        out.append(
            {
                "turn": number,
                "played": key,
                "played_value": float(values.get(key, 0.0)),
                "best": best,
                "best_value": float(values[best]),
            }
        )
    return out
