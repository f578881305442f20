"""Every script in examples/ runs, as a course builder would run it, and does what it says."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from simulator.store import Store

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.py"))


def run(script: Path, *args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    cwd, tmp = tmp_path / "cwd", tmp_path / "tmp"
    cwd.mkdir(exist_ok=True)
    tmp.mkdir(exist_ok=True)
    env = {**os.environ, "TMPDIR": str(tmp)}  # the scripts' temporary directories land here
    return subprocess.run(
        [sys.executable, str(script), *args], capture_output=True, text=True, check=False, cwd=cwd, env=env, timeout=120
    )


@pytest.mark.parametrize("script", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_every_example_runs_without_arguments(script, tmp_path):
    result = run(script, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    if script.name in ("course_cohort.py", "save_and_resume.py"):
        assert list((tmp_path / "cwd").iterdir()) == []  # they write into a temporary directory only


def test_the_course_example_writes_every_export(tmp_path):
    out = tmp_path / "out"
    result = run(ROOT / "examples" / "course_cohort.py", str(out), tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Cohort spring-2026: 4 learners" in result.stdout and "all replay identically" in result.stdout
    for name in ["cohort.db", "sessions.jsonl", "sessions.csv", "turns.csv", "xapi.json"]:
        assert (out / name).stat().st_size > 0
    statements = json.loads((out / "xapi.json").read_text(encoding="utf-8"))
    sessions = (out / "sessions.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(statements) > len(sessions) > 0


def test_the_resume_example_leaves_a_finished_verified_session(ref, tmp_path):
    result = run(ROOT / "examples" / "save_and_resume.py", ref, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    with Store(ref) as store:
        [info] = store.sessions(learner="ana")
        assert info.finished and len(store.turns(info.id, undone=True)) == info.turns + 1
        assert store.verify(info.id)[0].status == "ok"


def test_the_line_skill_example_rates_the_recommended_line_above_every_anti_pattern(tmp_path):
    result = run(ROOT / "examples" / "line_skill.py", "--seeds", "5", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    rows = [line.split() for line in result.stdout.splitlines()[1:]]
    by_scenario: dict[str, dict[str, int]] = {}
    for scenario, name, _mean, _sd, share, _worth, _optimum in rows:
        by_scenario.setdefault(scenario, {})[name] = int(share)
    assert len(by_scenario) == 5
    for scenario, shares in by_scenario.items():
        others = {k: v for k, v in shares.items() if k != "recommended"}
        assert others, f"{scenario} names no anti-pattern"
        assert all(shares["recommended"] > v for v in others.values()), (scenario, shares)
