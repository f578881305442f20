"""A practice session: a pull API over one scenario (read the moves, play one, read the reply).

The moves played, with the seed, are the whole truth of a session: :meth:`Session.snapshot`
saves them with the draw counter and the scenario's content hash, and :meth:`Session.restore`
replays them, so a restored session is the original one, draw for draw. That also makes every
snapshot a replay certificate that anyone can check against the scenario file.
"""

from __future__ import annotations

import string
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ._version import __version__
from .errors import IllegalMove, IncompatibleVersion, SnapshotError
from .persona import Exchange, PersonaModel, machine_for
from .rng import MAX_SEED, Rng, fresh_seed
from .rules import CompiledOutcome, CompiledReaction, Move
from .scenario import Scenario
from .scoring import Debrief, build_debrief
from .spec import Ending
from .transcript import StateChange, Turn
from .yamlsource import dotted

__all__ = ["SNAPSHOT_FORMAT", "SNAPSHOT_VERSION", "Counterpart", "Session"]

SNAPSHOT_FORMAT = "parley-session"
SNAPSHOT_VERSION = 1


@dataclass(frozen=True)
class Counterpart:
    """How a cast member stands now. ``state`` and ``meters`` are hidden from learners by default."""

    id: str
    name: str
    state: str
    mood: str
    story: str
    meters: dict[str, int]
    reachable: bool


def _release(machines: Sequence[Any], models: Sequence[PersonaModel]) -> None:
    for machine, model in zip(machines, models, strict=True):
        machine.remove_model(model)


