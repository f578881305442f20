"""Counterparts as ``transitions`` state machines: the only module that imports transitions.

One :class:`~transitions.Machine` is built per cast member of each distinct scenario content, from
the compiled rules, and shared by every session; a session adds one tiny model per cast member
and removes it when it closes. Each move aimed at the persona is a trigger; each (reaction,
outcome) pair the rules compiled for it is a transition from the reaction's states to the
outcome's state, and its after-callback carries out the outcome's effects.

Who decides: :func:`simulator.step.step` selects the reaction (the first that matches) and the
chooser picks its outcome, once, for live play and analysis alike. The machine then *enacts* that
decision: its one guard per transition asks "is this the change the step selected?", so exactly
one transition fires, from a source state the machine itself checks, and the state change and
its callbacks run in the machine. Nothing about the choice is decided twice.

Where the state lives: in the session's situation, nowhere else. A :class:`PersonaModel`'s
``state`` is a view of its cast member's slot in that situation, so when transitions sets the
state it writes the situation, and when another persona's outcome moves this one (``also``) the
machine sees it at once. There is no copy to keep in step.

Why :class:`_SharedMachine` binds nothing onto models: transitions otherwise binds a trigger
method and a ``may_`` method per move onto every model (about 9 KB a model, measured); sessions
fire events through ``machine.events`` instead, so a model is four slots. ``model_override=True``
alone skips the same bindings but logs a WARNING for each one, some thirty per session, which any
application that configures logging would print. The override is of a private method; a test
(``tests/test_persona.py``) fails if transitions stops calling it.
"""

from __future__ import annotations

import threading
import weakref
from functools import partial
from typing import TYPE_CHECKING

from transitions import EventData, Machine

if TYPE_CHECKING:
    from transitions.core import CallbackFunc  # a name of transitions' stubs only

from .rules import Choice, CompiledOutcome, CompiledReaction, Rules

__all__ = ["Board", "PersonaModel", "machine_for"]


class Board:
    """One live session's situation as a mutable list: the one place each persona's state is
    kept (models read and write their slot here), with the session's machines and models.
    """

    __slots__ = ("cells", "machines", "models")

    def __init__(self, situation: tuple[int, ...], machines: list[Machine]) -> None:
        self.cells: list[int] = list(situation)
        self.machines = machines
        self.models: list[PersonaModel] = []

    def enact(self, choice: Choice, reaction: CompiledReaction, outcome: CompiledOutcome, landed: list[int]) -> None:
        """Carry out a step's decision on the targeted persona through its machine, on ``landed``
        (the :data:`simulator.step.Enact` hook).
        """
        who = choice.target_index
        self.cells = landed
        if not self.machines[who].events[choice.id].trigger(self.models[who], ctx=_Decision(reaction, outcome)):
            raise AssertionError(
                f"no transition of {choice.id!r} for the selected outcome"
            )  # rules and machine disagree


class PersonaModel:
    """A cast member's place in its machine during one session: a view of its slot on the board."""

    __slots__ = ("board", "names", "who")

    def __init__(self, board: Board, who: int, names: tuple[str, ...]) -> None:
        self.board = board
        self.who = who
        self.names = names

    @property
    def state(self) -> str:
        return self.names[self.board.cells[self.who]]

    @state.setter
    def state(self, name: str) -> None:
        self.board.cells[self.who] = self.names.index(name)


# A transition's identity: the states it leaves from (None: any) and the state it leads to (None: stays).
Change = tuple[tuple[int, ...] | None, int | None]


def _change(reaction: CompiledReaction, outcome: CompiledOutcome) -> Change:
    return (None if reaction.states is None else tuple(sorted(reaction.states)), outcome.dest)


class _Decision:
    """The step's decision, handed to the machine's guards and callbacks as ``ctx``."""

    __slots__ = ("change", "outcome")

    def __init__(self, reaction: CompiledReaction, outcome: CompiledOutcome) -> None:
        self.change = _change(reaction, outcome)
        self.outcome = outcome


def _selected(change: Change, event: EventData) -> bool:
    decision: _Decision = event.kwargs["ctx"]
    return decision.change == change


def _carry_out(event: EventData) -> None:
    # The machine has already moved this persona's state; the rest of the outcome (meters,
    # other personas moved) is written to the same board.
    decision: _Decision = event.kwargs["ctx"]
    model = event.model  # transitions types a model as any object; every model here is a PersonaModel
    assert isinstance(model, PersonaModel)
    decision.outcome.apply(model.board.cells, None)


class _SharedMachine(Machine):
    """A Machine that adds no convenience methods to its models (see the module docstring)."""

    def _checked_assignment(self, model: object, name: str, func: CallbackFunc) -> None:
        return None


def _build(rules: Rules, who: int) -> Machine:
    states = list(rules.layout.states[who])
    machine = _SharedMachine(
        model=None,
        states=states,
        initial=states[rules.initial[who]],
        auto_transitions=False,
        send_event=True,
        model_override=True,  # still binds nothing (if noisily) should transitions rename the hook above
        name=f"{rules.scenario_id}:{rules.layout.cast[who]}",
    )
    added: set[tuple[str, Change]] = set()  # one transition per trigger and change, however many outcomes make it
    for choice in rules.choices:
        if choice.target_index != who:
            continue
        for reaction in (*rules.reactions[choice.index], rules.fallbacks[who]):
            for outcome in reaction.outcomes:
                change = _change(reaction, outcome)
                if (choice.id, change) in added:
                    continue
                added.add((choice.id, change))
                sources, dest = change
                machine.add_transition(
                    choice.id,
                    "*" if sources is None else [states[i] for i in sources],
                    None if dest is None else states[dest],
                    conditions=[partial(_selected, change)],
                    after=[_carry_out],
                )
    return machine


# Machines belong to the compiled rules they were generated from (their guards compare compiled
# objects by identity), and live as long as those rules do. Rules are shared per scenario content,
# so this is one machine per cast member per content.
_MACHINES: weakref.WeakKeyDictionary[Rules, dict[int, Machine]] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def machine_for(rules: Rules, who: int) -> Machine:
    """The shared machine of cast member ``who`` of these compiled rules."""
    with _LOCK:
        machines = _MACHINES.setdefault(rules, {})
        if who not in machines:
            machines[who] = _build(rules, who)
        return machines[who]
