"""A scenario compiled into fast, pure rules over situations (see :mod:`simulator.layout`).

Everything a file says is turned here, once per scenario content, into objects over tuple
positions: the choices the learner has (a move, its target, the manner it is said in), each
reaction that can answer a choice (its condition as a :class:`~simulator.conditions.Check`, its
outcomes with what they write), the endings and their conditions. Names that do not resolve
raise :class:`~simulator.layout.NameProblem` with the path where they were written, which the
loader turns into ``file:line:column``: whatever loads, compiles, and whatever compiles, plays.

What happens when a choice is played is :mod:`simulator.step`; this module only answers the
questions a step asks: what is legal (:meth:`Rules.legal`), which reaction answers
(:meth:`Rules.react`, the first that matches), and when an ending is reached.
"""

from __future__ import annotations

import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from .cache import ContentCache
from .conditions import NOTHING, Check, Reads, Scope, compile_condition
from .layout import NEVER, Layout, NameProblem, unknown
from .manners import BUILTIN_MANNERS
from .moves import BUILTIN_MOVES, FINISH
from .notation import MoveRef, format_key
from .spec import Condition, MoveSpec, PersonaSpec, Reaction, ScenarioSpec, parse_duration
from .yamlsource import dotted

__all__ = [
    "NEVER",
    "Choice",
    "CompiledOutcome",
    "CompiledReaction",
    "Layout",
    "Move",
    "Phrasing",
    "Rules",
    "Situation",
    "compile_rules",
    "persona_layout",
]

Situation = tuple[int, ...]
Origin = tuple[str | int, ...]


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
    writes: frozenset[int] = frozenset()  # every position it may change (its own state included)
    rule: str = "unmoved"  # where it was written, e.g. "cast.hr_rep.reactions[1].outcomes[0]"

    def apply(self, s: list[int], owner: int | None) -> None:
        """Write this outcome into ``s``; ``owner`` None leaves the owner's state to the caller
        (a live session's machine moves it).
        """
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
    origin: Origin  # where it was written: ("cast", id, "reactions", i) and so on; () for a fallback
    states: frozenset[int] | None
    when: Check | None
    outcomes: tuple[CompiledOutcome, ...]
    total: int
    reads: Reads = NOTHING  # what deciding whether it answers looks at
    writes: frozenset[int] = frozenset()

    def matches(self, s: Sequence[int], owner: int | None) -> bool:
        if self.states is not None:
            assert owner is not None  # only a cast member's own reactions name its states
            if s[owner] not in self.states:
                return False
        return self.when is None or self.when.holds(s)

    def pick(self, draw: int) -> CompiledOutcome:
        """The outcome a draw in ``range(total)`` selects."""
        for outcome in self.outcomes:
            draw -= outcome.weight
            if draw < 0:
                return outcome
        raise AssertionError("draw out of range")


@dataclass(frozen=True, slots=True)
class Phrasing:
    """Something the learner can say to make a choice: ``s.play(phrasing)`` says it."""

    id: str
    target: str | None
    manner: str
    text: str
    key: str  # the choice it makes, in move notation


@dataclass(frozen=True, slots=True, eq=False)
class Choice:
    """The unit of play: a move, its target, and the manner it is said in (None when the move
    has no phrasings). ``key`` names it in move notation; the manner is part of the key only when
    the move can be said in more than one manner.
    """

    index: int  # position in Rules.choices
    id: str
    target: str | None
    manner: str | None
    label: str
    target_index: int
    days: int
    when: Check | None
    key: str
    move_key: str  # the key of its move without the manner
    phrasings: tuple[Phrasing, ...]  # what can be said for it
    ends: bool = False  # ``finish``: spends the turns and days left (see Rules.begin)


@dataclass(frozen=True, slots=True)
class Move:
    """A move as the learner sees it: ``apologize`` to ``hr_rep``, or ``wait``, with the ways it
    can be said (``manners``, ``phrasings``).
    """

    id: str
    target: str | None
    label: str
    description: str
    target_index: int
    days: int
    key: str
    manners: tuple[str, ...]
    phrasings: tuple[Phrasing, ...]
    choices: tuple[Choice, ...] = field(repr=False)
    ends: bool = False  # ``finish``: takes the time left, not ``days``


