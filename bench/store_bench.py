"""What the session store costs, on SQLite and on PostgreSQL, measured in one run.

    python bench/store_bench.py [--quick] [--postgres URL]

For each database: saving a turn against playing it; a learner's progress over 10,000 sessions
(targets: under 200 ms); turns per second with 16 processes writing at once; and streaming
exports of a cohort of 1,000,000 turns (JSON Lines, CSV turns, xAPI), each in a child process
whose peak memory is read from the kernel (target: at most 200 MB). The PostgreSQL server is
``--postgres URL`` (a maintenance database whose user may create databases) or, by default, a
throwaway cluster started here from the installed server programs with the server's default
durability (fsync on; SQLite runs with synchronous=NORMAL, its default here). Figures only:
timing belongs in a report, never in a test.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import simulator
from simulator.store import Store

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "store"))
from postgres_cluster import Cluster  # noqa: E402 - the tests' throwaway cluster, shared

SCENARIO = "declined-offer"


# --- databases ---------------------------------------------------------------------------------------


class Databases:
    """Fresh stores on demand: a SQLite file in a temporary folder, or a new PostgreSQL database."""

    def __init__(self, folder: Path, cluster: Cluster | None) -> None:
        self.folder, self.cluster, self.count = folder, cluster, 0

    def new(self, kind: str) -> str:
        self.count += 1
        if kind == "sqlite":
            return str(self.folder / f"bench-{self.count}.db")
        import psycopg

        assert self.cluster is not None
        name = f"parley_bench_{os.getpid()}_{self.count}"
        with psycopg.connect(self.cluster.url, autocommit=True) as con:
            con.execute(f"DROP DATABASE IF EXISTS {name}")
            con.execute(f"CREATE DATABASE {name}")
        return self.cluster.url_for(name)


@contextmanager
def postgres(url: str | None) -> Iterator[Cluster]:
    if url:
        yield Cluster(url)
        return
    import shutil

    pg_folder = Path(tempfile.mkdtemp(prefix="parley-bench-pg-", dir="/tmp"))  # a server user can reach it
    cluster = Cluster.start(pg_folder, fast=False)
    try:
        yield cluster
    finally:
        cluster.stop()
        shutil.rmtree(pg_folder, ignore_errors=True)


# --- saving a turn against playing it ----------------------------------------------------------------


def lines_of(scenario: simulator.Scenario) -> list[list[str]]:
    spec = scenario.spec
    return [list(spec.recommended), *[list(v) for v in spec.anti_patterns.values()], ["wait"]]


def play_all(scenario, lines, seeds, rec_for: Callable | None = None) -> tuple[float, int]:
    """Play every line with every seed to an ending; returns (seconds, turns)."""
    turns = 0
    start = time.perf_counter()
    for seed in seeds:
        for line in lines:
            session = simulator.Session(scenario, seed)
            rec = rec_for(session) if rec_for else None
            script = list(line)
            while not session.over:
                turn = session.play(script.pop(0) if script else "wait")
                if rec is not None:
                    rec.turn(turn)
                turns += 1
            if rec is not None:
                rec.finish()
            session.close()
    return time.perf_counter() - start, turns


def bench_turns(scenario, dbs: Databases, rounds: int) -> None:
    lines = lines_of(scenario)
    play_all(scenario, lines, range(3))  # warm up: compile, build machines
    bare_t, bare_n = play_all(scenario, lines, range(rounds))
    bare = bare_t / bare_n * 1000
    print(f"Saving turns ({SCENARIO}, {len(lines)} lines x {rounds} seeds, each to an ending)")
    print(f"  play only:                              {bare:8.3f} ms/turn  ({bare_n} turns)")
    for kind, label, options in [
        ("sqlite", "SQLite (synchronous=NORMAL)", {}),
        ("sqlite", "SQLite (durable=True, fsync)", {"durable": True}),
        ("postgresql", "PostgreSQL (fsync on)", {}),
    ]:
        with Store(dbs.new(kind), **options) as store:
            play_all(scenario, lines, range(1), lambda s, store=store: store.record(s, learner="warm"))
            saved_t, saved_n = play_all(
                scenario, lines, range(rounds), lambda s, store=store: store.record(s, learner="bench")
            )
        saved = saved_t / saved_n * 1000
        print(
            f"  play + save, {label:<28}{saved:8.3f} ms/turn  adds {saved - bare:6.3f} ms  ratio {saved / bare:5.1f}x"
        )


# --- progress over 10,000 sessions -------------------------------------------------------------------


def fill_sessions(store: Store, learner: str, count: int, others: int) -> None:
    """``count`` finished sessions of ``learner`` (and ``others`` of other learners), written in bulk."""
    db = store.db
    with db.write("filling"):
        for name in [learner] + [f"other{i}" for i in range(others)]:
            db.run(
                "INSERT INTO learners (name, display, created) VALUES (?, ?, '2026-01-01T00:00:00.000Z')", (name, name)
            )
        ids = {
            name: db.row("SELECT id FROM learners WHERE name = ?", (name,))[0]
            for name in [learner] + [f"other{i}" for i in range(others)]
        }
        rows = []
        scenarios = ["declined-offer", "promotion-fumble", "leverage-play", "after-rejection", "bypass-hr"]
        for i in range(count + others * 10):
            name = learner if i < count else f"other{(i - count) % max(others, 1)}"
            stamp = f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}T{i % 24:02d}:{i % 60:02d}:00.{i % 1000:03d}Z"
            overall = (i * 37) % 101
            rows.append(
                (
                    f"u{i:08d}",
                    ids[name],
                    scenarios[i % 5],
                    "h",
                    f"Title {i % 5}",
                    "0.1.0",
                    i,
                    stamp,
                    stamp,
                    "done",
                    f'{{"overall": {overall}}}',
                    overall,
                    overall * 0.8,  # the rating a finished session keeps (schema 4), read by progress
                    80.0,
                )
            )
        db.many(
            "INSERT INTO sessions (uid, learner_id, scenario_id, scenario_hash, title, engine, seed, started, ended,"
            " ending,"
            " scores, overall, worth, optimum) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )


def median_ms(run: Callable[[], object], repeat: int = 20) -> float:
    run()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        run()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def bench_progress(dbs: Databases, sessions: int) -> None:
    print(f"\nProgress of a learner with {sessions:,} finished sessions (target: < 200 ms)")
    for kind in ("sqlite", "postgresql"):
        ref = dbs.new(kind)
        with Store(ref) as store:
            fill_sessions(store, "busy", sessions, others=50)
            rows = store.progress("busy")
            ms = median_ms(lambda store=store: store.progress("busy"))
        t = time.perf_counter()
        with Store(ref) as store:
            store.progress("busy")
        cold = (time.perf_counter() - t) * 1000
        attempts = sum(p.attempts for p in rows)
        print(
            f"  {kind:<11} Store.progress(): {ms:7.2f} ms median of 20 ({attempts:,} attempts); "
            f"open + progress {cold:7.2f} ms"
        )


# --- 16 writers at once ------------------------------------------------------------------------------

WRITER = """
    import sys, time
    from simulator import Session, load_scenario
    from simulator.store import Store

    db, learner, sessions = sys.argv[1], sys.argv[2], int(sys.argv[3])
    store = Store(db)
    scenario = load_scenario("leverage-play")
    Session(scenario, seed=0).play("wait")  # warm: compiled, machines built
    print("ready", flush=True)
    sys.stdin.readline()
    turns = 0
    for n in range(sessions):
        session = Session(scenario, seed=n)
        rec = store.record(session, learner=learner)
        while not session.over and session.turn < 8:
            legal = [m.key for m in session.moves()]
            rec.turn(session.play("wait" if "wait" in legal else legal[0]))
            turns += 1
        rec.finish()
    print("done", turns, time.time(), flush=True)
