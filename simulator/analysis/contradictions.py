"""Contradictions in a scenario's story world, over reachable places only.

Four kinds, each a ``warning`` (like ``note-sign``: the scenario plays, but tells the learner
something its own world contradicts), located at the offending text, with a line of moves that
reaches it:

* ``time-words``: a line, an ending or a closing story that says more time has passed ("the
  year went by", "weeks later") than the clock can show when it is seen. The clock is the days
  the moves have taken (``takes``; ``finish`` lets the rest of the time pass, as
  ``Rules.landing_day`` has it); a text is judged at the earliest day it can be seen.
* ``face-cue-remote``: body language or the room ("leans in", "nods") in a counterpart's mood,
  line or story while their ``channel`` is remote (e-mail, a friend, the phone); for a
  counterpart seen in person, in the mood of a state they reach before the learner has addressed
  them at all.
* ``silence-after-contact``: a counterpart saying the learner has been silent ("your silence",
  "haven't heard from you") on a line where the learner has already addressed them.
* ``story-contradicts-end``: a counterpart's closing story ("Their side of the story") that
  still wants the learner while the scenario has shut them off (a state that no longer takes
  the learner's calls), or while the last thing they did on the line was a cold turn ("Let's
  call it a day", an offer withdrawn) that left them in the state whose story it is.

"Addressed" is the engine's own notion of contact: a move with that counterpart as its target
has been played (the same event that sets the ``since_contact`` clock). Scene moves that speak
of someone do not count: the learner did not address them.

Texts are read with the small lexicons of :mod:`.cues`; the clock, the channel, the states, the
targets and the endings come from the scenario's structure.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from .cues import claimed_days, face_cue, in_person, note_leaning, silence_claim, story_leaning
from .diagnostics import Diagnostic, locate, origin_document

if TYPE_CHECKING:
    from ..rules import CompiledOutcome, CompiledReaction
    from ..scenario import Scenario
    from ..yamlsource import Document
    from .explore import Table

__all__ = ["contradictions"]

# A fact some line of play to a situation carries: ("met", who), ("unmet", who), or
# ("cold", who, id of an outcome): the last thing ``who`` did on that line was that cold turn.
Fact = tuple[Hashable, ...]


def contradictions(scenario: Scenario, table: Table) -> list[Diagnostic]:
    """Every finding of the four kinds (see the module docstring)."""
    lines = _Lines(scenario, table)
    return [*_time_words(lines), *_face_cues(lines), *_silence_claims(lines), *_closing_stories(lines)]


# --- what lies behind each situation ---------------------------------------------------------


class _History:
    """One forward pass over the table: for each situation, the fewest days a line of play can
    take to reach it, and the facts some line to it carries (see ``Fact``), each with a witness.

    Successors are numbered after their sources (explore.py), so one loop in node order sees
    every way into a node before leaving it.
    """

    def __init__(self, table: Table, cold: Callable[[CompiledOutcome, int, int], bool], kinds: frozenset[str]) -> None:
        self.table = table
        rules = table.rules
        self._cast = len(rules.layout.cast)
        self._names = [_short_name(n) for n in rules.names]
        self._cold = cold
        self._kinds = kinds  # the kinds of fact some check needs: the pass tracks only those
        n = table.size
        self.day = [1 << 60] * n
        self.day[0] = 0
        self._day_from = [-1] * n  # the edge the fewest days came through
        self._day_parent = [-1] * n
        start = frozenset(("unmet", w) for w in range(self._cast)) if "unmet" in kinds else frozenset()
        self.facts: list[frozenset[Fact]] = [frozenset()] * n
        self.facts[0] = start
        self._from: dict[tuple[int, Fact], tuple[int, int, int]] = {}  # (node, fact) -> (parent, edge, k)
        self._memo: dict[tuple[frozenset[Fact], int, int], frozenset[Fact]] = {}
        self._effects: dict[tuple[int, int], tuple[frozenset[tuple[Hashable, ...]], frozenset[Fact]]] = {}
        self._days()
        if kinds:
            self._run()

    def _days(self) -> None:
        """The fewest days to each node, and the edge they came through."""
        table, day, day_from, day_parent = self.table, self.day, self._day_from, self._day_parent
        rules = table.rules
        choices = [rules.choices[entry.choice] for entry in table.entries]
        edge_start, edge_entry, branch_start, branch_node = (
            table.edge_start,
            table.edge_entry,
            table.branch_start,
            table.branch_node,
        )
        for i in range(table.size):
            today = day[i]
            for e in range(edge_start[i], edge_start[i + 1]):
                landed = rules.landing_day(today, choices[edge_entry[e]])
                for j in branch_node[branch_start[e] : branch_start[e + 1]]:
                    if landed < day[j]:
                        day[j], day_from[j], day_parent[j] = landed, e, i

    def _run(self) -> None:
        """The facts of each node, each with the first way in that carried it."""
        table, facts, witness = self.table, self.facts, self._from
        edge_start, edge_entry, branch_start, branch_node = (
            table.edge_start,
            table.edge_entry,
            table.branch_start,
            table.branch_node,
        )
        memo, step = self._memo, self._step
        for i in range(table.size):
            here = facts[i]
            for e in range(edge_start[i], edge_start[i + 1]):
                ei = edge_entry[e]
                b = branch_start[e]
                for k in range(branch_start[e + 1] - b):
                    j = branch_node[b + k]
                    after = memo.get((here, ei, k))
                    if after is None:
                        after = memo[(here, ei, k)] = step(here, ei, k)
                    there = facts[j]
                    if not after <= there:
                        for fact in after - there:
                            witness[(j, fact)] = (i, e, k)
                        facts[j] = there | after

    def _step(self, here: frozenset[Fact], ei: int, k: int) -> frozenset[Fact]:
        """The facts after outcome ``k`` of entry ``ei``, from ``here``."""
        effect = self._effects.get((ei, k))
        if effect is None:
            effect = self._effects[(ei, k)] = self._effect(ei, k)
        gone, added = effect
        return frozenset(f for f in here if f[:2] not in gone) | added

    def _effect(self, ei: int, k: int) -> tuple[frozenset[tuple[Hashable, ...]], frozenset[Fact]]:
        """What outcome ``k`` of entry ``ei`` does to the facts: the (kind, who) it clears and
        the facts it adds.
        """
        entry = self.table.entries[ei]
        target = self.table.rules.choices[entry.choice].target_index
        outcome = entry.outcomes[k]
        gone: set[tuple[Hashable, ...]] = set()
        added: set[Fact] = set()
        if target >= 0:
            gone.add(("unmet", target))
            added.add(("met", target))
        for who in self._concerned(target, outcome) if "cold" in self._kinds else ():
            gone.add(("cold", who))
            if self._cold(outcome, who, target):
                added.add(("cold", who, id(outcome)))
        return frozenset(gone), frozenset(f for f in added if f[0] in self._kinds)

    def _concerned(self, target: int, outcome: CompiledOutcome) -> Iterator[int]:
        """Who an outcome is an event for: the counterpart who answered, anyone it moves, and
        anyone a scene line names (the scene's "Raj writes to say ..." is Raj's doing).
        """
        if target >= 0:
            yield target
        moved = {who for who, _ in outcome.also}
        for who in range(self._cast):
            if who == target:
                continue
            if who in moved or (target < 0 and any(self._names[who].search(line) for line in outcome.lines)):
                yield who

    def line_to(self, node: int, fact: Fact | None = None) -> list[str]:
        """Move keys of a line from the start to ``node``: the fewest days when ``fact`` is None,
        else a line that carries ``fact`` there.
        """
        table = self.table
        tail: list[str] = []
        while node > 0:
            if fact is None:
                edge, parent = self._day_from[node], self._day_parent[node]
            else:
                parent, edge, k = self._from[(node, fact)]
                if fact in self._step(frozenset(), table.edge_entry[edge], k):
                    return [*table.path_to(parent), table.choice_of(edge).key, *reversed(tail)]
            tail.append(table.choice_of(edge).key)
            node = parent
        return list(reversed(tail))


def _short_name(name: str) -> re.Pattern[str]:
    """How a scene line names a cast member: the first word of their name ("Raj Patel (...)")."""
    return re.compile(rf"\b{re.escape(name.split()[0])}\b")


# --- the places a text is seen ----------------------------------------------------------------


@dataclass(frozen=True)
class _Said:
    """A line of a reaction's outcome, with where it was written."""

    outcome: CompiledOutcome
    speaker: int  # the counterpart who says it, -1 for the scene
    doc: Document
    path: list[str | int]  # to the outcome's ``say`` list (the persona's ``unmoved`` for a fallback)

    def line_path(self, n: int) -> list[str | int]:
        """Where its ``n``-th variant stands (a fallback's variants are its ``unmoved`` lines)."""
        return [*self.path, n]


