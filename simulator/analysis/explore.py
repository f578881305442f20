"""Exhaustive exploration: every reachable situation, compiled once into a table.

The table maps each situation and legal move to its weighted next situations. Every analysis
(checks, solver, expectations, diagrams) reads this one table; none touches the live machines.

Why it is fast, in pure Python:

* A situation (minus its ending, which is a function of the rest) is *interned to one integer*,
  a mixed-radix number with one digit per tuple position and the turn as the last digit. A
  successor is then ``code + delta``: one integer addition and one dict lookup, no tuple built.
* What a choice does depends only on a few positions: those its reactions' conditions read, and
  those its outcomes set or clamp (each compiled reaction carries its ``reads`` and ``writes``).
  Every other position changes by a constant or not at all. So the result of a choice is
  memoised on the digits of that footprint (a few ``//`` and ``%`` over runs of adjacent digits,
  in a generated lambda) and computed by :func:`simulator.step.branches`, the same step live
  play takes, on the first situation that needs it. The same holds for the legal moves and for
  the ending.
* Clocks are compared only with thresholds, so a footprint holds the *bucket* of the day (and
  of the days since each contact) between the thresholds used, shifted by the move's duration
  because reactions see the situation as the move lands; the contact a move writes is patched
  into the successor's code after the memo.
* Meters that no condition and no score reads are merged away (their digit has one value):
  situations that differ only there have the same future and the same worth.
* Each move adds one turn, so exploration in discovery order is breadth-first by turn, every
  successor has a larger number than its source, and any backward pass is a plain reversed loop.
* The table is flat ``array`` columns (compressed sparse rows): about 300 bytes a situation
  with the integer index, measured up to a million situations (``bench/explore_bench.py``).

Two property tests keep this honest: random live sessions (``transitions`` machines) replayed
against the table step by step, and the table against a plain search over
:func:`simulator.step.branches` on generated scenarios with clocks, contacts and day limits.
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections.abc import Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import TYPE_CHECKING

from ..cache import ContentCache
from ..conditions import ClockKey, Reads
from ..layout import NEVER
from ..rules import Choice, CompiledOutcome, CompiledReaction, Rules, Situation
from ..step import branches

if TYPE_CHECKING:
    from ..scenario import Scenario

__all__ = ["Entry", "Table", "explore"]

# Beyond this many situations exploration stops and the table says it is incomplete.
DEFAULT_LIMIT = 2_000_000

# A footprint: the digits of a code that a memo is keyed on (an int, or a tuple of ints and
# clock buckets), extracted by a generated function (see _Coder._key).
KeyOf = Callable[[int], Hashable]
# A choice's memo: footprint -> (its entry's index, the code differences of its outcomes)
ChoiceMemo = dict[Hashable, tuple[int, tuple[int, ...]]]
# A place in the table's footprint sets: a tuple position or a clock (see conditions.ClockKey)
Place = int | ClockKey
# A legal move as exploration plays it: (footprint key, memo, choice index, contact radix or 0).
_Legal = tuple[KeyOf, ChoiceMemo, int, int]


@dataclass(frozen=True, slots=True)
class Entry:
    """The memoised result of one choice from one class of situations."""

    choice: int  # index into rules.choices
    reaction: CompiledReaction
    total: int
    weights: tuple[int, ...]
    probs: tuple[float, ...]
    deltas: tuple[int, ...]  # code differences, one per outcome
    outcomes: tuple[CompiledOutcome, ...]
    overall: tuple[int, ...] = ()  # what each outcome changes in the running overall score


class Table:
    """Every reachable situation of a scenario and, for each legal move, its chance results.

    Nodes are numbered ``0..n-1`` in breadth-first order (node 0 is the start). Columns:

    * ``codes[i]``: the situation's integer code; ``ending[i]``: its ending index or -1;
    * ``edge_start[i] .. edge_start[i+1]``: its edges (legal moves), each with ``edge_entry[e]``
      (an index into ``entries``) and ``branch_start[e]``: its next nodes are
      ``branch_node[branch_start[e] : branch_start[e] + len(entries[edge_entry[e]].weights)]``;
    * ``parent[i]``: the node it was first found from (for witness lines).
    """

    def __init__(self, scenario: Scenario, *, limit: int = DEFAULT_LIMIT) -> None:
        self.scenario = scenario
        self.rules = scenario.rules
        self.limit = limit
        self._coder = _Coder(scenario)
        self.entries: list[Entry] = []
        self.codes: list[int] = []
        self.index: dict[int, int] = {}
        self.ending = array("b")
        self.edge_start = array("i")
        self.edge_entry = array("i")
        self.branch_node = array("i")
        self.parent = array("i")
        self.dead_ends: list[int] = []
        self.expansions = 0
        self.complete = True
        self._scores: tuple[list[dict[str, int]], array[int]] | None = None
        self._explore()

    # --- building ----------------------------------------------------------------------------

    def _explore(self) -> None:
        coder, rules = self._coder, self.rules
        codes, index, ending = self.codes, self.index, self.ending
        edge_start, edge_entry, branch_node = self.edge_start, self.edge_entry, self.branch_node
        entries = self.entries
        legal_key, ending_key = coder.legal_key, coder.ending_key
        legal_memo: dict[Hashable, tuple[_Legal, ...]] = {}
        ending_memo: dict[Hashable, int] = {}
        choice_memos: list[ChoiceMemo] = [{} for _ in rules.choices]
        limit = self.limit
        turn_radix, turn_limit = coder.turn_radix, rules.turn_limit
        layout = rules.layout
        rd = coder.radix[layout.day] if layout.track_days else 1
        nd = coder.sizes[layout.day] if layout.track_days else 1
        nc = coder.sizes[layout.contact0] if layout.track_contacts else 1
        # Bound methods: the loop below runs once per branch, so every attribute lookup counts.
        es_append, bn_append = edge_start.append, branch_node.append
        codes_append, end_append, par_append = codes.append, ending.append, self.parent.append
        index_get, ending_get = index.get, ending_memo.get

        start = coder.encode(rules.initial)
        codes_append(start)
        index[start] = 0
        end_append(rules.initial[-1])
        par_append(-1)
        n = 1
        edges = 0
        legal_get = legal_memo.get
        ee_append = edge_entry.append
        # Iterating a list while appending to it visits the new items too: a breadth-first queue.
        for i, code in enumerate(codes):
            es_append(edges)
            if ending[i] >= 0:
                continue
            legal = legal_get(legal_key(code))
            if legal is None:
                legal = legal_memo[legal_key(code)] = self._legal(code, choice_memos)
            if not legal:
                self.dead_ends.append(i)
                continue
            for key_of, memo, m, rc in legal:
                key = key_of(code)
                hit = memo.get(key)
                if hit is None:
                    entry = coder.entry(code, m)
                    hit = memo[key] = (len(entries), entry.deltas)
                    entries.append(entry)
                e, deltas = hit
                ee_append(e)
                for delta in deltas:
                    nxt = code + delta
                    if rc:  # the target's last contact becomes today: digit = day + 1
                        nxt += (nxt // rd % nd + 1 - nxt // rc % nc) * rc
                    j = index_get(nxt)
                    if j is None:
                        j = index[nxt] = n
                        n += 1
                        codes_append(nxt)
                        ek = (ending_key(nxt), nxt % turn_radix >= turn_limit)
                        found = ending_get(ek)
                        if found is None:
                            found = ending_memo[ek] = rules.ending_index(coder.decode(nxt))
                        end_append(found)
                        par_append(i)
                    bn_append(j)
            edges += len(legal)
            if n > limit:
                self.complete = False
                break
        self._close_columns(edges)

    def _close_columns(self, edges: int) -> None:
        """End the edge and branch columns once exploration stops, ``edges`` edges in."""
        # Nodes found but not expanded (only when the limit was hit) get no edges.
        while len(self.edge_start) < len(self.codes):
            self.edge_start.append(edges)
        self.edge_start.append(edges)
        self.expansions = edges
        counts = [len(e.deltas) for e in self.entries]
        self.branch_start = array("i", accumulate(map(counts.__getitem__, self.edge_entry), initial=0))

    def _legal(self, code: int, choice_memos: list[ChoiceMemo]) -> tuple[_Legal, ...]:
        """The legal moves of a situation, each as what the loop of :meth:`_explore` plays it with:
        the choice's footprint key and memo, its index, and the radix of the contact it writes
        (0 when it writes none).
        """
        coder = self._coder
        choices = tuple(c.index for c in self.rules.legal(coder.decode(code)))
        return tuple(
            (
                coder.choice_keys[m],
                choice_memos[m],
                m,
                coder.contact_radix(m),
            )
            for m in choices
        )

    # --- reading -----------------------------------------------------------------------------

    @property
    def size(self) -> int:
        return len(self.codes)

    def situation(self, node: int) -> Situation:
        """The situation tuple of a node, exactly as :class:`~simulator.Session` holds it."""
        return (*self._coder.decode(self.codes[node])[:-1], self.ending[node])

    def node(self, situation: Sequence[int]) -> int:
        """The node of a situation tuple; raises KeyError when it is not reachable."""
        return self.index[self._coder.encode(situation)]

    def turn(self, node: int) -> int:
        return self.codes[node] % self._coder.turn_radix

    def edges(self, node: int) -> range:
        return range(self.edge_start[node], self.edge_start[node + 1])

    def next_nodes(self, edge: int) -> array[int]:
        """The next node of each chance result of an edge, in the order of its outcomes."""
        return self.branch_node[self.branch_start[edge] : self.branch_start[edge + 1]]

    def choice_of(self, edge: int) -> Choice:
        """The choice an edge plays."""
        return self.rules.choices[self.entries[self.edge_entry[edge]].choice]

    def branches(self, edge: int) -> list[tuple[float, CompiledOutcome, int]]:
        """``(probability, outcome, next node)`` for each chance result of an edge."""
        entry = self.entries[self.edge_entry[edge]]
        b = self.branch_start[edge]
        return [
            (p, o, self.branch_node[b + k]) for k, (p, o) in enumerate(zip(entry.probs, entry.outcomes, strict=True))
        ]

    def successors(self, node: int) -> Iterator[tuple[int, float, int]]:
        """``(edge, probability, next node)`` for every move and chance result from ``node``."""
        for e in self.edges(node):
            entry = self.entries[self.edge_entry[e]]
            b = self.branch_start[e]
            for k, p in enumerate(entry.probs):
                yield e, p, self.branch_node[b + k]

    def states_of(self, node: int) -> tuple[int, ...]:
        """The cast's state indices at a node (its leading digits), without decoding the rest."""
        coder = self._coder
        code = self.codes[node]
        return tuple(code // coder.radix[p] % coder.sizes[p] for p in range(len(self.rules.layout.cast)))

    def path_to(self, node: int) -> list[str]:
        """A shortest line of move keys from the start to ``node`` (through the first discoverer)."""
        keys: list[str] = []
        while self.parent[node] >= 0:
            up = self.parent[node]
            keys.append(next(self.choice_of(e).key for e, _, j in self.successors(up) if j == node))
            node = up
        return keys[::-1]

    def reached_endings(self) -> set[int]:
        return set(self.ending) - {-1}

    def terminal(self, node: int) -> bool:
        return self.ending[node] >= 0 or self.edge_start[node] == self.edge_start[node + 1]

    def fired(self) -> set[tuple[int, int]]:
        """``(id(reaction), outcome index)`` of every outcome some reachable move can produce."""
        return {(id(e.reaction), o.index) for e in self.entries for o in e.outcomes}

    def fired_reactions(self) -> set[int]:
        return {id(e.reaction) for e in self.entries}

    def states_reached(self) -> list[set[int]]:
        """For each cast member, the state indices some reachable situation has."""
        found: list[set[int]] = [{s} for s in self.rules.initial[: len(self.rules.layout.cast)]]
        for entry_states in self._coder.states_seen:
            for who, state in enumerate(entry_states):
                found[who].add(state)
        return found

    @property
    def unread(self) -> tuple[int, ...]:
        """Tuple positions of meters that nothing reads (merged away: see the module docstring)."""
        return self._coder.unread

    def final_scores(self) -> tuple[list[dict[str, int]], array[int]]:
        """The distinct final score cards, and for each node the index of its card (-1 while it
        goes on). Dead ends (no ending, no legal move) are scored as they stand.
        """
        if self._scores is None:
            rubric = self.scenario.rubric
            coder, codes, ending, starts = self._coder, self.codes, self.ending, self.edge_start
            score_key = coder.score_key
            cards: list[dict[str, int]] = []
            memo: dict[tuple[int, Hashable], int] = {}
            ids = array("i", [-1]) * len(codes)
            for i, code in enumerate(codes):
                end = ending[i]
                if end < 0 and starts[i] != starts[i + 1]:
                    continue
                key = (end, score_key(code))
                found = memo.get(key)
                if found is None:
                    found = memo[key] = len(cards)
                    cards.append(rubric.score((*coder.decode(code)[:-1], end)))
                ids[i] = found
            self._scores = (cards, ids)
        return self._scores


# --- the integer coding ------------------------------------------------------------------------


def _all_reads(rules: Rules) -> Reads:
    """What the endings, the choices' conditions and the reactions read."""
    reads: Reads = rules.ending_reads()
    for choice in rules.choices:
        if choice.when is not None:
            reads = reads | choice.when.reads
        for reaction in rules.reactions[choice.index]:
            reads = reads | reaction.reads
    return reads


class _Coder:
    """Situations as mixed-radix integers, and the footprints that key the memos."""

    def __init__(self, scenario: Scenario) -> None:
        rules = self.rules = scenario.rules
        self.rubric = scenario.rubric
        layout = rules.layout
        cast_n = len(layout.cast)
        self.width = width = len(rules.initial) - 1  # every position but the ending
        # Meters that no condition and no score reads cannot change what happens or what it is
        # worth: situations that differ only there are merged (their digit has one value).
        reads = _all_reads(rules)
        read: set[int] = set(range(cast_n)) | set(reads.positions) | set(scenario.rubric.positions)
        day_cuts = reads.cuts(("days",)) | ({rules.day_limit} if rules.day_limit is not None else set())
        self.unread = tuple(p for p in range(layout.meter0, layout.contact0) if p not in read)
        self.lows, self.sizes = self._digit_ranges(read)
        self.contacts = range(layout.contact0, layout.contact0 + cast_n) if layout.track_contacts else range(0)
        self.radix = [1] * width
        for p in range(width - 2, -1, -1):
            self.radix[p] = self.radix[p + 1] * self.sizes[p + 1]
        self.turn_radix = self.sizes[-1]
        # (position, size, low) from the last digit to the first, for decode; contacts decode
        # with low 0 here and are fixed up after.
        self._backwards = [
            (p, self.sizes[p], 0 if p in self.contacts else self.lows[p]) for p in range(width - 1, -1, -1)
        ]
        self.states_seen: list[tuple[int, ...]] = []
        # Clocks are read only against thresholds, so keys hold the clock's bucket between the
        # thresholds, not the day itself: otherwise every new day would miss every memo.
        self._names: dict[str, tuple[int, ...]] = {}
        self._day_cuts = sorted(day_cuts)
        self._since_cuts = {who: sorted(reads.cuts(("since", who))) for who in range(cast_n)}
        self._footprints(scenario)

    def _digit_ranges(self, read: set[int]) -> tuple[list[int], list[int]]:
        """The lowest value and the number of values of each position's digit: a state index, a
        meter in its bounds (one value when nothing reads it), a contact's day or NEVER, the day,
        the turn. Days run to the last day a move can still land on.
        """
        rules = self.rules
        layout = rules.layout
        cast_n = len(layout.cast)
        max_days = max([c.days for c in rules.choices] + [0])
        max_day = rules.turn_limit * max_days if rules.day_limit is None else rules.day_limit - 1 + max(max_days, 1)
        lows: list[int] = []
        sizes: list[int] = []
        for p in range(self.width):
            if p < cast_n:
                low, size = 0, len(layout.states[p])
            elif p < layout.contact0:
                k = p - layout.meter0
                low, size = layout.lows[k], layout.highs[k] - layout.lows[k] + 1
                if p not in read:
                    low, size = rules.initial[p], 1
            elif layout.track_contacts and p < layout.contact0 + cast_n:
                low, size = -1, max_day + 2  # NEVER is coded as digit 0, day d as d + 1
            elif layout.track_days and p == layout.day:
                low, size = 0, max_day + 1
            else:  # the turn
                low, size = 0, rules.turn_limit + 1
            lows.append(low)
            sizes.append(size)
        return lows, sizes

    def _footprints(self, scenario: Scenario) -> None:
        """The keys of the memos: which positions each part reads or writes in a way that is not a
        constant (the legal moves, the ending, each choice, the score).
        """
        rules = self.rules
        legal_positions: set[Place] = set()
        for choice in rules.choices:
            if choice.target_index >= 0:
                legal_positions.add(choice.target_index)
            if choice.when is not None:
                legal_positions |= choice.when.reads.keys
        self.legal_key = self._key(legal_positions)
        ending_positions: set[Place] = set(rules.ending_reads().keys)
        # The timeout is read as a flag next to this key (see Table._explore), not as the turn.
        if rules.day_limit is not None:
            ending_positions.add(("days",))
        self.ending_key = self._key(ending_positions)
        self.choice_keys: list[KeyOf] = []
        for choice in rules.choices:
            # Legality has its own memo: a choice's key holds what its reactions read and write.
            # Reactions read the situation as the choice lands, with its days spent: hence shift.
            positions: set[Place] = {choice.target_index} if choice.target_index >= 0 else set()
            for reaction in rules.reactions[choice.index]:
                positions |= reaction.reads.keys | reaction.writes
            if choice.ends:  # it jumps the turn and day to their limits: how far depends on both
                positions |= {rules.layout.turn, *([rules.layout.day] if rules.layout.track_days else [])}
            # A contact written (set to the day) is patched in after the memo: see Table._explore.
            self.choice_keys.append(self._key(positions, shift=choice.days))
        self.score_key = self._key(set(scenario.rubric.positions))

    def _buckets(self, name: str, cuts: list[int], shift: int) -> str:
        """A tuple naming, for each day digit, the bucket of (digit + shift) between the cuts."""
        key = f"{name}_{shift}"
        if key not in self._names:
            size = self.sizes[self.rules.layout.day]
            self._names[key] = tuple(bisect_right(cuts, d + shift) for d in range(size + 1))
        return key

    def _key(self, positions: set[Place], *, shift: int = 0) -> KeyOf:
        """A function extracting the digits at ``positions`` from a code, one op per run of
        adjacent digits; clock reads (``("days",)``, ``("since", who)``) as their bucket.
        """
        return self._lambda(self._parts(positions, shift=shift))

    def _lambda(self, parts: list[str]) -> KeyOf:
        if not parts:
            return lambda c: 0
        body = parts[0] if len(parts) == 1 else "(" + ", ".join(parts) + ")"
        # Only integers and names computed here go into the source: nothing from a file.
        key_of: KeyOf = eval(f"lambda c: {body}", dict(self._names))
        return key_of

    def _parts(self, positions: set[Place], *, shift: int = 0) -> list[str]:
        runs: list[tuple[int, int]] = []
        clocks = sorted(q for q in positions if isinstance(q, tuple))
        for p in sorted(q for q in positions if isinstance(q, int) and self.sizes[q] > 1):
            if runs and runs[-1][1] == p - 1:
                runs[-1] = (runs[-1][0], p)
            else:
                runs.append((p, p))
        parts = []
        for first, last in runs:
            size = 1
            for p in range(first, last + 1):
                size *= self.sizes[p]
            radix = self.radix[last]
            parts.append(f"c % {size}" if radix == 1 else f"c // {radix} % {size}")
        layout = self.rules.layout
        if clocks:
            rd, nd = self.radix[layout.day], self.sizes[layout.day]
            day = f"c // {rd} % {nd}"
            for clock in clocks:
                if clock[0] == "days":
                    parts.append(f"{self._buckets('D', self._day_cuts, shift)}[{day}]")
                else:
                    who = clock[1]
                    p = layout.contact0 + who
                    contact = f"c // {self.radix[p]} % {self.sizes[p]}"
                    table = self._buckets(f"S{who}", self._since_cuts[who], shift)
                    parts.append(f"({table}[{day} - {contact} + 1] if {contact} else -1)")
        return parts

    def encode(self, s: Sequence[int]) -> int:
        code = 0
        for p in range(self.width):
            digit = self._digit(p, s[p])
            if not 0 <= digit < self.sizes[p]:
                raise KeyError(f"position {p} holds {s[p]}, outside what this scenario can reach")
            code += digit * self.radix[p]
        return code

    def decode(self, code: int) -> Situation:
        out = [0] * (self.width + 1)
        for p, size, low in self._backwards:
            code, digit = divmod(code, size)
            out[p] = digit + low
        for p in self.contacts:
            out[p] = NEVER if out[p] == 0 else out[p] - 1  # digit 0 is NEVER, d + 1 is day d
        out[-1] = -1
        return tuple(out)

    def contact_radix(self, m: int) -> int:
        """The radix of the contact digit a move writes, 0 when it writes none."""
        position = self.contact_of(m)
        return 0 if position is None else self.radix[position]

    def contact_of(self, m: int) -> int | None:
        """The position of the contact a move writes (its target's), when contacts are tracked."""
        choice = self.rules.choices[m]
        if self.rules.layout.track_contacts and choice.target_index >= 0:
            return self.rules.layout.contact0 + choice.target_index
        return None

    def _digit(self, p: int, value: int) -> int:
        if self.sizes[p] == 1:  # a position this scenario never varies (or never reads)
            return 0
        if p in self.contacts:
            return 0 if value == NEVER else value + 1  # NEVER is digit 0, day d is d + 1
        return value - self.lows[p]

    def entry(self, code: int, m: int) -> Entry:
        rules = self.rules
        s = self.decode(code)
        results = branches(rules, s, rules.choices[m])
        reaction = results[0].reaction
        cast_n = len(rules.layout.cast)
        radix, digit = self.radix, self._digit
        layout = rules.layout
        # Only what the reaction writes, the turn and the day can change (a contact written is
        # patched in by the caller), so only those positions can contribute to the difference.
        changing = sorted({*reaction.writes, layout.turn, *([layout.day] if layout.track_days else [])})
        changing = [p for p in changing if self.sizes[p] > 1]
        deltas = []
        for result in results:
            nxt = result.after
            deltas.append(sum((digit(p, nxt[p]) - digit(p, s[p])) * radix[p] for p in changing if nxt[p] != s[p]))
            self.states_seen.append(nxt[:cast_n])
        weights = tuple(r.outcome.weight for r in results)
        # The overall score before and after, before any ending's bonus (what a move itself did).
        score = self.rubric.overall
        before = score(s)
        overall = tuple(score((*r.after[:-1], -1)) - before for r in results)
        return Entry(
            choice=m,
            reaction=reaction,
            total=reaction.total,
            weights=weights,
            probs=tuple(w / reaction.total for w in weights),
            deltas=tuple(deltas),
            outcomes=tuple(r.outcome for r in results),
            overall=overall,
        )


_CACHE: ContentCache[Table] = ContentCache(16)


def explore(scenario: Scenario, *, limit: int = DEFAULT_LIMIT) -> Table:
    """The exploration table of a scenario, built once per scenario content (its hash)."""
    return _CACHE.get((scenario.hash, limit), lambda: Table(scenario, limit=limit))
