"""Counterparts as ``transitions`` state machines: the only module that imports transitions.

One :class:`~transitions.Machine` is built per cast member of each distinct scenario content and
shared by every session; a session adds one tiny model per cast member and removes it when it
closes. Each move aimed at a persona is a trigger; each (reaction, outcome) pair is a transition
from the reaction's states to the outcome's state, guarded by the reaction's condition and by
which outcome the session's seeded draw picked. The after-callback applies the meter changes.

Why :class:`_SharedMachine` binds nothing onto models: transitions otherwise binds a trigger
method and a ``may_`` method per move onto every model (about 9 KB a model, measured); sessions
fire events through ``machine.events`` instead, so a model is just a slot holding its state
(about 60 bytes). ``model_override=True`` alone skips the same bindings but logs a WARNING for
each one, some thirty per session, which any application that configures logging would print.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from transitions import EventData, Machine

from .cache import ContentCache
from .rng import Rng
from .rules import CompiledOutcome, CompiledReaction, Rules

__all__ = ["Exchange", "PersonaModel", "machine_for"]


class PersonaModel:
    """A cast member's place in its machine during one session."""

    __slots__ = ("state",)

    state: str


class Exchange:
    """What one trigger call needs and what it decided, passed to the callbacks as ``ctx``."""

    __slots__ = ("situation", "rng", "reaction", "outcome", "_matched", "_drawn")

    def __init__(self, situation: list[int], rng: Rng) -> None:
        self.situation = situation
        self.rng = rng
        self.reaction: CompiledReaction | None = None
        self.outcome: CompiledOutcome | None = None
        self._matched: dict[int, bool] = {}
        self._drawn: dict[int, int] = {}


def _holds(reaction: CompiledReaction, event: EventData) -> bool:
    ctx: Exchange = event.kwargs["ctx"]
    known = ctx._matched.get(reaction.index)
    if known is None:
        known = ctx._matched[reaction.index] = reaction.when is None or reaction.when(ctx.situation)
    return known


def _drawn(reaction: CompiledReaction, outcome: int, event: EventData) -> bool:
    ctx: Exchange = event.kwargs["ctx"]
    picked = ctx._drawn.get(reaction.index)
    if picked is None:
        # Draw only where there is a choice, so adding a line variant never shifts later draws.
        draw = ctx.rng.below(reaction.total) if len(reaction.outcomes) > 1 else 0
        picked = ctx._drawn[reaction.index] = reaction.pick(draw).index
    return picked == outcome


def _applied(reaction: CompiledReaction, outcome: CompiledOutcome, event: EventData) -> None:
    ctx: Exchange = event.kwargs["ctx"]
    ctx.reaction, ctx.outcome = reaction, outcome
    outcome.apply(ctx.situation, None)  # the machine itself has moved the persona's state


class _SharedMachine(Machine):
    """A Machine that adds no convenience methods to its models (see the module docstring)."""

    def _checked_assignment(self, model: Any, name: str, func: Any) -> None:
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
    for (move_id, target), reactions in rules.reactions.items():
        if target != who:
            continue
        for reaction in reactions:
            sources: Any = "*" if reaction.states is None else [states[i] for i in sorted(reaction.states)]
            for outcome in reaction.outcomes:
                machine.add_transition(
                    move_id,
                    sources,
                    None if outcome.dest is None else states[outcome.dest],
                    conditions=[partial(_holds, reaction), partial(_drawn, reaction, outcome.index)],
                    after=[partial(_applied, reaction, outcome)],
                )
        fallback = rules.fallbacks[who]
        machine.add_transition(move_id, "*", None, after=[partial(_applied, fallback, fallback.outcomes[0])])
    return machine


_MACHINES: ContentCache[Machine] = ContentCache(256)


def machine_for(rules: Rules, who: int) -> Machine:
    """The shared machine of cast member ``who``, keyed by scenario content, not by name."""
    return _MACHINES.get((rules.scenario_hash, who), lambda: _build(rules, who))
