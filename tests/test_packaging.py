"""Parley as installed: the bundled files inside the simulator package, and an author's own
project (laid out like this repository, with its own personas/ and scenarios/) next to it.

Installed distributions once put top-level ``personas`` and ``scenarios`` packages into
site-packages, where a project's own folders of those names shadowed them: the pytest plugin then
failed every item with ``no persona file 'hiring_manager'``. The slow tests here build a real
wheel and a real editable install into fresh virtual environments and run the plugin in a fresh
project (the test dependencies come from this environment through a path file, so nothing is
downloaded but the build backend).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import tomllib
import zipfile
from pathlib import Path

import pytest
import yaml

import simulator
from simulator.catalogue import bundled_dir

REPO = Path(__file__).resolve().parents[1]
BUILD_TIMEOUT = 600


def test_every_package_in_the_source_tree_is_listed_for_the_wheel():
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    found = {".".join(p.parent.relative_to(REPO).parts) for p in (REPO / "simulator").rglob("__init__.py")}
    mapped = set(config["package-dir"])
    assert set(config["packages"]) == found | mapped
    assert config["package-dir"] == {
        "simulator.bundled.personas": "personas",
        "simulator.bundled.scenarios": "scenarios",
        "simulator.bundled.schemas": "schemas",
    }


def test_the_bundled_files_are_found_inside_the_simulator_package():
    import simulator.bundled.personas
    import simulator.bundled.scenarios

    assert bundled_dir("personas") == Path(next(iter(simulator.bundled.personas.__path__)))
    assert {p.name for p in bundled_dir("personas").glob("*.yaml")} == {
        "boss.yaml",
        "hiring_manager.yaml",
        "hr_rep.yaml",
    }
    assert len(simulator.list_scenarios()) == len(list(bundled_dir("scenarios").glob("*.yaml"))) >= 5


# --- built and installed for real (slow) ----------------------------------------------------------


def _source_copy(tmp: Path) -> Path:
    """The repository's tracked files, so that building leaves nothing in the checkout."""
    files = (
        subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True).stdout.decode().split("\0")
    )
    if files == [""]:
        pytest.skip("not a git checkout")
    copy = tmp / "source"
    for name in filter(None, files):
        if (REPO / name).is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, copy / name)
    return copy


def _venv(where: Path) -> Path:
    """A fresh virtual environment that sees this one's packages (pytest, pydantic, ...) through a
    path file, but not its editable Parley (a path file adds a folder, not the folder's own path files).
    """
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(where)], check=True, timeout=BUILD_TIMEOUT)
    python = where / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    purelib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    Path(purelib, "_parley_test_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    return python


def _pip(python: Path, *args: str) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "--disable-pip-version-check",
            "-q",
            "install",
            "--no-deps",
            *args,
        ],
        check=True,
        timeout=BUILD_TIMEOUT,
    )


def _project(tmp: Path) -> Path:
    """An author's project laid out like this repository: its own personas/ (one of them changed,
    with a state the bundled persona does not have) and scenarios/ (copies of the bundled ones,
    and one that casts the changed persona by bare id).
    """
    project = tmp / "project"
    shutil.copytree(
        bundled_dir("personas"), project / "personas", ignore=shutil.ignore_patterns("__init__.py", "__pycache__")
    )
    shutil.copytree(
        bundled_dir("scenarios"), project / "scenarios", ignore=shutil.ignore_patterns("__init__.py", "__pycache__")
    )
    for folder in ("personas", "scenarios"):
        (project / folder / "__init__.py").write_text("", encoding="utf-8")  # like this repository
    boss = project / "personas" / "boss.yaml"
    text = boss.read_text(encoding="utf-8")
    boss.write_text(
        text.replace(
            "\nstates:\n",
            "\nstates:\n  stonewalling:\n    mood: says nothing at all\n    story: They will not hear it.\n",
            1,
        ),
        encoding="utf-8",
    )
    own = yaml.safe_load((project / "scenarios" / "promotion-fumble.yaml").read_text(encoding="utf-8"))
    (member,) = [m for m in own["cast"].values() if m["persona"] == "boss"]
    member["initial"] = "stonewalling"  # a state only the project's own boss.yaml has
    own.update(id="own-boss", expect=[])
    (project / "scenarios" / "own-boss.yaml").write_text(yaml.safe_dump(own, sort_keys=False), encoding="utf-8")
    (project / "pyproject.toml").write_text(
        '[tool.pytest.ini_options]\nparley_scenarios = ["scenarios/*.yaml"]\n'
        'parley_sessions = 3\ntestpaths = ["scenarios"]\n',
        encoding="utf-8",
    )
    return project