class _Lines:
    """The scenario, its table and its history, with the texts the checks read."""

    def __init__(self, scenario: Scenario, table: Table) -> None:
        self.scenario, self.table, self.rules = scenario, table, table.rules
        self._stories = {
            (w, s): self._story_place(w, s)
            for w in range(len(self.rules.layout.cast))
            for s in range(len(self.rules.layout.states[w]))
        }
        self.history = _History(table, self._cold, self._kinds())

    def _kinds(self) -> frozenset[str]:
        """The facts the checks will ask about, given the texts there are: none at all for a
        scenario with no claim of silence, no warm story and no face cue in an in-person mood.
        """
        rules = self.rules
        stories = [text for text, _, _ in self._stories.values()]
        said = [line for entry in self.table.entries for o in entry.outcomes for line in o.lines]
        kinds = set()
        if any(silence_claim(t) for t in [*stories, *said]):
            kinds.add("met")
        if any(story_leaning(t) > 0 for t in stories):
            kinds.add("cold")
        for w, moods in enumerate(rules.moods):
            if in_person(rules.channels[w]) and any(face_cue(m) for s, m in enumerate(moods) if s != rules.initial[w]):
                kinds.add("unmet")
        return frozenset(kinds)

    def _cold(self, outcome: CompiledOutcome, who: int, target: int) -> bool:
        """A cold turn by ``who`` that leaves their state as it was: a reply (or a scene line
        about them) that reads as shutting the learner out, with no ``to`` for them.
        """
        moved = (outcome.dest is not None and who == target) or any(w == who for w, _ in outcome.also)
        if moved:
            return False
        said_cold = any(story_leaning(line) < 0 for line in outcome.lines)
        return said_cold or (outcome.note is not None and note_leaning(outcome.note) < 0)

    def said(self, keep: Callable[[str], object]) -> Iterator[tuple[_Said, int, int]]:
        """Each outcome some reachable move produces with a line that ``keep`` holds for, once per
        edge: (what is said, the node it is said from, the edge).
        """
        table, rules = self.table, self.rules
        places: dict[int, list[_Said]] = {}
        for e_index, entry in enumerate(table.entries):
            choice = rules.choices[entry.choice]
            kept = [
                self._place(entry.reaction, o, choice.target_index)
                for o in entry.outcomes
                if any(keep(line) for line in o.lines)
            ]
            if found := [s for s in kept if s is not None]:
                places[e_index] = found
        if not places:
            return
        for i in range(table.size):
            for e in table.edges(i):
                for said in places.get(table.edge_entry[e], ()):
                    yield said, i, e

    def _place(self, reaction: CompiledReaction, outcome: CompiledOutcome, speaker: int) -> _Said | None:
        if reaction.origin:
            doc, path = origin_document(self.scenario, reaction.origin)
            return _Said(outcome, speaker, doc, [*path, "outcomes", outcome.index, "say"])
        if speaker < 0:
            return None  # the scene's own "time passes": written by no one
        who = self.rules.layout.cast[speaker]
        return _Said(outcome, speaker, self.scenario.persona_documents[who], ["unmoved"])

    @cached_property
    def ends(self) -> list[tuple[int, tuple[int, ...]]]:
        """Nodes where the conversation has ended (dead ends are scored as they stand), each
        with the cast's states there.
        """
        table = self.table
        return [(j, table.states_of(j)) for j in range(table.size) if table.terminal(j)]

    def story_place(self, who: int, state: int) -> tuple[str, Document, list[str | int]]:
        return self._stories[(who, state)]

    def _story_place(self, who: int, state: int) -> tuple[str, Document, list[str | int]]:
        cast_id = self.rules.layout.cast[who]
        name = self.rules.layout.states[who][state]
        if name in self.scenario.spec.cast[cast_id].stories:
            return self.rules.stories[who][state], self.scenario.document, ["cast", cast_id, "stories", name]
        return self.rules.stories[who][state], self.scenario.persona_documents[cast_id], ["states", name, "story"]


