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

import itertools
import math
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .cache import ContentCache
from .coaching import cue_ids
from .concepts import concept_of
from .rules import Choice, Rules
from .spec import ScenarioSpec
from .text import stem, words

if TYPE_CHECKING:
    from .scenario import Scenario

__all__ = ["CONFIDENT", "TUNED", "Example", "Reader", "Reading", "Tuning", "reader_for", "training_examples"]

# A reading at least this confident is shown as "heard as" and played on Enter.
CONFIDENT = 0.5


@dataclass(frozen=True)
class Tuning:
    """The reader's few numbers, chosen by cross-validation on the bundled scenarios' examples
    (``bench/reading_bench.py --tune``), never on the held-out utterances.
    """

    unigram: float = 1.0  # word stems carry the meaning
    bigram: float = 0.8  # stem pairs carry phrases such as "or else" and "i am sorry"
    trigram: float = 0.0  # triples: no better than pairs in cross-validation, so off
    chars: float = 0.35  # letter groups inside words carry typos and word forms
    concepts: float = 0.6  # words of one meaning (simulator.concepts) share a feature
    cues: float = 1.5  # habits of phrasing (simulator.coaching) are strong signs of a manner
    centre: float = 0.6  # closeness to a class's examples taken together ...
    nearest: float = 0.4  # ... and to its closest examples
    k: int = 2  # how many of the closest examples are averaged
    sharp_move: float = 14.0  # softmax sharpness over moves, targets and manners
    sharp_target: float = 10.0
    sharp_manner: float = 14.0
    in_domain: float = 0.24  # similarity at which a text starts to look like something the scenario knows
    in_domain_width: float = 0.05


TUNED = Tuning()
# Words too common to be worth naming as the reason for a reading (they still count as features).
QUIET = frozenset(
    "a an the i me my you your we us our it its is am are was were be been to of and or in on at for "
    "with this that there here so do did does have has had will would can could just".split()
)
# Role words too general to tell people apart ("manager" is everyone's role).
_GENERIC_ROLE = frozenset("manager hiring your head of the lead at and".split())

Vector = dict[str, float]


@dataclass(frozen=True)
class Reading:
    """One way the learner's text can be understood. ``s.play(reading)`` plays it, recording the
    text as said.
    """

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
    """One (move, manner, target) the reader can hear: its examples' vectors and their centre."""

    move: str
    manner: str | None
    target: str | None
    examples: list[Vector] = field(default_factory=list)
    centre: Vector = field(default_factory=dict)


def _features(text: str, tuning: Tuning = TUNED) -> dict[str, int]:
    """The features of a text and how often each occurs (their kind's weight is applied by
    :meth:`Reader._weigh`): ``w:`` word stems, ``b:`` and ``t:`` stem pairs and triples, ``c:``
    letter groups, ``k:`` concepts, ``q:`` phrasing cues. Kinds weighted zero are left out.
    """
    plain = words(text)
    tokens = [stem(w) for w in plain]
    # Counted in the order found (the order sums over the features run in, to the last bit).
    counts: Counter[str] = Counter()
    if tuning.cues:
        counts.update("q:" + cue for cue in cue_ids(plain))
    for token in tokens:
        counts.update(_token_features(token, tuning))
    counts.update(_phrase_features(tokens, tuning))
    return dict(counts)


def _token_features(token: str, tuning: Tuning) -> Iterator[str]:
    """The features of one word stem: itself, its concepts, its letter groups."""
    yield "w:" + token
    if tuning.concepts:
        for concept in concept_of(token):
            yield "k:" + concept
    if tuning.chars and len(token) > 3:
        padded = f"<{token}>"
        for i in range(len(padded) - 3):
            yield "c:" + padded[i : i + 4]


def _phrase_features(tokens: list[str], tuning: Tuning) -> Iterator[str]:
    """The stem pairs and triples of a text, in order."""
    if tuning.bigram:
        for a, b in itertools.pairwise(tokens):
            yield f"b:{a}_{b}"
    if tuning.trigram:
        for a, b, c in zip(tokens, tokens[1:], tokens[2:], strict=False):
            yield f"t:{a}_{b}_{c}"


def _normalised(vector: Mapping[str, float]) -> Vector:
    norm = math.sqrt(sum(v * v for v in vector.values()))
    return {k: v / norm for k, v in vector.items()} if norm else {}


# One thing a scenario teaches the reader: (move id, manner or None, target or None, text).
Example = tuple[str, str | None, str | None, str]


