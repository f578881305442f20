"""Reading free text: what the learner typed, understood as a move, a target and a manner.

Offline, deterministic and small: a scenario's phrasings, its authored ``examples`` and its move
labels are the training data, learned once per scenario content (``reader_for``) in a few tens of
milliseconds. An utterance becomes a sparse vector of weighted features (word stems, stem pairs,
and letter groups inside words so that a typo still shares most of its features); each
(move, manner) is scored by how close the utterance comes to its examples, both their centre and
the nearest one. Who it is said to comes from names and roles in the text, else from whom the
learner spoke to last. The result is a ranked list of :class:`Reading`, each with a confidence
and the words that led there (``cues``), so the front end can say what it heard and why.

Why this and not a library: measured against rapidfuzz and scikit-learn on the same held-out set
(``bench/reading_bench.py --compare``), see the issue note; it needs no dependency, imports in a
millisecond and learns a scenario in well under the 200 ms budget.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from .cache import ContentCache
from .rules import Choice, Rules
from .spec import ScenarioSpec
from .text import stem, words

__all__ = ["CONFIDENT", "Reader", "Reading", "reader_for"]

# A reading at least this confident is shown as "heard as" and played on Enter.
CONFIDENT = 0.5
# How much each kind of feature counts (word stems carry the meaning; pairs carry phrases such as
# "or else" and "i am sorry"; letter groups carry typos and word forms).
UNIGRAM, BIGRAM, TRIGRAM, CHARS = 1.0, 0.8, 0.5, 0.35
# How the two similarities combine: the class's centre (its examples together) and its nearest
# example (the one phrase that matches best).
CENTRE, NEAREST = 0.45, 0.55
# Similarity at which a text starts to look like something the scenario knows (below: off-topic).
IN_DOMAIN, IN_DOMAIN_WIDTH = 0.24, 0.05
SHARPNESS = 14.0  # of the softmax that turns scores into a distribution over moves
# Words too common to be worth naming as the reason for a reading (they still count as features).
QUIET = frozenset(
    "a an the i me my you your we us our it its is am are was were be been to of and or in on at for "
    "with this that there here so do did does have has had will would can could just".split()
)

Vector = dict[str, float]


@dataclass(frozen=True)
class Reading:
    """One way the learner's text can be understood. ``s.play(reading)`` plays it, recording the
    text as said."""

    id: str
    target: str | None
    manner: str | None
    key: str  # the choice, in move notation
    confidence: float  # 0 to 1
    cues: tuple[str, ...]  # words of the text that led to this reading
    text: str  # what the learner typed

    @property
    def confident(self) -> bool:
        return self.confidence >= CONFIDENT


@dataclass
class _Class:
    """One (move, manner) the reader can hear: its examples' vectors and their centre."""

    move: str
    manner: str | None
    examples: list[Vector] = field(default_factory=list)
    centre: Vector = field(default_factory=dict)


def _features(text: str) -> dict[str, float]:
    """The features of a text with their raw counts (weighted by kind)."""
    tokens = [stem(w) for w in words(text)]
    out: dict[str, float] = {}

    def add(name: str, weight: float) -> None:
        out[name] = out.get(name, 0.0) + weight

    for token in tokens:
        add("w:" + token, UNIGRAM)
        padded = f"<{token}>"
        if len(token) > 3:
            for i in range(len(padded) - 3):
                add("c:" + padded[i : i + 4], CHARS)
    for a, b in zip(tokens, tokens[1:], strict=False):
        add(f"b:{a}_{b}", BIGRAM)
    for a, b, c in zip(tokens, tokens[1:], tokens[2:], strict=False):
        add(f"t:{a}_{b}_{c}", TRIGRAM)
    return out


def _normalised(vector: Mapping[str, float]) -> Vector:
    norm = math.sqrt(sum(v * v for v in vector.values()))
    return {k: v / norm for k, v in vector.items()} if norm else {}


