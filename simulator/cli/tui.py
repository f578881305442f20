"""Reading the learner's input: a prompt-toolkit line editor, or plain lines when piped.

Both readers offer the same two coroutines, ``read(prompt)`` and ``confirm(question)``; ``read``
raises ``EOFError`` when the learner quits (Ctrl-D, end of input) and ``KeyboardInterrupt`` for
Ctrl-C on an empty line. Ctrl-C on a line with text in it only clears the line. Run a loop over
either reader with :func:`run_coroutine`: only prompt-toolkit needs an event loop, and a plain
reader must not run under one (see there).

This is the only module that imports prompt-toolkit, and only :class:`TerminalReader` does, so a
piped session (and every other command) never loads it.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Coroutine, Iterable, Mapping, Sequence
from typing import IO, TYPE_CHECKING, Any, Protocol, TypeVar

from ..safetext import visible

if TYPE_CHECKING:  # types only: prompt-toolkit is imported where a terminal reader is built
    from prompt_toolkit import PromptSession
    from prompt_toolkit.completion import CompleteEvent, Completer
    from prompt_toolkit.document import Document
    from prompt_toolkit.key_binding import KeyPressEvent

    from ..rules import Move

    # MoveCompleter(moves, names, commands), built on first use
    CompleterClass = Callable[[Callable[[], Sequence[Move]], Mapping[str, str], Mapping[str, str]], Completer]

T = TypeVar("T")

# What ``choose`` returns when the learner asks for the other readings (Tab, or "?" when piped).
TAB = "\t"

__all__ = [
    "TAB",
    "PlainReader",
    "TerminalReader",
    "completions_for",
    "isatty",
    "run_coroutine",
]  # and MoveCompleter, built on first use


class Reader(Protocol):
    """What the practice loop reads through: :class:`TerminalReader`, :class:`PlainReader` or a
    test's own. A reader that never suspends says so with ``needs_event_loop = False``.
    """

    async def read(self, prompt: str) -> str: ...
    async def confirm(self, question: str) -> bool: ...
    async def choose(self, prompt: str) -> str: ...


def run_coroutine(coro: Coroutine[Any, Any, T], *, reader: Reader) -> T:
    """Run ``coro``, which reads through ``reader``, to the end and return its result.

    A reader whose ``needs_event_loop`` is true (prompt-toolkit's, and any reader that does not
    say) runs under :func:`asyncio.run`. A plain reader's coroutine is stepped here instead: it
    never suspends, and under ``asyncio.run`` Python 3.11 replaces the SIGINT handler, so a
    Ctrl-C would only cancel the task at its next await (which a blocking ``readline`` never
    reaches) instead of raising ``KeyboardInterrupt`` in the read.
    """
    if getattr(reader, "needs_event_loop", True):
        import asyncio

        return asyncio.run(coro)
    try:
        coro.send(None)
    except StopIteration as stop:
        result: T = stop.value  # the coroutine's return value (StopIteration types it Any)
        return result
    coro.close()
    raise RuntimeError(f"{type(reader).__name__} suspended: a reader that awaits needs needs_event_loop = True")


def completions_for(
    text: str, moves: Sequence[Move], names: Mapping[str, str], commands: Mapping[str, str]
) -> list[tuple[str, int, str]]:
    """What Tab offers for the text before the cursor: ``(insert, start_position, meta)`` each.

    The first word completes to a legal move id (or a slash command), the next to a target that
    move can be played on now, and the last, for a move said several ways, to its manner. Kept
    free of prompt-toolkit so it is cheap to test.
    """
    stripped = text.lstrip()
    if stripped.startswith("/"):
        if " " in stripped:
            return []
        return [(c, -len(stripped), help) for c, help in commands.items() if c.startswith(stripped)]
    words = text.split()
    typing_first = not words or (len(words) == 1 and not text.endswith(" "))
    if typing_first:
        prefix = words[0] if words else ""
        seen: dict[str, tuple[str, str]] = {}
        for move in moves:
            if move.id.startswith(prefix) and move.id not in seen:
                # a move that takes a target or a manner completes with a space, ready for it
                more = move.target or len(getattr(move, "manners", ())) > 1
                seen[move.id] = (move.id + (" " if more else ""), move.label)
        return [(insert, -len(prefix), label) for insert, label in seen.values()]
    # After the move: its targets, then (for a move said several ways) its manners.
    move_id = words[0].rstrip(":")
    done = words[1:] if text.endswith(" ") else words[1:-1]
    prefix = "" if text.endswith(" ") else words[-1]
    of_move = [m for m in moves if m.id == move_id]
    if len(done) > 1 or not of_move:
        return []
    targets = [m.target for m in of_move if m.target]
    if targets and not done:
        return [(target, -len(prefix), names.get(target, target)) for target in targets if target.startswith(prefix)]
    chosen = [m for m in of_move if not targets or m.target == (done[0] if done else None)]
    manners = list(dict.fromkeys(manner for m in chosen for manner in getattr(m, "manners", ())))
    if len(manners) < 2 or (not targets and done):
        return []
    return [(manner, -len(prefix), "how it is said") for manner in manners if manner.startswith(prefix)]


def _completer_class() -> CompleterClass:
    from prompt_toolkit.completion import Completer, Completion

    class MoveCompleter(Completer):
        """Moves and targets that are legal now, asked for afresh on every Tab."""

        def __init__(
            self, moves: Callable[[], Sequence[Move]], names: Mapping[str, str], commands: Mapping[str, str]
        ) -> None:
            self.moves, self.names, self.commands = moves, names, commands

        def get_completions(self, document: Document, complete_event: CompleteEvent) -> Iterable[Completion]:
            for insert, start, meta in completions_for(
                document.text_before_cursor, self.moves(), self.names, self.commands
            ):
                yield Completion(insert, start_position=start, display=insert.strip(), display_meta=visible(meta))

    return MoveCompleter


def __getattr__(name: str) -> CompleterClass:
    if name == "MoveCompleter":
        return _completer_class()
    raise AttributeError(name)


class TerminalReader:
    """A prompt-toolkit prompt with completion, history and a bottom toolbar."""

    needs_event_loop = True

    def __init__(
        self,
        *,
        moves: Callable[[], Sequence[Move]],
        names: Mapping[str, str],
        commands: Mapping[str, str],
        toolbar: Callable[[], str] | None = None,
    ) -> None:
        from prompt_toolkit import PromptSession
        from prompt_toolkit.history import InMemoryHistory
        from prompt_toolkit.key_binding import KeyBindings

        bindings = KeyBindings()

        @bindings.add("c-c")
        def _clear_or_interrupt(event: KeyPressEvent) -> None:
            buffer = event.app.current_buffer
            if buffer.text:
                buffer.reset()  # a half-typed move is thrown away, the prompt stays
            else:
                event.app.exit(exception=KeyboardInterrupt, style="class:aborting")

        self._toolbar = toolbar
        self._prompt: PromptSession[str] = PromptSession(
            completer=_completer_class()(moves, names, commands),
            complete_while_typing=False,
            history=InMemoryHistory(),
            key_bindings=bindings,
            bottom_toolbar=self._bottom_toolbar if toolbar else None,
            reserve_space_for_menu=6,
        )
        self._confirm: PromptSession[str] = PromptSession()
        self._choose: PromptSession[str] | None = None  # built on first use

    def _bottom_toolbar(self) -> str:
        return " " + self._toolbar() if self._toolbar else ""

    async def read(self, prompt: str) -> str:
        return await self._prompt.prompt_async(prompt)

    async def confirm(self, question: str) -> bool:
        """A yes/no question; Ctrl-C or Ctrl-D answer yes (the learner is trying to leave)."""
        try:
            answer = await self._confirm.prompt_async(question)
        except (KeyboardInterrupt, EOFError):
            return True
        return answer.strip().lower() in {"y", "yes"}

    async def choose(self, prompt: str) -> str:
        """A short answer where Enter on an empty line accepts (returns "") and Tab on an empty
        line asks for the alternatives (returns :data:`TAB`); anything typed is returned as is.
        Ctrl-C and Ctrl-D behave as in :meth:`read`.
        """
        if self._choose is None:
            from prompt_toolkit import PromptSession
            from prompt_toolkit.key_binding import KeyBindings

            bindings = KeyBindings()

            @bindings.add("tab")
            def _alternatives(event: KeyPressEvent) -> None:
                if not event.app.current_buffer.text:
                    event.app.exit(result=TAB)

            @bindings.add("c-c")
            def _clear_or_interrupt(event: KeyPressEvent) -> None:
                buffer = event.app.current_buffer
                if buffer.text:
                    buffer.reset()
                else:
                    event.app.exit(exception=KeyboardInterrupt, style="class:aborting")

            self._choose = PromptSession(key_bindings=bindings)
        return str(await self._choose.prompt_async(prompt))


class PlainReader:
    """Line by line from a file (stdin when piped): no editing, no toolbar, no escape codes.

    Its coroutines never suspend, so :func:`run_coroutine` runs them without an event loop and
    Ctrl-C raises ``KeyboardInterrupt`` in ``readline``.
    """

    needs_event_loop = False

    def __init__(self, stdin: IO[str] | None = None, stdout: IO[str] | None = None, *, echo: bool | None = None):
        self.stdin = stdin or sys.stdin
        self.stdout = stdout or sys.stdout
        # Piped input is not echoed by a terminal; echo it so a saved log reads like a session.
        self.echo = (not isatty(self.stdin)) if echo is None else echo

    async def read(self, prompt: str) -> str:
        self.stdout.write(prompt)
        self.stdout.flush()
        line = self.stdin.readline()
        if not line:
            self.stdout.write("\n")
            raise EOFError
        if self.echo:  # what was read is data: its control characters are shown, not obeyed
            self.stdout.write(visible(line.rstrip("\r\n")) + "\n")
        return line.rstrip("\r\n")

    async def confirm(self, question: str) -> bool:
        try:
            answer = await self.read(question)
        except (EOFError, KeyboardInterrupt):
            return True
        return answer.strip().lower() in {"y", "yes"}

    async def choose(self, prompt: str) -> str:
        """As :meth:`TerminalReader.choose`: an empty line accepts; a line holding only a Tab
        (or ``?``) asks for the alternatives.
        """
        answer = await self.read(prompt)
        asks_for_more = answer.strip() == "?" or (answer != "" and answer.strip() == "" and "\t" in answer)
        return TAB if asks_for_more else answer


def isatty(file: IO[str]) -> bool:
    """Whether ``file`` is a terminal (False for closed files and objects without ``isatty``)."""
    try:
        return file.isatty()
    except (AttributeError, ValueError):
        return False
