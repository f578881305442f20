"""Words that mean the same thing in these conversations, grouped, so that the reader can
recognise "I'll resign" from examples that say "I'll quit" and "I'm leaving".

Each group names a concept; a word (after :func:`simulator.text.stem`) in a group adds the
concept as a feature beside the word itself. The groups are small and written by hand for
workplace conversations about offers, apologies, promotions and rejections: a transparent
stand-in for the synonym knowledge a language model would bring, at no cost at run time.
"""

from __future__ import annotations

from .text import stem

__all__ = ["CONCEPTS", "concept_of"]

CONCEPTS: dict[str, tuple[str, ...]] = {
    "sorry": ("sorry", "apologize", "apologized", "apologizing", "apology", "regret", "regrets", "remorse", "forgive", "forgiveness", "pardon"),
    "fault": ("fault", "blame", "wrong", "mistake", "mistakes", "messed", "screwed", "overreacted", "overreact", "rude", "unprofessional", "outburst", "temper", "lashed", "snapped", "harsh"),
    "angry": ("angry", "furious", "mad", "livid", "fuming", "annoyed", "frustrated", "frustrating", "outraged", "pissed", "upset", "fed"),
    "unfair": ("unfair", "insulting", "insult", "ridiculous", "joke", "disgrace", "disgraceful", "pathetic", "absurd", "outrageous", "shambles", "incompetent", "useless"),
    "money": ("pay", "paid", "salary", "money", "raise", "compensation", "comp", "package", "wage", "wages", "bonus", "rate", "paycheck", "income", "increase", "dollars", "pounds", "percent", "%"),
    "grade": ("grade", "grades", "level", "levels", "band", "bands", "seniority", "title", "senior", "rank"),
    "role": ("role", "job", "position", "post", "opening", "vacancy", "opportunity", "gig"),
    "promotion": ("promotion", "promoted", "promote", "lead", "leader", "leadership", "step", "advance", "advancement", "progression", "career"),
    "offer": ("offer", "offers", "offered", "proposal", "deal", "terms", "contract"),
    "leave": ("leave", "leaving", "quit", "quitting", "resign", "resigning", "resignation", "go", "going", "walk", "walking", "jump", "exit", "depart", "notice", "packing", "elsewhere"),
    "stay": ("stay", "staying", "remain", "keep", "kept", "loyal", "here"),
    "match": ("match", "matched", "matching", "beat", "counter", "counteroffer", "counteroffers", "equal", "top"),
    "threat": ("else", "otherwise", "unless", "ultimatum", "final", "deadline", "friday"),
    "ask": ("wonder", "wondering", "curious", "possible", "options", "option", "room", "open", "explore", "flexibility", "flexible", "chance", "possibility"),
    "want": ("want", "wanted", "interested", "interest", "keen", "eager", "excited", "hope", "hoping", "like", "love", "would"),
    "decide": ("decide", "decided", "decision", "settle", "settled", "choose", "chose", "figure", "priority", "priorities", "matters", "important", "really"),
    "think": ("think", "thought", "thinking", "consider", "considering", "reflect", "reflected", "ponder", "mull", "weigh", "reckon"),
    "wait": ("wait", "waiting", "pause", "later", "week", "weeks", "month", "months", "while", "time", "cool", "calm", "breather", "nothing", "sit", "hold", "rest"),
    "write": ("write", "writing", "wrote", "written", "email", "emails", "mail", "message", "note", "letter", "send", "sending", "sent", "draft", "drop", "line", "linkedin", "message"),
    "cv": ("cv", "resume", "resumé", "portfolio", "letter", "application", "cover"),
    "friend": ("friend", "mate", "contact", "connection", "acquaintance", "pal", "buddy"),
    "hr": ("hr", "recruiter", "recruiting", "recruitment", "personnel", "people", "talent"),
    "boss": ("boss", "manager", "head", "supervisor", "director", "lead"),
    "copy": ("cc", "copy", "copied", "copying", "loop", "looped", "forward", "forwarded"),
    "around": ("around", "over", "bypass", "directly", "straight", "head", "behind", "skip", "going"),
    "reconsider": ("reconsider", "rethink", "reconsideration", "second", "review", "relook", "revisit", "appeal", "change"),
    "accept": ("accept", "accepted", "accepting", "agree", "agreed", "yes", "sign", "take", "taking", "fine", "deal", "okay", "happy"),
    "decline": ("decline", "declined", "withdraw", "withdrawing", "withdrawal", "pull", "pass", "turn", "refuse"),
    "thanks": ("thanks", "thank", "grateful", "appreciate", "appreciated", "appreciation", "cheers"),
    "please": ("please", "beg", "begging", "plead", "pleading", "desperate", "desperately", "need", "needed", "anything"),
    "worth": ("worthless", "useless", "failure", "failed", "fail", "loser", "inadequate", "rubbish", "hopeless", "stupid", "enough", "good"),
    "apply": ("apply", "applying", "application", "applications", "search", "searching", "hunt", "hunting", "interview", "interviews", "interviewing", "recruiter"),
    "improve": ("improve", "improving", "practice", "practise", "review", "reviewing", "assess", "reflect", "learn", "lessons", "feedback", "prepare", "preparation", "fix", "polish"),
    "past": ("fumbled", "blew", "botched", "flubbed", "stumbled", "froze", "choked", "rambled", "awkward", "caught", "guard", "surprise", "surprised"),
    "merit": ("record", "experience", "delivered", "achieved", "results", "track", "strengths", "skills", "built", "led", "ran", "shipped", "years"),
    "colleague": ("colleague", "colleagues", "peer", "peers", "marek", "ines", "teammate", "teammates", "others", "team"),
    "moveon": ("move", "moving", "forward", "ahead", "onwards", "behind", "done", "over", "next", "let"),
    "promise": ("promised", "promise", "told", "said", "led", "expectation", "expected", "understood", "assurance", "assured"),
    "question": ("what", "how", "why", "could", "would", "can", "is", "are", "any", "whether"),
}

_WORD_TO_CONCEPTS: dict[str, tuple[str, ...]] = {}
for _concept, _words in CONCEPTS.items():
    for _word in _words:
        key = stem(_word)
        _WORD_TO_CONCEPTS[key] = tuple(dict.fromkeys((*_WORD_TO_CONCEPTS.get(key, ()), _concept)))


def concept_of(stemmed: str) -> tuple[str, ...]:
    """The concepts a stemmed word belongs to (none for most words)."""
    return _WORD_TO_CONCEPTS.get(stemmed, ())
