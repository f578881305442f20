"""The few words that tell the contradiction checks what a text claims (see :mod:`.contradictions`).

Every lexicon the checks use is here and nowhere else, each small and commented. Matching is
case-blind and tolerant of inflection (``nod``, ``nods``, ``nodded``, ``nodding``); where the
files have structure (a clock, a channel, a state, a move's target) the checks use that instead.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..spec import DAYS_PER_UNIT

__all__ = ["claimed_days", "face_cue", "in_person", "note_leaning", "silence_claim", "story_leaning"]

# --- time words ---------------------------------------------------------------------------------
# How much time a text says has passed, read at the least each word can mean, so that only a
# clear contradiction is found: a month is four weeks (a move that "takes: 4 weeks" may well say
# "a month goes by", though the clock counts a month written in a file as 30 days) and a year is
# 52 weeks. A count that is not a number is taken at its least too: "months" alone, "a few" and
# "several" mean two.
_UNIT_DAYS = {"day": DAYS_PER_UNIT["day"], "week": DAYS_PER_UNIT["week"], "month": 4 * 7, "year": 52 * 7}
_COUNTS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "the": 1,
    "two": 2,
    "a couple of": 2,
    "a few": 2,
    "several": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}
_COUNT = r"(?P<count>\d{1,3}|" + "|".join(sorted((re.escape(c) for c in _COUNTS), key=len, reverse=True)) + r")"
_UNIT = r"(?P<unit>day|week|month|year)(?P<plural>s)?"
# "months later", "the year went by", "two weeks have passed", "after a year", "a year on,"
_PASSED = r"(?:later|on,|(?:(?:has|have|had)\s+)?(?:went|gone|go(?:es)?|gone)\s+by|(?:(?:has|have|had)\s+)?passed)"
_TIME = re.compile(
    rf"\b(?:{_COUNT}\s+)?{_UNIT}\s+{_PASSED}|\bafter\s+(?:{_COUNT.replace('count', 'count2')}\s+)?"
    rf"{_UNIT.replace('unit', 'unit2').replace('plural', 'plural2')}\b",
    re.IGNORECASE,
)


@lru_cache(maxsize=4096)  # the checks ask about the same texts at many places
def claimed_days(text: str) -> tuple[int, str] | None:
    """The most time ``text`` says has passed, in days, with the words that say it; None when it
    says nothing of the kind.
    """
    best: tuple[int, str] | None = None
    for match in _TIME.finditer(text):
        count = match.group("count") or match.group("count2")
        unit = match.group("unit") or match.group("unit2")
        plural = match.group("plural") or match.group("plural2")
        n = (2 if plural else 1) if count is None else int(count) if count.isdigit() else _COUNTS[count.lower()]
        days = n * _UNIT_DAYS[unit.lower()]
        if best is None or days > best[0]:
            best = (days, match.group(0))
    return best


# --- being in the same room ------------------------------------------------------------------------
# Cues a reader can only have seen face to face: body language and the room itself.
_FACE = re.compile(
    r"\b(?:"
    r"lean(?:s|ed|ing)?\s+(?:in|forward|back)|nod(?:s|ded|ding)?|smil(?:e|es|ed|ing)|grin(?:s|ned|ning)?|"
    r"frown(?:s|ed|ing)?|shrug(?:s|ged|ging)?|wince(?:s|d)?|winc(?:ing)|"
    r"eye contact|raises? an eyebrow|shak(?:e|es|ing) (?:his|her|their) head|"
    r"arms folded|fold(?:s|ed)? (?:his|her|their) arms|"
    r"glanc(?:e|es|ed|ing) at|checking the time|across the (?:table|desk|room)|in the room|"
    r"shak(?:e|es|ing) hands|handshake"
    r")\b",
    re.IGNORECASE,
)
# A channel is in person when it names a way of meeting; anything else ("by e-mail", "through a
# friend", "by phone", "by e-mail since a coffee": the coffee is past) is remote.
_IN_PERSON = re.compile(r"\b(?:in person|face[ -]to[ -]face|meeting|meets|in the office|in the room)\b", re.IGNORECASE)


@lru_cache(maxsize=4096)  # the checks ask about the same texts at many places
def face_cue(text: str) -> str | None:
    """The first cue in ``text`` that only someone in the room could see, or None."""
    match = _FACE.search(text)
    return match.group(0) if match else None


@lru_cache(maxsize=4096)  # the checks ask about the same texts at many places
def in_person(channel: str | None) -> bool:
    """Whether a cast member's channel lets the learner see them (no channel: assumed so)."""
    return channel is None or _IN_PERSON.search(channel) is not None