class Reader:
    """What one scenario's examples teach about reading free text."""

    def __init__(self, spec: ScenarioSpec, rules: Rules) -> None:
        self.rules = rules
        raw: list[tuple[str, str | None, str | None, str]] = []  # (move, manner, to, text)
        for m in spec.moves:
            manners = list(dict.fromkeys(p.manner for p in m.phrasings))
            mannered = len(manners) > 1
            label = next(x.label for x in rules.moves if x.id == m.id)
            raw.append((m.id, None, None, label))
            if m.description:
                raw.append((m.id, None, None, m.description))
            for p in m.phrasings:
                raw.append((m.id, p.manner if mannered else None, p.to, p.text))
            for e in m.examples:
                for text in e.say:
                    raw.append((m.id, e.manner if mannered else None, e.to, text))
        counted = [(move, manner, _features(text)) for move, manner, _, text in raw]
        # Inverse document frequency over the examples: a feature every move uses says little.
        df: dict[str, int] = {}
        for _, _, feats in counted:
            for f in feats:
                df[f] = df.get(f, 0) + 1
        n = len(counted)
        self._idf = {f: math.log((1 + n) / (1 + d)) + 1.0 for f, d in df.items()}
        self._classes: dict[tuple[str, str | None], _Class] = {}
        for move, manner, feats in counted:
            cls = self._classes.setdefault((move, manner), _Class(move, manner))
            cls.examples.append(self._weigh(feats))
        for cls in self._classes.values():
            total: dict[str, float] = {}
            for vector in cls.examples:
                for f, v in vector.items():
                    total[f] = total.get(f, 0.0) + v
            cls.centre = _normalised(total)
        # Who is who: names and roles of the cast, as words a learner types.
        self._people = {
            who: _person_cues(name) for who, name in zip(rules.layout.cast, rules.names, strict=True)
        }

    def _weigh(self, feats: Mapping[str, float]) -> Vector:
        idf = self._idf
        return _normalised({f: (1.0 + math.log(c)) * idf.get(f, 0.0) for f, c in feats.items() if f in idf})

    # --- reading ---------------------------------------------------------------------------------

    def read(
        self, text: object, *, legal: Sequence[Choice] | None = None, addressee: str | None = None, limit: int = 5
    ) -> list[Reading]:
        """The readings of ``text``, best first (at most ``limit``), among the ``legal`` choices
        (all the scenario's choices when None). ``addressee``: whom the learner spoke to last,
        taken as the target when the text names nobody. Never raises on any string; anything
        that is not text reads as nothing."""
        if not isinstance(text, str) or not text.strip():
            return []
        choices = list(self.rules.choices if legal is None else legal)
        if not choices:
            return []
        vector = self._weigh(_features(text))
        if not vector:
            return []
        scores = self._scores(vector, {c.id for c in choices})
        by_move: dict[str, float] = {}
        for (move, _), score in scores.items():
            by_move[move] = max(by_move.get(move, 0.0), score)
        if not by_move:
            return []
        best = max(by_move.values())
        in_domain = 1.0 / (1.0 + math.exp(-(best - IN_DOMAIN) / IN_DOMAIN_WIDTH))
        total = sum(math.exp(SHARPNESS * (s - best)) for s in by_move.values())
        move_p = {m: math.exp(SHARPNESS * (s - best)) / total for m, s in by_move.items()}
        named = self._named(text)
        readings = []
        for choice in choices:
            manner_key = _manner_class(self.rules, choice)
            if (choice.id, manner_key) not in scores:
                continue
            p = move_p[choice.id] * self._manner_share(scores, choice) * self._target_share(choice, choices, named, addressee)
            readings.append((p * in_domain, choice))
        readings.sort(key=lambda pc: (-pc[0], pc[1].index))
        surface = {stem(w): w for w in reversed(words(text))}  # a stem as the learner wrote it
        out = []
        for confidence, choice in readings[:limit]:
            cues = self._cues(vector, choice, named, surface)
            out.append(
                Reading(choice.id, choice.target, choice.manner, choice.key, round(confidence, 4), cues, text)
            )
        return out

    def _scores(self, vector: Vector, moves: set[str]) -> dict[tuple[str, str | None], float]:
        """How close the text comes to each class of the given moves."""
        out = {}
        for key, cls in self._classes.items():
            if key[0] not in moves:
                continue
            centre = _dot(vector, cls.centre)
            nearest = max(_dot(vector, e) for e in cls.examples)
            out[key] = CENTRE * centre + NEAREST * nearest
        return out

    def _manner_share(self, scores: Mapping[tuple[str, str | None], float], choice: Choice) -> float:
        """How much of the move's reading goes to this choice's manner."""
        manners = [c.manner for c in self.rules.moves_of(choice).choices]
        if len(manners) < 2:
            return 1.0
        values = {m: scores.get((choice.id, m), 0.0) for m in manners}
        top = max(values.values())
        total = sum(math.exp(SHARPNESS * (v - top)) for v in values.values())
        return math.exp(SHARPNESS * (values[choice.manner] - top)) / total

    def _target_share(self, choice: Choice, choices: Sequence[Choice], named: Mapping[str, int], addressee: str | None) -> float:
        """How much of the reading goes to this choice's target, among the move's targets."""
        targets = list(dict.fromkeys(c.target for c in choices if c.id == choice.id))
        if len(targets) < 2:
            return 1.0
        mentioned = {t: named.get(str(t), 0) for t in targets}
        if any(mentioned.values()):
            weights = {t: 1.0 + 4.0 * mentioned[t] for t in targets}
        elif addressee in targets:
            weights = {t: 3.0 if t == addressee else 1.0 for t in targets}
        else:
            weights = dict.fromkeys(targets, 1.0)
        return weights[choice.target] / sum(weights.values())

    def _named(self, text: str) -> dict[str, int]:
        """How often the text names each cast member (by name or role)."""
        tokens = words(text)
        joined = " " + " ".join(tokens) + " "
        found = {}
        for who, cues in self._people.items():
            count = sum(joined.count(f" {cue} ") for cue in cues)
            if count:
                found[who] = count
        return found

    def _cues(
        self, vector: Vector, choice: Choice, named: Mapping[str, int], surface: Mapping[str, str]
    ) -> tuple[str, ...]:
        """The words of the text that count most towards this reading, as the learner wrote them
        (phrases first when a phrase carries it, and never a word as common as "the")."""
        cls = self._classes.get((choice.id, _manner_class(self.rules, choice))) or self._classes.get((choice.id, None))
        if cls is None:
            return ()
        contributions: dict[str, float] = {}
        for f, v in vector.items():
            if not f.startswith(("w:", "b:", "t:")):
                continue
            stems = f[2:].split("_")
            if all(s in QUIET for s in stems):
                continue
            weight = v * cls.centre.get(f, 0.0)
            if weight > 0:
                contributions[" ".join(surface.get(s, s) for s in stems)] = weight
        ranked = sorted(contributions, key=lambda k: (-contributions[k], k))
        cues: list[str] = []
        for cue in ranked:
            if not any(cue in kept or kept in cue for kept in cues):  # "sorry" adds nothing to "sorry but"
                cues.append(cue)
            if len(cues) == 3:
                break
        name = self._people[choice.target][0] if choice.target and named.get(choice.target) else None
        if name and name not in cues:
            cues.append(name)
        return tuple(cues)


