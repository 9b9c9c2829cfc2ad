"""[dropped] and [duplicated]: the traces a lost or a doubled word leaves in a sentence."""
from __future__ import annotations

import re
from collections.abc import Sequence

from dedupe.types import Flag

from .lexicon import FUNCTION_WORDS
from .text import Token, make_flag

_DET = r"(?:the|a|an)"
# A determiner or "of" cannot end a clause; a space before a comma means a token
# between them was lost (MT placeholders for names are the usual case).
_DROPPED = [
    (re.compile(r"\b[\w’']+ +[,;:](?= |$)|\b[\w’']+ +\.(?=\s|$)", re.M), 0.85, "space before the punctuation: a word was dropped"),
    (re.compile(r"\b(?:the|an|a|of|its|their|our|your)(?![.’']\w)(?=[,;:.!?)])"), 0.85,
     "a determiner or 'of' right before punctuation: the word it introduces is missing"),
    (re.compile(rf"\b{_DET} (?:of|the|a|an|and|or|but|to|is|are|was|were|has|have|had|would|which|with|from|by)\b(?![-’'])"),
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
_CLAUSE_BREAK = re.compile(r"[^\w\s'’-]|\d")


def find_duplicated(tokens: Sequence[Token], text: str) -> list[Flag]:
    """Flag a word or phrase said twice in a row, or a content word back after one or two words.

    "X by X" and "X and X" with one grammar word between are idioms ("step by step",
    "more and more") and are left alone; so are repeats across punctuation or numbers.

    >>> from dedupe.artifacts.text import words
    >>> t = "They agreed to to meet and keep a closer keep on it, step by step."
    >>> [f.text for f in find_duplicated(words(t), t)]
    ['to to', 'keep a closer keep']
    """
    flags = []
    last_end = -1
    n = len(tokens)
    for i, t in enumerate(tokens):
        for size in (3, 2, 1):  # the longest repeated phrase first
            j = i + size
            if j + size > n or tokens[i].start < last_end:
                continue
            a, b = tokens[i:j], tokens[j:j + size]
            if [x.lower for x in a] != [x.lower for x in b] or _CLAUSE_BREAK.search(text, a[0].start, b[-1].end):
                continue
            if size == 1 and t.lower in _GRAMMATICAL_REPEATS:
                continue
            flags.append(make_flag(text, a[0].start, b[-1].end, "duplicated", 0.9,
                                   f"'{text[a[0].start:a[-1].end]}' is repeated"))
            last_end = b[-1].end
            break
        else:
            if t.start < last_end or t.lower in FUNCTION_WORDS or len(t.lower) < 3:
                continue
            # two words between: one is the idiom "X by X", three is often a new clause
            k = i + 3
            if k < n and tokens[k].lower == t.lower and not _CLAUSE_BREAK.search(text, t.start, tokens[k].end):
                flags.append(make_flag(text, t.start, tokens[k].end, "duplicated", 0.7,
                                       f"'{t.text}' comes back two words later"))
                last_end = tokens[k].end
    return flags
