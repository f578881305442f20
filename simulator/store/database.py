"""One connection to a store's database: statements, transactions, errors, schema upgrades.

:class:`Database` holds what both databases share: every statement is written once with ``?``
placeholders, each write is one short transaction (:meth:`Database.write`), a consistent read
of several statements is :meth:`Database.reading`, large results stream (:meth:`Database.stream`),
and every driver error becomes a one-line :class:`~simulator.errors.StoreError` naming the
store (password hidden) and what was being done. The schema is brought up to date here, under
a lock, inside one transaction. :class:`SQLite` is the embedded backend; the PostgreSQL one lives
in :mod:`.postgres` so that its driver is imported only for a server (chosen by
:func:`simulator.store.store.open_database`).

Why SQLite loses nothing and lets several processes write: WAL mode, ``BEGIN IMMEDIATE`` per
write (the write lock is taken up front, so two writers never deadlock), and ``busy_timeout``
so that a second writer waits for the first instead of failing.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, ClassVar

from .._version import __version__
from ..errors import StoreError
from .location import ENV_VAR, Location, NoStore
from .schema import SCHEMA_VERSION, statements

__all__ = ["MAX_INTEGER", "Database", "SQLite"]

MAX_INTEGER = 2**63 - 1  # the largest integer both databases store: no id or seed is above it
STREAM_BATCH = 2000  # rows fetched at a time by a server-side cursor
Row = tuple[Any, ...]


class Database:
    """A store's connection. Subclasses say how to connect, begin, commit and explain errors."""

    dialect: ClassVar[str]
    # the tables a Parley store holds, as :mod:`.schema` names them
    OURS: ClassVar[frozenset[str]] = frozenset({"learners", "sessions", "turns", "turns_v2", "parley_schema"})

    def __init__(self, location: Location, *, timeout: float) -> None:
        self.location = location
        self.timeout = timeout
        self.trace: Callable[[str], None] | None = None  # called with each statement (tests count them)
        self._con: Any = None
        self._in_transaction = False
        self._writing = False  # the open transaction may write

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.location.shown!r})"

    # --- what a backend provides ------------------------------------------------------------------

    def _connect(self) -> Any:
        raise NotImplementedError

    def _alive(self, con: Any) -> bool:
        return True

    def _sql(self, sql: str) -> str:
        return sql

    def _begin(self, con: Any, *, write: bool) -> None:
        raise NotImplementedError

    def _commit(self, con: Any) -> None:
        con.execute("COMMIT")

    def _rollback(self, con: Any) -> None:
        con.execute("ROLLBACK")

    def _explain(self, exc: BaseException) -> str | None:
        """Why the driver raised ``exc``, in a few words; None when ``exc`` is not the driver's."""
        raise NotImplementedError

    def _read_version(self) -> int:
        raise NotImplementedError

    def _write_version(self, version: int) -> None:
        raise NotImplementedError

    def _tables(self) -> set[str]:
        raise NotImplementedError

    def _lock_schema(self) -> None:
        """Serialise schema upgrades between processes (inside the upgrade's transaction)."""

    def _cursor_rows(self, sql: str, args: Sequence[Any]) -> Iterator[Row]:
        yield from self.con.execute(self._sql(sql), args)

    def id_list(self, ids: Sequence[int]) -> tuple[str, Any]:
        """SQL testing ``x IN ids`` as ``x {fragment}``, and its one parameter: any number of ids."""
        raise NotImplementedError

    # --- the connection ---------------------------------------------------------------------------

    @property
    def con(self) -> Any:
        """The live connection; reconnects after a lost one (never inside a transaction)."""
        if self._con is None or not self._alive(self._con):
            if self._in_transaction:
                raise StoreError(self.message("writing", "the connection to the database was lost"))
            self.drop()
            self._con = self._connect()  # a failure is explained by the caller's errors(doing)
        return self._con

    def drop(self) -> None:
        """Close the connection (quietly: it may be gone already)."""
        con, self._con = self._con, None
        if con is not None:
            with contextlib.suppress(Exception):
                con.close()

    close = drop

    def message(self, doing: str, reason: str) -> str:
        return self.location.scrub(f"session store {self.location.shown}: {doing}: {reason}")

    @contextlib.contextmanager
    def errors(self, doing: str) -> Iterator[None]:
        """Turn what the driver (or a value on its way in or out) raises into a one-line StoreError."""
        try:
            yield
        except StoreError:
            raise
        except OverflowError as exc:  # an int beyond 64 bits, such as a huge session id
            raise StoreError(
                self.message(doing, f"a number is too large for the store (at most {MAX_INTEGER})")
            ) from exc
        except UnicodeError as exc:  # lone surrogates: bytes that were not UTF-8 (a non-UTF-8 terminal)
            # the codec errors say why in .reason; a plain UnicodeError (a driver's own) has none
            codec_error = UnicodeEncodeError | UnicodeDecodeError | UnicodeTranslateError
            why = (exc.reason if isinstance(exc, codec_error) else "") or str(exc)
            raise StoreError(self.message(doing, f"text that is not valid UTF-8 ({why})")) from exc
        except Exception as exc:
            reason = self._explain(exc)
            if reason is None:
                raise
            raise StoreError(self.message(doing, " ".join(reason.split()))) from exc

    # --- statements -------------------------------------------------------------------------------

    def _traced(self, sql: str) -> None:
        if self.trace is not None:
            self.trace(sql)

    def _again(self, attempt: Callable[[], Any]) -> Any:
        """``attempt()``, tried once more on a new connection if the old one turns out to be dead.

        Only outside a transaction: a statement that failed because the server went away since
        the last one (a restart between two turns) changed nothing, so trying again is safe.
        """
        try:
            return attempt()
        except Exception as exc:
            if self._in_transaction or self._con is None or self._alive(self._con) or self._explain(exc) is None:
                raise
            self.drop()
            return attempt()

    def rows(self, sql: str, args: Sequence[Any] = (), *, doing: str = "reading") -> list[Row]:
        self._traced(sql)
        with self.errors(doing):
            return list(self._again(lambda: self.con.execute(self._sql(sql), args).fetchall()))

    def row(self, sql: str, args: Sequence[Any] = (), *, doing: str = "reading") -> Row | None:
        self._traced(sql)
        with self.errors(doing):
            found = self._again(lambda: self.con.execute(self._sql(sql), args).fetchone())
            return tuple(found) if found is not None else None

    def run(self, sql: str, args: Sequence[Any] = (), *, doing: str = "writing") -> int:
        """Run a statement that changes rows; returns how many it changed."""
        self._traced(sql)
        with self.errors(doing):
            return int(self.con.execute(self._sql(sql), args).rowcount)

    def many(self, sql: str, rows: Iterable[Sequence[Any]], *, doing: str = "writing") -> None:
        """Run a statement once per row of ``rows`` (bulk loading: benchmarks, imports)."""
        self._traced(sql)
        with self.errors(doing):
            self.con.cursor().executemany(self._sql(sql), rows)

    def stream(self, sql: str, args: Sequence[Any] = (), *, doing: str = "reading") -> Iterator[Row]:
        """The rows of a query one at a time, never all in memory (inside a read transaction)."""
        self._traced(sql)
        with self.reading(doing), self.errors(doing):
            yield from self._cursor_rows(sql, args)

    @contextlib.contextmanager
    def _transaction(self, doing: str, *, write: bool) -> Iterator[Database]:
        if self._in_transaction:  # nested: the outer transaction decides
            if write and not self._writing:
                raise StoreError(
                    self.message(
                        doing,
                        "this Store is in the middle of a read (a stream not yet finished); "
                        "finish it first, or write through another Store",
                    )
                )
            yield self
            return
        with self.errors(doing):

            def begin() -> Any:
                con = self.con
                self._begin(con, write=write)
                return con

            con = self._again(begin)
        self._in_transaction, self._writing = True, write
        try:
            yield self
        except BaseException:
            self._in_transaction = False
            with contextlib.suppress(Exception):  # the connection may be gone: the server rolls back
                self._rollback(con)
            raise
        self._in_transaction = False
        with self.errors(doing):
            self._commit(con)

    def write(self, doing: str) -> contextlib.AbstractContextManager[Database]:
        """One short write transaction: committed when the block ends, rolled back if it raises."""
        return self._transaction(doing, write=True)

    def reading(self, doing: str) -> contextlib.AbstractContextManager[Database]:
        """Several reads that see one consistent state of the store."""
        return self._transaction(doing, write=False)

    # --- the schema -------------------------------------------------------------------------------

    def version(self) -> int:
        with self.errors("reading the schema version"):
            return self._read_version()

    def upgrade(self, *, create: bool, migrate: bool) -> int:
        """Bring the schema up to date; returns the version found.

        A new store gets the current schema when ``create``; an older one is upgraded only when
        ``migrate``; a newer one (written by a newer Parley) is always refused.
        """
        found = self.version()
        self._check_not_newer(found)
        if found == SCHEMA_VERSION:
            return found
        if found == 0 and not create:
            raise NoStore(
                self.message(
                    "reading", f"it holds no Parley store yet; nothing has been saved there (check --db or ${ENV_VAR})"
                )
            )
        if found > 0 and not migrate:
            raise StoreError(
                self.message(
                    "opening",
                    f"it is at schema {found} and this Parley {__version__} needs schema "
                    f"{SCHEMA_VERSION}; upgrade it once with: parley store migrate --db URL",
                )
            )
        with self.write("upgrading the schema"):
            self._lock_schema()
            found = self._read_version()  # another process may have upgraded it meanwhile
            self._check_not_newer(found)
            if found == 0:
                self._check_empty()
            for version in range(found, SCHEMA_VERSION):
                for sql in statements(version, self.dialect):
                    self.run(sql, doing="upgrading the schema")
            if found < SCHEMA_VERSION:
                self._write_version(SCHEMA_VERSION)
        return found

    def _check_not_newer(self, found: int) -> None:
        if found > SCHEMA_VERSION:
            raise StoreError(
                self.message(
                    "opening",
                    f"written by a newer Parley (schema {found}); "
                    f"this Parley {__version__} reads schema {SCHEMA_VERSION} and older",
                )
            )

    def _check_empty(self) -> None:
        tables = self._tables()
        if tables:
            raise StoreError(
                self.message("opening", f"not a Parley store (it holds tables {', '.join(sorted(tables))})")
            )


