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

from . import lexicon
from .corpus import CorpusStats
from .lexicon import FUNCTION_WORDS, english_table, foreign_table
from .tablecache import disk_cached
from .text import Tokens, make_flag

_CAMEL = re.compile(r"(?<=[a-z]{2})(?=[A-Z][a-z])")
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


def rare_words(tk: Tokens, below: float) -> list[int]:
    """Indices of the words whose English Zipf is under ``below`` (0 for unknown forms).

    One C-level pass per text; the signals below then look only at these few.

    >>> rare_words(Tokens("the goverment met Zorblax"), 3.0)
    [1, 3]
    """
    return [i for i, z in enumerate(tk.zipfs()) if z < below]


def find_glued(tk: Tokens, stats: CorpusStats, candidates: Sequence[int] | None = None) -> list[Flag]:
    """Flag tokens that are two words with the space lost: "stockThe", "pricesfor".

    Why: scrapers and MT drop the space or line break between words or captions.
    A form the corpus vouches for (a brand such as "YouTube") is exempt.
    ``candidates`` are the indices of the unknown words, when already known.

    >>> t = Tokens("The priceThe shares rose on marketsat noon via YouTube.")
    >>> [f.text for f in find_glued(t, CorpusStats())]
    ['priceThe', 'marketsat']
    """
    table = english_table()
    flags = []
    for i in rare_words(tk, 1e-9) if candidates is None else candidates:
        word, low = tk.words[i], tk.lower[i]
        if len(word) < 5 or table.get(low, 0.0) > 0 or "'" in word or stats.is_name_or_term(low):
            continue
        camel = _CAMEL.split(word)
        if len(camel) == 2:
            a, b = camel
            if table.get(a.lower(), 0.0) >= 2.0 and _is_part(b.lower(), table):
                score = 0.95 if b.lower() in FUNCTION_WORDS else 0.8
                flags.append(make_flag(tk.text, tk.starts[i], tk.ends[i], "glued", score,
                                       f"'{a}' and '{b}' run together; '{word}' is not a known word"))
            continue
        if word.islower() and len(word) >= 6:
            parts = split_glued(low)
            if parts:
                flags.append(make_flag(tk.text, tk.starts[i], tk.ends[i], "glued", 0.8,
                                       f"'{parts[0]}' and '{parts[1]}' run together; '{word}' is not a known word"))
    return flags


#: A suggested spelling must be at least this frequent (Zipf).
NEAR_ZIPF = 2.5


def _deletes(word: str) -> list[str]:
    return [word[:i] + word[i + 1:] for i in range(len(word))]


@lru_cache(maxsize=1)
@disk_cached("deletions", sources=[__file__, lexicon.__file__], packages=["wordfreq"])
def deletion_index() -> dict[str, str]:
    """Frequent English words by each of their one-letter deletions, space-separated
    (built once, then read from the disk cache: :mod:`.tablecache`).

    >>> "government" in deletion_index()["goverment"].split()
    True
    """
    # SymSpell's trick: two words one edit apart share a one-letter deletion (or one
    # is a deletion of the other), so indexing the deletions of the frequent words
    # finds the candidates with a few look-ups instead of ~50 edits per letter
    index: dict[str, list[str]] = {}
    for w, z in english_table().items():
        if z >= NEAR_ZIPF and w.isalpha():
            for d in set(_deletes(w)):
                index.setdefault(d, []).append(w)
    # one string per deletion: a table of strings reads back from disk many times
    # faster than one of lists
    return {d: " ".join(words) for d, words in index.items()}


def _one_edit(a: str, b: str) -> bool:
    """True when ``b`` is one deletion, insertion, substitution or adjacent swap from ``a``."""
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        return a[i + 1:] == b[i + 1:] or (a[i:i + 2] == b[i:i + 2][::-1] and a[i + 2:] == b[i + 2:])
    return a[i + 1:] == b[i:] if len(a) > len(b) else a[i:] == b[i + 1:]


@lru_cache(maxsize=65536)
def nearest_word(word: str) -> str | None:
    """The most frequent known word one edit away (Norvig's candidates), or None.

    >>> nearest_word("goverment"), nearest_word("recieved"), nearest_word("zqxv")
    ('government', 'received', None)
    """
    table, index = english_table(), deletion_index()
    deletes = _deletes(word)
    candidates = {w for w in deletes if table.get(w, 0.0) >= NEAR_ZIPF}
    candidates.update(index.get(word, "").split())
    for d in deletes:
        candidates.update(w for w in index.get(d, "").split() if _one_edit(word, w))
    # equally frequent candidates ("year", "years") go to the first in sorted order: a
    # set's order changes from process to process, and the reason must not
    return max(sorted(candidates), key=table.__getitem__, default=None)


def find_misspellings(tk: Tokens, stats: CorpusStats, skip: frozenset[int] = frozenset(),
                      candidates: Sequence[int] | None = None) -> list[Flag]:
    """Flag lower-case word forms that neither wordfreq nor the corpus knows.

    Capitalised words are left alone unless they open a sentence: mid-sentence they
    are names, which no word list covers. Foreign words are left to [untranslated],
    glued pairs to [glued] (pass their starts in ``skip``). ``candidates`` are the
    indices of the words rarer than RARE_ZIPF, when already known.

    >>> t = Tokens("The goverment met Zorblax in Smallville and agreed.")
    >>> [f.text for f in find_misspellings(t, CorpusStats())]
    ['goverment']
    """
    table, foreign = english_table(), foreign_table()
    openers = tk.sentence_starts()
    flags = []
    for i in rare_words(tk, RARE_ZIPF) if candidates is None else candidates:
        word, low = tk.words[i], tk.lower[i]
        if len(word) < 4 or tk.starts[i] in skip or "'" in word or "’" in word:
            continue
        if not (word.islower() or (i in openers and word[1:].islower())):
            continue
        if stats.is_name_or_term(low) or low in foreign:
            continue
        z = table.get(low, 0.0)
        near = nearest_word(low) if len(low) <= 20 else None
        if z > 0:
            # a rare listed form is a misspelling only next to a far more frequent spelling
            if near is None or table[near] < z + 2.5:
                continue
            reason = f"'{word}' is a rare form of '{near}'"
        else:
            reason = f"'{word}' is not in the English word list"
            reason += f" (did it mean '{near}'?)" if near else ""
        flags.append(make_flag(tk.text, tk.starts[i], tk.ends[i], "misspelling", 0.9 if near else 0.7, reason))
    return flags
