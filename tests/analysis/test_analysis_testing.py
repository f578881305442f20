"""simulator.testing: strategies and the opt-in pytest plugin."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import analysis_fixtures as fx
import pytest
from hypothesis import given, settings

import simulator
from simulator.testing import move_sequences, personas, replay_line, scenarios, sessions

DECLINED = fx.bundled("declined-offer")


@settings(max_examples=20, deadline=None)
@given(move_sequences(DECLINED, seed=11, max_length=5))
def test_move_sequences_are_legal_for_their_seed(keys):
    assert len(keys) <= 5
    with simulator.Session(DECLINED, seed=11) as session:
        for key, expected in zip(keys, replay_line(DECLINED, 11, keys)[1:], strict=True):
            session.play(key)
            assert session.situation == expected


@settings(max_examples=10, deadline=None)
@given(sessions(DECLINED))
def test_sessions_are_live_and_in_range(session):
    assert 0 <= session.scores["overall"] <= 100
    session.close()


@settings(max_examples=10, deadline=None)
@given(move_sequences(DECLINED, complete=True))
def test_complete_sequences_reach_an_ending(keys):
    assert replay_line(DECLINED, 0, keys)[-1][-1] >= 0


@settings(max_examples=10, deadline=None)
@given(personas())
def test_personas_are_valid_specs(persona):
    assert persona.initial in persona.states


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: move_sequences(DECLINED, max_length=-1), "max_length must be a whole number >= 0"),
        (lambda: move_sequences(DECLINED, complete=True, max_length=3), "leave max_length at None"),
        (lambda: scenarios(max_cast=0), "max_cast must be a whole number >= 1"),
        (lambda: scenarios(max_turns=61), "at most 60"),
        (lambda: personas(max_states="3"), "max_states must be a whole number"),
    ],
)
def test_options_are_validated(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def _pytest(tmp_path, *args):
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", *args],
        cwd=tmp_path,
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_plugin_collects_nothing_without_opt_in(tmp_path):
    (tmp_path / "scenarios").mkdir()
    fx.write(tmp_path / "scenarios")
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    result = _pytest(tmp_path, "--collect-only", "scenarios")
    assert "tiny.yaml" not in result.stdout
    assert "no tests collected" in result.stdout or result.returncode == 5


def test_the_plugin_runs_checks_expectations_and_sessions(tmp_path):
    (tmp_path / "scenarios").mkdir()
    fx.write(
        tmp_path / "scenarios",
        fx.with_expect("- reachable: repaired\n- every_line_playing: [apologize]\n  ends_in: [repaired]\n"),
    )
    (tmp_path / "pytest.ini").write_text(
        textwrap.dedent("""\
        [pytest]
        parley_scenarios = scenarios/*.yaml
        parley_sessions = 5
        """)
    )
    result = _pytest(tmp_path, "scenarios", "-rA")
    out = result.stdout
    assert "PASSED scenarios/tiny.yaml::check" in out
    assert "PASSED scenarios/tiny.yaml::expect[0]-reachable" in out
    assert "FAILED scenarios/tiny.yaml::expect[1]-every_line_playing" in out
    assert "PASSED scenarios/tiny.yaml::sessions" in out
    assert "failing line of moves: apologize:hr_rep" in out
    assert result.returncode == 1


def test_without_hypothesis_the_strategies_say_which_extra_to_install():
    # hypothesis blocked as if it were not installed; the plugin module still imports without it
    code = (
        "import sys; sys.modules['hypothesis'] = None\n"
        "import simulator.testing.plugin\n"
        "import simulator.testing as t\n"
        "try:\n    t.sessions\nexcept ModuleNotFoundError as exc:\n    print(exc)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "simulator.testing.sessions needs hypothesis: pip install 'parley[testing]'"
