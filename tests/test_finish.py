"""``finish``: offered once a scenario's last beat has happened, it ends the session as if the
time had run out, in live play, in the exploration table and in the solver alike.
"""

from __future__ import annotations

import pytest
from core_support import MINI

import simulator
from simulator.analysis import solver_for
from simulator.analysis.explore import explore

# MINI with a clock of 60 days and a ``finish`` offered once Dana has accepted an apology.
FINISHING = (
    MINI.replace("limits:\n  turns: 4\n", "limits:\n  turns: 4\n  days: 60\n")
    .replace(
        "  - id: wait\n    takes: 2 weeks\n",
        "  - id: wait\n    takes: 2 weeks\n"
        "  - id: finish\n"
        "    when: {meter: scene.repaired, at_least: 1}\n"
        "    phrasings:\n"
        "      - text: \"She's heard me. I'll leave it there.\"\n",
    )
    .replace(
        '          say: ["Two weeks pass."]\n',
        '          say: ["Two weeks pass."]\n'
        '    - move: finish\n      outcomes:\n        - say: ["You leave it there."]\n',
    )
)


@pytest.fixture
def finishing(write_scenario):
    return simulator.load_scenario(write_scenario(FINISHING, name="finishing.yaml"))


def repaired(scenario: simulator.Scenario) -> simulator.Session:
    """A session where the first apology warmed Dana (seed 1 draws the warm outcome)."""
    session = simulator.Session(scenario, seed=1)
    session.play("apologize:hr_rep")
    assert session.rules.layout.meters_of(session.situation, "scene")["repaired"] == 1
    return session


def test_finish_is_offered_only_once_its_condition_holds(finishing):
    session = simulator.Session(finishing, seed=1)
    assert not session.can_finish
    assert "finish" not in [m.id for m in session.moves()]
    session = repaired(finishing)
    assert session.can_finish
    finish = next(m for m in session.moves() if m.id == "finish")
    assert finish.ends and finish.label == "Leave it there"


def test_finishing_spends_the_time_left_and_ends_as_a_timeout_would(finishing):
    session = repaired(finishing)
    turn = session.play("finish")
    assert session.over and turn.number == 2
    assert turn.line == "You leave it there."
    # the timeout-only ending the clock would have given: Dana was repaired
    assert session.ending is not None and session.ending.id == "repaired"
    assert session.turn == finishing.rules.turn_limit and session.day == 60
    assert turn.day == 60


def test_waiting_out_the_clock_and_finishing_end_the_same(finishing):
    """Leaving it there is letting the rest of the time pass: the same ending and scores as
    waiting every turn left (waiting here changes only Dana's patience, which nothing scores).
    """
    waited = repaired(finishing)
    while not waited.over:
        waited.play("wait")
    finished = repaired(finishing)
    finished.play("finish")
    assert finished.ending == waited.ending
    assert finished.scores == waited.scores


def test_the_table_and_the_solver_know_the_rule(finishing):
    session = repaired(finishing)
    table = explore(finishing)
    node = table.node(session.situation)
    finish_edges = [e for e in table.edges(node) if table.choice_of(e).id == "finish"]
    assert len(finish_edges) == 1
    (end,) = table.next_nodes(finish_edges[0])
    session.play("finish")
    assert table.situation(end) == session.situation
    values = solver_for(finishing).move_values(repaired(finishing).situation)
    assert values["finish"] == pytest.approx(session.scores["overall"])


def test_a_bundled_scenario_offers_to_finish_once_marcus_has_answered():
    """declined-offer: once the grade has been raised and answered, the learner may leave it there."""
    scenario = simulator.load_scenario("declined-offer")
    session = simulator.Session(scenario, seed=2)
    for key in ["decide_repair", "apologize:hiring_manager/sincere"]:
        session.play(key)
        assert not session.can_finish
    session.play("clarify:hiring_manager/curious")
    assert not session.over and session.can_finish
    session.play("finish")
    assert session.over and session.ending is not None
    # Daniel in HR was never apologised to: the grade was heard, but nothing is mended
    assert session.ending.id == "stalemate"
