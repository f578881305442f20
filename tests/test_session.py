"""The pull API: moves, play, reading the session, illegal moves, snapshots, undo."""

from __future__ import annotations

import json

import pytest
from core_support import MINI

import simulator
from simulator import IllegalMove, IncompatibleVersion, InvalidSeed, Session, SnapshotError
from simulator.rules import Move
from simulator.snapshot import SNAPSHOT_FORMAT, SNAPSHOT_VERSION
from simulator.step import branches

MINI_LEGAL = "apologize:hr_rep, vent:hr_rep, ask:hr_rep, wait"


def keys(session: Session) -> list[str]:
    return [m.key for m in session.moves()]


def test_the_documented_api(declined):
    assert any(info.id == "declined-offer" for info in simulator.list_scenarios())
    s = Session(declined, seed=7)
    moves = s.moves()
    assert all(isinstance(m, Move) and m.label for m in moves)
    assert ("apologize", "hr_rep") in [(m.id, m.target) for m in moves]
    turn = s.play("apologize", to="hr_rep", manner="sincere")
    assert isinstance(turn, simulator.Turn) and turn.speaker == "hr_rep" and turn.line
    assert (s.over, s.ending) == (False, None)
    assert set(s.scores) == {"outcome", "relationship", "integrity", "overall"}
    assert s.transcript == [turn]
    assert isinstance(s.debrief(), simulator.Debrief)
    data = s.snapshot()
    assert json.loads(json.dumps(data)) == data
    s2 = Session.restore(declined, json.loads(json.dumps(data)))
    assert s2.play("wait") == s.play("wait")


def test_a_turn_says_what_happened(mini):
    s = Session(mini, seed=1)  # seed 1 draws the warm outcome (weight 3 of 4)
    turn = s.play("apologize", to="hr_rep")
    assert turn.to_dict() == {
        "number": 1,
        "move": "apologize",
        "target": "hr_rep",
        "label": "Apologise",
        "speaker": "hr_rep",
        "speaker_name": "Dana Reyes",
        "line": "Thank you. Dana Reyes appreciates it.",
        "note": "A plain apology lets them revise their story.",
        "changes": [
            {
                "who": "hr_rep",
                "name": "Dana Reyes",
                "before": "offended",
                "after": "receptive",
                "mood": "warmer, asks how things are going",
            }
        ],
        "scores": {"outcome": 50, "relationship": 50, "integrity": 100, "overall": 63},
        "delta": {"outcome": 40, "relationship": 20, "integrity": 0, "overall": 25},
        "ending": None,
        "day": None,
        "rule": "cast.hr_rep.reactions[0].outcomes[0]",
        "mood": "warmer, asks how things are going",
        "draws": 1,
        "manner": None,
        "said": None,
        "choice_key": None,
    }
    assert turn.key == "apologize:hr_rep"


def test_a_move_without_target_is_narrated_by_the_scene(mini):
    s = Session(mini, seed=1)
    turn = s.play("wait")
    assert (turn.speaker, turn.speaker_name, turn.target, turn.key) == (None, None, None, "wait")
    assert turn.line == "Two weeks pass."
    assert turn.rule == "scene.reactions[0].outcomes[0]"


def test_an_uncovered_move_gets_the_personas_unmoved_line(mini):
    s = Session(mini, seed=0)
    turn = s.play("ask:hr_rep")
    assert turn.rule == "unmoved"
    assert turn.line in {
        "Dana Reyes listens, makes a note, and moves on.",
        "Dana Reyes says they will keep that in mind.",
    }
    assert turn.changes == () and set(turn.delta.values()) == {0}


def test_three_ways_to_name_a_move_are_the_same(declined):
    a, b, c = Session(declined, seed=11), Session(declined, seed=11), Session(declined, seed=11)
    a.play("apologize", to="hr_rep", manner="sincere")
    b.play("apologize:hr_rep/sincere")
    c.play(next(ch for ch in c.choices() if ch.key == "apologize:hr_rep/sincere"))
    assert a.transcript == b.transcript == c.transcript


WRONG_TARGET = (
    f"illegal move 'apologize:boss': 'boss' is not a target of 'apologize'; targets: hr_rep; legal moves: {MINI_LEGAL}"
)


