"""Scores and debrief facts: pure functions of a situation and a transcript.

Each dimension is ``base + sum(weight * meter) + the ending's bonus``, clamped to 0..100, so a
running score is readable at any moment and becomes final when an ending adds its bonus.
``overall`` is the weighted mean of the dimensions the rubric names, rounded half up.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from .coaching import PhrasingNote, notes_for
from .layout import NameProblem
from .rules import Rules
from .spec import ScenarioSpec
from .transcript import Turn

__all__ = ["Debrief", "Rubric", "StoryAtEnd", "TurningPoint", "build_debrief", "phrasing_notes"]

CORE_DIMENSIONS = ("outcome", "relationship", "integrity")


class Rubric:
    """A scenario's scoring rules compiled against its situation layout. Raises
    :class:`~simulator.layout.NameProblem` for a term naming a meter that does not exist.
    """

    def __init__(self, spec: ScenarioSpec, rules: Rules) -> None:
        scoring = spec.scoring
        named = scoring.dimensions()
        ending_ids = [e.id for e in spec.endings]
        self.dimensions: tuple[str, ...] = (*named, "overall")
        self.positions: frozenset[int] = frozenset()  # every meter a score reads
        compiled = []
        for name, rule in named.items():
            path = ["scoring", name] if name in CORE_DIMENSIONS else ["scoring", "extra", name]
            terms = []
            for ref, weight in rule.terms.items():
                try:
                    terms.append((rules.layout.slot(ref, None), weight))
                except NameProblem as problem:
                    raise NameProblem(problem.reason, [*path, "terms", ref], key=True) from None
            compiled.append((name, rule.base, tuple(terms), tuple(rule.endings.get(e, 0) for e in ending_ids)))
            self.positions |= {p for p, _ in terms}
        self._rules = tuple(compiled)
        self._weights = tuple((name, w) for name, w in scoring.overall.weights.items())
        self._weight_sum = sum(w for _, w in self._weights)

    def score(self, s: Sequence[int]) -> dict[str, int]:
        ending = s[-1]
        out: dict[str, int] = {}
        for name, base, terms, bonuses in self._rules:
            value = base + sum(s[position] * weight for position, weight in terms)
            if ending >= 0:
                value += bonuses[ending]
            out[name] = 0 if value < 0 else 100 if value > 100 else value
        total = sum(out[name] * w for name, w in self._weights)
        # half-up rounding in integers: the same in every process and on every platform
        out["overall"] = (2 * total + self._weight_sum) // (2 * self._weight_sum)
        return out

    def overall(self, s: Sequence[int]) -> int:
        return self.score(s)["overall"]


@dataclass(frozen=True)
class TurningPoint:
    turn: int
    move: str
    target: str | None
    label: str
    delta: dict[str, int]
    why: str | None
    advice: str | None
    said: str | None = None  # the learner's words, when they said any
    # expected points the choice gave up against the best play there (the analysis fills it in)
    cost: float | None = None

    @property
    def helped(self) -> bool:
        return self.delta.get("overall", 0) > 0


@dataclass(frozen=True)
class StoryAtEnd:
    who: str
    name: str
    state: str
    mood: str
    story: str


@dataclass(frozen=True)
class Debrief:
    scenario: str
    title: str
    source: str
    ending: str | None
    ending_title: str | None
    ending_text: str | None
    scores: dict[str, int]
    turning_points: tuple[TurningPoint, ...]
    stories: tuple[StoryAtEnd, ...]
    recommended: tuple[str, ...]
    # What reaching the ending itself added to the scores (not credited to the last move).
    ending_effect: dict[str, int] = field(default_factory=dict)
    # What in the learner's own words helped or hurt (see simulator.coaching).
    phrasing_notes: tuple[PhrasingNote, ...] = ()
    # Filled in where the analysis rated the play (see simulator.analysis.review): the expected
    # score of the best play from the start, what the learner's choices were worth against it,
    # and what chance added to or took from the final score.
    optimum: float | None = None
    worth: float | None = None
    chance: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# A turn counts as a turning point when it moves overall this much, or any dimension this much.
OVERALL_SWING = 3
DIMENSION_SWING = 8
MAX_TURNING_POINTS = 6


def advice_for(spec: ScenarioSpec, move: str, target: str | None) -> str | None:
    """The source's advice about a move: advice for this exact target first, then for the move."""
    exact = [a.text for a in spec.advice if a.move == move and a.to == target and a.to is not None]
    general = [a.text for a in spec.advice if a.move == move and a.to is None]
    return next(iter(exact or general), None)


def phrasing_notes(spec: ScenarioSpec, transcript: Sequence[Turn]) -> tuple[PhrasingNote, ...]:
    """The phrasing notes of every turn, in order (see :mod:`simulator.coaching`)."""
    apologies_offered = any(m.id == "apologize" for m in spec.moves)
    repaired = False
    out: list[PhrasingNote] = []
    for t in transcript:
        out += notes_for(
            t.number,
            t.said,
            t.move,
            advice_for(spec, t.move, t.target),
            manner=t.manner,
            unrepaired=apologies_offered and not repaired,
        )
        repaired = repaired or t.move == "apologize"
    return tuple(out)


def build_debrief(
    spec: ScenarioSpec,
    rules: Rules,
    transcript: Sequence[Turn],
    situation: Sequence[int],
    scores: Mapping[str, int],
    ending_effect: Mapping[str, int] | None = None,
) -> Debrief:
    """The debrief's facts. ``ending_effect`` is what the ending's bonus added to ``scores``; it
    is taken off the last turn's change, so that a move is not credited with the ending.
    """
    effect = dict(ending_effect or {})
    last = transcript[-1].number if transcript else None

    def own_delta(t: Turn) -> dict[str, int]:
        if t.number != last or not effect:
            return dict(t.delta)
        return {k: v - effect.get(k, 0) for k, v in t.delta.items()}

    deltas = {t.number: own_delta(t) for t in transcript}
    swings = [
        t
        for t in transcript
        if abs(deltas[t.number].get("overall", 0)) >= OVERALL_SWING
        or any(abs(v) >= DIMENSION_SWING for k, v in deltas[t.number].items() if k != "overall")
    ]
    swings = sorted(swings, key=lambda t: (-abs(deltas[t.number].get("overall", 0)), t.number))[:MAX_TURNING_POINTS]
    points = tuple(
        TurningPoint(
            turn=t.number,
            move=t.move,
            target=t.target,
            label=t.label,
            delta=deltas[t.number],
            why=t.note,
            advice=advice_for(spec, t.move, t.target),
            said=t.said,
        )
        for t in sorted(swings, key=lambda t: t.number)
    )
    stories = tuple(
        StoryAtEnd(
            who=who,
            name=rules.names[i],
            state=rules.state_name(situation, i),
            mood=rules.moods[i][situation[i]],
            story=rules.stories[i][situation[i]],
        )
        for i, who in enumerate(rules.layout.cast)
    )
    ending = spec.endings[situation[-1]] if situation[-1] >= 0 else None
    return Debrief(
        phrasing_notes=phrasing_notes(spec, transcript),
        scenario=spec.id,
        title=spec.title,
        source=spec.source,
        ending=ending.id if ending else None,
        ending_title=ending.title if ending else None,
        ending_text=ending.text if ending else None,
        scores=dict(scores),
        ending_effect=effect,
        turning_points=points,
        stories=stories,
        recommended=tuple(spec.recommended),
    )
