"""Diagrams through transitions' own GraphMachine (mermaid needs no graphviz)."""

from __future__ import annotations

import sys

import analysis_fixtures as fx
import pytest

from simulator.analysis.graph import GraphUnavailable, persona_diagram, situation_diagram
from simulator.cli.main import main
from simulator.errors import SimulatorError


def test_persona_diagram_in_mermaid(tmp_path):
    text = persona_diagram(fx.load(tmp_path), "hr_rep")
    assert "stateDiagram-v2" in text and "tiny: hr_rep (Dana)" in text
    assert "offended --> receptive: apologize [apologies<=0 & p=3/4]" in text
    assert "offended --> closed: vent" in text
    assert "[*] --> offended" in text


def test_situation_diagram_summarises_by_persona_state(tmp_path):
    text = situation_diagram(fx.load(tmp_path))
    assert "[*] --> hr_rep_offended" in text
    assert "hr_rep_offended --> end_closed_door: vent:hr_rep" in text


def test_graph_unavailable_is_a_simulator_error():
    assert issubclass(GraphUnavailable, SimulatorError)


def test_dot_without_graphviz_says_so(tmp_path, capsys, monkeypatch):
    # graphviz is in the test extra; make it missing here (None in sys.modules fails the import)
    monkeypatch.setitem(sys.modules, "graphviz", None)
    with pytest.raises(GraphUnavailable, match="pip install graphviz"):
        persona_diagram(fx.load(tmp_path), "hr_rep", fmt="dot")
    assert main(["graph", str(fx.write(tmp_path)), "--format", "dot"]) == 2
    assert "graphviz" in capsys.readouterr().err


def test_dot_with_graphviz_draws_the_persona_machine(tmp_path):
    pytest.importorskip("graphviz", reason="the test extra installs graphviz; without it this cannot run")
    text = persona_diagram(fx.load(tmp_path), "hr_rep", fmt="dot")
    assert text.startswith('digraph "tiny: hr_rep (Dana)"')
    assert "offended -> receptive" in text and "offended -> closed" in text


def test_cli_graph_one_persona_and_unknown_persona(tmp_path, capsys):
    path = str(fx.write(tmp_path))
    assert main(["graph", path, "--persona", "hr_rep"]) == 0
    out = capsys.readouterr().out
    assert out.count("stateDiagram-v2") == 1
    assert main(["graph", path, "--persona", "boss"]) == 2
    assert "unknown cast member 'boss'; cast: hr_rep" in capsys.readouterr().err
