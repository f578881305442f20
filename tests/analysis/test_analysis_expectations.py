"""The expect: language: every kind, proved or refuted, and located errors."""

from __future__ import annotations

import analysis_fixtures as fx
import pytest

from simulator import ScenarioError
from simulator.analysis import analyse


def _run(tmp_path, expect):
    report = analyse(fx.load(tmp_path, fx.with_expect(expect)))
    return report, report.expectations


PASSING = """\
- reachable: repaired
  why: A plain apology can repair things.
- unreachable: never
- best_first_move: apologize
- best_first_move: "apologize:hr_rep"
- best_line_starts: [apologize]
- optimum: {at_least: 71, at_most: 71.1}
- policy: aggressive
  below_optimum_by: {at_least: 40}
- policy: random
  expected: {at_most: 50}
- every_line_playing: [vent]
  ends_in: [closed_door]
- every_line_playing: [vent, apologize]
  ends_with: {relationship: {at_most: 0}}
- some_line_playing: [apologize]
  ends_in: [repaired]
  ends_with: {overall: {at_least: 70}}
- line: recommended
  expected: {overall: {at_least: 68}}
- line: recommended
  beats: venting
  by: {at_least: 40}
- line: [wait, wait, wait]
  expected: {overall: {at_least: 38, at_most: 38}}
"""


def test_every_kind_can_pass(tmp_path):
    report, results = _run(tmp_path, PASSING)
    failed = [r for r in results if not r["passed"]]
    assert not failed, failed
    assert len(results) == 14 and report.ok


@pytest.mark.parametrize(
    ("entry", "words"),
    [
        ("- reachable: never", "never reached"),
        ("- unreachable: repaired", "is reached"),
        ("- best_first_move: vent", "best first moves: apologize:hr_rep, wait"),
        ("- optimum: {at_least: 80}", "optimum 71.08"),
        ("- policy: avoidant\n  below_optimum_by: {at_least: 40}", "gap 33.08"),
        ("- every_line_playing: [apologize]\n  ends_in: [repaired]", "not every one"),
        ("- some_line_playing: [vent]\n  ends_in: [repaired]", "no line playing vent"),
        ("- line: venting\n  beats: recommended", "margin -43.50"),
    ],
)
def test_a_false_claim_is_an_error_at_its_entry(tmp_path, entry, words):
    report, results = _run(tmp_path, entry + "\n")
    assert not results[0]["passed"] and words in results[0]["message"]
    failure = next(d for d in report.diagnostics if d.code == "expectation-failed")
    assert (
        failure.severity == "error"
        and failure.line == fx.with_expect(entry).count("\n", 0, fx.with_expect(entry).index("expect:")) + 2
    )
    assert not report.ok


def test_a_failing_every_line_claim_shows_the_line_of_moves(tmp_path):
    report, _ = _run(tmp_path, "- every_line_playing: [apologize]\n  ends_in: [repaired]\n")
    failure = next(d for d in report.diagnostics if d.code == "expectation-failed")
    assert failure.moves and any(m.startswith("apologize") for m in failure.moves)
    assert "line of moves:" in failure.render()


@pytest.mark.parametrize(
    ("entry", "words", "column"),
    [
        ("- reachable: nowhere", "unknown ending 'nowhere'; endings: closed_door, never, repaired, stalemate", 16),
        ("- best_first_move: dance", "unknown move 'dance'", 22),
        ("- reachable: [1, 2]", "unknown ending [1, 2]", 16),
        ("- optimum: high", "bounds are a mapping", 14),
        ("- optimum: {at_least: true}", "at_least takes a number, not True", 25),
        ("- policy: chaotic\n  expected: {at_most: 1}", "unknown policy 'chaotic'", 13),
        ("- line: [apologize, flatter]\n  expected: {overall: {at_least: 1}}", "move 'flatter': no such move", 23),
        ("- line: [apologize]\n  beats: [vent]\n  by: 5", "bounds are a mapping", 9),
        ("- optimum: 60", "bounds are a mapping", 14),
        ("- policy: reckless\n  expected: {at_most: 1}", "unknown policy 'reckless'; policies: random, aggressive", 13),
        ("- reachable: repaired\n  because: x", "unknown key 'because'", 5),
        ("- {}", "exactly one of the keys", 5),
        ("- every_line_playing: [vent]", "needs ends_with and/or ends_in", 5),
        (
            "- line: brave\n  expected: {overall: {at_least: 1}}",
            "unknown line 'brave'; named lines: recommended, venting",
            11,
        ),
        ("- some_line_playing: []\n  ends_with: {charm: {at_least: 1}}", "unknown score dimension 'charm'", 17),
    ],
)
def test_an_invalid_entry_is_a_located_load_error(tmp_path, entry, words, column):
    # expect: entries are part of the file: a malformed one fails the load like any other mistake
    with pytest.raises(ScenarioError) as info:
        fx.load(tmp_path, fx.with_expect(entry + "\n"))
    error = info.value
    assert words in error.reason
    assert error.column == column and error.line is not None and error.line > 80
    assert error.field.startswith("expect[0]")
