"""The JSON transcript document: what ``play --json`` prints, ``/save`` writes and ``replay`` reads.

One format for all three, described by ``play_output.schema.json`` beside this module. It carries
the session's snapshot, so ``parley replay`` re-runs the moves against the scenario (and refuses
a scenario whose content has changed) instead of trusting the recorded replies. A scenario loaded
from a file outside the bundled set is named by its path as well as its id, so it can be found
again.

Reading is strict: :func:`read_document` checks every part a replay uses, and anything damaged is
one :class:`~simulator.errors.SnapshotError` line naming the file.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import fields, is_dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, NoReturn

from ..errors import SnapshotError
from ..skill import ANALYSIS_LIMIT as _ANALYSIS_LIMIT

if TYPE_CHECKING:
    from ..analysis.solver import Alternative, Solver
    from ..scenario import Scenario
    from ..scoring import Debrief
    from ..session import Session
    from ..transcript import Turn

__all__ = [
    "ANALYSIS_LIMIT",
    "DOCUMENT_FORMAT",
    "DOCUMENT_VERSION",
    "SCHEMA_FILE",
    "Recorded",
    "alternatives",
    "build_document",
    "load_solver",
    "move_values",
    "read_document",
    "read_recorded",
    "review",
    "scenario_path",
    "too_large",
]

DOCUMENT_FORMAT = "parley-transcript"
# 1: the first version; 2: turns carry manner, said and choice_key, the snapshot carries said
DOCUMENT_VERSION = 2
SCHEMA_FILE = Path(__file__).with_name("play_output.schema.json")

# How many situations the front end explores to rate moves: the analysis's limit (see
# simulator.skill), named here so that tests can lower it for the front end alone.
ANALYSIS_LIMIT = _ANALYSIS_LIMIT
UNKNOWN_SITUATION = "the analysis does not hold a situation this run reached"


def too_large() -> str:
    """Why nothing is rated when the table is incomplete (one line, no final stop)."""
    return f"this scenario has more than {ANALYSIS_LIMIT:,} situations, too many to rate every move"


def build_document(session: Session, *, alternatives: list[Alternative] | None = None) -> dict[str, Any]:
    """The whole run as JSON-ready data: scenario, seed, moves with replies, ending, scores, debrief."""
    scenario = session.scenario
    from ..analysis.review import rated_debrief

    moves = [{**turn.to_dict(), "key": turn.key} for turn in session.transcript]
    ending = session.ending
    debrief = rated_debrief(session, alternatives or ()).to_dict()
    debrief["alternatives"] = alternatives
    about: dict[str, str | None] = {
        "id": scenario.id,
        "title": scenario.title,
        "source": scenario.source,
        "hash": scenario.hash,
    }
    path = scenario_path(scenario)
    if path is not None:
        about["path"] = path
    return {
        "format": DOCUMENT_FORMAT,
        "version": DOCUMENT_VERSION,
        "scenario": about,
        "seed": session.seed,
        "over": session.over,
        "moves": moves,
        "ending": None if ending is None else {"id": ending.id, "title": ending.title, "text": ending.text},
        "scores": session.scores,
        "debrief": debrief,
        "snapshot": session.snapshot(),
    }


def scenario_path(scenario: Scenario) -> str | None:
    """The scenario file's absolute path when it is not one of the bundled scenarios (which are
    found by id), else None.
    """
    from ..loader import bundled_scenario_paths

    path = Path(scenario.path).resolve()
    if any(path == bundled.resolve() for bundled in bundled_scenario_paths()):
        return None
    return str(path)


# --- reading ------------------------------------------------------------------------------------


def read_document(path: str | Path) -> dict[str, Any]:
    """A saved transcript (or a bare session snapshot); raises SnapshotError, one line, if unusable.

    Everything a replay reads is checked here: the snapshot's scenario, and for a transcript the
    scenario it names and the recorded moves and debrief (see :func:`read_recorded`).
    """
    data = _load_json(path)
    if isinstance(data, dict) and data.get("format") == "parley-session":
        data = {"snapshot": data}
    else:
        if not isinstance(data, dict) or data.get("format") != DOCUMENT_FORMAT:
            raise SnapshotError(f"{path}: not a Parley transcript (expected format {DOCUMENT_FORMAT!r})")
        version = data.get("version")
        if not isinstance(version, int) or not 1 <= version <= DOCUMENT_VERSION:
            from ..errors import IncompatibleVersion

            raise IncompatibleVersion(f"{path}", version, f"version {DOCUMENT_VERSION}")
    snapshot = data.get("snapshot")
    if not isinstance(snapshot, dict):
        raise SnapshotError(f"{path}: the transcript has no snapshot to replay")
    # Session.restore checks it too, but a transcript of an edited scenario is shown without it.
    from ..snapshot import read_snapshot

    try:
        read_snapshot(snapshot)
    except SnapshotError as exc:
        raise SnapshotError(f"{path}: {exc}") from exc
    if "format" in data:
        read_recorded(data, path)
    return data


# A transcript of the longest scenario is some hundreds of kilobytes; read no more than this.
MAX_DOCUMENT_BYTES = 20_000_000
_MAX_NUMBER_DIGITS = 40  # seeds are below 2**63 (19 digits); no number in a transcript is longer


def _load_json(path: str | Path) -> object:
    """The JSON value in the file; anything that is not a readable, reasonable JSON file is a
    SnapshotError naming it (too large, not UTF-8, nested too deep, a number too long).
    """
    try:
        with open(path, "rb") as stream:
            raw = stream.read(MAX_DOCUMENT_BYTES + 1)
    except FileNotFoundError:
        raise SnapshotError(f"{path}: no such file") from None
    except (OSError, ValueError) as exc:
        raise SnapshotError(f"{path}: cannot read: {getattr(exc, 'strerror', None) or exc}") from None
    if len(raw) > MAX_DOCUMENT_BYTES:
        raise SnapshotError(f"{path}: larger than {MAX_DOCUMENT_BYTES:,} bytes; not a Parley transcript")
    try:
        return json.loads(raw.decode("utf-8"), parse_int=_whole_number, parse_constant=_no_constant)
    except UnicodeDecodeError as exc:
        raise SnapshotError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise SnapshotError(f"{path}:{exc.lineno}:{exc.colno}: not JSON: {exc.msg}") from None
    except _Refused as exc:
        raise SnapshotError(f"{path}: not a Parley transcript: {exc}") from None
    except RecursionError:
        raise SnapshotError(f"{path}: not a Parley transcript: its values are nested too deep") from None


class _Refused(ValueError):
    """A JSON value no Parley transcript holds."""


def _whole_number(text: str) -> int:
    if len(text.lstrip("-")) > _MAX_NUMBER_DIGITS:
        raise _Refused(f"a number of {len(text):,} digits")
    return int(text)


def _no_constant(text: str) -> NoReturn:
    raise _Refused(f"{text} is not a number JSON allows")


class Recorded(NamedTuple):
    """A transcript document's recorded part, rebuilt as library objects for display."""

    turns: list[Turn]
    debrief: Debrief
    alternatives: list[Alternative] | None


