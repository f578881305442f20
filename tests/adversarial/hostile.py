"""The adversarial corpus's machinery: mutate the bundled files, then hold each result to the promise.

The promise (issue 12): a file that does not load fails with a :class:`~simulator.SimulatorError`
naming where (``file:line:col``); a file that loads plays, debriefs, snapshots and analyses
without any other exception. :func:`judge` checks both in process; ``test_hostile_cli`` holds the
``parley`` commands to the same promise in subprocesses, with a time bound.

Mutations work at three levels, as an attacker or a careless editor would make them:

- **bytes**: a byte replaced, inserted or deleted (control characters, invalid UTF-8, NUL);
- **tokens**: one YAML scalar replaced by a hostile value (a huge or negative number, an empty
  or escape-laden string, an impossible date, a tag, an alias), or one line deleted, doubled,
  re-indented or swapped with its neighbour;
- **tree**: the parsed document edited and written back (a key removed, a value replaced by a
  value from elsewhere in the file or by another type, a list shuffled, doubled or emptied).

Each is a hypothesis strategy over ``(scenario text, persona texts)`` so failures shrink; the
same mutations drive ``sweep.py``, which counts how many cases were tried and held.
"""

from __future__ import annotations

import os
import random
import re
import subprocess
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from hypothesis import strategies as st

import simulator
from simulator.catalogue import bundled_dir, bundled_scenario_paths

SCENARIOS = {p.stem: p.read_text(encoding="utf-8") for p in bundled_scenario_paths()}
PERSONAS = {p.stem: p.read_text(encoding="utf-8") for p in sorted(bundled_dir("personas").glob("*.yaml"))}

# Values that have broken parsers, validators or renderers somewhere.
HOSTILE_SCALARS = [
    "",
    '""',
    "''",
    "null",
    "~",
    "[]",
    "{}",
    "0",
    "-1",
    "-0",
    "1e308",
    "-1e308",
    ".inf",
    "-.inf",
    ".nan",
    "true",
    "no",
    "0x7fffffff",
    "0o777",
    "9" * 25,
    "-" + "9" * 25,
    "1" * 4400,
    "2001-13-45",
    "2001-02-30",
    "!!timestamp 2001-02-30",
    "!!binary AAAA",
    "!!python/object:os.system",
    "!!set {a, b}",
    "!!omap [a: 1]",
    "!!int x",
    "!!float x",
    "*undefined",
    "&anchor value",
    '"\\e]0;pwned\\a\\e[2J"',
    '"\\u009b31m\\u202e"',
    '"\\0"',
    '"line\\nbreak"',
    '"$name ${name} $$ $ {0.__class__}"',
    '"{0.__class__.__init__.__globals__}"',
    "'%s%s%n'",
    '"' + "x" * 5000 + '"',
    "apologize:hr_rep",
    "hr_rep",
    "../../../../etc/passwd",
    "/etc/passwd",
    "personas/hr_rep.yaml",
    "3650 days",
    "3651 days",
    "0 days",
    "99999999999999999999 months",
    "<<: *x",
    "? [a, b]",
    "|",
    ">-",
    "@",
    "`",
    "%",
    "- ",
    ": ",
]
HOSTILE_BYTES = [
    0x00,
    0x07,
    0x09,
    0x0A,
    0x0D,
    0x1B,
    0x22,
    0x23,
    0x26,
    0x2A,
    0x3A,
    0x5B,
    0x7B,
    0x7F,
    0x80,
    0x9B,
    0xC2,
    0xE2,
    0xEF,
    0xFF,
]


# --- mutations: each takes (text, rng) and returns a new text -------------------------------------


def mutate_bytes(text: str, rng: random.Random) -> bytes:
    data = bytearray(text.encode("utf-8"))
    for _ in range(rng.randint(1, 3)):
        at = rng.randrange(len(data) + 1)
        byte = rng.choice(HOSTILE_BYTES) if rng.random() < 0.7 else rng.randrange(256)
        action = rng.choice(["replace", "insert", "delete"])
        if action == "replace" and at < len(data):
            data[at] = byte
        elif action == "insert":
            data.insert(at, byte)
        elif at < len(data):
            del data[at]
    return bytes(data)


_SCALAR = re.compile(r"(?P<head>^\s*(?:- )?(?:[A-Za-z_][\w.]*: )?)(?P<value>[^#\n]+?)\s*$", re.MULTILINE)


def mutate_tokens(text: str, rng: random.Random) -> str:
    lines = text.split("\n")
    action = rng.choice(["scalar", "scalar", "scalar", "delete", "double", "indent", "swap"])
    body = [i for i, line in enumerate(lines) if line.strip() and not line.lstrip().startswith("#")]
    i = rng.choice(body)
    if action == "scalar":
        match = _SCALAR.match(lines[i])
        if match:
            lines[i] = match.group("head") + rng.choice(HOSTILE_SCALARS)
    elif action == "delete":
        del lines[i]
    elif action == "double":
        lines.insert(i, lines[i])
    elif action == "indent":
        lines[i] = (" " * rng.choice([1, 2, 4])) + lines[i] if rng.random() < 0.5 else lines[i].lstrip()
    elif i + 1 < len(lines):
        lines[i], lines[i + 1] = lines[i + 1], lines[i]
    return "\n".join(lines)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            out += _paths(value, (*prefix, index))
    return out