def _manner_class(rules: Rules, choice: Choice) -> str | None:
    """The class key a choice's manner is learned under (None for a move said one way only)."""
    return choice.manner if len(rules.moves_of(choice).choices) > 1 else None


def _dot(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(k, 0.0) for k, v in a.items())


def _person_cues(display: str) -> tuple[str, ...]:
    """``"Marcus Hale (hiring manager)"`` -> the words a learner might use for them: first name,
    last name, and the role (``hiring manager``; ``hr`` and ``human resources`` for an HR role)."""
    name, _, role = display.partition("(")
    cues = list(words(name))
    role_words = words(role)
    if "hr" in role_words:
        cues += ["hr", "human resources"]
    phrase = " ".join(role_words)
    if phrase:
        cues.append(phrase)
        for lead in ("hiring manager", "your manager", "head of"):
            if phrase.startswith(lead) and lead != phrase:
                cues.append(lead)
    return tuple(dict.fromkeys(cues))


_CACHE: ContentCache[Reader] = ContentCache(16)


def reader_for(scenario: object) -> Reader:
    """The reader of a scenario, learned once per scenario content (its hash)."""
    spec: ScenarioSpec = scenario.spec  # type: ignore[attr-defined]
    rules: Rules = scenario.rules  # type: ignore[attr-defined]
    return _CACHE.get(rules.scenario_hash, lambda: Reader(spec, rules))

