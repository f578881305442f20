"""Small scenarios whose every number is known, for the analysis tests (no conftest: the test
folders share the module name ``conftest``, so helpers live in this uniquely named module).
"""

from __future__ import annotations

import textwrap
from functools import cache
from pathlib import Path

import simulator
from simulator.analysis import Report, analyse
from simulator.step import branches

# One counterpart. apologize: 3/4 receptive (+2 trust), 1/4 +1 trust; only while apologies = 0.
# vent closes the door. ask does nothing (the persona's own reactions answer it). Turns: 3.
TINY = """\
schema_version: 1
id: tiny
title: Tiny
source: tiny.txt
summary: One counterpart.
briefing: You upset the HR manager.
goal: Repair it.
cast:
  hr_rep:
    persona: hr_rep
    name: Dana
    initial: offended
    reactions:
      - move: apologize
        when: {meter: apologies, at_most: 0}
        outcomes:
          - weight: 3
            to: receptive
            effects: {trust: 2, apologies: 1, scene.repaired: 1}
            say: ["Thank you."]
          - weight: 1
            effects: {trust: 1, apologies: 1}
            say: ["Noted.", "I hear you."]
      - move: vent
        outcomes:
          - to: closed
            effects: {trust: -3}
            say: ["We're done."]
      - move: counter
        when: {meter: trust, at_least: 99}
        outcomes:
          - say: ["Never said."]
moves:
  - id: apologize
    targets: [hr_rep]
  - id: vent
    targets: [hr_rep]
  - id: counter
    targets: [hr_rep]
  - id: wait
    takes: 2 weeks
scene:
  meters:
    repaired: {initial: 0, min: 0, max: 1}
  reactions:
    - move: wait
      outcomes:
        - effects: {hr_rep.patience: 1}
          say: ["Two weeks pass."]
limits:
  turns: 3
endings:
  - id: closed_door
    title: Closed door
    text: Dana no longer takes your calls.
    when: {state: hr_rep, in: [closed]}
  - id: never
    title: Never
    text: Cannot happen.
    when: {meter: hr_rep.trust, at_least: 7}
  - id: repaired
    title: Repaired
    text: Dana sees you differently now.
    at_timeout_only: true
    when: {meter: scene.repaired, at_least: 1}
  - id: stalemate
    title: The story stands
    text: Nothing changed.
    at_timeout_only: true
scoring:
  outcome:
    base: 10
    terms: {scene.repaired: 40}
    endings: {repaired: 30, closed_door: -20}
  relationship:
    terms: {hr_rep.trust: 10}
  integrity:
    base: 100
  overall:
    weights: {outcome: 2, relationship: 1, integrity: 1}
recommended: ["apologize:hr_rep"]
anti_patterns:
  venting: ["vent:hr_rep"]
"""


# TINY without waiting, and with the door closing only at trust 9: after a vent Dana is closed,
# nothing is legal, and no ending holds. The analysis finds that dead end at 'vent:hr_rep'.
DEAD_END = (
    TINY.replace("  - id: wait\n    takes: 2 weeks\n", "")
    .replace(
        "  reactions:\n    - move: wait\n      outcomes:\n        - effects: {hr_rep.patience: 1}\n"
        '          say: ["Two weeks pass."]\n',
        "",
    )
    .replace("    when: {state: hr_rep, in: [closed]}", "    when: {meter: hr_rep.trust, at_least: 9}")
)


def write(tmp: Path, text: str = TINY, name: str = "tiny.yaml") -> Path:
    path = tmp / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def load(tmp: Path, text: str = TINY, name: str = "tiny.yaml") -> simulator.Scenario:
    return simulator.load_scenario(write(tmp, text, name))


def with_expect(expect_yaml: str, base: str = TINY) -> str:
    return base + "expect:\n" + textwrap.indent(textwrap.dedent(expect_yaml), "  ")


@cache
def bundled(scenario_id: str) -> simulator.Scenario:
    return simulator.load_scenario(scenario_id)


@cache
def bundled_report(scenario_id: str) -> Report:
    """``analyse`` of a bundled scenario, once per test run: several tests read the same report."""
    return analyse(bundled(scenario_id))


def bundled_ids() -> list[str]:
    return [info.id for info in simulator.list_scenarios()]


def naive_expectimax(scenario: simulator.Scenario) -> float:
    """Expectimax straight on Rules.branches and the rubric, memoised on full situations:
    an independent reference for the table-based solver.
    """
    rules, rubric = scenario.rules, scenario.rubric
    memo: dict[tuple[int, ...], float] = {}

    def value(s: tuple[int, ...]) -> float:
        if s in memo:
            return memo[s]
        legal = rules.legal(s)
        if not legal:
            v = float(rubric.score(s)["overall"])
        else:
            v = max(
                sum(r.outcome.weight / r.reaction.total * value(r.after) for r in branches(rules, s, m)) for m in legal
            )
        memo[s] = v
        return v

    return value(rules.initial)