def read_recorded(data: Mapping[str, Any], path: str | Path) -> Recorded:
    """The recorded moves, debrief and alternatives of a transcript document (not replayed);
    raises SnapshotError naming ``path`` when any of them is damaged.
    """
    from ..coaching import PhrasingNote
    from ..scoring import Debrief, StoryAtEnd, TurningPoint
    from ..transcript import Turn

    try:
        about = data["scenario"]
        if not isinstance(about, dict) or not isinstance(about.get("path", ""), str):
            raise TypeError("'scenario' must be an object, its 'path' a string")
        turns = [Turn.from_dict(_mapping(m, "a move")) for m in _list(data["moves"], "'moves'")]
        snapshot_moves = data["snapshot"].get("moves")
        if [t.key for t in turns] != snapshot_moves:
            raise ValueError("the recorded moves differ from the snapshot's")
        d = dict(_mapping(data["debrief"], "'debrief'"))
        alts = _alternatives(d.pop("alternatives", None))
        debrief = Debrief(
            **{k: v for k, v in d.items() if k not in {"turning_points", "stories", "recommended", "phrasing_notes"}},
            phrasing_notes=tuple(
                PhrasingNote(**_mapping(n, "a phrasing note"))
                for n in _list(d.get("phrasing_notes", []), "'phrasing_notes'")
            ),
            turning_points=tuple(
                TurningPoint(**_mapping(t, "a turning point")) for t in _list(d["turning_points"], "'turning_points'")
            ),
            stories=tuple(StoryAtEnd(**_mapping(s, "a story")) for s in _list(d["stories"], "'stories'")),
            recommended=tuple(_list(d["recommended"], "'recommended'")),
        )
        for item in (
            *turns,
            *(c for t in turns for c in t.changes),
            debrief,
            *debrief.turning_points,
            *debrief.stories,
            *debrief.phrasing_notes,
        ):
            _check_types(item)
        if not all(isinstance(k, str) for k in debrief.recommended):
            raise ValueError("'recommended' must list moves")
    except (KeyError, TypeError, ValueError) as exc:
        raise SnapshotError(f"{path}: the transcript is damaged ({exc.__class__.__name__}: {exc})") from exc
    return Recorded(turns, debrief, alts)


