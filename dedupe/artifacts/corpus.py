"""Corpus evidence about word forms: which are names, which recur across documents.

A word a word list does not know (an agency acronym, a surname) is a name or a term, not a
misspelling, when the corpus writes it capitalised or uses it in several
documents; a lower-cased "ankara" is suspicious when the corpus writes "Ankara".
A common word that is part of a name ("Road", "Commission") is judged where it
stands next to another capitalised word: there the corpus writes it capitalised.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from itertools import compress, count, repeat

from .text import Tokens

_POSSESSIVE = ("'s", "’s")


def case_flags(tk: Tokens) -> tuple[list[bool], list[bool]]:
    """Per word: capitalised (first letter upper, not all caps) and lower-case (first letter lower).

    >>> case_flags(Tokens("the Mayor met NATO"))
    ([False, True, False, False], [True, False, True, False])
    """
    caps = [w[0].isupper() and not w.isupper() for w in tk.words]
    low = [w[0].islower() for w in tk.words]
    return caps, low


def case_key(lower: str) -> str:
    """The form whose case is counted: a possessive counts as its name ("Dublin's" as "Dublin").

    >>> case_key("dublin's"), case_key("dublin’s"), case_key("its")
    ('dublin', 'dublin', 'its')
    """
    return lower[:-2] if lower.endswith(_POSSESSIVE) else lower


def case_keys(tk: Tokens) -> list[str]:
    """:func:`case_key` of every word (C-level passes; ``tk.lower`` itself when no word is possessive).

    >>> case_keys(Tokens("Dublin's port and Cork"))
    ['dublin', 'port', 'and', 'cork']
    """
    if "'" not in tk.text and "’" not in tk.text:
        return tk.lower
    keys = list(tk.lower)
    for i in compress(count(), map(str.endswith, keys, repeat(_POSSESSIVE))):
        keys[i] = keys[i][:-2]
    return keys


def mid_sentence(tk: Tokens, low: list[bool]) -> list[bool]:
    """Per word: True after its sentence's first word, outside title-case headlines.

    Why: a sentence's first word is capitalised whatever it is, and headlines
    capitalise common words; neither says anything about names.

    >>> mid_sentence(Tokens("Then Zorvia won. Big Win For Zorvia"), [True, False, True, False, False, False, False])
    [False, True, True, False, False, False, False]
    """
    mid = [False] * len(low)
    for i0, i1 in tk.ranges:
        n = i1 - i0
        if n >= 2 and not (n >= 3 and (n - sum(low[i0:i1])) * 2 > n):
            mid[i0 + 1:i1] = [True] * (n - 1)
    return mid


def joined(tk: Tokens) -> list[bool]:
    """Per adjacent word pair: True when only spaces separate them (one phrase, as a name's parts are).

    >>> joined(Tokens("Bank of Egypt, Cairo-based"))
    [True, True, False, False]
    """
    text = tk.text
    return list(map(str.isspace, map(text.__getitem__, map(slice, tk.ends, tk.starts[1:]))))


def name_context(up: list[bool], join: list[bool]) -> tuple[list[bool], list[bool]]:
    """Per word: whether a word marked in ``up`` (a capitalised one) is right before it / right after it.

    Only spaces may separate the two (``join``, from :func:`joined`), as between a name's parts.

    >>> t = Tokens("we met Bank of Egypt staff")
    >>> name_context([w[0].isupper() for w in t.words], joined(t))
    ([False, False, False, True, False, True], [False, True, False, True, False, False])
    """
    left = [False, *map(bool.__and__, up, join)]
    right = [*map(bool.__and__, up[1:], join), False]
    return left, right


@dataclass
class CorpusStats:
    """Per lower-cased form: documents containing it, mid-sentence capitalised and lower-case uses.

    Besides the form alone, its uses next to a capitalised word are counted (as a
    part of a name), and the pairs it forms there, so that a common word can be
    judged by what the corpus does in the same place.

    >>> st = CorpusStats(); st.add(Tokens("we met the Mayor and then the new mayor left"))
    >>> st.capitalised["mayor"], st.lowercase["mayor"]
    (1, 1)
    """

    doc_freq: Counter = field(default_factory=Counter)
    capitalised: Counter = field(default_factory=Counter)
    lowercase: Counter = field(default_factory=Counter)
    #: (previous word, word) pairs where the word is capitalised mid-sentence ("prime", "minister")
    capitalised_after: Counter = field(default_factory=Counter)
    #: capitalised mid-sentence uses next to another capitalised word ("Road" in "Carrow Road")
    in_name: Counter = field(default_factory=Counter)
    #: capitalised mid-sentence uses right after another capitalised word: a name's later part ("Authority")
    name_tail: Counter = field(default_factory=Counter)
    #: two capitalised mid-sentence words in a row ("carrow", "road" from "Carrow Road")
    name_pairs: Counter = field(default_factory=Counter)
    #: lower-case uses between two capitalised words ("manager" in "United manager Alex")
    lower_between: Counter = field(default_factory=Counter)
    #: (capitalised word, lower-case word) pairs ("associated", "press" from "Associated press")
    lower_after_name: Counter = field(default_factory=Counter)
    #: (lower-case word, capitalised word) pairs ("new", "york" from "new York")
    lower_before_name: Counter = field(default_factory=Counter)
    #: per capitalised word (sentence openers too: "Mr Smith said"), how often the next word is
    #: capitalised / lower-case mid-sentence ("mr" is followed by a capital, "united" often not)
    cap_follows: Counter = field(default_factory=Counter)
    low_follows: Counter = field(default_factory=Counter)
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
        mid = mid_sentence(tk, low)
        keys = case_keys(tk)
        cap_mid = list(map(bool.__and__, caps, mid))
        low_mid = list(map(bool.__and__, low, mid))
        self.capitalised.update(compress(keys, cap_mid))
        self.lowercase.update(compress(keys, low_mid))
        self.capitalised_after.update(compress(zip(tk.lower, tk.lower[1:]), cap_mid[1:]))
        # a name's parts, and a lower-case word right after, before or between capitalised ones
        up_mid = [m and w[0].isupper() for w, m in zip(tk.words, mid)]
        join = joined(tk)
        left, right = name_context(up_mid, join)
        self.in_name.update(compress(keys, map(bool.__and__, cap_mid, map(bool.__or__, left, right))))
        self.name_tail.update(compress(keys, map(bool.__and__, cap_mid, left)))
        # pairs are keyed by both words' case keys: "President Bush's" is the pair of "president bush"
        pairs = list(zip(keys, keys[1:]))
        self.name_pairs.update(compress(pairs, map(bool.__and__, cap_mid[1:], left[1:])))
        self.lower_after_name.update(compress(pairs, map(bool.__and__, low_mid[1:], left[1:])))
        self.lower_before_name.update(compress(pairs, map(bool.__and__, low_mid, right)))
        self.lower_between.update(compress(keys, map(bool.__and__, low_mid, map(bool.__and__, left, right))))
        # the word before each joined mid-sentence word, when that word before is capitalised
        after_cap = list(map(bool.__and__, caps[:-1], join))
        self.cap_follows.update(compress(tk.lower, map(bool.__and__, after_cap, cap_mid[1:])))
        self.low_follows.update(compress(tk.lower, map(bool.__and__, after_cap, low_mid[1:])))
        # "Bank of England": parts joined by "of" count as a pair (key: first, "of", last)
        for j in compress(range(1, len(keys) - 1), map("of".__eq__, tk.lower[1:-1])):
            a, b = j - 1, j + 1
            if mid[a] and join[a] and join[j]:
                key = (keys[a], "of", keys[b])
                if up_mid[a] and up_mid[b]:
                    self.name_pairs[key] += 1
                elif up_mid[a] and low_mid[b]:
                    self.lower_after_name[key] += 1
                elif low_mid[a] and up_mid[b]:
                    self.lower_before_name[key] += 1

    def merge(self, other: CorpusStats) -> None:
        """Add the counts of ``other`` (a share of the corpus counted elsewhere, e.g. in a worker).

        >>> a, b = CorpusStats(), CorpusStats(); a.add(Tokens("we met Zorvia")); b.add(Tokens("then Zorvia left"))
        >>> a.merge(b); a.capitalised["zorvia"], a.docs
        (2, 2)
        """
        for name in COUNTERS:
            getattr(self, name).update(getattr(other, name))
        self.docs += other.docs
        self.derived.clear()

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


#: The counters of :class:`CorpusStats` that :class:`CorpusView` sums.
COUNTERS = ("doc_freq", "capitalised", "lowercase", "capitalised_after", "in_name", "name_tail", "name_pairs",
            "lower_between", "lower_after_name", "lower_before_name", "cap_follows", "low_follows")


class CorpusView:
    """The fitted corpus plus one more document, for scoring a text that was not fitted.

    >>> base = CorpusStats(); base.add(Tokens("we met Zorvia"))
    >>> extra = CorpusStats(); extra.add(Tokens("then Zorvia left"))
    >>> CorpusView(base, extra).capitalised["zorvia"]
    2
    """

    def __init__(self, base: CorpusStats, extra: CorpusStats):
        for name in COUNTERS:
            setattr(self, name, _SummedCounts(getattr(base, name), getattr(extra, name)))
        self.derived: dict = {}  # nothing derived: the sums change with every text

    is_name_or_term = CorpusStats.is_name_or_term