@pytest.mark.parametrize(
    ("move", "to", "message"),
    [
        ("flatter", None, f"illegal move 'flatter': no such move in this scenario; legal moves: {MINI_LEGAL}"),
        (
            "ask:hr_rep/direct",
            None,
            "illegal move 'ask:hr_rep/direct': it is said in one way only; leave out the manner; "
            f"legal moves: {MINI_LEGAL}",
        ),
        ("wait", "hr_rep", f"illegal move 'wait:hr_rep': it takes no target; legal moves: {MINI_LEGAL}"),
        ("apologize", "boss", WRONG_TARGET),
        ("apologize:boss", None, WRONG_TARGET),  # the same, written as one string
    ],
)
def test_illegal_moves_name_the_legal_ones(mini, move, to, message):
    s = Session(mini, seed=1)
    with pytest.raises(IllegalMove) as info:
        s.play(move, to=to)
    assert str(info.value) == message
    assert list(info.value.legal) == keys(s)
    assert s.transcript == [] and s.turn == 0  # nothing happened


def test_a_move_that_is_not_available_now(declined):
    s = Session(declined, seed=1)
    s.play("decide_repair")
    with pytest.raises(IllegalMove) as info:
        s.play("decide_job")
    assert str(info.value).startswith(
        "illegal move 'decide_job': it is not available now; legal moves: apologize:hr_rep/sincere, "
    )
    assert "decide_job" not in info.value.legal


def test_a_counterpart_who_stopped_taking_calls_cannot_be_addressed(write_scenario):
    # MINI without the ending that a closed file brings: the session goes on without Dana.
    text = MINI.replace(
        "  - id: closed_door\n    title: Closed door\n    text: Dana no longer takes your calls.\n"
        "    when: {state: hr_rep, in: [closed]}\n",
        "",
    )
    text = text.replace(", closed_door: -20}", "}")
    s = Session(simulator.load_scenario(write_scenario(text)), seed=1)
    s.play("vent:hr_rep")  # HR closes the file
    assert not s.over
    assert keys(s) == ["wait"]
    with pytest.raises(IllegalMove) as info:
        s.play("apologize", to="hr_rep")
    assert str(info.value) == "illegal move 'apologize:hr_rep': it is not available now; legal moves: wait"


def test_no_move_is_legal_once_the_session_is_over(mini):
    s = Session(mini, seed=1)
    s.play("apologize:hr_rep")
    s.play("vent:hr_rep")  # hr_rep closes the file: the session ends
    assert s.over and s.ending.id == "closed_door"
    with pytest.raises(IllegalMove) as info:
        s.play("wait")
    assert str(info.value) == "illegal move 'wait': the session is over; legal moves: none"
    assert s.moves() == []


def test_the_session_ends_at_the_turn_limit_with_final_scores(mini):
    s = Session(mini, seed=1)
    assert (s.turn, s.turns_left, s.day, s.days_left) == (0, 4, None, None)
    s.play("apologize:hr_rep")
    for _ in range(2):
        s.play("wait")
        assert not s.over
    assert s.turns_left == 1
    last = s.play("wait")
    assert s.over and s.turns_left == 0
    assert s.ending.id == "repaired" and last.ending == "repaired"
    # the ending's bonus lands on the last turn: outcome 10 + 40 (repaired meter) + 30 (ending)
    assert s.scores["outcome"] == 80 and last.delta["outcome"] == 30
    assert s.played == ["apologize:hr_rep", "wait", "wait", "wait"]


def test_days_are_counted_when_the_scenario_has_a_calendar(write_scenario):
    scenario = simulator.load_scenario(write_scenario(MINI.replace("  turns: 4\n", "  turns: 10\n  days: 30\n")))
    s = Session(scenario, seed=1)
    assert (s.day, s.days_left) == (0, 30)
    assert s.play("wait").day == 14
    s.play("ask:hr_rep")
    assert (s.day, s.days_left) == (15, 15)
    s.play("wait")
    assert not s.over and (s.day, s.days_left) == (29, 1)
    last = s.play("ask:hr_rep")
    assert s.over and s.ending.id == "stalemate" and last.ending == "stalemate"
    assert (s.day, s.days_left, s.turns_left) == (30, 0, 6)  # the calendar ran out before the turns


