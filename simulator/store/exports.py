"""Stored sessions as JSON Lines, CSV and xAPI 1.0.3 statements.

xAPI ids are UUIDv5 of the session's stored ``uid`` (and the turn), so exporting twice gives the
same statement ids and posting them to a learning record store again is harmless: an LRS
accepts a statement it already holds when the content is the same. The ``registration`` (which
groups all statements of one attempt) is derived from the session in the same way.
"""

from __future__ import annotations

import csv
import json
import unicodedata
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from .records import SessionRecord, TurnRecord

__all__ = [
    "FORMULA_STARTS",
    "PARLEY_NAMESPACE",
    "XapiOptions",
    "csv_cell",
    "dimensions",
    "registration",
    "write_csv",
    "write_json_array",
    "write_jsonl",
    "xapi_statements",
]

# Fixed forever: changing it would change every exported statement id.
PARLEY_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://parley.example/xapi")

VERBS = {
    "completed": "http://adlnet.gov/expapi/verbs/completed",
    "suspended": "http://adlnet.gov/expapi/verbs/suspended",
    "responded": "http://adlnet.gov/expapi/verbs/responded",
}
SIMULATION = "http://adlnet.gov/expapi/activities/simulation"
INTERACTION = "http://adlnet.gov/expapi/activities/interaction"
COURSE = "http://adlnet.gov/expapi/activities/course"
CORE = ("outcome", "relationship", "integrity", "overall")


def registration(session: SessionRecord) -> str:
    return str(uuid.uuid5(PARLEY_NAMESPACE, f"registration/{session.uid}"))


# --- JSON Lines and CSV -----------------------------------------------------------------------


# The records' fields, read once: a shallow dict per row (dataclasses.asdict deep-copies every
# nested score and detail dict, which made exports three times slower; json.dumps copies anyway).
_SESSION_FIELDS = tuple(f.name for f in fields(SessionRecord))
_TURN_FIELDS = tuple(f.name for f in fields(TurnRecord))


def _session_dict(s: SessionRecord) -> dict[str, Any]:
    data = {name: getattr(s, name) for name in _SESSION_FIELDS}
    data["finished"] = s.finished
    data["skill"], data["chance"] = s.skill, s.chance  # None for sessions with no rating
    return data


def _turn_dict(t: TurnRecord) -> dict[str, Any]:
    return {name: getattr(t, name) for name in _TURN_FIELDS}


Pairs = Iterable[tuple[SessionRecord, Sequence[TurnRecord]]]


def write_jsonl(path: Path, pairs: Pairs) -> int:
    """One line per session with its turns; returns how many sessions were written."""
    count = 0
    with path.open("w", encoding="utf-8") as out:
        for s, turns in pairs:
            row = _session_dict(s)
            row["turns"] = [_turn_dict(t) for t in turns]
            out.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
            count += 1
    return count


def dimensions(score_maps: Iterable[Mapping[str, int] | None]) -> list[str]:
    """The score dimensions named anywhere in ``score_maps``: the core four first, then the rest sorted."""
    seen: set[str] = set()
    for m in score_maps:
        if m:
            seen.update(m)
    return [d for d in CORE if d in seen] + sorted(seen - set(CORE))


# A cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets (CSV
# injection): learner names and replies are text someone typed, so such a cell gets a leading
# single quote, as OWASP's CSV injection guidance says. Spreadsheets also skip leading spaces and
# line breaks before a formula, and read full-width signs (U+FF1D "＝", U+FF0B "＋", ...) as the
# ASCII ones: a cell is looked at after its leading whitespace, with its first character in NFKC
# form (which maps every such variant to the ASCII sign). Numbers stay numbers (-5 stays -5).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def csv_cell(value: Any) -> Any:
    """``value`` safe for a spreadsheet: text that would start a formula is prefixed with ``'``."""
    if not isinstance(value, str) or not value:
        return value
    if value.startswith(FORMULA_STARTS):
        return "'" + value
    stripped = value.lstrip()
    first = unicodedata.normalize("NFKC", stripped[:1])[:1] if stripped else ""
    if first in FORMULA_STARTS or unicodedata.category(value[0]) == "Cc":
        return "'" + value
    return value


