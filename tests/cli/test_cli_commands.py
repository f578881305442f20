"""The installed ``parley`` command run as a subprocess: exit codes, one-line errors, ``--json``
against its schema, ``replay``, ``schema``, plain piped play and start-up imports.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml
from command_support import modules_imported_by

import simulator
from simulator.cli.document import SCHEMA_FILE
from simulator.cli.schema import KINDS, render_schema

SCENARIO_IDS = [info.id for info in simulator.list_scenarios()]
REPO = Path(__file__).resolve().parents[2]
PLAY_SCHEMA = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


def validate(doc: dict) -> None:
    jsonschema.validate(doc, PLAY_SCHEMA, cls=jsonschema.Draft202012Validator)


def assert_one_line_error(result, *fragments: str) -> None:
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in result.stderr


# --- usage errors ----------------------------------------------------------------------------


def test_unknown_scenario(run_parley, run_installed):
    for run in (run_parley, run_installed):  # in this process, and as a real process exit code
        result = run(["play", "no-such-scenario", "--no-save"])
        assert_one_line_error(result, "unknown scenario 'no-such-scenario'", SCENARIO_IDS[0])


@pytest.mark.parametrize("seed", ["abc", "-3", "1.5", "99999999999999999999", str(2**63)])
def test_bad_seed(run_parley, seed):
    result = run_parley(["play", SCENARIO_IDS[0], f"--seed={seed}", "--no-save"])
    assert_one_line_error(result, "argument --seed: a seed is a whole number from 0 to 9223372036854775807")


def test_a_too_large_seed_is_refused_before_choosing_a_scenario(run_parley):
    result = run_parley(["play", "--seed", "99999999999999999999", "--no-save"], input="1\n")
    assert_one_line_error(result, "argument --seed:")
    assert "Scenarios" not in result.stdout


def test_the_largest_seed_plays(run_parley):
    result = run_parley(["play", SCENARIO_IDS[0], "--seed", str(2**63 - 1), "--moves", "wait", "--json", "--no-save"])
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["seed"] == 2**63 - 1 and [m["key"] for m in doc["moves"]] == ["wait"]


def test_unknown_move_names_the_legal_ones(run_parley):
    result = run_parley(["play", SCENARIO_IDS[0], "--moves", "dance:everyone", "--json", "--no-save"])
    assert_one_line_error(result, "illegal move 'dance:everyone'", "legal moves:")


def test_illegal_move_after_the_end(run_parley, ending_line):
    line = ending_line(SCENARIO_IDS[0])
    result = run_parley(["play", SCENARIO_IDS[0], "--seed", "1", "--moves", ",".join([*line, line[-1]]), "--no-save"])
    assert_one_line_error(result, "the session ended at move")


def test_json_without_moves_is_a_usage_error(run_parley):
    assert_one_line_error(run_parley(["play", SCENARIO_IDS[0], "--json"]), "--json needs --moves")


def test_unknown_command_and_option_are_one_line(run_parley):
    assert_one_line_error(run_parley(["dance"]), "invalid choice: 'dance'")
    assert_one_line_error(run_parley(["list", "--colour"]), "unrecognized arguments: --colour")


def test_replay_of_a_missing_or_foreign_file(run_parley, tmp_path):
    assert_one_line_error(run_parley(["replay", str(tmp_path / "nope.json")]), "no such file")
    (tmp_path / "x.json").write_text('{"format": "something-else"}')
    assert_one_line_error(run_parley(["replay", str(tmp_path / "x.json")]), "not a Parley transcript")
    (tmp_path / "bad.json").write_text("{not json")
    assert_one_line_error(run_parley(["replay", str(tmp_path / "bad.json")]), "not JSON")


def test_help_everywhere(run_parley, run_installed):
    for args in (["--help"], ["list", "--help"], ["play", "--help"], ["replay", "--help"], ["schema", "--help"]):
        result = run_parley(args)
        assert result.returncode == 0 and "usage: parley" in result.stdout
    assert run_parley([]).returncode == 0
    assert run_installed(["--help"]).returncode == 0
    module = subprocess.run(
        [sys.executable, "-m", "simulator", "list", "--json"], capture_output=True, text=True, timeout=60, check=False
    )
    assert module.returncode == 0 and json.loads(module.stdout)
    assert_one_line_error(run_installed(["play", "--seed", "x"]), "a seed is a whole number")


@pytest.mark.parametrize(
    ("raised", "code", "message"),
    [
        (
            RuntimeError("planted"),
            1,
            "parley: error: internal error: RuntimeError: planted (set PARLEY_TRACEBACK=1 to see where)",
        ),
        (RecursionError(), 1, "parley: error: the input is too large or too deeply nested (RecursionError)"),
        (MemoryError(), 1, "parley: error: the input is too large or too deeply nested (MemoryError)"),
        (KeyboardInterrupt(), 130, "parley: interrupted"),
    ],
    ids=["bug", "recursion", "memory", "ctrl-c"],
)
def test_however_a_command_ends_it_is_an_exit_code_and_one_line(run_parley, monkeypatch, raised, code, message):
    """A fault planted in `parley list`: a bug, an input too deep or too large, Ctrl-C."""
    from simulator.cli import catalog

    def fail(args):
        raise raised

    monkeypatch.setattr(catalog, "run", fail)
    monkeypatch.delenv("PARLEY_TRACEBACK", raising=False)
    result = run_parley(["list"])
    assert (result.returncode, result.stderr) == (code, message + "\n")


def test_parley_traceback_shows_where_a_bug_is(run_parley, monkeypatch):
    from simulator.cli import catalog

    def fail(args):
        raise RuntimeError("planted")

    monkeypatch.setattr(catalog, "run", fail)
    with pytest.raises(RuntimeError, match="planted"):
        run_parley(["list"], env={"PARLEY_TRACEBACK": "1"})


# --- list, --json, replay ----------------------------------------------------------------------


def test_list_shows_every_scenario(run_parley):
    result = run_parley(["list"])
    assert result.returncode == 0
    for info in simulator.list_scenarios():
        assert info.id in result.stdout
    rows = json.loads(run_parley(["list", "--json"]).stdout)
    assert [r["id"] for r in rows] == SCENARIO_IDS


@pytest.mark.parametrize("scenario_id", SCENARIO_IDS)
def test_json_output_matches_its_schema_and_replays(run_parley, ending_line, scenario_id, assert_replays_to_itself):
    line = ending_line(scenario_id, seed=3)
    result = run_parley(["play", scenario_id, "--seed", "3", "--moves", ",".join(line), "--json", "--no-save"])
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    validate(doc)
    assert doc["scenario"]["id"] == scenario_id and doc["seed"] == 3 and doc["over"] is True
    assert [m["key"] for m in doc["moves"]] == line
    assert doc["ending"]["id"] == doc["debrief"]["ending"] == doc["moves"][-1]["ending"]
    assert_replays_to_itself(result.stdout, doc)


def test_a_partial_run_is_valid_too(run_parley):
    result = run_parley(["play", SCENARIO_IDS[0], "--seed", "0", "--moves", "", "--json", "--no-save"])
    doc = json.loads(result.stdout)
    validate(doc)
    assert doc["over"] is False and doc["ending"] is None and doc["moves"] == []


# --- schema ------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_committed_schema_files_equal_the_command_output(run_parley, kind):
    result = run_parley(["schema", kind])
    assert result.returncode == 0, result.stderr
    committed = (REPO / "schemas" / f"{kind}.schema.json").read_text(encoding="utf-8")
    assert result.stdout == committed, "run: parley schema --out schemas"
    jsonschema.Draft202012Validator.check_schema(json.loads(result.stdout))


@pytest.mark.parametrize("kind", KINDS)
def test_bundled_files_validate_against_the_schemas_they_name(kind):
    schema = json.loads(render_schema(kind))
    jsonschema.Draft202012Validator.check_schema(schema)
    folder = REPO / ("personas" if kind == "persona" else "scenarios")
    for path in sorted(folder.glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        assert text.splitlines()[0] == f"# yaml-language-server: $schema=../schemas/{kind}.schema.json", path
        jsonschema.validate(yaml.safe_load(text), schema, cls=jsonschema.Draft202012Validator)


def test_schema_out_writes_both(run_parley, tmp_path):
    result = run_parley(["schema", "--out", str(tmp_path / "s")])
    assert result.returncode == 0
    assert sorted(p.name for p in (tmp_path / "s").iterdir()) == sorted(f"{kind}.schema.json" for kind in KINDS)
    for kind in KINDS:
        committed = (REPO / "schemas" / f"{kind}.schema.json").read_text(encoding="utf-8")
        assert (tmp_path / "s" / f"{kind}.schema.json").read_text(encoding="utf-8") == committed
    assert result.stdout.splitlines() == [f"wrote {tmp_path / 's' / f'{kind}.schema.json'}" for kind in KINDS]


def test_schema_without_a_kind_prints_both_in_one_document(run_parley):
    result = run_parley(["schema"])
    assert result.returncode == 0, result.stderr
    both = json.loads(result.stdout)
    assert list(both) == list(KINDS)
    for kind in KINDS:
        assert both[kind] == json.loads((REPO / "schemas" / f"{kind}.schema.json").read_text(encoding="utf-8"))


def test_schema_out_into_a_file_is_a_one_line_error(run_parley, tmp_path):
    (tmp_path / "taken").write_text("a file, not a folder")
    result = run_parley(["schema", "--out", str(tmp_path / "taken" / "s")])
    # a folder that cannot be one is a mistake in the arguments (2), as a bad --db is
    assert_one_line_error(result)
    assert f"cannot write schemas to {str(tmp_path / 'taken' / 's')!r}: Not a directory" in result.stderr
    named = run_parley(["schema", "--out", str(tmp_path / "taken")])
    assert_one_line_error(named)
    assert f"--out names a folder to write into; {str(tmp_path / 'taken')!r} is a file" in named.stderr
    assert (tmp_path / "taken").read_text() == "a file, not a folder"


# --- plain, piped play -------------------------------------------------------------------------


@pytest.mark.parametrize("scenario_id", SCENARIO_IDS)
def test_piped_stdin_plays_a_whole_session_in_plain_mode(run_parley, run_installed, ending_line, scenario_id):
    line = ending_line(scenario_id, seed=2)
    typed = "\n".join(["", "/help", *(k.replace(":", " ") for k in line)]) + "\n"
    # one scenario through a real pipe into the installed command, the others in this process
    run = run_installed if scenario_id == SCENARIO_IDS[0] else run_parley
    result = run(["play", scenario_id, "--seed", "2", "--no-save"], input=typed, env={"COLUMNS": "60"})
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "\x1b" not in out
    assert out.count("You: ") == len(line)
    assert "Their side of the story" in out
    assert out.rstrip().splitlines()[-1].startswith(f"{scenario_id}: ending '")
    too_wide = [row for row in out.splitlines()[:-1] if len(row) > 60]
    assert not too_wide


def test_end_of_piped_input_quits_with_a_summary(run_parley):
    result = run_parley(["play", SCENARIO_IDS[0], "--seed", "4", "--no-save"], input="")
    assert result.returncode == 0
    assert result.stdout.rstrip().splitlines()[-1] == (
        f"{SCENARIO_IDS[0]}: stopped after 0 of {simulator.load_scenario(SCENARIO_IDS[0]).rules.turn_limit} turns, "
        f"overall {simulator.Session(simulator.load_scenario(SCENARIO_IDS[0]), seed=4).scores['overall']}; "
        f"seed 4; replay with: parley play {SCENARIO_IDS[0]} --seed 4"
    )


def test_a_fresh_seed_is_printed_so_the_run_can_be_replayed(run_parley, ending_line):
    typed = "".join(key.replace(":", " ").replace("/", " ") + "\n" for key in ending_line(SCENARIO_IDS[0]))
    first = run_parley(["play", SCENARIO_IDS[0], "--no-save"], input=typed)
    assert first.returncode == 0, first.stderr
    seed = re.search(r"\(replay this run with --seed (\d+)\)", first.stdout).group(1)
    again = run_parley(["play", SCENARIO_IDS[0], "--no-save", "--seed", seed], input=typed)
    # the same replies, scores and debrief; only the reminder of the seed is not repeated
    assert again.stdout == first.stdout.replace(f"Seed {seed} (replay this run with --seed {seed})", f"Seed {seed}")


def test_without_an_id_a_scenario_is_chosen_from_a_list(run_parley):
    if len(SCENARIO_IDS) < 2:
        pytest.skip("with one scenario there is nothing to choose")
    result = run_parley(["play", "--no-save", "--seed", "1"], input="nope\n2\n")
    assert result.returncode == 0
    assert "No scenario 'nope'." in result.stdout
    assert f"{SCENARIO_IDS[1]}: stopped after 0 of" in result.stdout


# --- start-up ------------------------------------------------------------------------------------


def test_import_simulator_loads_no_front_end():
    modules = modules_imported_by("import simulator")
    assert not {m for m in modules if m.startswith(("prompt_toolkit", "rich"))}


def test_parley_list_does_not_import_prompt_toolkit():
    modules = modules_imported_by("from simulator.cli.main import main\nmain(['list'])")
    assert "rich.console" in modules
    assert not {m for m in modules if m.startswith("prompt_toolkit")}
    # nor what validating or analysing a scenario needs, nor the store or a database driver:
    # `parley list` must start fast
    assert not {m for m in modules if m.startswith(("pydantic", "transitions", "simulator.analysis"))}
    # nor the free-text reader and coach, which only a session that reads words needs
    assert not modules & {"simulator.reading", "simulator.coaching", "simulator.concepts", "simulator.cli.saying"}
    assert not {m for m in modules if m.startswith(("simulator.store", "sqlite3", "_sqlite3", "psycopg"))}


def test_the_parsers_limit_default_is_the_analysis_default():
    from simulator.analysis.explore import DEFAULT_LIMIT
    from simulator.cli.authoring import DEFAULT_LIMIT as CLI_DEFAULT

    assert CLI_DEFAULT == DEFAULT_LIMIT


def test_piped_play_does_not_import_prompt_toolkit():
    code = (
        "import io, sys\nsys.stdin = io.StringIO('')\nfrom simulator.cli.main import main\n"
        f"main(['play', {SCENARIO_IDS[0]!r}, '--no-save'])"
    )
    assert not {m for m in modules_imported_by(code) if m.startswith("prompt_toolkit")}


# --- saving --------------------------------------------------------------------------------------


def test_play_saves_as_it_goes_under_the_learner(run_parley, ending_line, tmp_path):
    from simulator.store import Store

    line = ending_line(SCENARIO_IDS[0], seed=6)
    db = tmp_path / "course.db"
    typed = "\n".join([line[0].replace(":", " "), "/undo", *(k.replace(":", " ") for k in line)]) + "\n"
    result = run_parley(["play", SCENARIO_IDS[0], "--seed", "6", "--learner", "ana", "--db", str(db)], input=typed)
    assert result.returncode == 0, result.stderr
    store = Store(db)
    [record] = store.sessions(learner="ana")
    assert record.finished
    assert [t.key for t in store.turns(record.id)] == line
    assert len(store.turns(record.id, undone=True)) == len(line) + 1
    store.close()


def test_quitting_a_saved_session_says_how_to_resume(run_parley, cli_env):
    first = simulator.Session(simulator.load_scenario(SCENARIO_IDS[0]), seed=6).moves()[0].key
    result = run_parley(["play", SCENARIO_IDS[0], "--seed", "6"], input=first.replace(":", " ") + "\n/quit\n")
    assert result.returncode == 0, result.stderr
    assert "; resume with: parley resume " in result.stdout.splitlines()[-1]
    assert Path(cli_env["PARLEY_DB"]).exists()


def test_quitting_before_any_move_saves_nothing_and_says_how_to_replay(run_parley, cli_env):
    from simulator.store import Store

    result = run_parley(["play", SCENARIO_IDS[0], "--seed", "6"], input="/quit\n")
    assert result.returncode == 0, result.stderr
    assert f"; replay with: parley play {SCENARIO_IDS[0]} --seed 6" in result.stdout.splitlines()[-1]
    with Store(cli_env["PARLEY_DB"]) as store:
        assert store.sessions() == []


def test_no_save_writes_no_store(run_parley, cli_env):
    run_parley(["play", SCENARIO_IDS[0], "--seed", "6", "--no-save"], input="/quit\n")
    assert not Path(cli_env["PARLEY_DB"]).exists()


def test_replay_of_an_edited_scenario_shows_the_recording(run_parley, tmp_path):
    result = run_parley(["play", SCENARIO_IDS[0], "--seed", "3", "--moves", "wait", "--json", "--no-save"])
    doc = json.loads(result.stdout)
    doc["snapshot"]["scenario"]["hash"] = "0" * 64  # as if the scenario file changed since
    (tmp_path / "old.json").write_text(json.dumps(doc))
    shown = run_parley(["replay", str(tmp_path / "old.json")])
    assert shown.returncode == 0
    assert "has changed since the snapshot was taken" in shown.stderr and "as it was recorded" in shown.stderr
    assert "(as recorded, seed 3)" in shown.stdout and "Their side of the story" in shown.stdout
    (tmp_path / "bare.json").write_text(json.dumps(doc["snapshot"]))
    assert_one_line_error(
        run_parley(["replay", str(tmp_path / "bare.json")]), "has changed since the snapshot was taken"
    )


def test_a_failed_moves_run_saves_nothing(run_parley, tmp_path):
    from simulator.store import Store

    db = tmp_path / "course.db"
    result = run_parley(["play", "declined-offer", "--moves", "decide_repair,foo", "--json", "--db", str(db)])
    assert_one_line_error(result, "illegal move 'foo'")
    if db.exists():
        with Store(db) as store:
            assert store.sessions() == []


def test_a_moves_run_is_saved_whole_and_finished(run_parley, ending_line, tmp_path):
    from simulator.store import Store

    line = ending_line(SCENARIO_IDS[0], seed=8)
    db = tmp_path / "course.db"
    result = run_parley(
        ["play", SCENARIO_IDS[0], "--seed", "8", "--moves", ",".join(line), "--learner", "bo", "--db", str(db)]
    )
    assert result.returncode == 0, result.stderr
    with Store(db) as store:
        [record] = store.sessions(learner="bo")
        assert record.finished
        assert [t.key for t in store.turns(record.id)] == line


def test_the_learner_defaults_to_the_stores_default(run_parley, cli_env, monkeypatch):
    from simulator.store import Store

    monkeypatch.setattr("getpass.getuser", lambda: "zed")  # the store's default learner is the OS user
    result = run_parley(["play", SCENARIO_IDS[0], "--seed", "6", "--moves", "wait"])  # the store is $PARLEY_DB
    assert result.returncode == 0, result.stderr
    with Store(cli_env["PARLEY_DB"]) as store:
        assert [r.scenario_id for r in store.sessions(learner="zed")] == [SCENARIO_IDS[0]]


# --- the analysis in the debrief ---------------------------------------------------------------


def test_a_scenario_too_large_to_explore_rates_no_moves(run_parley, monkeypatch, ending_line):
    from simulator.cli import document

    monkeypatch.setattr(document, "ANALYSIS_LIMIT", 50)
    line = ",".join(ending_line(SCENARIO_IDS[0], seed=3))
    doc = json.loads(
        run_parley(["play", SCENARIO_IDS[0], "--seed", "3", "--moves", line, "--json", "--no-save"]).stdout
    )
    assert doc["debrief"]["alternatives"] is None
    validate(doc)
    shown = run_parley(["play", SCENARIO_IDS[0], "--seed", "3", "--moves", line, "--no-save"], env={"COLUMNS": "200"})
    assert shown.returncode == 0, shown.stderr
    assert (
        "Better moves: not shown; this scenario has more than 50 situations, too many to rate every move."
        in shown.stdout
    )
    hint = run_parley(
        ["play", SCENARIO_IDS[0], "--seed", "3", "--no-save"], input="/hint\n/quit\n", env={"COLUMNS": "200"}
    )
    assert hint.returncode == 0, hint.stderr
    assert "No hint: this scenario has more than 50 situations" in hint.stdout


class _Lost:
    """A solver whose table does not hold the situations asked about."""

    table = type("T", (), {"complete": True})()

    def move_values(self, situation):
        raise KeyError(situation)

    def review(self, situations, moves):
        raise KeyError(situations[0] if situations else None)


def test_a_situation_the_analysis_does_not_hold_is_no_traceback(run_parley, monkeypatch):
    from simulator.cli import document

    monkeypatch.setattr(document, "load_solver", lambda scenario: _Lost())
    shown = run_parley(["play", SCENARIO_IDS[0], "--seed", "3", "--moves", "wait", "--no-save"], env={"COLUMNS": "200"})
    assert shown.returncode == 0, shown.stderr
    assert "Better moves: not shown; the analysis does not hold a situation this run reached." in shown.stdout
    doc = json.loads(
        run_parley(["play", SCENARIO_IDS[0], "--seed", "3", "--moves", "wait", "--json", "--no-save"]).stdout
    )
    assert doc["debrief"]["alternatives"] is None
    hint = run_parley(
        ["play", SCENARIO_IDS[0], "--seed", "3", "--no-save"], input="/hint\n/quit\n", env={"COLUMNS": "200"}
    )
    assert hint.returncode == 0 and "No hint: the analysis does not hold" in hint.stdout


# what a hint says a move is worth against the best one now, from the best to the worst
WORTH = ("as good as anything now", "nearly as good", "gives up a little", "gives up a lot")


def hint_lines(out: str) -> list[str]:
    return out.split("Hint: the strongest moves now\n")[1].split("Your move")[0].splitlines()


def test_hint_ranks_the_moves_best_first_in_plain_words(run_parley):
    """At the start of declined-offer the analysis tells the three strongest moves apart: the
    hint lists them from the best down, each with its worth in words (not numbers).
    """
    hint = run_parley(
        ["play", "declined-offer", "--seed", "3", "--no-save"], input="/hint\n/quit\n", env={"COLUMNS": "200"}
    )
    assert hint.returncode == 0, hint.stderr
    lines = hint_lines(hint.stdout)
    assert len(lines) == 3
    worth = [next(i for i, words in enumerate(WORTH) if f"  {words}" in line) for line in lines]
    assert worth[0] == 0, "the first is the best there is"
    assert worth == sorted(worth) and len(set(worth)) > 1, f"not ranked best first: {lines}"
    assert not any(ch.isdigit() for line in lines for ch in line), "plain words, no values"


def test_hint_never_offers_what_the_source_warns_against(run_parley, write_scenario):
    """phrased.yaml changed so that venting pays (in a one-turn session, Dana trusts you more for
    it and the matter is repaired) while the story still names it as the anti-pattern: the
    analysis rates the vent best, and the hint leaves it out all the same.
    """
    from pathlib import Path

    text = (Path(__file__).resolve().parent / "cases" / "phrased.yaml").read_text(encoding="utf-8")
    vent_closes = "          - to: closed\n            effects: {trust: -3}\n"
    assert vent_closes in text
    one_turn = "limits:\n  turns: 4\n"
    assert one_turn in text
    text = (
        text.replace(vent_closes, "          - effects: {trust: 3, scene.repaired: 1}\n")
        .replace(one_turn, "limits:\n  turns: 1\n")  # one move: no later apology evens it out
        .replace("persona: ../../../personas/hr_rep.yaml", "persona: hr_rep")
    )
    path = write_scenario(text, name="venting-pays.yaml")
    from simulator.analysis import solver_for

    scenario = simulator.load_scenario(path)
    best = solver_for(scenario).best_moves(simulator.Session(scenario, seed=3).situation)
    assert best == ["vent:hr_rep"], "venting is the strongest move by the numbers"
    hint = run_parley(["play", str(path), "--seed", "3", "--no-save"], input="/hint\n/quit\n", env={"COLUMNS": "200"})
    assert hint.returncode == 0, hint.stderr
    block = hint_lines(hint.stdout)
    assert len(block) == 3 and block[0].startswith("Apologise → Dana Reyes, sincere ")
    assert not any("Vent" in line for line in block)


def test_moves_describes_built_in_moves_too(run_parley):
    from simulator.moves import BUILTIN_MOVES

    scenario = simulator.load_scenario("declined-offer")
    undescribed = [m.id for m in scenario.spec.moves if not m.description and m.id in BUILTIN_MOVES]
    assert undescribed, "declined-offer no longer has a built-in move without its own description"
    legal = {m.id for m in simulator.Session(scenario, seed=1).moves()}
    shown = run_parley(
        ["play", "declined-offer", "--seed", "1", "--no-save"], input="/moves\n/quit\n", env={"COLUMNS": "200"}
    )
    for move_id in undescribed:
        if move_id in legal:
            assert BUILTIN_MOVES[move_id].description in shown.stdout


def test_the_offer_to_finish_comes_once_when_the_last_beat_happens(run_parley):
    """declined-offer: Marcus answers the grade question on the third move; the offer is printed
    right after his answer, not before and not again, and "finish" then ends the session.
    """
    moves = "decide_repair\napologize:hiring_manager/sincere\nclarify:hiring_manager/curious\n"
    played = run_parley(
        ["play", "declined-offer", "--seed", "2", "--no-save"], input=moves + "wait\nfinish\n", env={"COLUMNS": "200"}
    )
    assert played.returncode == 0, played.stderr
    out = played.stdout
    offer = "The story has reached its last beat: you can finish here (“Leave it there”, or type finish) or play on."
    assert out.count(offer) == 1
    assert out.index("We've filled the role") < out.index(offer) < out.index("Your move › wait")
    assert "You leave it there." in out
    assert "The story stands" in out  # the ending a timeout gives: nothing was mended with Daniel
