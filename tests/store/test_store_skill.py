"""The skill figure in the store: rated when a session finishes, followed by progress, course
summaries and exports beside the raw score, and never made up for a session that has none.
"""

from __future__ import annotations

import csv
import json

import pytest

from simulator import Session, Skill
from simulator.analysis.review import rated_debrief, skill_of
from simulator.cli.document import review
from simulator.store import Course

from .support import damage, play_to_end, started


def _rate(store, session_id, worth, optimum, overall):
    """Give a stored session a chosen rating and final score (a fixed set of figures to check sums by)."""
    damage(
        store,
        "UPDATE sessions SET worth = ?, optimum = ?, overall = ? WHERE id = ?",
        worth,
        optimum,
        overall,
        session_id,
    )


def test_a_finished_session_keeps_what_the_debrief_says_its_choices_were_worth(store, declined):
    session_id, session = play_to_end(store, declined, "ana", ["decide_job", "vent:hr_rep"], 5)
    alts, _ = review(session)
    debrief = rated_debrief(session, alts)
    info = store.get(session_id)
    assert debrief.worth is not None and debrief.optimum is not None
    assert info.worth == pytest.approx(debrief.worth) and info.optimum == pytest.approx(debrief.optimum)
    assert info.chance == pytest.approx(debrief.chance)
    assert info.skill == round(100 * debrief.worth / debrief.optimum)
    assert info.damage is None


def test_a_session_not_finished_has_no_skill(store, declined):
    rec = started(store, declined, "ana", 2, line=["decide_job"])
    info = store.get(rec.session_id)
    assert (info.worth, info.optimum, info.skill, info.chance) == (None, None, None, None)


def test_the_ending_turn_is_rated_once_and_finish_reuses_it(store, declined, monkeypatch):
    from simulator.analysis import review as review_module

    calls = []
    real = review_module.skill_of

    def counting(session, solver=None):
        calls.append(len(session.transcript))
        return real(session, solver)

    monkeypatch.setattr(review_module, "skill_of", counting)
    session_id, session = play_to_end(store, declined, "ana", ["vent:hr_rep"], 1)
    assert calls == [len(session.transcript)]  # the ending turn only; finish() asked again for nothing
    assert store.get(session_id).skill is not None


def test_a_session_the_analysis_cannot_rate_is_stored_without_a_figure(store, declined, monkeypatch):
    monkeypatch.setattr("simulator.analysis.review.rating_solver", lambda scenario: None)  # too large to rate
    session_id, _ = play_to_end(store, declined, "ana", ["vent:hr_rep"], 1)
    info = store.get(session_id)
    assert info.finished and info.scores and (info.worth, info.optimum, info.skill) == (None, None, None)


def test_undoing_the_ending_clears_the_figure_with_the_ending(store, declined):
    s = Session(declined, 1)
    live = store.record(s, learner="bo")
    while not s.over:
        live.turn(s.play("wait"))
    assert store.get(live.session_id).skill is not None
    s.undo()
    live.undo()
    info = store.get(live.session_id)
    assert not info.finished and (info.worth, info.optimum, info.skill) == (None, None, None)


def test_progress_follows_skill_beside_the_raw_score_on_a_fixed_set_of_sessions(store, declined):
    ids = [play_to_end(store, declined, "ana", ["wait"], seed)[0] for seed in range(4)]
    started(store, declined, "ana", 9)  # unfinished: counted apart, in neither history
    _rate(store, ids[0], None, None, 70)  # finished before the store kept a figure
    _rate(store, ids[1], 36.5, 73.0, 80)  # 50: lucky
    _rate(store, ids[2], 54.75, 73.0, 40)  # 75: unlucky
    _rate(store, ids[3], 73.0, 73.0, 55)  # 100
    [p] = store.progress("ana")
    assert p.history == (70, 80, 40, 55) and p.skills == (None, 50, 75, 100)
    assert (p.attempts, p.unfinished) == (4, 1)
    assert (p.best, p.latest, p.trend) == (80, 55, 15)  # the raw figures stay as they were
    assert (p.best_skill, p.latest_skill, p.skill_trend) == (100, 100, 25)
    assert p.rated == (50, 75, 100)
    _rate(store, ids[2], None, None, 40)  # the attempt before the latest has no figure: no trend
    [p] = store.progress("ana")
    assert p.skills == (None, 50, None, 100) and p.skill_trend is None and p.best_skill == 100