def _list(value: object, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise TypeError(f"{what} must be a list, not {type(value).__name__}")
    return value


def _mapping(value: object, what: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise TypeError(f"{what} must be an object, not {value!r:.40}")
    return value


def _alternatives(value: object) -> list[Alternative] | None:
    if value is None:
        return None
    checked: list[Alternative] = _list(value, "'alternatives'")  # JSON, each item checked below
    for item in checked:
        alt = _mapping(item, "an alternative")
        if not (
            isinstance(alt.get("turn"), int)
            and all(isinstance(alt.get(k), str) for k in ("played", "best"))
            and all(
                isinstance(alt.get(k), (int, float)) and not isinstance(alt.get(k), bool)
                for k in ("played_value", "best_value")
            )
        ):
            raise ValueError(f"an alternative must have turn, played, played_value, best and best_value: {alt!r:.60}")
    return checked


_TYPES: dict[str, tuple[type, ...]] = {"str": (str,), "int": (int,), "None": (type(None),), "dict[str, int]": (dict,)}


def _check_types(record: object) -> None:
    """Raise TypeError when a field of a rebuilt record does not have its declared type (fields
    whose annotation is not a plain one here, such as tuples of records, are checked apart).
    """
    assert is_dataclass(record)
    for f in fields(record):
        parts = [p.strip() for p in str(f.type).split("|")]
        if not all(p in _TYPES for p in parts):
            continue
        allowed = tuple(t for p in parts for t in _TYPES[p])
        value = getattr(record, f.name)
        if not isinstance(value, allowed) or (isinstance(value, bool) and bool not in allowed):
            raise TypeError(f"{type(record).__name__}.{f.name} must be {f.type}, not {value!r:.40}")
        if isinstance(value, dict) and not all(isinstance(k, str) and isinstance(v, int) for k, v in value.items()):
            raise TypeError(f"{type(record).__name__}.{f.name} must map names to whole numbers")


# --- the analysis -------------------------------------------------------------------------------


def load_solver(scenario: Scenario) -> Solver | None:
    """The analysis solver for a scenario, explored up to :data:`ANALYSIS_LIMIT` situations; None
    when the scenario is larger (an incomplete table rates moves by a part of the scenario).
    """
    from ..analysis.review import rating_solver

    return rating_solver(scenario, limit=ANALYSIS_LIMIT)


def move_values(solver: Solver, situation: tuple[int, ...]) -> dict[str, float] | None:
    """Each legal move's value in ``situation``, or None for a situation the table does not hold."""
    try:
        return dict(solver.move_values(situation))
    except KeyError:
        return None


def review(session: Session, solver: Solver | None = None) -> tuple[list[Alternative] | None, str | None]:
    """Per turn played: the move played and the best one, each with its value under best play
    after (the solver's review); or None and a one-line reason why the moves cannot be rated.
    """
    solver = solver if solver is not None else load_solver(session.scenario)
    if solver is None:
        return None, too_large()
    try:
        rows = solver.review(session.history, session.played)
    except KeyError:
        return None, UNKNOWN_SITUATION
    kept: list[Alternative] = [
        {
            "turn": row["turn"],
            "played": row["played"],
            "played_value": row["played_value"],
            "best": row["best"],
            "best_value": row["best_value"],
        }
        for row in rows
    ]
    return kept, None


def alternatives(session: Session, solver: Solver | None = None) -> list[Alternative] | None:
    """The rows of :func:`review`, or None when the moves cannot be rated."""
    return review(session, solver)[0]
