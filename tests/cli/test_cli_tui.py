"""The practice loop driven through prompt-toolkit: pipe input, DummyOutput, whole sessions.

Keys are sent as a person would type them; after a Tab the test waits until the completion
has landed in the buffer (completion runs in a background task), so nothing depends on timing.
"""

from __future__ import annotations

import asyncio
import io

import pytest
from command_support import typed_with_tab
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

import simulator
from simulator.cli.play import Practice
from simulator.cli.render import COMMANDS, make_console, status_text
from simulator.cli.tui import TerminalReader, completions_for

SCENARIO_IDS = [info.id for info in simulator.list_scenarios()]


class Driver:
    """Runs one practice loop over a pipe and lets the test type into it."""

    def __init__(self, scenario_id: str, seed: int = 1, coach: bool = False):
        self.session = simulator.Session(simulator.load_scenario(scenario_id), seed=seed)
        self.out = io.StringIO()
        self.console = make_console(self.out, width=80, plain=True)
        self.coach = coach

    async def run(self, steps) -> tuple[int, str]:
        with create_pipe_input() as inp, create_app_session(input=inp, output=DummyOutput()):
            self.inp = inp
            session = self.session
            names = {c.id: c.name for c in session.counterparts()}
            self.reader = TerminalReader(
                moves=lambda: [] if session.over else session.moves(),
                names=names,
                commands=COMMANDS,
                toolbar=lambda: status_text(session),
            )
            practice = Practice(session, console=self.console, reader=self.reader, coach=self.coach)
            task = asyncio.create_task(practice.run())
            for step in steps:
                if callable(step):
                    await step(self)
                else:
                    await self.idle()
                    inp.send_text(step)
            code = await asyncio.wait_for(task, timeout=20)
        return code, self.out.getvalue()

    def buffer_text(self) -> str:
        app = self.reader._prompt.app
        return app.current_buffer.text if app.is_running else ""

    async def idle(self) -> None:
        await asyncio.sleep(0)

    async def until(self, predicate, timeout: float = 5.0) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not predicate():
            if loop.time() > deadline:
                raise AssertionError(f"timed out; buffer is {self.buffer_text()!r}")
            await asyncio.sleep(0.01)


def buffer_is(text: str):
    async def wait(driver: Driver) -> None:
        await driver.until(lambda: driver.buffer_text() == text)

    return wait


def typed(key: str) -> str:
    return key.replace(":", " ").replace("/", " ") + "\r"


@pytest.mark.parametrize("scenario_id", SCENARIO_IDS)
def test_a_whole_session_by_typing_moves(scenario_id, ending_line):
    line = ending_line(scenario_id)
    # the first move by its number in the menu (and, when it is said several ways, the letter
    # of a phrasing in the manner of the line), the rest typed out
    from simulator.cli.saying import LETTERS, phrasing_order

    first = simulator.Session(simulator.load_scenario(scenario_id), seed=1)
    choice = first.rules.by_key[line[0]]
    move = next(m for m in first.moves() if m.key == choice.move_key)
    number = first.moves().index(move) + 1
    steps = [f"{number}\r"]
    if len(move.manners) > 1:
        order = phrasing_order(move.phrasings, first.seed, 0, move.key)
        steps.append(LETTERS[next(i for i, p in enumerate(order) if p.manner == choice.manner)] + "\r")
    first.close()
    steps += [typed(k) for k in line[1:]]
    code, out = asyncio.run(Driver(scenario_id).run(steps))
    assert code == 0
    assert "Scores" in out and "Their side of the story" in out
    assert out.rstrip().splitlines()[-1].startswith(f"{scenario_id}: ending '")
    assert out.count("You: ") == len(line)


@pytest.mark.parametrize("scenario_id", SCENARIO_IDS)
def test_tab_completes_moves_targets_and_manners_and_the_completed_line_is_played(scenario_id, ending_line):
    """Each move of a whole line typed with Tab wherever it can complete a word; after each Tab
    the line holds the completed word, and the session plays exactly the line.
    """
    line = ending_line(scenario_id)
    session = simulator.Session(simulator.load_scenario(scenario_id), seed=1)
    steps: list = []
    for key in line:
        for keys in typed_with_tab(session.moves(), key):
            steps.append(keys.send)
            if keys.completes:
                steps.append(buffer_is(keys.line))
        session.play(key)
    session.close()
    assert sum(callable(step) for step in steps) >= len(line), "Tab completed a word of each move"
    driver = Driver(scenario_id)
    code, out = asyncio.run(driver.run(steps))
    assert code == 0
    assert driver.session.played == line and out.count("You: ") == len(line)


