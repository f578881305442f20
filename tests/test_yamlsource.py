"""Safe YAML with positions: locating values, rejecting duplicates, wrapping syntax errors."""

from __future__ import annotations

import pytest

from simulator.errors import ScenarioError
from simulator.yamlsource import dotted, parse

TEXT = """\
id: demo
cast:
  hr_rep:
    name: Dana
    reactions:
      - move: apologize
        say: ["Thanks.", "Noted."]
"""


def test_parse_keeps_data_and_positions():
    doc = parse(TEXT, "demo.yaml")
    assert doc.file == "demo.yaml"
    assert doc.data["cast"]["hr_rep"]["reactions"][0]["say"] == ["Thanks.", "Noted."]
    assert doc.locate(["id"]) == (1, 5)
    assert doc.locate(["id"], key=True) == (1, 1)
    assert doc.locate(["cast", "hr_rep", "name"]) == (4, 11)
    assert doc.locate(["cast", "hr_rep", "reactions", 0, "move"]) == (6, 15)
    assert doc.locate(["cast", "hr_rep", "reactions", 0, "say", 1]) == (7, 26)
    assert doc.locate([]) == (1, 1)


def test_locate_stops_at_the_deepest_part_that_exists():
    doc = parse(TEXT, "demo.yaml")
    # a missing key, an index past the end, a key under a scalar: the nearest existing node
    assert doc.locate(["cast", "hr_rep", "initial"]) == (4, 5)
    assert doc.locate(["cast", "hr_rep", "reactions", 5]) == (6, 7)
    assert doc.locate(["id", "deeper"]) == (1, 5)


def test_error_builds_a_located_scenario_error():
    doc = parse(TEXT, "demo.yaml")
    error = doc.error(["cast", "hr_rep", "reactions", 0, "move"], "unknown move")
    assert str(error) == "demo.yaml:6:15: cast.hr_rep.reactions[0].move: unknown move"
    key_error = doc.error(["cast", "hr_rep", "name"], "bad key", key=True)
    assert (key_error.line, key_error.column, key_error.field) == (4, 5, "cast.hr_rep.name")


@pytest.mark.parametrize("text", ["", "# nothing but a comment\n"])
def test_an_empty_document_has_no_data_and_no_positions(text):
    doc = parse(text, "empty.yaml")
    assert doc.data is None and doc.root is None
    assert doc.locate(["id"]) is None
    assert str(doc.error(["id"], "missing")) == "empty.yaml: id: missing"


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ([], ""),
        (["id"], "id"),
        (["cast", "hr_rep", "reactions", 0, "move"], "cast.hr_rep.reactions[0].move"),
        (["moves", 2, "targets", 0], "moves[2].targets[0]"),
        ([0, "a"], "[0].a"),
    ],
)
def test_dotted(path, expected):
    assert dotted(path) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: 1\nb: 2\na: 3\n", "x.yaml:3:1: duplicate key 'a'"),
        ("top:\n  - k: 1\n    j: 2\n    k: 3\n", "x.yaml:4:5: duplicate key 'k'"),
        ("m: {x: 1, y: 2, x: 3}\n", "x.yaml:1:17: duplicate key 'x'"),
    ],
)
def test_duplicate_keys_are_rejected_where_they_repeat(text, expected):
    with pytest.raises(ScenarioError) as info:
        parse(text, "x.yaml")
    assert str(info.value) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: [1, 2\n", "x.yaml:2:1: YAML syntax error: expected ',' or ']', but got '<stream end>'"),
        ("a: {b: 1\nc: 2\n", "x.yaml:2:2: YAML syntax error: expected ',' or '}', but got ':'"),
        ("\tx: 1\n", "x.yaml:1:1: YAML syntax error: found character '\\t' that cannot start any token"),
        (
            "a: 1\n---\nb: 2\n",
            "x.yaml:2:1: YAML syntax error: expected a single document in the stream, but found another document",
        ),
    ],
)
def test_syntax_errors_become_one_located_line(text, expected):
    with pytest.raises(ScenarioError) as info:
        parse(text, "x.yaml")
    assert str(info.value) == expected
    assert info.value.__cause__ is not None  # the YAML error stays attached for debugging


def test_python_tags_are_never_constructed(tmp_path):
    marker = tmp_path / "pwned"
    text = f'a: !!python/object/apply:os.system ["touch {marker}"]\n'
    with pytest.raises(ScenarioError) as info:
        parse(text, "x.yaml")
    assert str(info.value) == (
        "x.yaml:1:4: YAML syntax error: could not determine a constructor for the tag "
        "'tag:yaml.org,2002:python/object/apply:os.system'"
    )
    assert not marker.exists()


