"""What the command line shares with every command module: exit codes, the usage error, ``--db``.

Kept apart from :mod:`.main`, which imports every command module, so that a command can raise a
usage error without importing the entry point back (no import circle).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

from ..errors import SimulatorError

if TYPE_CHECKING:
    import argparse

    # What main.build_parser hands each command module's register(subparsers); argparse has no
    # public name for the class of add_subparsers()'s result.
    Subparsers: TypeAlias = argparse._SubParsersAction[argparse.ArgumentParser]

__all__ = ["EXIT_FAILURE", "EXIT_INTERRUPTED", "EXIT_OK", "EXIT_USAGE", "UsageError", "add_db_argument"]

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


class UsageError(SimulatorError):
    """A command-line usage mistake found after parsing (an option that needs another, ...)."""


def add_db_argument(p: argparse.ArgumentParser | argparse._ArgumentGroup) -> None:
    """``--db``, the same for every command that reads or writes the store."""
    p.add_argument(
        "--db",
        metavar="PATH|URL",
        help="the store: a SQLite file, sqlite:///PATH or postgresql://user@host/db "
        "(default: $PARLEY_DB, else the user data directory)",
    )