class SQLite(Database):
    """The embedded store: a file in WAL mode (or ``:memory:``)."""

    dialect = "sqlite"

    def __init__(self, location: Location, *, timeout: float, durable: bool = False, create: bool = True) -> None:
        super().__init__(location, timeout=timeout)
        self.durable = durable
        path = location.path
        if path is not None:
            if path.is_dir():
                raise StoreError(f"session store {path}: is a directory, not a database file")
            if path.exists() and not path.is_file():
                raise StoreError(f"session store {path}: is not a regular file (a device or a pipe?)")
            if not create and not path.exists():
                raise NoStore(
                    f"session store {path}: no such file; nothing has been saved there (check --db or ${ENV_VAR})"
                )
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except (OSError, ValueError) as exc:  # ValueError: a NUL in the path
                raise StoreError(
                    f"session store {path}: cannot create its folder: {getattr(exc, 'strerror', None) or exc}"
                ) from exc

    def _connect(self) -> sqlite3.Connection:
        where = ":memory:" if self.location.path is None else str(self.location.path)
        con = sqlite3.connect(where, timeout=self.timeout, isolation_level=None, check_same_thread=False)
        try:
            con.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")
            if self.location.path is not None:
                mode = self._switch_to_wal(con)
                if str(mode).lower() != "wal":
                    raise StoreError(self.message("opening", f"cannot switch to WAL mode (got {mode})"))
            con.execute(f"PRAGMA synchronous = {'FULL' if self.durable else 'NORMAL'}")
            con.execute("PRAGMA foreign_keys = ON")
        except BaseException:
            con.close()
            raise
        return con

    def _switch_to_wal(self, con: sqlite3.Connection) -> str:
        """Switch a file to WAL mode, waiting up to ``timeout`` while another process holds it.

        Why a loop: SQLite answers "database is locked" at once, without calling the busy
        handler, when several processes open a new file together and another one is switching
        it to WAL at that moment; waiting a little and asking again is what the handler would do.
        """
        deadline = time.monotonic() + self.timeout
        pause = 0.005
        while True:
            try:
                return str(con.execute("PRAGMA journal_mode = WAL").fetchone()[0])
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() + pause > deadline:
                    raise
            time.sleep(pause)
            pause = min(pause * 2, 0.1)

    def _begin(self, con: Any, *, write: bool) -> None:
        con.execute("BEGIN IMMEDIATE" if write else "BEGIN")

    def _explain(self, exc: BaseException) -> str | None:
        if not isinstance(exc, sqlite3.Error):
            return None
        text = str(exc)
        if "locked" in text or "busy" in text:
            return f"the database is locked by another process (waited {self.timeout:g} s); try again"
        if "not a database" in text or "malformed" in text or "corrupt" in text:
            return f"the file is damaged or is not a Parley store ({text})"
        if "readonly" in text or "read-only" in text:
            return f"the file is read-only ({text})"
        if "unable to open" in text:
            return f"cannot open the file ({text})"
        if "disk is full" in text or "disk I/O" in text:
            return f"the disk could not be written ({text})"
        return f"{exc.__class__.__name__}: {text}"

    def _read_version(self) -> int:
        return int(self.con.execute("PRAGMA user_version").fetchone()[0])

    def _write_version(self, version: int) -> None:
        self.con.execute(f"PRAGMA user_version = {int(version)}")

    def _tables(self) -> set[str]:
        return {r[0] for r in self.con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}

    def id_list(self, ids: Sequence[int]) -> tuple[str, Any]:
        import json

        # the ids travel as one JSON array: no limit on SQL variables, one statement whatever the count
        return "IN (SELECT value FROM json_each(?))", json.dumps(list(ids))
