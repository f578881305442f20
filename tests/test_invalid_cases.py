"""Every file in cases/invalid/ must fail to load with exactly the message in its sidecar.

``name.yaml`` is loaded as a persona when its name starts with ``persona-`` and as a scenario
otherwise; ``name.expected`` holds the exact one-line ``str(error)``. Normalisation: the absolute
path of this tests folder (plus a separator) is removed from the message, so paths read relative
to ``tests/`` (``cases/invalid/name.yaml:3:7: ...``) wherever the checkout lives. Files under
``cases/invalid/parts/`` are not cases: scenarios cast them.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import simulator

TESTS = Path(__file__).resolve().parent
FOLDER = TESTS / "cases" / "invalid"
CASES = sorted(FOLDER.glob("*.yaml"))


def normalise(message: str) -> str:
    return message.replace(f"{TESTS}{os.sep}", "").replace(os.sep, "/")


def test_the_folder_holds_enough_cases_each_with_its_message():
    assert len(CASES) >= 15
    assert sorted(p.stem for p in FOLDER.glob("*.expected")) == [p.stem for p in CASES]


@pytest.mark.parametrize("case", CASES, ids=[p.stem for p in CASES])
def test_invalid_file_fails_with_its_expected_message(case: Path):
    expected = case.with_suffix(".expected").read_text(encoding="utf-8").rstrip("\n")
    load = simulator.load_persona if case.name.startswith("persona-") else simulator.load_scenario
    with pytest.raises(simulator.ScenarioError) as info:
        load(case)
    message = normalise(str(info.value))
    assert "\n" not in message
    assert message == expected
