"""The named hostile files (tests/cases/hostile/) and hostile paths, in process and through every
command: each fails with its exact one-line message, or loads and plays.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from hostile import held, judge

import simulator
from simulator.loader import MAX_FILE_BYTES

TESTS = Path(__file__).resolve().parents[1]
FOLDER = TESTS / "cases" / "hostile"
CASES = sorted(FOLDER.glob("*.yaml"))
LOADS = "(loads and plays)"
QUICK = {"nul-byte", "days-astronomical", "persona-traversal", "escape-key", "format-string-title"}


def expected(case: Path) -> str:
    return case.with_suffix(".expected").read_text(encoding="utf-8").rstrip("\n")


def normalise(message: str) -> str:
    return message.replace(f"{TESTS}{os.sep}", "").replace(os.sep, "/")


def test_the_folder_holds_the_cases_each_with_its_message():
    assert len(CASES) >= 30
    assert sorted(p.stem for p in FOLDER.glob("*.expected")) == [p.stem for p in CASES]


@pytest.mark.parametrize("case", CASES, ids=[p.stem for p in CASES])
def test_each_file_fails_with_its_message_or_loads_and_plays(case):
    if expected(case) == LOADS:
        assert judge(case, analyse=False) == "played"
        return
    with pytest.raises(simulator.ScenarioError) as info:
        simulator.load_scenario(case)
    message = normalise(str(info.value))
    assert message.isprintable()
    assert message == expected(case)


def commands(path: Path) -> list[list[str]]:
    return [["check", path], ["play", path, "--moves", "wait", "--no-save"], ["solve", path], ["graph", path]]


CLI_PARAMS = [pytest.param(c, id=c.stem, marks=() if c.stem in QUICK else (pytest.mark.slow,)) for c in CASES]


@pytest.mark.parametrize("case", CLI_PARAMS)
def test_every_command_keeps_the_promise_on_each_file(case, hostile_cli):
    message = expected(case)
    for args in commands(case):
        result = hostile_cli(args)
        held(result)
        if message == LOADS:
            continue
        # the located message reaches the user: as check's load-error diagnostic, or as the error line
        if args[0] == "check":
            assert result.returncode == 1
            report = normalise(result.stdout)
            assert f"{message.split(': ')[0]}: error[load-error]: " in report and message[-20:] in report, report
        else:
            assert result.returncode == 2
            assert normalise(result.stderr) == f"parley: error: {message}\n"


# --- hostile paths, built at run time --------------------------------------------------------------


def _scenario(folder: Path, persona: str) -> Path:
    text = (FOLDER.parent / "invalid" / "scenario-cast-persona-missing.yaml").read_text(encoding="utf-8")
    path = folder / "scenario.yaml"
    path.write_text(text.replace("persona: hr_representative", f"persona: {persona}"), encoding="utf-8")
    return path


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks")
def test_a_persona_symlink_loop_is_named(tmp_path):
    (tmp_path / "loop.yaml").symlink_to(tmp_path / "loop.yaml")
    with pytest.raises(simulator.ScenarioError) as info:
        simulator.load_scenario(_scenario(tmp_path, "loop.yaml"))
    # the system's own words for the loop differ by Python version ("Symlink loop from ...")
    assert "scenario.yaml:11:14: cast.hr_rep.persona: persona file 'loop.yaml' cannot be used: " in str(info.value)


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks")
def test_a_persona_symlink_out_of_the_folder_is_refused_unless_allowed(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "dana.yaml").write_text(
        (Path(simulator.load_scenario("bypass-hr").persona_documents["hr_rep"].file)).read_text()
    )
    inside = tmp_path / "course"
    inside.mkdir()
    (inside / "dana.yaml").symlink_to(outside / "dana.yaml")
    path = _scenario(inside, "dana.yaml")
    with pytest.raises(simulator.ScenarioError, match="is outside the scenario's folder"):
        simulator.load_scenario(path)
    assert simulator.load_scenario(path, persona_roots=[outside]).personas["hr_rep"].id == "hr_rep"


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path):
    path = tmp_path / "big.yaml"
    with path.open("w") as f:
        f.write("# padding\n" * (MAX_FILE_BYTES // 10 + 1))
    with pytest.raises(simulator.ScenarioError) as info:
        simulator.load_scenario(path)
    assert (
        str(info.value)
        == f"{path}: the file is larger than {MAX_FILE_BYTES:,} bytes; a scenario or persona file is far smaller"
    )


def test_a_persona_file_over_the_size_limit_names_the_persona_file(tmp_path):
    (tmp_path / "personas").mkdir()
    big = tmp_path / "personas" / "hr_rep.yaml"
    big.write_text("#" * (MAX_FILE_BYTES + 1))
    with pytest.raises(simulator.ScenarioError) as info:
        simulator.load_scenario(_scenario(tmp_path, "hr_rep"))
    assert str(info.value).startswith(f"{big}: the file is larger than")


def test_a_folder_named_like_a_scenario_file(tmp_path):
    (tmp_path / "folder.yaml").mkdir()
    with pytest.raises(simulator.ScenarioError) as info:
        simulator.load_scenario(tmp_path / "folder.yaml")
    assert str(info.value) == f"{tmp_path / 'folder.yaml'}: no such scenario file"


@pytest.mark.parametrize("ref", ["a\0b", "x" * 5000 + ".yaml", "\x1b[2J.yaml"], ids=["nul", "too-long", "escape"])
def test_scenario_paths_the_system_refuses_are_named_in_one_line(ref):
    with pytest.raises(simulator.ScenarioError) as info:
        simulator.load_scenario(ref)
    message = str(info.value)
    assert message.isprintable() and len(message) < 400


@pytest.mark.parametrize(
    "ref", ["p" * 5000 + ".yaml", "\x1b]0;pwned\x07.yaml", "-"], ids=["too-long", "escape", "dash"]
)
def test_hostile_paths_on_the_command_line(ref, hostile_cli):
    for args in (["check", ref], ["play", ref, "--moves", "wait"], ["solve", ref], ["graph", ref]):
        result = hostile_cli(args)
        held(result)
        assert result.returncode in (1, 2)
        assert "\x1b" not in result.stdout + result.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs")
def test_check_of_a_folder_opens_no_fifo_and_follows_no_loop(tmp_path, hostile_cli):
    folder = tmp_path / "folder"
    (folder / "sub").mkdir(parents=True)
    os.mkfifo(folder / "waiting.yaml")  # opening it would block until someone writes
    (folder / "sub" / "up").symlink_to(folder)
    _scenario(folder, "hr_rep")
    result = hostile_cli(["check", folder, "--quiet"])
    held(result)
    assert result.returncode == 0 and result.stdout.endswith("ok\n"), result.stdout