# Run in the installed copy: every bundled file's `$schema` header names a file that exists there
# and holds the schema `parley schema` prints; prints how many files it checked and the version.
HEADERS_RESOLVE = """
import importlib.metadata, simulator
from simulator.catalogue import bundled_dir
from simulator.cli.schema import render_schema
checked = 0
for kind, folder in (("persona", "personas"), ("scenario", "scenarios")):
    for path in sorted(bundled_dir(folder).glob("*.yaml")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        named = (path.parent / first.split("$schema=", 1)[1]).resolve()
        assert named.read_text(encoding="utf-8") == render_schema(kind), (path, named)
        checked += 1
assert importlib.metadata.version("parley") == simulator.__version__
print(checked, simulator.__version__)
"""


def _clean_env(db: Path) -> dict[str, str]:
    """The environment without what would point an installed copy back at the checkout, and with
    a store of its own.
    """
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "PARLEY_DB"}}
    env["PARLEY_DB"] = str(db)
    return env


def _check_installed(python: Path, project: Path) -> None:
    env = _clean_env(project / "parley.db")

    def run(*args: object, cwd: Path = project) -> subprocess.CompletedProcess[str]:
        return subprocess.run([python, *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=BUILD_TIMEOUT)

    where = run(
        "-c",
        "import simulator, simulator.catalogue as c; print(simulator.__file__); print(c.bundled_dir('personas'))",
        cwd=project.parent,
    )
    assert where.returncode == 0, where.stderr
    assert not where.stdout.startswith(str(REPO / "simulator")), "the test must use the installed copy"
    headers = run("-c", HEADERS_RESOLVE, cwd=project.parent)
    bundled_files = len([*bundled_dir("personas").glob("*.yaml"), *bundled_dir("scenarios").glob("*.yaml")])
    assert headers.returncode == 0 and headers.stdout.split() == [str(bundled_files), simulator.__version__], (
        headers.stdout + headers.stderr
    )
    shadow = run(
        "-c", "import importlib.util as u; print(u.find_spec('personas'), u.find_spec('scenarios'))", cwd=project.parent
    )
    assert shadow.stdout.strip() == "None None", "no top-level personas/scenarios package may be installed"
    listed = run("-m", "simulator", "list", "--json")
    assert listed.returncode == 0 and "declined-offer" in listed.stdout, listed.stderr
    check = run("-m", "simulator", "check", "scenarios/own-boss.yaml", "--quiet")
    assert check.returncode == 0, check.stdout + check.stderr
    assert f"persona boss: {project / 'personas' / 'boss.yaml'}" in check.stdout
    tests = run("-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly")
    assert tests.returncode == 0, tests.stdout[-4000:] + tests.stderr[-2000:]
    assert "no persona file" not in tests.stdout
    counted = [line for line in tests.stdout.splitlines() if " passed" in line]
    assert counted and int(counted[-1].split(" passed")[0].split()[-1]) >= 3 * 6, tests.stdout[-1000:]


@pytest.mark.slow
def test_a_wheel_ships_the_bundled_files_inside_simulator_and_serves_a_fresh_project(tmp_path):
    source = _source_copy(tmp_path)
    dist = tmp_path / "dist"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--disable-pip-version-check",
            "-q",
            "-w",
            str(dist),
            str(source),
        ],
        check=True,
        timeout=BUILD_TIMEOUT,
    )
    (wheel,) = dist.glob("parley-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    tops = {name.split("/")[0] for name in names}
    assert tops == {"simulator", next(n for n in tops if n.endswith(".dist-info"))}, tops
    assert {
        "simulator/bundled/personas/hr_rep.yaml",
        "simulator/bundled/scenarios/declined-offer.yaml",
        "simulator/cli/play_output.schema.json",
        "simulator/bundled/schemas/scenario.schema.json",
        "simulator/bundled/schemas/persona.schema.json",
    } <= set(names)
    python = _venv(tmp_path / "venv")
    _pip(python, str(wheel))
    _check_installed(python, _project(tmp_path))


@pytest.mark.slow
def test_an_editable_install_finds_the_bundled_files_in_the_checkout_and_serves_a_fresh_project(tmp_path):
    source = _source_copy(tmp_path)
    python = _venv(tmp_path / "venv")
    _pip(python, "-e", str(source))
    found = subprocess.run(
        [python, "-c", "from simulator.catalogue import bundled_dir; print(bundled_dir('personas'))"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT,
    )
    assert found.stdout.strip() == str(source / "personas"), found.stderr
    _check_installed(python, _project(tmp_path))


# What an unpacked sdist runs of its own suite: the shared conftest and support modules, the golden
# transcripts and the invalid inputs, the CLI's fixtures (every other shipped file is compared with
# the checkout's file list above: a whole second run of the suite would not fit the CI budget).
SDIST_TESTS = [
    "tests/test_docs.py",
    "tests/test_golden.py",
    "tests/test_invalid_cases.py",
    "tests/test_packaging.py",
    "tests/cli/test_cli_render.py",
]


@pytest.mark.slow
def test_an_unpacked_sdist_carries_the_project_and_runs_its_own_tests(tmp_path):
    source = _source_copy(tmp_path)
    built = subprocess.run(
        [sys.executable, "-m", "build", "--sdist", "-o", str(tmp_path / "dist"), str(source)],
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT,
        check=False,
    )
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-2000:]
    (sdist,) = (tmp_path / "dist").glob("parley-*.tar.gz")
    with tarfile.open(sdist) as archive:
        archive.extractall(tmp_path / "unpacked", filter="data")
    (unpacked,) = (tmp_path / "unpacked").iterdir()
    shipped = {str(p.relative_to(unpacked)) for p in unpacked.rglob("*") if p.is_file()}
    tracked = {str(p.relative_to(source)) for p in source.rglob("*") if p.is_file()}
    for folder in ("tests/", "bench/", "examples/", "schemas/", "personas/", "scenarios/", "simulator/"):
        missing = {name for name in tracked if name.startswith(folder)} - shipped
        assert not missing, f"the sdist lacks {sorted(missing)[:5]}"
    assert {"LICENSE", "README.md", "pyproject.toml", ".ci/run"} <= shipped
    python = _venv(tmp_path / "venv")
    _pip(python, "-e", str(unpacked))
    env = _clean_env(tmp_path / "parley.db")
    tests = subprocess.run(
        [python, "-m", "pytest", "-q", "-x", "-m", "not slow", "-p", "no:cacheprovider", *SDIST_TESTS],
        cwd=unpacked,
        capture_output=True,
        text=True,
        env=env,
        timeout=BUILD_TIMEOUT,
    )
    assert tests.returncode == 0, tests.stdout[-4000:] + tests.stderr[-2000:]
    assert " passed" in tests.stdout and " failed" not in tests.stdout


def test_the_bundled_files_name_schemas_that_exist_where_they_are_installed():
    result = subprocess.run([sys.executable, "-c", HEADERS_RESOLVE], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["8", simulator.__version__]


def test_the_version_has_one_source():
    """``__version__`` is what the distribution's metadata says: pyproject.toml reads it from
    ``simulator/_version.py`` and never repeats it.
    """
    import importlib.metadata

    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in project["project"] and "version" in project["project"]["dynamic"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "simulator._version.__version__"}
    assert importlib.metadata.version("parley") == simulator.__version__


def test_this_checkout_is_what_the_suite_tests():
    assert Path(simulator.__file__).resolve().parent == REPO / "simulator" or "site-packages" in simulator.__file__