class Rules:
    """The compiled scenario. Shared by every session and analysis of the same scenario content."""

    def __init__(self, spec: ScenarioSpec, personas: Mapping[str, PersonaSpec], content_hash: str) -> None:
        self.scenario_id = spec.id
        self.scenario_hash = content_hash
        cast = tuple(spec.cast)
        members = [personas[c] for c in cast]
        self.layout = layout = _layout(spec, cast, members)
        self.turn_limit = spec.limits.turns
        self.day_limit = spec.limits.days
        self.names = tuple(spec.cast[c].name for c in cast)
        self.channels = tuple(spec.cast[c].channel for c in cast)
        self.moods = tuple(tuple(p.states[s].mood for s in p.states) for p in members)
        self.stories = tuple(
            tuple(spec.cast[c].stories.get(s, p.states[s].story) for s in p.states)
            for c, p in zip(cast, members, strict=True)
        )
        self.reachable = tuple(tuple(p.states[s].reachable for s in p.states) for p in members)
        self.manner_names = frozenset(BUILTIN_MANNERS) | frozenset(spec.manners)
        # how each manner reads in a sentence ("apologise to Dana, owning it plainly")
        self.manner_how = {**{k: v.how for k, v in BUILTIN_MANNERS.items()}, **spec.manners}
        self.initial = _initial(spec, layout, members)

        self.moves, self.choices = self._build_choices(spec)
        self.by_key = {c.key: c for c in self.choices}
        self._resolved: dict[str, Choice] = {}  # a reference as written -> the choice it names
        self.move_descriptions = {m.id: m.description for m in self.moves}

        # reactions[choice.index]: the reactions that may answer it, first match wins
        self.reactions: tuple[tuple[CompiledReaction, ...], ...] = self._build_reactions(spec, members)
        self.fallbacks = tuple(_fallback(tuple(p.unmoved)) for p in members)
        self.scene_fallback = _fallback(("Time passes; nothing visible changes.",))

        self.endings = tuple(spec.endings)
        scope = Scope(layout, manners=self.manner_names)
        self._ending_tests = tuple(
            (e.at_timeout_only, _compile(e.when, scope, ("endings", k, "when")) if e.when else None)
            for k, e in enumerate(spec.endings)
        )

    # --- building ----------------------------------------------------------------------------

    def _build_choices(self, spec: ScenarioSpec) -> tuple[tuple[Move, ...], tuple[Choice, ...]]:
        layout = self.layout
        scope = Scope(layout, manners=self.manner_names)
        moves: list[Move] = []
        choices: list[Choice] = []
        for i, m in enumerate(spec.moves):
            label = m.label if m.label is not None else BUILTIN_MOVES[m.id].label
            description = m.description or (BUILTIN_MOVES[m.id].description if m.id in BUILTIN_MOVES else label)
            when = _compile(m.when, scope, ("moves", i, "when")) if m.when else None
            ends = m.id == FINISH
            days = 0 if ends else parse_duration(m.takes)
            for j, p in enumerate(m.phrasings):
                if p.manner not in self.manner_names:
                    raise NameProblem(
                        unknown("manner", p.manner, self.manner_names), ["moves", i, "phrasings", j, "manner"]
                    )
                if p.to is not None and p.to not in m.targets:
                    raise NameProblem(
                        f"{p.to!r} is not a target of {m.id!r}; targets: {', '.join(m.targets) or 'none'}",
                        ["moves", i, "phrasings", j, "to"],
                    )
            for j, e in enumerate(m.examples):
                if e.manner is not None and e.manner not in {p.manner for p in m.phrasings}:
                    offered = {p.manner for p in m.phrasings}
                    raise NameProblem(
                        unknown(f"manner of {m.id!r}", e.manner, offered), ["moves", i, "examples", j, "manner"]
                    )
                if e.to is not None and e.to not in m.targets:
                    raise NameProblem(
                        f"{e.to!r} is not a target of {m.id!r}; targets: {', '.join(m.targets) or 'none'}",
                        ["moves", i, "examples", j, "to"],
                    )
            targets: Sequence[str | None] = m.targets or (None,)  # a move without targets: one choice
            for target in targets:
                target_index = layout.cast.index(target) if target else -1
                said = [p for p in m.phrasings if p.to is None or p.to == target]
                manners = tuple(dict.fromkeys(p.manner for p in said))
                move_key = format_key(m.id, target)
                own: list[Choice] = []
                for manner in manners or (None,):
                    key = format_key(m.id, target, manner if len(manners) > 1 else None)
                    phrasings = tuple(Phrasing(m.id, target, p.manner, p.text, key) for p in said if p.manner == manner)
                    own.append(
                        Choice(
                            len(choices) + len(own),
                            m.id,
                            target,
                            manner,
                            label,
                            target_index,
                            days,
                            when,
                            key,
                            move_key,
                            phrasings,
                            ends,
                        )
                    )
                choices.extend(own)
                moves.append(
                    Move(
                        id=m.id,
                        target=target,
                        label=label,
                        description=description,
                        target_index=target_index,
                        days=days,
                        key=move_key,
                        manners=manners,
                        phrasings=tuple(p for c in own for p in c.phrasings),
                        choices=tuple(own),
                        ends=ends,
                    )
                )
        return tuple(moves), tuple(choices)

    def _build_reactions(
        self, spec: ScenarioSpec, members: Sequence[PersonaSpec]
    ) -> tuple[tuple[CompiledReaction, ...], ...]:
        layout = self.layout
        cast = layout.cast
        written: dict[int, list[tuple[Origin, Reaction]]] = {}
        for i, cast_id in enumerate(cast):
            own: list[tuple[Origin, Reaction]] = [
                (("cast", cast_id, "reactions", k), r) for k, r in enumerate(spec.cast[cast_id].reactions)
            ]
            own += [(("persona", cast_id, "reactions", k), r) for k, r in enumerate(members[i].reactions)]
            written[i] = own
        written[-1] = [(("scene", "reactions", k), r) for k, r in enumerate(spec.scene.reactions)]
        # A reaction is compiled once per manner it may answer (a manner test folds to a constant);
        # the targets of one move share the compiled object only when they are the same owner.
        compiled: dict[tuple[Origin, str | None], CompiledReaction | None] = {}
        self.written: dict[
            Origin, tuple[str, int]
        ] = {}  # every reaction that may answer a choice: (move id, target index)
        out = []
        for choice in self.choices:
            owner = choice.target_index if choice.target_index >= 0 else None
            # Persona files were checked on their own with {"name"}; a scene line has no "you".
            placeholders = {"name", *cast} if owner is not None else set(cast)
            found = []
            for origin, reaction in written[choice.target_index]:
                if reaction.move != choice.id:
                    continue
                self.written[origin] = (choice.id, choice.target_index)
                cache_key = (origin, choice.manner)
                if cache_key not in compiled:
                    scope = Scope(layout, owner, choice.manner, answering=True, manners=self.manner_names)
                    compiled[cache_key] = _compile_reaction(origin, reaction, scope, placeholders)
                result = compiled[cache_key]
                if result is not None:
                    found.append(result)
            out.append(tuple(found))
        return tuple(out)

    # --- what can be played --------------------------------------------------------------

    def legal(self, s: Sequence[int]) -> list[Choice]:
        """The choices that can be played in situation ``s``, in the scenario's order."""
        if s[-1] >= 0:
            return []
        reachable = self.reachable
        return [
            c
            for c in self.choices
            if (c.target_index < 0 or reachable[c.target_index][s[c.target_index]])
            and (c.when is None or c.when.holds(s))
        ]

    def is_legal(self, s: Sequence[int], choice: Choice) -> bool:
        """Whether ``choice`` can be played in situation ``s``."""
        return (
            s[-1] < 0
            and (choice.target_index < 0 or self.reachable[choice.target_index][s[choice.target_index]])
            and (choice.when is None or choice.when.holds(s))
        )

    def resolve(self, ref: MoveRef | str) -> Choice:
        """The choice a reference names, given as a :class:`MoveRef` or as text in move notation
        (the notation's one rule; see :mod:`simulator.notation`). Raises
        :class:`~simulator.notation.Unresolved`.
        """
        text = ref if isinstance(ref, str) else ref.key
        found = self._resolved.get(text)
        if found is None:
            parsed = MoveRef.parse(ref) if isinstance(ref, str) else ref
            found = parsed.resolve(self.choices)
            if len(self._resolved) < 10_000:  # bounded: every text a caller might pass is kept
                self._resolved[text] = found
        return found

    def legal_moves(self, s: Sequence[int]) -> list[Move]:
        """The moves (grouping their manners) that can be played in ``s``."""
        open_keys = {c.move_key for c in self.legal(s)}
        return [m for m in self.moves if m.key in open_keys]

    def moves_of(self, choice: Choice) -> Move:
        return next(m for m in self.moves if m.key == choice.move_key)

    # --- the questions a step asks -------------------------------------------------------

    def begin(self, s: Sequence[int], choice: Choice) -> list[int]:
        """The situation as the choice lands: a turn used and its time spent. ``finish`` spends
        all the turns and days left, so the endings decided at a timeout decide this one: leaving
        it there is letting the rest of the time pass, not a way round the clock.
        """
        out = list(s)
        layout = self.layout
        out[layout.turn] = self.turn_limit if choice.ends else out[layout.turn] + 1
        if layout.track_days:
            out[layout.day] = self.landing_day(out[layout.day], choice)
        return out

    def landing_day(self, today: int, choice: Choice) -> int:
        """The day ``choice`` lands on when played on day ``today``: ``takes`` later, or for
        ``finish`` the clock's last day (the rest of the time passes; no clock, no time).
        """
        if choice.ends:
            return today if self.day_limit is None else max(today, self.day_limit)
        return today + choice.days

    def react(self, s: Sequence[int], choice: Choice) -> CompiledReaction:
        """The reaction that answers ``choice`` in situation ``s`` (as :meth:`begin` returns it):
        the first whose states and condition hold, else the persona's (or the scene's) fallback.
        """
        owner = choice.target_index if choice.target_index >= 0 else None
        for reaction in self.reactions[choice.index]:
            if reaction.matches(s, owner):
                return reaction
        return self.fallbacks[choice.target_index] if owner is not None else self.scene_fallback

    def finish(self, s: list[int], choice: Choice) -> Situation:
        """Record the contact and decide whether an ending has been reached."""
        layout = self.layout
        if layout.track_contacts and choice.target_index >= 0:
            s[layout.contact0 + choice.target_index] = s[layout.day]
        s[layout.ending] = self.ending_index(s)
        return tuple(s)

    def ending_index(self, s: Sequence[int]) -> int:
        layout = self.layout
        timeout = s[layout.turn] >= self.turn_limit or (self.day_limit is not None and s[layout.day] >= self.day_limit)
        for index, (timeout_only, test) in enumerate(self._ending_tests):
            if timeout_only and not timeout:
                continue
            if test is None or test.holds(s):
                return index
        return -1

    def ending_reads(self) -> Reads:
        """What deciding the ending looks at (the timeout aside)."""
        reads = NOTHING
        for _, test in self._ending_tests:
            if test is not None:
                reads = reads | test.reads
        return reads

    # --- reading a situation ----------------------------------------------------------------

    def state_name(self, s: Sequence[int], who: int) -> str:
        return self.layout.states[who][s[who]]

    def ending_id(self, s: Sequence[int]) -> str | None:
        return self.endings[s[-1]].id if s[-1] >= 0 else None


