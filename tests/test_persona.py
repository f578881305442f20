"""Counterparts as shared ``transitions`` machines: one per persona and content, models come and go."""

from __future__ import annotations

import ast
import gc
import logging
from pathlib import Path

from core_support import MINI

import simulator
from simulator.persona import PersonaModel, machine_for

CORE = Path(simulator.__file__).parent


def test_one_machine_per_cast_member_shared_by_sessions(declined):
    rules = declined.rules
    first, second = simulator.Session(declined, seed=1), simulator.Session(declined, seed=2)
    for who in range(len(rules.layout.cast)):
        machine = machine_for(rules, who)
        assert machine is first._machines[who] is second._machines[who]
        assert first._models[who] in machine.models and second._models[who] in machine.models
    assert machine_for(rules, 0) is not machine_for(rules, 1)
    first.close()
    second.close()


def test_machines_are_keyed_by_content_not_by_name(write_scenario):
    a = simulator.load_scenario(write_scenario(MINI, name="a.yaml"))
    b = simulator.load_scenario(write_scenario(MINI.replace("weight: 3", "weight: 2"), name="b.yaml"))
    assert a.id == b.id and a.hash != b.hash
    assert machine_for(a.rules, 0) is not machine_for(b.rules, 0)


def test_machine_shape(declined):
    rules = declined.rules
    who = rules.layout.cast.index("hr_rep")
    machine = machine_for(rules, who)
    # moves aimed at this persona are its only triggers: no auto 'to_<state>' transitions
    aimed = {m.id for m in rules.moves if m.target == "hr_rep"}
    assert set(machine.events) == aimed
    assert set(machine.states) == set(rules.layout.states[who])


def test_models_are_tiny_and_carry_no_bound_triggers(declined):
    with simulator.Session(declined, seed=1) as session:
        model = session._models[0]
        assert isinstance(model, PersonaModel)
        assert not hasattr(model, "__dict__")
        assert not hasattr(model, "apologize") and not hasattr(model, "may_apologize")
        assert model.state == declined.rules.state_name(session.situation, 0)


def test_models_are_released_on_close_on_ending_and_on_garbage_collection(mini):
    machine = machine_for(mini.rules, 0)
    before = len(machine.models)

    session = simulator.Session(mini, seed=1)
    assert len(machine.models) == before + 1
    session.close()
    session.close()  # idempotent
    assert len(machine.models) == before

    with simulator.Session(mini, seed=1):
        assert len(machine.models) == before + 1
    assert len(machine.models) == before

    ended = simulator.Session(mini, seed=1)
    ended.play("vent", to="hr_rep")
    assert ended.over
    assert len(machine.models) == before

    abandoned = simulator.Session(mini, seed=1)
    abandoned.play("wait")
    del abandoned
    gc.collect()
    assert len(machine.models) == before


def test_the_machine_state_follows_the_session(declined):
    session = simulator.Session(declined, seed=1)
    rules = declined.rules
    moved = []
    # with this seed the apology warms the hiring manager; going around HR cools them again ('also')
    for key in ["decide_repair", "apologize:hiring_manager", "bypass:hr_rep", "wait"]:
        moved.append([(c.who, c.after) for c in session.play(key).changes])
        for who, model in enumerate(session._models):
            assert model.state == rules.state_name(session.situation, who)
    assert moved == [[], [("hiring_manager", "receptive")], [("hiring_manager", "guarded"), ("hr_rep", "closed")], []]
    session.close()


def test_playing_logs_no_warnings(declined, caplog):
    with caplog.at_level(logging.DEBUG, logger="transitions"):
        session = simulator.Session(declined, seed=5)
        for key in ["apologize:hiring_manager", "ask:hiring_manager", "counter:hiring_manager", "wait"]:
            session.play(key)
        session.close()
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []


def test_only_persona_imports_transitions():
    importers = set()
    for path in CORE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            if any(name.split(".")[0] == "transitions" for name in names):
                importers.add(path.relative_to(CORE).as_posix())
    # analysis draws diagrams with transitions' graph extension, where and only where it needs to
    assert {p for p in importers if not p.startswith(("analysis/", "cli/"))} == {"persona.py"}
