"""A scenario compiled into fast, pure rules over situations.

A *situation* is everything that decides what happens next, as a flat tuple of integers::

    (state of each cast member..., meter slots..., [last contact day of each cast member...],
     [day], turn, ending)

The bracketed parts exist only when a scenario's conditions or limits use them, so that two lines
of play that differ only in a clock nobody reads merge into one situation. ``ending`` is the index
of the ending reached, or -1 while the conversation goes on.

Conditions and effects are compiled once into closures over tuple positions. The live session
dispatches through ``transitions`` machines built from these rules (:mod:`simulator.persona`);
the analysis explores with :meth:`Rules.branches`, the same semantics as a plain loop. A property
test plays random sessions through both and compares every step.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from .cache import ContentCache
from .moves import BUILTIN_MOVES
from .spec import AllOf, AnyOf, ClockTest, Condition, MeterTest, NotOf, Reaction, StateTest, parse_duration

if TYPE_CHECKING:
    from .scenario import Scenario

__all__ = ["NEVER", "CompiledOutcome", "CompiledReaction", "Layout", "Move", "Rules", "Situation", "compile_rules"]

Situation = tuple[int, ...]
Cond = Callable[[Sequence[int]], bool]

# The day of a contact that never happened: far enough back that any since_contact test passes.
NEVER = -1_000_000
_LOW, _HIGH = -(2**62), 2**62


@dataclass(frozen=True)
class Layout:
    """Where each part of a situation stands in the tuple."""

    cast: tuple[str, ...]
    states: tuple[tuple[str, ...], ...]
    slots: tuple[str, ...]  # qualified meter names: "hr_rep.trust", "scene.offer"
    lows: tuple[int, ...]
    highs: tuple[int, ...]
    track_days: bool
    track_contacts: bool

    @cached_property
    def meter0(self) -> int:
        return len(self.cast)

    @cached_property
    def contact0(self) -> int:
        return self.meter0 + len(self.slots)

    @cached_property
    def day(self) -> int:
        """Index of the day counter (only meaningful when ``track_days``)."""
        return self.contact0 + (len(self.cast) if self.track_contacts else 0)

    @cached_property
    def turn(self) -> int:
        return self.day + (1 if self.track_days else 0)

    @cached_property
    def ending(self) -> int:
        return self.turn + 1

    def slot(self, ref: str, owner: int | None) -> int:
        """Tuple index of a meter reference as written in a file."""
        qualified = ref if "." in ref else f"{self.cast[owner]}.{ref}"  # type: ignore[index]
        return self.meter0 + self.slots.index(qualified)

    def meters_of(self, situation: Sequence[int], who: str) -> dict[str, int]:
        prefix = who + "."
        return {
            name[len(prefix) :]: situation[self.meter0 + i]
            for i, name in enumerate(self.slots)
            if name.startswith(prefix)
        }


@dataclass(frozen=True, slots=True)
class CompiledOutcome:
    index: int
    weight: int
    dest: int | None
    deltas: tuple[tuple[int, int, int, int], ...]  # (position, delta, low, high)
    sets: tuple[tuple[int, int], ...]  # (position, value already clamped)
    also: tuple[tuple[int, int], ...]  # (cast index, state index)
    lines: tuple[str, ...]
    note: str | None

    def apply(self, s: list[int], owner: int | None) -> None:
        if self.dest is not None and owner is not None:
            s[owner] = self.dest
        for position, delta, low, high in self.deltas:
            value = s[position] + delta
            s[position] = low if value < low else high if value > high else value
        for position, value in self.sets:
            s[position] = value
        for who, state in self.also:
            s[who] = state


@dataclass(frozen=True, slots=True)
class CompiledReaction:
    index: int  # position among the reactions to this move and target; -1 for the fallback
    origin: tuple[str | int, ...]  # where it was written: ("cast", id, "reactions", i) and so on
    states: frozenset[int] | None
    when: Cond | None
    outcomes: tuple[CompiledOutcome, ...]
    total: int

    def matches(self, s: Sequence[int], owner: int | None) -> bool:
        if self.states is not None and s[owner] not in self.states:  # type: ignore[index]
            return False
        return self.when is None or self.when(s)

    def pick(self, draw: int) -> CompiledOutcome:
        """The outcome a draw in ``range(total)`` selects."""
        for outcome in self.outcomes:
            draw -= outcome.weight
            if draw < 0:
                return outcome
        raise AssertionError("draw out of range")


@dataclass(frozen=True, slots=True)
class Move:
    """A move as the learner can play it: ``apologize`` to ``hr_rep``, or ``wait``."""

    id: str
    target: str | None
    label: str
    target_index: int
    days: int
    when: Cond | None

    @property
    def key(self) -> str:
        """The notation used on command lines and in files: ``apologize:hr_rep`` or ``wait``."""
        return f"{self.id}:{self.target}" if self.target else self.id


class Rules:
    """The compiled scenario. Shared by every session and analysis of the same scenario content."""

    def __init__(self, scenario: Scenario) -> None:
        spec = scenario.spec
        self.scenario_id = spec.id
        self.scenario_hash = scenario.hash
        cast = tuple(spec.cast)
        personas = [scenario.personas[c] for c in cast]
        states = tuple(tuple(p.states) for p in personas)
        slots: list[str] = []
        lows: list[int] = []
        highs: list[int] = []
        initial_meters: list[int] = []
        for cast_id, persona in zip(cast, personas, strict=True):
            for name, meter in persona.meters.items():
                slots.append(f"{cast_id}.{name}")
                lows.append(meter.min)
                highs.append(meter.max)
                initial_meters.append(spec.cast[cast_id].meters.get(name, meter.initial))
        for name, meter in spec.scene.meters.items():
            slots.append(f"scene.{name}")
            lows.append(meter.min)
            highs.append(meter.max)
            initial_meters.append(meter.initial)
        clocks = _clocks_used(scenario)
        self.layout = layout = Layout(
            cast=cast,
            states=states,
            slots=tuple(slots),
            lows=tuple(lows),
            highs=tuple(highs),
            track_days=spec.limits.days is not None or bool(clocks & {"days", "since_contact"}),
            track_contacts="since_contact" in clocks,
        )
        self.turn_limit = spec.limits.turns
        self.day_limit = spec.limits.days
        self.names = tuple(spec.cast[c].name for c in cast)
        self.moods = tuple(tuple(p.states[s].mood for s in p.states) for p in personas)
        self.stories = tuple(
            tuple(spec.cast[c].stories.get(s, p.states[s].story) for s in p.states)
            for c, p in zip(cast, personas, strict=True)
        )
        self.reachable = tuple(tuple(p.states[s].reachable for s in p.states) for p in personas)

        initial = [states[i].index(spec.cast[c].initial or p.initial) for i, (c, p) in enumerate(zip(cast, personas, strict=True))]
        initial += initial_meters
        if layout.track_contacts:
            initial += [NEVER] * len(cast)
        if layout.track_days:
            initial.append(0)
        initial += [0, -1]
        self.initial: Situation = tuple(initial)

        self.moves: tuple[Move, ...] = tuple(
            Move(
                id=m.id,
                target=t,
                label=m.label or BUILTIN_MOVES[m.id].label,
                target_index=cast.index(t) if t else -1,
                days=parse_duration(m.takes),
                when=_compile(m.when, layout, None) if m.when else None,
            )
            for m in spec.moves
            for t in (m.targets or [None])
        )
        self.move_descriptions = {m.id: m.description or (BUILTIN_MOVES[m.id].description if m.id in BUILTIN_MOVES else m.label) for m in spec.moves}
        self.by_key = {move.key: move for move in self.moves}

        self.reactions: dict[tuple[str, int], tuple[CompiledReaction, ...]] = {}
        self.fallbacks: list[CompiledReaction] = []
        for i, (cast_id, persona) in enumerate(zip(cast, personas, strict=True)):
            written = [(("cast", cast_id, "reactions", k), r) for k, r in enumerate(spec.cast[cast_id].reactions)]
            written += [(("persona", cast_id, "reactions", k), r) for k, r in enumerate(persona.reactions)]
            # dict.fromkeys, not a set: the order must not depend on hash randomisation
            for move_id in dict.fromkeys(m.id for m in self.moves if m.target_index == i):
                chosen = [(origin, r) for origin, r in written if r.move == move_id]
                self.reactions[(move_id, i)] = tuple(
                    _compile_reaction(n, origin, r, layout, i) for n, (origin, r) in enumerate(chosen)
                )
            self.fallbacks.append(_fallback(tuple(persona.unmoved)))
        scene = [(("scene", "reactions", k), r) for k, r in enumerate(spec.scene.reactions)]
        for move_id in dict.fromkeys(m.id for m in self.moves if m.target_index < 0):
            chosen = [(origin, r) for origin, r in scene if r.move == move_id]
            self.reactions[(move_id, -1)] = tuple(
                _compile_reaction(n, origin, r, layout, None) for n, (origin, r) in enumerate(chosen)
            )
        self.scene_fallback = _fallback(("Time passes; nothing visible changes.",))

        self.endings = tuple(spec.endings)
        self._ending_tests = tuple(
            (e.at_timeout_only, _compile(e.when, layout, None) if e.when else None) for e in spec.endings
        )

    # --- what can be played --------------------------------------------------------------

    def legal(self, s: Sequence[int]) -> list[Move]:
        """The moves that can be played in situation ``s``, in the scenario's order."""
        if s[-1] >= 0:
            return []
        return [
            m
            for m in self.moves
            if (m.target_index < 0 or self.reachable[m.target_index][s[m.target_index]])
            and (m.when is None or m.when(s))
        ]

    # --- one step, in three parts the live session and the analysis share ------------------

    def begin(self, s: Sequence[int], move: Move) -> list[int]:
        """The situation as the move lands: a turn used and the move's time spent."""
        out = list(s)
        out[self.layout.turn] += 1
        if self.layout.track_days:
            out[self.layout.day] += move.days
        return out

    def react(self, s: Sequence[int], move: Move) -> CompiledReaction:
        """The reaction that answers ``move`` in situation ``s`` (as returned by :meth:`begin`)."""
        owner = move.target_index if move.target_index >= 0 else None
        for reaction in self.reactions[(move.id, move.target_index)]:
            if reaction.matches(s, owner):
                return reaction
        return self.fallbacks[move.target_index] if owner is not None else self.scene_fallback

    def finish(self, s: list[int], move: Move) -> Situation:
        """Record the contact and decide whether an ending has been reached."""
        self._record_contact(s, move)
        s[self.layout.ending] = self.ending_index(s)
        return tuple(s)

    def _record_contact(self, s: list[int], move: Move) -> None:
        layout = self.layout
        if layout.track_contacts and move.target_index >= 0:
            s[layout.contact0 + move.target_index] = s[layout.day]

    def ending_index(self, s: Sequence[int]) -> int:
        layout = self.layout
        timeout = s[layout.turn] >= self.turn_limit or (
            self.day_limit is not None and s[layout.day] >= self.day_limit
        )
        for index, (timeout_only, test) in enumerate(self._ending_tests):
            if timeout_only and not timeout:
                continue
            if test is None or test(s):
                return index
        return -1

    def branches(self, s: Situation, move: Move) -> list[tuple[int, int, CompiledOutcome, Situation]]:
        """Every chance result of ``move``: ``(weight, total, outcome, next situation)``."""
        reaction, results = self.expand(s, move)
        return [(outcome.weight, reaction.total, outcome, nxt) for outcome, nxt in results]

    def expand(
        self, s: Situation, move: Move, *, endings: bool = True
    ) -> tuple[CompiledReaction, list[tuple[CompiledOutcome, Situation]]]:
        """The reaction that answers ``move`` in ``s`` and each outcome's next situation: what
        :meth:`branches` returns, plus the reaction (the analysis records which ones fire).
        With ``endings=False`` the next situations keep ending -1 (for a caller that decides
        endings itself, as the exploration does, memoised)."""
        landed = self.begin(s, move)
        reaction = self.react(landed, move)
        owner = move.target_index if move.target_index >= 0 else None
        out = []
        for outcome in reaction.outcomes:
            nxt = list(landed)
            outcome.apply(nxt, owner)
            if endings:
                out.append((outcome, self.finish(nxt, move)))
            else:
                self._record_contact(nxt, move)
                out.append((outcome, tuple(nxt)))
        return reaction, out

    # --- reading a situation ----------------------------------------------------------------

    def state_name(self, s: Sequence[int], who: int) -> str:
        return self.layout.states[who][s[who]]

    def ending_id(self, s: Sequence[int]) -> str | None:
        return self.endings[s[-1]].id if s[-1] >= 0 else None


