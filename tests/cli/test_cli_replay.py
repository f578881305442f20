"""``parley replay``: damaged files are one-line errors naming the file, a scenario played from a
file is found again, and a replay plays the moves no more often than it needs to.
"""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path

import pytest
from test_cli_commands import assert_one_line_error, validate

import simulator
from simulator.loader import bundled_scenario_paths

SCENARIO = "bypass-hr"  # the smallest bundled scenario: quick to explore


@pytest.fixture
def saved(run_parley, ending_line) -> dict:
    """A finished run of SCENARIO as ``play --json`` prints it."""
    line = ending_line(SCENARIO, seed=4)
    result = run_parley(["play", SCENARIO, "--seed", "4", "--moves", ",".join(line), "--json", "--no-save"])
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _set(*path, value):
    def damage(doc: dict) -> None:
        where = doc
        for key in path[:-1]:
            where = where[key]
        where[path[-1]] = value

    return damage


def _edited_scenario(doc: dict) -> None:
    doc["snapshot"]["scenario"]["hash"] = "0" * 64


DAMAGE = {
    "snapshot scenario is a string": (_set("snapshot", "scenario", value="x"), "the snapshot names no scenario"),
    "snapshot scenario has no id": (
        _set("snapshot", "scenario", value={"hash": "abc"}),
        "the snapshot names no scenario",
    ),
    "a move is a string": (_set("moves", value=["a"]), "the transcript is damaged"),
    "a move lacks fields": (_set("moves", value=[{"number": 1}]), "the transcript is damaged"),
    "moves is not a list": (_set("moves", value=None), "the transcript is damaged"),
    "a move's label is a number": (lambda d: d["moves"][0].__setitem__("label", 5), "the transcript is damaged"),
    "a change is not an object": (lambda d: d["moves"][0].__setitem__("changes", ["x"]), "the transcript is damaged"),
    "moves differ from the snapshot": (lambda d: d["moves"].pop(), "differ from the snapshot"),
    "debrief is a string": (_set("debrief", value="x"), "the transcript is damaged"),
    "debrief lacks stories": (lambda d: d["debrief"].pop("stories"), "the transcript is damaged"),
    "a turning point is a list": (_set("debrief", "turning_points", value=[[1]]), "the transcript is damaged"),
    "alternatives are not rows": (_set("debrief", "alternatives", value=[{"turn": 1}]), "the transcript is damaged"),
    "scenario is a string": (_set("scenario", value="x"), "the transcript is damaged"),
    "scenario path is a number": (_set("scenario", "path", value=3), "the transcript is damaged"),
    "snapshot seed is text": (_set("snapshot", "seed", value="x"), "the snapshot is damaged"),
    "snapshot moves are numbers": (_set("snapshot", "moves", value=[1]), "the snapshot is damaged"),
    "snapshot draws are negative": (_set("snapshot", "draws", value=-1), "the snapshot is damaged"),
}


@pytest.mark.parametrize("edited", [False, True], ids=["as-saved", "scenario-edited"])
@pytest.mark.parametrize("case", list(DAMAGE))
def test_every_damaged_file_is_a_one_line_error_naming_it(run_parley, saved, tmp_path, case, edited):
    damage, message = DAMAGE[case]
    doc = copy.deepcopy(saved)
    if edited:  # a changed scenario sends replay to the recorded moves instead of the engine
        _edited_scenario(doc)
    damage(doc)
    path = tmp_path / "damaged.json"
    path.write_text(json.dumps(doc))
    for extra in ([], ["--json"]):
        result = run_parley(["replay", str(path), *extra])
        assert_one_line_error(result, str(path), message)


def test_a_damaged_file_is_an_error_from_the_installed_command_too(run_installed, saved, tmp_path):
    doc = copy.deepcopy(saved)
    doc["snapshot"]["scenario"] = {"scenario": "x"}
    (tmp_path / "d.json").write_text(json.dumps(doc))
    assert_one_line_error(run_installed(["replay", str(tmp_path / "d.json")]), "d.json", "names no scenario")


def test_a_damaged_bare_snapshot_is_an_error_not_the_recording(run_parley, saved, tmp_path):
    snapshot = copy.deepcopy(saved["snapshot"])
    snapshot["draws"] = snapshot["draws"] + 1
    (tmp_path / "s.json").write_text(json.dumps(snapshot))
    assert_one_line_error(run_parley(["replay", str(tmp_path / "s.json")]), "s.json", "does not replay")


# --- a scenario played from a file ---------------------------------------------------------------


@pytest.fixture
def own_scenario(tmp_path) -> Path:
    """A copy of a bundled scenario under a new id, in a folder of its own."""
    source = next(p for p in bundled_scenario_paths() if p.stem == SCENARIO)
    folder = tmp_path / "course"
    folder.mkdir()
    path = folder / "my-bypass.yaml"
    path.write_text(
        source.read_text(encoding="utf-8").replace(f"id: {SCENARIO}\n", "id: my-bypass\n", 1), encoding="utf-8"
    )
    return path


def test_bundled_scenarios_are_named_by_id_only(saved):
    assert "path" not in saved["scenario"]


def test_a_scenario_from_a_file_replays_from_the_path_in_the_document(
    run_parley, own_scenario, assert_replays_to_itself
):
    result = run_parley(["play", str(own_scenario), "--seed", "2", "--moves", "wait", "--json", "--no-save"])
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    validate(doc)
    assert doc["scenario"]["id"] == "my-bypass"
    assert doc["scenario"]["path"] == str(own_scenario.resolve())
    assert_replays_to_itself(result.stdout, doc)


def test_replay_scenario_overrides_a_moved_file(run_parley, own_scenario, tmp_path):
    result = run_parley(["play", str(own_scenario), "--seed", "2", "--moves", "wait", "--json", "--no-save"])
    path = tmp_path / "run.json"
    path.write_text(result.stdout)
    moved = tmp_path / "elsewhere.yaml"
    shutil.move(own_scenario, moved)
    assert_one_line_error(run_parley(["replay", str(path)]), str(path), "--scenario PATH")
    again = run_parley(["replay", str(path), "--scenario", str(moved), "--json"])
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["scenario"]["path"] == str(moved.resolve())


def test_replay_scenario_of_another_id_is_refused(run_parley, saved, tmp_path):
    path = tmp_path / "run.json"
    path.write_text(json.dumps(saved))
    other = next(i for i in simulator.list_scenarios() if i.id != SCENARIO).id
    assert_one_line_error(
        run_parley(["replay", str(path), "--scenario", other]), str(path), f"of scenario {SCENARIO!r}, not {other!r}"
    )


# --- no re-replays ----------------------------------------------------------------------------


@pytest.mark.parametrize("extra", [[], ["--json"]], ids=["rendered", "json"])
def test_replay_plays_each_move_at_most_twice(run_parley, saved, tmp_path, monkeypatch, extra):
    """Once to restore the session, once to find the situation before each move for the
    alternatives; moods come from the recorded turns, not from replaying again.
    """
    path = tmp_path / "run.json"
    path.write_text(json.dumps(saved))
    played = []
    original = simulator.Session.play

    def counting(self, *args, **kwargs):
        played.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(simulator.Session, "play", counting)
    result = run_parley(["replay", str(path), *extra])
    assert result.returncode == 0, result.stderr
    assert len(played) <= 2 * len(saved["moves"])
    if extra:
        assert [m["mood"] for m in json.loads(result.stdout)["moves"]] == [m["mood"] for m in saved["moves"]]
