"""A practice session: a pull API over one scenario (read the moves, play one, read the reply).

The choices played, with the seed, are the whole truth of a session: :meth:`Session.snapshot`
saves them (see :mod:`simulator.snapshot`) and :meth:`Session.restore` replays them, so a
restored session is the original one, draw for draw. Each move is one
:func:`simulator.step.step`, with the seeded chooser and the personas' ``transitions`` machines.
"""

from __future__ import annotations

import string
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from .errors import IllegalMove, InvalidArgument, SnapshotError
from .notation import MoveRef, Unresolved
from .persona import Board, PersonaModel, machine_for
from .reading import Reading, reader_for
from .rng import Rng, fresh_seed
from .rules import Choice, Move, Phrasing
from .scenario import Scenario
from .scoring import Debrief, build_debrief
from .snapshot import make_snapshot, read_snapshot
from .step import Draws, Step, step
from .transcript import EndingInfo, StateChange, Turn

if TYPE_CHECKING:
    from transitions import Machine  # only persona.py imports transitions at run time

__all__ = ["Counterpart", "Playable", "Session"]


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
    channel: str | None = None  # how the learner is in touch with them: "in person", "by e-mail"


@runtime_checkable
class Playable(Protocol):
    """Anything that names a choice and the words it was said in (a free-text reading)."""

    @property
    def key(self) -> str: ...
    @property
    def text(self) -> str: ...


def _release(machines: Sequence[Machine], models: Sequence[PersonaModel]) -> None:
    for machine, model in zip(machines, models, strict=True):
        machine.remove_model(model)


def _key_and_words(move: object, said: str | None) -> tuple[str, str | None]:
    """The key of a move given to :meth:`Session.play` in any of its forms, and the words said:
    ``said``, else a phrasing's or a reading's own text.
    """
    if isinstance(move, Phrasing):
        return move.key, said if said is not None else move.text
    if isinstance(move, Choice | Move):
        return move.key, said
    if isinstance(move, str):
        return move, said
    if isinstance(move, Playable):
        return move.key, said if said is not None else move.text
    raise InvalidArgument("move", "a move id, a key like 'apologize:hr_rep', or a Move, Choice or Phrasing", move)