def _row(writer: Any, cells: Sequence[Any]) -> None:
    writer.writerow([csv_cell(v) for v in cells])


SESSION_HEAD = [
    "session",
    "uid",
    "learner",
    "display",
    "scenario",
    "scenario_hash",
    "engine",
    "seed",
    "started",
    "ended",
    "ending",
    "turns",
    "skill",
    "worth",
    "optimum",
    "chance",
]
TURN_HEAD = ["session", "learner", "scenario", "number", "key", "move", "target", "reply", "at", "undone_at", "ending"]


def write_csv(path: Path, pairs: Pairs, dims: Sequence[str], *, table: str = "sessions") -> int:
    """One row per session (``table="sessions"``) or per turn (``"turns"``), score columns ``dims``."""
    if table not in ("sessions", "turns"):
        raise ValueError(f"table must be 'sessions' or 'turns', not {table!r}")
    count = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        if table == "sessions":
            _row(writer, SESSION_HEAD + [f"score_{d}" for d in dims])
            for s, _ in pairs:
                scores = s.scores or {}
                _row(
                    writer,
                    [
                        s.id,
                        s.uid,
                        s.learner,
                        s.display,
                        s.scenario_id,
                        s.scenario_hash,
                        s.engine,
                        s.seed,
                        s.started,
                        s.ended or "",
                        s.ending or "",
                        s.turns,
                        *(_blank(v) for v in (s.skill, s.worth, s.optimum, s.chance)),
                    ]
                    + [scores.get(d, "") for d in dims],
                )
                count += 1
            return count
        _row(writer, TURN_HEAD + [f"score_{d}" for d in dims] + [f"delta_{d}" for d in dims])
        for s, turns in pairs:
            for t in turns:
                _row(
                    writer,
                    [
                        s.id,
                        s.learner,
                        s.scenario_id,
                        t.number,
                        t.key,
                        t.move,
                        t.target or "",
                        t.reply,
                        t.at,
                        t.undone_at or "",
                        t.ending or "",
                    ]
                    + [t.scores.get(d, "") for d in dims]
                    + [t.delta.get(d, "") for d in dims],
                )
                count += 1
        return count


def _blank(value: float | None) -> Any:
    """An empty cell for no figure (a session with no rating), as for a missing score."""
    return "" if value is None else value


def write_json_array(path: Path, items: Iterable[Any]) -> int:
    """``items`` as one JSON array, one item per line, written as they come; returns how many."""
    count = 0
    with path.open("w", encoding="utf-8") as out:
        out.write("[")
        for item in items:
            out.write(",\n" if count else "\n")
            out.write(json.dumps(item, ensure_ascii=False))
            count += 1
        out.write("\n]\n")
    return count


# --- xAPI ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class XapiOptions:
    home_page: str = "https://parley.example"
    activity_base: str = "https://parley.example/xapi"
    mbox_domain: str | None = None  # identify actors by mailto:name@domain instead of an account
    pass_mark: int | None = None  # overall >= pass_mark sets result.success
    course: str | None = None
    language: str = "en-US"


def _lang(options: XapiOptions, text: str) -> dict[str, str]:
    return {options.language: text}


def _actor(s: SessionRecord, o: XapiOptions) -> dict[str, Any]:
    actor: dict[str, Any] = {"objectType": "Agent", "name": s.display}
    if o.mbox_domain:
        actor["mbox"] = f"mailto:{quote(s.learner, safe='.-_+')}@{o.mbox_domain}"
    else:
        actor["account"] = {"homePage": o.home_page, "name": s.learner}
    return actor


def _verb(name: str, o: XapiOptions) -> dict[str, Any]:
    return {"id": VERBS[name], "display": _lang(o, name)}


def _scenario_activity(s: SessionRecord, o: XapiOptions) -> dict[str, Any]:
    return {
        "objectType": "Activity",
        "id": f"{o.activity_base}/scenarios/{quote(s.scenario_id, safe='')}",
        "definition": {"name": _lang(o, s.title), "type": SIMULATION},
    }


