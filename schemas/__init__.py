"""JSON Schemas of the YAML files, installed as ``simulator.bundled.schemas`` (see pyproject.toml).

Installed next to the bundled ``personas`` and ``scenarios`` folders, so that the header each
bundled file starts with (``$schema=../schemas/KIND.schema.json``) resolves in an installed copy
as it does in the repository. ``parley schema --out DIR`` writes the same files anywhere.
"""
