"""Corpus evidence about word forms: which are names, which recur across documents.

A word a word list does not know (an agency acronym, a surname) is a name or a term, not a
misspelling, when the corpus writes it capitalised or uses it in several
documents; a lower-cased "ankara" is suspicious when the corpus writes "Ankara".
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from itertools import compress

from .text import Tokens


def case_flags(tk: Tokens) -> tuple[list[bool], list[bool]]:
    """Per word: capitalised (first letter upper, not all caps) and lower-case (first letter lower).

    >>> case_flags(Tokens("the Mayor met NATO"))
    ([False, True, False, False], [True, False, True, False])
    """
    caps = [w[0].isupper() and not w.isupper() for w in tk.words]
    low = [w[0].islower() for w in tk.words]
    return caps, low


def _mid_sentence(tk: Tokens, low: list[bool]) -> list[tuple[int, int]]:
    # Word ranges after each sentence's first word. Title-case headlines capitalise
    # common words; their case says nothing about names, so they are left out.
    out = []
    for i0, i1 in tk.ranges:
        n = i1 - i0
        if n >= 3 and (n - sum(low[i0:i1])) * 2 > n:
            continue
        if n >= 2:
            out.append((i0 + 1, i1))
    return out


@dataclass
class CorpusStats:
    """Per lower-cased form: documents containing it, mid-sentence capitalised and lower-case uses.

    >>> st = CorpusStats(); st.add(Tokens("we met the Mayor and then the new mayor left"))
    >>> st.capitalised["mayor"], st.lowercase["mayor"]
    (1, 1)
    """

    doc_freq: Counter = field(default_factory=Counter)
    capitalised: Counter = field(default_factory=Counter)
    lowercase: Counter = field(default_factory=Counter)
    #: (previous word, word) pairs where the word is capitalised mid-sentence ("prime", "minister")
    capitalised_after: Counter = field(default_factory=Counter)
    docs: int = 0
    #: tables derived from the counts by the signals, dropped whenever a document is added
    derived: dict = field(default_factory=dict, repr=False)

    def add(self, tk: Tokens) -> None:
        """Count one tokenised document."""
        self.docs += 1
        self.derived.clear()
        self.doc_freq.update(set(tk.lower))
        caps, low = case_flags(tk)
        # words that open a sentence or sit in a headline are masked out, then each
        # counter is updated once per document (C-level counting)
        mid = [False] * len(caps)
        for a, b in _mid_sentence(tk, low):
            mid[a:b] = [True] * (b - a)
        lower = tk.lower
        cap_mid = list(map(bool.__and__, caps, mid))
        self.capitalised.update(compress(lower, cap_mid))
        self.capitalised_after.update(compress(zip(lower, lower[1:]), cap_mid[1:]))
        self.lowercase.update(compress(lower, map(bool.__and__, low, mid)))

    def is_name_or_term(self, lower: str) -> bool:
        """True when the corpus vouches for a form: in two documents, or capitalised twice mid-sentence."""
        return self.doc_freq[lower] >= 2 or self.capitalised[lower] >= 2


class _SummedCounts:
    """Read-only sum of two counters, without copying the large one."""

    __slots__ = ("a", "b")

    def __init__(self, a: Counter, b: Counter):
        self.a, self.b = a, b

    def __getitem__(self, key: str) -> int:
        return self.a[key] + self.b[key]

    def __contains__(self, key: str) -> bool:
        return key in self.a or key in self.b


class CorpusView:
    """The fitted corpus plus one more document, for scoring a text that was not fitted.

    >>> base = CorpusStats(); base.add(Tokens("we met Zorvia"))
    >>> extra = CorpusStats(); extra.add(Tokens("then Zorvia left"))
    >>> CorpusView(base, extra).capitalised["zorvia"]
    2
    """

    def __init__(self, base: CorpusStats, extra: CorpusStats):
        self.doc_freq = _SummedCounts(base.doc_freq, extra.doc_freq)
        self.capitalised = _SummedCounts(base.capitalised, extra.capitalised)
        self.lowercase = _SummedCounts(base.lowercase, extra.lowercase)
        self.capitalised_after = _SummedCounts(base.capitalised_after, extra.capitalised_after)
        self.derived: dict = {}  # nothing derived: the sums change with every text

    is_name_or_term = CorpusStats.is_name_or_term
