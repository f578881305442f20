"""Hypothesis strategies for scenario authors and for Parley's own property tests.

>>> from hypothesis import given
>>> from simulator.testing import move_sequences, sessions
>>> sc = simulator.load_scenario("declined-offer")          # doctest: +SKIP
>>> @given(sessions(sc))                                     # doctest: +SKIP
... def test_scores_stay_in_range(session):
...     assert 0 <= session.scores["overall"] <= 100

* :func:`move_sequences` draws lines of moves that are legal, move after move, when played by
  ``Session(scenario, seed=seed)`` (the draws of that seed are replayed without machines);
* :func:`sessions` draws a seed and a legal line and returns the live session after it;
* :func:`personas` and :func:`scenarios` draw random *valid* persona specs and loaded scenarios
  (written as YAML to a temporary folder and read by the real loader, so they are valid by the
  same rules as any file).
"""

from __future__ import annotations

import atexit
import hashlib
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from hypothesis import strategies as st

from ..rng import Rng, check_seed
from ..step import Draws, step

if TYPE_CHECKING:
    from ..scenario import Scenario
    from ..session import Session
    from ..spec import PersonaSpec

__all__ = ["move_sequences", "personas", "replay_line", "scenarios", "sessions"]


def _check_length(name: str, value: int | None, *, least: int = 0) -> None:
    if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < least):
        raise ValueError(f"{name} must be a whole number >= {least} or None, not {value!r}")


def replay_line(scenario: Scenario, seed: int, keys: list[str]) -> tuple[tuple[int, ...], ...]:
    """The situations a session with ``seed`` passes through playing ``keys`` (start first):
    the same steps, with the same seeded draws, without the machines.
    """
    rules = scenario.rules
    draws = Draws(Rng(seed))
    s = rules.initial
    out = [s]
    for key in keys:
        s = step(rules, s, rules.by_key[key], draws).after
        out.append(s)
    return tuple(out)


def move_sequences(
    scenario: Scenario, *, max_length: int | None = None, seed: int = 0, complete: bool = False
) -> st.SearchStrategy[list[str]]:
    """Lists of choices in move notation (``apologize:hr_rep``) legal one after another for ``seed``.

    ``max_length`` caps the length (None: until an ending); ``complete=True`` draws only lines
    that play on until an ending (or a dead end).
    """
    _check_length("max_length", max_length)
    check_seed(seed)
    if not isinstance(complete, bool):
        raise ValueError(f"complete must be True or False, not {complete!r}")
    if complete and max_length is not None:
        raise ValueError("complete=True plays until an ending: leave max_length at None")
    rules = scenario.rules

    @st.composite
    def lines(draw: st.DrawFn) -> list[str]:
        draws = Draws(Rng(seed))
        s = rules.initial
        keys: list[str] = []
        while s[-1] < 0 and (max_length is None or len(keys) < max_length):
            legal = rules.legal(s)
            if not legal:
                break
            if not complete and draw(st.integers(0, 4)) == 0:  # stop early now and then
                break
            choice = draw(st.sampled_from(legal))
            keys.append(choice.key)
            s = step(rules, s, choice, draws).after
        return keys

    return lines()


def sessions(scenario: Scenario, *, max_length: int | None = None) -> st.SearchStrategy[Session]:
    """Live sessions of ``scenario`` after a drawn seed and a drawn legal line of moves.
    The caller owns the session (close it, or let it be collected).
    """
    _check_length("max_length", max_length)
    from ..session import Session

    @st.composite
    def build(draw: st.DrawFn) -> Session:
        seed = draw(st.integers(0, 2**32 - 1))
        keys = draw(move_sequences(scenario, max_length=max_length, seed=seed))
        session = Session(scenario, seed=seed)
        for key in keys:
            session.play(key)
        return session

    return build()


# --- random valid files ------------------------------------------------------------------------

