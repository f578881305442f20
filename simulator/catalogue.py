"""The bundled scenarios, listed without compiling or validating them.

``parley list`` and :func:`simulator.list_scenarios` only need a few header fields, so this module
reads them with the safe YAML loader and never imports pydantic (about 120 ms of start-up).
Loading a scenario for play goes through :mod:`simulator.loader`, which validates everything.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import yaml

from .errors import ScenarioError

__all__ = ["ScenarioInfo", "bundled_dir", "bundled_scenario_paths", "list_scenarios"]

# libyaml is fine here: this reads only the files shipped inside the package. Files a user
# passes in go through simulator.yamlsource, which avoids libyaml (see the note there).
_FAST_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


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
    """The folder of the bundled ``"personas"`` or ``"scenarios"`` (see :mod:`simulator.bundled`)."""
    return Path(str(resources.files(f"simulator.bundled.{kind}")))


def bundled_scenario_paths() -> list[Path]:
    return sorted(bundled_dir("scenarios").glob("*.yaml"))


def list_scenarios() -> list[ScenarioInfo]:
    """The bundled scenarios in the order of their source stories."""
    infos = []
    for path in bundled_scenario_paths():
        try:
            data = yaml.load(path.read_text(encoding="utf-8"), Loader=_FAST_SAFE_LOADER)
            cast = data["cast"]
            info = ScenarioInfo(
                id=str(data["id"]),
                title=str(data["title"]),
                source=str(data["source"]),
                summary=str(data["summary"]),
                cast=tuple(str(member["name"]) for member in cast.values()),
                path=str(path),
            )
        except (OSError, yaml.YAMLError, KeyError, TypeError, AttributeError) as exc:
            # Say which file; the full loader gives the exact line and column.
            raise ScenarioError(f"cannot list this scenario ({exc.__class__.__name__}); load it for details", file=str(path)) from exc
        infos.append(info)
    return sorted(infos, key=lambda info: (info.source, info.id))
