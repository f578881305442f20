"""Optimal and typical play, computed exactly on the exploration table.

Expectimax: a situation that has ended is worth its final ``overall``; otherwise it is worth the
best of its moves, and a move is worth the probability-weighted mean of its chance results.
Because every move spends a turn, the table is a layered graph and one reversed pass over its
nodes computes every value (no recursion, no search).

Policies other than the optimum are valued the same way: ``random`` picks uniformly among the
legal moves; an archetype picks uniformly among the legal moves it prefers, and uniformly among
all legal moves when none of its preferred ones is available.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from operator import mul
from typing import TYPE_CHECKING, Any, TypedDict

from ..cache import ContentCache
from ..claims import EPSILON
from ..errors import AnalysisError
from ..notation import Choosable, MoveRef, Unresolved
from ..policies import ARCHETYPES, POLICIES
from .explore import DEFAULT_LIMIT, Table, explore

if TYPE_CHECKING:
    from ..scenario import Scenario

__all__ = ["ARCHETYPES", "EPSILON", "Alternative", "Review", "Solver", "solver_for", "starts_with"]


class Alternative(TypedDict):
    """A played turn against the best move there, each valued as the expected ``overall`` with
    the best play afterwards: what a transcript document keeps as ``alternatives``.
    """

    turn: int
    played: str
    played_value: float
    best: str
    best_value: float


class Review(Alternative):
    """A row of :meth:`Solver.review`: an :class:`Alternative` and the points the move gave up."""

    loss: float


@dataclass(frozen=True)
class NoReturn:
    """A move that can close the door on the best ending."""

    move: str
    certain: bool  # wherever it is played with the door open, it closes it, whatever the chance
    turns: tuple[int, ...]  # turn numbers (1-based) at which playing it can close the door
    situations: int  # situations in which playing it can close the door
    example: tuple[str, ...]  # a line of moves ending with this one, from the start

    def to_dict(self) -> dict[str, Any]:
        return {
            "move": self.move,
            "certain": self.certain,
            "turns": list(self.turns),
            "situations": self.situations,
            "example": list(self.example),
        }


class Solver:
    """Expected ``overall`` under optimal play for every reachable situation of one scenario."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.rules = table.rules
        cards, ids = table.final_scores()
        self._final = [cards[k]["overall"] if k >= 0 else 0.0 for k in ids]
        self.values = self._backward(None)
        self._policies: dict[str, list[float]] = {}
        self._reach_best: array[int] | None = None
        self._advised: dict[str, int] | None = None

    @classmethod
    def of(cls, scenario: Scenario) -> Solver:
        return solver_for(scenario)

    # --- the passes -----------------------------------------------------------------------

    def _backward(self, prefer: frozenset[str] | str | None) -> list[float]:
        """Values of every node under a policy: None = optimal, "random", or preferred move ids.

        Archetypes are valued only on the situations they can reach (few: they repeat moves).
        """
        t = self.table
        final = self._final
        starts, edge_entry, branch_start, branch_node = t.edge_start, t.edge_entry, t.branch_start, t.branch_node
        entries = t.entries
        probs = [e.probs for e in entries]
        singles = [len(e.probs) == 1 for e in entries]
        preferred = [
            prefer is not None and prefer != "random" and self.rules.choices[e.choice].id in prefer for e in entries
        ]
        V = [0.0] * t.size
        get = V.__getitem__
        nodes: Sequence[int] = range(t.size - 1, -1, -1)
        if isinstance(prefer, frozenset):
            nodes = self._reached_by(prefer, preferred)
        for i in nodes:
            a, b = starts[i], starts[i + 1]
            if a == b:
                V[i] = final[i]
                continue
            if isinstance(prefer, frozenset):
                chosen = [e for e in range(a, b) if preferred[edge_entry[e]]] or range(a, b)
            else:
                chosen = range(a, b)
            qs = []
            for e in chosen:
                k = edge_entry[e]
                s = branch_start[e]
                if singles[k]:
                    qs.append(V[branch_node[s]])
                else:
                    p = probs[k]
                    qs.append(sum(map(mul, p, map(get, branch_node[s : s + len(p)]))))
            V[i] = max(qs) if prefer is None else sum(qs) / len(qs)
        return V

    def _reached_by(self, prefer: frozenset[str], preferred: list[bool]) -> list[int]:
        """The nodes an archetype can reach, last first (a valid order for a backward pass)."""
        t = self.table
        starts, edge_entry, branch_start, branch_node = t.edge_start, t.edge_entry, t.branch_start, t.branch_node
        seen = bytearray(t.size)
        seen[0] = 1
        stack = [0]
        while stack:
            i = stack.pop()
            a, b = starts[i], starts[i + 1]
            chosen = [e for e in range(a, b) if preferred[edge_entry[e]]] or range(a, b)
            for e in chosen:
                for j in branch_node[branch_start[e] : branch_start[e + 1]]:
                    if not seen[j]:
                        seen[j] = 1
                        stack.append(j)
        return [i for i in range(t.size - 1, -1, -1) if seen[i]]

    def _q(self, edge: int, V: Sequence[float]) -> float:
        t = self.table
        entry = t.entries[t.edge_entry[edge]]
        s = t.branch_start[edge]
        return sum(p * V[t.branch_node[s + k]] for k, p in enumerate(entry.probs))

    # --- what the front end asks ------------------------------------------------------------

    @property
    def optimum(self) -> float:
        """Expected final ``overall`` from the start under optimal play."""
        return self.values[0]

    def value(self, situation: Sequence[int]) -> float:
        return self.values[self.table.node(situation)]

    def move_values(self, situation: Sequence[int]) -> dict[str, float]:
        """Each legal move's expected final ``overall`` if play is optimal afterwards, in the
        scenario's order (empty once the session is over). Raises KeyError for a situation this
        scenario cannot reach (a session of another version of the file).
        """
        node = self.table.node(situation)
        return {self.table.choice_of(e).key: self._q(e, self.values) for e in self.table.edges(node)}

    def hint(self, situation: Sequence[int]) -> tuple[str, float] | None:
        """The best move now and its expected final ``overall`` (None once it is over)."""
        values = self.move_values(situation)
        if not values:
            return None
        best = max(values, key=lambda k: values[k])
        return best, values[best]

    def best_moves(self, situation: Sequence[int]) -> list[str]:
        """The optimal moves in a situation (several when they tie), in the scenario's order."""
        values = self.move_values(situation)
        if not values:
            return []
        top = max(values.values())
        return [k for k, v in values.items() if v >= top - EPSILON]

    @property
    def advised(self) -> dict[str, int]:
        """How the source regards each choice: 0 on its recommended line, 2 on a line it warns
        against and not on the recommended one, 1 otherwise. Ties in value are broken by this,
        so that a hint never prefers what the story warns against over what it advises.
        """
        if self._advised is None:
            spec, rules = self.table.scenario.spec, self.rules
            recommended = {rules.resolve(k).key for k in spec.recommended}
            warned = {rules.resolve(k).key for line in spec.anti_patterns.values() for k in line} - recommended
            self._advised = {c.key: 0 if c.key in recommended else 2 if c.key in warned else 1 for c in rules.choices}
        return self._advised

    def ranked(self, situation: Sequence[int]) -> list[tuple[str, float]]:
        """The legal choices best first: by value, ties broken towards the source's advice, then
        by the scenario's order.
        """
        values = self.move_values(situation)
        advised = self.advised
        order = {k: n for n, k in enumerate(values)}
        return sorted(values.items(), key=lambda kv: (-round(kv[1], 6), advised.get(kv[0], 1), order[kv[0]]))

    def keeps_best_ending(self, situation: Sequence[int]) -> dict[str, bool]:
        """For each legal choice, whether some result of it can still reach the best ending."""
        t = self.table
        reach = self._reach()
        node = t.node(situation)
        return {t.choice_of(e).key: any(reach[j] for j in t.next_nodes(e)) for e in t.edges(node)}

    def review(self, situations: Sequence[Sequence[int]], moves: Sequence[str]) -> list[Review]:
        """For a played line (the situation before each move, and the moves), each turn's move
        and its value under optimal play afterwards, against the best move there and its value:
        what a debrief shows as "the best alternative".
        """
        out: list[Review] = []
        for turn, (situation, key) in enumerate(zip(situations, moves, strict=True), start=1):
            values = self.move_values(situation)
            # Among moves worth the same, the one played counts as best (no "better move" that
            # is not better), then the one the source advises (see ranked).
            top = max(values.values())
            best = key if values[key] >= top - EPSILON else self.ranked(situation)[0][0]
            out.append(
                {
                    "turn": turn,
                    "played": key,
                    "played_value": values[key],
                    "best": best,
                    "best_value": values[best],
                    "loss": max(0.0, values[best] - values[key]),
                }
            )
        return out

    @property
    def first_moves(self) -> dict[str, float]:
        return self.move_values(self.rules.initial)

    def _best_edge(self, node: int) -> int | None:
        best, best_q = None, float("-inf")
        for e in self.table.edges(node):
            q = self._q(e, self.values)
            if q > best_q + EPSILON:
                best, best_q = e, q
        return best

    @property
    def best_line(self) -> list[dict[str, Any]]:
        """The most likely path of optimal play: at each step the best move (the first in the
        scenario's order among ties), then its most likely chance result.
        """
        t = self.table
        out = []
        node = 0
        while (e := self._best_edge(node)) is not None:
            move = t.choice_of(e)
            p, _, nxt = max(t.branches(e), key=lambda b: b[0])  # first among equals
            out.append(
                {
                    "move": move.id,
                    "to": move.target,
                    "key": move.key,
                    "expected": round(self._q(e, self.values), 6),
                    "probability": round(p, 6),
                    "ending": self.rules.endings[t.ending[nxt]].id if t.ending[nxt] >= 0 else None,
                }
            )
            node = nxt
        return out

    def best_tree(self, *, min_probability: float = 0.05, max_depth: int = 60) -> dict[str, Any]:
        """Optimal play as a tree: the best move, then every chance result with its probability.
        Branches less likely than ``min_probability`` (from the start) are cut and counted.
        """
        t = self.table

        def grow(node: int, reach: float, depth: int) -> dict[str, Any]:
            here: dict[str, Any] = {"expected": round(self.values[node], 6)}
            if t.ending[node] >= 0:
                here["ending"] = self.rules.endings[t.ending[node]].id
            e = self._best_edge(node)
            if e is None or depth >= max_depth:
                return here
            here["move"] = t.choice_of(e).key
            results = []
            cut = 0.0
            for p, outcome, nxt in t.branches(e):
                if reach * p < min_probability:
                    cut += p
                    continue
                results.append({"probability": round(p, 6), "note": outcome.note, **grow(nxt, reach * p, depth + 1)})
            here["outcomes"] = results
            if cut:
                here["cut"] = round(cut, 6)
            return here

        return grow(0, 1.0, 0)

    # --- other policies ---------------------------------------------------------------------

    def policy_values(self, name: str) -> list[float]:
        if name not in POLICIES:
            raise AnalysisError(f"unknown policy {name!r}; policies: {', '.join(POLICIES)}")
        if name not in self._policies:
            self._policies[name] = self._backward("random" if name == "random" else ARCHETYPES[name])
        return self._policies[name]

    def policy(self, name: str) -> float:
        """Expected final ``overall`` of a named policy: random or an archetype."""
        return self.policy_values(name)[0]

    @property
    def random(self) -> float:
        return self.policy("random")

    @property
    def archetypes(self) -> dict[str, float]:
        return {name: self.policy(name) for name in ARCHETYPES}

    def repeated(self, key: str) -> float | None:
        """Expected ``overall`` of playing ``key`` every turn; None when it is not always legal."""
        t = self.table
        memo: dict[int, float | None] = {}

        def value(node: int) -> float | None:
            if node in memo:
                return memo[node]
            if t.terminal(node):
                memo[node] = self._final[node]
                return memo[node]
            edge = next((e for e in t.edges(node) if t.choice_of(e).key == key), None)
            result: float | None = None
            if edge is not None:
                total = 0.0
                for p, _, nxt in t.branches(edge):
                    v = value(nxt)
                    if v is None:
                        break
                    total += p * v
                else:
                    result = total
            memo[node] = result
            return result

        return value(0)

    # --- the best ending and the points of no return ------------------------------------------

    @property
    def best_ending(self) -> str | None:
        """The reachable ending with the highest final ``overall`` any line can reach."""
        t = self.table
        cards, ids = t.final_scores()
        best: dict[int, int] = {}
        for node in range(t.size):
            end = t.ending[node]
            if end >= 0:
                score = cards[ids[node]]["overall"]
                if score > best.get(end, -1):
                    best[end] = score
        if not best:
            return None
        end = max(best, key=lambda k: (best[k], -k))
        return self.rules.endings[end].id

    def _reach(self) -> array[int]:
        if self._reach_best is None:
            t = self.table
            target = next((k for k, e in enumerate(self.rules.endings) if e.id == self.best_ending), -2)
            reach = array("b", [0]) * t.size
            starts, branch_node = t.edge_start, t.branch_node
            branch_start = t.branch_start
            for i in range(t.size - 1, -1, -1):
                if t.ending[i] == target:
                    reach[i] = 1
                    continue
                a, b = starts[i], starts[i + 1]
                if a != b and any(reach[j] for j in branch_node[branch_start[a] : branch_start[b]]):
                    reach[i] = 1
            self._reach_best = reach
        return self._reach_best

    def can_reach_best(self, situation: Sequence[int]) -> bool:
        return bool(self._reach()[self.table.node(situation)])

    def last_chance(self, situations: Sequence[Sequence[int]]) -> int | None:
        """Given the situations of a played line (the start first), the last turn number after
        which the best ending could still be reached; None when it never could.
        """
        reach = self._reach()
        last = None
        for turn, s in enumerate(situations):
            if reach[self.table.node(s)]:
                last = turn
        return last

    @property
    def last_turn(self) -> int | None:
        """The last turn (1-based move number) at which some move can still lead to the best ending."""
        t = self.table
        reach = self._reach()
        turns = [t.turn(i) + 1 for i in range(t.size) if reach[i] and t.ending[i] < 0 and not t.terminal(i)]
        return max(turns) if turns else None

    def points_of_no_return(self) -> list[NoReturn]:
        """Moves that, from a situation where the best ending is reachable, can make it
        unreachable. ``certain``: every time the move is played where the best ending is still
        reachable, every chance result loses it; otherwise it loses it only sometimes.
        """
        t = self.table
        reach = self._reach()
        starts, edge_entry, branch_start, branch_node = t.edge_start, t.edge_entry, t.branch_start, t.branch_node
        keys = [self.rules.choices[e.choice].key for e in t.entries]
        played: dict[str, int] = {}
        found: dict[str, dict[str, Any]] = {}
        for i in range(t.size):
            if not reach[i] or t.ending[i] >= 0:
                continue
            for e in range(starts[i], starts[i + 1]):
                key = keys[edge_entry[e]]
                played[key] = played.get(key, 0) + 1
                results = [reach[j] for j in branch_node[branch_start[e] : branch_start[e + 1]]]
                if all(results):
                    continue
                info = found.get(key)
                if info is None:
                    info = found[key] = {"lost_all": 0, "turns": set(), "count": 0, "node": i}
                info["lost_all"] += not any(results)
                info["turns"].add(t.turn(i) + 1)
                info["count"] += 1
        out = [
            NoReturn(
                move=key,
                certain=info["lost_all"] == played[key],
                turns=tuple(sorted(info["turns"])),
                situations=info["count"],
                example=(*t.path_to(info["node"]), key),
            )
            for key, info in found.items()
        ]
        return sorted(out, key=lambda r: (not r.certain, min(r.turns), r.move))

    # --- lines ----------------------------------------------------------------------------------

    def line_distribution(self, line: Sequence[str], *, finish: str | None = "wait") -> dict[int, float]:
        """Where a line of moves ends up, as node -> probability, finishing with ``finish``
        (repeated until every branch has ended), as a learner who stops choosing would.

        Each move of the line names one choice by the rule of :mod:`simulator.notation` (a bare
        id where the scenario offers several targets or manners is an error naming them).
        Raises :class:`~simulator.errors.AnalysisError` naming the first move that does not resolve
        or is not legal where it falls.
        """
        t = self.table
        dist = {0: 1.0}

        def resolve(key: str, where: str) -> int:
            try:
                choice = MoveRef.parse(key).resolve(self.rules.choices)
            except Unresolved as exc:
                raise AnalysisError(f"{where}: {exc.ref!r}: {exc.with_moves()}") from None
            return choice.index

        def step(index: int, key: str, where: str) -> None:
            nonlocal dist
            out: dict[int, float] = {}
            for node, p in dist.items():
                if t.terminal(node):
                    out[node] = out.get(node, 0.0) + p
                    continue
                edge = next((e for e in t.edges(node) if t.choice_of(e).index == index), None)
                if edge is None:
                    legal = ", ".join(t.choice_of(e).key for e in t.edges(node))
                    line_so_far = " ".join(t.path_to(node)) or "(the start)"
                    raise AnalysisError(f"{where}: {key!r} is not legal after {line_so_far}; legal: {legal}")
                for q, _, nxt in t.branches(edge):
                    out[nxt] = out.get(nxt, 0.0) + p * q
            dist = out

        for n, key in enumerate(line, start=1):
            step(resolve(key, f"move {n}"), key, f"move {n}")
        if finish is not None:
            index = resolve(finish, "finishing the line")
            while any(not t.terminal(node) for node in dist):
                step(index, finish, "finishing the line")
        return dist

    def line_then_optimal(self, line: Sequence[str]) -> float:
        """Expected overall of playing ``line`` and then playing optimally: what the line's own
        choices give up against the optimum, without blaming it for not reacting to chance.
        """
        return sum(p * self.values[node] for node, p in self.line_distribution(line, finish=None).items())

    def line_scores(self, line: Sequence[str]) -> dict[str, float]:
        """Expected final scores of a line finished by waiting, every dimension."""
        cards, ids = self.table.final_scores()
        out: dict[str, float] = {}
        for node, p in self.line_distribution(line).items():
            for dim, value in cards[ids[node]].items():
                out[dim] = out.get(dim, 0.0) + p * value
        return out

    # --- summary ----------------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        spec = self.table.scenario.spec
        data: dict[str, Any] = {
            "scenario": spec.id,
            "optimum": round(self.optimum, 6),
            "best_line": self.best_line,
            "first_moves": {k: round(v, 6) for k, v in self.first_moves.items()},
            "random": round(self.random, 6),
            "archetypes": {k: round(v, 6) for k, v in self.archetypes.items()},
            "best_ending": self.best_ending,
            "last_turn": self.last_turn,
            "points_of_no_return": [p.to_dict() for p in self.points_of_no_return()],
            "best_tree": self.best_tree(),
            "situations": self.table.size,
        }
        if spec.recommended:
            try:
                rec = self.line_scores(spec.recommended)["overall"]
                data["recommended"] = {
                    "line": list(spec.recommended),
                    "expected": round(rec, 6),
                    "gap": round(self.optimum - rec, 6),
                    "starts_best_line": starts_with(
                        [self.rules.by_key[s["key"]] for s in self.best_line], spec.recommended
                    ),
                }
            except AnalysisError as exc:
                data["recommended"] = {"line": list(spec.recommended), "error": str(exc)}
        return data


def starts_with(choices: Sequence[Choosable], pattern: Sequence[str]) -> bool:
    """Whether a line of choices begins with ``pattern`` (moves read as patterns: a left-out
    target or manner matches any).
    """
    return len(choices) >= len(pattern) and all(
        MoveRef.parse(p).matches(c) for c, p in zip(choices, pattern, strict=False)
    )


_CACHE: ContentCache[Solver] = ContentCache(16)


def solver_for(scenario: Scenario, *, limit: int = DEFAULT_LIMIT) -> Solver:
    """The solver of a scenario, built once per scenario content (its hash). Check
    ``solver.table.complete``: past ``limit`` situations exploration stops and values are
    those of the part explored.
    """
    return _CACHE.get((scenario.hash, limit), lambda: Solver(explore(scenario, limit=limit)))
