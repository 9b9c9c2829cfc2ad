"""[dropped] and [duplicated]: the traces a lost or a doubled word leaves in a sentence."""
from __future__ import annotations

import re
from dedupe.types import Flag

from .lexicon import FUNCTION_WORDS
from .text import make_flag

_DET = r"(?:the|a|an)"
# A determiner or "of" cannot end a clause; a space before a comma means a token
# between them was lost (MT placeholders for names are the usual case).
_DROPPED = [
    (re.compile(r"\b[\w’']+ +[,;:](?=[\s\"”’']|$)|\b[\w’']+ +\.(?=[\s\"”’']|$)", re.M), 0.85,
     "space before the punctuation: a word was dropped"),
    (re.compile(r"\b(?:the|an|a|of|its|their|our|your)(?![.’']\w)(?=[,;:.!?)])"), 0.85,
     "a determiner or 'of' right before punctuation: the word it introduces is missing"),
    (re.compile(r"\b(?:to|in|for|with|from|at|by)(?=[,;:])"), 0.6,
     "a preposition right before a comma: its object is missing"),
    (re.compile(rf"\b{_DET} (?:of|the|a|an|and|or|but|to|in|on|at|for|into|is|are|was|were|has|have|had|would|which|with|from|by)\b(?![-’'])"),
     0.75, "a determiner followed by a grammar word: the noun between them is missing"),
    (re.compile(r"[,;] *[,;.]|\( *\)|“ *”|\[ *\]"), 0.75, "empty punctuation: the words between were dropped"),
]


def find_dropped(text: str) -> list[Flag]:
    """Flag the shapes a dropped word leaves: "the terms of ,", "by the .", "the of", ", ,".

    >>> [f.text for f in find_dropped("Prices rose after the decision of , and the of it.")]
    ['of ,', 'the of']
    """
    flags, taken = [], []
    for pattern, score, reason in _DROPPED:
        for m in pattern.finditer(text):
            s, e = m.start(), m.end()
            if m.group().lower() in ("a.", "a,") and text[e:e + 1].isalpha():
                continue  # "a.m."
            if any(s < te and ts < e for ts, te in taken):
                continue
            taken.append((s, e))
            flags.append(make_flag(text, s, e, "dropped", score, reason))
    return sorted(flags, key=lambda f: f.start)


#: Reduplications that are grammatical ("had had", "that that").
_GRAMMATICAL_REPEATS = frozenset({"had", "that", "is", "do", "ha", "bye", "no", "yes"})
# One to three words said twice in a row, on one line with no punctuation between.
_REPEAT = re.compile(r"\b([^\W\d_]+(?:[ \t]+[^\W\d_]+){0,2})[ \t]+\1\b", re.I)
# A word back after two or three others ("keep a closer keep"); one between is an idiom
# ("step by step").
_RETURN = re.compile(r"\b([^\W\d_]{3,})((?:[ \t]+[^\W\d_]+){2,3})[ \t]+\1\b", re.I)
# Coordination and ranges legitimately repeat a word: "more music and more", "number one to number two".
_COORDINATION = frozenset({"and", "or", "to", "than", "nor", "but", "vs", "versus", "from", "on"})


def find_duplicated(text: str) -> list[Flag]:
    """Flag a word or phrase said twice in a row, or a content word back two or three words later.

    Repeats across punctuation, of names, or joined by "and", "or", "to" (ranges,
    coordination) are left alone.

    >>> t = "They agreed to to meet and keep a closer keep on it, step by step."
    >>> [f.text for f in find_duplicated(t)]
    ['to to', 'keep a closer keep']
    """
    flags = []
    for m in _REPEAT.finditer(text):
        if m.group(1).lower() in _GRAMMATICAL_REPEATS:
            continue
        flags.append(make_flag(text, m.start(), m.end(), "duplicated", 0.9, f"'{m.group(1)}' is repeated"))
    for m in _RETURN.finditer(text):
        between = m.group(2).lower().split()
        if m.group(1).lower() in FUNCTION_WORDS or _COORDINATION.intersection(between) or m.group(1)[0].isupper():
            continue
        if any(m.start() < f.end and f.start < m.end() for f in flags):
            continue
        flags.append(make_flag(text, m.start(), m.end(), "duplicated", 0.7,
                               f"'{m.group(1)}' comes back {len(between)} words later"))
    return flags