def _get(node: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        node = node[part]
    return node


def _set(node: Any, path: tuple[Any, ...], value: Any) -> None:
    _get(node, path[:-1])[path[-1]] = value


TREE_VALUES: list[Any] = [
    None,
    "",
    0,
    -1,
    10**6,
    2**63,
    -(2**63),
    1.5,
    True,
    [],
    {},
    "x",
    ["x"],
    {"x": 1},
    "\x1b[2J",
    "a" * 300,
]


def mutate_tree(text: str, rng: random.Random) -> str:
    data = yaml.safe_load(text)
    paths = [p for p in _paths(data) if p]
    path = rng.choice(paths)
    parent = _get(data, path[:-1])
    action = rng.choice(["remove", "replace", "transplant", "shuffle", "double", "empty", "rename"])
    if action == "remove":
        del parent[path[-1]]
    elif action == "replace":
        _set(data, path, rng.choice(TREE_VALUES))
    elif action == "transplant":
        _set(data, path, _get(data, rng.choice(paths)))
    elif action in {"shuffle", "double", "empty"} and isinstance(_get(data, path), list | dict):
        value = _get(data, path)
        if isinstance(value, list):
            if action == "shuffle":
                rng.shuffle(value)
            elif action == "double":
                value.extend(list(value))
            else:
                value.clear()
        elif action == "empty":
            value.clear()
    elif action == "rename" and isinstance(parent, dict):
        parent[rng.choice(["x", "", "Id", "in", "not", "when", "moves", "\x1b", "a\nb"])] = parent.pop(path[-1])
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=10**6)


MUTATIONS: dict[str, Callable[[str, random.Random], str | bytes]] = {
    "bytes": mutate_bytes,
    "tokens": mutate_tokens,
    "tree": mutate_tree,
}


@dataclass
class Case:
    """A scenario (and possibly one of its personas) as files: what one mutation produced."""

    level: str
    scenario: str | bytes
    personas: dict[str, str | bytes] = field(default_factory=dict)
    note: str = ""

    def write(self, folder: Path) -> Path:
        """``folder/scenario.yaml`` and ``folder/personas/ID.yaml``: bare ids find them first."""
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "personas").mkdir(exist_ok=True)
        for persona_id, text in self.personas.items():
            _write(folder / "personas" / f"{persona_id}.yaml", text)
        path = folder / "scenario.yaml"
        _write(path, self.scenario)
        return path


def _write(path: Path, text: str | bytes) -> None:
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass"))


def make_case(level: str, seed: int) -> Case:
    """One mutation of one bundled scenario, or of one persona it casts, chosen by ``seed``."""
    rng = random.Random(seed)
    scenario_id = rng.choice(sorted(SCENARIOS))
    text = SCENARIOS[scenario_id]
    cast = sorted(set(re.findall(r"persona: (\w+)", text)))
    mutate = MUTATIONS[level]
    if rng.random() < 0.25:
        persona_id = rng.choice(cast)
        return Case(level, text, {persona_id: mutate(PERSONAS[persona_id], rng)}, f"{scenario_id}/{persona_id} #{seed}")
    return Case(level, mutate(text, rng), {}, f"{scenario_id} #{seed}")


def cases(level: str | None = None) -> st.SearchStrategy[Case]:
    """Hostile cases at ``level`` (or any level): a mutation of a bundled file, drawn by its seed
    (so a failure shrinks to a small seed and replays with ``make_case(level, seed)``).
    """
    levels = st.sampled_from(sorted(MUTATIONS)) if level is None else st.just(level)
    return st.builds(make_case, levels, st.integers(min_value=0, max_value=2**32 - 1))


# --- the promise: commands ----------------------------------------------------------------------

# seconds: the promise for every command on any input (issue 12). Under coverage every process
# runs with a tracer, several times slower: the promise is about the command, not the tracer.
DEADLINE = 10 * (4 if os.environ.get("COVERAGE_PROCESS_CONFIG") or os.environ.get("COVERAGE_PROCESS_START") else 1)


def held(result: subprocess.CompletedProcess[str]) -> None:
    """Assert that a finished command kept the promise (see the module docstring)."""
    where = f"parley {' '.join(map(str, result.args[1:]))[:200]}"
    assert result.returncode in (0, 1, 2), f"{where}: exit {result.returncode}: {result.stderr[-2000:]}"
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout, f"{where}: {result.stderr[-2000:]}"
    assert "internal error" not in result.stderr, f"{where}: {result.stderr}"
    lines = result.stderr.splitlines()
    assert len(lines) <= 1, f"{where}: stderr has {len(lines)} lines: {result.stderr[:2000]}"
    if result.returncode == 2:
        assert lines and lines[0].startswith("parley"), f"{where}: exit 2 without a message"


