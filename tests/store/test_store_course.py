"""Course code: cohorts, scripted learners, and questions about what learners did."""

from __future__ import annotations

import pytest

import simulator
from simulator import IllegalMove, Session
from simulator.store import Course


@pytest.fixture
def course(store, declined):
    course = Course(store, cohort="spring")
    course.run("ana", declined, declined.spec.recommended, seed=1)
    course.run("bo", declined, ["vent:hr_rep", "vent:hiring_manager"], seed=2)
    course.run("bo", declined, declined.spec.recommended, seed=3)
    return course


def test_run_plays_a_scripted_learner_to_an_ending(course, declined):
    sessions = course.sessions()
    assert len(sessions) == 3 and all(s.finished and s.ending for s in sessions)
    ana = course.sessions(learner="ana")[0]
    keys = [t.key for t in course.store.turns(ana.id)]
    assert keys[: len(declined.spec.recommended)] == list(declined.spec.recommended)
    assert set(keys[len(declined.spec.recommended) :]) <= {"wait"}  # then waits for the ending


def test_run_accepts_a_policy(store, declined):
    course = Course(store)
    info = course.run("cy", declined, lambda s: s.choices()[-1].key, seed=4)
    assert info.finished and info.turns >= 1


def test_an_illegal_scripted_move_is_an_error_and_the_session_stays_resumable(store, declined):
    course = Course(store)
    with pytest.raises(IllegalMove):
        course.run("cy", declined, ["wait", "no_such_move"], seed=4)
    [info] = course.sessions(learner="cy")
    assert not info.finished and info.turns == 1


def test_cohorts_keep_courses_apart(course, store, declined):
    other = Course(store, cohort="autumn")
    other.run("zed", declined, ["wait"], seed=1)
    assert course.learners() == ["ana", "bo"] and other.learners() == ["zed"]
    assert len(course.sessions()) == 3 and len(other.sessions()) == 1
    assert len(Course(store).sessions()) == 4  # no cohort: everyone


def test_by_learner_and_by_scenario(course):
    learners = course.by_learner()
    assert learners["bo"]["sessions"] == 2 and learners["ana"]["finished"] == 1
    [summary] = course.by_scenario()
    assert summary.sessions == 3 and summary.learners == 2 and sum(summary.endings.values()) == 3


def test_moves_counts_which_moves_learners_choose(course):
    stats = {m.key: m for m in course.moves("declined-offer")}
    vent = stats["vent:hr_rep"]
    assert (vent.times, vent.sessions, vent.learners, vent.first, vent.mean_turn) == (1, 1, 1, 1, 1.0)
    assert stats["decide_repair"].learners == 2 and stats["decide_repair"].first == 2
    ordered = course.moves()
    assert ordered == sorted(ordered, key=lambda m: (m.scenario_id, -m.times, m.key))


def test_relationship_losses_find_the_turn_that_lost_it(course, store, declined):
    losses = {x.session_id: x for x in course.relationship_losses("declined-offer")}
    vented = course.sessions(learner="bo")[0]
    lost = losses[vented.id]
    assert lost.turn == 1 and lost.move == "vent:hr_rep" and lost.end < lost.start
    repaired = course.sessions(learner="ana")[0]
    assert losses[repaired.id].turn is None


def test_a_session_recorded_elsewhere_joins_the_course(course, declined):
    s = Session(declined, seed=9)
    rec = course.record(s, "di")
    rec.play("wait")
    assert "di" in course.learners() and course.sessions(learner="di")[0].turns == 1


def test_the_report_names_scenarios_learners_moves_and_losses(course):
    report = course.report()
    assert report.startswith("Cohort spring: 2 learners")
    assert "[declined-offer]" in report and "most chosen:" in report
    assert "relationship lost in 1 sessions (turn 1: 1)" in report
    assert any(line.startswith("bo ") for line in report.splitlines())


def test_the_report_reads_the_store_twice_whatever_its_size(course, store, declined):
    after = simulator.load_scenario("after-rejection")
    for seed in range(4):
        course.run(f"l{seed}", after, [], seed=seed)
    statements = []
    store.db.trace = statements.append
    report = course.report()
    store.db.trace = None
    assert len(statements) == 2, statements  # learners, then sessions with their turns: not a query per session
    # the same answers as the questions asked one by one
    for summary in course.by_scenario():
        top = course.moves(summary.scenario_id)[:5]
        assert "  most chosen: " + ", ".join(f"{m.key} x{m.times} ({m.mean_delta:+.1f})" for m in top) in report
        lost = [x for x in course.relationship_losses(summary.scenario_id) if x.turn is not None]
        assert f"relationship lost in {len(lost) or 'no'} session" in report
