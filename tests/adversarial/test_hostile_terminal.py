"""Text is data on the way out, and the command line survives whatever streams it is given.

Escape sequences in a scenario's texts, a learner's name, a path or an argument must reach no
terminal raw, in any command; a closed, full or ASCII-only standard stream, or a pipe closed
early, gets one line and an exit code (0 where the reader of a pipe simply left).
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from command_support import installed_parley, parley_argv
from hostile import DEADLINE, EVIL, UNSAFE, evil_scenario, held

from simulator.catalogue import bundled_scenario_paths
from simulator.cli.render import Text, make_console

# check writes only once its analysis is done: the smallest bundled scenario keeps these tests
# about the output, not about how long five analyses take on a loaded machine
SMALL = str(next(p for p in bundled_scenario_paths() if p.stem == "bypass-hr"))

POSIX = pytest.mark.skipif(sys.platform == "win32", reason="POSIX file descriptors")
LEARNER = "ana" + EVIL  # refused by the store (a name is data too), in one visible line


def raw_controls(text: str) -> list[str]:
    return UNSAFE.findall(text)


@pytest.fixture
def evil(tmp_path):
    return evil_scenario(tmp_path / "evil")


def test_escape_sequences_from_files_the_store_and_arguments_never_reach_the_terminal(evil, hostile_cli, tmp_path):
    runs = [
        ["play", evil, "--seed", "3", "--moves", "write_letter/direct,wait", "--coach", "--learner", LEARNER],
        ["play", evil, "--seed", "3", "--moves", "write_letter/direct,wait", "--json", "--no-save"],
        ["history", "--learner", LEARNER],
        ["history", "--all"],
        ["progress", "--learner", LEARNER],
        ["show", "1"],
        ["verify"],
        ["check", evil],
        ["check", evil, "--json"],
        ["solve", evil],
        ["graph", evil],
        ["play", evil, "--moves", EVIL],
        ["play", tmp_path / f"{EVIL}.yaml"],
        ["list", EVIL],
        ["history", "--learner", LEARNER, "--db", tmp_path / f"{EVIL}.db"],
    ]
    for args in runs:
        result = hostile_cli(args)
        held(result)
        assert not raw_controls(result.stdout + result.stderr), (args, result.stdout[-500:], result.stderr)
    # the interactive loop, fed by a pipe: menus, slash commands, echo, summary
    refused = hostile_cli(["play", evil, "--seed", "3", "--coach", "--learner", LEARNER], input="")
    held(refused)
    assert refused.returncode == 2 and "\\x1b]0;pwned\\x07" in refused.stderr and not raw_controls(refused.stderr)
    typed = f"1\n{EVIL}\n/transcript\n/moves\n/undo\n/hint\n/save {tmp_path / 'run.json'}\n2\n/quit\n"
    result = hostile_cli(["play", evil, "--seed", "3", "--coach", "--no-save"], input=typed)
    held(result)
    assert not raw_controls(result.stdout + result.stderr), result.stdout[-2000:]
    assert "\\x1b]0;pwned\\x07" in result.stdout  # shown, not dropped: the learner sees what is there
    replayed = hostile_cli(["replay", tmp_path / "run.json", "--coach"])
    held(replayed)
    assert not raw_controls(replayed.stdout + replayed.stderr)


def test_on_a_colour_terminal_only_the_consoles_own_styles_are_escape_codes():
    buffer = io.StringIO()
    console = make_console(buffer, width=60)
    console._force_terminal = True  # as on a terminal: rich writes its own SGR codes
    from rich.table import Table

    table = Table(title=EVIL + "title")
    table.add_column(EVIL + "column")
    table.add_row(EVIL + "cell", Text(EVIL + "text"))
    console.print(table, style="bold")
    console.print(EVIL + "[bold]not markup[/bold]", Text.assemble(("x", "red"), EVIL))
    written = re.sub(r"\x1b\[[0-9;]*m", "", buffer.getvalue())
    assert not raw_controls(written), written
    assert "[bold]not markup[/bold]" in written


def spawn(args, *, preexec=None, stdout=subprocess.PIPE, env=None):
    return subprocess.Popen(
        [*parley_argv(), *map(str, args)],
        stdin=subprocess.DEVNULL if preexec is None else None,
        stdout=stdout,
        stderr=subprocess.PIPE,
        preexec_fn=preexec,
        env={**os.environ, "PARLEY_DB": os.devnull + ".parley-unused", **(env or {})},
    )


def finish(process):
    try:
        out, err = process.communicate(timeout=DEADLINE)
    except subprocess.TimeoutExpired:
        process.kill()
        pytest.fail("the command ran past the deadline")
    return process.returncode, (out or b"").decode(), err.decode()


def _close(fd):
    return lambda: os.close(fd)


@POSIX
def test_play_with_standard_input_closed_says_so():
    code, _, err = finish(spawn(["play", "declined-offer", "--no-save"], preexec=_close(0)))
    assert (code, err) == (1, "parley: error: standard input is closed\n")


@POSIX
@pytest.mark.parametrize(
    ("args", "code"), [(["dance"], 2), (["play", "no-such-scenario", "--no-save"], 2), (["list"], 0)]
)
def test_with_standard_error_closed_the_exit_code_still_tells(args, code):
    """Nowhere to write the message: the exit code is all that is left, and no crash."""
    assert finish(spawn(args, preexec=_close(2)))[:2] == (code, finish(spawn(args))[1])


@POSIX
@pytest.mark.parametrize(
    "args", [["list", "--json"], ["play", "declined-offer", "--moves", "wait", "--json", "--no-save"], ["list"]]
)
def test_output_to_a_closed_standard_output_says_so(args):
    code, _, err = finish(spawn(args, preexec=_close(1), stdout=None))
    assert (code, err) == (1, "parley: error: standard output is closed\n")


@POSIX
@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize(
    "args",
    [
        ["list"],
        ["list", "--json"],
        ["check", "--quiet", SMALL],
        ["play", "declined-offer", "--moves", "wait", "--no-save"],
    ],
)
def test_output_to_a_full_device_says_so(args):
    with open("/dev/full", "w") as full:
        code, _, err = finish(spawn(args, stdout=full))
    assert (code, err) == (1, "parley: error: No space left on device\n")


@POSIX
@pytest.mark.parametrize(
    "args", [["list"], ["list", "--json"], ["check", SMALL], ["play", "declined-offer", "--moves", "wait", "--no-save"]]
)
def test_a_pipe_closed_early_ends_quietly(args):
    process = spawn(args)
    process.stdout.close()  # `parley ... | head -0`: the reader is gone before the first line
    code, _, err = finish(process)
    assert (code, err) == (0, "")


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_an_output_encoding_without_unicode_loses_nothing_and_raises_nothing(encoding, hostile_cli, evil):
    args = ["play", evil, "--seed", "5", "--moves", "write_letter/direct,wait", "--no-save"]
    utf8 = subprocess.run(
        [*parley_argv(), *map(str, args), "--json"],
        capture_output=True,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        timeout=DEADLINE,
    )
    narrow = subprocess.run(
        [*parley_argv(), *map(str, args), "--json"],
        capture_output=True,
        env={**os.environ, "PYTHONIOENCODING": encoding},
        timeout=DEADLINE,
    )
    assert narrow.returncode == 0, narrow.stderr
    narrow.stdout.decode(encoding)  # nothing the encoding cannot hold was written
    assert json.loads(narrow.stdout.decode(encoding)) == json.loads(utf8.stdout.decode("utf-8"))
    text = subprocess.run(
        [*parley_argv(), *map(str, args), "--coach"],
        capture_output=True,
        env={**os.environ, "PYTHONIOENCODING": encoding},
        timeout=DEADLINE,
    )
    assert text.returncode == 0 and not text.stderr, text.stderr
    text.stdout.decode(encoding)


@pytest.mark.parametrize(
    ("encoding", "typed"), [("utf-8", b"caf\xe9\n"), ("ascii", "café\n".encode()), ("utf-8", b"\xff\xfe\x00x\n")]
)
def test_input_that_does_not_decode_is_read_as_no_move_not_a_crash(encoding, typed):
    result = subprocess.run(
        [*parley_argv(), "play", "declined-offer", "--no-save"],
        input=typed + b"/quit\n",
        capture_output=True,
        env={**os.environ, "PYTHONIOENCODING": encoding},
        timeout=DEADLINE,
    )
    assert result.returncode == 0 and not result.stderr, result.stderr
    heard_nothing = b"Unknown move" in result.stdout or b"doesn't sound like any move" in result.stdout
    assert heard_nothing and b"stopped after 0 of" in result.stdout


@POSIX
def test_in_a_real_terminal_nothing_from_the_file_acts_on_it(evil, tmp_path):
    """prompt-toolkit's menu, completions and toolbar as well as rich's output, in a pseudo-terminal."""
    import pexpect

    exe = installed_parley()
    env = {**os.environ, "TERM": "xterm-256color", "PROMPT_TOOLKIT_NO_CPR": "1", "PARLEY_DB": str(tmp_path / "p.db")}
    env.pop("NO_COLOR", None)
    child = pexpect.spawn(
        exe,
        ["play", str(evil), "--seed", "3", "--coach", "--no-save"],
        env=env,
        dimensions=(40, 100),
        encoding="utf-8",
        timeout=DEADLINE,
    )
    log = io.StringIO()
    child.logfile_read = log
    child.expect("Your move")
    child.send("wri\t")  # completion menu with labels from the file
    child.send("\r")
    child.expect("Your move")
    child.send("\t")
    child.sendcontrol("d")
    child.expect(pexpect.EOF)
    child.close()
    shown = log.getvalue()
    assert "\\x1b]0;pwned\\x07" in shown  # the file's text, made visible
    assert "\x1b]0;pwned" not in shown and "\x9b" not in shown and "\u202e" not in shown
