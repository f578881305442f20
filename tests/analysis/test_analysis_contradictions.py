"""`parley check` finds the story world contradicting itself: each kind planted in the tiny
scenario (see analysis_fixtures.TINY) is found where it stands, and its fixed twin is not.
"""

from __future__ import annotations

import json
from pathlib import Path

import analysis_fixtures as fx
import pytest

from simulator.analysis import analyse
from simulator.analysis.cues import claimed_days, face_cue, in_person, silence_claim, story_leaning
from simulator.cli.main import main

PERSONAS = Path(__file__).resolve().parents[2] / "personas"
CODES = ("time-words", "face-cue-remote", "silence-after-contact", "story-contradicts-end")
# tiny's demand, which no reaction answers in the fixture: the plants give it one
COUNTER = (
    "      - move: counter\n        when: {meter: trust, at_least: 99}\n"
    '        outcomes:\n          - say: ["Never said."]\n'
)


def _found(tmp_path: Path, text: str, code: str, *, persona: str | None = None) -> list:
    if persona is not None:
        (tmp_path / "dana.yaml").write_text(persona, encoding="utf-8")
    report = analyse(fx.load(tmp_path, text))
    return [d for d in report.diagnostics if d.code == code]


def _replace(old: str, new: str, text: str = fx.TINY) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def _line_at(diagnostic) -> str:
    """The text of the file at the diagnostic's line, from its column."""
    lines = Path(diagnostic.file).read_text(encoding="utf-8").splitlines()
    return lines[diagnostic.line - 1][diagnostic.column - 1 :]


# --- 1. time words against the clock ----------------------------------------------------------------


def test_an_ending_that_says_a_year_went_by_weeks_in_is_found(tmp_path):
    text = _replace("text: Dana sees you differently now.", "text: The year went by, and Dana sees you differently.")
    (found,) = _found(tmp_path, text, "time-words")
    assert found.severity == "warning" and found.field == "endings[2].text"
    assert "this ending says 'The year went by' (364 days or more), but can be reached on day 3" in found.message
    assert _line_at(found).startswith("The year went by") and found.moves is not None


def test_a_line_is_judged_at_the_clock_it_is_said_on(tmp_path):
    # the wait takes two weeks: "two weeks later" holds, "three weeks later" does not
    fixed = _replace('say: ["Two weeks pass."]', 'say: ["Two weeks later, nothing has changed."]')
    assert _found(tmp_path, fixed, "time-words") == []
    planted = _replace("Two weeks later", "Three weeks later", fixed)
    (found,) = _found(tmp_path, planted, "time-words")
    assert found.field == "scene.reactions[0].outcomes[0].say[0]" and found.moves == ("wait",)
    assert "says 'Three weeks later' (21 days or more), but can be said on day 14" in found.message


def test_finishing_lets_the_rest_of_the_time_pass(tmp_path):
    """``finish`` lands on the last day of a scenario's clock, so its line may say the months
    went by, though a line said after the same single move of ``wait`` may not.
    """
    text = _replace("  - id: wait\n    takes: 2 weeks\n", "  - id: wait\n    takes: 2 weeks\n  - id: finish\n")
    text = _replace("limits:\n  turns: 3\n", "limits:\n  turns: 3\n  days: 120\n", text)
    text = _replace(
        "    - move: wait\n",
        '    - move: finish\n      outcomes:\n        - say: ["Months later, you have stopped checking."]\n'
        "    - move: wait\n",
        text,
    )
    assert _found(tmp_path, text, "time-words") == []
    planted = _replace('say: ["Two weeks pass."]', 'say: ["Months later, nothing has changed."]', text)
    (found,) = _found(tmp_path, planted, "time-words")
    assert found.moves == ("wait",)


def test_the_bundled_tiny_scenario_has_no_time_words_to_contradict(tmp_path):
    report = analyse(fx.load(tmp_path))
    assert not set(CODES) & set(report.codes())


# --- 2. face-to-face cues under a remote channel -------------------------------------------------------


def _dana(mood: str) -> str:
    persona = (PERSONAS / "hr_rep.yaml").read_text(encoding="utf-8")
    return persona.replace("mood: warmer, asks how things are going", f"mood: {mood}")


def _channel(channel: str, text: str = fx.TINY) -> str:
    return _replace("    name: Dana\n", f"    name: Dana\n    channel: {channel}\n", text).replace(
        "persona: hr_rep", "persona: dana.yaml"
    )


