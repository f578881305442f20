"""The store as a user of a database server meets it: connections cut, the server restarted or down,
a commit whose answer never came back, another process holding a lock, passwords.
"""

from __future__ import annotations

import subprocess
import sys
from urllib.parse import urlsplit

import pytest

from simulator import Session, StoreError
from simulator.cli.main import main
from simulator.store import Store

from .postgres_cluster import SECRET, SECRET_ROLE
from .support import in_ci

ROOT = __import__("pathlib").Path(__file__).resolve().parents[2]


@pytest.fixture
def owned(pg_cluster):
    """The test server, when these tests may stop and start it (always under CI)."""
    if pg_cluster.data is None:
        message = "the PostgreSQL server is not ours to restart: set PARLEY_TEST_PGDATA to its data folder"
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)
    return pg_cluster


def stored_keys(ref, session_id):
    with Store(ref) as store:
        return [(t.number, t.key) for t in store.turns(session_id, undone=True)]


def test_a_connection_cut_between_turns_is_mended_unseen(pg_url, pg_admin, declined):
    with Store(pg_url) as store:
        s = Session(declined, seed=2)
        rec = store.record(s, learner="ana")
        rec.turn(s.play("decide_repair"))
        pid = store.con.info.backend_pid
        pg_admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        rec.turn(s.play("apologize:hr_rep/sincere"))  # the dead connection is noticed before anything is written
        assert store.con.info.backend_pid != pid
        assert [t.key for t in store.turns(rec.session_id)] == ["decide_repair", "apologize:hr_rep/sincere"]


def test_a_server_restart_mid_session_loses_nothing(pg_url, owned, declined):
    with Store(pg_url) as store:
        s = Session(declined, seed=2)
        rec = store.record(s, learner="ana")
        rec.turn(s.play("decide_repair"))
        owned.restart()
        rec.turn(s.play("apologize:hr_rep/sincere"))
        assert stored_keys(pg_url, rec.session_id) == [(1, "decide_repair"), (2, "apologize:hr_rep/sincere")]


def test_a_server_down_mid_session_is_one_line_and_the_session_goes_on_when_it_is_back(pg_url, owned, declined):
    with Store(pg_url, timeout=2) as store:
        s = Session(declined, seed=2)
        rec = store.record(s, learner="ana")
        rec.turn(s.play("decide_repair"))
        owned.stop()
        try:
            with pytest.raises(StoreError) as info:
                rec.turn(s.play("apologize:hr_rep/sincere"))
            message = str(info.value)
            assert "\n" not in message and message.startswith(f"session store {store.url}: saving turn 2")
            assert "database server" in message and "1 unsaved change kept" in message
            assert rec.unsaved == 1
            with pytest.raises(StoreError, match="2 unsaved changes kept"):  # still down: kept, in order
                rec.turn(s.play("apologize:hiring_manager/sincere"))
        finally:
            owned.start_again()
        rec.turn(s.play("wait"))  # the server is back: everything kept is written first, once
        assert rec.unsaved == 0
    assert stored_keys(pg_url, rec.session_id) == [
        (1, "decide_repair"),
        (2, "apologize:hr_rep/sincere"),
        (3, "apologize:hiring_manager/sincere"),
        (4, "wait"),
    ]


def test_reading_commands_say_the_server_is_down_in_one_line(pg_url, owned, capsys):
    Store(pg_url).close()
    owned.stop()
    try:
        for command in (["history"], ["progress"], ["verify"], ["show", "1"], ["resume"], ["store", "info"]):
            assert main([*command, "--db", pg_url]) == 2
            err = capsys.readouterr().err
            assert err.startswith("parley: error: session store postgresql://") and "cannot connect" in err
            assert err.count("\n") == 1
    finally:
        owned.start_again()


