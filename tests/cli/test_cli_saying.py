"""Saying it in your own words at the prompt: phrasings to choose from, free text read and
confirmed, coaching on the words, in plain mode (the terminal interface has its own tests).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import simulator
from simulator.cli.saying import LETTERS, phrasing_order

PHRASED = Path(__file__).resolve().parent / "cases" / "phrased.yaml"
SINCERE = "I'm sorry for how I spoke to you on that call. You didn't deserve it."
JUSTIFYING = "I'm sorry, but two weeks without a single call back would test anyone."


def play(run_parley, text: str, *extra: str):
    # wide, so that what the tests look for is on one line
    return run_parley(
        ["play", str(PHRASED), "--seed", "1", "--no-save", "--plain", *extra], input=text, env={"COLUMNS": "200"}
    )


def letter_of(text: str, seed: int = 1, turn: int = 0) -> str:
    scenario = simulator.load_scenario(PHRASED)
    move = next(m for m in scenario.rules.moves if m.id == "apologize")
    order = phrasing_order(move.phrasings, seed, turn, move.key)
    return LETTERS[[p.text for p in order].index(text)]


def test_a_move_said_several_ways_asks_how_and_records_the_words(run_parley):
    result = play(run_parley, f"1\n{letter_of(SINCERE)}\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "How do you put it? (Apologise → Dana Reyes)" in out
    for phrasing in (SINCERE, JUSTIFYING):
        assert f"“{phrasing}”" in out
    assert f"You: “{SINCERE}”  (Apologise → Dana Reyes)" in out


ORDERS = """
import json, sys
import simulator
from simulator.cli.saying import phrasing_order
move = next(m for m in simulator.load_scenario(sys.argv[1]).rules.moves if m.id == "apologize")
print(json.dumps([[p.text for p in phrasing_order(move.phrasings, 1, turn, move.key)] for turn in range(6)]))
"""


def test_the_order_of_phrasings_changes_from_turn_to_turn_but_not_between_runs():
    scenario = simulator.load_scenario(PHRASED)
    move = next(m for m in scenario.rules.moves if m.id == "apologize")
    here = [[p.text for p in phrasing_order(move.phrasings, 1, turn, move.key)] for turn in range(6)]
    assert len({tuple(order) for order in here}) > 1
    for hash_seed in ("1", "2"):  # other processes, with other string hashes
        other = subprocess.run(
            [sys.executable, "-c", ORDERS, str(PHRASED)],
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
            timeout=60,
            check=True,
        )
        assert json.loads(other.stdout) == here


def test_own_words_are_heard_then_played_on_enter(run_parley):
    result = play(run_parley, "sorry dana, i was out of line on that call\n\n")
    out = result.stdout
    assert "Heard as: Apologise → Dana Reyes, owning it plainly" in out
    assert "You: “sorry dana, i was out of line on that call”  (Apologise → Dana Reyes)" in out


def test_a_question_mark_when_piped_lists_other_readings_to_pick_from(run_parley):
    result = play(run_parley, "sorry dana, i was out of line on that call\n?\n7\n2\n")
    out = result.stdout
    assert "Heard as:" in out and "1 Apologise → Dana Reyes, owning it plainly" in out
    assert "2 Apologise → Dana Reyes, " in out
    assert "Choose a number from 1 to 3, or say it another way." in out
    played = out.split("You: ")[1]
    assert "owning it plainly" not in played.splitlines()[0]


def test_saying_it_another_way_reads_the_new_words(run_parley):
    result = play(run_parley, "sorry dana, i was out of line\nsorry but nobody ever called me back\n\n")
    assert "with a 'but' that explains it away" in result.stdout
    assert "You: “sorry but nobody ever called me back”" in result.stdout


def test_words_that_match_no_move_say_so_and_show_the_moves(run_parley):
    result = play(run_parley, "zxqv blorp frindle\n")
    assert "That doesn't sound like any move open to you now. Here they are:" in result.stdout
    assert "You: " not in result.stdout


def test_trust_reading_plays_a_confident_reading_at_once(run_parley):
    result = play(run_parley, "sorry dana, i was out of line on that call\n", "--trust-reading")
    assert "Heard as: Apologise → Dana Reyes, owning it plainly" in result.stdout
    assert "You: “sorry dana, i was out of line on that call”" in result.stdout
    assert "Enter plays it" not in result.stdout


def test_the_coach_quotes_the_words_as_they_are_said(run_parley):
    result = play(run_parley, "sorry but nobody ever called me back\n\n", "--coach")
    assert "coach: A 'but' inside the apology: “sorry but nobody ever called me back”." in result.stdout


def test_the_debrief_quotes_the_words_and_says_what_would_sound_better(run_parley):
    said = "sorry but nobody ever called me back\n\n"
    rest = "wait\n" * 3
    result = play(run_parley, said + rest)
    out = result.stdout
    assert "Your words" in out
    assert " Turn 1: A 'but' inside the apology: “sorry but nobody ever called me back”" in out
    assert f"Better: “{SINCERE}”" in out


def test_json_names_the_manner_in_each_move(run_parley):
    result = run_parley(
        ["play", str(PHRASED), "--seed", "1", "--no-save", "--moves", "apologize:hr_rep/justifying,wait", "--json"]
    )
    doc = json.loads(result.stdout)
    assert [m["key"] for m in doc["moves"]] == ["apologize:hr_rep/justifying", "wait"]
    assert doc["moves"][0]["manner"] == "justifying"


@pytest.mark.parametrize("spelling", ["apologise", "apologize"])
def test_british_and_american_spellings_of_a_move_are_both_understood(run_parley, spelling):
    result = play(run_parley, f"{spelling} hr_rep\n{letter_of(SINCERE)}\n")
    assert f"You: “{SINCERE}”" in result.stdout