def test_a_face_to_face_mood_under_e_mail_is_found_in_the_persona_file(tmp_path):
    (found,) = _found(tmp_path, _channel("by e-mail"), "face-cue-remote", persona=_dana("relaxed, leans in"))
    assert found.file.endswith("dana.yaml") and found.field == "states.receptive.mood"
    assert "'leans in', seen only face to face, while hr_rep is 'by e-mail'" in found.message
    assert found.moves == ("apologize:hr_rep",)  # the first line that makes her receptive


def test_the_same_mood_in_person_or_without_the_cue_is_fine(tmp_path):
    assert _found(tmp_path, _channel("in person"), "face-cue-remote", persona=_dana("relaxed, leans in")) == []
    assert _found(tmp_path, _channel("by e-mail"), "face-cue-remote", persona=_dana("relaxed, asks questions")) == []


def test_a_face_to_face_mood_before_any_word_with_them_is_found_even_in_person(tmp_path):
    # a second counterpart moved by news (also) before the learner has said a word to them
    text = _replace(
        "            effects: {trust: -3}\n",
        "            effects: {trust: -3}\n            also: {boss: receptive}\n",
    )
    text = _replace("moves:\n", "  boss:\n    persona: boss\n    name: Sam\n    channel: in person\nmoves:\n", text)
    boss = (PERSONAS / "boss.yaml").read_text(encoding="utf-8")
    (tmp_path / "boss.yaml").write_text(boss.replace("mood: open, curious", "mood: open, nods along"), "utf-8")
    (found,) = _found(tmp_path, text.replace("persona: boss", "persona: boss.yaml"), "face-cue-remote")
    assert found.field == "states.receptive.mood" and "before the learner addresses boss" in found.message
    assert found.moves == ("vent:hr_rep",)
    assert _found(tmp_path, text, "face-cue-remote") == []  # the bundled boss's mood needs no room


def test_a_line_with_a_face_cue_under_e_mail_is_found(tmp_path):
    text = _channel("by e-mail", _replace('say: ["Thank you."]', 'say: ["She smiles. Thank you."]'))
    (found,) = _found(tmp_path, text, "face-cue-remote", persona=_dana("warmer"))
    assert found.field == "cast.hr_rep.reactions[0].outcomes[0].say[0]" and "says 'smiles'" in found.message
    assert found.moves == ("apologize:hr_rep",)
    assert _found(tmp_path, _replace("by e-mail", "in person", text), "face-cue-remote", persona=_dana("warmer")) == []


# --- 3. claims of silence after contact ----------------------------------------------------------------


def test_a_claim_of_silence_after_the_learner_has_spoken_is_found(tmp_path):
    text = _replace('say: ["We\'re done."]', "say: [\"I'd taken your silence as a no. We're done.\"]")
    (found,) = _found(tmp_path, text, "silence-after-contact")
    assert found.field == "cast.hr_rep.reactions[1].outcomes[0].say[0]"
    assert "hr_rep says 'your silence' after the learner has already addressed hr_rep" in found.message
    assert found.moves is not None and found.moves[-1] == "vent:hr_rep"
    assert any(m.endswith(":hr_rep") for m in found.moves[:-1])  # the line shows the earlier word


def test_a_claim_of_silence_said_only_at_first_contact_is_fine(tmp_path):
    # the same words, but only while the learner has never addressed her (since_contact is long)
    first = (
        "      - move: counter\n        when: {clock: since_contact, at_least: 100}\n        outcomes:\n"
        "          - say: [\"I hadn't heard from you, so I'd taken your silence as a no.\"]\n"
    )
    text = _replace(COUNTER, first + COUNTER)
    assert _found(tmp_path, text, "silence-after-contact") == []
    planted = _replace("at_least: 100}", "at_least: 0}", text)  # now said after contact too
    assert [d.field for d in _found(tmp_path, planted, "silence-after-contact")] == [
        "cast.hr_rep.reactions[2].outcomes[0].say[0]"
    ]


# --- 4. a closing story against the last event --------------------------------------------------------


def _stories(receptive: str, closed: str | None = None) -> str:
    stories = f"    stories:\n      receptive: {receptive}\n" + (f"      closed: {closed}\n" if closed else "")
    return _replace("    initial: offended\n", f"    initial: offended\n{stories}")