def test_extreme_nesting_is_a_located_error_not_a_crash(tmp_path):
    # libyaml segfaults on this; in a subprocess a crash fails the test instead of killing pytest.
    import subprocess
    import sys

    path = tmp_path / "deep.yaml"
    path.write_text("a: " + "[" * 50_000 + "]" * 50_000 + "\n", encoding="utf-8")
    code = (
        f"import simulator\ntry:\n    simulator.load_scenario({str(path)!r})\n"
        "except simulator.ScenarioError as e:\n    print(e)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-500:]
    assert out.stdout.strip() == f"{path}:1:1: values are nested too deep"


# --- hostile input: every failure located, whatever PyYAML or Python refuses ---------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: 1\nb: x\0y\n", "x.yaml:2:5: the character U+0000 is not allowed in a YAML file"),
        ("a: 1\nbb: \u009b\n", "x.yaml:2:5: the character U+009B is not allowed in a YAML file"),
        (
            "a: 1\nb: " + "9" * 4400 + "\n",
            "x.yaml:2:4: cannot read this int: "
            "Exceeds the limit (4300 digits) for integer string conversion: value has 4400 digits",
        ),
        ("a: 2001-13-45\n", "x.yaml:1:4: cannot read this timestamp: month must be in 1..12"),
        ("a: !!timestamp 2001-02-30\n", "x.yaml:1:4: cannot read this timestamp: day is out of range for month"),
        ("a: [1, !!float x]\n", "x.yaml:1:8: cannot read this float: could not convert string to float: 'x'"),
        ("a: !!int '1_0x'\n", "x.yaml:1:4: cannot read this int: invalid literal for int() with base 10: '10x'"),
        ("a: &a [1, *a]\n", "x.yaml:1:4: a YAML alias stands inside the value it names"),
    ],
)
def test_values_yaml_or_python_refuse_are_located(text, expected):
    with pytest.raises(ScenarioError) as info:
        parse(text, "x.yaml")
    assert str(info.value) == expected


def test_aliases_are_measured_as_they_expand_in_values_and_in_characters():
    values = (
        "a: &a ["
        + ", ".join(["x"] * 100)
        + "]\nb: &b ["
        + ", ".join(["*a"] * 100)
        + "]\nc: ["
        + ", ".join(["*b"] * 100)
        + "]\n"
    )
    with pytest.raises(ScenarioError, match=r"^x\.yaml:3:4: this value expands to more than 200,000 values"):
        parse(values, "x.yaml")
    characters = 'a: &a "' + "y" * 100_000 + '"\nb: [' + ", ".join(["*a"] * 50) + "]\n"
    with pytest.raises(ScenarioError, match=r"^x\.yaml:2:4: this value expands to more than 4,000,000 characters"):
        parse(characters, "x.yaml")
    shared = 'a: &a "' + "y" * 100_000 + '"\nb: [' + ", ".join(["*a"] * 30) + "]\n"
    assert len(parse(shared, "x.yaml").data["b"]) == 30  # 3 MB expanded: under the bound


def test_a_field_path_shows_the_control_characters_of_its_keys():
    assert dotted(["cast", "\x1b[2J\nx", 0]) == "cast.\\x1b[2J\\nx[0]"
    error = parse('"\\e[2J\\nx": 1\n', "x.yaml").error(["\x1b[2J\nx"], "bad", key=True)
    assert str(error) == "x.yaml:1:1: \\x1b[2J\\nx: bad"


def test_an_unchanged_text_is_parsed_once_and_a_changed_one_again():
    from simulator.errors import ScenarioError
    from simulator.yamlsource import parse

    first = parse("a: 1\n", "same.yaml")
    assert parse("a: 1\n", "same.yaml") is first  # a long-lived process reads unchanged files once
    assert parse("a: 2\n", "same.yaml").data == {"a": 2}
    assert parse("a: 1\n", "other.yaml").file == "other.yaml"  # errors name the file: kept apart
    for _ in range(2):  # a failure is not kept: it is raised, located, every time
        with pytest.raises(ScenarioError, match=r"same\.yaml:2:1: YAML syntax error"):
            parse("a: [\n", "same.yaml")


def test_a_large_text_is_parsed_every_time_so_the_cache_stays_small():
    from simulator.yamlsource import _KEPT_CHARACTERS, parse

    big = "a: " + "x" * _KEPT_CHARACTERS + "\n"
    assert parse(big, "big.yaml") is not parse(big, "big.yaml")
