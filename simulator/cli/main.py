"""Entry point of the ``parley`` command: one argparse parser, commands registered by modules.

Each module named in :data:`COMMAND_MODULES` exposes ``register(subparsers)`` and imports its
heavy dependencies (rich, prompt-toolkit, the store) inside the functions that run a command, so
building the parser stays cheap. Every :class:`~simulator.errors.SimulatorError` a command raises
is a mistake in the user's input: it is printed as one line on stderr and the exit code is 2.
"""

from __future__ import annotations

import argparse
import codecs
import contextlib
import errno
import importlib
import io
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from .._version import __version__
from ..errors import SimulatorError
from ..safetext import one_line
from .usage import EXIT_FAILURE, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, UsageError

__all__ = ["COMMAND_MODULES", "EXIT_FAILURE", "EXIT_OK", "EXIT_USAGE", "UsageError", "build_parser", "main"]

# Modules in simulator/cli/ that each expose ``register(subparsers)``, in the order --help lists them.
COMMAND_MODULES: tuple[str, ...] = ("catalog", "play", "replay", "schema", "records", "authoring")


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors are one line: ``parley play: error: ...``."""

    def error(self, message: str) -> NoReturn:
        # the message quotes the arguments as typed: show their control characters, keep one line
        raise SystemExit(_fail(f"{message} (see '{self.prog} --help')", EXIT_USAGE, prefix=f"{self.prog}: error: "))


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="parley",
        description="Rehearse hard workplace conversations against scripted counterparts.",
        epilog="Start with 'parley list', then 'parley play ID'. Every command has --help.",
    )
    parser.add_argument("--version", action="version", version=f"parley {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMAND_MODULES:
        importlib.import_module(f"{__package__}.{name}").register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; every way it can end is an exit code and at most one line on stderr.

    0: done (also when the reader of a pipe left early: ``parley list | head -1`` is not a
    failure, as ``yes | head -1`` is not); 1: a command's own "no" (check found errors, verify
    found changed sessions), an output that could not be written (a closed stream, a full disk)
    or an internal error; 2: a mistake in the input (a SimulatorError); 130: interrupted.
    """
    _prepare_streams()
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        run = getattr(args, "run", None)
        if run is None:
            parser.print_help()
            return EXIT_OK
        return int(run(args) or EXIT_OK)
    except SimulatorError as exc:
        return _fail(str(exc), EXIT_USAGE)
    except KeyboardInterrupt:
        return _fail("interrupted", EXIT_INTERRUPTED, prefix="parley: ")
    except BrokenPipeError:
        # `parley list | head`: the reader left; say nothing more and do not flush into the pipe.
        _silence_stdout()
        return EXIT_OK
    except OSError as exc:  # a closed or full standard stream, or a file the system refused
        _silence_stdout()
        where = f"{exc.filename}: " if exc.filename else ""
        return _fail(f"{where}{exc.strerror or exc}", EXIT_FAILURE)
    except (RecursionError, MemoryError) as exc:
        return _fail(f"the input is too large or too deeply nested ({type(exc).__name__})", EXIT_FAILURE)
    except Exception as exc:  # a bug: still one line, with the way to see the traceback
        if os.environ.get("PARLEY_TRACEBACK"):
            raise
        return _fail(f"internal error: {type(exc).__name__}: {exc} (set PARLEY_TRACEBACK=1 to see where)", EXIT_FAILURE)


def _fail(message: str, code: int, *, prefix: str = "parley: error: ") -> int:
    try:
        sys.stderr.write(prefix + _one_line(message) + "\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass  # stderr is closed or full too: the exit code is all that is left
    return code


def _one_line(message: str) -> str:
    return one_line(" ".join(message.split()))


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


# --- standard streams ----------------------------------------------------------------------------


class _ClosedStream(io.TextIOBase):
    """Stands for a standard stream the process was started without (``parley play <&-``):
    reading or writing it is an OSError naming it, which :func:`main` reports in one line.
    """

    def __init__(self, name: str) -> None:
        self.name = name

    def _closed(self, *args: object) -> NoReturn:
        raise OSError(errno.EBADF, f"standard {self.name} is closed")

    read = readline = write = _closed

    def isatty(self) -> bool:
        return False

    def flush(self) -> None:
        pass


def _json_escape(error: UnicodeError) -> tuple[str, int]:
    r"""Characters the output's encoding cannot hold, as JSON's own escapes (``\u2192``): JSON
    output stays valid and loses nothing, text stays readable, nothing raises.
    """
    assert isinstance(error, UnicodeEncodeError)
    out = []
    for char in error.object[error.start : error.end]:
        for unit in char.encode("utf-16-be").hex(" ", 2).split():
            out.append(f"\\u{unit}")
    return "".join(out), error.end


def _prepare_streams() -> None:
    """Make the standard streams safe to use whatever the process was started with: a missing
    one becomes a :class:`_ClosedStream`, input that does not decode becomes replacement
    characters, and an output whose encoding cannot hold all of Unicode (an ASCII-only locale)
    writes what it cannot hold as escapes instead of raising mid-output.
    """
    codecs.register_error("parley.escape", _json_escape)
    for name, what in (("stdin", "input"), ("stdout", "output"), ("stderr", "error")):
        stream = getattr(sys, name)
        if stream is None:
            setattr(sys, name, _ClosedStream(what))
            continue
        # Input that does not decode (Latin-1 typed into a UTF-8 terminal, anything but ASCII in an
        # ASCII locale) is a move nobody offers, not a crash: decode it with replacement characters.
        encoding = getattr(stream, "encoding", None) or "utf-8"
        errors = "replace" if name == "stdin" else None if _holds_unicode(encoding) else "parley.escape"
        if errors and hasattr(stream, "reconfigure"):
            with contextlib.suppress(ValueError, OSError):  # a stream that refuses is left as it is
                stream.reconfigure(errors=errors)


def _holds_unicode(encoding: str) -> bool:
    try:
        return codecs.lookup(encoding).name in {"utf-8", "utf-16", "utf-32", "utf-8-sig", "gb18030"}
    except LookupError:
        return False


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