def test_lines_fill_in_known_names_only(write_scenario):
    text = MINI.replace(
        'say: ["Two weeks pass."]',
        'say: ["$hr_rep and ${hr_rep} wait. {0.__class__} {name} %(x)s costs $$5."]',
    )
    s = Session(simulator.load_scenario(write_scenario(text)), seed=1)
    assert s.play("wait").line == "Dana Reyes and Dana Reyes wait. {0.__class__} {name} %(x)s costs $5."


def test_counterparts(mini):
    s = Session(mini, seed=1)
    (dana,) = s.counterparts()
    assert dana == simulator.Counterpart(
        id="hr_rep",
        name="Dana Reyes",
        state="offended",
        mood="cold, answers in short sentences",
        story="This person treated me with contempt and will treat colleagues the same way.",
        meters={"trust": 3, "patience": 3, "apologies": 0, "slighted": 0},
        reachable=True,
    )
    s.play("vent:hr_rep")
    (dana,) = s.counterparts()
    assert (dana.state, dana.reachable, dana.meters["trust"]) == ("closed", False, 0)


def test_reading_returns_copies(mini):
    s = Session(mini, seed=1)
    s.play("wait")
    s.transcript.clear()
    s.scores["overall"] = -1
    assert len(s.transcript) == 1 and s.scores["overall"] != -1


def test_same_seed_same_session_and_seeds_matter(declined):
    line = [
        "decide_repair",
        "apologize:hr_rep/sincere",
        "apologize:hiring_manager/sincere",
        "clarify:hiring_manager/curious",
        "wait",
    ]

    def run(seed):
        s = Session(declined, seed=seed)
        for key in line:
            if not s.over:
                s.play(key)
        return [t.to_dict() for t in s.transcript]

    assert run(5) == run(5)
    assert len({json.dumps(run(seed)) for seed in range(12)}) > 1


def test_seeds(declined):
    assert 0 <= Session(declined).seed < 1_000_000
    with pytest.raises(InvalidSeed, match="a seed is a whole number from 0 to 9223372036854775807, not -1"):
        Session(declined, seed=-1)


# --- snapshots -----------------------------------------------------------------------------------


def test_snapshot_is_versioned_json(declined):
    s = Session(declined, seed=9)
    s.play("decide_repair")
    s.play("apologize:hr_rep/sincere", said="I'm sorry for how I spoke to you on that call.")
    data = s.snapshot()
    assert data == {
        "format": SNAPSHOT_FORMAT,
        "version": SNAPSHOT_VERSION,
        "engine": simulator.__version__,
        "scenario": {"id": "declined-offer", "hash": declined.hash},
        "seed": 9,
        "draws": s.transcript[-1].draws,
        "moves": ["decide_repair", "apologize:hr_rep/sincere"],
        "said": [None, "I'm sorry for how I spoke to you on that call."],
    }
    json.dumps(data)
    restored = Session.restore(declined, data)
    assert restored.transcript == s.transcript and restored.transcript[-1].said == data["said"][1]


def test_a_version_1_snapshot_without_words_still_restores(declined):
    s = Session(declined, seed=9)
    s.play("decide_repair")
    data = s.snapshot()
    data["version"] = 1
    del data["said"]
    assert Session.restore(declined, data).transcript == s.transcript


def test_restore_continues_exactly(declined):
    s = Session(declined, seed=21)
    for key in ["decide_repair", "apologize:hr_rep/sincere"]:
        s.play(key)
    r = Session.restore(declined, json.loads(json.dumps(s.snapshot())))
    assert r.transcript == s.transcript and r.situation == s.situation and r.scores == s.scores
    for key in ["apologize:hiring_manager/sincere", "clarify:hiring_manager/curious", "wait", "wait"]:
        if s.over:
            break
        assert r.play(key) == s.play(key)
    assert r.debrief() == s.debrief()


def test_restoring_a_finished_session(mini):
    s = Session(mini, seed=1)
    s.play("vent:hr_rep")
    r = Session.restore(mini, s.snapshot())
    assert r.over and r.ending == s.ending and r.scores == s.scores


def _snapshot(scenario, changes=None):
    s = Session(scenario, seed=3)
    s.play("apologize:hr_rep")
    data = s.snapshot()
    data.update(changes or {})
    return data