def test_undo_takes_back_a_move_and_the_session_goes_on(ending_line):
    scenario_id = SCENARIO_IDS[0]
    line = ending_line(scenario_id)
    steps = [typed(line[0]), "/undo\r", *(typed(k) for k in line)]
    code, out = asyncio.run(Driver(scenario_id).run(steps))
    assert code == 0
    assert "Took back turn 1" in out
    assert out.count("You: ") == len(line) + 1


def test_ctrl_c_clears_a_line_then_asks_to_quit(ending_line):
    scenario_id = SCENARIO_IDS[0]
    line = ending_line(scenario_id)
    steps = [
        "not a move at all",
        buffer_is("not a move at all"),
        "\x03",  # clears the line: nothing is played
        buffer_is(""),
        typed(line[0]),
        "\x03",  # on an empty line: asks
        "n\r",  # ... and we stay
        "\x03",
        "y\r",
    ]
    code, out = asyncio.run(Driver(scenario_id, seed=5).run(steps))
    assert code == 0
    assert "not a move" not in out
    assert out.count("You: ") == 1
    # the summary's score is the one the same move gives in a session of our own
    with simulator.Session(simulator.load_scenario(scenario_id), seed=5) as alone:
        alone.play(line[0])
        limit, overall = alone.scenario.rules.turn_limit, alone.scores["overall"]
    assert out.rstrip().splitlines()[-1] == (
        f"{scenario_id}: stopped after 1 of {limit} turns, overall {overall}; "
        f"seed 5; replay with: parley play {scenario_id} --seed 5"
    )


def test_ctrl_d_quits_with_a_one_line_summary():
    code, out = asyncio.run(Driver(SCENARIO_IDS[0], seed=9).run(["\x04"]))
    assert code == 0
    assert out.rstrip().splitlines()[-1].startswith(f"{SCENARIO_IDS[0]}: stopped after 0 of ")


def test_unknown_input_gets_a_suggestion_and_empty_input_reprompts():
    scenario_id = "declined-offer"
    if scenario_id not in SCENARIO_IDS:
        pytest.skip("uses declined-offer's moves")
    steps = ["\r", "apolgize hr_rep\r", "apologize\r", "/sav\r", "99\r", "\x04"]
    _, out = asyncio.run(Driver(scenario_id).run(steps))
    assert "Unknown move 'apolgize hr_rep'. Did you mean 'apologize hr_rep'?" in out
    assert "'apologize' needs a target: hr_rep (Daniel Reyes) or hiring_manager (Marcus Hale)." in out
    assert "Unknown command '/sav'. Did you mean /save?" in out
    assert "There is no move 99: choose a number from 1 to 12." in out
    assert "You: " not in out


def test_illegal_move_names_the_legal_ones():
    if "declined-offer" not in SCENARIO_IDS:
        pytest.skip("uses declined-offer's moves")
    steps = ["decide_repair\r", "decide_job\r", "\x04"]
    _, out = asyncio.run(Driver("declined-offer").run(steps))
    assert "You can't play 'decide_job' now. Legal now: apologize hr_rep, apologize hiring_manager," in " ".join(
        out.split()
    )


def test_coach_mode_shows_each_counterparts_hidden_state_and_meters(ending_line):
    scenario_id = SCENARIO_IDS[0]
    line = ending_line(scenario_id)
    _, coached = asyncio.run(Driver(scenario_id, coach=True).run([typed(line[0]), "\x04"]))
    _, plain = asyncio.run(Driver(scenario_id).run([typed(line[0]), "\x04"]))
    assert "Meters" not in plain and "coach:" not in plain
    # each counterpart's hidden state and meters as they stand after the move, on its own row
    with simulator.Session(simulator.load_scenario(scenario_id), seed=1) as alone:
        alone.play(line[0])
        cast = alone.counterparts()
    table = " ".join(coached.split("Coach")[-1].split())
    names = [c.name.split(" (")[0] for c in cast]
    for person, name in zip(cast, names, strict=True):
        row = table.split(f" {name} ", 1)[1]
        for other in [*names, "scene "]:
            row = row.split(f" {other}", 1)[0]
        assert row.startswith(f"{person.state} "), (name, row)
        assert all(f"{meter} {value}" in row for meter, value in person.meters.items()), (name, row)


