"""End to end in a real pseudo-terminal: the installed ``parley`` under pexpect.

These drive prompt-toolkit as a person would (Tab, Ctrl-C, Ctrl-D) and check what a terminal
shows, including ``NO_COLOR``. ``PROMPT_TOOLKIT_NO_CPR`` stops prompt-toolkit from asking the
pseudo-terminal for the cursor position, a question pexpect never answers.
"""

from __future__ import annotations

import re

import pexpect
import pytest

import simulator

SCENARIO_IDS = [info.id for info in simulator.list_scenarios()]
PROMPT = "Your move"
SGR = re.compile(r"\x1b\[([0-9;]*)m")


def spawn(args, cli_env, *, width=80, extra=None):
    from shutil import which

    exe = which("parley")
    if exe is None:
        pytest.skip("the parley console script is not installed")
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


def play_through(child, line):
    for key in line:
        child.expect(PROMPT)
        child.send(key.replace(":", " ") + "\r")


@pytest.mark.parametrize(
    "scenario_id", [*SCENARIO_IDS[:1], *(pytest.param(i, marks=pytest.mark.slow) for i in SCENARIO_IDS[1:])]
)
def test_a_whole_scenario_in_a_terminal_with_tab_ctrl_c_and_quit_prompt(scenario_id, cli_env, ending_line):
    line = ending_line(scenario_id, seed=11)
    child = spawn(["play", scenario_id, "--seed", "11", "--learner", "pty"], cli_env)
    child.expect(PROMPT)
    child.send("something I regret")
    child.send("\x03")  # Ctrl-C with text: the line is cleared, nothing is played
    child.send("\x03")  # Ctrl-C on an empty line: asks
    child.expect(r"Quit this session\? \[y/N\]")
    child.send("n\r")
    move = line[0]
    first = move.split(":")[0]
    child.expect(PROMPT)
    child.send(first[: max(1, len(first) - 2)] + "\t")  # Tab finishes the move id
    child.expect(first)
    if ":" in move:
        child.send(" " + move.split(":")[1])  # a second space is harmless
    child.send("\r")
    child.expect("You: ")
    play_through(child, line[1:])
    child.expect("Their side of the story")
    child.expect(f"{scenario_id}: ending '")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert "Traceback" not in child.before


def test_ctrl_d_quits_with_a_summary_and_a_replay_hint_and_stores_nothing(cli_env):
    """Nothing was played: nothing is stored (issue 11), and the summary says how to play it again."""
    from simulator.store import Store

    child = spawn(["play", SCENARIO_IDS[0], "--seed", "12"], cli_env)
    child.expect(PROMPT)
    child.send("\x04")
    child.expect(f"{SCENARIO_IDS[0]}: stopped after 0 of \\d+ turns, overall \\d+; seed 12; replay with: parley play {SCENARIO_IDS[0]} --seed 12")
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
    to quit (not be swallowed by an event loop and turn the next /quit into exit 130)."""
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