STATE_NAMES = ("calm", "wary", "warm", "cold", "open", "closed")
METER_NAMES = ("trust", "patience", "mood")
TARGETED = ("apologize", "vent", "ask", "clarify", "counter")
SCENE_METERS = ("progress", "heat")


def _validate_sizes(**sizes: int) -> None:
    for name, value in sizes.items():
        _check_length(name, value, least=1)


@st.composite
def _persona_data(draw: st.DrawFn, max_states: int, max_meters: int, max_reactions: int) -> dict[str, Any]:
    states = draw(st.lists(st.sampled_from(STATE_NAMES[:max_states]), min_size=1, max_size=max_states, unique=True))
    initial = draw(st.sampled_from(states))
    meter_names = draw(st.lists(st.sampled_from(METER_NAMES[:max_meters]), max_size=max_meters, unique=True))
    meters = {}
    for name in meter_names:
        high = draw(st.integers(1, 4))
        meters[name] = {"initial": draw(st.integers(0, high)), "min": 0, "max": high}
    state_specs = {
        s: {"mood": f"{s} mood", "story": f"{s} story", "reachable": s == initial or draw(st.integers(0, 3)) > 0}
        for s in states
    }
    reactions = [
        draw(_reaction(states, list(meters), [], own=True)) for _ in range(draw(st.integers(0, max_reactions)))
    ]
    return {
        "schema_version": 1,
        "id": "persona",
        "name": "Someone",
        "role": "A generated counterpart.",
        "initial": initial,
        "states": state_specs,
        "meters": meters,
        "reactions": reactions,
    }


def _condition(
    draw: st.DrawFn, meters: list[str], states: dict[str, list[str]], clocks: Sequence[str] = ()
) -> dict[str, Any] | None:
    choice = draw(st.integers(0, 4 if clocks else 3))
    if choice == 4:
        clock = draw(st.sampled_from(clocks))
        cond: dict[str, Any] = {"clock": clock.partition(":")[0]}
        if ":" in clock:
            cond["who"] = clock.partition(":")[2]
        cond[draw(st.sampled_from(["at_least", "at_most", "equals"]))] = draw(st.integers(0, 12))
        return cond
    if choice == 1 and meters:
        return {
            "meter": draw(st.sampled_from(meters)),
            draw(st.sampled_from(["at_least", "at_most"])): draw(st.integers(0, 3)),
        }
    if choice == 2 and states:
        who = draw(st.sampled_from(sorted(states)))
        return {"state": who, "in": draw(st.lists(st.sampled_from(states[who]), min_size=1, max_size=2, unique=True))}
    return None


@st.composite
def _reaction(
    draw: st.DrawFn,
    states: list[str],
    meters: list[str],
    others: list[str],
    own: bool,
    move: str | None = None,
    scene: bool = False,
    clocks: Sequence[str] = (),
) -> dict[str, Any]:
    reaction: dict[str, Any] = {"move": move or draw(st.sampled_from(TARGETED))}
    if not scene and draw(st.booleans()):
        reaction["in"] = draw(st.lists(st.sampled_from(states), min_size=1, max_size=len(states), unique=True))
    cond = _condition(draw, meters + others, {}, clocks)
    if cond is not None:
        reaction["when"] = cond
    outcomes = []
    for n in range(draw(st.integers(1, 3))):
        outcome: dict[str, Any] = {"weight": draw(st.integers(1, 3)), "say": [f"line {n}"]}
        if not scene and draw(st.booleans()):
            outcome["to"] = draw(st.sampled_from(states))
        refs = meters + others
        if refs:
            effects = draw(st.dictionaries(st.sampled_from(refs), st.integers(-2, 2), max_size=2))
            if effects:
                outcome["effects"] = effects
        if draw(st.integers(0, 4)) == 0:
            outcome["say"].append(f"line {n}b")
        outcomes.append(outcome)
    reaction["outcomes"] = outcomes
    return reaction


