"""``parley resume``, ``history``, ``progress``, ``show`` and ``verify`` over a store."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from command_support import modules_imported_by

from simulator import Session
from simulator.cli.main import main
from simulator.cli.records import PROGRESS_CAPTION, sparkline
from simulator.store import Store

from .support import damage, play_to_end, started

ROOT = Path(__file__).resolve().parents[2]
_finish = play_to_end


def words(text):
    return " ".join(text.split())


def test_sparkline_uses_a_fixed_scale():
    assert sparkline([0, 50, 100]) == "▁▅█"
    assert sparkline([]) == ""
    assert len(sparkline(range(100), width=20)) == 20
    assert sparkline([None, 100, None]) == "·█·"  # no figure is a dot, never a block


def test_history_lists_a_learners_sessions_newest_first(store, ref, declined, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    first, s = _finish(store, declined, "ana", ["vent:hr_rep"], 1)
    second = started(store, declined, "ana", 2).session_id
    started(store, declined, "bo", 3)
    assert main(["history", "--learner", "ana", "--db", ref]) == 0
    out = capsys.readouterr().out
    lines = [line.split() for line in out.splitlines() if line.strip()[:1].isdigit()]
    assert [int(line[0]) for line in lines] == [second, first]
    assert "unfinished" in out and "parley resume SESSION" in words(out)
    assert s.ending.title in words(out) and s.ending.id not in out  # the ending's title, not its id
    assert main(["history", "--all", "--db", ref]) == 0
    assert "bo" in capsys.readouterr().out
    assert main(["history", "--learner", "nobody", "--db", ref]) == 0
    assert "No saved sessions for learner 'nobody'" in capsys.readouterr().out


def test_history_uses_the_os_user_by_default(store, ref, declined, capsys, monkeypatch):
    monkeypatch.setenv("PARLEY_DB", ref)
    monkeypatch.setattr("getpass.getuser", lambda: "casey")
    started(store, declined, "casey", 2)
    assert main(["history"]) == 0
    assert "Sessions of casey" in capsys.readouterr().out


def test_progress_shows_skill_first_and_the_raw_score_beside_it(store, ref, declined, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "110")
    played = [_finish(store, declined, "ana", line, seed) for seed, line in enumerate([["vent:hr_rep"], ["wait"]])]
    skills = [store.get(session_id).skill for session_id, _ in played]
    finals = [s.scores["overall"] for _, s in played]
    assert main(["progress", "--learner", "ana", "--db", ref]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[1].split() == ["Scenario", "Tries", "Skill", "Best", "Trend", "History", "Score"]
    row = next(line for line in out.splitlines() if "declined-offer" in line).split()
    assert row[1:5] == ["2", str(skills[-1]), str(max(skills)), f"{skills[1] - skills[0]:+d}"]
    # one block per attempt, each as tall as its skill on the fixed 0-100 scale of eight blocks
    assert row[5] == "".join("▁▂▃▄▅▆▇█"[round(skill * 7 / 100)] for skill in skills)
    assert row[6] == str(finals[-1])  # the latest raw score, luck included
    assert "what your choices were worth, apart from luck" in words(out)


def test_progress_shows_a_session_with_no_skill_figure_as_such(store, ref, declined, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "110")
    first, _ = _finish(store, declined, "ana", ["wait"], 1)
    damage(store, "UPDATE sessions SET worth = NULL, optimum = NULL")  # as finished before schema 4
    assert main(["progress", "--learner", "ana", "--db", ref]) == 0
    row = next(line for line in capsys.readouterr().out.splitlines() if "declined-offer" in line).split()
    assert row[1:6] == ["1", "-", "-", "-", "·"] and row[6] == str(store.get(first).scores["overall"])
    second, _ = _finish(store, declined, "ana", ["vent:hr_rep"], 2)
    assert main(["progress", "--learner", "ana", "--db", ref]) == 0
    row = next(line for line in capsys.readouterr().out.splitlines() if "declined-offer" in line).split()
    skill = store.get(second).skill
    assert row[2:5] == [str(skill), str(skill), "-"] and row[5].startswith("·")  # no trend from no figure


@pytest.mark.parametrize("width", [60, 80, 110])
def test_progress_reads_cleanly_at_60_80_and_110_columns(sqlite_store, declined, capsys, monkeypatch, width):
    """Nothing wider than the terminal, no scenario id cut in two, every column on its line, the
    caption whole; the history gives way to a narrow terminal (the latest attempts) before anything else.
    """
    from simulator import load_scenario

    store = sqlite_store
    monkeypatch.setenv("COLUMNS", str(width))
    fumble = load_scenario("promotion-fumble")
    for seed in range(18):
        _finish(store, declined, "ana", ["wait"], seed)
    _finish(store, fumble, "ana", ["wait"], 1)
    started(store, declined, "ana", 99)
    damage(store, "UPDATE sessions SET worth = NULL WHERE id = 1")
    assert main(["progress", "--learner", "ana", "--db", str(store.location.path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert max(len(line.rstrip()) for line in lines) <= width
    rows = {
        line.split()[0]: line.split() for line in lines if line.split() and line.split()[0] in (declined.id, fumble.id)
    }
    assert set(rows) == {declined.id, fumble.id}
    assert len(rows[declined.id]) == 8 and rows[declined.id][1:3] == ["18", "+1"]  # tries: 18 finished, 1 not
    history = rows[declined.id][6]
    assert len(history) == min(18, width - 52)  # every attempt, or the latest that fit
    assert (history[0] == "·") == (len(history) == 18)  # the unrated first attempt, when it fits
    caption = " ".join(" ".join(lines[lines.index(next(x for x in lines if x.startswith("Skill is"))) :]).split())
    assert caption == " ".join(PROGRESS_CAPTION.split())


def test_show_prints_the_transcript_and_the_debrief(store, ref, declined, capsys):
    session_id, s = _finish(store, declined, "ana", declined.spec.recommended, 4)
    assert main(["show", str(session_id), "--db", ref]) == 0
    out = words(capsys.readouterr().out)
    assert f"Session {session_id}:" in out and s.transcript[0].line in out
    assert f"ending: {s.ending.title}" in out and f"Ending: {s.ending.title}" in out and "Turning points" in out
    assert main(["show", "99", "--db", ref]) == 2
    assert "no session 99" in capsys.readouterr().err


def test_a_bad_session_number_is_a_usage_error(store, ref, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["show", "twelve", "--db", ref])
    assert exit_info.value.code == 2
    assert "a session is a number" in capsys.readouterr().err


def test_play_then_resume_in_real_processes(ref, declined):
    """`parley play` saves as it goes; `parley resume` continues from the last saved turn."""
    db = ref
    run = [sys.executable, "-m", "simulator"]
    played = subprocess.run(
        [*run, "play", "declined-offer", "--seed", "5", "--plain", "--learner", "ana", "--db", db],
        input="decide_repair\nask hiring_manager\n",
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        timeout=60,
    )
    assert played.returncode == 0, played.stderr
    assert "parley resume" in played.stdout
    with Store(db) as store:
        [info] = store.sessions(learner="ana")
        assert not info.finished and info.turns == 2
    resumed = subprocess.run(
        [*run, "resume", "--plain", "--learner", "ana", "--db", db],
        input="wait\n" * 10,
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        timeout=60,
    )
    assert resumed.returncode == 0, resumed.stderr
    assert "Resuming at turn 3" in resumed.stdout
    with Store(db) as store:
        info = store.get(info.id)
        assert info.finished and [t.key for t in store.turns(info.id)][:2] == ["decide_repair", "ask:hiring_manager"]
        reference = Session(declined, 5)
        for t in store.turns(info.id):
            reference.play(t.key)
        assert info.scores == reference.scores and store.verify(info.id)[0].status == "ok"
    again = subprocess.run(
        [*run, "resume", "--learner", "ana", "--db", db],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        timeout=60,
    )
    assert again.returncode == 2 and again.stderr.startswith("parley: error: no unfinished session for learner 'ana'")


def test_building_the_parser_does_not_import_the_store_or_rich():
    added = modules_imported_by("from simulator.cli.main import build_parser\nbuild_parser()")
    assert "simulator.cli.authoring" in added  # the probe did build the parser
    assert not {
        m for m in added if m.split(".")[0] in {"sqlite3", "psycopg", "rich"} or m.startswith("simulator.store")
    }


@pytest.mark.parametrize("command", ["show", "resume", "verify"])
@pytest.mark.parametrize("number", ["99999999999999999999", str(2**63), "0", "-3"])
def test_a_session_number_out_of_range_is_a_usage_error(store, ref, capsys, command, number):
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--db", ref, "--", number])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "a session is a number" in err and err.count("\n") == 1


def test_a_negative_limit_is_a_usage_error_and_a_huge_one_means_all(store, ref, declined, capsys):
    started(store, declined, "ana", 1)
    with pytest.raises(SystemExit) as exit_info:
        main(["history", "--limit", "-3", "--db", ref])
    assert exit_info.value.code == 2 and "a limit is a whole number" in capsys.readouterr().err
    assert main(["history", "--all", "--limit", "99999999999999999999", "--db", ref]) == 0
    assert "ana" in capsys.readouterr().out


def test_names_are_printed_as_they_are_not_as_markup(store, ref, declined, capsys):
    name = "[/x] [bold]ana"
    _finish(store, declined, name, ["wait"], 1)
    for command in (["history", "--all"], ["history", "--learner", name], ["progress", "--learner", name]):
        assert main([*command, "--db", ref]) == 0
        assert name in capsys.readouterr().out
    assert main(["history", "--learner", "[/nobody]", "--db", ref]) == 0
    assert "'[/nobody]'" in capsys.readouterr().out


def test_reading_commands_never_create_a_store(tmp_path, capsys):
    db = tmp_path / "typo" / "course.db"
    for command in (["history"], ["progress"]):
        assert main([*command, "--db", str(db)]) == 0
        assert f"no session store at {db}" in words(capsys.readouterr().out)
    for command in (["show", "1"], ["verify"], ["resume"]):
        assert main([*command, "--db", str(db)]) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"parley: error: session store {db}: no such file") and err.count("\n") == 1
    assert not db.parent.exists()


@pytest.mark.parametrize(
    ("db", "message"), [("", "path is empty"), ("/dev/null", "not a regular file"), (".", "is a directory")]
)
@pytest.mark.parametrize("command", [["history"], ["progress"], ["show", "1"], ["verify"], ["resume"]])
def test_a_path_that_cannot_be_a_store_is_one_line(capsys, db, message, command):
    assert main([*command, "--db", db]) == 2
    err = capsys.readouterr().err
    assert err.startswith("parley: error: ") and message in err and err.count("\n") == 1


def test_a_learner_name_that_is_not_utf8_is_one_line(store, ref, capsys):
    name = b"\xff".decode("utf-8", "surrogateescape")
    for command in (["history", "--learner", name], ["progress", "--learner", name], ["resume", "--learner", name]):
        assert main([*command, "--db", ref]) == 2
        err = capsys.readouterr().err
        assert "not valid UTF-8" in err and err.count("\n") == 1


def test_show_reads_the_stored_record_with_or_without_its_detail(store, ref, declined, capsys):
    session_id, s = _finish(store, declined, "ana", ["vent:hr_rep"], 2)
    damage(store, "UPDATE sessions SET scenario_hash = 'edited' WHERE id = ?", session_id)  # as after an edit
    damage(store, "UPDATE turns SET detail = NULL WHERE number = 1")  # as written by schema 1
    damage(store, "UPDATE turns SET detail = '{\"number\": 2}' WHERE number = 2")  # a damaged detail
    assert main(["show", str(session_id), "--db", ref]) == 0
    out = words(capsys.readouterr().out)
    assert "showing the stored record" in out
    assert all(words(t.line) in out for t in s.transcript[:3])


def test_damaged_rows_are_named_and_the_others_still_show(store, ref, declined, capsys):
    good, s = _finish(store, declined, "ana", ["vent:hr_rep"], 1)
    bad = started(store, declined, "ana", 2).session_id
    damage(store, "UPDATE sessions SET scores = '\"high\"' WHERE id = ?", bad)
    assert main(["history", "--learner", "ana", "--db", ref]) == 0
    out = words(capsys.readouterr().out)
    assert f"Session {bad} is damaged: scores is not a mapping of dimension to score" in out and s.ending.title in out
    assert main(["show", str(bad), "--db", ref]) == 1
    out = words(capsys.readouterr().out)
    assert "record is damaged (scores is not a mapping of dimension to score); showing the stored record" in out
    assert main(["verify", "--db", ref]) == 1
    out = words(capsys.readouterr().out)
    assert f"1 of 2 sessions are damaged in the store: {bad}" in out and "Traceback" not in out
    assert main(["resume", str(bad), "--db", ref]) == 2
    err = capsys.readouterr().err
    assert f"session {bad} is damaged (scores is not a mapping" in err and err.count("\n") == 1
    assert main(["show", str(good), "--db", ref]) == 0


@pytest.mark.parametrize("content", [b"persona: [unclosed\n", b"\x00\x9b binary \xff", b""])
def test_a_scenario_path_pointing_at_a_broken_file_is_reported(store, ref, declined, capsys, tmp_path, content):
    session_id = started(store, declined, "ana", 1).session_id
    broken = tmp_path / "broken.yaml"
    broken.write_bytes(content)
    damage(store, "UPDATE sessions SET scenario_path = ? WHERE id = ?", str(broken), session_id)
    assert main(["history", "--db", ref, "--learner", "ana"]) == 0
    capsys.readouterr()
    assert main(["show", str(session_id), "--db", ref]) == 0
    out = words(capsys.readouterr().out)
    assert "the scenario cannot be replayed" in out and "showing the stored record" in out
    assert main(["verify", str(session_id), "--db", ref]) == 1
    assert "missing" in capsys.readouterr().out
    assert main(["resume", str(session_id), "--db", ref]) == 2
    err = capsys.readouterr().err
    assert err.startswith("parley: error: ") and err.count("\n") == 1 and "Traceback" not in err


def test_a_path_with_a_nul_byte_in_the_store_is_reported(sqlite_store, declined, capsys):
    """Only SQLite can hold such a row (PostgreSQL text refuses a NUL)."""
    store, ref = sqlite_store, str(sqlite_store.path)
    session_id = started(store, declined, "ana", 1).session_id
    damage(store, "UPDATE sessions SET scenario_path = ? WHERE id = ?", "/tmp/x\x00y.yaml", session_id)
    # no file can have that name: the scenario is found by its id, as for a file that has moved
    assert main(["verify", str(session_id), "--db", ref]) == 0
    assert main(["show", str(session_id), "--db", ref]) == 0
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("command", [["history"], ["progress"], ["resume"]])
def test_an_empty_learner_name_is_refused_not_replaced(store, ref, capsys, command):
    assert main([*command, "--learner", "", "--db", ref]) == 2
    err = capsys.readouterr().err
    assert "learner name '' is empty" in err and err.count("\n") == 1


def test_quitting_before_the_first_move_stores_nothing(ref):
    run = [sys.executable, "-m", "simulator"]
    for typed in ("", "/quit\n", "wait\n/undo\n/quit\n"):
        played = subprocess.run(
            [*run, "play", "declined-offer", "--seed", "5", "--plain", "--learner", "ana", "--db", ref],
            input=typed,
            capture_output=True,
            text=True,
            check=False,
            cwd=ROOT,
            timeout=60,
        )
        assert played.returncode == 0, played.stderr
    with Store(ref) as store:
        [info] = store.sessions()  # only the one where a move was played (then taken back)
        assert info.turns == 0 and len(store.turns(info.id, undone=True)) == 1


def test_store_migrate_and_info(ref, capsys):
    assert main(["store", "migrate", "--db", ref]) == 0
    assert "created at schema 4" in capsys.readouterr().out
    assert main(["store", "migrate", "--db", ref]) == 0
    assert "already at schema 4; nothing to do" in capsys.readouterr().out
    assert main(["store", "info", "--db", ref]) == 0
    out = capsys.readouterr().out
    assert "schema:   4 (current" in out and "holds:    0 learners, 0 sessions, 0 turns" in out
    assert ("PostgreSQL" if ref.startswith("postgresql") else "SQLite") in out
    assert main(["store"]) == 0 and "migrate" in capsys.readouterr().out


def test_history_finds_the_title_of_an_ending_saved_without_one(store, ref, declined, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    _, s = _finish(store, declined, "ana", ["wait"], 3)
    damage(store, "UPDATE sessions SET ending_title = NULL")  # as saved before schema 3
    assert main(["history", "--learner", "ana", "--db", ref]) == 0
    assert s.ending.title in words(capsys.readouterr().out)
    damage(store, "UPDATE sessions SET scenario_path = '/nowhere/x.yaml', scenario_id = 'gone'")
    assert main(["history", "--learner", "ana", "--db", ref]) == 0
    assert s.ending.id in capsys.readouterr().out  # the scenario is gone: the id is all there is


@pytest.mark.parametrize("width", [60, 80, 110])
def test_history_fits_the_terminal_without_splitting_ids_or_words(store, ref, declined, capsys, monkeypatch, width):
    """Narrower terminals drop the turn count, then the start time; an id, a title's words and
    the skill column always survive whole.
    """
    monkeypatch.setenv("COLUMNS", str(width))
    _, s = _finish(store, declined, "ana", ["vent:hr_rep"], 1)
    started(store, declined, "bo", 3)
    for args in (["history", "--learner", "ana"], ["history", "--all"]):
        assert main([*args, "--db", ref]) == 0
        out = capsys.readouterr().out
        lines = out.splitlines()
        assert all(len(line) <= width for line in lines), out
        assert lines[1].split()[-2:] == ["Score", "Skill"]
        assert "declined-offer" in out  # whole, on one line
        cells = " ".join(out.split())
        assert all(word in cells.split() for word in s.ending.title.split()), out
        header = lines[1]
        assert "Started" in header or "Turns" not in header  # the turn count goes first
        expected = {110: (True, True), 80: (False, args[-1] == "ana"), 60: (False, False)}[width]
        assert ("Turns" in header, "Started" in header) == expected


def test_show_prints_the_skill_figure_kept_when_the_session_ended(store, ref, declined, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    finished, _ = _finish(store, declined, "ana", ["vent:hr_rep"], 1)
    unfinished = started(store, declined, "ana", 2).session_id
    info = store.get(finished)
    assert info.skill is not None
    assert main(["show", str(finished), "--db", ref]) == 0
    expected = f"Skill {info.skill}: the choices were worth {info.worth:.0f} of a possible {info.optimum:.0f}"
    assert expected in capsys.readouterr().out
    assert main(["show", str(unfinished), "--db", ref]) == 0
    assert "Skill " not in capsys.readouterr().out
