"""A pytest plugin that turns scenario files into tests (registered as the ``parley`` pytest11 entry point).

It collects nothing unless a project opts in, by naming its scenario files with glob patterns
(matched against paths relative to pytest's rootdir; ``*`` also matches ``/``)::

    # pyproject.toml
    [tool.pytest.ini_options]
    parley_scenarios = ["scenarios/*.yaml"]
    parley_sessions = 20        # live sessions replayed per file (default 20)

or on the command line: ``pytest --parley-scenarios 'scenarios/*.yaml' scenarios/``. pytest
only offers the plugin files in the folders it collects, so the scenarios' folder must be among
``testpaths`` or the arguments.

Each matching file yields the items ``check`` (it loads, and an exhaustive check finds no
error), ``expect[N]-KIND`` (one per ``expect:`` entry) and ``sessions`` (seeded live sessions agree
step by step with the exhaustive table). A failure prints the failing line of moves.

Nothing from Parley is imported until a file matches: pytest imports this module in every
project where Parley is installed.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from ..scenario import Scenario

__all__ = ["ScenarioFile", "ScenarioItem"]


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("parley", "Parley scenario files")
    group.addoption(
        "--parley-scenarios",
        action="append",
        default=[],
        metavar="GLOB",
        help="collect scenario files matching GLOB (relative to rootdir) as tests; repeatable",
    )
    parser.addini(
        "parley_scenarios", type="linelist", default=[], help="glob patterns of scenario files to test (opt-in)"
    )
    parser.addini("parley_sessions", default="20", help="live sessions replayed against the table per scenario file")


def _patterns(config: pytest.Config) -> list[str]:
    return [*config.getini("parley_scenarios"), *config.getoption("parley_scenarios")]


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> ScenarioFile | None:
    if file_path.suffix not in {".yaml", ".yml"}:
        return None
    patterns = _patterns(parent.config)
    if not patterns:
        return None
    try:
        relative = file_path.relative_to(parent.config.rootpath).as_posix()
    except ValueError:
        relative = file_path.as_posix()
    if any(fnmatch.fnmatch(relative, p) or fnmatch.fnmatch(file_path.as_posix(), p) for p in patterns):
        return ScenarioFile.from_parent(parent, path=file_path)
    return None


class ScenarioFailure(Exception):
    def __init__(self, message: str, moves: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.moves = moves


class ScenarioFile(pytest.File):
    def collect(self) -> Iterator[ScenarioItem]:
        from ..errors import ScenarioError
        from ..loader import load_scenario

        try:
            scenario = load_scenario(self.path)
        except ScenarioError as exc:
            yield ScenarioItem.from_parent(self, name="check", kind="load", scenario=None, error=exc)
            return
        yield ScenarioItem.from_parent(self, name="check", kind="check", scenario=scenario)
        for i, entry in enumerate(scenario.spec.expect):
            kind = next((k for k in entry if k != "why"), "entry") if isinstance(entry, dict) else "entry"
            yield ScenarioItem.from_parent(self, name=f"expect[{i}]-{kind}", kind="expect", scenario=scenario, index=i)
        yield ScenarioItem.from_parent(self, name="sessions", kind="sessions", scenario=scenario)


class ScenarioItem(pytest.Item):
    def __init__(
        self, *, kind: str, scenario: Scenario | None, index: int = -1, error: Exception | None = None, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.kind = kind
        self.scenario = scenario
        self.index = index
        self.error = error

    def runtest(self) -> None:
        if self.kind == "load":
            raise ScenarioFailure(str(self.error))
        scenario = self.scenario
        assert scenario is not None  # every item but a load failure's has loaded its scenario
        if self.kind == "check":
            from ..analysis import analyse

            report = analyse(scenario)
            errors = [d for d in report.errors if d.code not in ("expectation-failed", "expectation-invalid")]
            if errors:
                raise ScenarioFailure("\n".join(d.render() for d in errors), list(errors[0].moves or []) or None)
        elif self.kind == "expect":
            from ..analysis import solver_for
            from ..analysis.expectations import evaluate

            results, diags = evaluate(scenario, solver_for(scenario))
            result = results[self.index]
            if not result["passed"]:
                mine = [d for d in diags if d.field and d.field.startswith(f"expect[{self.index}]")]
                text = "\n".join(d.render().split("\n")[0] for d in mine) or result["message"]
                raise ScenarioFailure(text, result.get("moves"))
        else:
            from .replay import replay_sessions

            count = int(self.config.getini("parley_sessions"))
            problem = replay_sessions(scenario, range(count))
            if problem is not None:
                raise ScenarioFailure(problem[0], problem[1])

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        exc = excinfo.value
        if isinstance(exc, ScenarioFailure):
            text = exc.message
            if exc.moves:
                text += "\nfailing line of moves: " + " ".join(exc.moves)
            return text
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, f"{self.path.name}::{self.name}"