class _Folder:
    """A private temporary folder for generated files, removed at exit."""

    path: Path | None = None

    @classmethod
    def get(cls) -> Path:
        if cls.path is None:
            cls.path = Path(tempfile.mkdtemp(prefix="parley-generated-"))
            atexit.register(shutil.rmtree, cls.path, True)
        return cls.path


def _write(data: dict[str, Any], stem: str) -> Path:
    text = yaml.safe_dump(data, sort_keys=False)
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    path = _Folder.get() / f"{stem}-{digest}.yaml"
    if not path.exists():
        path.write_text(text, encoding="utf-8")
    return path


def personas(*, max_states: int = 4, max_meters: int = 2, max_reactions: int = 4) -> st.SearchStrategy[PersonaSpec]:
    """Random valid persona specs."""
    _validate_sizes(max_states=max_states, max_meters=max_meters, max_reactions=max_reactions)
    from ..loader import load_persona

    return _persona_data(min(max_states, len(STATE_NAMES)), min(max_meters, len(METER_NAMES)), max_reactions).map(
        lambda data: load_persona(_write(data, "persona"))
    )


def _finish_move(
    draw: st.DrawFn, qualified: list[str], state_map: dict[str, list[str]], clocks: Sequence[str]
) -> list[dict[str, Any]]:
    """Sometimes a ``finish`` (it jumps the clocks to their limits), offered once a condition
    holds or from the start; else none.
    """
    if draw(st.integers(0, 3)) != 0:
        return []
    condition = _condition(draw, qualified, state_map, clocks)
    return [{"id": "finish"} if condition is None else {"id": "finish", "when": condition}]