# --- compiling --------------------------------------------------------------------------------


def _layout(spec: ScenarioSpec, cast: tuple[str, ...], members: Sequence[PersonaSpec]) -> Layout:
    slots: list[str] = []
    lows: list[int] = []
    highs: list[int] = []
    for cast_id, persona in zip(cast, members, strict=True):
        for name, meter in persona.meters.items():
            slots.append(f"{cast_id}.{name}")
            lows.append(meter.min)
            highs.append(meter.max)
    for name, meter in spec.scene.meters.items():
        slots.append(f"scene.{name}")
        lows.append(meter.min)
        highs.append(meter.max)
    clocks = _clocks_used(spec, members)
    return Layout(
        cast=cast,
        states=tuple(tuple(p.states) for p in members),
        slots=tuple(slots),
        lows=tuple(lows),
        highs=tuple(highs),
        track_days=spec.limits.days is not None or bool(clocks & {"days", "since_contact"}),
        track_contacts="since_contact" in clocks,
    )


def persona_layout(persona: PersonaSpec) -> Layout:
    """The layout a persona file is checked against on its own: its states and meters, every
    clock, and nothing of a scenario's.
    """
    return Layout(
        cast=(persona.id,),
        states=(tuple(persona.states),),
        slots=tuple(f"{persona.id}.{name}" for name in persona.meters),
        lows=tuple(m.min for m in persona.meters.values()),
        highs=tuple(m.max for m in persona.meters.values()),
        track_days=True,
        track_contacts=True,
        persona_file=True,
    )


