"""Corpus evidence about word forms: which are names, which recur across documents.

A word a word list does not know (an agency acronym, a surname) is a name or a term, not a
misspelling, when the corpus writes it capitalised or uses it in several
documents; a lower-cased "ankara" is suspicious when the corpus writes "Ankara".
A common word that is part of a name ("Road", "Commission") is judged where it
stands next to another capitalised word: there the corpus writes it capitalised.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from itertools import compress, count, repeat
from operator import itemgetter

import numpy as np

from .text import Tokens

_POSSESSIVE = ("'s", "’s")


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


#: The counters of :class:`CorpusStats`, each a Counter of lower-case forms or of tuples of them:
#:
#: * doc_freq: documents containing the form; capitalised / lowercase: its mid-sentence uses so;
#: * capitalised_after: (previous word, word) pairs where the word is capitalised mid-sentence ("prime", "minister");
#: * in_name: capitalised mid-sentence uses next to another capitalised word ("Road" in "Carrow Road");
#: * name_tail: capitalised mid-sentence uses right after another capitalised word: a name's later part ("Authority");
#: * name_pairs: two capitalised mid-sentence words in a row ("carrow", "road" from "Carrow Road");
#: * lower_between: lower-case uses between two capitalised words ("manager" in "United manager Alex");
#: * lower_after_name: (capitalised word, lower-case word) pairs ("associated", "press" from "Associated press");
#: * lower_before_name: (lower-case word, capitalised word) pairs ("new", "york" from "new York");
#: * cap_follows / low_follows: per capitalised word (sentence openers too: "Mr Smith said"), how often
#:   the next word is capitalised / lower-case mid-sentence ("mr" is followed by a capital, "united" often not).
#:
#: Name pairs joined by "of" are keyed (first, "of", last): "Bank of England".
COUNTERS = ("doc_freq", "capitalised", "lowercase", "capitalised_after", "in_name", "name_tail", "name_pairs",
            "lower_between", "lower_after_name", "lower_before_name", "cap_follows", "low_follows")


class CorpusStats:
    """Per lower-cased form: documents containing it, mid-sentence capitalised and lower-case uses.

    Besides the form alone, its uses next to a capitalised word are counted (as a
    part of a name), and the pairs it forms there, so that a common word can be
    judged by what the corpus does in the same place (the :data:`COUNTERS`).

    ``add`` only keeps a document's word ids, sentence ranges and which words
    only spaces separate; the counters are made on first read, for every
    document added since, in a few numpy passes over all their words. Why: one
    document at a time the same counting is dozens of Python-level passes over
    a few hundred words, the slowest part of fitting the scorer.

    >>> st = CorpusStats(); st.add(Tokens("we met the Mayor and then the new mayor left"))
    >>> st.capitalised["mayor"], st.lowercase["mayor"]
    (1, 1)
    """

    def __init__(self) -> None:
        self.docs = 0
        #: tables derived from the counts by the signals, dropped whenever a document is added
        self.derived: dict = {}
        # an unseen (cased) word form gets the next id on look-up: one C-level call per token
        self._forms: defaultdict[str, int] = defaultdict(count().__next__)
        self._pending: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # (form ids, joined, ranges) per document
        self._counted: dict[str, Counter] = {name: Counter() for name in COUNTERS}
        # lower-case forms (and case keys) by id, and their ids
        self._lower_id: defaultdict[str, int] = defaultdict(count().__next__)
        self._lower: list[str] = []
        # per form id: its lower-case form's id, its case key's id, and its case (_CAPITALISED | _LOWER | _UPPER)
        self._lower_of, self._key_of = np.empty(0, np.int64), np.empty(0, np.int64)
        self._case = np.empty(0, np.uint8)

    def __getattr__(self, name: str) -> Counter:
        # a counter is read: count what was added first (then it is a plain attribute until the next add)
        if name not in COUNTERS:
            raise AttributeError(name)
        self._flush()
        return self.__dict__[name]

    def add(self, tk: Tokens) -> None:
        """Count one tokenised document (counted when a counter is next read)."""
        self.docs += 1
        self.derived.clear()
        n = len(tk)
        if not n:
            return
        text = tk.text
        ids = np.fromiter(map(self._forms.__getitem__, tk.words), np.int32, n)
        join = np.fromiter(map(str.isspace, map(text.__getitem__, map(slice, tk.ends, tk.starts[1:]))), bool, n - 1)
        self._pending.append((ids, join, np.array(tk.ranges, np.int32).reshape(-1, 2)))
        for name in COUNTERS:
            self.__dict__.pop(name, None)

    def merge(self, other: CorpusStats) -> None:
        """Add the counts of ``other`` (a share of the corpus counted elsewhere, e.g. in a worker).

        >>> a, b = CorpusStats(), CorpusStats(); a.add(Tokens("we met Zorvia")); b.add(Tokens("then Zorvia left"))
        >>> a.merge(b); a.capitalised["zorvia"], a.docs
        (2, 2)
        """
        if other._pending:
            mapping = np.fromiter(map(self._forms.__getitem__, other._forms), np.int32, len(other._forms))
            self._pending += [(mapping[ids], join, ranges) for ids, join, ranges in other._pending]
            for name in COUNTERS:
                self.__dict__.pop(name, None)
        if any(other._counted.values()):
            self._flush()
            for name in COUNTERS:
                self._counted[name].update(other._counted[name])
        self.docs += other.docs
        self.derived.clear()

    def is_name_or_term(self, lower: str) -> bool:
        """True when the corpus vouches for a form: in two documents, or capitalised twice mid-sentence."""
        return self.doc_freq[lower] >= 2 or self.capitalised[lower] >= 2

    def _flush(self) -> None:
        """Count the documents added since the last read, all in one batch, into the counters."""
        if self._pending:
            self._count(self._pending)
            self._pending = []
        self.__dict__.update(self._counted)

    def _grow(self) -> None:
        # the case attributes of every form met since the last count (once per distinct form)
        forms = list(self._forms)[len(self._case):]
        lows = list(map(str.lower, forms))
        string_id = self._lower_id.__getitem__
        firsts = list(map(itemgetter(0), forms))
        upper = np.fromiter(map(str.isupper, firsts), bool, len(forms))
        all_caps = np.fromiter(map(str.isupper, forms), bool, len(forms))
        lower = np.fromiter(map(str.islower, firsts), bool, len(forms))
        case = (upper & ~all_caps) * _CAPITALISED | lower * _LOWER | upper * _UPPER
        self._lower_of = np.concatenate([self._lower_of, np.fromiter(map(string_id, lows), np.int64, len(forms))])
        self._key_of = np.concatenate([self._key_of, np.fromiter(map(string_id, map(case_key, lows)), np.int64, len(forms))])
        self._case = np.concatenate([self._case, case.astype(np.uint8)])
        self._lower = list(self._lower_id)

    def _count(self, docs: list[tuple[np.ndarray, np.ndarray, np.ndarray]]) -> None:
        # the documents' words end to end; the gap after each document's last word is
        # no join, so no pair, name or neighbour spans two documents
        self._grow()
        sizes = np.array([len(ids) for ids, _, _ in docs])
        first = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        ids = np.concatenate([ids for ids, _, _ in docs])
        join = np.concatenate([x for _, j, _ in docs for x in (j, _NO_JOIN)])
        lower, keys, case = self._lower_of[ids], self._key_of[ids], self._case[ids]
        caps, low, up = (case & _CAPITALISED) > 0, (case & _LOWER) > 0, (case & _UPPER) > 0
        mid = _mid_sentence(low, np.concatenate([r + f for (_, _, r), f in zip(docs, first.tolist())]))
        cap_mid, low_mid, up_mid = caps & mid, low & mid, up & mid
        # per word: a capitalised mid-sentence word right before it / right after it, only spaces between
        left, right = np.zeros(len(ids), bool), np.zeros(len(ids), bool)
        left[1:] = up_mid[:-1] & join[:-1]
        right[:-1] = up_mid[1:] & join[:-1]
        c = self._counted
        # a form in each document once
        doc = np.repeat(np.arange(len(docs)), sizes)
        width = np.int64(len(self._lower))
        self._add(c["doc_freq"], _distinct(doc * width + lower) % width)
        self._add(c["capitalised"], keys[cap_mid])
        self._add(c["lowercase"], keys[low_mid])
        self._add(c["in_name"], keys[cap_mid & (left | right)])
        self._add(c["name_tail"], keys[cap_mid & left])
        self._add(c["lower_between"], keys[low_mid & left & right])
        # pairs (word i, word i + 1), keyed by both words' case keys ("President Bush's" is "president bush")
        a, b = slice(None, -1), slice(1, None)
        self._add_pairs(c["capitalised_after"], lower[a], lower[b], cap_mid[b])
        self._add_pairs(c["name_pairs"], keys[a], keys[b], cap_mid[b] & left[b])
        self._add_pairs(c["lower_after_name"], keys[a], keys[b], low_mid[b] & left[b])
        self._add_pairs(c["lower_before_name"], keys[a], keys[b], low_mid[a] & right[a])
        # the word before each joined mid-sentence word, when that word before is capitalised
        after_cap = caps[a] & join[a]
        self._add(c["cap_follows"], lower[a][after_cap & cap_mid[b]])
        self._add(c["low_follows"], lower[a][after_cap & low_mid[b]])
        # "Bank of England": parts joined by "of" count as a pair (key: first, "of", last)
        of = self._lower_id.get("of")
        if of is not None and len(ids) > 2:
            j = np.flatnonzero(lower[1:-1] == of) + 1
            j = j[mid[j - 1] & join[j - 1] & join[j]]
            pa, pb = j - 1, j + 1
            names = up_mid[pa] & up_mid[pb]
            after = ~names & up_mid[pa] & low_mid[pb]
            before = ~names & ~after & low_mid[pa] & up_mid[pb]
            for name, where in (("name_pairs", names), ("lower_after_name", after), ("lower_before_name", before)):
                self._add_pairs(c[name], keys[pa], keys[pb], where, middle="of")

    def _add(self, counter: Counter, ids: np.ndarray) -> None:
        counts = np.bincount(ids)
        at = np.flatnonzero(counts)
        counter.update(dict(zip(map(self._lower.__getitem__, at.tolist()), counts[at].tolist())))

    def _add_pairs(self, counter: Counter, a: np.ndarray, b: np.ndarray, where: np.ndarray, middle: str = "") -> None:
        codes, counts = np.unique((a[where] << _SHIFT) | b[where], return_counts=True)
        words = self._lower.__getitem__
        firsts = map(words, (codes >> _SHIFT).tolist())
        seconds = map(words, (codes & _LOW).tolist())
        pairs = zip(firsts, repeat(middle), seconds) if middle else zip(firsts, seconds)
        counter.update(dict(zip(pairs, counts.tolist())))


_SHIFT, _LOW = np.int64(32), np.int64(0xFFFFFFFF)
#: A form's case bits: capitalised (upper first, not all caps), lower-case first, upper-case first.
_CAPITALISED, _LOWER, _UPPER = 1, 2, 4
#: The gap after a document's last word: it joins it to nothing.
_NO_JOIN = np.zeros(1, bool)


def _distinct(values: np.ndarray) -> np.ndarray:
    """The distinct values, sorted (a sort: ``np.unique`` without counts hashes, many times slower on millions).

    >>> _distinct(np.array([3, 1, 3, 2])).tolist()
    [1, 2, 3]
    """
    values = np.sort(values)
    return values[np.concatenate([[True], values[1:] != values[:-1]])]


def _mid_sentence(low: np.ndarray, ranges: np.ndarray) -> np.ndarray:
    """Per word: True after its sentence's first word, outside title-case headlines.

    Why: a sentence's first word is capitalised whatever it is, and headlines
    capitalise common words; neither says anything about names. ``low`` says
    which words are lower-case, ``ranges`` holds each sentence's word range.

    >>> _mid_sentence(np.array([1, 0, 1, 0, 0, 0, 0], bool), np.array([[0, 3], [3, 7]])).tolist()
    [False, True, True, False, False, False, False]
    """
    i0, i1 = ranges[:, 0], ranges[:, 1]
    n = i1 - i0
    lows = np.concatenate([[0], np.cumsum(low)])
    lowered = lows[i1] - lows[i0]
    keep = (n >= 2) & ~((n >= 3) & ((n - lowered) * 2 > n))
    # +1 at each kept sentence's second word, -1 after its last: the running sum marks the words between
    size = len(low) + 1
    edge = np.bincount(i0[keep] + 1, minlength=size) - np.bincount(i1[keep], minlength=size)
    return np.cumsum(edge[:-1]) > 0


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
        for name in COUNTERS:
            setattr(self, name, _SummedCounts(getattr(base, name), getattr(extra, name)))
        self.derived: dict = {}  # nothing derived: the sums change with every text

    is_name_or_term = CorpusStats.is_name_or_term