@pytest.mark.parametrize(
    ("changes", "error", "message"),
    [
        ({"format": "other"}, SnapshotError, "not a Parley session snapshot (missing format 'parley-session')"),
        ({"version": 3}, IncompatibleVersion, "the snapshot has format version 3; this Parley reads version 2"),
        ({"version": "1"}, IncompatibleVersion, "the snapshot has format version '1'; this Parley reads version 2"),
        ({"version": 0}, IncompatibleVersion, "the snapshot has format version 0; this Parley reads version 2"),
        ({"seed": None}, SnapshotError, "the snapshot is damaged: scenario, seed or draws missing"),
        ({"draws": "3"}, SnapshotError, "the snapshot is damaged: scenario, seed or draws missing"),
        ({"scenario": "mini"}, SnapshotError, "the snapshot names no scenario"),
        ({"scenario": {"id": "mini"}}, SnapshotError, "the snapshot is damaged: its scenario has no content hash"),
        (
            {"seed": -4},
            SnapshotError,
            "the snapshot is damaged: seed -4 is not a whole number from 0 to 9223372036854775807",
        ),
        (
            {"seed": True},
            SnapshotError,
            "the snapshot is damaged: seed True is not a whole number from 0 to 9223372036854775807",
        ),
        ({"moves": "wait"}, SnapshotError, "the snapshot is damaged: moves must be a list of strings"),
        ({"moves": [1]}, SnapshotError, "the snapshot is damaged: moves must be a list of strings"),
        (
            {"said": ["sorry", None]},
            SnapshotError,
            "the snapshot is damaged: 'said' must list text (or null) for each move",
        ),
        ({"said": [3]}, SnapshotError, "the snapshot is damaged: 'said' must list text (or null) for each move"),
        ({"draws": True}, SnapshotError, "the snapshot is damaged: scenario, seed or draws missing"),
        ({"version": True}, IncompatibleVersion, "the snapshot has format version True; this Parley reads version 2"),
        (
            {"scenario": {"id": "declined-offer", "hash": "x"}},
            SnapshotError,
            "the snapshot is of scenario 'declined-offer', not 'mini'",
        ),
        (
            {"moves": ["apologize:hr_rep", "flatter"], "said": [None, None]},
            SnapshotError,
            "the snapshot does not replay: move 2 (flatter): illegal move 'flatter': no such move in this scenario; "
            f"legal moves: {MINI_LEGAL}",
        ),
        # seed 3 draws the cool outcome and then one of its two lines: two draws, not 99
        ({"draws": 99}, SnapshotError, "the snapshot does not replay: 2 draws, snapshot says 99"),
    ],
)
def test_restore_refuses_what_does_not_belong(mini, changes, error, message):
    data = _snapshot(mini, changes)
    with pytest.raises(error) as info:
        Session.restore(mini, data)
    assert str(info.value) == message


def test_restore_refuses_a_changed_scenario(mini, write_scenario):
    data = _snapshot(mini)
    changed = simulator.load_scenario(write_scenario(MINI.replace("Two weeks pass.", "Time passes."), name="m2.yaml"))
    with pytest.raises(SnapshotError) as info:
        Session.restore(changed, data)
    assert str(info.value) == (
        "scenario 'mini' has changed since the snapshot was taken "
        f"(hash {mini.hash[:12]} then, {changed.hash[:12]} now)"
    )


@pytest.mark.parametrize("data", [None, [], "snapshot"])
def test_restore_refuses_non_mappings(mini, data):
    with pytest.raises(SnapshotError, match=r"^not a Parley session snapshot"):
        Session.restore(mini, data)


# --- undo, close ---------------------------------------------------------------------------------


def test_undo_takes_back_the_last_move(declined):
    s = Session(declined, seed=4)
    s.play("decide_repair")
    s.play("apologize:hr_rep/sincere")
    before = (s.transcript, s.situation, s.scores, s._rng.counter)
    last = s.play("apologize:hiring_manager/sincere")
    assert s.undo() == last
    assert (s.transcript, s.situation, s.scores, s._rng.counter) == before
    assert s.play("apologize:hiring_manager/sincere") == last


def test_undo_reopens_a_finished_session(mini):
    s = Session(mini, seed=1)
    s.play("vent:hr_rep")
    assert s.over
    s.undo()
    assert not s.over and s.turn == 0
    assert s._models[0] in s._machines[0].models
    assert s.play("wait").line == "Two weeks pass."


