"""End to end in a real pseudo-terminal: the installed ``parley`` under pexpect.

These drive prompt-toolkit as a person would (Tab, Ctrl-C, Ctrl-D) and check what a terminal
shows, including ``NO_COLOR``. ``PROMPT_TOOLKIT_NO_CPR`` stops prompt-toolkit from asking the
pseudo-terminal for the cursor position, a question pexpect never answers.
"""

from __future__ import annotations

import re

import pexpect
import pytest
from command_support import installed_parley, typed_with_tab

import simulator

SCENARIO_IDS = [info.id for info in simulator.list_scenarios()]
PROMPT = "Your move"
SGR = re.compile(r"\x1b\[([0-9;]*)m")
# what a terminal is sent between two letters of a word as prompt-toolkit redraws the line
# (styles, cursor moves, hiding and showing the cursor)
CONTROLS = r"(?:\x1b\[[0-9;?]*[A-Za-z])*"


def drawn(word: str) -> str:
    """A pattern for ``word`` as the terminal draws it: control sequences allowed between letters."""
    return CONTROLS.join(re.escape(ch) for ch in word)


def spawn(args, cli_env, *, width=80, extra=None):
    exe = installed_parley()
    env = {**cli_env, "TERM": "xterm-256color", **(extra or {})}
    env.pop("COLUMNS", None)
    env.pop("NO_COLOR", None)
    env.update(extra or {})
    child = pexpect.spawn(exe, list(args), env=env, dimensions=(40, width), encoding="utf-8", timeout=15)
    return child


def colours_in(text: str) -> set[str]:
    """Foreground/background colour parameters found in SGR escape sequences."""
    found = set()
    for params in SGR.findall(text):
        parts = params.split(";")
        i = 0
        while i < len(parts):
            p = parts[i]
            if p in {"38", "48"}:
                found.add(";".join(parts[i : i + 3]))
                i += 3
                continue
            if p.isdigit() and (30 <= int(p) <= 37 or 40 <= int(p) <= 47 or 90 <= int(p) <= 97):
                found.add(p)
            i += 1
    return found


def type_with_tab(child, session, key) -> int:
    """Type the choice ``key`` as a person would, pressing Tab where it can complete a word, and
    wait until each completion is drawn; returns how many Tabs were pressed.
    """
    tabs = 0
    for keys in typed_with_tab(session.moves(), key):
        child.send(keys.send)
        if keys.completes:
            tabs += 1
            child.expect(drawn(keys.completes))  # the typed prefix, then the rest Tab put there
    return tabs


@pytest.mark.parametrize(
    "scenario_id", [*SCENARIO_IDS[:1], *(pytest.param(i, marks=pytest.mark.slow) for i in SCENARIO_IDS[1:])]
)
def test_a_whole_scenario_in_a_terminal_typed_with_tab_ctrl_c_and_quit_prompt(scenario_id, cli_env, ending_line):
    """Every move is typed with Tab completing its words, and what Tab completed is what is
    played (the store holds exactly the line); Ctrl-C clears a line without playing it.
    """
    from simulator.store import Store

    line = ending_line(scenario_id, seed=11)
    child = spawn(["play", scenario_id, "--seed", "11", "--learner", "pty"], cli_env)
    child.expect(PROMPT)
    child.send("something I regret")
    child.send("\x03")  # Ctrl-C with text: the line is cleared, nothing is played
    child.send("\x03")  # Ctrl-C on an empty line: asks
    child.expect(r"Quit this session\? \[y/N\]")
    child.send("n\r")
    session = simulator.Session(simulator.load_scenario(scenario_id), seed=11)
    tabs = 0
    for key in line:
        child.expect(PROMPT)
        tabs += type_with_tab(child, session, key)
        child.expect("You: ")
        session.play(key)
    session.close()
    assert tabs >= len(line), "Tab completed at least one word of each move"
    child.expect("Their side of the story")
    child.expect(f"{scenario_id}: ending '")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert "Traceback" not in child.before
    with Store(cli_env["PARLEY_DB"]) as store:
        [record] = store.sessions(learner="pty")
        assert record.finished and [t.key for t in store.turns(record.id, undone=True)] == line


def test_ctrl_d_quits_with_a_summary_and_a_replay_hint_and_stores_nothing(cli_env):
    """Nothing was played: nothing is stored (issue 11), and the summary says how to play it again."""
    from simulator.store import Store

    child = spawn(["play", SCENARIO_IDS[0], "--seed", "12"], cli_env)
    child.expect(PROMPT)
    child.send("\x04")
    child.expect(
        f"{SCENARIO_IDS[0]}: stopped after 0 of \\d+ turns, overall \\d+; seed 12; "
        f"replay with: parley play {SCENARIO_IDS[0]} --seed 12"
    )
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    with Store(cli_env["PARLEY_DB"]) as store:
        assert store.sessions() == []


