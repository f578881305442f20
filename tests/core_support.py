"""Helpers shared by the core's tests (imported by name: ``conftest`` is ambiguous once other
test folders have their own).
"""

from __future__ import annotations

import functools
from pathlib import Path

import simulator
from simulator.catalogue import bundled_scenario_paths

TESTS = Path(__file__).resolve().parent
# From file names, so that one broken scenario fails its own tests, not the collection of all.
BUNDLED_IDS = [path.stem for path in bundled_scenario_paths()]


@functools.cache
def bundled(scenario_id: str) -> simulator.Scenario:
    """A bundled scenario, loaded once per test run (loading one costs tens of milliseconds)."""
    return simulator.load_scenario(scenario_id)


# A small but complete scenario for unit tests, casting the bundled hr_rep persona. Its cast
# reactions come before the persona's own, so tests know what a first apology (warm with weight
# 3 of 4), a vent (the file closes, the session ends) and waiting (patience returns) do.
MINI = """\
schema_version: 1
id: mini
title: A small test scenario
source: mini.txt
summary: One counterpart, a few moves.
briefing: You upset the HR manager.
goal: Repair it.
cast:
  hr_rep:
    persona: hr_rep
    name: Dana Reyes
    initial: offended
    reactions:
      - move: apologize
        when: {meter: apologies, at_most: 0}
        outcomes:
          - weight: 3
            to: receptive
            effects: {trust: 2, apologies: 1, scene.repaired: 1}
            say: ["Thank you. $name appreciates it."]
            note: A plain apology lets them revise their story.
          - weight: 1
            effects: {trust: 1, apologies: 1}
            say: ["Noted.", "I hear you."]
      - move: vent
        outcomes:
          - to: closed
            effects: {trust: -3}
            say: ["We're done."]
            note: Venting confirms their story.
moves:
  - id: apologize
    targets: [hr_rep]
  - id: vent
    targets: [hr_rep]
  - id: ask
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
  turns: 4
endings:
  - id: closed_door
    title: Closed door
    text: Dana no longer takes your calls.
    when: {state: hr_rep, in: [closed]}
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
advice:
  - move: apologize
    text: Apologise for what you did, asking nothing in return.
  - move: vent
    to: hr_rep
    text: Never vent at the person you already upset.
recommended: ["apologize:hr_rep"]
anti_patterns:
  venting: ["vent:hr_rep"]
"""


# MINI with a move that can be said three ways: the reply depends on the manner, so a sincere
# apology warms Dana and one that explains itself away or asks for something back does not.
MANNERED = (
    MINI.replace(
        "  - id: apologize\n    targets: [hr_rep]\n",
        "  - id: apologize\n"
        "    targets: [hr_rep]\n"
        "    phrasings:\n"
        "      - manner: sincere\n"
        "        text: I'm sorry for how I spoke to you. You didn't deserve that.\n"
        "      - manner: justifying\n"
        "        text: I'm sorry, but two weeks without a call would test anyone.\n"
        "      - manner: strategic\n"
        "        text: I'm sorry about the call. I hope we can still save the offer.\n"
        "      - manner: sincere\n"
        "        text: That call was out of line, and I apologise.\n"
        "    examples:\n"
        "      - manner: sincere\n"
        "        say: [sorry I lost my temper with you]\n",
    )
    .replace(
        "    reactions:\n      - move: apologize\n        when: {meter: apologies, at_most: 0}\n",
        "    reactions:\n"
        "      - move: apologize\n"
        "        when: {manner: [justifying, strategic]}\n"
        "        outcomes:\n"
        "          - effects: {apologies: 1}\n"
        "            say: [\"I hear a 'but' in there.\"]\n"
        "            note: An apology that explains itself away is not heard as one.\n"
        "      - move: apologize\n"
        "        when: {meter: apologies, at_most: 0}\n",
    )
    .replace('recommended: ["apologize:hr_rep"]', 'recommended: ["apologize:hr_rep/sincere"]')
)
