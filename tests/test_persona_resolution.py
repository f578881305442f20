"""Which persona file a cast member uses, and which files a scenario may read at all.

A bare id is ``personas/ID.yaml`` beside the scenario, then in the folder above it (this
repository's layout: ``scenarios/`` next to ``personas/``), then the bundled persona. A path is
relative to the scenario and must stay inside its folder, that ``personas/`` folder or the
bundled personas, unless the caller allows more with ``persona_roots``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from core_support import MINI

import simulator
from simulator.catalogue import bundled_dir
from simulator.errors import ScenarioError

HR_REP = (bundled_dir("personas") / "hr_rep.yaml").read_text(encoding="utf-8")


def own_persona(folder: Path, label: str) -> Path:
    """An hr_rep persona that says who it is in its name."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "hr_rep.yaml"
    path.write_text(HR_REP.replace("name: ", f"name: {label} ", 1), encoding="utf-8")
    return path


def scenario(folder: Path, persona: str = "hr_rep") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "mini.yaml"
    path.write_text(MINI.replace("persona: hr_rep", f"persona: {persona}"), encoding="utf-8")
    return path


def test_a_bare_id_is_found_beside_the_scenario_first_then_one_folder_up_then_bundled(tmp_path):
    path = scenario(tmp_path / "project" / "scenarios")
    assert simulator.load_scenario(path).persona_documents["hr_rep"].file == str(
        (bundled_dir("personas") / "hr_rep.yaml").resolve()
    )
    above = own_persona(tmp_path / "project" / "personas", "Above")  # the repository's layout
    loaded = simulator.load_scenario(path)
    assert loaded.persona_documents["hr_rep"].file == str(above)
    assert loaded.personas["hr_rep"].name.startswith("Above")
    beside = own_persona(tmp_path / "project" / "scenarios" / "personas", "Beside")
    loaded = simulator.load_scenario(path)
    assert loaded.persona_documents["hr_rep"].file == str(beside)
    assert loaded.personas["hr_rep"].name.startswith("Beside")


def test_editing_the_authors_own_persona_changes_the_scenario(tmp_path):
    path = scenario(tmp_path / "scenarios")
    own_persona(tmp_path / "personas", "First")
    before = simulator.load_scenario(path)
    own_persona(tmp_path / "personas", "Second")
    after = simulator.load_scenario(path)
    assert before.hash != after.hash and after.personas["hr_rep"].name.startswith("Second")


@pytest.mark.parametrize(
    "ref",
    ["../people/hr_rep.yaml", "../../outside.yaml", "/etc/hosts.yaml"],
    ids=["sibling-folder", "above", "absolute"],
)
def test_a_path_out_of_the_scenarios_tree_is_refused(tmp_path, ref):
    own_persona(tmp_path / "course" / "people", "People")
    path = scenario(tmp_path / "course" / "scenarios", persona=ref)
    with pytest.raises(ScenarioError) as info:
        simulator.load_scenario(path)
    assert str(info.value) == (
        f"{path}:10:14: cast.hr_rep.persona: persona file {ref!r} is outside the scenario's folder, the personas/ "
        "folder one level up and the bundled personas (load_scenario(..., persona_roots=[...]) allows more)"
    )


def test_paths_inside_the_tree_and_allowed_roots_load(tmp_path):
    own_persona(tmp_path / "course" / "scenarios" / "cast", "Cast")
    assert (
        simulator.load_scenario(scenario(tmp_path / "course" / "scenarios", "cast/hr_rep.yaml"))
        .personas["hr_rep"]
        .name.startswith("Cast")
    )
    own_persona(tmp_path / "course" / "personas", "Personas")
    assert (
        simulator.load_scenario(scenario(tmp_path / "course" / "scenarios", "../personas/hr_rep.yaml"))
        .personas["hr_rep"]
        .name.startswith("Personas")
    )
    people = own_persona(tmp_path / "course" / "people", "People").parent
    path = scenario(tmp_path / "course" / "scenarios", "../people/hr_rep.yaml")
    assert simulator.load_scenario(path, persona_roots=[people]).personas["hr_rep"].name.startswith("People")
    assert simulator.load_scenario(path, persona_roots=[str(tmp_path)]).personas["hr_rep"].name.startswith("People")
    bundled = str(bundled_dir("personas") / "hr_rep.yaml")
    assert simulator.load_scenario(scenario(tmp_path / "x", bundled)).personas["hr_rep"].id == "hr_rep"


@pytest.mark.parametrize(
    ("ref", "reason"),
    [
        ("hr rep", "persona 'hr rep' is neither an id (like hr_rep) nor a path to a .yaml file"),
        ("nobody", "no persona file 'nobody' in personas/ here or one folder up, nor bundled"),
        ("missing.yaml", "no persona file 'missing.yaml'"),
        ('"a\\0b.yaml"', "persona file 'a\\x00b.yaml' cannot be used: embedded null byte"),
        ("./", "persona './' is not a file"),
    ],
)
def test_each_unusable_reference_is_named(tmp_path, ref, reason):
    path = scenario(tmp_path, persona=ref)
    with pytest.raises(ScenarioError) as info:
        simulator.load_scenario(path)
    assert str(info.value) == f"{path}:10:14: cast.hr_rep.persona: {reason}"


def test_load_persona_reads_what_the_caller_names(tmp_path, monkeypatch):
    anywhere = own_persona(tmp_path / "anywhere", "Anywhere")
    assert simulator.load_persona(anywhere).name.startswith("Anywhere")  # the caller's own choice: no bound
    monkeypatch.chdir(tmp_path)
    own_persona(tmp_path / "personas", "Here")
    assert simulator.load_persona("hr_rep").name.startswith("Here")  # an id: personas/ of the cwd first
    assert simulator.load_persona("hr_rep", relative_to=tmp_path / "elsewhere" / "s.yaml").id == "hr_rep"


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: simulator.load_scenario(None),
            "ref must be a bundled scenario id or a path to a scenario file (a str or a path), not NoneType",
        ),
        (
            lambda: simulator.load_scenario(7),
            "ref must be a bundled scenario id or a path to a scenario file (a str or a path), not int",
        ),
        (
            lambda: simulator.load_scenario(b"declined-offer"),
            "ref must be a bundled scenario id or a path to a scenario file (a str or a path), not bytes",
        ),
        (
            lambda: simulator.load_scenario("declined-offer", persona_roots="/tmp"),
            "persona_roots must be a list of folders, not str",
        ),
        (
            lambda: simulator.load_scenario("declined-offer", persona_roots=[None]),
            "each of persona_roots must be a folder (a str or a path), not NoneType",
        ),
        (
            lambda: simulator.load_persona(None),
            "ref must be a persona id or a path to a persona file (a str or a path), not NoneType",
        ),
        (
            lambda: simulator.load_persona("hr_rep", relative_to=3),
            "relative_to must be a file path (a str or a path), not int",
        ),
    ],
)
def test_wrong_argument_types_name_the_argument(call, message):
    with pytest.raises(TypeError) as info:
        call()
    assert str(info.value) == message


def test_check_names_the_persona_file_each_cast_member_used(tmp_path, capsys):
    from simulator.cli.main import main

    path = scenario(tmp_path / "scenarios")
    own = own_persona(tmp_path / "personas", "Own")
    main(["check", str(path), "--quiet"])
    assert f"  persona hr_rep: {own}\n" in capsys.readouterr().out
    main(["check", str(path), "--json"])
    import json

    assert json.loads(capsys.readouterr().out)["personas"] == {str(path): {"hr_rep": str(own)}}
