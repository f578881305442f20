"""Bundled persona files (YAML), installed as ``simulator.bundled.personas`` (see pyproject.toml)."""