class Session:
    """One learner's run through a scenario.

    >>> s = Session(load_scenario("declined-offer"), seed=7)   # doctest: +SKIP
    >>> s.play("apologize", to="hr_rep").line                   # doctest: +SKIP
    """

    def __init__(self, scenario: Scenario, seed: int | None = None) -> None:
        self.scenario = scenario
        self.rules = rules = scenario.rules
        self.rubric = scenario.rubric
        self.seed = fresh_seed() if seed is None else seed
        self._rng = Rng(self.seed)  # validates the seed before anything is registered
        self._names = {who: rules.names[i] for i, who in enumerate(rules.layout.cast)}
        self._machines = [machine_for(rules, i) for i in range(len(rules.layout.cast))]
        self._finalizer = weakref.finalize(self, lambda: None)
        self._start()

    def _start(self) -> None:
        """Put the session at the scenario's start, with fresh models in the shared machines."""
        self.close()
        rules = self.rules
        self._rng = Rng(self.seed)
        self._situation: tuple[int, ...] = rules.initial
        self._played: list[Move] = []
        self._transcript: list[Turn] = []
        self._scores = self.rubric.score(rules.initial)
        self._models = [PersonaModel() for _ in self._machines]
        for i, (machine, model) in enumerate(zip(self._machines, self._models, strict=True)):
            machine.add_model(model, initial=rules.state_name(rules.initial, i))
        # The shared machines hold every model they know; release ours when this session is
        # closed, finished or garbage-collected, whichever comes first.
        self._finalizer = weakref.finalize(self, _release, self._machines, self._models)
        # Nothing to release when the interpreter exits; skipping it keeps exit fast with many sessions.
        self._finalizer.atexit = False

    # --- reading -------------------------------------------------------------------------------

    @property
    def over(self) -> bool:
        return self._situation[-1] >= 0

    @property
    def ending(self) -> Ending | None:
        index = self._situation[-1]
        return self.rules.endings[index] if index >= 0 else None

    @property
    def scores(self) -> dict[str, int]:
        """Running scores (0-100 per dimension, with ``overall``); final once :attr:`over`."""
        return dict(self._scores)

    @property
    def transcript(self) -> list[Turn]:
        return list(self._transcript)

    @property
    def situation(self) -> tuple[int, ...]:
        """The compiled situation tuple (see :mod:`simulator.rules`); for analysis and tests."""
        return self._situation

    @property
    def turn(self) -> int:
        return self._situation[self.rules.layout.turn]

    @property
    def turns_left(self) -> int:
        return max(0, self.rules.turn_limit - self.turn)

    @property
    def day(self) -> int | None:
        return self._situation[self.rules.layout.day] if self.rules.layout.track_days else None

    @property
    def days_left(self) -> int | None:
        limit = self.rules.day_limit
        return None if limit is None or self.day is None else max(0, limit - self.day)

    @property
    def played(self) -> list[str]:
        """The moves played so far, in ``move:target`` notation."""
        return [m.key for m in self._played]

    def moves(self) -> list[Move]:
        """The moves that are legal now (each has ``.id``, ``.target``, ``.label``, ``.key``)."""
        return self.rules.legal(self._situation)

    def counterparts(self) -> list[Counterpart]:
        rules, s = self.rules, self._situation
        return [
            Counterpart(
                id=who,
                name=rules.names[i],
                state=rules.state_name(s, i),
                mood=rules.moods[i][s[i]],
                story=rules.stories[i][s[i]],
                meters=rules.layout.meters_of(s, who),
                reachable=rules.reachable[i][s[i]],
            )
            for i, who in enumerate(rules.layout.cast)
        ]

    def debrief(self) -> Debrief:
        """What happened and why; available mid-session too (then ``ending`` is None)."""
        effect: dict[str, int] = {}
        if self.over:
            unended = self.rubric.score((*self._situation[:-1], -1))
            effect = {k: v - unended[k] for k, v in self._scores.items() if v != unended[k]}
        return build_debrief(self.scenario.spec, self.rules, self._transcript, self._situation, self._scores, effect)

    # --- playing ---------------------------------------------------------------------------------

    def play(self, move: str | Move, to: str | None = None) -> Turn:
        """Play a move; ``to`` names the target (a cast id) for moves that take one.

        ``move`` may also be written ``"apologize:hr_rep"``. Raises :class:`IllegalMove`, naming
        the legal moves, when the move cannot be played now.
        """
        chosen = self._resolve(move, to)
        rules = self.rules
        before = self._situation
        landed = rules.begin(before, chosen)
        if chosen.target_index >= 0:
            reaction, outcome = self._react_through_machine(chosen, landed)
        else:
            reaction = rules.react(landed, chosen)
            outcome = reaction.pick(self._rng.below(reaction.total) if len(reaction.outcomes) > 1 else 0)
            outcome.apply(landed, None)
        for who, state in outcome.also:
            self._machines[who].set_state(rules.layout.states[who][state], model=self._models[who])
            landed[who] = state  # 'also' wins over the reply's own 'to', as in Rules.branches
        line = self._say(outcome, chosen)
        after = rules.finish(landed, chosen)
        scores = self.rubric.score(after)
        turn = Turn(
            number=len(self._played) + 1,
            move=chosen.id,
            target=chosen.target,
            label=chosen.label,
            speaker=chosen.target,
            speaker_name=self._names.get(chosen.target) if chosen.target else None,
            line=line,
            note=outcome.note,
            changes=self._changes(before, after),
            scores=scores,
            delta={k: scores[k] - self._scores[k] for k in scores},
            ending=rules.ending_id(after),
            day=after[rules.layout.day] if rules.layout.track_days else None,
            rule=_rule_path(reaction, outcome),
            mood=rules.moods[chosen.target_index][after[chosen.target_index]] if chosen.target else None,
            draws=self._rng.counter,
        )
        self._situation, self._scores = after, scores
        self._played.append(chosen)
        self._transcript.append(turn)
        if self.over:
            self.close()
        return turn

    def _react_through_machine(self, move: Move, landed: list[int]) -> tuple[CompiledReaction, CompiledOutcome]:
        who = move.target_index
        machine, model = self._machines[who], self._models[who]
        ctx = Exchange(landed, self._rng)
        machine.events[move.id].trigger(model, ctx=ctx)
        landed[who] = self.rules.layout.states[who].index(model.state)
        assert ctx.reaction is not None and ctx.outcome is not None  # the fallback always fires
        return ctx.reaction, ctx.outcome

    def _say(self, outcome: CompiledOutcome, move: Move) -> str:
        lines = outcome.lines
        text = lines[self._rng.below(len(lines)) if len(lines) > 1 else 0]
        names = dict(self._names)
        names["name"] = self._names[move.target] if move.target else "you"
        # Template substitutes known names only: a file can never reach an attribute or index.
        return string.Template(text).safe_substitute(names)

    def _changes(self, before: Sequence[int], after: Sequence[int]) -> tuple[StateChange, ...]:
        rules = self.rules
        return tuple(
            StateChange(
                who=who,
                name=rules.names[i],
                before=rules.state_name(before, i),
                after=rules.state_name(after, i),
                mood=rules.moods[i][after[i]],
            )
            for i, who in enumerate(rules.layout.cast)
            if before[i] != after[i]
        )

    def _resolve(self, move: str | Move, to: str | None) -> Move:
        if isinstance(move, Move):
            move, to = move.id, move.target
        if to is None and ":" in move:
            move, _, to = move.partition(":")
        legal = self.moves()
        legal_keys = [m.key for m in legal]
        if self.over:
            raise IllegalMove(move, to, "the session is over", [])
        key = f"{move}:{to}" if to else move
        for m in legal:
            if m.key == key:
                return m
        offered = [m for m in self.rules.moves if m.id == move]
        if not offered:
            reason = "no such move in this scenario"
        elif to is None and offered[0].target is not None:
            reason = f"it needs a target: one of {', '.join(m.target for m in offered if m.target)}"
        elif to is not None and offered[0].target is None:
            reason = "it takes no target"
        elif to is not None and to not in {m.target for m in offered}:
            reason = f"{to!r} is not a target of {move!r}; targets: {', '.join(m.target for m in offered if m.target)}"
        else:
            reason = "it is not available now"
        raise IllegalMove(move, to, reason, legal_keys)

    def undo(self) -> Turn:
        """Take back the last move; the session continues as if it had never been played."""
        if not self._played:
            raise IllegalMove("undo", None, "no move has been played yet", [m.key for m in self.moves()])
        last = self._transcript[-1]
        self._rebuild(self._played[:-1])
        return last

    def _rebuild(self, moves: Sequence[Move]) -> None:
        self._start()
        for m in moves:
            self.play(m)

    def close(self) -> None:
        """Release this session's place in the shared machines. Idempotent."""
        self._finalizer()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- saving ------------------------------------------------------------------------------------

    def snapshot(self) -> dict[str, Any]:
        """Everything needed to continue later, as JSON-ready data (versioned)."""
        return {
            "format": SNAPSHOT_FORMAT,
            "version": SNAPSHOT_VERSION,
            "engine": __version__,
            "scenario": {"id": self.scenario.id, "hash": self.scenario.hash},
            "seed": self.seed,
            "draws": self._rng.counter,
            "moves": self.played,
        }

    @classmethod
    def restore(cls, scenario: Scenario, data: Mapping[str, Any]) -> Session:
        """Continue a snapshot; raises :class:`SnapshotError` if it belongs elsewhere."""
        if not isinstance(data, Mapping) or data.get("format") != SNAPSHOT_FORMAT:
            raise SnapshotError("not a Parley session snapshot (missing format 'parley-session')")
        version = data.get("version")
        if not isinstance(version, int) or version > SNAPSHOT_VERSION or version < 1:
            raise IncompatibleVersion("the snapshot", version, f"version {SNAPSHOT_VERSION}")
        meta = data.get("scenario")
        seed, draws, moves = data.get("seed"), data.get("draws"), data.get("moves")
        if not isinstance(meta, Mapping) or not isinstance(seed, int) or not isinstance(draws, int):
            raise SnapshotError("the snapshot is damaged: scenario, seed or draws missing")
        if isinstance(seed, bool) or not 0 <= seed <= MAX_SEED:
            raise SnapshotError(f"the snapshot is damaged: seed {seed!r} is not a whole number from 0 to {MAX_SEED}")
        if not isinstance(moves, list) or not all(isinstance(m, str) for m in moves):
            raise SnapshotError("the snapshot is damaged: moves must be a list of strings")
        if meta.get("id") != scenario.id:
            raise SnapshotError(f"the snapshot is of scenario {meta.get('id')!r}, not {scenario.id!r}")
        if meta.get("hash") != scenario.hash:
            raise SnapshotError(
                f"scenario {scenario.id!r} has changed since the snapshot was taken "
                f"(hash {str(meta.get('hash'))[:12]} then, {scenario.hash[:12]} now)"
            )
        session = cls(scenario, seed)
        for i, move in enumerate(moves, start=1):
            try:
                session.play(move)
            except IllegalMove as exc:
                session.close()
                raise SnapshotError(f"the snapshot does not replay: move {i} ({move}): {exc}") from exc
        if session._rng.counter != draws:
            session.close()
            raise SnapshotError(f"the snapshot does not replay: {session._rng.counter} draws, snapshot says {draws}")
        return session


def _rule_path(reaction: CompiledReaction, outcome: CompiledOutcome) -> str:
    if not reaction.origin:
        return "unmoved"
    return f"{dotted(reaction.origin)}.outcomes[{outcome.index}]"
