"""``parley store migrate`` and ``parley store info``: looking after a store, above all a shared server.

A SQLite file is upgraded when Parley opens it. A PostgreSQL database that several machines share
is upgraded only on purpose, once, with ``parley store migrate --db URL``: until then each Parley
that needs the newer schema says so and writes nothing, and an older Parley refuses a newer store.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..store import Store
    from .usage import Subparsers

__all__ = ["register"]


def register(subparsers: Subparsers, db_option: Callable[[argparse.ArgumentParser], None]) -> None:
    p = subparsers.add_parser(
        "store",
        help="upgrade or describe the session store",
        description="Look after the session store: upgrade its schema, or say where it is and what it holds.",
        epilog="Example: parley store migrate --db postgresql://parley@db.example/course",
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION", parser_class=type(p))
    m = actions.add_parser(
        "migrate",
        help="upgrade the store's schema to this Parley's (creating it in an empty database)",
        description="Upgrade the store's schema to the one this Parley writes, in one transaction. "
        "Safe to run twice, and from several machines at once.",
        epilog="Sessions finished before schema 4 have no skill figure (what the choices were worth, apart "
        "from luck); --rate gives it to those whose scenario file is at hand unchanged and that replay "
        "identically, and names the others.",
    )
    m.add_argument(
        "--rate",
        action="store_true",
        help="also rate the finished sessions that have no skill figure, where that is exact",
    )
    db_option(m)
    m.set_defaults(run=_migrate)
    i = actions.add_parser("info", help="where the store is, its schema version and how much it holds")
    db_option(i)
    i.set_defaults(run=_info)
    p.set_defaults(run=lambda args: _usage(p))


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 0


def _migrate(args: argparse.Namespace) -> int:
    from ..store import Store
    from ..store.schema import SCHEMA_VERSION

    with Store(args.db, migrate=True) as store:
        found = store.found_version
        where = store.url
        if found == SCHEMA_VERSION:
            print(
                f"session store {where}: already at schema {SCHEMA_VERSION}" + ("" if args.rate else "; nothing to do")
            )
        elif found == 0:
            print(f"session store {where}: created at schema {SCHEMA_VERSION}")
        else:
            print(f"session store {where}: upgraded from schema {found} to {SCHEMA_VERSION}")
        if args.rate:
            _rate(store)
    return 0


def _rate(store: Store) -> None:
    from ..safetext import visible

    done = store.rate_unrated()
    sessions = "session" if done.rated == 1 else "sessions"
    print(f"rated {done.rated} finished {sessions} that had no skill figure")
    for session_id, why in sorted(done.left.items()):
        print(visible(f"  session {session_id}: no figure: {why}"))


def _info(args: argparse.Namespace) -> int:
    from .._version import __version__
    from ..store.location import locate
    from ..store.schema import SCHEMA_VERSION
    from ..store.store import open_database

    where = locate(args.db)
    db = open_database(where, timeout=10.0, durable=False, create=False)
    try:
        version = db.version()
        print(f"store:    {where.shown}")
        print(f"database: {'PostgreSQL' if where.kind == 'postgresql' else 'SQLite'}")
        state = (
            "current"
            if version == SCHEMA_VERSION
            else (
                "empty"
                if version == 0
                else "newer than this Parley"
                if version > SCHEMA_VERSION
                else "older: run parley store migrate"
            )
        )
        print(f"schema:   {version} ({state}; Parley {__version__} writes schema {SCHEMA_VERSION})")
        if version == SCHEMA_VERSION:
            row = db.row(
                "SELECT (SELECT count(*) FROM learners), (SELECT count(*) FROM sessions), (SELECT count(*) FROM turns)",
                doing="counting",
            )
            learners, sessions, turns = row or (0, 0, 0)
            print(f"holds:    {learners} learners, {sessions} sessions, {turns} turns")
    finally:
        db.close()
    return 0
