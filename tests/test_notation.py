"""Move notation: one parser, one matching rule for patterns, one resolution rule for lines."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.notation import MoveRef, Unresolved, format_key


class C:
    """A choice as notation sees one."""

    def __init__(self, id, target=None, manner=None):
        self.id, self.target, self.manner = id, target, manner

    def __repr__(self):
        return format_key(self.id, self.target, self.manner)


OFFERED = [
    C("apologize", "hr_rep", "sincere"),
    C("apologize", "hr_rep", "strategic"),
    C("apologize", "boss", "sincere"),
    C("apologize", "boss", "strategic"),
    C("clarify", "boss"),
    C("wait"),
]


@pytest.mark.parametrize(
    ("text", "ref"),
    [
        ("wait", MoveRef("wait")),
        ("apologize:hr_rep", MoveRef("apologize", "hr_rep")),
        ("apologize:hr_rep/sincere", MoveRef("apologize", "hr_rep", "sincere")),
        ("wait/plain", MoveRef("wait", None, "plain")),
        (" clarify:boss ", MoveRef("clarify", "boss")),
    ],
)
def test_parse_and_format_round_trip(text, ref):
    assert MoveRef.parse(text) == ref
    assert MoveRef.parse(ref.key) == ref and str(ref) == ref.key


@pytest.mark.parametrize("text", ["", "Apologize", "apologize:", "a:b:c", "a/b/c", "apologize hr_rep", "x" * 500 + "!"])
def test_anything_else_does_not_parse_and_says_how_to_write_it(text):
    with pytest.raises(Unresolved, match="write a move as 'move', 'move:target' or 'move:target/manner'"):
        MoveRef.parse(text)


def test_a_non_string_does_not_parse():
    with pytest.raises(Unresolved, match="not int"):
        MoveRef.parse(3)  # type: ignore[arg-type]


def test_a_pattern_matches_whatever_it_leaves_out():
    hits = lambda text: [repr(c) for c in OFFERED if MoveRef.parse(text).matches(c)]  # noqa: E731
    assert hits("apologize") == [
        "apologize:hr_rep/sincere",
        "apologize:hr_rep/strategic",
        "apologize:boss/sincere",
        "apologize:boss/strategic",
    ]
    assert hits("apologize:boss") == ["apologize:boss/sincere", "apologize:boss/strategic"]
    assert hits("apologize:boss/sincere") == ["apologize:boss/sincere"]
    assert hits("wait") == ["wait"]


@pytest.mark.parametrize(
    ("text", "resolved"),
    [
        ("apologize:boss/strategic", "apologize:boss/strategic"),
        ("clarify", "clarify:boss"),  # one target on offer: filled in
        ("wait", "wait"),
    ],
)
def test_a_line_move_resolves_to_the_one_choice_it_names(text, resolved):
    assert repr(MoveRef.parse(text).resolve(OFFERED)) == resolved


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("dance", "no such move in this scenario"),
        ("apologize", "it needs a target: one of hr_rep, boss"),
        ("apologize:hr_rep", "it needs a manner: one of sincere, strategic"),
        ("apologize:ceo", "'ceo' is not a target of 'apologize'; targets: hr_rep, boss"),
        ("wait:boss", "it takes no target"),
        ("clarify:boss/sincere", "it is said in one way only; leave out the manner"),
        ("apologize:boss/smug", "'smug' is not a manner of it; manners: sincere, strategic"),
    ],
)
def test_a_line_move_that_names_none_or_several_says_what_could_go_there(text, reason):
    with pytest.raises(Unresolved) as info:
        MoveRef.parse(text).resolve(OFFERED)
    assert info.value.reason == reason


def test_an_unknown_move_lists_the_moves_there_are():
    with pytest.raises(Unresolved) as info:
        MoveRef.parse("dance").resolve(OFFERED)
    assert info.value.with_moves() == "no such move in this scenario; moves: apologize, clarify, wait"


NAMES = st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True)


@given(NAMES, st.none() | NAMES, st.none() | NAMES)
def test_every_reference_formats_to_what_parses_back(move, target, manner):
    ref = MoveRef(move, target, manner)
    assert MoveRef.parse(ref.key) == ref