"""


def bench_writers(dbs: Databases, writers: int, sessions: int) -> None:
    print(f"\n{writers} processes writing at once, {sessions} sessions of 8 turns each")
    for kind in ("sqlite", "postgresql"):
        ref = dbs.new(kind)
        Store(ref).close()
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", textwrap.dedent(WRITER), ref, f"w{i}", str(sessions)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
                cwd=ROOT,
            )
            for i in range(writers)
        ]
        for p in procs:
            assert p.stdout.readline().strip() == "ready"
        start = time.time()
        for p in procs:
            p.stdin.write("go\n")
            p.stdin.flush()
        results = [p.communicate(timeout=1800)[0].split() for p in procs]
        turns = sum(int(r[1]) for r in results)
        elapsed = max(float(r[2]) for r in results) - start
        with Store(ref) as store:
            stored = store.db.row("SELECT count(*) FROM turns")[0]
        print(f"  {kind:<11} {turns:,} turns in {elapsed:6.2f} s: {turns / elapsed:7.0f} turns/s ({stored:,} stored)")


# --- streaming exports of a million turns -------------------------------------------------------------


def fill_turns(store: Store, scenario, total_turns: int, per_session: int = 10) -> None:
    """A cohort of ``total_turns`` turns (sessions of ``per_session``), from one real turn repeated."""
    session = simulator.Session(scenario, 1)
    turn = session.play("decide_repair")
    import json

    db = store.db
    sessions = total_turns // per_session
    fill_sessions(store, "cohort", sessions, others=0)
    store.db.run("UPDATE learners SET cohort = 'big'")
    values = (
        turn.move,
        turn.target,
        turn.line,
        json.dumps(turn.scores),
        json.dumps(turn.delta),
        turn.draws,
        json.dumps(turn.to_dict()),
        turn.key,
    )
    with db.write("filling turns"):
        if db.dialect == "sqlite":
            db.run(
                "WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < ?) "
                "INSERT INTO turns (session_id, number, move, target, reply, scores, delta, draws, at, detail,"
                " move_key) "
                "SELECT s.id, n.k, ?, ?, ?, ?, ?, ?, s.started, ?, ? FROM sessions s, n",
                (per_session, *values),
            )
        else:
            db.run(
                "INSERT INTO turns (session_id, number, move, target, reply, scores, delta, draws, at, detail,"
                " move_key) "
                "SELECT s.id, k, ?, ?, ?, ?, ?, ?, s.started, ?, ? FROM sessions s, generate_series(1, ?) AS k",
                (*values, per_session),
            )


EXPORTER = """
    import sys, time
    from simulator.store import Course, Store

    def peak_kb():  # VmHWM: this process's own peak (ru_maxrss would carry the parent's across exec)
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))

    db, what = sys.argv[1], sys.argv[2]
    course = Course(Store(db), cohort="big")
    base = peak_kb()
    t = time.perf_counter()
    if what == "jsonl":
        n = course.export_jsonl("/dev/null")
    elif what == "csv":
        n = course.export_csv("/dev/null", table="turns")
    elif what == "xapi":
        n = course.export_xapi("/dev/null")
    else:
        n = len(course.report())
    print(n, time.perf_counter() - t, base, peak_kb())