def test_a_commit_whose_answer_was_lost_is_not_written_twice(ref, declined, monkeypatch):
    """The commit reached the database, but the connection died before saying so: writing the
    same changes again (as the next save does) must find them, not double them, even when the
    next move is the very move just taken back.
    """
    with Store(ref) as store:
        db = store.db
        s = Session(declined, seed=4)
        rec = store.record(s, learner="ana")
        real_commit = type(db)._commit
        lost = {"left": 0}

        def commit_then_lose_the_answer(self, con):
            real_commit(self, con)
            if lost["left"]:
                lost["left"] -= 1
                raise StoreError("session store: the connection was lost after COMMIT (simulated)")

        monkeypatch.setattr(type(db), "_commit", commit_then_lose_the_answer)
        lost["left"] = 1
        with pytest.raises(StoreError, match="1 unsaved change kept"):
            rec.turn(s.play("wait"))  # stored, but the recording cannot know
        assert rec.session_id is None and rec.unsaved == 1
        rec.turn(s.play("wait"))
        lost["left"] = 1
        s.undo()
        with pytest.raises(StoreError, match="1 unsaved change kept"):
            rec.undo()
        rec.turn(s.play("wait"))  # the same move again: same number, move, reply and draws
        lost["left"] = 1
        with pytest.raises(StoreError):
            rec.turn(s.play("decide_repair"))
        rec.finish()  # not over: writes what is kept
        assert rec.unsaved == 0
        [info] = store.sessions()
        assert info.id == rec.session_id and info.turns == 3  # one session row, not two
        assert [(t.number, t.key, t.undone_at is not None) for t in store.turns(info.id, undone=True)] == [
            (1, "wait", False),
            (2, "wait", True),
            (2, "wait", False),
            (3, "decide_repair", False),
        ]
        assert store.verify(info.id)[0].ok and store.resume(info.id).session.played == ["wait", "wait", "decide_repair"]


LOCKER = """
    import sys
    from simulator.store import Store
    from simulator.store.location import locate
    from simulator.store.store import open_database

    db = open_database(locate(sys.argv[1]), timeout=5, durable=False, create=False)
    with db.write("holding a lock"):
        if db.dialect == "sqlite":
            db.run("UPDATE learners SET display = display")  # BEGIN IMMEDIATE: the write lock is ours
        else:
            db.run("LOCK TABLE turns IN EXCLUSIVE MODE")  # readers pass, writers wait
        print("locked", flush=True)
        sys.stdin.readline()  # hold it until the parent says so
"""


def test_a_lock_held_by_another_process_past_the_timeout_is_one_line(ref, declined, spawn):
    with Store(ref) as store:
        store.learner("ana")
        s = Session(declined, seed=1)
        rec = store.record(s, learner="ana")
        rec.turn(s.play("wait"))
    holder = spawn(LOCKER, ref)
    assert holder.stdout.readline().strip() == "locked", holder.stderr.read()
    try:
        with Store(ref, timeout=0.3) as store:
            rec = store.resume(learner="ana")
            with pytest.raises(StoreError, match=r"locked by another process \(waited 0.3 s\); try again") as info:
                rec.turn(rec.session.play("wait"))
            assert "\n" not in str(info.value)
    finally:
        holder.stdin.write("done\n")
        holder.stdin.flush()
        holder.wait(timeout=30)
    with Store(ref) as store:
        rec = store.resume(learner="ana")
        assert len(store.turns(rec.session_id)) == 1


@pytest.fixture
def secret_url(pg_cluster, pg_admin, pg_url):
    """The fresh database's URL as a role that must give a password."""
    exists = pg_admin.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (SECRET_ROLE,)).fetchone()
    if not exists:  # a server the tests did not start
        pg_admin.execute(f"CREATE ROLE {SECRET_ROLE} LOGIN PASSWORD '{SECRET}'")
    database = urlsplit(pg_url).path.lstrip("/")
    pg_admin.execute(f"GRANT ALL ON DATABASE {database} TO {SECRET_ROLE}")
    pg_admin.execute(f"ALTER DATABASE {database} OWNER TO {SECRET_ROLE}")
    return pg_cluster.url_for(database, user=SECRET_ROLE, password=SECRET)


def test_a_password_in_the_url_is_used_and_never_shown(secret_url, declined, capsys):
    with Store(secret_url) as store:
        assert SECRET not in repr(store) and SECRET not in store.url and ":***@" in store.url
        rec = store.record(Session(declined, seed=1), learner="ana")
        rec.play("wait")
    run = [sys.executable, "-m", "simulator"]
    played = subprocess.run(
        [*run, "play", "declined-offer", "--seed", "1", "--moves", "wait", "--db", secret_url],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        timeout=60,
    )
    assert played.returncode == 0, played.stderr
    assert SECRET not in played.stdout + played.stderr
    for command in (["history", "--all"], ["progress", "--learner", "ana"], ["verify"], ["store", "info"]):
        assert main([*command, "--db", secret_url]) == 0
        out, err = capsys.readouterr()
        assert SECRET not in out + err