# --- 1. time words against the clock ----------------------------------------------------------------


def _time_words(lines: _Lines) -> list[Diagnostic]:
    return [*_time_words_said(lines), *_time_words_at_end(lines)]


def _time_words_said(lines: _Lines) -> list[Diagnostic]:
    """Lines that say more time has passed than the clock shows when they are said (the move's
    own time included: a reply comes as the move lands).
    """
    table, history = lines.table, lines.history
    first: dict[int, tuple[int, int, int, _Said]] = {}  # id(outcome) -> fewest days, node, edge
    for said, i, e in lines.said(claimed_days):
        day = table.rules.landing_day(history.day[i], table.choice_of(e))
        key = id(said.outcome)
        if key not in first or day < first[key][0]:
            first[key] = (day, i, e, said)
    earliest: dict[tuple[int, int], tuple[int, int, int, _Said, tuple[int, str]]] = {}
    for key, (day, i, e, said) in first.items():
        for n, text in enumerate(said.outcome.lines):
            found = claimed_days(text)
            if found and day < found[0]:
                earliest[(key, n)] = (day, i, e, said, found)
    return [
        _finding(
            said.doc,
            said.line_path(n),
            "time-words",
            f"says {words!r} ({days} days or more), but can be said on day {day}",
            [*history.line_to(i), table.choice_of(e).key],
        )
        for (_, n), (day, i, e, said, (days, words)) in earliest.items()
    ]


