"""The README's promises: its first two commands, and that CI runs exactly the second."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```bash\n(.+?)\n```", text)


def test_readme_starts_with_a_practice_command_and_a_test_command():
    install_and_play, test = _readme_commands()[:2]
    for command in (install_and_play, test):
        # each makes and uses its own virtual environment: a distribution's Python may refuse
        # a global install (externally-managed-environment)
        assert command.startswith("python3 -m venv .venv && .venv/bin/python -m pip install ")
    assert install_and_play.endswith(".venv/bin/parley play declined-offer")
    assert "pytest" in test
    # Nothing but the title and one line of pitch may stand before the two commands.
    head = (ROOT / "README.md").read_text(encoding="utf-8").split("```bash")[0]
    assert len([line for line in head.splitlines() if line.strip()]) <= 2


def _ci_lines() -> list[str]:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    return [line.strip() for line in ci.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def test_ci_runs_exactly_the_readme_test_command():
    test = _readme_commands()[1]
    ci_lines = _ci_lines()
    assert ci_lines[-1] == test, "the README's test command, verbatim, is the last step of .ci/run"
    assert not [line for line in ci_lines[:-1] if "pytest" in line], "no other test run in .ci/run"


def test_ci_runs_the_readme_practice_command_without_a_terminal():
    install_and_play = _readme_commands()[0]
    (played,) = [line for line in _ci_lines() if line.startswith(install_and_play)]
    extra = played[len(install_and_play) :]
    # only arguments that make it non-interactive are added, and the session is checked after
    assert extra.startswith(" --seed ") and " --moves " in extra and " --json" in extra and "</dev/null" in extra


def test_the_readme_python_examples_run(tmp_path, monkeypatch):
    # Run every ```python block of the README in order, as a reader would paste them.
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PARLEY_DB", str(tmp_path / "parley.db"))
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.+?)\n```", text, flags=re.S)
    assert len(blocks) >= 2
    namespace: dict[str, object] = {}
    for block in blocks:
        exec(compile(block, "README.md", "exec"), namespace)  # our own documentation
    assert (tmp_path / "course.db").exists()