def training_examples(spec: ScenarioSpec, rules: Rules) -> list[Example]:
    """What a scenario teaches the reader: each move's label and description, its phrasings and
    its examples, with the manner where the move can be said several ways.
    """
    out: list[Example] = []
    for m in spec.moves:
        mannered = len({p.manner for p in m.phrasings}) > 1
        label = next(x.label for x in rules.moves if x.id == m.id)
        out.append((m.id, None, None, label))
        if m.description:
            out.append((m.id, None, None, m.description))
        for p in m.phrasings:
            out.append((m.id, p.manner if mannered else None, p.to, p.text))
        for e in m.examples:
            for text in e.say:
                out.append((m.id, e.manner if mannered else None, e.to, text))
    return out


class Reader:
    """What one scenario's examples teach about reading free text (``examples``: what to learn
    from instead of the scenario's own, for measuring on held-out parts of them).
    """

    def __init__(
        self, spec: ScenarioSpec, rules: Rules, examples: Sequence[Example] | None = None, *, tuning: Tuning = TUNED
    ) -> None:
        self.rules = rules
        self.tuning = tuning
        self._kind = {
            "w": tuning.unigram,
            "b": tuning.bigram,
            "t": tuning.trigram,
            "c": tuning.chars,
            "k": tuning.concepts,
            "q": tuning.cues,
        }
        raw = training_examples(spec, rules) if examples is None else list(examples)
        counted = [(move, manner, to, _features(text, tuning)) for move, manner, to, text in raw]
        # Inverse document frequency over the examples: a feature every move uses says little.
        df: dict[str, int] = {}
        for *_, feats in counted:
            for f in feats:
                df[f] = df.get(f, 0) + 1
        n = len(counted)
        self._idf = {f: math.log((1 + n) / (1 + d)) + 1.0 for f, d in df.items()}
        targets: dict[str, list[str | None]] = {}
        for m in rules.moves:
            targets.setdefault(m.id, []).append(m.target)
        self._classes: dict[tuple[str, str | None, str | None], _Class] = {}
        for move, manner, to, feats in counted:
            vector = self._weigh(feats)
            # An example that names no target teaches the move for each of its targets.
            for target in [to] if to is not None else targets.get(move, [None]):
                key = (move, manner, target)
                self._classes.setdefault(key, _Class(move, manner, target)).examples.append(vector)
        # Every example and centre indexed by feature, so that reading a text touches only what
        # shares a feature with it.
        self._keys = list(self._classes)
        self._examples: dict[str, list[tuple[int, int, float]]] = {}  # feature -> (class, example, weight)
        self._centres: dict[str, list[tuple[int, float]]] = {}  # feature -> (class, weight)
        for c, cls in enumerate(self._classes.values()):
            total: dict[str, float] = {}
            for e, vector in enumerate(cls.examples):
                for f, v in vector.items():
                    total[f] = total.get(f, 0.0) + v
                    self._examples.setdefault(f, []).append((c, e, v))
            cls.centre = _normalised(total)
            for f, v in cls.centre.items():
                self._centres.setdefault(f, []).append((c, v))
        # Who is who: names and roles of the cast, as words a learner types.
        self._people = {who: _person_cues(name) for who, name in zip(rules.layout.cast, rules.names, strict=True)}

    def _weigh(self, feats: Mapping[str, int]) -> Vector:
        """Counts to a unit vector: log-scaled count, times the kind's weight, times how rare
        the feature is among the examples (features no example has are dropped).
        """
        idf, kind = self._idf, self._kind
        return _normalised({f: (1.0 + math.log(c)) * kind[f[0]] * idf[f] for f, c in feats.items() if f in idf})

    # --- reading ---------------------------------------------------------------------------------

    def read(
        self, text: object, *, legal: Sequence[Choice] | None = None, addressee: str | None = None, limit: int = 5
    ) -> list[Reading]:
        """The readings of ``text``, best first (at most ``limit``), among the ``legal`` choices
        (all the scenario's choices when None). ``addressee``: whom the learner spoke to last,
        taken as the target when the text names nobody and its words do not say. Never raises
        on any string; anything that is not text reads as nothing.
        """
        if not isinstance(text, str) or not text.strip():
            return []
        choices = list(self.rules.choices if legal is None else legal)
        vector = self._weigh(_features(text, self.tuning)) if choices else {}
        if not vector:
            return []
        tuning = self.tuning
        moves = {c.id for c in choices}
        scores = self._scores(vector, moves)
        if not scores:
            return []
        by_move: dict[str, float] = {}
        for (move, _, _), score in scores.items():
            by_move[move] = max(by_move.get(move, 0.0), score)
        best = max(by_move.values())
        in_domain = 1.0 / (1.0 + math.exp(-(best - tuning.in_domain) / tuning.in_domain_width))
        move_p = _softmax(by_move, tuning.sharp_move)
        named = self._named(text)
        readings = []
        for choice in choices:
            p = move_p.get(choice.id, 0.0)
            p *= self._target_share(scores, choice, choices, named, addressee)
            p *= self._manner_share(scores, choice)
            readings.append((p * in_domain, choice))
        readings.sort(key=lambda pc: (-pc[0], pc[1].index))
        surface = {stem(w): w for w in reversed(words(text))}  # a stem as the learner wrote it
        return [
            Reading(
                choice.id,
                choice.target,
                choice.manner,
                choice.key,
                round(p, 4),
                self._cues(vector, choice, named, surface),
                text,
            )
            for p, choice in readings[:limit]
        ]

    def _scores(self, vector: Vector, moves: set[str]) -> dict[tuple[str, str | None, str | None], float]:
        """How close a text comes to each class of these moves: to the class's centre, and to
        its closest examples (the mean of the ``k`` best similarities).
        """
        tuning = self.tuning
        centre: dict[int, float] = {}
        near: dict[int, dict[int, float]] = {}
        for f, v in vector.items():
            for c, w in self._centres.get(f, ()):
                centre[c] = centre.get(c, 0.0) + v * w
            for c, e, w in self._examples.get(f, ()):
                per = near.setdefault(c, {})
                per[e] = per.get(e, 0.0) + v * w
        out = {}
        for c, key in enumerate(self._keys):
            if key[0] not in moves:
                continue
            best = sorted(near.get(c, {}).values(), reverse=True)[: tuning.k]
            k = min(tuning.k, len(self._classes[key].examples))
            out[key] = tuning.centre * centre.get(c, 0.0) + tuning.nearest * sum(best) / k
        return out

    def _target_share(
        self,
        scores: Mapping[tuple[str, str | None, str | None], float],
        choice: Choice,
        choices: Sequence[Choice],
        named: Mapping[str, int],
        addressee: str | None,
    ) -> float:
        """How much of the move's reading goes to this choice's target: the words (what was
        said to whom in the examples), names and roles in the text, else whom the learner spoke
        to last.
        """
        targets = list(dict.fromkeys(c.target for c in choices if c.id == choice.id))
        if len(targets) < 2:
            return 1.0
        by_words = {
            t: max((v for (m, _, tt), v in scores.items() if m == choice.id and tt == t), default=0.0) for t in targets
        }
        weights = _softmax(by_words, self.tuning.sharp_target)
        if any(named.get(str(t)) for t in targets):
            weights = {t: w * (1.0 + 8.0 * named.get(str(t), 0)) for t, w in weights.items()}
        elif addressee in targets:
            weights = {t: w * (2.0 if t == addressee else 1.0) for t, w in weights.items()}
        total = sum(weights.values())
        return weights[choice.target] / total if total else 1.0 / len(targets)

    def _manner_share(self, scores: Mapping[tuple[str, str | None, str | None], float], choice: Choice) -> float:
        """How much of the move's reading goes to this choice's manner."""
        manners = [c.manner for c in self.rules.moves_of(choice).choices]
        if len(manners) < 2:
            return 1.0
        values = {m: scores.get((choice.id, m, choice.target), 0.0) for m in manners}
        return _softmax(values, self.tuning.sharp_manner)[choice.manner]

    def _named(self, text: str) -> dict[str, int]:
        """How often the text names each cast member (by name or role)."""
        joined = " " + " ".join(words(text)) + " "
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
        (phrases first when a phrase carries it, and never a word as common as "the").
        """
        cls = self._classes.get(
            (choice.id, choice.manner if len(self.rules.moves_of(choice).choices) > 1 else None, choice.target)
        )
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


def _softmax(values: Mapping[Any, float], sharpness: float) -> dict[Any, float]:
    top = max(values.values())
    weights = {k: math.exp(sharpness * (v - top)) for k, v in values.items()}
    total = sum(weights.values())
    return {k: w / total for k, w in weights.items()}


def _dot(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(k, 0.0) for k, v in a.items())


def _person_cues(display: str) -> tuple[str, ...]:
    """``"Raj Patel (hiring manager, Fernhill Analytics)"`` -> the words a learner might use for
    them: first and last name, the role as a phrase (``hiring manager``), and the role's words
    that tell people apart (``fernhill``; ``hr`` and ``human resources`` for an HR role).
    """
    name, _, role = display.partition("(")
    cues = list(words(name))
    role_words = words(role)
    if "hr" in role_words:
        cues += ["hr", "human resources"]
    for part in role.replace(")", "").split(","):
        phrase = " ".join(words(part))
        if phrase:
            cues.append(phrase)
    cues += [w for w in role_words if w not in _GENERIC_ROLE and len(w) > 2]
    return tuple(dict.fromkeys(cues))


_CACHE: ContentCache[Reader] = ContentCache(16)


def reader_for(scenario: Scenario) -> Reader:
    """The reader of a scenario, learned once per scenario content (its hash)."""
    spec, rules = scenario.spec, scenario.rules
    return _CACHE.get(rules.scenario_hash, lambda: Reader(spec, rules))