def _time_words_at_end(lines: _Lines) -> list[Diagnostic]:
    """Endings (title and text) and closing stories that say more time has passed than the
    clock shows at the end.
    """
    table, history, rules = lines.table, lines.history, lines.rules
    first: dict[tuple[int, tuple[int, ...]], tuple[int, int]] = {}  # (ending, states) -> fewest days, node
    for j, states in lines.ends:
        key = (int(table.ending[j]), states)
        if key not in first or history.day[j] < first[key][0]:
            first[key] = (history.day[j], j)
    earliest: dict[tuple[str, str | None, tuple[str | int, ...]], tuple[int, int, Document]] = {}
    for (end, states), (day, j) in first.items():
        texts = [lines.story_place(who, state) for who, state in enumerate(states)]
        if end >= 0:
            ending = rules.endings[end]
            texts += [(getattr(ending, f), lines.scenario.document, ["endings", end, f]) for f in ("title", "text")]
        for text, doc, path in texts:
            found = claimed_days(text)
            key2 = (text, doc.file, tuple(path))
            if found and day < found[0] and (key2 not in earliest or day < earliest[key2][0]):
                earliest[key2] = (day, j, doc)
    out = []
    for (text, _, where), (day, j, doc) in earliest.items():
        days, words = claimed_days(text) or (0, "")
        what = "this ending" if where[0] == "endings" else "this closing story"
        message = f"{what} says {words!r} ({days} days or more), but can be reached on day {day}"
        out.append(_finding(doc, list(where), "time-words", message, history.line_to(j)))
    return out


# --- 2. face-to-face cues under a remote channel -------------------------------------------------------


def _face_cues(lines: _Lines) -> list[Diagnostic]:
    remote = [not in_person(c) for c in lines.rules.channels]
    return [*_face_moods(lines, remote), *_face_lines(lines, remote), *_face_stories(lines, remote)]


def _face_moods(lines: _Lines, remote: list[bool]) -> list[Diagnostic]:
    """Moods are seen whenever the counterpart is in that state (the turn panel, the debrief):
    a face cue in one is found while the channel is remote, or, in person, in a state other
    than their first that they reach before the learner has addressed them.
    """
    table, history, rules = lines.table, lines.history, lines.rules
    cast = rules.layout.cast
    cued = {(w, s): face_cue(mood) for w, moods in enumerate(rules.moods) for s, mood in enumerate(moods)}
    found: dict[tuple[int, int], tuple[int, Fact | None]] = {}
    for j in range(table.size) if any(cued.values()) else ():
        for w, s in enumerate(table.states_of(j)):
            if not cued[(w, s)] or (w, s) in found:
                continue
            if remote[w]:
                found[(w, s)] = (j, None)
            elif s != rules.initial[w] and ("unmet", w) in history.facts[j]:
                found[(w, s)] = (j, ("unmet", w))
    out = []
    for (w, s), (j, fact) in found.items():
        name = rules.layout.states[w][s]
        why = f"while {cast[w]} is {rules.channels[w]!r}" if fact is None else f"before the learner addresses {cast[w]}"
        out.append(
            _finding(
                lines.scenario.persona_documents[cast[w]],
                ["states", name, "mood"],
                "face-cue-remote",
                f"{cast[w]}'s mood when {name!r} shows {cued[(w, s)]!r}, seen only face to face, {why}",
                history.line_to(j, fact) if fact else table.path_to(j),
            )
        )
    return out


def _face_lines(lines: _Lines, remote: list[bool]) -> list[Diagnostic]:
    """What a counterpart says (a reply always follows being addressed) with a face cue in it,
    while their channel is remote.
    """
    table, cast, channels = lines.table, lines.rules.layout.cast, lines.rules.channels
    found: dict[tuple[int, int], tuple[_Said, int, int, str]] = {}
    for said, i, e in lines.said(face_cue):
        if said.speaker >= 0 and remote[said.speaker]:
            for n, text in enumerate(said.outcome.lines):
                cue = face_cue(text)
                if cue and (id(said.outcome), n) not in found:
                    found[(id(said.outcome), n)] = (said, i, e, cue)
    return [
        _finding(
            said.doc,
            said.line_path(n),
            "face-cue-remote",
            f"{cast[said.speaker]} says {cue!r}, seen only face to face, "
            f"while {cast[said.speaker]} is {channels[said.speaker]!r}",
            [*table.path_to(i), table.choice_of(e).key],
        )
        for (_, n), (said, i, e, cue) in found.items()
    ]