def _accepted(url: str) -> bool:
    import psycopg

    try:
        psycopg.connect(url, connect_timeout=5).close()
    except psycopg.OperationalError:
        return False
    return True


@pytest.mark.parametrize(
    "make_url",
    [
        lambda url: url.replace(SECRET, "wrong-" + SECRET),  # a wrong password: the message must not echo either
        lambda url: "postgresql://ana:" + SECRET + "@127.0.0.1:1/course",  # nothing listens on port 1
        lambda url: url.replace("@", "@no-such-host.invalid", 1).split("?")[0],
    ],
)
def test_connection_failures_are_one_line_without_the_password(secret_url, make_url, capsys):
    url = make_url(secret_url)
    if "wrong-" in url and _accepted(url):  # only a server that wants the password can refuse a wrong one
        message = "this PostgreSQL server trusts the role without a password (the tests' own cluster does not)"
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)
    with pytest.raises(StoreError) as info:
        Store(url, timeout=2)
    message = str(info.value)
    assert "\n" not in message and SECRET not in message and "cannot connect to the database server" in message
    assert main(["history", "--db", url]) == 2
    err = capsys.readouterr().err
    assert SECRET not in err and err.count("\n") == 1


def test_without_the_driver_a_server_url_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "psycopg", None)
    with pytest.raises(StoreError, match=r'needs the PostgreSQL driver: pip install "parley\[postgresql\]"'):
        Store("postgresql://ana@localhost/course")


class Terminal:
    """A `parley` process read as a person reads it: the whole output so far, waited on by text."""

    def __init__(self, argv, **kwargs):
        import os
        import threading

        env = {**os.environ, "COLUMNS": "200", "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen(
            argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env=env,
            **kwargs,
        )
        self.out = ""
        self.changed = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        while chunk := self.proc.stdout.read(1):
            with self.changed:
                self.out += chunk
                self.changed.notify_all()
        self.proc.wait()
        with self.changed:  # the end of output: whoever waits can stop waiting
            self.changed.notify_all()

    def wait_for(self, text, count=1):
        """Until ``text`` has appeared ``count`` times; the deadline only guards against a hang."""
        with self.changed:
            if not self.changed.wait_for(
                lambda: self.out.count(text) >= count or self.proc.poll() is not None, timeout=120
            ):
                raise AssertionError(f"{text!r} never came:\n{self.out}")
        assert self.out.count(text) >= count, f"the process ended first:\n{self.out}\n{self.proc.stderr.read()}"

    def send(self, line):
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()


def test_play_goes_on_through_a_server_outage_and_saves_every_move(pg_url, owned):
    term = Terminal(
        [
            sys.executable,
            "-m",
            "simulator",
            "play",
            "declined-offer",
            "--seed",
            "5",
            "--plain",
            "--learner",
            "ana",
            "--db",
            pg_url,
        ]
    )
    try:
        term.wait_for("Turn 1 of")
        term.send("decide_repair")
        term.wait_for("Turn 2 of")
        owned.stop()
        try:
            term.send("apologize hr_rep sincere")
            term.wait_for("Turn 3 of")
            assert "Not saved yet: session store postgresql://" in term.out and "1 unsaved change kept" in term.out
        finally:
            owned.start_again()
        term.send("wait")
        term.wait_for("Turn 4 of")
        term.send("/quit")
        assert term.proc.wait(timeout=60) == 0, term.proc.stderr.read()
    finally:
        term.proc.kill()
    last = term.out.strip().splitlines()[-1]
    assert "resume with: parley resume" in last and "could not be saved" not in last
    with Store(pg_url) as store:
        [info] = store.sessions(learner="ana")
        assert [t.key for t in store.turns(info.id, undone=True)] == [
            "decide_repair",
            "apologize:hr_rep/sincere",
            "wait",
        ]