def _clocks_used(scenario: Scenario) -> set[str]:
    found: set[str] = set()

    def visit(cond: Condition | None) -> None:
        if isinstance(cond, ClockTest):
            found.add(cond.clock)
        elif isinstance(cond, AllOf):
            for c in cond.all:
                visit(c)
        elif isinstance(cond, AnyOf):
            for c in cond.any:
                visit(c)
        elif isinstance(cond, NotOf):
            visit(cond.not_)

    spec = scenario.spec
    reactions = [r for p in scenario.personas.values() for r in p.reactions]
    reactions += [r for m in spec.cast.values() for r in m.reactions] + list(spec.scene.reactions)
    for r in reactions:
        visit(r.when)
    for m in spec.moves:
        visit(m.when)
    for e in spec.endings:
        visit(e.when)
    return found


def _bounds(test: MeterTest | ClockTest) -> tuple[int, int]:
    low = _LOW if test.at_least is None else test.at_least
    high = _HIGH if test.at_most is None else test.at_most
    if test.equals is not None:
        low, high = max(low, test.equals), min(high, test.equals)
    return low, high


def _compile(cond: Condition, layout: Layout, owner: int | None) -> Cond:
    if isinstance(cond, MeterTest):
        index = layout.slot(cond.meter, owner)
        low, high = _bounds(cond)
        return lambda s: low <= s[index] <= high
    if isinstance(cond, StateTest):
        who = layout.cast.index(cond.state)
        wanted = frozenset(layout.states[who].index(name) for name in cond.in_)
        return lambda s: s[who] in wanted
    if isinstance(cond, ClockTest):
        low, high = _bounds(cond)
        if cond.clock == "turns":
            turn = layout.turn
            return lambda s: low <= s[turn] <= high
        day = layout.day
        if cond.clock == "days":
            return lambda s: low <= s[day] <= high
        who = layout.cast.index(cond.who) if cond.who else owner
        contact = layout.contact0 + who  # type: ignore[operator]
        return lambda s: low <= s[day] - s[contact] <= high
    if isinstance(cond, AllOf):
        parts = tuple(_compile(c, layout, owner) for c in cond.all)
        return lambda s: all(p(s) for p in parts)
    if isinstance(cond, AnyOf):
        parts = tuple(_compile(c, layout, owner) for c in cond.any)
        return lambda s: any(p(s) for p in parts)
    inner = _compile(cond.not_, layout, owner)
    return lambda s: not inner(s)


