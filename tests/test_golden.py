"""Golden transcripts: each bundled scenario replayed from a fixed seed and moves, field by field.

When a scenario is changed on purpose, rewrite the goldens with
``python tests/cases/golden/regenerate.py`` and read the diff.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from core_support import BUNDLED_IDS

import simulator

FOLDER = Path(__file__).resolve().parent / "cases" / "golden"
GOLDENS = sorted(FOLDER.glob("*.json"))
REGENERATE = "python tests/cases/golden/regenerate.py"


def _regenerate_module():
    spec = importlib.util.spec_from_file_location("golden_regenerate", FOLDER / "regenerate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


regenerate = _regenerate_module()


def test_every_bundled_scenario_has_a_golden_and_no_golden_is_stale():
    assert sorted(p.stem for p in GOLDENS) == sorted(BUNDLED_IDS), f"run {REGENERATE}"


@pytest.mark.parametrize("golden", GOLDENS, ids=[p.stem for p in GOLDENS])
def test_replay_matches_the_golden(golden: Path):
    expected = json.loads(golden.read_text(encoding="utf-8"))
    assert expected["scenario"] == golden.stem
    assert expected["ending"] is not None, "a golden plays until an ending"
    scenario = simulator.load_scenario(expected["scenario"])
    actual = regenerate.record(scenario, expected["seed"], expected["moves"])
    # the first differing turn says more than a diff of the whole document
    for want, got in zip(expected["transcript"], actual["transcript"], strict=True):
        assert got == want, (
            f"{golden.stem}: turn {want['number']} ({want['move']}) differs; if intended, run {REGENERATE}"
        )
    assert actual["scores"] == expected["scores"]
    assert actual["ending"] == expected["ending"]
    assert actual == expected


@pytest.mark.parametrize("scenario_id", BUNDLED_IDS)
def test_regenerate_rewrites_each_committed_golden_byte_for_byte(scenario_id, tmp_path, monkeypatch):
    """The script writes exactly the committed file (so regenerating with no change in behaviour
    leaves no diff), and it picks the moves the golden records.
    """
    monkeypatch.setattr(regenerate, "HERE", tmp_path)
    path = regenerate.write(scenario_id)
    assert path == tmp_path / f"{scenario_id}.json"
    committed = FOLDER / f"{scenario_id}.json"
    assert path.read_bytes() == committed.read_bytes(), f"run {REGENERATE}"
