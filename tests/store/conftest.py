"""Fixtures for the session store's tests: a fresh store file per test, and child processes.

Child processes run small scripts with ``sys.executable`` so crash and concurrency tests exercise
real separate processes writing one SQLite file, as two terminals or a course script would.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from simulator.store import Store

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _no_default_store(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test may touch the user's real store: the default location points into tmp_path."""
    monkeypatch.setenv("PARLEY_DB", str(tmp_path / "default.parley.db"))


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "store.parley.db"


@pytest.fixture
def store(db: Path) -> Iterator[Store]:
    with Store(db) as s:
        yield s


@pytest.fixture
def spawn() -> Iterator[object]:
    """``spawn(script, *args)`` starts a child process; any still running at teardown is killed."""
    started: list[subprocess.Popen[str]] = []

    def start(script: str, *args: str) -> subprocess.Popen[str]:
        proc = child(script, *args)
        started.append(proc)
        return proc

    yield start
    for proc in started:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()


def child(script: str, *args: str, **kwargs: object) -> subprocess.Popen[str]:
    """Start ``python -c script args...`` with line-buffered text pipes."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(script), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
        **kwargs,  # type: ignore[arg-type]
    )
