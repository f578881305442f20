"""The bundled scenarios, listed without compiling or validating them.

``parley list`` and :func:`simulator.list_scenarios` only need a few header fields, so this module
reads them with the safe YAML loader and never imports pydantic (about 120 ms of start-up).
Loading a scenario for play goes through :mod:`simulator.loader`, which validates everything.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import yaml
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    Event,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamStartEvent,
)

from .errors import ScenarioError

__all__ = ["ScenarioInfo", "bundled_dir", "bundled_scenario_paths", "list_scenarios"]

# libyaml is fine here: this reads only the files shipped inside the package. Files a user
# passes in go through simulator.yamlsource, which avoids libyaml (see the note there).
_FAST_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

if TYPE_CHECKING:
    _Parser = yaml.SafeLoader | yaml.CSafeLoader

_E = TypeVar("_E", bound=Event)


@dataclass(frozen=True)
class ScenarioInfo:
    """What ``list_scenarios`` tells about a bundled scenario."""

    id: str
    title: str
    source: str
    summary: str
    cast: tuple[str, ...]
    path: str


def bundled_dir(kind: str) -> Path:
    """The folder of the bundled ``"personas"`` or ``"scenarios"`` (see :mod:`simulator.bundled`).

    Found through the package's ``__path__`` rather than :mod:`importlib.resources`, whose import
    (with zipfile, tempfile and shutil) was a tenth of ``parley list``'s start-up; the files are
    read from disk in either case.
    """
    package = importlib.import_module(f"simulator.bundled.{kind}")
    return Path(next(iter(package.__path__)))


def bundled_scenario_paths() -> list[Path]:
    return sorted(bundled_dir("scenarios").glob("*.yaml"))


def list_scenarios() -> list[ScenarioInfo]:
    """The bundled scenarios in the order of their source stories."""
    infos = []
    for path in bundled_scenario_paths():
        try:
            data = _header(path.read_text(encoding="utf-8"))
            cast = data["cast"]
            info = ScenarioInfo(
                id=str(data["id"]),
                title=str(data["title"]),
                source=str(data["source"]),
                summary=str(data["summary"]),
                cast=tuple(str(member["name"]) for member in cast.values()),
                path=str(path),
            )
        except (OSError, UnicodeDecodeError, yaml.YAMLError, KeyError, TypeError, AttributeError) as exc:
            # Say which file; the full loader gives the exact line and column.
            raise ScenarioError(
                f"cannot list this scenario ({exc.__class__.__name__}); load it for details", file=str(path)
            ) from exc
        infos.append(info)
    return sorted(infos, key=lambda info: (info.source, info.id))


_HEADER_KEYS = frozenset({"id", "title", "source", "summary"})


def _header(text: str) -> dict[str, Any]:
    """The few fields a listing shows (id, title, source, summary, each cast member's name).

    Read from the parser's events, stopping once they are all seen, so the moves, reactions and
    scoring below them are never built: building whole files was half of ``parley list``'s
    start-up. Anything this reading does not expect (an alias, a tag, a key that is not a plain
    string) falls back to loading the whole file.
    """
    parser: _Parser = _FAST_SAFE_LOADER(text)
    try:
        for kind in (StreamStartEvent, DocumentStartEvent, MappingStartEvent):
            _take(parser, kind)
        found: dict[str, Any] = {}
        while not parser.check_event(MappingEndEvent) and len(found) < len(_HEADER_KEYS) + 1:
            key = _take(parser, ScalarEvent).value
            if key in _HEADER_KEYS:
                found[key] = _take(parser, ScalarEvent).value
            elif key == "cast":
                found[key] = _cast_names(parser)
            else:
                _skip(parser)
        return found
    except _Unexpected:
        whole = yaml.load(text, Loader=_FAST_SAFE_LOADER)
        if not isinstance(whole, dict):  # what indexing it by a key would raise, as before
            raise TypeError(f"a scenario file holds a mapping, not {type(whole).__name__}") from None
        return whole
    finally:
        parser.dispose()


class _Unexpected(Exception):
    pass


def _take(parser: _Parser, kind: type[_E]) -> _E:
    event = parser.get_event()
    if (
        not isinstance(event, kind)
        or getattr(event, "anchor", None) is not None
        or getattr(event, "tag", None) not in (None, "!")
    ):
        raise _Unexpected
    return event


def _cast_names(parser: _Parser) -> dict[str, dict[str, str]]:
    _take(parser, MappingStartEvent)
    cast: dict[str, dict[str, str]] = {}
    while not parser.check_event(MappingEndEvent):
        member = _take(parser, ScalarEvent).value
        _take(parser, MappingStartEvent)
        cast[member] = {}
        while not parser.check_event(MappingEndEvent):
            if _take(parser, ScalarEvent).value == "name":
                cast[member]["name"] = _take(parser, ScalarEvent).value
            else:
                _skip(parser)
        parser.get_event()
    parser.get_event()
    return cast


def _skip(parser: _Parser) -> None:
    """Consume one value's events (a scalar, or a collection down to its end)."""
    depth = 0
    while True:
        event = parser.get_event()
        if isinstance(event, AliasEvent) or getattr(event, "anchor", None) is not None:
            raise _Unexpected  # a value named here may be used by a field we read
        if isinstance(event, MappingStartEvent | SequenceStartEvent):
            depth += 1
        elif isinstance(event, MappingEndEvent | SequenceEndEvent):
            depth -= 1
        if depth == 0:
            return
