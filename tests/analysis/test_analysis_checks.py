"""Diagnostics: what `parley check` and `simulator.analysis.analyse` report, and where."""

from __future__ import annotations

import json

import analysis_fixtures as fx
import pytest

from simulator.analysis import analyse, check_file
from simulator.cli.main import main


def _codes(report, severity=None):
    return [d.code for d in report.diagnostics if severity is None or d.severity == severity]


def test_unreachable_ending_and_dead_reaction_are_located(tmp_path):
    report = analyse(fx.load(tmp_path))
    assert report.ok
    ending = next(d for d in report.diagnostics if d.code == "ending-unreachable")
    assert "'never'" in ending.message and ending.line == 57 and ending.file.endswith("tiny.yaml")
    reaction = next(d for d in report.diagnostics if d.code == "reaction-never-fires")
    assert (reaction.line, reaction.column) == (29, 9) and "'counter'" in reaction.message
    said = [d for d in report.diagnostics if d.code == "line-never-said" and d.file.endswith("tiny.yaml")]
    assert [d.message for d in said] == ["never said: 'Never said.'"]


def test_persona_material_is_reported_in_the_persona_file(tmp_path):
    report = analyse(fx.load(tmp_path))
    states = [d for d in report.diagnostics if d.code == "state-unreachable"]
    assert [d.severity for d in states] == ["info"] and states[0].file.endswith("hr_rep.yaml")
    assert "'neutral'" in states[0].message
    assert any(d.code == "meter-unread" and "hr_rep.patience" in d.message for d in report.diagnostics)


def test_score_ranges_and_a_dimension_that_never_moves(tmp_path):
    report = analyse(fx.load(tmp_path))
    assert report.stats["score_ranges"]["integrity"] == [100, 100]
    assert report.stats["score_ranges"]["overall"] == [25, 80]
    assert "dimension-never-lost" in _codes(report, "warning")  # integrity is pinned at 100


def test_dead_end_is_an_error_with_the_line_that_reaches_it(tmp_path):
    report = analyse(fx.load(tmp_path, fx.DEAD_END))
    dead = [d for d in report.diagnostics if d.code == "dead-end"]
    assert dead and dead[0].severity == "error" and not report.ok
    assert dead[0].moves == ("vent:hr_rep",)


def test_dominant_move_is_a_warning(tmp_path):
    # Only apologize and vent are offered: apologising every turn is the best there is.
    text = fx.TINY.replace("  - id: counter\n    targets: [hr_rep]\n", "").replace(
        "      - move: counter\n        when: {meter: trust, at_least: 99}\n"
        '        outcomes:\n          - say: ["Never said."]\n',
        "",
    )
    text = text.replace("  - id: wait\n    takes: 2 weeks\n", "").replace(
        "  reactions:\n    - move: wait\n      outcomes:\n"
        '        - effects: {hr_rep.patience: 1}\n          say: ["Two weeks pass."]\n',
        "",
    )
    report = analyse(fx.load(tmp_path, text))
    dominant = [d for d in report.diagnostics if d.code == "dominant-move"]
    assert dominant and "apologize:hr_rep" in dominant[0].message and dominant[0].line == 30


def test_a_file_that_does_not_load_is_one_located_error(tmp_path):
    path = fx.write(tmp_path, fx.TINY.replace("limits:\n  turns: 3", "limits:\n  turns: 0"))
    report = check_file(str(path))
    assert not report.ok and report.codes() == ["load-error"]
    assert report.diagnostics[0].line is not None


