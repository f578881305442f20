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
    assert "pip install" in install_and_play and "parley play" in install_and_play
    assert "pip install" in test and "pytest" in test
    # Nothing but the title and one line of pitch may stand before the two commands.
    head = (ROOT / "README.md").read_text(encoding="utf-8").split("```bash")[0]
    assert len([line for line in head.splitlines() if line.strip()]) <= 2


def test_ci_runs_exactly_the_readme_test_command():
    test = _readme_commands()[1]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    _install, *runs = (part.strip() for part in test.split("&&"))
    ci_lines = [line.strip() for line in ci.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    # .ci/run may add quiet flags to the install, but runs the test steps verbatim and in order
    assert any(line.startswith("python3 -m pip install") and '-e ".[test]"' in line for line in ci_lines)
    assert [line for line in ci_lines if "pytest" in line] == runs


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