@st.composite
def _scenario_data(
    draw: st.DrawFn, max_cast: int, max_states: int, max_meters: int, max_turns: int
) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    cast_ids = [f"c{k}" for k in range(draw(st.integers(1, max_cast)))]
    persona_files = {c: draw(_persona_data(max_states, max_meters, 3)) for c in cast_ids}
    scene_meters = draw(st.lists(st.sampled_from(SCENE_METERS), max_size=2, unique=True))
    qualified = [f"scene.{m}" for m in scene_meters]
    for c in cast_ids:
        qualified += [f"{c}.{m}" for m in persona_files[c]["meters"]]
    state_map = {c: list(persona_files[c]["states"]) for c in cast_ids}
    moves_used = draw(st.lists(st.sampled_from(TARGETED), min_size=1, max_size=3, unique=True))
    durations = ["1 day", "2 days", "1 week"]
    moves: list[dict[str, Any]] = [
        {"id": m, "targets": list(cast_ids), "takes": draw(st.sampled_from(durations))} for m in moves_used
    ]
    with_wait = draw(st.integers(0, 5)) > 0
    if with_wait:
        moves.append({"id": "wait", "takes": draw(st.sampled_from(durations))})
    # Clocks: sometimes none, sometimes turns, days and time since each cast member was addressed.
    clocks = draw(
        st.sampled_from([[], ["turns"], ["days", "turns"], ["days", *(f"since_contact:{c}" for c in cast_ids)]])
    )
    for move in moves:
        if clocks and draw(st.integers(0, 4)) == 0:
            move["when"] = _condition(draw, [], {}, clocks) or {"clock": clocks[0], "at_least": 0}
    finish = _finish_move(draw, qualified, state_map, clocks)
    moves += finish
    cast = {}
    for c in cast_ids:
        own = list(persona_files[c]["meters"])
        member: dict[str, Any] = {"persona": f"{c}.yaml", "name": f"Person {c}"}
        extra = []
        for _ in range(draw(st.integers(0, 2))):
            own_clocks = [k.partition(":")[0] if k.endswith(":" + c) else k for k in clocks]
            r = draw(
                _reaction(
                    state_map[c], own, qualified, own=False, move=draw(st.sampled_from(moves_used)), clocks=own_clocks
                )
            )
            if len(cast_ids) > 1 and draw(st.integers(0, 3)) == 0:
                other = draw(st.sampled_from([o for o in cast_ids if o != c]))
                r["outcomes"][0]["also"] = {other: draw(st.sampled_from(state_map[other]))}
            extra.append(r)
        if extra:
            member["reactions"] = extra
        cast[c] = member
    scene: dict[str, Any] = {"meters": {m: {"initial": 0, "min": 0, "max": 3} for m in scene_meters}}
    answered = ["wait"] * with_wait + ["finish"] * (bool(finish) and draw(st.booleans()))
    if answered:  # a move the scene does not answer gets the scene's fallback line
        scene["reactions"] = [
            draw(_reaction([], [], qualified, own=False, move=move, scene=True, clocks=clocks)) for move in answered
        ]
    endings = []
    for k in range(draw(st.integers(1, 3))):
        cond = _condition(draw, qualified, state_map, clocks) or {
            "state": cast_ids[0],
            "in": [state_map[cast_ids[0]][-1]],
        }
        endings.append(
            {
                "id": f"end{k}",
                "title": f"Ending {k}",
                "text": "It ends.",
                "when": cond,
                "at_timeout_only": draw(st.booleans()),
            }
        )
    endings.append(
        {"id": "timeout", "title": "Time runs out", "text": "Nothing more happens.", "at_timeout_only": True}
    )
    ending_ids = [e["id"] for e in endings]

    def dimension() -> dict[str, Any]:
        terms = draw(st.dictionaries(st.sampled_from(qualified), st.integers(-10, 10), max_size=2)) if qualified else {}
        bonus = draw(st.dictionaries(st.sampled_from(ending_ids), st.integers(-30, 30), max_size=2))
        return {"base": draw(st.integers(0, 60)), "terms": terms, "endings": bonus}

    spec = {
        "schema_version": 1,
        "id": "generated",
        "title": "A generated scenario",
        "source": "generated.txt",
        "summary": "Generated for property tests.",
        "briefing": "Generated.",
        "goal": "None.",
        "cast": cast,
        "moves": moves,
        "scene": scene,
        "limits": {
            "turns": draw(st.integers(1, max_turns)),
            **({"days": draw(st.integers(1, 15))} if draw(st.integers(0, 3)) == 0 else {}),
        },
        "endings": endings,
        "scoring": {
            "outcome": dimension(),
            "relationship": dimension(),
            "integrity": dimension(),
            "overall": {
                "weights": {"outcome": draw(st.integers(1, 3)), "relationship": draw(st.integers(1, 3)), "integrity": 1}
            },
        },
    }
    return spec, persona_files


def scenarios(
    *, max_cast: int = 2, max_states: int = 4, max_meters: int = 2, max_turns: int = 5
) -> st.SearchStrategy[Scenario]:
    """Random valid scenarios, loaded by the real loader from generated files."""
    _validate_sizes(max_cast=max_cast, max_states=max_states, max_meters=max_meters, max_turns=max_turns)
    if max_turns > 60:
        raise ValueError("max_turns must be at most 60 (the file format's limit)")
    from ..loader import load_scenario

    def load(parts: tuple[dict[str, Any], dict[str, dict[str, Any]]]) -> Scenario:
        spec, persona_files = parts
        folder = _Folder.get() / hashlib.sha256(yaml.safe_dump(parts).encode()).hexdigest()[:16]
        folder.mkdir(exist_ok=True)
        for c, data in persona_files.items():
            (folder / f"{c}.yaml").write_text(yaml.safe_dump({**data, "id": c}, sort_keys=False), encoding="utf-8")
        path = folder / "scenario.yaml"
        path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
        return load_scenario(path)

    return _scenario_data(
        max_cast, min(max_states, len(STATE_NAMES)), min(max_meters, len(METER_NAMES)), max_turns
    ).map(load)