def _face_stories(lines: _Lines, remote: list[bool]) -> list[Diagnostic]:
    table, cast, channels = lines.table, lines.rules.layout.cast, lines.rules.channels
    out: list[Diagnostic] = []
    told: set[tuple[int, int]] = set()
    for j, states in lines.ends:
        for w, s in enumerate(states):
            if not remote[w] or (w, s) in told:
                continue
            told.add((w, s))
            text, doc, path = lines.story_place(w, s)
            cue = face_cue(text)
            if cue:
                message = (
                    f"{cast[w]}'s closing story shows {cue!r}, seen only face to face, "
                    f"while {cast[w]} is {channels[w]!r}"
                )
                out.append(_finding(doc, path, "face-cue-remote", message, table.path_to(j)))
    return out


# --- 3. claims of silence after contact ----------------------------------------------------------------


def _silence_claims(lines: _Lines) -> list[Diagnostic]:
    table, history, rules = lines.table, lines.history, lines.rules
    cast = rules.layout.cast
    out: list[Diagnostic] = []
    seen: set[tuple[int, int]] = set()
    for said, i, e in lines.said(silence_claim):
        if said.speaker < 0 or ("met", said.speaker) not in history.facts[i]:
            continue
        for n, text in enumerate(said.outcome.lines):
            words = silence_claim(text)
            if words and (id(said.outcome), n) not in seen:
                seen.add((id(said.outcome), n))
                who = cast[said.speaker]
                out.append(
                    _finding(
                        said.doc,
                        said.line_path(n),
                        "silence-after-contact",
                        f"{who} says {words!r} after the learner has already addressed {who}",
                        [*history.line_to(i, ("met", said.speaker)), table.choice_of(e).key],
                    )
                )
    told: set[tuple[int, int]] = set()
    for j, states in lines.ends:
        for w, s in enumerate(states):
            if (w, s) in told or ("met", w) not in history.facts[j]:
                continue
            text, doc, path = lines.story_place(w, s)
            words = silence_claim(text)
            if words:
                told.add((w, s))
                out.append(
                    _finding(
                        doc,
                        path,
                        "silence-after-contact",
                        f"{cast[w]}'s closing story says {words!r} after the learner has addressed {cast[w]}",
                        history.line_to(j, ("met", w)),
                    )
                )
    return out


# --- 4. a closing story against the last event --------------------------------------------------------


def _closing_stories(lines: _Lines) -> list[Diagnostic]:
    table, history, rules = lines.table, lines.history, lines.rules
    cast = rules.layout.cast
    warm = {
        (w, s): story_leaning(rules.stories[w][s]) > 0 for w in range(len(cast)) for s in range(len(rules.stories[w]))
    }
    out: list[Diagnostic] = []
    told: set[tuple[int, int]] = set()
    for j, states in lines.ends:
        facts = history.facts[j]
        for w, s in enumerate(states):
            if not warm[(w, s)] or (w, s) in told:
                continue
            state = rules.layout.states[w][s]
            if not rules.reachable[w][s]:
                why, moves = f"{cast[w]} is {state!r}, which no longer takes the learner's calls", table.path_to(j)
            else:
                cold = next((f for f in facts if f[0] == "cold" and f[1] == w), None)
                if cold is None:
                    continue
                outcome = _outcome_by_id(table, int(cold[2]))  # type: ignore[call-overload]
                said = outcome.lines[0][:50]
                why = f"the last thing {cast[w]} did on this line was cold ({said!r}) and left them {state!r}"
                moves = history.line_to(j, cold)
            told.add((w, s))
            text, doc, path = lines.story_place(w, s)
            out.append(
                _finding(
                    doc,
                    path,
                    "story-contradicts-end",
                    f"{cast[w]}'s closing story still wants the learner ({text[:40]!r}), but {why}",
                    moves,
                )
            )
    return out


def _outcome_by_id(table: Table, key: int) -> CompiledOutcome:
    return next(o for entry in table.entries for o in entry.outcomes if id(o) == key)


def _finding(doc: Document, path: list[str | int], code: str, message: str, moves: list[str]) -> Diagnostic:
    return locate(doc, path, "warning", code, message, moves=moves)
