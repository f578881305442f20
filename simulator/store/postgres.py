"""The store on a PostgreSQL server, through psycopg 3 (``pip install "parley[postgresql]"``).

Imported only when a store URL names a server, so the driver (about 80 ms of imports) never
slows down SQLite users or ``parley list``. The connection runs in autocommit mode and the store
opens its own short transactions (:meth:`Database.write`), at READ COMMITTED: every write
conflict the store can meet is settled by a unique index and ``ON CONFLICT DO NOTHING``, never
by a retry loop. Large reads stream through a server-side cursor inside a REPEATABLE READ
transaction, so an export is one consistent picture of the store whatever its size.

A lost connection (the server restarted, a network cut) raises a one-line StoreError; the next
statement connects again, so a caller that retries goes on where it stopped.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from typing import Any

from ..errors import StoreError
from .database import STREAM_BATCH, Database, Row
from .location import Location

__all__ = ["PostgreSQL"]

# pg_advisory_xact_lock key held while a schema is upgraded ("PARLEY" in ASCII)
SCHEMA_LOCK = 0x504152_4C4559
# SQLSTATE -> what it means to someone using Parley
REASONS = {
    "55P03": "the database is locked by another process (waited {timeout:g} s); try again",
    "40P01": "another writer was using the same rows (deadlock); try again",
    "40001": "another writer changed the same rows; try again",
    "42P01": "the database does not hold the Parley tables expected ({text})",
    "42501": "permission denied ({text})",
    "25006": "the database is read-only ({text})",
    "53100": "the database server's disk is full ({text})",
    "57P01": "the database server is shutting down ({text})",
    "57P02": "the database server is restarting ({text})",
    "57P03": "the database server is not accepting connections yet ({text})",
}


def _driver() -> Any:
    try:
        import psycopg
    except ImportError as exc:
        raise StoreError(
            'a postgresql:// store needs the PostgreSQL driver: pip install "parley[postgresql]" (psycopg 3)'
        ) from exc
    return psycopg


class PostgreSQL(Database):
    """A store in a PostgreSQL database (its current schema, so one database can hold several)."""

    dialect = "postgresql"

    def __init__(self, location: Location, *, timeout: float) -> None:
        self.psycopg = _driver()
        super().__init__(location, timeout=timeout)
        self._cursors = 0

    def _connect(self) -> Any:
        psycopg = self.psycopg
        try:
            given = psycopg.conninfo.conninfo_to_dict(self.location.dsn)
        except psycopg.ProgrammingError as exc:
            raise StoreError(self.message("connecting", f"the URL is not a PostgreSQL connection URL ({exc})")) from exc
        extra: dict[str, Any] = {"autocommit": True}
        if "connect_timeout" not in given:
            extra["connect_timeout"] = max(2, math.ceil(self.timeout))  # libpq counts whole seconds, at least 2
        if "application_name" not in given:
            extra["application_name"] = "parley"
        con = psycopg.connect(self.location.dsn, **extra)
        try:
            # wait for another writer's locks at most `timeout`, as SQLite's busy_timeout does
            con.execute("SELECT set_config('lock_timeout', %s, false)", (f"{max(1, int(self.timeout * 1000))}ms",))
        except BaseException:
            con.close()
            raise
        return con

    def _alive(self, con: Any) -> bool:
        return not (con.closed or con.broken)

    def _sql(self, sql: str) -> str:
        return sql.replace("%", "%%").replace("?", "%s")

    def _begin(self, con: Any, *, write: bool) -> None:
        con.execute("BEGIN" if write else "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")

    def _cursor_rows(self, sql: str, args: Sequence[Any]) -> Iterator[Row]:
        self._cursors += 1
        cursor = self.con.cursor(name=f"parley_stream_{self._cursors}")
        cursor.itersize = STREAM_BATCH
        try:
            cursor.execute(self._sql(sql), args)
            yield from cursor
        finally:
            if self._alive(self.con):
                cursor.close()

    def _explain(self, exc: BaseException) -> str | None:
        psycopg = self.psycopg
        if not isinstance(exc, psycopg.Error):
            return None
        text = " ".join(str(exc).split()) or type(exc).__name__
        if isinstance(exc, psycopg.OperationalError) and self._con is None:
            return f"cannot connect to the database server ({text})"
        if self._con is not None and not self._alive(self._con):
            return f"the connection to the database server was lost ({text})"
        reason = REASONS.get(getattr(exc, "sqlstate", None) or "")
        if reason is not None:
            return reason.format(timeout=self.timeout, text=text)
        if isinstance(exc, psycopg.DataError):
            return f"a value the database cannot store ({text})"
        return f"{type(exc).__name__}: {text}"

    def _read_version(self) -> int:
        con = self.con
        # an ordinary query of the catalog (this statement's snapshot), not to_regclass(): a process
        # that waited for another's schema upgrade must see the table that upgrade just committed
        exists = con.execute(
            "SELECT count(*) FROM pg_catalog.pg_tables"
            " WHERE schemaname = current_schema() AND tablename = 'parley_schema'"
        ).fetchone()[0]
        if not exists:
            return 0
        found = con.execute("SELECT max(version) FROM parley_schema").fetchone()[0]
        return int(found or 0)

    def _write_version(self, version: int) -> None:
        con = self.con
        con.execute("CREATE TABLE IF NOT EXISTS parley_schema (version BIGINT NOT NULL)")
        con.execute("DELETE FROM parley_schema")
        con.execute("INSERT INTO parley_schema (version) VALUES (%s)", (int(version),))

    def _tables(self) -> set[str]:
        # other applications' tables may share the database: only tables named like ours are in the way
        rows = self.con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
        ).fetchall()
        return {r[0] for r in rows} & self.OURS

    def _lock_schema(self) -> None:
        self.con.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK,))

    def id_list(self, ids: Sequence[int]) -> tuple[str, Any]:
        return "= ANY(?)", list(ids)
