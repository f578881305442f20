"""What `parley list` reads and imports: the few header fields, and no module it does not need."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import yaml

from simulator.catalogue import _header, bundled_scenario_paths

HEADER = ("id", "title", "source", "summary")


def _loaded_after(code: str) -> set[str]:
    probe = code + "\nimport sys, json; print(json.dumps(sorted(sys.modules)), file=sys.stderr)"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=False)
    return set(json.loads(result.stderr.strip().splitlines()[-1]))


def test_parley_list_imports_neither_importlib_resources_nor_the_loader():
    # What the interpreter loads before any line runs (a site .pth file may import certifi, and
    # with it importlib.resources) is not parley's doing: count only what parley adds.
    before = _loaded_after("pass")
    modules = _loaded_after(
        "import io, contextlib\nfrom simulator.cli.main import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n    main(['list'])"
    )
    added = modules - before
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