def check_persona(persona: PersonaSpec) -> None:
    """Compile a persona file's reactions against its own layout (raises :class:`NameProblem`)."""
    layout = persona_layout(persona)
    if persona.initial not in persona.states:
        raise NameProblem(unknown("state", persona.initial, persona.states), ["initial"])
    for k, reaction in enumerate(persona.reactions):
        if reaction.move not in BUILTIN_MOVES:
            raise NameProblem(unknown("move", reaction.move, BUILTIN_MOVES), ["reactions", k, "move"])
        scope = Scope(layout, 0, None, answering=True, manners=frozenset(BUILTIN_MANNERS))
        _compile_reaction(("reactions", k), reaction, scope, {"name"}, manner_free=True)
    _check_lines(persona.unmoved, ("unmoved",), {"name"})


def _clocks_used(spec: ScenarioSpec, members: Sequence[PersonaSpec]) -> set[str]:
    """Which clocks any condition of the scenario reads (so the situation tracks only those)."""
    from .spec import AllOf, AnyOf, ClockTest, NotOf

    found: set[str] = set()

    def visit(cond: Condition | None) -> None:
        # A shallow look for clock names only; compile_condition is the walk that resolves names.
        if isinstance(cond, ClockTest):
            found.add(cond.clock)
        elif isinstance(cond, AllOf | AnyOf):
            for c in cond.all if isinstance(cond, AllOf) else cond.any:
                visit(c)
        elif isinstance(cond, NotOf):
            visit(cond.not_)

    reactions = [r for p in members for r in p.reactions]
    reactions += [r for m in spec.cast.values() for r in m.reactions] + list(spec.scene.reactions)
    for r in reactions:
        visit(r.when)
    for m in spec.moves:
        visit(m.when)
    for e in spec.endings:
        visit(e.when)
    return found


