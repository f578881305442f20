"""Each bundled scenario teaches what its source teaches.

The line of play the source recommends must beat every anti-pattern the source names, in exact
expectation over every chance result, on ``overall``; and each scenario must have at least three
distinct endings that its named lines reach.
"""

from __future__ import annotations

import pytest

import simulator
from simulator.analysis import solver_for

IDS = ["declined-offer", "promotion-fumble", "leverage-play", "after-rejection", "bypass-hr"]
# The recommended line must win by a clear margin, not by noise.
MARGIN = 5.0


def test_the_five_source_scenarios_are_bundled():
    assert sorted(info.id for info in simulator.list_scenarios()) == sorted(IDS)


@pytest.mark.parametrize("scenario_id", IDS)
def test_recommended_line_beats_every_anti_pattern(scenario_id):
    sc = simulator.load_scenario(scenario_id)
    assert sc.spec.recommended, "the scenario names the line its source recommends"
    assert sc.spec.anti_patterns, "the scenario names the anti-patterns its source warns of"
    solver = solver_for(sc)
    best = solver.line_scores(sc.spec.recommended)["overall"]
    for name, line in sc.spec.anti_patterns.items():
        worse = solver.line_scores(line)["overall"]
        assert worse <= best - MARGIN, (
            f"{scenario_id}: anti-pattern {name!r} scores {worse:.1f} against the recommended line's {best:.1f}"
        )


@pytest.mark.parametrize("scenario_id", IDS)
def test_at_least_three_endings_are_reached_by_named_lines(scenario_id):
    sc = simulator.load_scenario(scenario_id)
    solver = solver_for(sc)
    reached = set()
    for line in [sc.spec.recommended, *sc.spec.anti_patterns.values()]:
        reached |= {solver.table.ending[node] for node, p in solver.line_distribution(line).items() if p > 0}
    assert len(reached - {-1}) >= 3, f"{scenario_id} reaches only {sorted(reached)}"


# --- leverage-play: the loose ends a real person would tie --------------------------------------
# Saying yes to one side leaves the other to be told: Fernhill's offer to be turned down, or Helen
# to hear that you are going. Endings and scores follow from whether the learner did.

STAY = [
    "decide_walk",
    "ask:prospective_employer/curious",
    "ask:prospective_employer/curious",
    "ask:boss/curious",
    "accept:boss",
]
GO = ["decide_walk", "ask:prospective_employer/curious", "ask:prospective_employer/curious"]


def _first_session(scenario, moves, wanted):
    """A session that has played ``moves`` and whose legal choices then are exactly ``wanted``
    (the first seed that gets there; a seed replays identically in any process).
    """
    for seed in range(200):
        session = simulator.Session(scenario, seed)
        for key in moves:
            session.play(key)
        if not session.over and [c.key for c in session.choices()] == wanted:
            return session
        session.close()
    raise AssertionError(f"no seed below 200 reaches {wanted} after {moves}")


def _meter(session, who, name):
    return session.rules.layout.meters_of(session.situation, who)[name]


def _notes(session):
    return [turn.note for turn in session.transcript if turn.note]


def test_taking_the_plan_leaves_the_outside_offer_to_answer_and_silence_costs():
    sc = simulator.load_scenario("leverage-play")
    # Helen's plan agreed, Fernhill's written offer still standing: the story waits for an answer.
    session = _first_session(sc, STAY, ["decline:prospective_employer", "wait"])
    seed, trust = session.seed, _meter(session, "prospective_employer", "trust")
    session.play("wait")
    assert session.over and session.ending.id in {"stepped_up_unanswered", "growth_plan_unanswered"}
    assert "good terms" not in session.ending.text and "Raj never heard your answer" in session.ending.text
    assert _meter(session, "prospective_employer", "trust") == trust - 2
    assert session.scores["integrity"] == 85
    assert any("let Raj learn it from your silence" in note for note in _notes(session))
    debrief = session.debrief().to_dict()
    assert any("let Raj learn it from your silence" in point["why"] for point in debrief["turning_points"])
    silent = session.scores

    # The same seed, the loose end tied: no cost, the plain ending.
    tied = simulator.Session(sc, seed)
    for key in [*STAY, "decline:prospective_employer"]:
        tied.play(key)
    assert tied.over and tied.ending.id in {"stepped_up", "growth_plan"}
    assert tied.scores["integrity"] == 100
    assert tied.scores["overall"] >= silent["overall"] + 5
    assert any("A prompt, kind no" in note for note in _notes(tied))


def test_taking_the_outside_job_without_telling_the_boss_is_not_a_good_terms_ending():
    sc = simulator.load_scenario("leverage-play")
    session = _first_session(sc, [*GO, "accept:prospective_employer"], ["tell:boss", "wait"])
    seed, regard = session.seed, _meter(session, "boss", "regard")
    session.play("wait")
    assert session.over and session.ending.id == "new_job_unsaid"
    assert "good terms" not in session.ending.text.lower() and "good terms" not in session.ending.title.lower()
    assert _meter(session, "boss", "regard") == regard - 2
    assert any("Helen heard it from someone else" in note for note in _notes(session))
    untold = session.scores

    # Told, after saying yes to Fernhill or before it: good terms, and it shows in the score.
    for line in ([*GO, "accept:prospective_employer", "tell:boss"], [*GO, "tell:boss", "accept:prospective_employer"]):
        told = simulator.Session(sc, seed)
        for key in line:
            told.play(key)
        assert told.over and told.ending.id == "new_job", line
        assert "good terms" in told.ending.text
        assert told.scores["relationship"] > untold["relationship"]


def test_an_ending_says_good_terms_only_where_the_boss_was_told():
    """Over every reachable situation: an ending that claims good terms has the boss told, and
    one that says nobody resents it has no outside offer left standing unanswered.
    """
    sc = simulator.load_scenario("leverage-play")
    table = solver_for(sc).table
    told, offer = sc.rules.layout.slot("scene.told", None), sc.rules.layout.slot("scene.offer", None)
    unanswered = sc.rules.layout.slot("scene.unanswered", None)
    endings = sc.spec.endings
    checked = set()
    for node in range(table.size):
        k = table.ending[node]
        if k < 0:
            continue
        s, ending = table.situation(node), endings[k]
        if "good terms" in ending.text:
            assert s[told] == 1, f"{ending.id} after {' '.join(table.path_to(node))}"
            checked.add(ending.id)
        if "nobody resents" in ending.text.lower():
            assert s[offer] != 1 and s[unanswered] == 0, f"{ending.id} after {' '.join(table.path_to(node))}"
            checked.add(ending.id)
    assert checked == {"new_job", "stepped_up"}


def test_bypass_hr_says_you_made_your_case_only_when_you_did():
    sc = simulator.load_scenario("bypass-hr")
    with simulator.Session(sc, 1) as session:
        session.play("move_on")
        assert session.ending.id == "let_it_lie"
        assert "made your case" not in session.ending.text