class Session:
    """One learner's run through a scenario.

    >>> s = Session(load_scenario("declined-offer"), seed=7)   # doctest: +SKIP
    >>> s.play("apologize", to="hr_rep").line                   # doctest: +SKIP
    """

    def __init__(self, scenario: Scenario, seed: int | None = None) -> None:
        if not isinstance(scenario, Scenario):
            raise InvalidArgument("scenario", "a Scenario from simulator.load_scenario()", scenario)
        self.scenario = scenario
        self.rules = rules = scenario.rules
        self.rubric = scenario.rubric
        self.seed = fresh_seed() if seed is None else seed
        self._rng = Rng(self.seed)  # validates the seed before anything is registered
        self._names = {who: rules.names[i] for i, who in enumerate(rules.layout.cast)}
        self._machines = [machine_for(rules, i) for i in range(len(rules.layout.cast))]
        self._finalizer: weakref.finalize[..., Session] = weakref.finalize(self, _release, (), ())
        self._start()

    def _start(self) -> None:
        """Put the session at the scenario's start, with fresh models in the shared machines."""
        self.close()
        rules = self.rules
        self._rng = Rng(self.seed)
        self._draws = Draws(self._rng)
        self._situation: tuple[int, ...] = rules.initial
        self._board = Board(rules.initial, self._machines)
        # per move played: the choice and the words said
        self._log: list[tuple[Choice, str | None]] = []
        self._transcript: list[Turn] = []
        self._scores = self.rubric.score(rules.initial)
        self._models = self._board.models = [
            PersonaModel(self._board, i, rules.layout.states[i]) for i in range(len(self._machines))
        ]
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
    def ending(self) -> EndingInfo | None:
        """The ending reached (``id``, ``title``, ``text``), or None while it goes on."""
        index = self._situation[-1]
        if index < 0:
            return None
        ending = self.rules.endings[index]
        return EndingInfo(ending.id, ending.title, ending.text)

    @property
    def scores(self) -> dict[str, int]:
        """Running scores (0-100 per dimension, with ``overall``); final once :attr:`over`."""
        return dict(self._scores)

    @property
    def transcript(self) -> list[Turn]:
        return list(self._transcript)

    @property
    def situation(self) -> tuple[int, ...]:
        """The compiled situation tuple (see :mod:`simulator.layout`); for analysis and tests."""
        return self._situation

    @property
    def history(self) -> list[tuple[int, ...]]:
        """The situation before each move played, in order (what a review of the play rates).

        Recomputed by taking the same steps again with the same draws (microseconds a move),
        rather than kept: an open session holds only its current situation.
        """
        rules, draws = self.rules, Draws(Rng(self.seed))
        out, s = [], rules.initial
        for choice, _ in self._log:
            out.append(s)
            s = step(rules, s, choice, draws).after
        return out

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
        """The choices played so far, in move notation (``apologize:hr_rep/sincere``)."""
        return [c.key for c, _ in self._log]

    def moves(self) -> list[Move]:
        """The moves that are legal now, each with ``.id``, ``.target``, ``.label``, ``.key`` and
        the ways it can be said: ``.manners`` and ``.phrasings``.
        """
        return self.rules.legal_moves(self._situation)

    def choices(self) -> list[Choice]:
        """The choices that are legal now: each move once per manner it can be said in."""
        return self.rules.legal(self._situation)

    @property
    def can_finish(self) -> bool:
        """Whether the story's last beat has happened, so that ``play("finish")`` may end the
        session now (the scenario declares when, as the ``when`` of its ``finish`` move).
        """
        return any(c.ends for c in self.rules.legal(self._situation))

    def interpret(self, text: object) -> list[Reading]:
        """What the learner's own words could mean here, best first: each :class:`Reading` has
        ``.id``, ``.target``, ``.manner``, ``.confidence`` (0 to 1) and ``.cues``, and
        ``play(reading)`` plays it. Read offline and deterministically; never raises (anything
        but text, and text that matches nothing, reads as nothing or as low-confidence guesses).
        """
        if self.over:
            return []
        addressee = next((c.target for c, _ in reversed(self._log) if c.target), None)
        return reader_for(self.scenario).read(text, legal=self.choices(), addressee=addressee)

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
                channel=rules.channels[i],
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

    def play(
        self,
        move: str | Move | Choice | Phrasing | Playable,
        to: str | None = None,
        *,
        manner: str | None = None,
        said: str | None = None,
    ) -> Turn:
        """Play a move; ``to`` names the target (a cast id) for moves that take one, ``manner``
        how it is said for moves that can be said in several ways.

        ``move`` may be a move id, a whole choice in move notation (``"apologize:hr_rep/sincere"``),
        a :class:`Move` or :class:`Choice` from :meth:`moves` / :meth:`choices`, a :class:`Phrasing`
        (its words are recorded as said), or a reading of free text. ``said`` records the
        learner's own words. Raises :class:`IllegalMove`, naming the legal moves, when the move
        cannot be played now.
        """
        choice, words = self._resolve(move, to, manner, said)
        result = step(self.rules, self._situation, choice, self._draws, enact=self._board.enact)
        return self._record(result, words)

    def _record(self, result: Step, said: str | None) -> Turn:
        rules, choice = self.rules, result.choice
        after = result.after
        self._board.cells = list(after)
        scores = self.rubric.score(after)
        turn = Turn(
            number=len(self._log) + 1,
            move=choice.id,
            target=choice.target,
            label=choice.label,
            speaker=choice.target,
            speaker_name=self._names.get(choice.target) if choice.target else None,
            line=self._fill(result.text, choice),
            note=result.outcome.note,
            changes=self._changes(result.before, after),
            scores=scores,
            delta={k: scores[k] - self._scores[k] for k in scores},
            ending=rules.ending_id(after),
            day=after[rules.layout.day] if rules.layout.track_days else None,
            rule=result.outcome.rule,
            mood=rules.moods[choice.target_index][after[choice.target_index]] if choice.target else None,
            draws=self._rng.counter,
            manner=choice.manner,
            said=said,
            choice_key=choice.key if choice.key != choice.move_key else None,
        )
        self._log.append((choice, said))
        self._situation, self._scores = after, scores
        self._transcript.append(turn)
        if self.over:
            self.close()
        return turn

    def _fill(self, text: str, choice: Choice) -> str:
        if "$" not in text:
            return text
        names = dict(self._names)
        names["name"] = self._names[choice.target] if choice.target else "you"
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

    def _resolve(self, move: object, to: str | None, manner: str | None, said: str | None) -> tuple[Choice, str | None]:
        """The choice ``play`` was asked for, checked to be legal now, and the words said."""
        rules = self.rules
        if isinstance(move, Choice) and to is None and manner is None and rules.choices[move.index] is move:
            chosen = move  # one of this scenario's own choices, as moves() and choices() give them
        else:
            for name, value in (("to", to), ("manner", manner)):
                if value is not None and not isinstance(value, str):
                    raise InvalidArgument(name, "text or None", value)
            key, said = _key_and_words(move, said)
            chosen = self._choice_named(key, to, manner)
        if said is not None and not isinstance(said, str):
            raise InvalidArgument("said", "text or None", said)
        if not rules.is_legal(self._situation, chosen):
            reason = "the session is over" if self.over else "it is not available now"
            raise IllegalMove(chosen.key, None, reason, [] if self.over else self._legal_keys())
        return chosen, said

    def _choice_named(self, key: str, to: str | None, manner: str | None) -> Choice:
        """The choice a key names, with ``to`` and ``manner`` filling in the parts it leaves out;
        IllegalMove when it names none (or the session is over).
        """
        ref: str | MoveRef = key
        try:
            if to is not None or manner is not None:
                parsed = MoveRef.parse(key)
                ref = MoveRef(parsed.id, parsed.target or to, parsed.manner or manner)
            if self.over:
                raise IllegalMove(ref if isinstance(ref, str) else ref.key, None, "the session is over", [])
            return self.rules.resolve(ref)
        except Unresolved as exc:
            raise IllegalMove(exc.ref, None, exc.reason, self._legal_keys()) from None

    def _legal_keys(self) -> list[str]:
        return [c.key for c in self.choices()]

    def undo(self) -> Turn:
        """Take back the last move; the session continues as if it had never been played."""
        if not self._log:
            raise IllegalMove("undo", None, "no move has been played yet", self._legal_keys())
        last = self._transcript[-1]
        kept = self._log[:-1]
        self._start()
        for choice, words in kept:
            self.play(choice, said=words)
        return last

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
        return make_snapshot(
            self.scenario.id, self.scenario.hash, self.seed, self._rng.counter, self.played, [w for _, w in self._log]
        )

    @classmethod
    def restore(cls, scenario: Scenario, data: Mapping[str, Any]) -> Session:
        """Continue a snapshot; raises :class:`SnapshotError` if it belongs elsewhere."""
        if not isinstance(scenario, Scenario):
            raise InvalidArgument("scenario", "a Scenario from simulator.load_scenario()", scenario)
        snap = read_snapshot(data)
        if snap.scenario_id != scenario.id:
            raise SnapshotError(f"the snapshot is of scenario {snap.scenario_id[:60]!r}, not {scenario.id!r}")
        if snap.scenario_hash != scenario.hash:
            raise SnapshotError(
                f"scenario {scenario.id!r} has changed since the snapshot was taken "
                f"(hash {snap.scenario_hash[:12]} then, {scenario.hash[:12]} now)"
            )
        session = cls(scenario, snap.seed)
        for i, (move, words) in enumerate(zip(snap.moves, snap.said, strict=True), start=1):
            try:
                session.play(move, said=words)
            except IllegalMove as exc:
                session.close()
                raise SnapshotError(f"the snapshot does not replay: move {i} ({move[:60]}): {exc}") from exc
        if session._rng.counter != snap.draws:
            session.close()
            raise SnapshotError(
                f"the snapshot does not replay: {session._rng.counter} draws, snapshot says {snap.draws}"
            )
        return session