def _initial(spec: ScenarioSpec, layout: Layout, members: Sequence[PersonaSpec]) -> Situation:
    initial = []
    for i, (cast_id, persona) in enumerate(zip(layout.cast, members, strict=True)):
        name = spec.cast[cast_id].initial or persona.initial
        try:
            initial.append(layout.state(i, name))
        except NameProblem as problem:
            raise problem.within(["cast", cast_id, "initial"]) from None
    for cast_id, persona in zip(layout.cast, members, strict=True):
        given = spec.cast[cast_id].meters
        for name in given:
            if name not in persona.meters:
                raise NameProblem(unknown("meter", name, persona.meters), ["cast", cast_id, "meters", name], key=True)
        for name, meter in persona.meters.items():
            value = given.get(name, meter.initial)
            if not meter.min <= value <= meter.max:
                raise NameProblem(f"{value} is outside {meter.min} .. {meter.max}", ["cast", cast_id, "meters", name])
            initial.append(value)
    initial += [meter.initial for meter in spec.scene.meters.values()]
    if layout.track_contacts:
        initial += [NEVER] * len(layout.cast)
    if layout.track_days:
        initial.append(0)
    initial += [0, -1]
    return tuple(initial)


def _compile(cond: Condition, scope: Scope, path: Origin) -> Check:
    try:
        return compile_condition(cond, scope)
    except NameProblem as problem:
        raise problem.within(path) from None


def _compile_reaction(
    origin: Origin, reaction: Reaction, scope: Scope, placeholders: set[str], *, manner_free: bool = False
) -> CompiledReaction | None:
    """Compile one reaction for one choice; None when its condition can never hold for it (a
    manner test that excludes this choice's manner). ``manner_free``: checking a persona file,
    where every manner test is kept (it cannot know which manners a scenario offers).
    """
    layout = scope.layout
    owner = scope.owner
    states = None
    if reaction.in_ is not None:
        if owner is None:
            raise NameProblem("scene reactions have no state of their own; use a state condition", [*origin, "in"])
        wanted = set()
        for j, name in enumerate(reaction.in_):
            try:
                wanted.add(layout.state(owner, name))
            except NameProblem as problem:
                raise problem.within([*origin, "in", j]) from None
        states = frozenset(wanted)
    when = _compile(reaction.when, scope, (*origin, "when")) if reaction.when else None
    outcomes = tuple(
        _compile_outcome(n, o, scope, (*origin, "outcomes", n), placeholders) for n, o in enumerate(reaction.outcomes)
    )
    if when is not None and when.constant is False and not manner_free:
        return None
    if when is not None and when.constant is True:
        when = None
    reads = when.reads if when is not None else NOTHING
    if states is not None and owner is not None:
        reads = reads | Reads(frozenset({owner}))
    writes = frozenset().union(*(o.writes for o in outcomes))
    return CompiledReaction(
        origin=origin,
        states=states,
        when=when,
        outcomes=outcomes,
        total=sum(o.weight for o in outcomes),
        reads=reads,
        writes=writes,
    )