def _compile_reaction(
    index: int, origin: tuple[str | int, ...], reaction: Reaction, layout: Layout, owner: int | None
) -> CompiledReaction:
    outcomes = []
    for n, o in enumerate(reaction.outcomes):
        deltas = []
        for ref, delta in o.effects.items():
            position = layout.slot(ref, owner)
            k = position - layout.meter0
            deltas.append((position, delta, layout.lows[k], layout.highs[k]))
        sets = []
        for ref, value in o.set.items():
            position = layout.slot(ref, owner)
            k = position - layout.meter0
            sets.append((position, min(max(value, layout.lows[k]), layout.highs[k])))
        also = tuple((layout.cast.index(w), layout.states[layout.cast.index(w)].index(st)) for w, st in o.also.items())
        outcomes.append(
            CompiledOutcome(
                index=n,
                weight=o.weight,
                dest=layout.states[owner].index(o.to) if (o.to is not None and owner is not None) else None,
                deltas=tuple(deltas),
                sets=tuple(sets),
                also=also,
                lines=tuple(o.say),
                note=o.note,
            )
        )
    states = None
    if reaction.in_ is not None and owner is not None:
        states = frozenset(layout.states[owner].index(name) for name in reaction.in_)
    return CompiledReaction(
        index=index,
        origin=origin,
        states=states,
        when=_compile(reaction.when, layout, owner) if reaction.when else None,
        outcomes=tuple(outcomes),
        total=sum(o.weight for o in outcomes),
    )


def _fallback(lines: tuple[str, ...]) -> CompiledReaction:
    outcome = CompiledOutcome(index=0, weight=1, dest=None, deltas=(), sets=(), also=(), lines=lines, note=None)
    return CompiledReaction(index=-1, origin=(), states=None, when=None, outcomes=(outcome,), total=1)


_CACHE: ContentCache[Rules] = ContentCache(64)


def compile_rules(scenario: Scenario) -> Rules:
    """Compile once per scenario *content* (its hash), however many times it is loaded."""
    return _CACHE.get(scenario.hash, lambda: Rules(scenario))