def test_cli_check_json_is_the_report_data(tmp_path, capsys):
    """What TINY is known to hold (see analysis_fixtures), as ``check --json`` reports it."""
    path = fx.write(tmp_path)
    assert main(["check", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is True and len(data["reports"]) == 1
    report = data["reports"][0]
    assert (report["scenario"], report["file"], report["ok"]) == ("tiny", str(path), True)
    assert report["counts"]["error"] == 0
    warnings = {(d["code"], d["line"], d["field"]) for d in report["diagnostics"] if d["severity"] == "warning"}
    assert warnings == {
        ("reaction-never-fires", 29, "cast.hr_rep.reactions[2]"),  # counter needs trust 99
        ("dominant-move", 34, "moves[0]"),  # apologising every turn is the best there is
        ("ending-unreachable", 57, "endings[1]"),  # 'never' needs trust 7
        ("dimension-never-lost", 78, "scoring.integrity"),  # integrity is pinned at 100
    }
    ranges = {d["field"]: d["message"] for d in report["diagnostics"] if d["code"] == "score-range"}
    assert ranges["scoring.overall"] == "final overall ranges from 25 to 80 (starts at 38)"
    assert report["stats"]["score_ranges"]["overall"] == [25, 80]


def test_cli_check_exit_codes_and_folders(tmp_path, capsys):
    # a folder with no scenario in it is a mistake in the arguments, not a pass
    assert main(["check", str(tmp_path)]) == 2
    assert f"no scenario files in {str(tmp_path)!r}" in capsys.readouterr().err
    fx.write(tmp_path)
    assert main(["check", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "tiny: 0 error(s)" in out and out.rstrip().endswith("ok")
    fx.write(tmp_path, fx.TINY.replace("turns: 3", "turns: 0"), "broken.yaml")
    assert main(["check", str(tmp_path), "-q"]) == 1
    out = capsys.readouterr().out
    assert "broken.yaml:" in out and "error[load-error]" in out


def test_cli_check_defaults_to_every_bundled_scenario(capsys):
    code = main(["check", "--json"])
    data = json.loads(capsys.readouterr().out)
    assert sorted(r["scenario"] for r in data["reports"]) == sorted(fx.bundled_ids())
    assert code == 0 and data["ok"] is True


def test_a_scenario_past_the_limit_is_one_error(capsys):
    report = analyse(fx.bundled("declined-offer"), limit=500)
    assert report.codes() == ["too-large"] and not report.ok
    assert main(["solve", "declined-offer", "--max-situations", "500"]) == 2
    assert "raise --max-situations" in capsys.readouterr().err


def _phrased(tmp_path, reaction_when):
    """TINY with apologize said two ways; the first cast reaction answers only when ``reaction_when``."""
    text = (
        fx.TINY.replace(
            "  - id: apologize\n    targets: [hr_rep]\n",
            "  - id: apologize\n"
            "    targets: [hr_rep]\n"
            "    phrasings:\n"
            '      - {manner: sincere, text: "I\'m sorry for that call."}\n'
            '      - {manner: justifying, text: "I\'m sorry, but you kept me waiting."}\n',
        )
        .replace(
            "    reactions:\n      - move: apologize\n        when: {meter: apologies, at_most: 0}\n",
            "    reactions:\n"
            "      - move: apologize\n"
            f"        when: {reaction_when}\n"
            "        outcomes:\n"
            '          - say: ["But what?"]\n'
            "      - move: apologize\n"
            "        when: {meter: apologies, at_most: 0}\n",
        )
        .replace('recommended: ["apologize:hr_rep"]', 'recommended: ["apologize:hr_rep/sincere"]')
    )
    assert text.count("phrasings") == 1 and text.count("But what?") == 1
    return fx.load(tmp_path, text)


def test_manners_no_condition_tells_apart_are_a_warning(tmp_path):
    report = analyse(_phrased(tmp_path, "{meter: trust, at_least: 99}"))
    (found,) = [d for d in report.diagnostics if d.code == "manner-indistinct"]
    assert found.severity == "warning" and "manners sincere, justifying meet the same reactions" in found.message
    assert found.field == "moves[0].phrasings"


def test_manners_a_condition_tells_apart_are_fine(tmp_path):
    report = analyse(_phrased(tmp_path, "{manner: [justifying]}"))
    assert "manner-indistinct" not in report.codes()


def test_a_reaction_no_manner_can_reach_never_fires(tmp_path):
    report = analyse(_phrased(tmp_path, "{manner: [strategic]}"))
    never = [d.field for d in report.diagnostics if d.code == "reaction-never-fires"]
    assert "cast.hr_rep.reactions[0]" in never  # no choice is said in a manner it answers


def test_a_note_whose_direction_contradicts_its_change_is_a_warning(tmp_path):
    # venting here (oddly) repairs things: a note calling it a setback is flagged where it stands
    text = fx.TINY.replace(
        "          - to: closed\n            effects: {trust: -3}\n",
        "          - to: closed\n            effects: {trust: 3, scene.repaired: 1}\n"
        "            note: Venting backfires and undermines what trust was left.\n",
        1,
    )
    assert "backfires" in text
    report = analyse(fx.load(tmp_path, text))
    (found,) = [d for d in report.diagnostics if d.code == "note-sign"]
    assert found.severity == "warning" and found.field.endswith("outcomes[0].note")
    assert "reads as a setback, but the outcome never lowers and can raise overall" in found.message


@pytest.mark.parametrize(
    ("note", "leaning"),
    [
        ("Arguing for a role you have decided not to take muddies the answer.", -1),
        ("A plain apology that asks for nothing landed and helped them rewrite their story.", 1),
        ("Raised calmly, it was heard, but there was no room to reopen the offer.", 0),
        ("An apology right after venting is worth less.", 0),
        ("Time passes.", 0),
    ],
)
def test_how_a_note_leans(note, leaning):
    from simulator.analysis.checks import note_leaning

    assert note_leaning(note) == leaning


def test_every_place_a_persona_answers_with_its_generic_line_is_listed(tmp_path):
    report = analyse(fx.load(tmp_path))
    generic = [d for d in report.diagnostics if d.code == "generic-line"]
    assert generic and all(d.severity == "info" and d.moves for d in generic)
    assert any("counter:hr_rep" in d.message for d in generic)  # tiny writes no reply of its own to a demand


def test_no_bundled_scenario_falls_back_on_a_generic_line_anywhere():
    for scenario_id in fx.bundled_ids():
        report = fx.bundled_report(scenario_id)
        assert [d.render() for d in report.diagnostics if d.code == "generic-line"] == [], scenario_id
