"""Fixtures for the session store's tests: every store test runs on SQLite and on a real PostgreSQL.

``store`` and ``ref`` are parametrised over both databases: ``ref`` is what a user passes to
``Store()`` or ``--db`` (a file path, or the URL of a fresh database), ``store`` is it opened.
The PostgreSQL server is ``$PARLEY_TEST_POSTGRES`` when set (``.ci/run`` starts one; point it at
any server where the URL's user may create databases), else a throwaway cluster the session
starts from the installed server programs. Without either, the PostgreSQL tests are skipped on
a developer's machine and FAIL under ``CI``: CI must never pass without the server.

Child processes run small scripts with ``sys.executable``, so crash and concurrency tests exercise
real separate processes writing one store, as two terminals or a course script would.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from simulator.store import Store

from .postgres_cluster import DATA_VAR, URL_VAR, Cluster, binaries
from .support import drop_pg_database, in_ci, new_pg_database

ROOT = Path(__file__).resolve().parents[2]
BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(autouse=True)
def _no_default_store(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test may touch the user's real store: the default location points into tmp_path."""
    monkeypatch.setenv("PARLEY_DB", str(tmp_path / "default.parley.db"))


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    url = os.environ.get(URL_VAR)
    if url:
        data = os.environ.get(DATA_VAR)
        yield Cluster(url, Path(data) if data else None)
        return
    if binaries() is None:
        message = (
            "no PostgreSQL server for the store's tests: install the server package (apt-get install postgresql) "
            f"or set {URL_VAR}=postgresql://user@host/postgres"
        )
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)
    base = "/tmp" if len(tempfile.gettempdir()) > 40 else tempfile.gettempdir()
    folder = Path(tempfile.mkdtemp(prefix="parley-pg-", dir=base))
    cluster = Cluster.start(folder)
    try:
        yield cluster
    finally:
        cluster.stop()
        subprocess.run(["rm", "-rf", str(folder)], check=False)


@pytest.fixture
def pg_admin(pg_cluster: Cluster) -> Iterator[object]:
    """A superuser connection to the test server, for the test's own checks."""
    import psycopg

    con = psycopg.connect(pg_cluster.url, autocommit=True)
    yield con
    con.close()


@pytest.fixture
def pg_url(pg_cluster: Cluster) -> Iterator[str]:
    """The URL of a fresh, empty database on the test server (dropped after the test)."""
    url = new_pg_database(pg_cluster)
    yield url
    drop_pg_database(pg_cluster, url)


@pytest.fixture
def fresh(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[object]:
    """``fresh()`` names one more new store of this test's database kind (each dropped after)."""
    made: list[str] = []

    def make() -> str:
        if backend == "sqlite":
            ref = str(tmp_path / f"store-{len(made)}.parley.db")
        else:
            ref = new_pg_database(request.getfixturevalue("pg_cluster"))
        made.append(ref)
        return ref

    yield make
    if backend == "postgresql":
        for ref in made:
            drop_pg_database(request.getfixturevalue("pg_cluster"), ref)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def ref(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """A new store as a user names it: a SQLite file path, or a PostgreSQL URL."""
    if backend == "sqlite":
        return str(tmp_path / "store.parley.db")
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
def store(ref: str) -> Iterator[Store]:
    with Store(ref) as s:
        yield s


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A SQLite store file (for what only a file can suffer: damage, permissions, WAL)."""
    return tmp_path / "store.parley.db"


@pytest.fixture
def sqlite_store(db: Path) -> Iterator[Store]:
    with Store(db) as s:
        yield s


@pytest.fixture
def spawn() -> Iterator[object]:
    """``spawn(script, *args)`` starts a child process; any still running at teardown is killed."""
    started: list[subprocess.Popen[str]] = []

    def start(script: str, *args: str, **kwargs: object) -> subprocess.Popen[str]:
        proc = child(script, *args, **kwargs)
        started.append(proc)
        return proc

    yield start
    for proc in started:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        for stream in (proc.stdin, proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()


def child(script: str, *args: str, **kwargs: object) -> subprocess.Popen[str]:
    """Start ``python -c script args...`` with line-buffered text pipes (stdin too)."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(script), *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
        **kwargs,  # type: ignore[arg-type]
    )
