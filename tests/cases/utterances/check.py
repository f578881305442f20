"""Check the held-out utterance set's labels and print its counts.

    python tests/cases/utterances/check.py          # check every file, print the counts
    python tests/cases/utterances/check.py --quiet  # only problems (exit status 1 if any)

Not a test: the accuracy test that uses this set lives elsewhere. This script only keeps the
labels honest. Every label must come from the fixed move, target and manner lists agreed for
issue 9 (``MOVES`` below, copied from the agreed list, not read from the scenario files: the
scenario files change while the set must not follow them). Manner tags must also be built-in
manners (``simulator.manners.BUILTIN_MANNERS``).
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import yaml

from simulator.manners import BUILTIN_MANNERS

HERE = Path(__file__).resolve().parent

# scenario -> move -> (targets, manners); an empty tuple means "none".
MOVES: dict[str, dict[str, tuple[tuple[str, ...], tuple[str, ...]]]] = {
    "declined-offer": {
        "decide_repair": ((), ()),
        "decide_job": ((), ()),
        "apologize": (("hr_rep", "hiring_manager"), ("sincere", "justifying", "strategic")),
        "clarify": (("hiring_manager",), ("curious", "blaming", "hedged")),
        "counter": (("hiring_manager",), ("ultimatum", "conditional")),
        "ask": (("hiring_manager",), ()),
        "bypass": (("hr_rep",), ()),
        "vent": (("hr_rep", "hiring_manager"), ()),
        "walk_away": (("hiring_manager",), ("gracious", "bitter")),
        "wait": ((), ()),
    },
    "promotion-fumble": {
        "decide_step_up": ((), ()),
        "decide_not_now": ((), ()),
        "clarify": (("boss",), ("direct", "hedged", "excusing")),
        "sell": (("boss",), ("direct", "disparaging", "underselling")),
        "ask": (("boss",), ()),
        "wait": ((), ()),
    },
    "leverage-play": {
        "decide_walk": ((), ()),
        "decide_leverage": ((), ()),
        "ask": (("prospective_employer", "boss"), ("curious", "conditional", "ultimatum")),
        "counter": (("prospective_employer",), ()),
        "accept": (("boss", "prospective_employer"), ()),
        "wait": ((), ()),
    },
    "after-rejection": {
        "self_assess": ((), ()),
        "pursue_other": ((), ()),
        "follow_up": (("hiring_manager",), ("warm", "needy", "strategic")),
        "dwell": ((), ()),
        "walk_away": (("hiring_manager",), ("gracious", "bitter")),
        "wait": ((), ()),
    },
    "bypass-hr": {
        "write_letter": ((), ("direct", "needy")),
        "hand_deliver": ((), ()),
        "bypass": (("hr_rep",), ()),
        "cc_boss": (("hr_rep",), ()),
        "push": (("hiring_manager", "hr_rep"), ()),
        "accept": (("hr_rep",), ("gracious", "bitter")),
        "move_on": ((), ()),
        "accept_defeat": ((), ()),
        "wait": ((), ()),
    },
}

KINDS = ("short", "long", "indirect", "typo", "lower", "question", "named", "two-moves", "off-topic")
KEYS = {"text", "move", "target", "manner", "kind", "also"}


def check_item(moves: dict, item: object, where: str) -> list[str]:
    """Every problem with one item, each as one line naming where it is."""
    if not isinstance(item, dict):
        return [f"{where}: an item must be a mapping, got {type(item).__name__}"]
    problems = [f"{where}: unknown key {key!r} (allowed: {', '.join(sorted(KEYS))})" for key in item if key not in KEYS]
    text, move, target, kind = item.get("text"), item.get("move"), item.get("target"), item.get("kind")
    if not isinstance(text, str) or not text.strip():
        problems.append(f"{where}: text must be a non-empty string")
    if kind not in KINDS:
        problems.append(f"{where}: kind {kind!r} is not one of {', '.join(KINDS)}")
    if "move" not in item or "target" not in item:
        problems.append(f"{where}: move and target must both be given (null when they do not apply)")
    if move is None:
        if kind != "off-topic":
            problems.append(f"{where}: a null move is only for kind off-topic")
        if target is not None or "manner" in item or "also" in item:
            problems.append(f"{where}: off-topic text takes no target, manner or also")
        return problems
    if kind == "off-topic":
        problems.append(f"{where}: kind off-topic needs move: null")
    if move not in moves:
        return problems + [f"{where}: move {move!r} is not in this scenario (choose from {', '.join(moves)})"]
    targets, manners = moves[move]
    if targets and target not in targets:
        problems.append(f"{where}: {move} needs a target from {', '.join(targets)}, got {target!r}")
    if not targets and target is not None:
        problems.append(f"{where}: {move} takes no target, got {target!r}")
    manner = item.get("manner")
    if manners and manner not in manners:
        problems.append(f"{where}: {move} needs a manner from {', '.join(manners)}, got {manner!r}")
    if not manners and "manner" in item:
        problems.append(f"{where}: {move} has no manners, got {manner!r}")
    if manner is not None and manner not in BUILTIN_MANNERS:
        problems.append(f"{where}: {manner!r} is not a built-in manner")
    also = item.get("also")
    if (kind == "two-moves") != (also is not None):
        problems.append(f"{where}: also is given exactly when kind is two-moves")
    for other in also or []:
        problems.extend(check_also(moves, other, f"{move}:{target}" if target else move, where))
    return problems


def check_also(moves: dict, other: object, primary: str, where: str) -> list[str]:
    if not isinstance(other, str):
        return [f"{where}: also entries are 'move' or 'move:target' strings"]
    move, _, target = other.partition(":")
    if move not in moves:
        return [f"{where}: also {other!r}: move {move!r} is not in this scenario"]
    targets = moves[move][0]
    if (target or None) not in (targets or (None,)):
        return [f"{where}: also {other!r}: {move} takes target {' or '.join(targets) or 'none'}"]
    if other == primary:
        return [f"{where}: also {other!r} repeats the primary move"]
    return []


def main(argv: list[str]) -> int:
    quiet = "--quiet" in argv
    problems: list[str] = []
    per_scenario: Counter[str] = Counter()
    per_kind: Counter[str] = Counter()
    per_label: Counter[tuple[str, str]] = Counter()
    seen: dict[str, str] = {}
    found = {path.stem for path in HERE.glob("*.yaml")}
    problems += [f"{HERE.name}/: no file for scenario {s}" for s in MOVES if s not in found]
    problems += [f"{HERE.name}/{s}.yaml: no such scenario" for s in sorted(found - set(MOVES))]
    for scenario in MOVES:
        path = HERE / f"{scenario}.yaml"
        if not path.exists():
            continue
        items = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not isinstance(items, list):
            problems.append(f"{path.name}: must hold a list of items")
            continue
        for index, item in enumerate(items):
            where = f"{path.name}: item {index + 1}"
            problems += check_item(MOVES[scenario], item, where)
            if not isinstance(item, dict):
                continue
            text = str(item.get("text", "")).strip().lower()
            if text in seen:
                problems.append(f"{where}: same text as {seen[text]}")
            seen[text] = where
            per_scenario[scenario] += 1
            per_kind[str(item.get("kind"))] += 1
            label = item.get("move") or "(off-topic)"
            if item.get("target"):
                label += f":{item['target']}"
            per_label[(scenario, label + (f"/{item['manner']}" if item.get("manner") else ""))] += 1
    for line in problems:
        print(line)
    if not quiet:
        print(f"\n{sum(per_scenario.values())} utterances")
        for scenario, count in per_scenario.items():
            print(f"  {scenario:18} {count}")
        print("per kind:")
        for kind in KINDS:
            print(f"  {kind:18} {per_kind[kind]}")
        print("per scenario and label:")
        for (scenario, label), count in sorted(per_label.items()):
            print(f"  {scenario:18} {label:42} {count}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
