"""The exploration table: complete, merged, deterministic, and in step with live sessions."""

from __future__ import annotations

import random

import analysis_fixtures as fx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.analysis.explore import Table, explore
from simulator.step import branches
from simulator.testing import scenarios
from simulator.testing.replay import compare_line, replay_sessions


def _naive(scenario):
    """Every reachable full situation by plain search over the one step's branches."""
    rules = scenario.rules
    seen = {rules.initial}
    stack = [rules.initial]
    while stack:
        s = stack.pop()
        for m in rules.legal(s):
            for n in (r.after for r in branches(rules, s, m)):
                if n not in seen:
                    seen.add(n)
                    stack.append(n)
    return seen


def test_table_holds_every_reachable_situation_merged_on_unread_meters(tmp_path):
    sc = fx.load(tmp_path)
    table = Table(sc)
    naive = _naive(sc)
    unread = set(table.unread)
    merged = {tuple(v for p, v in enumerate(s) if p not in unread) for s in naive}
    assert table.size == len(merged)
    for s in naive:
        node = table.node(s)  # raises KeyError when missing
        assert table.ending[node] == s[-1]
    assert table.complete and not table.dead_ends


def test_successors_agree_with_rules_branches(tmp_path):
    sc = fx.load(tmp_path)
    table, rules = Table(sc), sc.rules
    for s in _naive(sc):
        node = table.node(s)
        assert [table.choice_of(e).key for e in table.edges(node)] == [m.key for m in rules.legal(s)]
        for e in table.edges(node):
            move = table.choice_of(e)
            expected = [(r.outcome.weight / r.reaction.total, table.node(r.after)) for r in branches(rules, s, move)]
            assert [(p, j) for p, _, j in table.branches(e)] == expected


def test_exploration_is_cached_by_content_and_deterministic(tmp_path):
    sc = fx.bundled("declined-offer")
    assert explore(sc) is explore(fx.bundled("declined-offer"))
    a, b = Table(sc), Table(sc)
    assert a.codes == b.codes and a.branch_node == b.branch_node and a.edge_entry == b.edge_entry


@pytest.mark.parametrize("scenario_id", fx.bundled_ids())
def test_live_sessions_agree_with_the_table_on_every_step(scenario_id):
    problem = replay_sessions(fx.bundled(scenario_id), range(15))
    assert problem is None, f"{problem[0]}; line: {' '.join(problem[1])}"


@settings(max_examples=15, deadline=None)
@given(st.data())
def test_live_sessions_agree_on_bundled_scenarios_for_any_seed(data):
    sc = fx.bundled(data.draw(st.sampled_from(fx.bundled_ids())))
    seed = data.draw(st.integers(0, 2**32 - 1))
    problem = compare_line(sc, seed, chooser=random.Random(data.draw(st.integers(0, 2**16))))
    assert problem is None, f"{problem[0]}; line: {' '.join(problem[1])}"


@settings(max_examples=25, deadline=None)
@given(scenarios(), st.integers(0, 1000))
def test_live_sessions_agree_on_generated_scenarios(sc, seed):
    problem = replay_sessions(sc, [seed, seed + 1])
    assert problem is None, f"{problem[0]}; line: {' '.join(problem[1])}"


@settings(max_examples=25, deadline=None)
@given(scenarios(), st.integers(0, 1000))
def test_exploration_finds_every_ending_random_play_reaches(sc, seed):
    import simulator

    reached = explore(sc).reached_endings()
    rng = random.Random(seed)
    for n in range(5):
        with simulator.Session(sc, seed=seed + n) as session:
            while not session.over and session.choices():
                session.play(rng.choice(session.choices()))
            if session.over:
                assert session.situation[-1] in reached


def test_a_limit_stops_exploration_and_says_so():
    table = Table(fx.bundled("declined-offer"), limit=100)
    assert not table.complete and table.size > 100


@pytest.mark.slow
@pytest.mark.parametrize("scenario_id", fx.bundled_ids())
def test_bundled_tables_hold_exactly_the_naively_reachable_situations(scenario_id):
    sc = fx.bundled(scenario_id)
    table = Table(sc)
    unread = set(table.unread)
    naive = _naive(sc)
    assert table.size == len({tuple(v for p, v in enumerate(s) if p not in unread) for s in naive})
    for s in naive:
        assert table.ending[table.node(s)] == s[-1]


def _same_as_naive(sc):
    table = Table(sc)
    unread = set(table.unread)
    naive = _naive(sc)
    assert table.size == len({tuple(v for p, v in enumerate(s) if p not in unread) for s in naive})
    rules = sc.rules
    for s in naive:
        node = table.node(s)
        assert table.ending[node] == s[-1]
        for e in table.edges(node):
            move = table.choice_of(e)
            assert [j for _, _, j in table.branches(e)] == [table.node(r.after) for r in branches(rules, s, move)]


@settings(max_examples=20, deadline=None)
@given(scenarios(max_turns=4))
def test_generated_tables_match_a_naive_search(sc):
    _same_as_naive(sc)


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(scenarios(max_cast=3, max_turns=5))
def test_generated_tables_match_a_naive_search_exhaustively(sc):
    _same_as_naive(sc)
