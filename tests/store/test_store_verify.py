"""A stored session is a replay certificate: verify it, and notice when a scenario file was edited."""

from __future__ import annotations

import shutil

import pytest

import simulator
from simulator import Session, StoreError
from simulator.cli.main import main
from simulator.loader import bundled_scenario_paths

from .support import damage

LINES = {
    "repair": ["decide_repair", "apologize:hr_rep/sincere"],
    "vent": ["vent:hr_rep"],
    "wait": ["wait", "wait"],
}


@pytest.fixture
def copy(tmp_path):
    """declined-offer copied to tmp_path (it casts the bundled personas by id)."""
    [source] = [p for p in bundled_scenario_paths() if p.stem == "declined-offer"]
    path = tmp_path / "my-course" / "declined-offer.yaml"
    path.parent.mkdir()
    shutil.copy(source, path)
    return path


@pytest.fixture
def recorded(store, copy):
    """One unfinished session per line of LINES, played on the copy; returns {name: session id}."""
    scenario = simulator.load_scenario(copy)
    ids = {}
    for seed, (name, line) in enumerate(LINES.items()):
        s = Session(scenario, seed=seed)
        rec = store.record(s, learner=name)
        for key in line:
            rec.turn(s.play(key))
        ids[name] = rec.session_id
    return ids


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def statuses(store, ids):
    by_id = {v.session_id: v for v in store.verify()}
    return {name: by_id[i].status for name, i in ids.items()}, by_id


def test_untouched_sessions_verify(store, recorded):
    assert statuses(store, recorded)[0] == {"repair": "ok", "vent": "ok", "wait": "ok"}


def test_a_finished_session_verifies_its_final_scores(store, declined):
    s = Session(declined, seed=2)
    rec = store.record(s, learner="ana")
    while not s.over:
        rec.turn(s.play("wait"))
    rec.finish()
    [v] = store.verify(rec.session_id)
    assert v.status == "ok" and v.turns == len(s.transcript)


def test_a_cosmetic_edit_changes_the_hash_but_still_replays(store, recorded, copy):
    edit(copy, "summary: Repair two relationships", "summary: Mend two relationships")
    result, by_id = statuses(store, recorded)
    assert result == {"repair": "edited", "vent": "edited", "wait": "edited"}
    assert all(v.ok and any("hash" in n for n in v.notes) for v in by_id.values())


def test_an_edited_reply_is_found(store, recorded, copy):
    edit(copy, "A week passes. Tempers cool, on every side.", "A week passes.")
    result, by_id = statuses(store, recorded)
    assert result == {"repair": "edited", "vent": "edited", "wait": "differs"}
    assert by_id[recorded["wait"]].detail.startswith("turn 1 (wait): the reply changed")


def test_an_edited_score_weight_is_found(store, recorded, copy):
    edit(copy, "terms: {hiring_manager.trust: 8, hr_rep.trust: 8}", "terms: {hiring_manager.trust: 9, hr_rep.trust: 9}")
    result, by_id = statuses(store, recorded)
    assert result["repair"] == "differs" and result["wait"] == "differs"
    assert "relationship" in by_id[recorded["repair"]].detail and "stored" in by_id[recorded["repair"]].detail
    assert not by_id[recorded["repair"]].ok


def test_a_move_that_is_no_longer_legal_is_found(store, recorded, copy):
    edit(copy, "  - id: vent\n", "  - id: vent\n    when: {meter: scene.vented, at_least: 1}\n")
    result, by_id = statuses(store, recorded)
    assert result == {"repair": "edited", "vent": "unplayable", "wait": "edited"}
    assert by_id[recorded["vent"]].detail.startswith("turn 1 (vent:hr_rep) is no longer legal")


def test_a_scenario_that_cannot_be_loaded_is_reported(store, copy):
    edit(copy, "id: declined-offer", "id: declined-copy")
    s = Session(simulator.load_scenario(copy), seed=1)
    rec = store.record(s, learner="ana")
    rec.play("wait")
    copy.unlink()
    [v] = store.verify(rec.session_id)
    assert v.status == "missing" and "unknown scenario 'declined-copy'" in v.detail


def test_an_edited_scenario_cannot_be_resumed(store, recorded, copy):
    edit(copy, "summary: Repair two relationships", "summary: Mend two relationships")
    with pytest.raises(StoreError, match=r"has changed since it was saved .*parley verify"):
        store.resume(recorded["repair"])


def test_the_verify_command_names_sessions_that_no_longer_replay(store, ref, recorded, copy, capsys):
    db = ref
    assert main(["verify", "--db", db]) == 0
    assert "All 3 sessions replay identically" in capsys.readouterr().out
    edit(copy, "A week passes. Tempers cool, on every side.", "A week passes.")
    assert main(["verify", "--all", "--db", db]) == 1
    out = capsys.readouterr().out
    assert f"1 of 3 sessions no longer replay identically: {recorded['wait']}" in " ".join(out.split())
    assert main(["verify", str(recorded["repair"]), "--db", db]) == 0


def test_show_falls_back_to_the_stored_record_after_an_edit(store, ref, recorded, copy, capsys):
    edit(copy, "A week passes. Tempers cool, on every side.", "A week passes.")
    assert main(["show", str(recorded["wait"]), "--db", ref]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "showing the stored record" in out and "Tempers cool, on every side." in out


def test_a_different_number_of_random_draws_is_found(store):
    """Same replies and scores but different dice: not an identical replay, and resume says so."""
    scenario = simulator.load_scenario("after-rejection")
    s = Session(scenario, seed=1)
    rec = store.record(s, learner="ana")
    for key in ["self_assess", "pursue_other"]:
        rec.turn(s.play(key))
    damage(store, "UPDATE turns SET draws = draws + 1 WHERE session_id = ? AND number = 2", rec.session_id)
    [v] = store.verify(rec.session_id)
    assert v.status == "differs" and not v.ok
    assert (
        v.detail
        == f"turn 2 (pursue_other): random draws {s.transcript[1].draws + 1} stored, {s.transcript[1].draws} replayed"
    )
    with pytest.raises(
        StoreError, match=rf"session {rec.session_id} cannot resume: .*draws.*parley verify {rec.session_id}"
    ):
        store.resume(rec.session_id)


def test_a_damaged_seed_is_reported_not_raised(store, recorded):
    """Only a row edited by hand holds a seed outside 0..MAX_SEED; verify names it and goes on."""
    damage(store, "UPDATE sessions SET seed = -1 WHERE id = ?", recorded["vent"])
    result, by_id = statuses(store, recorded)
    assert result == {"repair": "ok", "vent": "unplayable", "wait": "ok"}
    assert by_id[recorded["vent"]].detail.startswith("the stored seed is damaged")
    with pytest.raises(StoreError, match=r"cannot resume: .*seed"):
        store.resume(recorded["vent"])
