"""The pytest plugin as a project meets it: pytest run (in this process, by pytester) on a small
project whose scenario files the plugin turns into items.

The ``sessions`` item compares live play with the exhaustive table; the two only disagree when
the engine has a fault, so the tests that show how a disagreement is reported plant one: the
table the check reads is built from a slightly different scenario.
"""

from __future__ import annotations

import importlib

import analysis_fixtures as fx
import pytest

from simulator.testing.replay import compare_line

# the module (simulator.analysis re-exports its function under the same name)
explore_module = importlib.import_module("simulator.analysis.explore")


@pytest.fixture
def project(pytester):
    """``project(text, ini=...)``: ``scenarios/tiny.yaml`` holding ``text`` and a pytest.ini."""

    def make(text: str = fx.TINY, *, ini: str = "parley_scenarios = scenarios/*.yaml\nparley_sessions = 3\n"):
        folder = pytester.mkdir("scenarios")
        fx.write(folder, text)
        pytester.makeini("[pytest]\n" + ini)
        return folder

    return make


def test_files_named_on_the_command_line_become_check_expect_and_sessions_items(project, pytester):
    folder = project(fx.with_expect("- reachable: repaired\n- optimum: {at_least: 50}\n"), ini="")
    fx.write(folder, fx.TINY, "notes.yml")  # matches no pattern below
    (folder / "readme.txt").write_text("not a scenario")
    other = pytester.mkdir("other")
    fx.write(other, fx.TINY, "elsewhere.yaml")
    result = pytester.runpytest_inprocess(
        "--parley-scenarios", "scenarios/*.yaml", "--collect-only", "-q", "scenarios", "other"
    )
    collected = [line for line in result.stdout.lines if "::" in line]
    assert collected == [
        "scenarios/tiny.yaml::check",
        "scenarios/tiny.yaml::expect[0]-reachable",
        "scenarios/tiny.yaml::expect[1]-optimum",
        "scenarios/tiny.yaml::sessions",
    ]


def test_a_healthy_scenario_passes_every_item(project, pytester):
    project(fx.with_expect("- reachable: repaired\n"))
    result = pytester.runpytest_inprocess("scenarios", "-rA")
    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines(["PASSED scenarios/tiny.yaml::check", "PASSED scenarios/tiny.yaml::sessions"])


def test_a_file_that_does_not_load_is_one_failed_check_naming_the_place(project, pytester):
    project(fx.TINY.replace("limits:\n  turns: 3", "limits:\n  turns: 0"))
    result = pytester.runpytest_inprocess("scenarios")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*tiny.yaml:*:*: limits.turns: *", "FAILED scenarios/tiny.yaml::check - *"])
    assert "Traceback" not in result.stdout.str()


def test_an_error_found_by_the_check_fails_it_with_the_line_of_moves(project, pytester):
    project(fx.DEAD_END)
    result = pytester.runpytest_inprocess("scenarios")
    result.assert_outcomes(passed=1, failed=1)  # sessions still agree with the table
    shown = result.stdout.str()
    assert (
        "tiny.yaml:33:1: error[dead-end]: a situation with no legal move and no ending (hr_rep=closed, turn 1)" in shown
    )
    assert "\nfailing line of moves: vent:hr_rep\n" in shown


def _variant(text: str, old: str, new: str) -> str:
    assert old in text
    return text.replace(old, new)


# scenario the table is built from instead -> what the sessions item must report
FAULTS = {
    "a move the table lacks": (
        _variant(
            _variant(fx.TINY, "  - id: counter\n    targets: [hr_rep]\n", ""),
            "      - move: counter\n        when: {meter: trust, at_least: 99}\n        outcomes:\n"
            '          - say: ["Never said."]\n',
            "",
        ),
        "seed 0: legal moves differ: session ['apologize:hr_rep', 'vent:hr_rep', 'counter:hr_rep', 'wait'], "
        "table ['apologize:hr_rep', 'vent:hr_rep', 'wait']",
    ),
    "another start": (
        _variant(fx.TINY, "    initial: offended\n", "    initial: guarded\n"),
        "seed 0: the start is not in the table\n",
    ),
    "other results of a move": (
        _variant(fx.TINY, "effects: {trust: -3}", "effects: {trust: -2}"),
        ": the session reached a situation the table does not have: (",
    ),
}


@pytest.mark.parametrize("fault", list(FAULTS))
def test_live_sessions_that_disagree_with_the_table_fail_with_the_seed_and_the_line(
    fault, project, pytester, monkeypatch, tmp_path
):
    text, message = FAULTS[fault]
    skewed = fx.load(tmp_path, text, "skewed.yaml")
    built = explore_module.explore
    monkeypatch.setattr(explore_module, "explore", lambda scenario, *a, **k: built(skewed, *a, **k))
    project(ini="parley_scenarios = scenarios/*.yaml\nparley_sessions = 20\n")
    result = pytester.runpytest_inprocess("scenarios", "-k", "sessions")
    result.assert_outcomes(failed=1)
    shown = result.stdout.str()
    assert message in shown
    if fault == "other results of a move":  # it took moves to get there: they are shown
        assert "failing line of moves: " in shown and shown.split("failing line of moves: ")[1].startswith(
            tuple(("vent:hr_rep\n", "apologize:hr_rep ", "wait ", "counter:hr_rep "))
        )


def test_a_given_line_is_compared_step_by_step_as_far_as_it_goes(tmp_path, monkeypatch):
    tiny = fx.load(tmp_path)
    assert compare_line(tiny, 1, ["apologize:hr_rep"]) is None  # one move of three: stops there
    assert compare_line(tiny, 1, ["wait", "wait", "wait"]) is None
    skewed = fx.load(tmp_path, _variant(fx.TINY, "effects: {trust: -3}", "effects: {trust: -2}"), "skewed.yaml")
    built = explore_module.explore
    monkeypatch.setattr(explore_module, "explore", lambda scenario, *a, **k: built(skewed, *a, **k))
    assert compare_line(tiny, 1, ["wait", "wait"]) is None  # what was skewed is never played
    problem, played = compare_line(tiny, 1, ["wait", "vent:hr_rep"])
    assert played == ["wait", "vent:hr_rep"]
    # after waiting the table has a situation a vent could lead to, but not this one
    assert problem.startswith("vent:hr_rep led to (") and problem.endswith("), not one of the table's results for it")
