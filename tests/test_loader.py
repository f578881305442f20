"""Finding and loading persona and scenario files; cross-reference checks beyond cases/invalid."""

from __future__ import annotations

from pathlib import Path

import pytest
from core_support import BUNDLED_IDS, MINI, bundled

import simulator
from simulator.catalogue import bundled_dir
from simulator.errors import ScenarioError
from simulator.spec import PersonaSpec


def test_list_scenarios_names_every_bundled_file_in_story_order():
    infos = simulator.list_scenarios()
    files = sorted(bundled_dir("scenarios").glob("*.yaml"))
    assert sorted(Path(info.path) for info in infos) == files
    assert [info.source for info in infos] == sorted(info.source for info in infos)
    for info in infos:
        spec = bundled(info.id).spec
        assert (info.title, info.source, info.summary) == (spec.title, spec.source, spec.summary)
        assert info.cast == tuple(member.name for member in spec.cast.values())


@pytest.mark.parametrize("scenario_id", BUNDLED_IDS)
def test_each_bundled_file_is_named_after_its_id(scenario_id):
    scenario = bundled(scenario_id)
    assert scenario.id == scenario_id
    assert scenario.path.name == f"{scenario_id}.yaml"


@pytest.mark.parametrize("persona_id", ["hiring_manager", "hr_rep", "boss"])
def test_bundled_personas_load_by_id(persona_id):
    persona = simulator.load_persona(persona_id)
    assert isinstance(persona, PersonaSpec)
    assert persona.id == persona_id
    assert persona.initial in persona.states


def test_a_scenario_loads_by_id_by_path_and_from_any_directory(tmp_path, monkeypatch):
    by_id = simulator.load_scenario("declined-offer")
    by_path = simulator.load_scenario(by_id.path)
    by_str = simulator.load_scenario(str(by_id.path))
    monkeypatch.chdir(tmp_path)
    elsewhere = simulator.load_scenario("declined-offer")
    assert by_id.hash == by_path.hash == by_str.hash == elsewhere.hash
    assert by_id.path.is_absolute()


def test_a_cast_persona_path_is_relative_to_the_scenario_file(write_scenario, tmp_path, monkeypatch):
    persona = (bundled_dir("personas") / "hr_rep.yaml").read_text(encoding="utf-8")
    (tmp_path / "people").mkdir()
    (tmp_path / "people" / "dana.yaml").write_text(persona, encoding="utf-8")
    path = write_scenario(MINI.replace("persona: hr_rep", "persona: ../people/dana.yaml"), name="course/mini.yaml")
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")  # not where the persona is
    with pytest.raises(ScenarioError, match="outside the scenario's folder"):
        simulator.load_scenario(path)  # people/ is neither below course/ nor the personas/ beside it
    scenario = simulator.load_scenario(path, persona_roots=[tmp_path / "people"])
    assert scenario.personas["hr_rep"].id == "hr_rep"
    assert scenario.persona_documents["hr_rep"].file == str(tmp_path / "people" / "dana.yaml")
    monkeypatch.chdir(tmp_path)
    assert simulator.load_persona("people/dana.yaml") == scenario.personas["hr_rep"]  # relative to the cwd


def test_unknown_scenario_id_lists_the_bundled_ones():
    with pytest.raises(ScenarioError) as info:
        simulator.load_scenario("no-such-scenario")
    assert (
        str(info.value) == f"unknown scenario 'no-such-scenario'; bundled scenarios: {', '.join(sorted(BUNDLED_IDS))}"
    )


def test_missing_scenario_file(tmp_path):
    missing = tmp_path / "missing.yaml"
    with pytest.raises(ScenarioError) as info:
        simulator.load_scenario(missing)
    assert str(info.value) == f"{missing}: no such scenario file"


def test_missing_persona_names_the_reference():
    with pytest.raises(ScenarioError) as info:
        simulator.load_persona("no_such_persona")
    assert (
        str(info.value)
        == "no_such_persona: no persona file 'no_such_persona' in personas/ here or one folder up, nor bundled"
    )


def test_a_file_that_is_not_utf8_is_reported_not_raised(tmp_path):
    path = tmp_path / "latin.yaml"
    path.write_bytes(b"title: caf\xe9\n")
    with pytest.raises(ScenarioError) as info:
        simulator.load_scenario(path)
    assert str(info.value) == f"{path}:1:11: not UTF-8 text: byte 0xe9 cannot start or continue a character"


def test_errors_never_leak_pydantic_or_yaml_exceptions(write_scenario):
    path = write_scenario(MINI.replace("turns: 4", "turns: [4]"))
    with pytest.raises(ScenarioError) as info:
        simulator.load_scenario(path)
    assert info.value.__cause__ is None and info.value.__suppress_context__
    assert str(info.value) == f"{path}:49:10: limits.turns: Input should be a valid integer"


def test_more_problems_are_counted(write_scenario):
    path = write_scenario(MINI.replace("title: A small test scenario\n", "").replace("goal: Repair it.\n", ""))
    with pytest.raises(ScenarioError) as info:
        simulator.load_scenario(path)
    assert str(info.value) == f"{path}:1:1: title: missing required key 'title' (and 1 more problem)"


def test_hash_follows_content_not_formatting(write_scenario):
    plain = simulator.load_scenario(write_scenario(MINI, name="a.yaml"))
    reformatted = simulator.load_scenario(
        write_scenario("# a comment\n" + MINI.replace("{trust: 2,", "{ trust: 2 ,"), name="b.yaml")
    )
    changed = simulator.load_scenario(write_scenario(MINI.replace('"We\'re done."', '"We are done."'), name="c.yaml"))
    assert plain.hash == reformatted.hash
    assert plain.hash != changed.hash
    assert len(plain.hash) == 64


