"""Shared fixtures for the core's tests.

Hypothesis runs under the ``parley`` profile: few examples and no deadline, because a single
example plays whole sessions and the suite must stay fast. When ``CI`` is set, ``parley-ci``
builds on hypothesis's own ``ci`` profile (derandomised, no example database) so a CI failure is
reproducible from the log alone. ``HYPOTHESIS_PROFILE`` picks another registered profile.
"""

from __future__ import annotations

import os
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from core_support import MINI, bundled
from hypothesis import HealthCheck, settings

import simulator

# pytester: the pytest plugin's tests run pytest on small projects, in this process
pytest_plugins = ["pytester"]

settings.register_profile(
    "parley",
    max_examples=25,
    deadline=None,  # the first example of a scenario compiles it and builds its machines
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("parley-ci", parent=settings.get_profile("ci"), max_examples=40)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("parley-ci" if os.environ.get("CI") else "parley"))


@pytest.fixture
def write_scenario(tmp_path: Path) -> Callable[..., Path]:
    """Write scenario text (dedented) to ``tmp_path/<name>`` and return the path."""

    def write(text: str = MINI, name: str = "mini.yaml") -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return write


@pytest.fixture
def mini(write_scenario: Callable[..., Path]) -> simulator.Scenario:
    return simulator.load_scenario(write_scenario())


@pytest.fixture
def declined() -> simulator.Scenario:
    return bundled("declined-offer")
