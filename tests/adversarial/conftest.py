"""Running ``parley`` against hostile input and holding it to the promise.

Every command must end within :data:`DEADLINE` seconds with exit code 0, 1 or 2, print at most
one line on stderr, and never a traceback. ``hostile_cli`` runs the installed command in a
subprocess (real streams, real exit codes) with its own store.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from pathlib import Path

import pytest
from command_support import parley_argv
from hostile import DEADLINE


@pytest.fixture
def hostile_cli(tmp_path: Path):
    """``hostile_cli(args, **kwargs)``: run the installed ``parley`` with a deadline; returns the
    finished process (a command still running at the deadline fails the test).
    """
    env = {**os.environ, "PARLEY_DB": str(tmp_path / "hostile.db"), "NO_COLOR": "1", "COLUMNS": "80"}
    env.pop("PARLEY_TRACEBACK", None)

    def run(args: Sequence[str], *, input: str = "", cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        try:
            return subprocess.run(
                [*parley_argv(), *map(str, args)],
                input=input,
                capture_output=True,
                text=True,
                errors="replace",
                env=env,
                cwd=cwd or tmp_path,
                timeout=DEADLINE,
                check=False,
            )
        except subprocess.TimeoutExpired:
            pytest.fail(f"parley {' '.join(map(str, args))[:200]} ran past {DEADLINE} s")

    return run
