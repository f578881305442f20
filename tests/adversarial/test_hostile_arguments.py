"""Command-line arguments an attacker or a slip of the keyboard supplies: one line, a fair exit code."""

from __future__ import annotations

import pytest
from hostile import held

CASES = [
    (["play", "declined-offer", "--seed", "-1", "--moves", "wait"], 2, "a seed is a whole number from 0"),
    (["play", "declined-offer", "--seed", "9" * 40, "--moves", "wait"], 2, "a seed is a whole number from 0"),
    (["play", "declined-offer", "--moves", ",,,,", "--no-save"], 0, ""),
    (
        ["play", "declined-offer", "--moves", "wait:hr_rep", "--no-save"],
        2,
        "illegal move 'wait:hr_rep': it takes no target",
    ),
    (
        ["play", "declined-offer", "--moves", "x" * 100_000, "--no-save"],
        2,
        "more characters): no such move in this scenario",
    ),
    (["play", "declined-offer", "--moves", ",".join(["wait"] * 5000), "--no-save"], 2, "the session ended at move"),
    (["play", "", "--moves", "wait"], 2, "unknown scenario ''"),
    (["check", ""], 2, "an empty PATH names no file"),
    (["check", "--max-situations", "-5"], 2, "a number of situations is a whole number from 1"),
    (["check", "--max-situations", "1" + "0" * 30, "declined-offer.yaml"], 1, ""),
    (["solve", "declined-offer", "--max-situations", "0"], 2, "a number of situations is a whole number from 1"),
    (
        ["solve", "declined-offer", "--max-situations", "10"],
        2,
        "declined-offer has more than 10 situations; raise --max-situations",
    ),
    (["graph", "declined-offer", "--persona", ""], 2, "unknown cast member ''"),
    (["graph", "declined-offer", "--format", "svg"], 2, "invalid choice: 'svg'"),
    (["history", "--limit", "9" * 40], 0, ""),
    (["show", "0"], 2, "a session is a number from 'parley history'"),
    (["show", "9" * 40], 2, "a session is a number from 'parley history'"),
    (["replay", ""], 2, ": no such file"),
    (["schema", "--out", "/dev/null/x"], 2, "Not a directory"),
    (["list", "--no-such-option"], 2, "unrecognized arguments: --no-such-option"),
    (["no-such-command"], 2, "invalid choice: 'no-such-command'"),
]


@pytest.mark.parametrize(("args", "code", "fragment"), CASES, ids=[" ".join(a)[:40] for a, _, _ in CASES])
def test_each_argument_gets_one_line_and_a_fair_exit_code(args, code, fragment, hostile_cli):
    result = hostile_cli(args)
    held(result)
    assert result.returncode == code, result.stderr
    assert fragment in result.stderr
