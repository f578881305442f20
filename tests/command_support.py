"""The ``parley`` command as users meet it: where the installed console script is, and how a
person types a choice with Tab (imported by name, as ``core_support`` is).

The command under test is the one installed with the interpreter running the tests, never
whatever ``parley`` comes first on PATH (another virtual environment's, or an older global
install). A missing script fails the test instead of skipping it: these are the only tests of the
command as it is installed.
"""

from __future__ import annotations

import os
import shutil
import sys
import sysconfig
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import simulator


def script_folders() -> list[str]:
    """Where this interpreter's installs put console scripts: its scheme's scripts folder, the
    interpreter's own folder (a virtual environment's ``bin``), and the user scheme's.
    """
    folders = [sysconfig.get_path("scripts"), str(Path(sys.executable).parent)]
    user_scheme = f"{os.name}_user"
    if user_scheme in sysconfig.get_scheme_names():
        folders.append(sysconfig.get_path("scripts", user_scheme))
    return list(dict.fromkeys(folders))


def installed_parley() -> str:
    """The path of the ``parley`` console script installed for this interpreter; fails the test
    (not a skip) when there is none.
    """
    folders = script_folders()
    found = shutil.which("parley", path=os.pathsep.join(folders))  # honours PATHEXT on Windows
    if found is None:
        pytest.fail(
            f"no parley console script installed for {sys.executable} (looked in {', '.join(folders)}); "
            'install the package first: pip install -e ".[test]"',
            pytrace=False,
        )
    return found


def parley_argv() -> list[str]:
    """The command line that starts the installed ``parley``."""
    return [installed_parley()]


@dataclass(frozen=True)
class Keys:
    """One burst of typing: ``send`` the keys; when they end with Tab, the completion must put
    ``completes`` (a whole word) on the line, leaving the line as ``line``.
    """

    send: str
    completes: str | None
    line: str


def typed_with_tab(moves: Sequence[Any], key: str) -> list[Keys]:
    """How a person types the choice ``key`` (``move:target/manner``) at a prompt offering
    ``moves`` (``session.moves()``): each word cut to the shortest prefix no other legal word
    shares, then Tab; a word that is the start of another (so Tab could not choose) is typed in
    full. Ends with Enter.
    """
    ref = simulator.MoveRef.parse(key)
    of_move = [m for m in moves if m.id == ref.id]
    words = [(ref.id, [m.id for m in moves])]
    if ref.target:
        words.append((ref.target, [m.target for m in of_move if m.target]))
    chosen = [m for m in of_move if m.target == ref.target]
    manners = list(dict.fromkeys(manner for m in chosen for manner in m.manners))
    if ref.manner and len(manners) > 1:
        words.append((ref.manner, manners))
    keys: list[Keys] = []
    line = ""
    for n, (word, offered) in enumerate(words):
        more = n < len(words) - 1
        prefix = _unique_prefix(word, set(offered), shortest=0 if n else 1)
        if prefix is None:
            line += word + (" " if more else "")
            keys.append(Keys(word + (" " if more else ""), None, line))
            continue
        # a move's completion brings the space before its target or manner; later words' do not
        line += word + (" " if n == 0 and more else "")
        keys.append(Keys(prefix + "\t", word, line))
        if more and n > 0:
            line += " "
            keys.append(Keys(" ", None, line))
    keys.append(Keys("\r", None, line))
    return keys


def _unique_prefix(word: str, offered: set[str], *, shortest: int) -> str | None:
    """The shortest prefix of ``word`` (at least ``shortest`` long, and shorter than the word)
    that starts no other offered word; None when there is none.
    """
    for size in range(shortest, len(word)):
        prefix = word[:size]
        if [w for w in offered if w.startswith(prefix)] == [word]:
            return prefix
    return None


# A probe run in a fresh interpreter: the modules loaded before its first line (by site, a .pth
# file, or coverage measuring the process) are not the code's doing, so only what it adds counts.
_PROBE = """\
import sys as _sys
_before = set(_sys.modules)
exec(compile({code!r}, "<probe>", "exec"), {{"__name__": "__main__"}})
import json as _json
print(_json.dumps(sorted(set(_sys.modules) - _before)), file=_sys.__stderr__)
"""


def modules_imported_by(code: str) -> set[str]:
    """The modules that running ``code`` in a fresh interpreter imports (standard output is the
    code's own; the answer comes on the last line of standard error).
    """
    import json
    import subprocess

    result = subprocess.run(
        [sys.executable, "-c", _PROBE.format(code=code)], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return set(json.loads(result.stderr.strip().splitlines()[-1]))
