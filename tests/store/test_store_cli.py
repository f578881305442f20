"""``parley resume``, ``history``, ``progress``, ``show`` and ``verify`` over a store."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from simulator import Session
from simulator.cli.main import main
from simulator.cli.records import sparkline
from simulator.store import Store

ROOT = Path(__file__).resolve().parents[2]


def _finish(store, scenario, learner, line, seed):
    s = Session(scenario, seed=seed)
    rec = store.record(s, learner=learner)
    for key in line:
        rec.turn(s.play(key))
    while not s.over:
        rec.turn(s.play("wait"))
    rec.finish()
    return rec.session_id, s


def words(text):
    return " ".join(text.split())


def test_sparkline_uses_a_fixed_scale():
    assert sparkline([0, 50, 100]) == "▁▅█"
    assert sparkline([]) == ""
    assert len(sparkline(range(100), width=20)) == 20


def test_history_lists_a_learners_sessions_newest_first(store, declined, capsys):
    first, _ = _finish(store, declined, "ana", ["vent:hr_rep"], 1)
    second = store.record(Session(declined, seed=2), learner="ana").session_id
    store.record(Session(declined, seed=3), learner="bo")
    assert main(["history", "--learner", "ana", "--db", str(store.path)]) == 0
    out = capsys.readouterr().out
    lines = [line.split() for line in out.splitlines() if line.strip()[:1].isdigit()]
    assert [int(line[0]) for line in lines] == [second, first]
    assert "unfinished" in out and "parley resume SESSION" in words(out)
    assert main(["history", "--all", "--db", str(store.path)]) == 0
    assert "bo" in capsys.readouterr().out
    assert main(["history", "--learner", "nobody", "--db", str(store.path)]) == 0
    assert "No saved sessions for learner 'nobody'" in capsys.readouterr().out


def test_history_uses_the_os_user_by_default(store, declined, capsys, monkeypatch):
    monkeypatch.setenv("PARLEY_DB", str(store.path))
    monkeypatch.setattr("getpass.getuser", lambda: "casey")
    store.record(Session(declined, seed=2), learner="casey")
    assert main(["history"]) == 0
    assert "Sessions of casey" in capsys.readouterr().out


def test_progress_shows_attempts_best_latest_trend_and_a_sparkline(store, declined, capsys):
    finals = [_finish(store, declined, "ana", line, seed)[1].scores["overall"]
              for seed, line in enumerate([["vent:hr_rep"], declined.spec.recommended])]
    assert main(["progress", "--learner", "ana", "--db", str(store.path)]) == 0
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if "declined-offer" in line).split()
    assert row[1:4] == ["2", str(max(finals)), str(finals[-1])]
    assert row[4] == f"{finals[1] - finals[0]:+d}"
    assert row[5] == sparkline(finals)


def test_show_prints_the_transcript_and_the_debrief(store, declined, capsys):
    session_id, s = _finish(store, declined, "ana", declined.spec.recommended, 4)
    assert main(["show", str(session_id), "--db", str(store.path)]) == 0
    out = words(capsys.readouterr().out)
    assert f"Session {session_id}:" in out and s.transcript[0].line in out
    assert f"Ending: {s.ending.title}" in out and "Turning points" in out
    assert main(["show", "99", "--db", str(store.path)]) == 2
    assert "no session 99" in capsys.readouterr().err


def test_a_bad_session_number_is_a_usage_error(store, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["show", "twelve", "--db", str(store.path)])
    assert exit_info.value.code == 2
    assert "a session is a number" in capsys.readouterr().err


def test_play_then_resume_in_real_processes(tmp_path, declined):
    """`parley play` saves as it goes; `parley resume` continues from the last saved turn."""
    db = str(tmp_path / "cli.db")
    run = [sys.executable, "-m", "simulator"]
    played = subprocess.run(
        [*run, "play", "declined-offer", "--seed", "5", "--plain", "--learner", "ana", "--db", db],
        input="decide_repair\nask hiring_manager\n", capture_output=True, text=True, check=False, cwd=ROOT, timeout=60,
    )
    assert played.returncode == 0, played.stderr
    assert "parley resume" in played.stdout
    with Store(db) as store:
        [info] = store.sessions(learner="ana")
        assert not info.finished and info.turns == 2
    resumed = subprocess.run(
        [*run, "resume", "--plain", "--learner", "ana", "--db", db],
        input="wait\n" * 10, capture_output=True, text=True, check=False, cwd=ROOT, timeout=60,
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
    again = subprocess.run([*run, "resume", "--learner", "ana", "--db", db], capture_output=True, text=True, check=False, cwd=ROOT, timeout=60)
    assert again.returncode == 2 and again.stderr.startswith("parley: error: no unfinished session for learner 'ana'")


def test_building_the_parser_does_not_import_the_store_or_rich():
    code = (
        "import sys; from simulator.cli.main import build_parser; build_parser(); "
        "print(sorted(m for m in ('simulator.store', 'sqlite3', 'rich') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize("command", ["show", "resume", "verify"])
@pytest.mark.parametrize("number", ["99999999999999999999", str(2**63), "0", "-3"])
def test_a_session_number_out_of_range_is_a_usage_error(store, capsys, command, number):
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--db", str(store.path), "--", number])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "a session is a number" in err and err.count("\n") == 1


def test_a_negative_limit_is_a_usage_error_and_a_huge_one_means_all(store, declined, capsys):
    store.record(Session(declined, seed=1), learner="ana")
    with pytest.raises(SystemExit) as exit_info:
        main(["history", "--limit", "-3", "--db", str(store.path)])
    assert exit_info.value.code == 2 and "a limit is a whole number" in capsys.readouterr().err
    assert main(["history", "--all", "--limit", "99999999999999999999", "--db", str(store.path)]) == 0
    assert "ana" in capsys.readouterr().out


def test_names_are_printed_as_they_are_not_as_markup(store, declined, capsys):
    name = "[/x] [bold]ana"
    _finish(store, declined, name, ["wait"], 1)
    for command in (["history", "--all"], ["history", "--learner", name], ["progress", "--learner", name]):
        assert main([*command, "--db", str(store.path)]) == 0
        assert name in capsys.readouterr().out
    assert main(["history", "--learner", "[/nobody]", "--db", str(store.path)]) == 0
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


@pytest.mark.parametrize("db, message", [("", "path is empty"), ("/dev/null", "not a regular file"), (".", "is a directory")])
@pytest.mark.parametrize("command", [["history"], ["progress"], ["show", "1"], ["verify"], ["resume"]])
def test_a_path_that_cannot_be_a_store_is_one_line(capsys, db, message, command):
    assert main([*command, "--db", db]) == 2
    err = capsys.readouterr().err
    assert err.startswith("parley: error: ") and message in err and err.count("\n") == 1


def test_a_learner_name_that_is_not_utf8_is_one_line(store, capsys):
    name = b"\xff".decode("utf-8", "surrogateescape")
    for command in (["history", "--learner", name], ["progress", "--learner", name], ["resume", "--learner", name]):
        assert main([*command, "--db", str(store.path)]) == 2
        err = capsys.readouterr().err
        assert "not valid UTF-8" in err and err.count("\n") == 1


def test_show_reads_the_stored_record_with_or_without_its_detail(store, declined, capsys):
    import sqlite3

    session_id, s = _finish(store, declined, "ana", ["vent:hr_rep"], 2)
    con = sqlite3.connect(store.path, isolation_level=None)
    con.execute("UPDATE sessions SET scenario_hash = 'edited' WHERE id = ?", (session_id,))  # as after an edit
    con.execute("UPDATE turns SET detail = NULL WHERE number = 1")  # as written by schema 1
    con.execute("UPDATE turns SET detail = '{\"number\": 2}' WHERE number = 2")  # a damaged detail
    con.close()
    assert main(["show", str(session_id), "--db", str(store.path)]) == 0
    out = words(capsys.readouterr().out)
    assert "showing the stored record" in out
    assert all(words(t.line) in out for t in s.transcript[:3])