"""


def bench_exports(scenario, dbs: Databases, total_turns: int) -> None:
    print(
        f"\nStreaming a cohort of {total_turns:,} turns ({total_turns // 10:,} sessions) to /dev/null; "
        "peak memory of the "
        "whole process (target: <= 200 MB)"
    )
    for kind in ("sqlite", "postgresql"):
        ref = dbs.new(kind)
        t = time.perf_counter()
        with Store(ref) as store:
            fill_turns(store, scenario, total_turns)
        print(f"  {kind}: filled in {time.perf_counter() - t:.1f} s")
        for what in ("jsonl", "csv", "xapi", "report"):
            out = subprocess.run(
                [sys.executable, "-c", textwrap.dedent(EXPORTER), ref, what],
                capture_output=True,
                text=True,
                cwd=ROOT,
                check=True,
            ).stdout.split()
            count, seconds, base_kb, peak_kb = int(out[0]), float(out[1]), int(out[2]), int(out[3])
            rate = total_turns / seconds
            print(
                f"    {what:<7} {seconds:7.1f} s ({rate:8.0f} turns/s)  peak {peak_kb / 1024:6.1f} MB "
                f"(before the export {base_kb / 1024:5.1f} MB){'' if what == 'report' else f'  {count:,} rows'}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller runs (100,000 turns exported, fewer seeds)")
    parser.add_argument("--postgres", metavar="URL", help="a server to use instead of a throwaway cluster")
    args = parser.parse_args()
    scenario = simulator.load_scenario(SCENARIO)
    with tempfile.TemporaryDirectory(prefix="parley-bench-", dir="/tmp") as tmp:
        folder = Path(tmp)
        with postgres(args.postgres) as cluster:
            dbs = Databases(folder, cluster)
            bench_turns(scenario, dbs, rounds=5 if args.quick else 20)
            bench_progress(dbs, 10_000)
            bench_writers(dbs, 16, 10 if args.quick else 50)
            bench_exports(scenario, dbs, 100_000 if args.quick else 1_000_000)


if __name__ == "__main__":
    main()
