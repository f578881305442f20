"""The built-in moves: the same id means the same thing in every scenario.

A scenario lists which of these it offers (and may add moves of its own, with a label). Labels
and descriptions here are what the front end shows when a scenario does not say otherwise.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["BUILTIN_MOVES", "FINISH", "MoveInfo"]


class MoveInfo(NamedTuple):
    label: str
    description: str
    targeted: bool


FINISH = "finish"

BUILTIN_MOVES: dict[str, MoveInfo] = {
    "apologize": MoveInfo("Apologise", "Own your behaviour, asking nothing in return.", True),
    "clarify": MoveInfo("Clarify", "Say plainly what you want or what you meant.", True),
    "counter": MoveInfo("Counter", "Push back with a demand or an ultimatum.", True),
    "bypass": MoveInfo("Go around", "Go around this person to someone else.", True),
    "ask": MoveInfo("Ask", "Ask what might be possible.", True),
    "sell": MoveInfo("Make your case", "Make your case on your own merits.", True),
    "accept": MoveInfo("Accept", "Accept what is on the table.", True),
    "walk_away": MoveInfo("Walk away", "Withdraw, politely and for good.", True),
    "follow_up": MoveInfo("Follow up", "Send a brief later message that brings something of value.", True),
    "wait": MoveInfo("Wait", "Let time pass and cool off.", False),
    "vent": MoveInfo("Vent", "Let your frustration out.", True),
    # A scenario offers it (with a ``when``) once its story's last beat has happened; it spends the
    # turns and days left, so the session ends as if the time had run out (Rules.begin).
    FINISH: MoveInfo("Leave it there", "End here and let the time left pass without another move.", False),
}