def test_undo_with_nothing_played(mini):
    with pytest.raises(IllegalMove) as info:
        Session(mini, seed=1).undo()
    assert str(info.value) == f"illegal move 'undo': no move has been played yet; legal moves: {MINI_LEGAL}"


def test_also_moves_the_reacting_persona_too(write_scenario):
    # an 'also' that names the reacting persona wins over its own 'to', in the session as in Rules
    text = MINI.replace(
        "          - to: closed\n            effects: {trust: -3}\n",
        "          - to: receptive\n            also: {hr_rep: closed}\n            effects: {trust: -3}\n",
    )
    scenario = simulator.load_scenario(write_scenario(text))
    s = Session(scenario, seed=1)
    (branch,) = branches(scenario.rules, s.situation, scenario.rules.by_key["vent:hr_rep"])
    turn = s.play("vent:hr_rep")
    assert s.situation == branch.after
    assert [(c.before, c.after) for c in turn.changes] == [("offended", "closed")]
    assert s.ending.id == "closed_door"


# --- phrasings and manners ------------------------------------------------------------------------


@pytest.fixture
def mannered(write_scenario):
    from core_support import MANNERED

    return simulator.load_scenario(write_scenario(MANNERED))


def test_moves_list_each_move_once_with_the_ways_it_can_be_said(mannered):
    s = Session(mannered, seed=1)
    apologize = next(m for m in s.moves() if m.id == "apologize")
    assert apologize.key == "apologize:hr_rep"
    assert apologize.manners == ("sincere", "justifying", "strategic")
    assert [p.manner for p in apologize.phrasings] == ["sincere", "sincere", "justifying", "strategic"]
    assert [c.key for c in s.choices()][:3] == [
        "apologize:hr_rep/sincere",
        "apologize:hr_rep/justifying",
        "apologize:hr_rep/strategic",
    ]


def test_playing_a_phrasing_records_the_learners_words(mannered):
    s = Session(mannered, seed=1)
    phrasing = next(m for m in s.moves() if m.id == "apologize").phrasings[2]
    turn = s.play(phrasing)
    assert (turn.key, turn.manner, turn.said) == ("apologize:hr_rep/justifying", "justifying", phrasing.text)
    assert turn.line == "I hear a 'but' in there."
    assert s.played == ["apologize:hr_rep/justifying"]


def test_a_manner_can_be_given_apart_and_the_words_too(mannered):
    s = Session(mannered, seed=1)
    turn = s.play("apologize", to="hr_rep", manner="sincere", said="sorry, that was out of line")
    assert (turn.key, turn.said) == ("apologize:hr_rep/sincere", "sorry, that was out of line")


def test_leaving_out_the_manner_where_there_are_several_names_them(mannered):
    s = Session(mannered, seed=1)
    with pytest.raises(IllegalMove, match="it needs a manner: one of sincere, justifying, strategic"):
        s.play("apologize:hr_rep")


def test_words_survive_undo_snapshot_and_restore(mannered):
    s = Session(mannered, seed=4)
    s.play("apologize:hr_rep/strategic", said="sorry, can we still do the offer?")
    s.play("wait")
    s.undo()
    assert s.transcript[0].said == "sorry, can we still do the offer?"
    r = Session.restore(mannered, json.loads(json.dumps(s.snapshot())))
    assert r.transcript == s.transcript


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ((123,), "move must be a move id, a key like 'apologize:hr_rep', or a Move, Choice or Phrasing, not int 123"),
        ((None,), "move must be a move id"),
        (("wait", 3), "to must be text or None, not int 3"),
    ],
)
def test_wrong_argument_types_are_named(mini, bad, message):
    with pytest.raises(simulator.InvalidArgument, match=message.replace("(", r"\(").replace(")", r"\)")):
        Session(mini, seed=1).play(*bad)


def test_a_session_needs_a_loaded_scenario():
    with pytest.raises(simulator.InvalidArgument, match=r"scenario must be a Scenario from simulator.load_scenario"):
        Session("declined-offer")  # type: ignore[arg-type]


def test_an_ending_is_plain_hashable_data(mini):
    s = Session(mini, seed=1)
    s.play("vent:hr_rep")
    assert {s.ending, s.ending} == {
        simulator.EndingInfo("closed_door", "Closed door", "Dana no longer takes your calls.")
    }