# --- the promise: the library ---------------------------------------------------------------------------------


class Broken(AssertionError):
    """The promise was broken: what happened instead."""


ANALYSIS_LIMIT = 30_000  # enough for every bundled scenario (the largest has ~31,000 situations)


def judge(path: Path, *, moves: int = 12, analyse: bool = True) -> str:
    """Load, play, restore, debrief and analyse the scenario at ``path``; return ``"refused"`` or
    ``"played"``, or raise :class:`Broken` saying how the promise failed.
    """
    try:
        scenario = simulator.load_scenario(path)
    except simulator.ScenarioError as exc:
        message = str(exc)
        if exc.file is None or "\n" in message or not message.isprintable():
            raise Broken(f"an error without a file or not one printable line: {message!r}") from exc
        if exc.line is None and not _unlocated_is_fair(exc):
            raise Broken(f"an error about the file's content without a line: {message!r}") from exc
        return "refused"
    except Exception as exc:
        raise Broken(f"load_scenario raised {type(exc).__name__}: {exc}") from exc
    try:
        _play(scenario, moves)
        if analyse:
            _analyse(scenario)
    except Exception as exc:
        raise Broken(f"a scenario that loaded failed later: {type(exc).__name__}: {exc}") from exc
    return "played"


def _unlocated_is_fair(exc: simulator.ScenarioError) -> bool:
    # the whole file is the problem: too large, unreadable
    return exc.reason.startswith(("the file is larger", "cannot read file"))


def _play(scenario: Any, moves: int) -> None:
    from simulator.cli.render import debrief_view, make_console, transcript_view, turn_view

    for seed in (0, 1):
        session = simulator.Session(scenario, seed=seed)
        rng = random.Random(seed)
        for _ in range(moves):
            if session.over:
                break
            legal = session.choices()  # one per manner: a move said several ways needs one
            if not legal:
                break  # a dead end: `parley check` reports it as an error; the session still answers
            turn = session.play(rng.choice(legal).key)
            turn.to_dict()
        session.scores, session.counterparts(), session.transcript  # each must compute
        debrief = session.debrief()
        again = simulator.Session.restore(scenario, session.snapshot())
        assert again.scores == session.scores and again.played == session.played
        console = make_console(_Sink(), width=70, plain=True)
        for turn in session.transcript:
            console.print(turn_view(turn, mood=turn.mood, coach=True))
        console.print(transcript_view(session.transcript))
        console.print(debrief_view(debrief))
        session.close()
        again.close()


class _Sink:
    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


def _analyse(scenario: Any) -> None:
    from simulator.analysis import analyse, solver_for
    from simulator.analysis.graph import persona_diagram, situation_diagram

    report = analyse(scenario, limit=ANALYSIS_LIMIT)
    report.to_dict()
    solver = solver_for(scenario, limit=ANALYSIS_LIMIT)
    if solver.table.complete:
        solver.to_dict()
        for who in scenario.spec.cast:
            persona_diagram(scenario, who)
        situation_diagram(scenario)


# --- terminal injection -------------------------------------------------------------------------

# Retitle the window, clear the screen, a one-byte CSI (C1), reverse the text's direction.
EVIL = "\x1b]0;pwned\x07\x1b[2J\x9b31m\u202e"
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_TEXTS = {
    "title",
    "summary",
    "briefing",
    "goal",
    "name",
    "text",
    "label",
    "description",
    "note",
    "mood",
    "story",
    "role",
}
_TEXT_LISTS = {"say", "unmoved"}


def _poison(node: Any) -> Any:
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key in _TEXTS and isinstance(value, str):
                out[key] = EVIL + value
            elif key in _TEXT_LISTS and isinstance(value, list):
                out[key] = [EVIL + v for v in value]
            elif key == "stories" and isinstance(value, dict):
                out[key] = {k: EVIL + v for k, v in value.items()}
            else:
                out[key] = _poison(value)
        return out
    if isinstance(node, list):
        return [_poison(v) for v in node]
    return node


def evil_scenario(folder: Path, scenario_id: str = "bypass-hr") -> Path:
    """A bundled scenario and the personas it casts with an escape sequence before every text a
    learner can see, written to ``folder`` (the personas in ``folder/personas``, found first).
    """
    text = SCENARIOS[scenario_id]
    (folder / "personas").mkdir(parents=True, exist_ok=True)
    for persona_id in sorted(set(re.findall(r"persona: (\w+)", text))):
        data = _poison(yaml.safe_load(PERSONAS[persona_id]))
        (folder / "personas" / f"{persona_id}.yaml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    path = folder / f"{scenario_id}.yaml"
    path.write_text(yaml.safe_dump(_poison(yaml.safe_load(text)), sort_keys=False), encoding="utf-8")
    return path


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")
