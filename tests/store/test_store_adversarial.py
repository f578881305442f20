"""The store under hostile conditions: whatever is in the file or the rows, every command answers
with its output or one line of error, never a traceback and never a hang.

The corpus: files truncated at many points, random bytes, things that are not databases, a
read-only file and folder, a newer schema, and every column of every table set to values of the
wrong kind (SQLite stores anything anywhere; PostgreSQL only what the column's type allows, so
the row corpus runs on SQLite). Locks held by another process and writers killed at random
points are in test_store_server.py and test_store_crash.py. Each case runs the five reading
commands; ``record_property`` reports how many were tried and held.
"""

from __future__ import annotations

import io
import os
import random
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from simulator import StoreError
from simulator.cli.main import main
from simulator.store import Store

from .support import damage, in_ci, play_to_end, started

ROOT = Path(__file__).resolve().parents[2]
COMMANDS = [["history", "--all"], ["progress", "--learner", "ana"], ["show", "1"], ["verify", "--all"], ["resume", "1"]]


def run_all(db, capsys, monkeypatch) -> int:
    """Every reading command on ``db``; asserts each held; returns how many ran."""
    for command in COMMANDS:
        monkeypatch.setattr(sys, "stdin", io.StringIO(""))  # resume: the learner leaves at once
        capsys.readouterr()
        code = main([*command, "--db", str(db)])
        out, err = capsys.readouterr()
        assert code in (0, 1, 2), (command, code)
        assert "Traceback" not in out + err, (command, err)
        if code == 2:
            assert err.startswith("parley: error: ") and err.count("\n") == 1, (command, err)
        else:
            assert err == "" or "Not saved yet" in out, (command, err)
    return len(COMMANDS)


@pytest.fixture
def full(db, declined):
    """A store with two finished sessions and an unfinished one, ids 1..3."""
    with Store(db) as store:
        play_to_end(store, declined, "ana", ["vent:hr_rep"], 1)
        play_to_end(store, declined, "ana", declined.spec.recommended, 2)
        started(store, declined, "ana", 3, ["decide_repair", "wait"])
    return db


