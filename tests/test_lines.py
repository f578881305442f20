"""Playing named lines of moves and averaging them over seeds."""

from __future__ import annotations

import pytest
from core_support import MINI

import simulator
from simulator import IllegalMove
from simulator.lines import LineResult, compare_lines, play_line


def test_a_line_is_finished_by_waiting(mini):
    session = play_line(mini, ["apologize:hr_rep"], seed=1)
    assert session.over
    assert session.played == ["apologize:hr_rep", "wait", "wait", "wait"]
    assert session.ending.id == "repaired"


def test_moves_after_an_ending_are_not_played(mini):
    session = play_line(mini, ["vent:hr_rep", "apologize:hr_rep", "wait"], seed=1)
    assert session.played == ["vent:hr_rep"]
    assert session.ending.id == "closed_door"


def test_an_illegal_move_in_a_line_raises(mini):
    with pytest.raises(IllegalMove, match=r"^illegal move 'flatter': no such move in this scenario"):
        play_line(mini, ["flatter"], seed=1)


def test_a_line_that_cannot_wait_must_be_complete(write_scenario):
    text = MINI.replace("  - id: wait\n    takes: 2 weeks\n", "").replace(
        "  reactions:\n    - move: wait\n      outcomes:\n        - effects: {hr_rep.patience: 1}\n"
        '          say: ["Two weeks pass."]\n',
        "",
    )
    scenario = simulator.load_scenario(write_scenario(text))
    with pytest.raises(IllegalMove) as info:
        play_line(scenario, ["ask:hr_rep"], seed=1)
    assert str(info.value) == (
        "illegal move 'wait': the line ends where waiting is not possible; extend the line; "
        "legal moves: apologize:hr_rep, vent:hr_rep, ask:hr_rep"
    )


def test_compare_lines_averages_over_the_same_seeds(mini):
    lines = {"apologize": ["apologize:hr_rep"], "vent": ["vent:hr_rep"]}
    seeds = range(40)
    apologize, vent = compare_lines(mini, lines, seeds)
    assert isinstance(apologize, LineResult)
    assert (apologize.name, apologize.line, apologize.runs) == ("apologize", ("apologize:hr_rep",), 40)
    finals = [play_line(mini, ["apologize:hr_rep"], seed).scores for seed in seeds]
    assert apologize.mean == {dim: sum(f[dim] for f in finals) / 40 for dim in finals[0]}
    # the warm outcome (weight 3 of 4) repairs; the other leaves the story standing
    assert set(apologize.endings) == {"repaired", "stalemate"}
    assert sum(apologize.endings.values()) == 40
    assert list(apologize.endings) == sorted(apologize.endings)
    assert 20 <= apologize.endings["repaired"] <= 38
    assert vent.endings == {"closed_door": 40}
    assert apologize.mean["overall"] > vent.mean["overall"]


def test_compare_lines_accepts_any_iterable_of_seeds(mini):
    (result,) = compare_lines(mini, {"wait": ["wait"]}, (s for s in [1, 2, 3]))
    assert result.runs == 3 and result.endings == {"stalemate": 3}
