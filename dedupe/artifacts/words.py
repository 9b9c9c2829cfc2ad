"""[glued] and [misspelling]: word forms no English word list knows.

Both start from a token wordfreq has never seen. If it splits into two frequent
words ("waterlevel", "marketThe") the space was lost; otherwise, when the corpus
does not vouch for it as a name or term, it is a misspelling or a non-word.
"""
from __future__ import annotations

import re
from functools import lru_cache
from collections.abc import Sequence

from dedupe.types import Flag

from .corpus import CorpusStats
from .lexicon import FUNCTION_WORDS, english_table, foreign_table
from .text import Token, make_flag

_CAMEL = re.compile(r"(?<=[a-z]{2})(?=[A-Z][a-z])")
_ALPHABET = "abcdefghijklmnopqrstuvwxyz"
#: Listed forms rarer than this (Zipf) are checked against a near, far more frequent spelling.
RARE_ZIPF = 3.0
#: A part of a glued pair must be at least this frequent (Zipf) to count as a word.
PART_ZIPF = 3.0


def _is_part(word: str, table: dict[str, float]) -> bool:
    # Two-letter strings are mostly abbreviations in the list; only grammar words count.
    if len(word) <= 2:
        return word in FUNCTION_WORDS
    return table.get(word, 0.0) >= PART_ZIPF


def split_glued(word: str) -> tuple[str, str] | None:
    """The split of an unknown lower-case form into two frequent words, best first.

    >>> split_glued("marketsat"), split_glued("zorblax")
    (('markets', 'at'), None)
    """
    table = english_table()
    best, best_score = None, 0.0
    for i in range(2, len(word) - 1):
        a, b = word[:i], word[i:]
        if _is_part(a, table) and _is_part(b, table):
            # grammar words are what MT most often glues on ("pricesat", "tothe")
            score = min(table.get(a, 0.0), table.get(b, 0.0)) + (a in FUNCTION_WORDS or b in FUNCTION_WORDS)
            if score > best_score:
                best, best_score = (a, b), score
    return best


def find_glued(tokens: Sequence[Token], text: str, stats: CorpusStats) -> list[Flag]:
    """Flag tokens that are two words with the space lost: "stockThe", "pricesfor".

    Why: scrapers and MT drop the space or line break between words or captions.
    A form the corpus vouches for (a brand such as "YouTube") is exempt.

    >>> from dedupe.artifacts.text import words
    >>> t = "The priceThe shares rose on marketsat noon via YouTube."
    >>> [f.text for f in find_glued(words(t), t, CorpusStats())]
    ['priceThe', 'marketsat']
    """
    table = english_table()
    flags = []
    for t in tokens:
        if len(t.text) < 5 or table.get(t.lower, 0.0) > 0 or stats.is_name_or_term(t.lower) or "'" in t.text:
            continue
        camel = _CAMEL.split(t.text)
        if len(camel) == 2:
            a, b = camel
            if table.get(a.lower(), 0.0) >= 2.0 and _is_part(b.lower(), table):
                score = 0.95 if b.lower() in FUNCTION_WORDS else 0.8
                flags.append(make_flag(text, t.start, t.end, "glued", score,
                                       f"'{a}' and '{b}' run together; '{t.text}' is not a known word"))
            continue
        if t.text.islower() and len(t.text) >= 6:
            parts = split_glued(t.lower)
            if parts:
                flags.append(make_flag(text, t.start, t.end, "glued", 0.8,
                                       f"'{parts[0]}' and '{parts[1]}' run together; '{t.text}' is not a known word"))
    return flags


def _edits1(word: str) -> set[str]:
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    return {a + b[1:] for a, b in splits if b} | {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1} | {
        a + c + b[1:] for a, b in splits if b for c in _ALPHABET} | {a + c + b for a, b in splits for c in _ALPHABET}


@lru_cache(maxsize=65536)
def nearest_word(word: str) -> str | None:
    """The most frequent known word one edit away (Norvig's candidates), or None.

    >>> nearest_word("goverment")
    'government'
    """
    table = english_table()
    best = max(_edits1(word), key=lambda w: table.get(w, 0.0))
    return best if table.get(best, 0.0) >= 2.5 else None


def find_misspellings(tokens: Sequence[Token], text: str, stats: CorpusStats,
                      sentence_starts: frozenset[int] = frozenset(), skip: frozenset[int] = frozenset()) -> list[Flag]:
    """Flag lower-case word forms that neither wordfreq nor the corpus knows.

    Capitalised words are left alone unless they open a sentence: mid-sentence they
    are names, which no word list covers. Foreign words are left to [untranslated],
    glued pairs to [glued] (pass their starts in ``skip``).

    >>> from dedupe.artifacts.text import words
    >>> t = "The goverment met Zorblax in Smallville and agreed."
    >>> [f.text for f in find_misspellings(words(t), t, CorpusStats())]
    ['goverment']
    """
    table, foreign = english_table(), foreign_table()
    flags = []
    for t in tokens:
        z = table.get(t.lower, 0.0)
        if len(t.text) < 4 or z >= RARE_ZIPF or t.start in skip or "'" in t.text or "’" in t.text:
            continue
        if not (t.text.islower() or (t.start in sentence_starts and t.text[1:].islower())):
            continue
        if stats.is_name_or_term(t.lower) or t.lower in foreign:
            continue
        near = nearest_word(t.lower) if len(t.lower) <= 20 else None
        if z > 0:
            # a rare listed form is a misspelling only next to a far more frequent spelling
            if near is None or table[near] < z + 2.5:
                continue
            reason = f"'{t.text}' is a rare form of '{near}'"
        else:
            reason = f"'{t.text}' is not in the English word list"
            reason += f" (did it mean '{near}'?)" if near else ""
        flags.append(make_flag(text, t.start, t.end, "misspelling", 0.9 if near else 0.7, reason))
    return flags