# --- claims of silence --------------------------------------------------------------------------
# A counterpart saying the learner has not been in touch.
_SILENCE = re.compile(
    r"\b(?:your silence|radio silence|out of touch|gone quiet|went quiet|"
    r"(?:haven't|hasn't|hadn't|have not|has not|had not|never)\s+heard\s+(?:back\s+)?from you|"
    r"(?:no|not a|not one)\s+word\s+from you|"
    r"you\s+(?:never|didn't|did not)\s+(?:reply|replied|answer|answered|write back|call back))\b",
    re.IGNORECASE,
)


@lru_cache(maxsize=4096)  # the checks ask about the same texts at many places
def silence_claim(text: str) -> str | None:
    """The words of ``text`` that say the learner has been silent, or None."""
    match = _SILENCE.search(text)
    return match.group(0) if match else None


# --- how a closing story leans ---------------------------------------------------------------------
# Stories are a counterpart's own view of the learner at the end ("We want them"). A story is
# judged only when it leans clearly: some words of one side and none of the other.
_STORY_WARM = re.compile(
    r"\b(?:we want (?:them|you|him|her)|keen|glad|happily|worth (?:keeping|another|a conversation)|"
    r"make it work|can see them|on my team|i remember the name|let's talk|ready for more)\b",
    re.IGNORECASE,
)
# Words that close a door: in a closing story (done with the learner), or in a counterpart's line
# (the offer withdrawn, the role gone) that a warm closing story would contradict.
_STORY_COLD = re.compile(
    r"\b(?:moved on|done with|walked away|withdr[ae]w\w*|lapsed|f[ae]ll(?:s|en)? through|flagged|"
    r"won't be proceeding|archive|hostile|pushy|contempt|bargaining chip|stop passing|closed|closing|"
    r"one foot out the door|can't count on|not someone|start over|call it a day|never mind|"
    r"go another way|someone else|leave it there|frozen|been cut|on hold)\b",
    re.IGNORECASE,
)


@lru_cache(maxsize=4096)  # the checks ask about the same texts at many places
def story_leaning(text: str) -> int:
    """+1 when a story clearly reads as wanting the learner, -1 as done with them, 0 otherwise."""
    warm = _STORY_WARM.search(text) is not None
    cold = _STORY_COLD.search(text) is not None
    return (1 if warm else 0) - (1 if cold else 0)


# --- how a coach note leans -----------------------------------------------------------------------
# Words that make a note read as a setback, or as progress. A note is judged only when it leans
# clearly: two or more words of one side and none of the other, or one unmistakable word; a
# note with a "but" in it, or a mild word alone, is left alone (most notes weigh both sides).
_SETBACK = (
    "hurt",
    "costs you",
    "cost you",
    "lost",
    "worse",
    "damag",
    "muddie",
    "undermin",
    "backfir",
    "confirms the",
    "pressure",
    "tactic",
    "fake",
    "not heard",
    "closes",
    "closed",
    "burn",
    "suspicio",
    "bluff",
    "threat",
    "sour",
    "offend",
    "resent",
    "grievance",
    "put off",
    "shut",
)
_PROGRESS = (
    "helped",
    "landed",
    "lets them",
    "opened",
    "opens a",
    "repaired",
    "believed",
    "warmed",
    "accepted",
    "kept the door",
    "worked",
    "the right call",
    "earned",
    "rewrite their",
    "respected",
    "welcomed",
    "carried",
    "kept you",
    "improve",
    "healthy",
)
_UNMISTAKABLE = ("muddies", "backfires", "undermines", "closes the door", "burns")


def note_leaning(note: str) -> int:
    """+1 when a note clearly reads as progress, -1 as a setback, 0 otherwise."""
    text = note.lower()
    if " but " in text or ";" in text:
        return 0  # it weighs both sides
    down = sum(w in text for w in _SETBACK)
    up = sum(w in text for w in _PROGRESS)
    if up == 0 and (down >= 2 or any(w in text for w in _UNMISTAKABLE)):
        return -1
    if down == 0 and up >= 2:
        return 1
    return 0
