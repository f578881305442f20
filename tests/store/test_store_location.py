"""Where a store is: paths, URLs, the environment; and no password in any message or repr."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from simulator import StoreError
from simulator.cli.main import main
from simulator.store import Store
from simulator.store.location import default_path, locate, redact, store_path


def test_paths_urls_and_the_environment_choose_the_file(tmp_path, monkeypatch):
    url_db = tmp_path / "via-url.db"
    with Store(f"sqlite:///{url_db}") as s:
        s.learner("ana")
    assert url_db.exists()
    monkeypatch.setenv("PARLEY_DB", str(tmp_path / "env.db"))
    with Store(None) as s:
        assert s.path == tmp_path / "env.db"
    monkeypatch.delenv("PARLEY_DB")
    assert default_path().name == "parley.db" and "parley" in str(default_path().parent).lower()
    with pytest.raises(StoreError, match="unsupported store URL"):
        Store("sqlite://host/x.db")


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://ana@db.example/course",
        "postgres://ana:secret@db.example:5433/course",
        "postgresql://ana@/course?host=/run/postgresql",
        "POSTGRESQL://ana@db.example/course",
    ],
)
def test_postgresql_urls_name_a_server(url):
    where = locate(url)
    assert where.kind == "postgresql" and where.path is None and where.dsn == url
    assert store_path(url) is None and "secret" not in where.shown


@pytest.mark.parametrize(
    "url",
    [
        "mysql://user:secret@host/course",
        "postgresq://user:secret@host:5432/course",
        "http://user:secret@example.com/x.db",
        "file:/etc/passwd",
        "mongodb+srv://user:secret@cluster/x",
    ],
)
def test_a_url_the_store_does_not_speak_is_refused_before_anything_is_created(url, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(StoreError, match="unsupported store URL") as info:
        Store(url)
    assert "secret" not in str(info.value) and "\n" not in str(info.value)
    for command in (
        ["play", "declined-offer", "--moves", "wait"],
        ["history"],
        ["progress"],
        ["verify"],
        ["show", "1"],
    ):
        assert main([*command, "--db", url]) == 2
        err = capsys.readouterr().err
        assert "unsupported store URL" in err and "secret" not in err and err.count("\n") == 1
    monkeypatch.setenv("PARLEY_DB", url)
    assert main(["history"]) == 2
    assert "secret" not in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []  # no folder named after the URL, no file


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://ana:hunter2@db/course", "postgresql://ana:***@db/course"),
        ("postgresql://ana:p%40ss%3Aw@db:5432/course", "postgresql://ana:***@db:5432/course"),
        (
            "postgresql://ana@db/course?password=hunter2&sslmode=require",
            "postgresql://ana@db/course?password=***&sslmode=require",
        ),
        ("postgresql://ana@db/course", "postgresql://ana@db/course"),
    ],
)
def test_a_password_never_shows(url, shown):
    assert redact(url) == shown
    where = locate(url)
    assert where.shown == shown and shown in repr(where) and "hunter2" not in repr(where)


def test_driver_messages_are_scrubbed_of_the_password():
    where = locate("postgresql://ana:p%40ss%3Aw@db/course")
    assert where.scrub("conninfo: ana:p%40ss%3Aw, decoded p@ss:w") == "conninfo: ana:***, decoded ***"


def test_the_file_is_in_wal_mode(sqlite_store, db):
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    con.close()


def test_a_directory_is_not_a_store(tmp_path: Path):
    with pytest.raises(StoreError, match="is a directory"):
        Store(tmp_path)


def test_a_missing_file_is_refused_when_not_creating(tmp_path):
    path = tmp_path / "typo" / "course.db"
    with pytest.raises(StoreError, match="no such file; nothing has been saved there"):
        Store(path, create=False)
    assert not path.parent.exists()  # reading never creates folders or files


@pytest.mark.parametrize(("ref", "message"), [("", "path is empty"), ("/dev/null", "not a regular file")])
def test_paths_that_cannot_be_a_store(ref, message):
    with pytest.raises(StoreError, match=message):
        Store(ref)


def test_a_store_repr_shows_where_it_is(tmp_path):
    with Store(tmp_path / "x.db") as s:
        assert repr(s) == f"Store({str(tmp_path / 'x.db')!r})"
    assert os.fspath(tmp_path / "x.db") in repr(Store(tmp_path / "x.db"))
