"""How well a scenario's reader understands learners: utterance files and their accuracy.

An utterance file is YAML, a list of items labelled as a coach would hear them::

    - text: "sorry daniel, i was way out of line on that call"
      move: apologize        # null for text that is no move at all (off-topic)
      target: hr_rep         # null for moves without a target
      manner: sincere        # for moves said several ways; left out where it is not the point
      kind: lower            # free: short, long, typo, two-moves, off-topic, ...
      also: ["clarify:hiring_manager"]   # other acceptable readings, for two moves in one sentence

:func:`accuracy` reads every item against *all* the scenario's choices (not only those legal at
some moment, which would make it easier) and reports top-1 and top-3 accuracy of (move, target),
the accuracy of the manner where one is labelled, and how often off-topic text gets no confident
reading. Scenario authors can keep such a file beside their scenario and assert floors in their
own tests, as Parley does for its bundled scenarios.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from ..reading import Reading
    from ..scenario import Scenario

__all__ = ["Accuracy", "Utterance", "accuracy", "load_utterances"]


@dataclass(frozen=True)
class Utterance:
    text: str
    move: str | None
    target: str | None = None
    manner: str | None = None
    kind: str = ""
    also: tuple[str, ...] = ()

    @property
    def accepted(self) -> set[tuple[str, str | None]]:
        """The (move, target) pairs counted as right."""
        out: set[tuple[str, str | None]] = {(self.move, self.target)} if self.move else set()
        for other in self.also:
            move, _, target = other.partition(":")
            out.add((move, target or None))
        return out


@dataclass
class Accuracy:
    """What :func:`accuracy` measured. Rates are 0 to 1; counts say over how many items."""

    items: int = 0
    on_topic: int = 0
    top1: float = 0.0
    top3: float = 0.0
    labelled_manners: int = 0
    manner: float = 0.0
    off_topic: int = 0
    off_topic_quiet: float = 0.0  # off-topic items with no confident reading
    misses: list[tuple[str, str, str]] = field(default_factory=list)  # (text, expected, got)

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "misses"}


def load_utterances(path: str | Path) -> list[Utterance]:
    """The items of an utterance file (see the module docstring)."""
    import yaml

    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or []
    if not isinstance(data, list):
        raise ValueError(f"{path}: an utterance file is a list of items")
    out = []
    for n, item in enumerate(data):
        if not isinstance(item, Mapping) or not isinstance(item.get("text"), str):
            raise ValueError(f"{path}: item {n} needs a text")
        out.append(
            Utterance(
                text=item["text"],
                move=item.get("move"),
                target=item.get("target"),
                manner=item.get("manner"),
                kind=str(item.get("kind", "")),
                also=tuple(item.get("also") or ()),
            )
        )
    return out


class TextReader(Protocol):
    """What :func:`accuracy` measures: the scenario's reader, or any other with its ``read``."""

    def read(self, text: str) -> Sequence[Reading]: ...


def accuracy(scenario: Scenario, items: Iterable[Utterance], *, reader: TextReader | None = None) -> Accuracy:
    """Read every item with the scenario's reader (or ``reader``, anything with the same
    ``read(text)``) and measure it.
    """
    from ..reading import reader_for

    reader = reader or reader_for(scenario)
    result = Accuracy()
    top1 = top3 = manners = quiet = 0
    for item in items:
        result.items += 1
        readings = reader.read(item.text)
        if item.move is None:
            result.off_topic += 1
            if not readings or not readings[0].confident:
                quiet += 1
            else:
                result.misses.append((item.text, "off-topic", readings[0].key))
            continue
        result.on_topic += 1
        got = [(r.id, r.target) for r in readings]
        accepted = item.accepted
        if got[:1] and got[0] in accepted:
            top1 += 1
        else:
            result.misses.append((item.text, f"{item.move}:{item.target}", readings[0].key if readings else "nothing"))
        if any(g in accepted for g in got[:3]):
            top3 += 1
        if item.manner is not None:
            result.labelled_manners += 1
            if readings and readings[0].id == item.move and readings[0].manner == item.manner:
                manners += 1
    result.top1 = top1 / result.on_topic if result.on_topic else 0.0
    result.top3 = top3 / result.on_topic if result.on_topic else 0.0
    result.manner = manners / result.labelled_manners if result.labelled_manners else 0.0
    result.off_topic_quiet = quiet / result.off_topic if result.off_topic else 0.0
    return result
