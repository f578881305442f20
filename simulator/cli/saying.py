"""What the learner says: a move's phrasings to choose from, or their own words read into a move.

Two ways in, both ending in something :meth:`Session.play` takes with the words attached:

* a move picked from the menu that can be said several ways asks *how* it is said: its phrasings,
  lettered in an order that changes from turn to turn (so where an option stands never gives the
  lesson away), or the learner's own words for it;
* text that is not a number or a move is read (:meth:`Session.interpret`). A confident reading is
  shown before it is played ("Heard as: ..."; Enter plays it, Tab shows the other readings), an
  unclear one lists the best three to pick from, and text that matches nothing says so. Nothing is
  played that the learner did not confirm, unless they asked for ``--trust-reading``.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..reading import Reading
    from ..rules import Move, Phrasing
    from .play import Practice

__all__ = ["LETTERS", "MIN_SHOWN", "Saying", "phrasing_order"]

LETTERS = "abcdefghij"
# Readings less likely than this are not offered at all (they would be noise in the list).
MIN_SHOWN = 0.08
WORDS_PROMPT = "Your words › "
CONFIRM_PROMPT = "Enter plays it · Tab: other readings · or say it another way › "
PICK_PROMPT = "Pick a number, or say it another way › "


def phrasing_order(phrasings: tuple[Phrasing, ...], seed: int, turn: int, key: str) -> list[Phrasing]:
    """The phrasings of a move in the order shown this turn: shuffled by seed, turn and move, so
    the same session shows the same order again and the best line is not always first.
    """
    order = list(phrasings)
    random.Random(f"{seed}:{turn}:{key}").shuffle(order)
    return order[: len(LETTERS)]


class Saying:
    """The learner's side of one exchange, for a practice loop (its session, console and reader)."""

    def __init__(self, loop: Practice, *, trust: bool = False) -> None:
        self.loop = loop
        self.trust = trust

    async def for_move(self, move: Move) -> Phrasing | Reading | Move | None:
        """How the learner says ``move``: one of its phrasings, or their own words read as it.
        A move with no phrasings is played as it is, and one said in a single manner with its
        first phrasing; None when the learner changes their mind.
        """
        from .render import phrasing_menu

        session, console = self.loop.session, self.loop.console
        if not move.phrasings:
            return move
        if len(move.manners) < 2:
            # Nothing to choose in how it is said (a decision, a pause): its words are recorded.
            return move.phrasings[0]
        order = phrasing_order(move.phrasings, session.seed, session.turn, move.key)
        console.print(phrasing_menu(order, move, self.loop.names))
        while True:
            answer = (await self.loop.reader.read(WORDS_PROMPT)).strip()
            if not answer:
                return None
            if len(answer) == 1 and answer.lower() in LETTERS[: len(order)]:
                return order[LETTERS.index(answer.lower())]
            readings = session.interpret(answer)
            own = [r for r in readings if r.id == move.id and r.target == move.target]
            if own and (readings[0] is own[0] or own[0].confidence >= MIN_SHOWN):
                # Their own words for this move: the manner is what the words sound like.
                return own[0]
            elsewhere = (
                f" That sounds more like another move ({readings[0].key})."
                if readings and readings[0].confident
                else ""
            )
            console.print(
                f"Choose a letter from a to {LETTERS[len(order) - 1]}, or put it in your own words.{elsewhere}",
                style="yellow",
            )

    async def for_words(self, text: str) -> Reading | None:
        """The reading of the learner's own words they confirm (or, with ``trust``, the confident
        one); None when nothing fits or they take it back.
        """
        from .render import heard_view, readings_menu

        session, console, names = self.loop.session, self.loop.console, self.loop.names
        while True:
            readings = session.interpret(text)[:3]
            shown = [r for r in readings if r.confidence >= MIN_SHOWN]
            if not shown:
                console.print("That doesn't sound like any move open to you now. Here they are:", style="yellow")
                self.loop.show_menu()
                return None
            top = shown[0]
            if top.confident:
                console.print(heard_view(top, session.rules, names))
                if self.trust:
                    return top
                answer = await self.loop.reader.choose(CONFIRM_PROMPT)
                if answer == "":
                    return top
                if answer.strip() not in {"", "?"}:
                    text = answer.strip()  # said another way: read that instead
                    continue
                others = readings  # Tab: every reading worth a number, however unlikely
            else:
                others = shown
                console.print("I'm not sure what you meant. Did you mean:", style="yellow")
            console.print(readings_menu(others, session.rules, names))
            while True:
                answer = (await self.loop.reader.read(PICK_PROMPT)).strip()
                if not answer:
                    return None
                if not answer.isdigit():
                    text = answer
                    break
                if 1 <= int(answer) <= len(others):
                    return others[int(answer) - 1]
                console.print(f"Choose a number from 1 to {len(others)}, or say it another way.", style="yellow")
