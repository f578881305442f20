"""Mutations of the bundled files at the byte, token and tree level (hostile.py), held to the
promise: refused with a located one-line error, or loaded and then played, restored, debriefed
and analysed without any other exception; through the commands, within the deadline.
"""

from __future__ import annotations

import io

import pytest
from hostile import MUTATIONS, Broken, cases, held, judge, make_case
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sweep import sweep

LEVELS = sorted(MUTATIONS)
FOLDER_CHECKS = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]


@pytest.mark.parametrize("level", LEVELS)
@settings(max_examples=15, deadline=None, suppress_health_check=FOLDER_CHECKS)
@given(data=st.data())
def test_a_mutated_file_is_refused_with_a_location_or_plays(level, data, tmp_path_factory):
    case = data.draw(cases(level), label="case")
    judge(case.write(tmp_path_factory.mktemp(level)), analyse=False)


@pytest.mark.slow
@pytest.mark.parametrize("level", LEVELS)
@settings(max_examples=60, deadline=None, suppress_health_check=FOLDER_CHECKS)
@given(data=st.data())
def test_many_mutated_files_hold_through_the_analysis_too(level, data, tmp_path_factory):
    case = data.draw(cases(level), label="case")
    judge(case.write(tmp_path_factory.mktemp(level)), analyse=True)


@pytest.mark.slow
@pytest.mark.parametrize("level", LEVELS)
@settings(max_examples=8, deadline=None, suppress_health_check=FOLDER_CHECKS)
@given(data=st.data())
def test_mutated_files_through_every_command(level, data, tmp_path_factory, hostile_cli):
    case = data.draw(cases(level), label="case")
    path = case.write(tmp_path_factory.mktemp(level))
    for args in (
        ["check", path],
        ["play", path, "--moves", "wait,wait", "--no-save"],
        ["solve", path],
        ["graph", path],
    ):
        held(hostile_cli(args))


@pytest.mark.slow
def test_a_seeded_sweep_breaks_nothing():
    """The fixed-seed sweep (tests/adversarial/sweep.py), smaller: counts are reproducible."""
    out = io.StringIO()
    counts = sweep(60, first_seed=10_000, out=out)
    assert all(c["broken"] == 0 for c in counts.values()), out.getvalue()
    assert sum(c["refused"] for c in counts.values()) and sum(c["played"] for c in counts.values())


def test_judge_can_fail(tmp_path):
    """The harness is not a test that cannot fail: a loader that leaks an exception breaks it."""
    import simulator.loader as loader

    path = make_case("tokens", 1).write(tmp_path)
    original = loader._read
    try:
        loader._read = lambda p: (_ for _ in ()).throw(ValueError("leaked"))  # type: ignore[assignment]
        with pytest.raises(Broken, match="load_scenario raised ValueError: leaked"):
            judge(path, analyse=False)
    finally:
        loader._read = original
