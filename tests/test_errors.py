"""The exception tree and the exact one-line messages it renders."""

from __future__ import annotations

import re

import pytest

import simulator
from simulator import errors
from simulator.errors import (
    IllegalMove,
    IncompatibleVersion,
    ScenarioError,
    SimulatorError,
    SnapshotError,
    StoreError,
)


def test_every_error_has_one_root():
    for cls in (ScenarioError, IllegalMove, SnapshotError, IncompatibleVersion, StoreError):
        assert issubclass(cls, SimulatorError)
    assert issubclass(IncompatibleVersion, SnapshotError)
    assert issubclass(SimulatorError, Exception)


def test_the_docstring_draws_every_error():
    # the tree's lines: a class name after the drawing characters, then the column of notes
    drawn = set(re.findall(r"^[\s|+-]*([A-Z][A-Za-z]+)\s{2,}", errors.__doc__, re.MULTILINE))
    assert drawn == set(errors.__all__)


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"file": "s.yaml", "line": 3, "column": 7, "field": "cast.hr_rep"}, "s.yaml:3:7: cast.hr_rep: bad thing"),
        ({"file": "s.yaml", "line": 3, "column": 7}, "s.yaml:3:7: bad thing"),
        ({"file": "s.yaml", "line": 3}, "s.yaml:3: bad thing"),
        ({"file": "s.yaml", "column": 7}, "s.yaml: bad thing"),
        ({"file": "s.yaml"}, "s.yaml: bad thing"),
        ({}, "bad thing"),
        ({"field": "moves[0]"}, "moves[0]: bad thing"),
    ],
)
def test_scenario_error_renders_where_then_what(kwargs, expected):
    error = ScenarioError("bad thing", **kwargs)
    assert str(error) == expected
    assert error.reason == "bad thing"
    assert error.file == kwargs.get("file")
    assert error.line == kwargs.get("line")
    assert error.column == kwargs.get("column")
    assert error.field == kwargs.get("field", "")


def test_illegal_move_names_the_legal_moves():
    error = IllegalMove("counter", "hr_rep", "it is not available now", ["apologize:hr_rep", "wait"])
    assert str(error) == "illegal move 'counter:hr_rep': it is not available now; legal moves: apologize:hr_rep, wait"
    assert (error.move, error.target, error.legal) == ("counter", "hr_rep", ("apologize:hr_rep", "wait"))


def test_illegal_move_without_target_or_legal_moves():
    error = IllegalMove("wait", None, "the session is over", [])
    assert str(error) == "illegal move 'wait': the session is over; legal moves: none"
    assert error.legal == ()


def test_incompatible_version_says_found_and_supported():
    error = IncompatibleVersion("the snapshot", 7, "version 1")
    assert str(error) == "the snapshot has format version 7; this Parley reads version 1"
    assert (error.what, error.found, error.supported) == ("the snapshot", 7, "version 1")


def test_errors_are_exported_from_the_package():
    for name in errors.__all__:
        assert getattr(simulator, name) is getattr(errors, name)