def test_truncated_files(full, tmp_path, capsys, monkeypatch, record_property):
    original = full.read_bytes()
    size = len(original)
    cuts = sorted({0, 1, 16, 99, 100, 101, 512, 4095, 4096, 4097, size // 3, size // 2, size - 4096, size - 1})
    tried = 0
    for cut in cuts:
        for suffix in ("-wal", "-shm"):
            Path(str(full) + suffix).unlink(missing_ok=True)
        full.write_bytes(original[:cut])
        tried += run_all(full, capsys, monkeypatch)
    record_property("truncated_cases", tried)


def test_random_bytes(db, capsys, monkeypatch, record_property):
    rng = random.Random(12)
    tried = 0
    for size in (1, 17, 100, 4096, 8192, 65536):
        for header in (b"", b"SQLite format 3\x00"):  # with the magic header SQLite reads further
            db.write_bytes(header + bytes(rng.getrandbits(8) for _ in range(size)))
            tried += run_all(db, capsys, monkeypatch)
    record_property("random_byte_cases", tried)


@pytest.mark.parametrize("content", [b"", b"hello\n", b'{"sessions": []}', b"\x00" * 4096, "é".encode() * 3000])
def test_things_that_are_not_databases(db, capsys, monkeypatch, content):
    db.write_bytes(content)
    run_all(db, capsys, monkeypatch)


def test_a_database_of_someone_else(db, capsys, monkeypatch):
    import sqlite3

    con = sqlite3.connect(db)
    con.execute("CREATE TABLE turns (x)")
    con.commit()
    con.close()
    run_all(db, capsys, monkeypatch)


def test_a_newer_schema(full, capsys, monkeypatch):
    import sqlite3

    con = sqlite3.connect(full)
    from simulator.store.schema import SCHEMA_VERSION

    con.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    con.close()
    run_all(full, capsys, monkeypatch)
    assert main(["history", "--db", str(full)]) == 2
    assert f"written by a newer Parley (schema {SCHEMA_VERSION + 1})" in capsys.readouterr().err


# --- rows holding values of the wrong kind --------------------------------------------------------

GARBAGE = [None, "", "x", -1, 2**63 - 1, 1.5, b"\xff\x00", "{", "[]", '{"overall": "high"}', "null", "\x1b]0;t\x07"]
COLUMNS = {
    "sessions": [
        "uid",
        "learner_id",
        "scenario_id",
        "scenario_hash",
        "scenario_path",
        "title",
        "engine",
        "seed",
        "started",
        "ended",
        "ending",
        "scores",
        "overall",
        "ending_title",
        "worth",
        "optimum",
    ],
    "turns": [
        "session_id",
        "number",
        "move",
        "target",
        "reply",
        "scores",
        "delta",
        "ending",
        "draws",
        "at",
        "undone_at",
        "detail",
        "move_key",
        "uid",
    ],
    "learners": ["name", "display", "created", "cohort"],
}
CASES = [(table, column) for table, columns in COLUMNS.items() for column in columns]


def _corrupt(full, tmp_path, table, column, value):
    """A copy of ``full`` with one value changed; None when SQLite itself refuses it (NOT NULL, UNIQUE)."""
    db = tmp_path / f"{table}-{column}.db"
    shutil.copy(full, db)
    with Store(db) as store:
        store.db.run("PRAGMA foreign_keys = OFF")  # as a hand edit would
        where = "id = (SELECT max(id) FROM turns WHERE session_id = 1)" if table == "turns" else "id = 1"
        try:
            damage(store, f"UPDATE {table} SET {column} = ? WHERE {where}", value)
        except StoreError:
            return None
    return db


@pytest.mark.parametrize(("table", "column"), CASES, ids=[f"{t}.{c}" for t, c in CASES])
def test_a_column_of_the_wrong_kind(full, tmp_path, capsys, monkeypatch, table, column):
    """One value of the wrong kind per column (the quick pass); the slow pass tries them all."""
    value = "[1, 2]" if column in ("scores", "delta") else GARBAGE[1 + sum(map(ord, column)) % (len(GARBAGE) - 1)]
    db = _corrupt(full, tmp_path, table, column, value)
    assert db is not None
    run_all(db, capsys, monkeypatch)


@pytest.mark.slow
def test_every_column_with_every_value_of_the_wrong_kind(full, tmp_path, capsys, monkeypatch, record_property):
    tried = refused = 0
    for table, column in CASES:
        for value in GARBAGE:
            db = _corrupt(full, tmp_path, table, column, value)
            if db is None:
                refused += 1
                continue
            tried += run_all(db, capsys, monkeypatch)
    record_property("wrong_kind_cases", tried)
    record_property("values_sqlite_refused", refused)


# --- read-only ------------------------------------------------------------------------------------


def _freeze(path: Path, on: bool) -> None:
    """Make ``path`` read-only even for root: chmod for a user, the immutable attribute for root."""
    if os.geteuid() != 0:
        os.chmod(path, (0o555 if path.is_dir() else 0o444) if on else stat.S_IRWXU)
        return
    result = subprocess.run(["chattr", "+i" if on else "-i", str(path)], capture_output=True, text=True, check=False)
    if result.returncode != 0 and on:
        message = f"cannot make {path} read-only for root (chattr: {result.stderr.strip()})"
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)


@pytest.mark.parametrize("what", ["file", "folder"])
def test_a_read_only_store(full, tmp_path, capsys, monkeypatch, what, record_property):
    """Reading works or says why in one line; writing says so in one line; the file is unchanged."""
    folder = tmp_path / "ro"
    folder.mkdir()
    db = folder / "store.db"
    shutil.copy(full, db)
    before = db.read_bytes()
    frozen = [db] if what == "file" else [db, folder]
    try:
        for path in frozen:
            _freeze(path, True)
        tried = run_all(db, capsys, monkeypatch)
        code = main(["play", "declined-offer", "--seed", "1", "--moves", "wait", "--learner", "ana", "--db", str(db)])
        err = capsys.readouterr().err
        assert code == 2 and err.startswith(f"parley: error: session store {db}: ") and err.count("\n") == 1, err
        assert "read-only" in err or "cannot open" in err, err
        assert db.read_bytes() == before
        record_property(f"read_only_{what}_cases", tried + 1)
    finally:
        for path in reversed(frozen):
            _freeze(path, False)
