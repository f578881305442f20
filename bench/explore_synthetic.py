"""Synthetic scenarios of a chosen size, for the exploration benchmark (not bundled)."""

from __future__ import annotations

from pathlib import Path

import yaml

MOVES = ("apologize", "ask", "clarify", "vent", "counter", "follow_up")


def write(folder: Path, meters: int, high: int, turns: int) -> Path:
    """One counterpart with ``meters`` meters (0..high); each move nudges one or two of them by
    chance, so reachable situations grow with meters, range and turns.
    """
    folder.mkdir(parents=True, exist_ok=True)
    names = [f"m{k}" for k in range(meters)]
    persona = {
        "schema_version": 1,
        "id": "synth",
        "name": "Synth",
        "role": "A generated counterpart.",
        "initial": "calm",
        "states": {s: {"mood": s, "story": s} for s in ("calm", "wary", "warm")},
        "meters": {n: {"initial": high // 2, "min": 0, "max": high} for n in names},
        "reactions": [],
    }
    reactions = []
    for k, move in enumerate(MOVES):
        a, b = names[k % meters], names[(k + 1) % meters]
        reactions.append(
            {
                "move": move,
                "when": {"meter": a, "at_most": high},
                "outcomes": [
                    {"weight": 2, "to": "warm", "effects": {a: 1}, "say": ["Yes."]},
                    {"weight": 1, "to": "wary", "effects": {b: -1}, "say": ["No."]},
                ],
            }
        )
    persona["reactions"] = reactions
    (folder / "synth.yaml").write_text(yaml.safe_dump(persona, sort_keys=False))
    scenario = {
        "schema_version": 1,
        "id": "synthetic",
        "title": "Synthetic",
        "source": "synthetic.txt",
        "summary": "Generated for the benchmark.",
        "briefing": "Generated.",
        "goal": "None.",
        "cast": {"p": {"persona": "synth.yaml", "name": "Synth"}},
        "moves": [{"id": m, "targets": ["p"]} for m in MOVES] + [{"id": "wait"}],
        "scene": {
            "reactions": [{"move": "wait", "outcomes": [{"effects": {f"p.{names[-1]}": 1}, "say": ["Time passes."]}]}]
        },
        "limits": {"turns": turns},
        "endings": [
            {"id": "won", "title": "Won", "text": "Won.", "when": {"meter": f"p.{names[0]}", "at_least": high}},
            {"id": "timeout", "title": "Timeout", "text": "Over.", "at_timeout_only": True},
        ],
        "scoring": {
            "outcome": {"base": 10, "terms": {f"p.{n}": 3 for n in names}, "endings": {"won": 20}},
            "relationship": {"terms": {f"p.{n}": 2 for n in names[::2]}},
            "integrity": {"base": 50, "terms": {f"p.{n}": -1 for n in names[1::2]}},
            "overall": {"weights": {"outcome": 2, "relationship": 1, "integrity": 1}},
        },
    }
    path = folder / "synthetic.yaml"
    path.write_text(yaml.safe_dump(scenario, sort_keys=False))
    return path
