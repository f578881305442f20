"""Entry point of the ``parley`` command: one argparse parser, commands registered by modules.

Each module named in :data:`COMMAND_MODULES` exposes ``register(subparsers)`` and imports its
heavy dependencies (rich, prompt-toolkit, the store) inside the functions that run a command, so
building the parser stays cheap. Every :class:`~simulator.errors.SimulatorError` a command raises
is a mistake in the user's input: it is printed as one line on stderr and the exit code is 2.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from .._version import __version__
from ..errors import SimulatorError
from .usage import EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, UsageError

__all__ = ["COMMAND_MODULES", "EXIT_OK", "EXIT_USAGE", "UsageError", "build_parser", "main"]

# Modules in simulator/cli/ that each expose ``register(subparsers)``, in the order --help lists them.
COMMAND_MODULES: tuple[str, ...] = ("catalog", "play", "replay", "schema", "records", "authoring")

class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors are one line: ``parley play: error: ...``."""

    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"{self.prog}: error: {message} (see '{self.prog} --help')\n")
        raise SystemExit(EXIT_USAGE)


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
    parser = build_parser()
    args = parser.parse_args(argv)
    run = getattr(args, "run", None)
    if run is None:
        parser.print_help()
        return EXIT_OK
    try:
        return int(run(args) or EXIT_OK)
    except SimulatorError as exc:
        sys.stderr.write(f"parley: error: {_one_line(str(exc))}\n")
        return EXIT_USAGE
    except KeyboardInterrupt:
        sys.stderr.write("parley: interrupted\n")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # `parley list | head`: the reader left; say nothing more and do not flush into the pipe.
        _silence_stdout()
        return EXIT_OK


def _one_line(message: str) -> str:
    return " ".join(message.split())


def _silence_stdout() -> None:
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