def test_ctrl_c_twice_leaves_without_a_traceback(cli_env):
    child = spawn(["play", SCENARIO_IDS[0], "--seed", "13", "--no-save"], cli_env)
    child.expect(PROMPT)
    child.send("\x03")
    child.expect(r"\[y/N\]")
    child.send("\x03")  # Ctrl-C at the question means yes
    child.expect("stopped after 0 of")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0 and "Traceback" not in child.before


def test_no_color_is_honoured_in_a_terminal(cli_env):
    coloured = spawn(["list"], cli_env)
    coloured.expect(pexpect.EOF)
    assert colours_in(coloured.before), "colour is on by default in a terminal"
    plain = spawn(["list"], cli_env, extra={"NO_COLOR": "1"})
    plain.expect(pexpect.EOF)
    assert not colours_in(plain.before)
    play = spawn(["play", SCENARIO_IDS[0], "--no-save"], cli_env, extra={"NO_COLOR": "1"})
    play.expect(PROMPT)
    shown = play.before
    play.send("\x04")
    play.expect(pexpect.EOF)
    assert not colours_in(shown + play.before)


def test_a_60_column_terminal(cli_env):
    child = spawn(["play", SCENARIO_IDS[0], "--seed", "1", "--no-save"], cli_env, width=60)
    child.expect(PROMPT)
    shown = SGR.sub("", child.before)
    child.send("\x04")
    child.expect(pexpect.EOF)
    lines = [re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", row) for row in shown.replace("\r", "").splitlines()]
    assert max(len(row) for row in lines) <= 60


def test_plain_mode_in_a_terminal_honours_ctrl_c_and_quit(cli_env):
    """--plain reads lines without prompt-toolkit; Ctrl-C is a real SIGINT there, and must ask
    to quit (not be swallowed by an event loop and turn the next /quit into exit 130).
    """
    child = spawn(["play", SCENARIO_IDS[0], "--plain", "--seed", "14", "--no-save"], cli_env)
    child.expect(PROMPT)
    child.sendintr()
    child.expect(r"Quit this session\? \[y/N\]", timeout=5)
    child.send("n\r")
    child.expect(PROMPT)
    child.send("/quit\r")
    child.expect(f"{SCENARIO_IDS[0]}: stopped after 0 of \\d+ turns")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert "Traceback" not in child.before and "interrupted" not in child.before


def test_plain_mode_ctrl_c_twice_quits_with_the_summary(cli_env):
    child = spawn(["play", SCENARIO_IDS[0], "--plain", "--seed", "15", "--no-save"], cli_env)
    child.expect(PROMPT)
    child.sendintr()
    child.expect(r"\[y/N\]", timeout=5)
    child.sendintr()  # Ctrl-C at the question means yes
    child.expect("stopped after 0 of")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0 and "Traceback" not in child.before


def test_own_words_in_a_real_terminal_heard_corrected_and_played_to_the_end(cli_env):
    # A learner types a sentence, sees how it was heard, asks for the other readings with Tab,
    # picks another, and plays on to the ending and the debrief: the stored turn is the reading
    # picked, said in the learner's words.
    from pathlib import Path

    from simulator.store import Store

    said = "sorry dana, i was out of line on that call"
    phrased = Path(__file__).resolve().parent / "cases" / "phrased.yaml"
    with simulator.Session(simulator.load_scenario(phrased), seed=1) as alone:
        readings = alone.interpret(said)
    env = {**cli_env, "TERM": "xterm-256color", "NO_COLOR": "1"}
    env.pop("COLUMNS", None)
    child = pexpect.spawn(
        installed_parley(),
        ["play", str(phrased), "--seed", "1", "--learner", "pty"],
        env=env,
        dimensions=(50, 160),
        encoding="utf-8",
        timeout=15,
    )
    child.expect(PROMPT)
    child.send(said + "\r")
    child.expect("Heard as:")  # styles put escape codes between the words: expect the parts
    child.expect("owning it plainly")
    child.expect("Enter plays it")
    child.send("\t")  # the other readings
    child.expect("Pick a number")
    listed = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", child.before)
    second = re.search(r"^2 Apologise → Dana Reyes, ([a-z' ]+?) +\d+%", listed, re.MULTILINE).group(1)
    assert second != "owning it plainly"
    child.send("2\r")
    child.expect(f"“{said}”")
    for _ in range(3):
        child.expect(PROMPT)
        child.send("wait\r")
    child.expect("Your words|Scores")
    child.expect(r"phrased: ending '")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    with Store(cli_env["PARLEY_DB"]) as store:
        [record] = store.sessions(learner="pty")
        first = store.turns(record.id)[0]
    assert first.key == readings[1].key != readings[0].key  # the second reading, as listed
    assert first.detail["said"] == said
