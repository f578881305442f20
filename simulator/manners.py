"""The built-in manners: *how* a move is said, with the same meaning in every scenario.

A move's phrasings each carry one of these tags (a scenario may declare more of its own under
``manners:``). Reactions can test the tag (``when: {manner: [justifying, strategic]}``), so the
engine can reward an apology that owns what happened over one with a "but" in it. ``how`` is the
phrase the front end uses to say how it heard the learner ("apologise to Dana, owning it plainly").
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["BUILTIN_MANNERS", "MannerInfo"]


class MannerInfo(NamedTuple):
    how: str
    description: str


BUILTIN_MANNERS: dict[str, MannerInfo] = {
    "plain": MannerInfo("plainly", "No particular manner: the words carry the move."),
    "sincere": MannerInfo("owning it plainly", "Owns what happened and asks for nothing in return."),
    "justifying": MannerInfo(
        "with a 'but' that explains it away", "Apologises, then explains why it was understandable."
    ),
    "strategic": MannerInfo(
        "with an eye on what you want from it", "Says the right words in order to get something back."
    ),
    "direct": MannerInfo("clearly and briefly", "Says what you want plainly and briefly, on your own merit."),
    "hedged": MannerInfo("hedging", "Softens it until it commits to little: 'I guess', 'maybe', 'just'."),
    "underselling": MannerInfo("underselling yourself", "Talks yourself down or leaves your strengths out."),
    "excusing": MannerInfo("with a long list of excuses", "Explains the stumble at length instead of moving past it."),
    "disparaging": MannerInfo("at a colleague's expense", "Raises yourself by putting someone else down."),
    "curious": MannerInfo("as an open question", "Asks what might be possible, and listens."),
    "conditional": MannerInfo("as an 'if you..., I would...' bargain", "A condition that is an ultimatum in disguise."),
    "ultimatum": MannerInfo("as an ultimatum", "A demand with a consequence attached: do this, or else."),
    "blaming": MannerInfo("blaming them", "Puts the fault on the other side."),
    "needy": MannerInfo("pleading", "Asks from need: for reassurance, a favour, another look."),
    "warm": MannerInfo("warmly and briefly", "Friendly and short, and brings something of value."),
    "gracious": MannerInfo("graciously", "Accepts a no or a decision without bitterness."),
    "bitter": MannerInfo("bitterly", "Lets resentment show."),
}
