"""Text made safe to print: control characters visible, long values clipped, JSON lossless."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.errors import IllegalMove, IncompatibleVersion, ScenarioError, SimulatorError
from simulator.safetext import brief, clip, json_text, one_line, visible

UNSAFE = [chr(c) for c in [*range(0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0)]] + [
    "\u2028",
    "\u2029",
    "\u202e",
    "\u2066",
    "\udcff",
]


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("plain text, café, 東京", "plain text, café, 東京"),
        ("\x1b]0;pwned\x07", "\\x1b]0;pwned\\x07"),
        ("a\nb\tc\rd", "a\\nb\\tc\\rd"),
        ("csi\x9b31m", "csi\\x9b31m"),
        ("rtl\u202eevil", "rtl\\u202eevil"),
        ("nul\0", "nul\\x00"),
        ("argv\udcff", "argv\\udcff"),
    ],
)
def test_visible_shows_control_characters_as_escapes(text, shown):
    assert visible(text) == shown


def test_multiline_keeps_line_feeds_and_tabs_only():
    assert visible("one\n\ttwo\x1b[2J\r", multiline=True) == "one\n\ttwo\\x1b[2J\\r"


@given(st.text())
def test_visible_text_never_holds_an_unsafe_character_and_is_idempotent(text):
    shown = visible(text)
    assert not any(c in shown for c in [*UNSAFE, "\n", "\t"])
    assert visible(shown) == shown
    assert not any(c in visible(text, multiline=True) for c in UNSAFE)


def test_clip_and_brief():
    assert clip("short") == "short"
    assert clip("x" * 130) == "x" * 120 + "… (10 more characters)"
    assert brief("x" * 10_000_000).endswith("… (9,999,882 more characters)")
    assert brief(10**5000).startswith("<an integer of about 5,")  # repr() itself would raise
    assert brief("a\x1bb") == "'a\\x1bb'"


@given(
    st.recursive(
        st.none() | st.integers() | st.text(), lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner)
    )
)
def test_json_text_loses_nothing_and_holds_no_unsafe_character(data):
    text = json_text(data)
    assert json.loads(text) == data
    assert not any(c in text for c in UNSAFE)


def test_every_simulator_error_is_one_printable_line():
    errors: list[SimulatorError] = [
        ScenarioError("bad\nthing\x1b[2J", file="/tmp/\x1b]0;x\x07.yaml", line=1, column=2, field="a.\nb"),
        IllegalMove("x" * 10_000_000, None, "no such move", ["wait"]),
        IncompatibleVersion("snapshot", 10**5000, 1),
        SimulatorError("a" * 100_000),
    ]
    for error in errors:
        message = str(error)
        assert message.isprintable() and len(message) < 4200, message[:200]
    assert str(errors[1]).startswith(
        "illegal move 'xxx"
    ) and "more characters): no such move; legal moves: wait" in str(errors[1])
    assert one_line("a\nb") == "a\\nb"