def _compile_outcome(n: int, o: object, scope: Scope, path: Origin, placeholders: set[str]) -> CompiledOutcome:
    from .spec import Outcome

    assert isinstance(o, Outcome)
    layout, owner = scope.layout, scope.owner
    dest = None
    if o.to is not None:
        if owner is None:
            raise NameProblem("the scene has no state; use 'also' to move a persona", [*path, "to"])
        try:
            dest = layout.state(owner, o.to)
        except NameProblem as problem:
            raise problem.within([*path, "to"]) from None
    deltas, sets, writes = [], [], set()
    if dest is not None and owner is not None:
        writes.add(owner)
    for part, items in (("effects", o.effects), ("set", o.set)):
        for ref, value in items.items():
            try:
                position = layout.slot(ref, owner)
            except NameProblem as problem:
                raise NameProblem(problem.reason, [*path, part, ref], key=True) from None
            low, high = layout.bounds(position)
            writes.add(position)
            if part == "effects":
                deltas.append((position, value, low, high))
            else:
                sets.append((position, min(max(value, low), high)))
    also = []
    for who_id, state in o.also.items():
        try:
            who = layout.who(who_id)
        except NameProblem as problem:
            raise NameProblem(problem.reason, [*path, "also", who_id], key=True) from None
        try:
            also.append((who, layout.state(who, state, of=who_id)))
        except NameProblem as problem:
            raise problem.within([*path, "also", who_id]) from None
        writes.add(who)
    _check_lines(o.say, (*path, "say"), placeholders)
    return CompiledOutcome(
        index=n,
        weight=o.weight,
        dest=dest,
        deltas=tuple(deltas),
        sets=tuple(sets),
        also=tuple(also),
        lines=tuple(o.say),
        note=o.note,
        writes=frozenset(writes),
        rule=dotted(path),
    )


_TEMPLATE = string.Template.pattern


def _check_lines(lines: Sequence[str], path: Origin, allowed: set[str]) -> None:
    """Each line fills only known placeholders (``$name``, cast ids), so it always renders."""
    for k, line in enumerate(lines):
        for match in _TEMPLATE.finditer(line):
            if match.group("invalid") is not None:
                raise NameProblem(
                    "'$' must start a placeholder such as $name; write '$$' for a dollar sign", [*path, k]
                )
            name = match.group("named") or match.group("braced")
            if name is not None and name not in allowed:
                raise NameProblem(unknown("placeholder", "$" + name, {"$" + a for a in allowed}), [*path, k])


def _fallback(lines: tuple[str, ...]) -> CompiledReaction:
    outcome = CompiledOutcome(index=0, weight=1, dest=None, deltas=(), sets=(), also=(), lines=lines, note=None)
    return CompiledReaction(origin=(), states=None, when=None, outcomes=(outcome,), total=1)


_CACHE: ContentCache[Rules] = ContentCache(64)


def compile_rules(spec: ScenarioSpec, personas: Mapping[str, PersonaSpec], content_hash: str) -> Rules:
    """Compile once per scenario *content* (its hash), however many times it is loaded. Raises
    :class:`NameProblem` for a name that does not resolve.
    """
    return _CACHE.get(content_hash, lambda: Rules(spec, personas, content_hash))


def manner_signatures(rules: Rules) -> dict[str, list[tuple[str, ...]]]:
    """For each move (key), groups of its manners that no condition tells apart: each manner of
    a group meets the same reactions under the same conditions. A group of one is fine.
    """
    out: dict[str, list[tuple[str, ...]]] = {}
    for move in rules.moves:
        if len(move.choices) < 2:
            continue
        groups: dict[tuple[object, ...], list[str]] = {}
        for choice in move.choices:
            signature = tuple((r.origin, r.when.text if r.when else None) for r in rules.reactions[choice.index])
            groups.setdefault(signature, []).append(str(choice.manner))
        out[move.key] = [tuple(g) for g in groups.values()]
    return out


def move_spec(spec: ScenarioSpec, move_id: str) -> tuple[int, MoveSpec]:
    """The index and spec of a move the scenario offers."""
    return next((i, m) for i, m in enumerate(spec.moves) if m.id == move_id)
