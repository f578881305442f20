r"""Text from files, the store and arguments, made safe to print on a terminal and in one line.

Every string Parley did not write itself is data: a learner name, a scenario's lines, a file path,
a YAML key, a move id typed at the prompt. Printed raw, an escape sequence in one of them can
retitle the window, clear the screen or hide the rest of a line, and a newline can forge a second
message. :func:`visible` shows such characters as escapes (``\x1b``, ``\u202e``), which keeps
them recognisable to the reader without letting the terminal act on them; :func:`clip` keeps a
10 MB value from flooding a one-line message. The terminal front end applies :func:`visible` to
everything it renders, and :class:`~simulator.errors.SimulatorError` to every message.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["brief", "clip", "json_text", "one_line", "visible"]

# C0 controls (tab and line feed kept apart below), DEL, C1 controls (U+009B is a one-byte CSI on
# some terminals), the line and paragraph separators, the bidirectional overrides and isolates
# that make text display in another order than it reads ("Trojan Source"), and lone surrogates
# (undecodable bytes of a command-line argument), which no output encoding can write.
_UNSAFE = "\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff"
_UNSAFE_IN_LINE = re.compile(f"[\t\n{_UNSAFE}]")
_UNSAFE_IN_TEXT = re.compile(f"[{_UNSAFE}]")
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str, *, multiline: bool = False) -> str:
    """``text`` with control characters shown as escapes; ``multiline`` keeps line feeds and tabs
    (a briefing's paragraphs), otherwise the result is always one line.
    """
    pattern = _UNSAFE_IN_TEXT if multiline else _UNSAFE_IN_LINE
    return pattern.sub(_escape, text)


def clip(text: str, limit: int = 120) -> str:
    """``text`` cut to about ``limit`` characters, saying how much was left out."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text) - limit:,} more characters)"


def one_line(text: str, limit: int = 4000) -> str:
    """A message as one printable line of at most about ``limit`` characters."""
    return clip(visible(text), limit)


def brief(value: object, limit: int = 120) -> str:
    """``repr(value)`` for a message, clipped; never fails (an integer of more digits than Python
    converts to text is described instead).
    """
    try:
        text = repr(value)
    except ValueError:  # int beyond sys.get_int_max_str_digits()
        text = (
            f"<an integer of about {int(value.bit_length() * 0.30103):,} digits>"
            if isinstance(value, int)
            else "<unprintable>"
        )
    return clip(text, limit)


_UNSAFE_IN_JSON = re.compile(f"[{_UNSAFE}]")


def json_text(data: Any, *, indent: int | None = 2) -> str:
    r"""``data`` as JSON for a terminal or a pipe: non-ASCII text kept as it is, except the
    characters :func:`visible` escapes, which become JSON's own ``\u`` escapes (JSON escapes C0
    controls itself, but not C1 controls or bidirectional overrides). Loses nothing.
    """
    import json  # here: `parley list` imports this module and never needs json

    text = json.dumps(data, indent=indent, ensure_ascii=False)
    return _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