def _duration(start: str, end: str) -> str | None:
    try:
        seconds = (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds()
    except ValueError:
        return None
    return f"PT{max(seconds, 0.0):.2f}S"


def _context(s: SessionRecord, o: XapiOptions, parent: dict[str, Any] | None = None) -> dict[str, Any]:
    activities: dict[str, Any] = {}
    if parent is not None:
        activities["parent"] = [{"objectType": "Activity", "id": parent["id"]}]
    if o.course:
        activities["grouping"] = [
            {
                "objectType": "Activity",
                "id": f"{o.activity_base}/courses/{quote(o.course, safe='')}",
                "definition": {"name": _lang(o, o.course), "type": COURSE},
            }
        ]
    context: dict[str, Any] = {
        "registration": registration(s),
        "platform": "Parley",
        "language": o.language,
        "extensions": {
            f"{o.activity_base}/extensions/seed": s.seed,
            f"{o.activity_base}/extensions/scenario-hash": s.scenario_hash,
            f"{o.activity_base}/extensions/engine": s.engine,
        },
    }
    if activities:
        context["contextActivities"] = activities
    return context


def _session_statement(s: SessionRecord, o: XapiOptions) -> dict[str, Any]:
    scores = s.scores or {}
    overall = int(scores.get("overall", 0))
    result: dict[str, Any] = {
        "score": {"scaled": round(overall / 100, 4), "raw": overall, "min": 0, "max": 100},
        "completion": s.finished,
        "extensions": {
            f"{o.activity_base}/extensions/scores": scores,
            f"{o.activity_base}/extensions/ending": s.ending,
            f"{o.activity_base}/extensions/turns": s.turns,
        },
    }
    if s.skill is not None:  # what the choices were worth, apart from luck (see simulator.skill)
        result["extensions"][f"{o.activity_base}/extensions/skill"] = {
            "share": s.skill,
            "worth": s.worth,
            "optimum": s.optimum,
            "chance": s.chance,
        }
    if s.finished and o.pass_mark is not None:
        result["success"] = overall >= o.pass_mark
    if s.ended:
        duration = _duration(s.started, s.ended)
        if duration:
            result["duration"] = duration
    return {
        "id": str(uuid.uuid5(PARLEY_NAMESPACE, f"session/{s.uid}")),
        "actor": _actor(s, o),
        "verb": _verb("completed" if s.finished else "suspended", o),
        "object": _scenario_activity(s, o),
        "result": result,
        "context": _context(s, o),
        "timestamp": s.ended or s.started,
    }


def _move_statement(s: SessionRecord, t: TurnRecord, o: XapiOptions) -> dict[str, Any]:
    scenario = _scenario_activity(s, o)
    path = quote(t.move, safe="") + (f"/to/{quote(t.target, safe='')}" if t.target else "")
    label = (t.detail or {}).get("label") or t.key
    delta = int(t.delta.get("overall", 0))
    context = _context(s, o, parent=scenario)
    context["extensions"][f"{o.activity_base}/extensions/turn"] = t.number
    return {
        "id": str(uuid.uuid5(PARLEY_NAMESPACE, f"turn/{s.uid}/{t.id}")),
        "actor": _actor(s, o),
        "verb": _verb("responded", o),
        "object": {
            "objectType": "Activity",
            "id": f"{scenario['id']}/moves/{path}",
            "definition": {"name": _lang(o, label), "type": INTERACTION},
        },
        "result": {
            "response": t.key,
            # the move's effect on overall, -100..100, scaled to -1..1
            "score": {"scaled": round(delta / 100, 4), "raw": delta, "min": -100, "max": 100},
            "extensions": {
                f"{o.activity_base}/extensions/scores": t.scores,
                f"{o.activity_base}/extensions/delta": t.delta,
                f"{o.activity_base}/extensions/reply": t.reply,
                f"{o.activity_base}/extensions/ending": t.ending,
            },
        },
        "context": context,
        "timestamp": t.at,
    }


def xapi_statements(pairs: Pairs, options: XapiOptions) -> Iterator[dict[str, Any]]:
    """A statement per session, then one per live move of it (undone moves are not learning records)."""
    for s, turns in pairs:
        yield _session_statement(s, options)
        for t in turns:
            if t.undone_at is None:
                yield _move_statement(s, t, options)