def test_help_moves_transcript_and_save(tmp_path, ending_line):
    scenario_id = SCENARIO_IDS[0]
    line = ending_line(scenario_id)
    path = tmp_path / "run.json"
    steps = ["/help\r", "/moves\r", typed(line[0]), "/transcript\r", f"/save {path}\r", "/quit\r"]
    code, out = asyncio.run(Driver(scenario_id).run(steps))
    assert code == 0
    words = " ".join(out.split())
    assert "/undo" in out and "take back your last move" in out
    with simulator.Session(simulator.load_scenario(scenario_id), seed=1) as alone:
        described = [m.description for m in alone.moves() if m.description]
        turn = alone.play(line[0])
    # /moves describes every legal move; the menu alone shows no descriptions
    before_move, after_move = words.split("You: ", 1)
    assert described and all(" ".join(d.split()) in before_move for d in described)
    # /transcript repeats what was said and the reply, numbered
    shown = after_move.split(f" 1. {turn.label} ", 1)[1]
    assert " ".join(turn.line.split()) in shown
    assert f"Saved the transcript to {path}" in words
    import json

    import jsonschema

    from simulator.cli.document import SCHEMA_FILE

    doc = json.loads(path.read_text())
    jsonschema.validate(doc, json.loads(SCHEMA_FILE.read_text()), cls=jsonschema.Draft202012Validator)
    assert [m["key"] for m in doc["moves"]] == line[:1]


def test_up_arrow_recalls_earlier_input():
    scenario_id = SCENARIO_IDS[0]

    async def recall(driver: Driver) -> None:
        # History loads in the background when a prompt starts; pressing up again at the oldest
        # entry changes nothing, so press until the earlier line is back.
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 5
        while driver.buffer_text() != "/transcript":
            assert loop.time() < deadline, f"buffer is {driver.buffer_text()!r}"
            driver.inp.send_text("\x1b[A")
            await asyncio.sleep(0.02)

    steps = ["/transcript\r", recall, "\r", "\x04"]
    _, out = asyncio.run(Driver(scenario_id).run(steps))
    assert out.count("Nothing has been said yet.") == 2


def test_the_toolbar_tells_turn_time_and_who_is_in_touch_and_how():
    scenario = simulator.load_scenario("leverage-play")
    with simulator.Session(scenario, seed=1) as session:
        text = status_text(session)
        assert text.startswith(f"Turn 1 of {scenario.rules.turn_limit} · {scenario.rules.turn_limit} left")
        # two employers are never shown as if in one room: each with the way the learner reaches them
        assert text.endswith("in touch: Helen Marsh in person, Raj Patel by e-mail since a coffee")


def shown_plain(renderable: object, width: int) -> list[str]:
    out = io.StringIO()
    make_console(out, width=width, plain=True).print(renderable)
    return out.getvalue().splitlines()


def test_the_menu_shows_what_each_move_costs_in_time_where_the_scenario_counts_days():
    from simulator.cli.render import duration_words, move_menu

    assert [duration_words(d) for d in (1, 2, 7, 14, 28, 30, 84, 90, 45)] == [
        "a day", "2 days", "a week", "2 weeks", "4 weeks", "a month", "12 weeks", "3 months", "45 days",
    ]  # fmt: skip
    timed = simulator.load_scenario("after-rejection")
    with simulator.Session(timed, seed=1) as session:
        rows = shown_plain(move_menu(session.moves(), {}, width=100, timed=True), 100)
        note = next(line for line in rows if "Send her a short note" in line)
        assert "a week" in note and "walk_away" not in note
        assert "12 weeks" in next(line for line in rows if "applying elsewhere" in line)


def test_completions_offer_legal_moves_targets_and_commands():
    class M:
        def __init__(self, id, target, label):
            self.id, self.target, self.label = id, target, label

    moves = [M("apologize", "hr_rep", "Apologize"), M("apologize", "boss", "Apologize"), M("wait", None, "Wait")]
    names = {"hr_rep": "Dana Reyes (HR)", "boss": "Tom (boss)"}
    assert completions_for("ap", moves, names, COMMANDS) == [("apologize ", -2, "Apologize")]
    assert completions_for("w", moves, names, COMMANDS) == [("wait", -1, "Wait")]
    assert completions_for("apologize ", moves, names, COMMANDS) == [
        ("hr_rep", 0, "Dana Reyes (HR)"),
        ("boss", 0, "Tom (boss)"),
    ]
    assert completions_for("apologize b", moves, names, COMMANDS) == [("boss", -1, "Tom (boss)")]
    assert completions_for("wait ", moves, names, COMMANDS) == []
    assert [c[0] for c in completions_for("/u", moves, names, COMMANDS)] == ["/undo"]
