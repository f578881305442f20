"""Plain text as the reader and the coach see it: normalised, bounded, split into words.

Learners type in lower case, with typos, contractions, British or American spelling, curly
quotes and the odd emoji. Everything that reads their words goes through :func:`words` so that
"I'm sorry, I apologise" and "im sorry i apologize" look the same. Nothing here depends on the
platform, the locale or hash order, so a reading is the same in every process.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["MAX_CHARS", "clean", "stem", "words"]

# What is read of one utterance: far more than anyone says in one turn, and a bound on the work.
MAX_CHARS = 2000

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
# Contractions are kept apart from the words they join, so "don't" reads as "do not".
_CONTRACTIONS = {
    "n't": " not",
    "'re": " are",
    "'ve": " have",
    "'ll": " will",
    "'d": " would",
    "'m": " am",
}
# Spellings the learner may use for the same word; the left side is read as the right side.
_SPELLINGS = {
    "apologise": "apologize",
    "apologised": "apologized",
    "apologising": "apologizing",
    "apologises": "apologizes",
    "apologies": "apology",
    "realise": "realize",
    "realised": "realized",
    "recognise": "recognize",
    "recognised": "recognized",
    "prioritise": "prioritize",
    "organisation": "organization",
    "behaviour": "behavior",
    "favour": "favor",
    "honour": "honor",
    "colour": "color",
    "centre": "center",
    "offence": "offense",
    "defence": "defense",
    "judgement": "judgment",
    "analyse": "analyze",
    "cheque": "check",
    "labour": "labor",
    "programme": "program",
    "whilst": "while",
    "emailed": "email",
    "im": "i am",
    "ive": "i have",
    "dont": "do not",
    "didnt": "did not",
    "cant": "can not",
    "cannot": "can not",
    "wont": "will not",
    "isnt": "is not",
    "wasnt": "was not",
    "id": "i would",
    "ill": "i will",
    "youre": "you are",
    "thats": "that is",
    "u": "you",
    "ur": "your",
    "pls": "please",
    "plz": "please",
    "thx": "thanks",
    "tbh": "to be honest",
    "ok": "okay",
}
_STEM_SUFFIXES = ("ingly", "edly", "ing", "ed", "ly", "es", "s")


def clean(text: str) -> str:
    """The text as read: at most :data:`MAX_CHARS` characters, Unicode-normalised, lower case,
    curly quotes straightened, control characters and anything that is not a letter, a digit,
    a space or light punctuation turned into spaces.
    """
    text = unicodedata.normalize("NFKC", text[:MAX_CHARS]).lower()
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("`", "'")
    return "".join(ch if ch.isalnum() or ch in " '.,!?;:-" else " " for ch in text)


def words(text: str) -> list[str]:
    """The words of ``text`` after :func:`clean`, contractions split and spellings unified."""
    out: list[str] = []
    for raw in _WORD.findall(clean(text)):
        token = raw
        for ending, replacement in _CONTRACTIONS.items():
            if token.endswith(ending) and len(token) > len(ending):
                token = token[: -len(ending)] + replacement
                break
        else:
            if token.endswith("'s"):
                token = token[:-2]
            token = token.replace("'", "")
        for part in token.split():
            out.extend(_SPELLINGS.get(part, part).split())
    return out


def stem(word: str) -> str:
    """A light suffix stripper (``apologizing`` -> ``apologiz``): enough for related forms of a
    word to share features, without a dictionary.
    """
    if len(word) <= 4 or word.isdigit():
        return word
    for suffix in _STEM_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word