def test_progress_reads_a_damaged_rating_as_none(sqlite_store, declined):
    """Only a file can hold text in a number column (PostgreSQL refuses it)."""
    store = sqlite_store
    session_id, _ = play_to_end(store, declined, "ana", ["wait"], 1)
    damage(store, "UPDATE sessions SET worth = 'lots' WHERE id = ?", session_id)
    [p] = store.progress("ana")
    assert p.skills == (None,) and p.history and p.best_skill is None
    info = store.get(session_id)
    assert info.skill is None and "worth is not a number" in (info.damage or "")


def test_progress_is_still_one_query(store, declined):
    play_to_end(store, declined, "ana", ["wait"], 1)
    seen = []
    store.db.trace = seen.append
    store.progress("ana")
    store.db.trace = None
    assert len(seen) == 1 and "worth" in seen[0] and "optimum" in seen[0]


def test_course_summaries_and_the_report_carry_skill(store, declined):
    course = Course(store, cohort="spring")
    a = course.run("ana", declined, ["vent:hr_rep"], seed=1)
    b = course.run("ana", declined, list(declined.spec.recommended), seed=2)
    course.run("bo", declined, ["wait"], seed=3)
    _rate(store, course.sessions(learner="bo")[0].id, None, None, 30)  # bo's is from before schema 4
    row = course.by_learner()["ana"]
    assert row["rated"] == 2 and row["best_skill"] == max(a.skill, b.skill)
    assert row["mean_skill"] == round((a.skill + b.skill) / 2, 1)
    assert course.by_learner()["bo"]["mean_skill"] is None and course.by_learner()["bo"]["rated"] == 0
    [summary] = course.by_scenario()
    assert (summary.rated, summary.finished, summary.best_skill) == (2, 3, max(a.skill, b.skill))
    report = course.report()
    assert "skill (what the choices were worth, apart from luck, 0-100)" in report
    assert "over 2 rated of 3 finished" in report
    bo = next(line for line in report.splitlines() if line.startswith("bo "))
    assert bo.split()[-2:] == ["-", "-"]


def test_exports_carry_the_skill_figure_and_leave_it_out_where_there_is_none(store, declined, tmp_path):
    course = Course(store)
    rated = course.run("ana", declined, ["vent:hr_rep"], seed=1)
    old = course.run("bo", declined, ["wait"], seed=2)
    _rate(store, old.id, None, None, old.scores["overall"])
    course.export_jsonl(tmp_path / "s.jsonl")
    rows = {r["learner"]: r for r in map(json.loads, (tmp_path / "s.jsonl").read_text().splitlines())}
    assert rows["ana"]["skill"] == rated.skill and rows["ana"]["worth"] == pytest.approx(rated.worth)
    assert rows["ana"]["optimum"] == pytest.approx(rated.optimum)
    assert rows["ana"]["chance"] == pytest.approx(rated.scores["overall"] - rated.worth)
    assert [rows["bo"][k] for k in ("skill", "worth", "optimum", "chance")] == [None] * 4
    course.export_csv(tmp_path / "s.csv")
    with (tmp_path / "s.csv").open(encoding="utf-8") as f:
        table = {r["learner"]: r for r in csv.DictReader(f)}
    assert int(table["ana"]["skill"]) == rated.skill and float(table["ana"]["optimum"]) == pytest.approx(rated.optimum)
    assert [table["bo"][k] for k in ("skill", "worth", "optimum", "chance")] == [""] * 4
    sessions = [s for s in course.xapi_statements() if s["verb"]["display"]["en-US"] == "completed"]
    key = "https://parley.example/xapi/extensions/skill"
    by = {s["actor"]["account"]["name"]: s["result"]["extensions"] for s in sessions}
    assert by["ana"][key]["share"] == rated.skill and by["ana"][key]["worth"] == pytest.approx(rated.worth)
    assert key not in by["bo"]


def test_skill_of_rates_only_an_ended_session(declined):
    session = Session(declined, 4)
    assert skill_of(session) is None  # nothing played
    session.play("wait")
    assert skill_of(session) is None  # not over
    while not session.over:
        session.play("wait")
    skill = skill_of(session)
    assert isinstance(skill, Skill) and skill.worth <= skill.optimum and 0 <= skill.share <= 100
