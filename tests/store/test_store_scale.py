"""What grows with a course stays cheap: progress is served by an index, exports and reports stream.

Timings are the benchmark's business (bench/store_bench.py prints progress over 10,000 sessions
and exports of 1,000,000 turns); these tests check the mechanisms, which a slow machine cannot
make fail: the query plan names the index, and peak memory stays flat as the cohort grows.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from simulator.store import Store
from simulator.store.queries import PROGRESS_SQL

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))


def test_progress_is_served_by_an_index(store):
    store.learner("ana")
    db = store.db
    if db.dialect == "sqlite":
        plan = " ".join(str(r) for r in db.rows("EXPLAIN QUERY PLAN " + PROGRESS_SQL, ("ana",)))
        assert "USING INDEX sessions_by_learner" in plan and "USE TEMP B-TREE" not in plan
    else:
        # an empty table is scanned whatever indexes exist: forbid scans to see whether an index can serve
        with db.write("explaining"):
            db.run("SET LOCAL enable_seqscan = off")
            plan = " ".join(r[0] for r in db.rows("EXPLAIN " + PROGRESS_SQL, ("ana",)))
        assert "sessions_by_learner" in plan and "Sort" not in plan


EXPORTS = """
    import sys
    from simulator.store import Course, Store

    def peak():  # MB; VmHWM is this process's own peak (ru_maxrss would carry pytest's across exec)
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) // 1024

    course = Course(Store(sys.argv[1]), cohort="big")
    print("start", peak(), flush=True)
    print("jsonl", course.export_jsonl("/dev/null"), peak(), flush=True)
    print("csv", course.export_csv("/dev/null", table="turns"), peak(), flush=True)
    print("xapi", course.export_xapi("/dev/null"), peak(), flush=True)
    print("report", len(course.report()), peak(), flush=True)
"""


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads the peak memory from Linux's /proc")
def test_exports_and_reports_of_a_large_cohort_run_in_bounded_memory(store, ref, declined):
    """50,000 turns (5,000 sessions): held in memory they would take some 175 MB."""
    from store_bench import fill_turns

    turns = 50_000
    fill_turns(store, declined, turns)
    store.close()
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(EXPORTS), ref],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=1200,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = {w[0]: [int(x) for x in w[1:]] for w in (line.split() for line in result.stdout.splitlines())}
    start = lines["start"][0]
    assert lines["jsonl"][0] == turns // 10 and lines["csv"][0] == turns and lines["xapi"][0] == turns + turns // 10
    for what in ("jsonl", "csv", "xapi", "report"):
        peak = lines[what][-1]
        assert peak <= 200, f"{what}: peak {peak} MB"
        assert peak - start <= 50, f"{what}: grew from {start} to {peak} MB"
    with Store(ref) as again:
        assert again.db.row("SELECT count(*) FROM turns")[0] == turns
