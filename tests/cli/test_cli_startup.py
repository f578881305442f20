"""What `parley list` reads and imports: the few header fields, and no module it does not need."""

from __future__ import annotations

import pytest
import yaml
from command_support import modules_imported_by

from simulator.catalogue import _header, bundled_scenario_paths

HEADER = ("id", "title", "source", "summary")


def test_parley_list_imports_neither_importlib_resources_nor_the_loader():
    # What the interpreter loads before any line runs (a site .pth file may import certifi, and
    # with it importlib.resources) is not parley's doing: only what parley adds is counted.
    added = modules_imported_by(
        "import io, contextlib\nfrom simulator.cli.main import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n    main(['list'])"
    )
    assert "simulator.cli.catalog" in added  # the probe did run the command
    assert not {m for m in added if m.startswith(("importlib.resources", "zipfile", "tempfile", "simulator.loader"))}


def _same_as_a_full_load(text: str) -> None:
    full = yaml.safe_load(text)
    header = _header(text)
    assert {k: header[k] for k in HEADER} == {k: full[k] for k in HEADER}
    assert [m["name"] for m in header["cast"].values()] == [m["name"] for m in full["cast"].values()]


@pytest.mark.parametrize("path", bundled_scenario_paths(), ids=lambda p: p.stem)
def test_the_header_of_each_bundled_scenario_is_what_a_full_load_reads(path):
    _same_as_a_full_load(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "text",
    [
        'summary: "quoted: with a colon"\ncast: {a: {name: "Ann", persona: x}}\n'
        "id: x\ntitle: >-\n  folded\n  title\nsource: s.txt\n",
        "moves: [1, 2, {a: [b]}]\nid: x\ntitle: t\nsource: s\nsummary: y\n"
        "cast:\n  a:\n    reactions: [{x: 1}]\n    name: Ann\n",
        "id: &i x\ntitle: *i\nsource: s\nsummary: y\ncast: {a: {name: n}}\n",  # an alias: read in full
        "id: !!str 7\ntitle: t\nsource: s\nsummary: y\ncast: {a: {name: n}}\n",  # a tag: read in full
        "? complex\n: 1\nid: x\ntitle: t\nsource: s\nsummary: y\ncast: {a: {name: n}}\n",
    ],
    ids=["styles", "skipped-values", "alias", "tag", "explicit-key"],
)
def test_the_header_reads_any_yaml_like_a_full_load(text):
    _same_as_a_full_load(text)