def test_compiled_rules_are_shared_by_content(write_scenario):
    first = simulator.load_scenario(write_scenario(MINI, name="a.yaml"))
    second = simulator.load_scenario(write_scenario(MINI, name="b.yaml"))
    assert first is not second
    assert first.rules is second.rules
    assert first.rubric is not second.rubric  # cheap, per object; the rules are the costly part


def test_scenario_reads_like_its_spec(declined):
    assert (declined.id, declined.title, declined.source) == (
        declined.spec.id,
        declined.spec.title,
        declined.spec.source,
    )
    assert repr(declined) == f"Scenario(id='declined-offer', path={str(declined.path)!r}, hash={declined.hash[:12]!r})"
    assert set(declined.personas) == set(declined.spec.cast)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "      - move: vent\n        outcomes:\n          - to: closed\n",
            "      - move: vent\n        outcomes:\n          - to: closed\n            also: {boss: cool}\n",
            "28:20: cast.hr_rep.reactions[1].outcomes[0].also.boss: unknown cast member 'boss'; known: hr_rep",
        ),
        (
            "      - move: vent\n        outcomes:\n          - to: closed\n",
            "      - move: vent\n        outcomes:\n          - to: closed\n            also: {hr_rep: furious}\n",
            "28:28: cast.hr_rep.reactions[1].outcomes[0].also.hr_rep: unknown state of hr_rep 'furious'; "
            "known: closed, guarded, neutral, offended, receptive",
        ),
        (
            "    initial: offended\n",
            "    initial: furious\n",
            "12:14: cast.hr_rep.initial: unknown state 'furious'; known: closed, guarded, neutral, offended, receptive",
        ),
        (
            "    initial: offended\n",
            "    initial: offended\n    stories: {sulking: They hate me.}\n",
            "13:15: cast.hr_rep.stories.sulking: unknown state 'sulking'; "
            "known: closed, guarded, neutral, offended, receptive",
        ),
        (
            "    initial: offended\n",
            "    initial: offended\n    meters: {charm: 2}\n",
            "13:14: cast.hr_rep.meters.charm: unknown meter 'charm'; known: apologies, patience, slighted, trust",
        ),
        (
            "  - id: wait\n    takes: 2 weeks\n",
            "  - id: wait\n    takes: 2 weeks\n    targets: [hr_rep]\n",
            "40:14: moves[3].targets: move 'wait' takes no target",
        ),
        (
            "    - move: wait\n",
            "    - move: ask\n",
            "44:13: scene.reactions[0].move: unknown move with no target 'ask'; known: wait",
        ),
        (
            "    - move: wait\n",
            "    - move: wait\n      in: [neutral]\n",
            "45:11: scene.reactions[0].in: scene reactions have no state of their own; use a state condition",
        ),
        (
            "    when: {state: hr_rep, in: [closed]}\n",
            "    when: {clock: since_contact, at_least: 7}\n",
            "54:11: endings[0].when: since_contact needs 'who' here, where no persona is reacting",
        ),
        (
            "    when: {state: hr_rep, in: [closed]}\n",
            "    when: {clock: since_contact, who: boss, at_least: 7}\n",
            "54:39: endings[0].when.who: unknown cast member 'boss'; known: hr_rep",
        ),
        (
            "    when: {state: hr_rep, in: [closed]}\n",
            "    when: {state: boss, in: [cool]}\n",
            "54:19: endings[0].when.state: unknown cast member 'boss'; known: hr_rep",
        ),
        (
            "  - id: repaired\n",
            "  - id: closed_door\n",
            "55:9: endings[1].id: ending 'closed_door' is listed twice",
        ),
        (
            "  - move: vent\n    to: hr_rep\n",
            "  - move: sulk\n    to: hr_rep\n",
            "78:11: advice[1].move: unknown move 'sulk'; known: apologize, ask, vent, wait",
        ),
        (
            "  - move: vent\n    to: hr_rep\n",
            "  - move: vent\n    to: boss\n",
            "79:9: advice[1].to: unknown cast member 'boss'; known: hr_rep",
        ),
        (
            'venting: ["vent:hr_rep"]',
            'venting: ["sulk"]',
            "83:13: anti_patterns.venting[0]: move 'sulk': no such move in this scenario; "
            "moves: apologize, ask, vent, wait",
        ),
        (
            'recommended: ["apologize:hr_rep"]',
            'recommended: ["wait:hr_rep"]',
            "81:15: recommended[0]: move 'wait:hr_rep': it takes no target",
        ),
        (
            "effects: {trust: 2, apologies: 1, scene.repaired: 1}",
            "effects: {trust: 2, apologies: 1, hr_rep.charm: 1}",
            "19:47: cast.hr_rep.reactions[0].outcomes[0].effects.hr_rep.charm: unknown meter of hr_rep 'charm'; "
            "known: apologies, patience, slighted, trust",
        ),
        (
            "        - effects: {hr_rep.patience: 1}\n",
            "        - effects: {patience: 1}\n",
            "46:21: scene.reactions[0].outcomes[0].effects.patience: meter 'patience' needs an owner here, "
            "like 'scene.patience' or 'hr_rep.patience'",
        ),
    ],
)
def test_broken_references_are_located(write_scenario, old, new, expected):
    assert MINI.count(old) == 1, old
    path = write_scenario(MINI.replace(old, new))
    with pytest.raises(ScenarioError) as info:
        simulator.load_scenario(path)
    assert str(info.value) == f"{path}:{expected}"


def test_a_bundled_id_wins_over_a_folder_of_the_same_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "declined-offer").mkdir()
    assert simulator.load_scenario("declined-offer").id == "declined-offer"
