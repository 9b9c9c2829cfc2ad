"""Corpus evidence about word forms: which are names, which recur across documents.

A word a word list does not know (an agency acronym, a surname) is a name or a term, not a
misspelling, when the corpus writes it capitalised or uses it in several
documents; a lower-cased "ankara" is suspicious when the corpus writes "Ankara".
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from .text import Token


def _is_heading(tokens: list[Token]) -> bool:
    # Title-case headlines capitalise common words; their case says nothing about names.
    caps = sum(t.text[0].isupper() for t in tokens)
    return len(tokens) >= 3 and caps * 2 > len(tokens)


@dataclass
class CorpusStats:
    """Per lower-cased form: documents containing it, mid-sentence capitalised and lower-case uses.

    >>> from dedupe.artifacts.text import words
    >>> st = CorpusStats(); st.add([words("we met the Mayor and then the new mayor left")])
    >>> st.capitalised["mayor"], st.lowercase["mayor"]
    (1, 1)
    """

    doc_freq: Counter = field(default_factory=Counter)
    capitalised: Counter = field(default_factory=Counter)
    lowercase: Counter = field(default_factory=Counter)
    #: (previous word, word) pairs where the word is capitalised mid-sentence ("prime", "minister")
    capitalised_after: Counter = field(default_factory=Counter)
    docs: int = 0

    def add(self, sentence_tokens: list[list[Token]]) -> None:
        """Count one document, given its sentences' tokens."""
        self.docs += 1
        seen = set()
        for toks in sentence_tokens:
            heading = _is_heading(toks)
            for i, t in enumerate(toks):
                seen.add(t.lower)
                if i == 0 or heading:
                    continue
                first = t.text[0]
                if first.isupper() and not t.text.isupper():
                    self.capitalised[t.lower] += 1
                    self.capitalised_after[toks[i - 1].lower, t.lower] += 1
                elif first.islower():
                    self.lowercase[t.lower] += 1
        self.doc_freq.update(seen)

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


class CorpusView:
    """The fitted corpus plus one more document, for scoring a text that was not fitted.

    >>> from dedupe.artifacts.text import words
    >>> base = CorpusStats(); base.add([words("we met Zorvia")])
    >>> extra = CorpusStats(); extra.add([words("then Zorvia left")])
    >>> CorpusView(base, extra).capitalised["zorvia"]
    2
    """

    def __init__(self, base: CorpusStats, extra: CorpusStats):
        self.doc_freq = _SummedCounts(base.doc_freq, extra.doc_freq)
        self.capitalised = _SummedCounts(base.capitalised, extra.capitalised)
        self.lowercase = _SummedCounts(base.lowercase, extra.lowercase)
        self.capitalised_after = _SummedCounts(base.capitalised_after, extra.capitalised_after)

    is_name_or_term = CorpusStats.is_name_or_term
