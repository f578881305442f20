"""Reading free text: readings, confidence and cues; never raising on any input; the same
reading in every process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import simulator
from simulator.reading import CONFIDENT, reader_for

PHRASED = Path(__file__).resolve().parent / "cli" / "cases" / "phrased.yaml"


@pytest.fixture(scope="module")
def phrased():
    return simulator.load_scenario(PHRASED)


def test_a_clear_sentence_reads_as_its_move_target_and_manner(phrased):
    (top, *_) = simulator.Session(phrased, seed=1).interpret("Dana, I'm sorry I lost my temper on that call.")
    assert (top.id, top.target, top.manner, top.key) == ("apologize", "hr_rep", "sincere", "apologize:hr_rep/sincere")
    assert top.confident and 0 < top.confidence <= 1
    assert "dana" in top.cues and any("sorry" in c or "temper" in c for c in top.cues)


def test_the_manner_follows_the_words(phrased):
    session = simulator.Session(phrased, seed=1)
    assert session.interpret("sorry, but honestly nobody ever called me back")[0].manner == "justifying"
    assert session.interpret("sorry for the call, is the offer still possible?")[0].manner == "strategic"


def test_readings_are_ranked_and_only_legal_ones_are_offered(phrased):
    session = simulator.Session(phrased, seed=1)
    readings = session.interpret("I'm sorry about that call")
    assert [r.confidence for r in readings] == sorted((r.confidence for r in readings), reverse=True)
    session.play("vent:hr_rep")  # the door closes: nothing is legal
    assert session.interpret("I'm sorry about that call") == []


def test_a_reading_plays_with_the_words_recorded(phrased):
    session = simulator.Session(phrased, seed=1)
    reading = session.interpret("honestly this place is a joke")[0]
    turn = session.play(reading)
    assert turn.key == reading.key and turn.said == "honestly this place is a joke"


@pytest.mark.parametrize(
    "text", ["", "   ", "\x00\x01", "zxqv blorp frindle", "日本語のテキスト", "🙂🙂🙂", "x" * 100_000]
)
def test_nothing_confident_from_empty_foreign_or_nonsense_text(phrased, text):
    readings = simulator.Session(phrased, seed=1).interpret(text)
    assert not readings or readings[0].confidence < CONFIDENT


@pytest.mark.parametrize("value", [None, 3, b"sorry", ["sorry"], object()])
def test_anything_but_text_reads_as_nothing(phrased, value):
    assert simulator.Session(phrased, seed=1).interpret(value) == []


@settings(max_examples=150)
@given(st.text(max_size=300))
def test_any_text_reads_without_raising_and_the_same_twice(text):
    scenario = simulator.load_scenario(PHRASED)
    first = reader_for(scenario).read(text)
    assert first == reader_for(scenario).read(text)
    assert all(0 <= r.confidence <= 1 for r in first)


READ = """
import json, sys, simulator
from simulator.reading import reader_for
sc = simulator.load_scenario(sys.argv[1])
out = [[(r.key, r.confidence, list(r.cues)) for r in reader_for(sc).read(t)] for t in json.load(sys.stdin)]
json.dump(out, sys.stdout)
"""


def test_the_same_reading_in_every_process(phrased):
    texts = [
        "sorry dana",
        "sorry but you never called",
        "let it rest a while",
        "how are grades decided?",
        "this is absurd",
    ]
    here = [[[r.key, r.confidence, list(r.cues)] for r in reader_for(phrased).read(t)] for t in texts]
    for hash_seed in ("1", "777"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        out = subprocess.run(
            [sys.executable, "-c", READ, str(PHRASED)],
            input=json.dumps(texts),
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
        assert json.loads(out.stdout) == here


def test_what_is_learnt_is_kept_per_content(phrased):
    assert reader_for(phrased) is reader_for(simulator.load_scenario(PHRASED))
