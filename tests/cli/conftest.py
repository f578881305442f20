"""Fixtures for the command-line tests: the scenarios present, a way to run the installed
command, a fixed-width console, and a line of play that reaches an ending in each scenario.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest
from command_support import parley_argv

import simulator

SCENARIO_IDS = [info.id for info in simulator.list_scenarios()]
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def cli_env(tmp_path: Path) -> dict[str, str]:
    """An environment whose store is a temporary file, with no colour and a known width."""
    env = dict(os.environ)
    env.update(PARLEY_DB=str(tmp_path / "parley.db"), NO_COLOR="1", COLUMNS="80", PROMPT_TOOLKIT_NO_CPR="1")
    env.pop("FORCE_COLOR", None)
    return env


@pytest.fixture
def run_installed(cli_env: dict[str, str], tmp_path: Path):
    """Run the installed command in a subprocess: real exit codes, real pipes."""

    def run(
        args: Sequence[str], *, input: str | None = None, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*parley_argv(), *args],
            input=input if input is not None else "",
            capture_output=True,
            text=True,
            env={**cli_env, **(env or {})},
            cwd=tmp_path,
            timeout=60,
            check=False,
        )

    return run


@pytest.fixture
def run_parley(
    cli_env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    """Run ``parley`` in this process (fast): stdin from ``input``, stdout and stderr captured.
    Returns what a subprocess run would: ``returncode``, ``stdout``, ``stderr``.
    """
    from simulator.cli.main import main

    def run(
        args: Sequence[str], *, input: str | None = None, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        with monkeypatch.context() as m:
            for key, value in {**cli_env, **(env or {})}.items():
                m.setenv(key, value)
            m.setattr(sys, "stdin", io.StringIO(input or ""))
            m.chdir(tmp_path)
            capsys.readouterr()
            try:
                code = main(list(args))
            except SystemExit as exc:  # argparse: --help and usage errors
                code = exc.code if isinstance(exc.code, int) else 1
            out, err = capsys.readouterr()
        return subprocess.CompletedProcess(list(args), code, out, err)

    return run


def fixed_console(width: int = 60):
    """A console whose output is exact text: no colour, no terminal codes, fixed width."""
    from rich.console import Console

    return Console(
        width=width,
        file=io.StringIO(),
        force_terminal=True,
        color_system=None,
        legacy_windows=False,
        highlight=False,
        emoji=False,
    )


@pytest.fixture
def ending_line():
    """``ending_line(scenario_id, seed=1)``: moves that take that scenario to an ending."""
    return line_to_an_ending


@pytest.fixture
def console():
    """``console(width=60)``: a fixed-width console; read what it printed with ``.file.getvalue()``."""
    return fixed_console


def line_to_an_ending(scenario_id: str, seed: int = 1) -> list[str]:
    """The source's recommended moves while they are legal, then the first legal choice, until
    the session ends: a complete session in any scenario, found by playing it.
    """
    session = simulator.Session(simulator.load_scenario(scenario_id), seed=seed)
    played: list[str] = []
    queue = list(session.scenario.spec.recommended)
    while not session.over:
        legal = [c.key for c in session.choices()]  # choices: a move said in several manners needs one
        wanted = queue.pop(0) if queue else None
        key = wanted if wanted in legal else legal[0]
        session.play(key)
        played.append(key)
    session.close()
    return played


@pytest.fixture
def assert_replays_to_itself(run_parley, tmp_path: Path):
    """``assert_replays_to_itself(stdout, doc)``: the ``--json`` document written to a file
    replays to the same document, and renders a debrief.
    """

    def check(stdout: str, doc: dict) -> None:
        path = tmp_path / "run.json"
        path.write_text(stdout)
        again = run_parley(["replay", str(path), "--json"])
        assert again.returncode == 0, again.stderr
        assert json.loads(again.stdout) == doc
        shown = run_parley(["replay", str(path)])
        assert shown.returncode == 0 and "Their side of the story" in shown.stdout

    return check
