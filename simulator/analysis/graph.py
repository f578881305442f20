"""Diagrams drawn by ``transitions``' own support (the only importer of ``transitions.extensions``).

Mermaid needs nothing installed: ``GraphMachine(..., graph_engine="mermaid")`` then
``get_graph().draw(None)`` returns the text. Dot goes through the ``graphviz`` Python package
(source only, no binary needed); when it is missing, :class:`GraphUnavailable` says so.

Two diagrams: a persona's machine as this scenario compiles it (each reaction outcome a
transition, labelled with the move, its condition and its chance), and the situation graph
summarised by persona state (one node per combination of cast states that some reachable
situation has, plus the endings; one edge per move that changes it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import AnalysisError, SimulatorError
from .explore import explore

if TYPE_CHECKING:
    from ..scenario import Scenario

__all__ = ["GraphUnavailable", "persona_diagram", "situation_diagram"]


class GraphUnavailable(SimulatorError):
    """The requested diagram format needs something that is not installed."""


def _machine(states: list[str], transitions: list[dict[str, Any]], initial: str, title: str, fmt: str) -> str:
    if fmt == "dot":
        try:
            import graphviz  # noqa: F401
        except ImportError as exc:
            raise GraphUnavailable(
                "dot output needs the 'graphviz' Python package (pip install graphviz; no binary needed "
                "for the source); --format mermaid needs nothing"
            ) from exc
    elif fmt != "mermaid":
        raise AnalysisError(f"unknown diagram format {fmt!r}; formats: mermaid, dot")
    from transitions.extensions import GraphMachine

    machine = GraphMachine(
        states=states,
        transitions=transitions,
        initial=initial,
        auto_transitions=False,
        show_conditions=True,
        title=title,
        graph_engine="mermaid" if fmt == "mermaid" else "graphviz",
    )
    graph = machine.get_graph()
    if fmt == "mermaid":
        return str(graph.draw(None)).rstrip() + "\n"
    return str(graph.source).rstrip() + "\n"


def persona_diagram(scenario: Scenario, who: str, *, fmt: str = "mermaid") -> str:
    """A cast member's machine as this scenario compiles it."""
    rules = scenario.rules
    i = rules.layout.cast.index(who)
    states = list(rules.layout.states[i])
    transitions = []
    seen: set[int] = set()
    for choice in rules.choices:
        if choice.target_index != i:
            continue
        for reaction in rules.reactions[choice.index]:
            if id(reaction) in seen:
                continue
            seen.add(id(reaction))
            sources = "*" if reaction.states is None else [states[k] for k in sorted(reaction.states)]
            for outcome in reaction.outcomes:
                conditions = []
                if len(rules.moves_of(choice).manners) > 1:
                    conditions.append(f"said {choice.manner}")
                if reaction.when is not None:
                    conditions.append(reaction.when.describe())
                if len(reaction.outcomes) > 1:
                    conditions.append(f"p={outcome.weight}/{reaction.total}")
                transitions.append(
                    {
                        "trigger": choice.id,
                        "source": sources,
                        "dest": "=" if outcome.dest is None else states[outcome.dest],
                        "conditions": conditions,
                    }
                )
    initial = states[rules.initial[i]]
    return _machine(states, transitions, initial, f"{scenario.id}: {who} ({rules.names[i]})", fmt)


def situation_diagram(scenario: Scenario, *, fmt: str = "mermaid") -> str:
    """The reachable situation graph, summarised by the cast's states (and the endings)."""
    table = explore(scenario)
    rules = table.rules
    cast = rules.layout.cast
    starts, edge_entry, branch_start, branch_node = (
        table.edge_start,
        table.edge_entry,
        table.branch_start,
        table.branch_node,
    )

    def name(node: int) -> str:
        end = table.ending[node]
        if end >= 0:
            return "end_" + rules.endings[end].id
        return "__".join(f"{cast[k]}_{rules.layout.states[k][v]}" for k, v in enumerate(table.states_of(node)))

    labels: dict[tuple[str, str], set[str]] = {}
    names: dict[str, None] = {}
    keys = [rules.choices[e.choice].key for e in table.entries]
    node_names = [name(n) for n in range(table.size)]
    for n in range(table.size):
        names[node_names[n]] = None
        for e in range(starts[n], starts[n + 1]):
            for j in branch_node[branch_start[e] : branch_start[e + 1]]:
                if node_names[j] != node_names[n]:
                    labels.setdefault((node_names[n], node_names[j]), set()).add(keys[edge_entry[e]])
    transitions = [
        {"trigger": ", ".join(sorted(moves)), "source": a, "dest": b} for (a, b), moves in sorted(labels.items())
    ]
    return _machine(list(names), transitions, node_names[0], f"{scenario.id}: situations by persona state", fmt)
