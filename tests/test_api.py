"""The public API: ``simulator.__all__`` is complete, every name resolves, and importing is cheap."""

from __future__ import annotations

import doctest
import types

from command_support import modules_imported_by

import simulator

EXPECTED = {
    "AnalysisError",
    "Choice",
    "Counterpart",
    "Course",
    "Debrief",
    "EndingInfo",
    "IllegalMove",
    "IncompatibleVersion",
    "InvalidArgument",
    "InvalidSeed",
    "Move",
    "MoveRef",
    "Phrasing",
    "PhrasingNote",
    "Reading",
    "Scenario",
    "ScenarioError",
    "ScenarioInfo",
    "Session",
    "SimulatorError",
    "Skill",
    "SnapshotError",
    "StateChange",
    "Store",
    "StoreError",
    "StoryAtEnd",
    "Turn",
    "TurningPoint",
    "__version__",
    "analyse",
    "list_scenarios",
    "load_persona",
    "load_scenario",
}


def test_all_is_the_documented_api_sorted_without_duplicates():
    assert set(simulator.__all__) == EXPECTED
    assert list(simulator.__all__) == sorted(set(simulator.__all__))


def test_every_name_resolves_to_a_public_object():
    for name in simulator.__all__:
        value = getattr(simulator, name)
        assert not isinstance(value, types.ModuleType), name
        if name != "__version__":
            assert value.__name__ == name
            assert value.__module__.startswith("simulator."), name


def test_nothing_public_is_left_out_of_all():
    # Every class or function of simulator's own reachable at the top level is exported:
    # the names the module really holds (its namespace, not dir(), which answers from __all__)
    # and the ones it imports on first use. Submodules, and helpers imported from elsewhere
    # (typing.Any), are not API.
    reachable = {name: value for name, value in vars(simulator).items() if not name.startswith("_")}
    reachable.update({name: getattr(simulator, name) for name in simulator._LAZY})
    for name, value in reachable.items():
        if isinstance(value, types.ModuleType):
            continue
        if getattr(value, "__module__", "").startswith("simulator"):
            assert name in simulator.__all__, name


def test_dir_lists_the_public_api_and_nothing_else():
    assert dir(simulator) == sorted(EXPECTED)


def test_star_import_gives_exactly_all():
    namespace: dict[str, object] = {}
    exec("from simulator import *", namespace)
    assert set(namespace) - {"__builtins__"} == set(simulator.__all__)


def test_version_is_a_string():
    assert isinstance(simulator.__version__, str) and simulator.__version__.count(".") == 2


def test_the_package_docstring_example_runs():
    result = doctest.testmod(simulator, verbose=False)
    assert result.attempted > 0 and result.failed == 0


HEAVY = ("rich", "prompt_toolkit", "transitions.extensions")


def _modules_after(code: str) -> list[str]:
    return sorted(m for m in modules_imported_by(code) if m.startswith(HEAVY))


def test_import_simulator_does_not_import_the_front_end_libraries():
    assert _modules_after("import simulator") == []


def test_using_the_core_does_not_import_the_front_end_libraries():
    code = (
        "import simulator\n"
        "sc = simulator.load_scenario('declined-offer')\n"
        "s = simulator.Session(sc, seed=1)\n"
        "s.play('wait'); s.debrief(); s.snapshot(); simulator.list_scenarios()\n"
    )
    assert _modules_after(code) == []
