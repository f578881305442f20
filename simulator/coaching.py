"""Coaching on phrasing: what in the learner's own words helped or hurt, quoted back to them.

The stories teach wording as much as tactics: a "but" inside an apology turns it into a
justification; "maybe" and "I guess" hedge an answer until it commits to nothing; "match it or I
go" is an ultimatum however politely it is asked; raising yourself by putting a colleague down
costs more than it gains. Each :class:`Cue` here is a small set of word patterns for one such
habit, with why it matters; :func:`notes_for` finds them in a turn's words and returns
:class:`PhrasingNote` records that quote the words found. The rules are transparent on purpose: a
learner can see exactly which words were heard, and an author can read the list.

Patterns match the normalised word sequence (:func:`simulator.text.words`), so case, curly quotes,
contractions and British or American spelling do not matter; the quote shown is taken from the
learner's original text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .text import words

__all__ = ["CUES", "DEMAND_BEFORE_REPAIR", "Cue", "PhrasingNote", "find_cues", "notes_for"]


@dataclass(frozen=True)
class Cue:
    """One habit of phrasing: its id, a short title, the patterns that find it, why it matters,
    and (optionally) the move ids it applies to (empty: any move).
    """

    id: str
    title: str
    patterns: tuple[str, ...]  # regular expressions over space-joined normalised words
    why: str
    moves: tuple[str, ...] = ()
    min_words: int = 0  # the utterance must be at least this long (excuses at length)

    def compiled(self) -> tuple[re.Pattern[str], ...]:
        return tuple(re.compile(rf"(?:^| )(?:{p})(?= |$)") for p in self.patterns)


APOLOGY = r"(?:sorry|apology|apologize|apologizing|regret)"

CUES: tuple[Cue, ...] = (
    Cue(
        "apology_but",
        "A 'but' inside the apology",
        (
            rf"{APOLOGY}\b(?: \w+){{0,12}} (?:but|however|though|although)",
            r"sorry if (?:you|that|it|i)",
            r"(?:but|however) (?:you|your|it was|two weeks|nobody|no one)",
        ),
        "Everything after 'but' is heard as the real message: the apology becomes a justification. "
        "Own what you did and stop there.",
        ("apologize",),
    ),
    Cue(
        "apology_asks",
        "An apology that asks for something back",
        (
            rf"{APOLOGY}\b(?: \w+){{0,16}} (?:offer|job|role|position|back on the table|reconsider|still work)",
            r"(?:hope|hoping|wonder|wondering) (?:we|you) (?:can|could) still",
            r"(?:get|have|put) (?:the|that|this) (?:offer|job|role) back",
        ),
        "An apology made to get the job back shows, and it reads as one more tactic. "
        "Apologise because it is right, and ask for nothing in the same breath.",
        ("apologize",),
    ),
    Cue(
        "hedging",
        "Hedging and minimising",
        (
            r"i guess",
            r"maybe",
            r"perhaps",
            r"kind of",
            r"sort of",
            r"i suppose",
            r"i think maybe",
            r"not (?:really )?sure (?:if|whether|that) i",
            r"if (?:that is|it is) (?:okay|ok|alright)",
            r"a (?:little|bit) (?:interested|keen)",
            r"just (?:wanted|thought|wondering|checking|a|an)",
        ),
        "Softeners make the listener do the work of guessing what you mean. Say it plainly: what you want, and why.",
    ),
    Cue(
        "underselling",
        "Underselling yourself",
        (
            r"i am (?:probably |maybe |not )?not (?:the best|good enough|qualified|ready|sure i am)",
            r"i (?:do not|don't) know if i (?:could|can|would)",
            r"(?:only|just) (?:a|an) (?:\w+ )?(?:analyst|developer|engineer|member|person)",
            r"(?:others|other people|someone else) (?:would be|are|is|might be) better",
            r"not that i am (?:anything|special|great)",
        ),
        "If you talk yourself down, nobody else will talk you up. Name what you have done and what you would bring.",
    ),
    Cue(
        "disparaging",
        "Putting a colleague down",
        (
            r"better than (?:him|her|them|my colleagues|the others|marek|ines|either of them|both of them)",
            r"unlike (?:him|her|them|marek|ines|the others)",
            r"(?:marek|ines|he|she|they) "
            r"(?:is not|are not|can not|does not|do not|never|struggles|struggle|lacks|lack|is too|are too)",
            r"(?:marek|ines) (?:would|will) (?:struggle|fail|not cope|mess)",
        ),
        "Raising yourself by lowering someone else makes the listener wonder what you say about them. "
        "Make the case on your own record.",
    ),
    Cue(
        "ultimatum",
        "An ultimatum, or a threat inside a question",
        (
            r"or (?:else|i will|i am|i would|i walk|i leave|i go|i quit)",
            r"unless you",
            r"(?:match|beat) (?:it|that|the offer|their offer)",
            r"take it or leave it",
            r"final offer",
            r"if you (?:can not|do not|will not|would not|cannot) .{0,60}(?:i will|i am|i would|i have no choice)",
            r"(?:otherwise|if not) i (?:will|am|would|have)",
        ),
        "A demand with a consequence attached only works if you are ready to carry it out, and a "
        "question does not soften it. Ask what might be possible instead.",
    ),
    Cue(
        "conditional",
        "An 'if you..., I would...' bargain",
        (
            r"if you (?:could|can|were to|would) .{0,60}"
            r"i (?:would|might|could|will) (?:consider|think about|stay|be willing|look at)",
            r"i (?:would|might) consider (?:staying|it)",
        ),
        "A bargain with conditions is an ultimatum in disguise: it tells them your loyalty has a price. "
        "Ask what could change, without the price tag.",
    ),
    Cue(
        "blaming",
        "Blaming the other side",
        (
            r"you (?:promised|told me|said|led me to believe|misled|lied)",
            r"(?:your|hr is|hr's|the hr) (?:fault|mistake|process|mess)",
            r"you people",
            r"you (?:never|always|should have|didn't|did not|ignored)",
            r"because of you",
            r"you made me",
        ),
        "Blame puts them on the defence, and a defended person does not listen. Say what you "
        "understood and ask what happened.",
    ),
    Cue(
        "needy",
        "A needy or pleading tone",
        (
            r"please",
            r"i (?:really )?(?:need|needed) (?:this|the job|the role|it)",
            r"i (?:really|so) (?:wanted|want) (?:this|the job|the role|it)",
            r"(?:give|gave) me (?:a|another|one more) (?:chance|look|shot)",
            r"i (?:would|will) do anything",
            r"(?:it|this) (?:would )?mean(?:s)? (?:so much|the world|a lot)",
            r"desperate",
            r"begging",
        ),
        "Pleading asks the other person to carry your need, and it lowers how they see you. "
        "Be brief, bring something of value, and let it stand.",
    ),
    Cue(
        "excuses",
        "Excuses at length",
        (r"because", r"the reason", r"caught off guard", r"(?:i was|i am) (?:tired|stressed|nervous|flustered)"),
        "A long explanation of the stumble keeps the conversation on the stumble. Name it in a "
        "sentence and move to what you want.",
        min_words=45,
    ),
)

_COMPILED = {cue.id: cue.compiled() for cue in CUES}

# Not a habit of words but of order: a demand made before any apology, in a conversation that
# needs one first. Found over the whole transcript (see notes_for's ``repaired``).
DEMAND_BEFORE_REPAIR = Cue(
    "demand_before_repair",
    "A demand made before repair",
    (),
    "Until they believe you, anything you ask for sounds like more of what upset them. Repair "
    "first; ask later, calmly.",
)
_DEMANDS = frozenset({"ultimatum", "conditional", "blaming"})


@dataclass(frozen=True)
class PhrasingNote:
    """A habit of phrasing found in one turn's words. ``better`` (the best phrasing of the best
    move there, from the analysis) is filled in by whoever has the analysis at hand.
    """

    turn: int
    cue: str
    title: str
    quote: str  # the learner's words where it was found
    why: str
    advice: str | None = None  # what the source advises about this move
    better: str | None = None


def cue_ids(tokens: list[str]) -> list[str]:
    """The ids of every cue whose patterns match these normalised words, whatever the move
    (for the reader: a cue is a strong sign of a manner).
    """
    joined = " ".join(tokens)
    return [cue.id for cue in CUES if len(tokens) >= cue.min_words and any(p.search(joined) for p in _COMPILED[cue.id])]


def find_cues(said: str, move: str | None = None) -> list[tuple[Cue, str]]:
    """The cues in ``said`` (for a turn playing ``move``), each with the words it was found in,
    in the order of :data:`CUES`; at most one finding per cue.
    """
    tokens = words(said)
    joined = " ".join(tokens)
    found = []
    for cue in CUES:
        if cue.moves and move not in cue.moves:
            continue
        if len(tokens) < cue.min_words:
            continue
        for pattern in _COMPILED[cue.id]:
            match = pattern.search(joined)
            if match:
                found.append((cue, _quote(said, match.group(0).strip())))
                break
    # A bargain ("if you could match it, I'd stay") is named as what it is, not twice.
    if any(cue.id == "conditional" for cue, _ in found):
        found = [(cue, quote) for cue, quote in found if cue.id != "ultimatum"]
    return found


def notes_for(
    turn: int,
    said: str | None,
    move: str,
    advice: str | None = None,
    *,
    manner: str | None = None,
    unrepaired: bool = False,
) -> list[PhrasingNote]:
    """The phrasing notes for one turn's words (none when nothing was said in words).

    ``unrepaired``: the scenario asks for an apology and none has been made yet, so a demand
    (a ``counter`` move, or words said as an ultimatum, a bargain or blame) is noted as made
    before repair.
    """
    notes = []
    if unrepaired and (move == "counter" or manner in _DEMANDS):
        quote = " ".join((said or "").split()[:12]) or move
        notes.append(
            PhrasingNote(
                turn, DEMAND_BEFORE_REPAIR.id, DEMAND_BEFORE_REPAIR.title, quote, DEMAND_BEFORE_REPAIR.why, advice
            )
        )
    if not said:
        return notes
    return notes + [
        PhrasingNote(turn=turn, cue=cue.id, title=cue.title, quote=quote, why=cue.why, advice=advice)
        for cue, quote in find_cues(said, move)
    ]


def _quote(said: str, found: str) -> str:
    """The stretch of the learner's own text where the normalised words were found, with a few
    words either side; the normalised words themselves when they cannot be placed.
    """
    text = " ".join(said.split())
    if len(text) <= 90:  # short enough to quote whole
        return text
    first = found.split()[0] if found else ""
    match = re.search(rf"\b{re.escape(first)}", text, re.IGNORECASE) if first else None
    if match is None:
        return found
    start = text.rfind(" ", 0, max(0, match.start() - 20)) + 1
    stop = text.find(" ", min(len(text), match.start() + len(found) + 20))
    stop = len(text) if stop < 0 else stop
    return ("…" if start > 0 else "") + text[start:stop] + ("…" if stop < len(text) else "")
