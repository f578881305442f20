"""The persona and scenario files shipped with Parley, as ``simulator.bundled.personas`` and
``simulator.bundled.scenarios``.

In the repository they live at the top level (``personas/``, ``scenarios/``), where authors read
them beside their own; ``pyproject.toml`` maps those folders into this package, so an installed
Parley puts no top-level ``personas`` or ``scenarios`` package into site-packages, where a
project's own folders of the same names would shadow them (or they would shadow the project's).
"""