def test_a_warm_story_from_someone_who_stopped_taking_calls_is_found(tmp_path):
    text = _stories("Glad we talked.", closed="Glad we talked; I'd happily work with them.")
    (found,) = _found(tmp_path, text, "story-contradicts-end")
    assert found.field == "cast.hr_rep.stories.closed" and "'closed', which no longer takes" in found.message
    assert found.moves == ("vent:hr_rep",)
    fixed = _stories("Glad we talked.", closed="Done with them.")
    assert _found(tmp_path, fixed, "story-contradicts-end") == []


def test_a_warm_story_after_a_cold_turn_that_left_the_state_is_found(tmp_path):
    cold = (
        "      - move: counter\n        outcomes:\n"
        '          - effects: {trust: -1}\n            say: ["Let\'s call it a day, then."]\n'
    )
    text = _replace(COUNTER, cold, _stories("Glad we talked; worth another conversation."))
    (found,) = _found(tmp_path, text, "story-contradicts-end")
    assert found.field == "cast.hr_rep.stories.receptive"
    assert "was cold (\"Let's call it a day, then.\") and left them 'receptive'" in found.message
    assert found.moves is not None and found.moves[-1] != "apologize:hr_rep" and "counter:hr_rep" in found.moves
    # the fix: the cold turn moves her out of the warm state
    fixed = _replace(
        "          - effects: {trust: -1}\n", "          - to: guarded\n            effects: {trust: -1}\n", text
    )
    assert _found(tmp_path, fixed, "story-contradicts-end") == []


# --- surfaces -----------------------------------------------------------------------------------------


def test_parley_check_shows_a_contradiction_with_its_place_and_line(tmp_path, capsys):
    text = _replace("text: Dana sees you differently now.", "text: Months later, Dana sees you differently.")
    path = fx.write(tmp_path, text)
    assert main(["check", str(path), "-q"]) == 0  # a warning, not an error
    out = capsys.readouterr().out
    assert "tiny.yaml:63:11: warning[time-words]: this ending says 'Months later'" in out
    assert "line of moves:" in out
    assert main(["check", str(path), "--json"]) == 0
    (report,) = json.loads(capsys.readouterr().out)["reports"]
    (found,) = [d for d in report["diagnostics"] if d["code"] == "time-words"]
    assert (found["line"], found["column"], found["severity"]) == (63, 11, "warning")


@pytest.mark.parametrize("scenario_id", fx.bundled_ids())
def test_bundled_scenarios_contradict_themselves_nowhere(scenario_id):
    report = fx.bundled_report(scenario_id)
    found = [d.render() for d in report.diagnostics if d.code in CODES]
    assert found == [], "\n".join(found)


# --- the lexicons -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("The year went by.", 364),
        ("Months later, a note.", 56),
        ("Another month goes by.", 28),
        ("after two weeks of unanswered calls", 14),
        ("Three days have passed.", 3),
        ("A quiet year", None),
        ("Let's talk next month.", None),
        ("A clean close.", None),
    ],
)
def test_how_much_time_a_text_says_has_passed(text, days):
    found = claimed_days(text)
    assert (found[0] if found else None) == days


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("relaxed, leans in, asks questions", "leans in"),
        ("He NODDED slowly.", "NODDED"),
        ("curt, avoids eye contact", "eye contact"),
        ("warmer, asks how things are going", None),
        ("Make one clean case.", None),
    ],
)
def test_which_cues_need_a_room(text, cue):
    assert face_cue(text) == cue


def test_remote_channels_and_in_person_ones():
    assert [in_person(c) for c in ("in person", "in person or by e-mail", "a meeting", None)] == [True] * 4
    assert [in_person(c) for c in ("by e-mail", "through a friend", "by e-mail since a coffee")] == [False] * 3


def test_claims_of_silence_and_how_stories_lean():
    assert silence_claim("I'd taken your silence as a no.") == "your silence"
    assert silence_claim("We haven't heard from you since May.") == "haven't heard from you"
    assert silence_claim("Silence doesn't tidy up a confusing answer.") is None
    assert story_leaning("We want them, and they seem to want us. Let's make it work.") == 1
    assert story_leaning("The offer lapsed and we have moved on.") == -1
    assert story_leaning("A candidate like any other; I will judge on the work.") == 0
