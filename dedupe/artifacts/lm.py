"""[improbable]: word pairs a bigram model of the corpus (with a wordfreq background) does not expect.

Three count tests, none a threshold on a probability:

* pair: a pair of words that are each frequent, so that independence predicts
  the pair ``E`` times, yet never occurs elsewhere in the corpus ("new the");
* class: a content word next to a grammar word of a class (determiner,
  preposition, pronoun...) that the corpus never puts on that side of it,
  although the word is common enough to expect it ``E`` times ("minister the
  plan": this corpus writes "minister" a few hundred times, never before a
  determiner). Classes pool the grammar words, so the test has power for
  content words far rarer than the pair test needs;
* order: a pair never seen while its swap is common ("response in" where the
  corpus writes "in response" dozens of times): a word-order error.

Word-order errors and dropped or swapped grammar words make such pairs; a rare
content-word pair never does, because its ``E`` is small. A small corpus has
small ``E`` everywhere, so the signal stays silent rather than guessing.
Counts live in sorted numpy arrays keyed by word ids, so a document's pairs are
looked up in a few vectorised calls.
"""
from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from itertools import count

import numpy as np

from dedupe.types import Flag

from .lexicon import FUNCTION_CLASS, FUNCTION_CLASSES, english_table
from .text import Tokens, make_flag

#: Expected count under independence from which an unseen pair is flagged.
MIN_EXPECTED = 20.0
#: Expected count from which a content word never seen next to a grammar-word class is flagged.
MIN_CLASS_EXPECTED = 25.0
#: Uses of the swapped pair ("in response") from which an unseen pair ("response in") is a word-order error.
MIN_SWAPPED = 20
#: A pair seen at most this share of its expected count elsewhere is still improbable
#: (typos elsewhere in a large corpus make a few "of and" or "the in" of their own).
MAX_SEEN_SHARE = 0.02
#: Weight (in tokens) of the wordfreq background in each word's probability.
BACKGROUND_WEIGHT = 2000.0

_CLASSES = {name: k for k, name in enumerate(FUNCTION_CLASSES)}
_SHIFT = np.int64(32)


def _join(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a << _SHIFT) | b


class BigramModel:
    """Unigram, bigram and word-class neighbour counts over lower-cased words.

    >>> lm = BigramModel().fit([Tokens("the cat sat on the mat")])
    >>> lm.unigram("the"), lm.pair_count("the", "cat"), lm.pair_count("cat", "on")
    (2, 1, 0)
    """

    def __init__(self) -> None:
        # an unseen word gets the next id on look-up: one C-level call per token
        self.vocab: defaultdict[str, int] = defaultdict(count().__next__)
        self.total = 0
        self._pending: list[np.ndarray] = []
        self._pending_ids: list[np.ndarray] = []
        self._keys = np.empty(0, np.int64)
        self._counts = np.empty(0, np.int64)
        self._unigrams = np.empty(0, np.int64)
        self._p = np.empty(0)
        self._cls = np.empty(0, np.int64)
        self._followers = self._preceders = np.empty(0)
        self._class_keys = self._class_n = np.empty(0, np.int64)
        self._rate_after = self._rate_before = np.zeros(len(_CLASSES))

    # -- counting -------------------------------------------------------------
    def ids(self, tk: Tokens) -> np.ndarray:
        """Word ids of a tokenised text (new words get new ids, with zero counts)."""
        return np.fromiter(map(self.vocab.__getitem__, tk.lower), np.int64, len(tk))

    @staticmethod
    def pair_mask(tk: Tokens) -> np.ndarray:
        """Per adjacent word pair: True when both words are in one sentence."""
        mask = np.ones(max(len(tk) - 1, 0), bool)
        cut = [i0 - 1 for i0, _ in tk.ranges[1:] if 0 < i0 <= len(mask)]
        mask[cut] = False
        return mask

    def add(self, tk: Tokens) -> None:
        """Count one tokenised document."""
        ids = self.ids(tk)
        self._pending_ids.append(ids)
        self._pending.append(_join(ids[:-1], ids[1:])[self.pair_mask(tk)])
        self.total += len(ids)

    def fit(self, documents: Iterable[Tokens]) -> BigramModel:
        """Count every document."""
        for tk in documents:
            self.add(tk)
        return self

    def _ready(self) -> None:
        # merge what was added since the last look-up; np.unique on all pair codes is
        # linear-ish and runs once per fit
        if self._pending:
            keys = np.concatenate([np.repeat(self._keys, self._counts), *self._pending])
            self._keys, self._counts = np.unique(keys, return_counts=True)
            ids = np.concatenate(self._pending_ids)
            self._unigrams = np.bincount(ids, minlength=len(self.vocab)) + np.pad(
                self._unigrams, (0, max(len(self.vocab) - len(self._unigrams), 0)))
            self._pending, self._pending_ids = [], []
            self._p = np.empty(0)
            self._neighbours()
        if len(self._p) < len(self.vocab):
            self._grow()

    def _grow(self) -> None:
        # per-id probability and class, extended when scoring meets new words
        table = english_table()
        words = list(self.vocab)[len(self._p):]
        uni = np.zeros(len(words), np.int64)
        known = self._unigrams[len(self._p):len(self._p) + len(words)]
        uni[:len(known)] = known
        zipf = np.fromiter((table.get(w, 0.0) for w in words), float, len(words))
        background = np.where(zipf > 0, 10.0 ** (zipf - 9), 0.0)
        p = (uni + BACKGROUND_WEIGHT * background) / (self.total + BACKGROUND_WEIGHT)
        cls = np.fromiter((_CLASSES.get(FUNCTION_CLASS.get(w), -1) for w in words), np.int64, len(words))
        self._p = np.concatenate([self._p, p])
        self._cls = np.concatenate([self._cls, cls])
        zeros = np.zeros(max(len(self._p) - len(self._followers), 0))
        self._followers = np.concatenate([self._followers, zeros])
        self._preceders = np.concatenate([self._preceders, zeros])

    def _neighbours(self) -> None:
        # per word: how often each grammar-word class follows / precedes it
        n, k = len(self.vocab), len(_CLASSES)
        left, right = self._keys >> _SHIFT, self._keys & np.int64(0xFFFFFFFF)
        self._followers = np.bincount(left, weights=self._counts, minlength=n)
        self._preceders = np.bincount(right, weights=self._counts, minlength=n)
        self._p, self._cls = np.empty(0), np.empty(0, np.int64)
        self._grow()
        rc, lc = self._cls[right], self._cls[left]
        fo, pr = rc >= 0, lc >= 0
        codes = np.concatenate([_class_code(left[fo], rc[fo], True), _class_code(right[pr], lc[pr], False)])
        self._class_keys, self._class_n = _merge(codes, np.concatenate([self._counts[fo], self._counts[pr]]))
        pairs = max(int(self._counts.sum()), 1)
        self._rate_after = np.bincount(rc[fo], weights=self._counts[fo], minlength=k) / pairs
        self._rate_before = np.bincount(lc[pr], weights=self._counts[pr], minlength=k) / pairs

    # -- look-ups ---------------------------------------------------------------
    def pair_counts(self, codes: np.ndarray) -> np.ndarray:
        """Corpus counts of pair codes (``id_a << 32 | id_b``)."""
        self._ready()
        return _lookup(self._keys, self._counts, codes)

    def pair_counts_of(self, pairs: Sequence[tuple[str, str]]) -> list[int]:
        """How often the corpus has each word ``a`` right before word ``b`` (lower-case), in one look-up."""
        get = self.vocab.get
        codes = [(get(a) << 32) | get(b) if a in self.vocab and b in self.vocab else -1 for a, b in pairs]
        return self.pair_counts(np.array(codes, np.int64)).tolist()

    def pair_count(self, a: str, b: str) -> int:
        """How often the corpus has word ``a`` right before word ``b`` (lower-case)."""
        ia, ib = self.vocab.get(a), self.vocab.get(b)
        if ia is None or ib is None:
            return 0
        self._ready()
        code = (ia << 32) | ib
        at = int(self._keys.searchsorted(code))  # a scalar search: no arrays to build
        return int(self._counts[at]) if at < len(self._keys) and self._keys[at] == code else 0

    def unigram(self, word: str) -> int:
        """How often the corpus has ``word`` (lower-case)."""
        self._ready()
        i = self.vocab.get(word)
        return int(self._unigrams[i]) if i is not None and i < len(self._unigrams) else 0


def _class_code(word: np.ndarray, cls: np.ndarray, after: bool | np.ndarray) -> np.ndarray:
    # one key for "a word of class ``cls`` right after (or before) ``word``"
    return (word << _SHIFT) | (cls << np.int64(1)) | np.asarray(after, np.int64)


def _merge(keys: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    uniq, inverse = np.unique(keys, return_inverse=True)
    return uniq, np.bincount(inverse, weights=weights, minlength=len(uniq)).astype(np.int64)


def _lookup(keys: np.ndarray, counts: np.ndarray, codes: np.ndarray) -> np.ndarray:
    if not len(keys):
        return np.zeros(len(codes), np.int64)
    at = np.minimum(np.searchsorted(keys, codes), len(keys) - 1)
    return np.where(keys[at] == codes, counts[at], 0)


def find_improbable(tk: Tokens, model: BigramModel, *, fitted: bool = False,
                    min_expected: float = MIN_EXPECTED, min_class_expected: float = MIN_CLASS_EXPECTED) -> list[Flag]:
    """Flag adjacent word pairs the corpus (almost) never shows elsewhere although it expects them often.

    ``fitted`` says the document was part of the fit, so its own pairs are
    subtracted from the corpus counts.

    >>> lm = BigramModel().fit([Tokens("the new plan and the old plan of the city")] * 300)
    >>> [f.text for f in find_improbable(Tokens("the old plan of the new the city"), lm)]
    ['new the']
    """
    if len(tk) < 2:
        return []
    ids = model.ids(tk)
    model._ready()  # new words got ids
    a, b = ids[:-1], ids[1:]
    p, cls = model._p[ids], model._cls[ids]
    ca, cb = cls[:-1], cls[1:]
    after = (ca < 0) & (cb >= 0)  # a content word, then a grammar word
    before = (ca >= 0) & (cb < 0)  # a grammar word, then a content word
    e_pair = model.total * p[:-1] * p[1:]
    e_class = np.where(after, model._followers[a] * model._rate_after[np.maximum(cb, 0)],
                       np.where(before, model._preceders[b] * model._rate_before[np.maximum(ca, 0)], 0.0))
    n = len(a)
    # a pair can be flagged only inside a sentence, between lower-case words (the
    # first may open the sentence): names make legitimately unseen pairs
    lower = np.fromiter(map(str.islower, tk.words), bool, n + 1)
    opener = np.zeros(n + 1, bool)
    opener[[i0 for i0, i1 in tk.ranges if i1 > i0]] = True
    mask = model.pair_mask(tk)
    usable = mask & lower[1:] & (lower[:-1] | opener[:-1])
    u = np.flatnonzero(usable)
    both = np.concatenate([_join(a[u], b[u]), _join(b[u], a[u])])  # each pair, then the same pair swapped
    looked = model.pair_counts(both)
    if fitted:
        # the document's own pairs must not count as evidence for themselves
        looked -= _count_in(_join(a, b)[mask], both)
    seen_pair, seen_swapped = np.zeros(n, np.int64), np.zeros(n, np.int64)
    seen_pair[u], seen_swapped[u] = looked[:len(u)], looked[len(u):]
    # the class counts are looked up only where the corpus expects the class often
    at = np.flatnonzero(usable & (e_class >= min_class_expected))
    class_codes = np.where(after[at], _class_code(a[at], cb[at], True), _class_code(b[at], np.maximum(ca[at], 0), False))
    seen_class = np.full(n, np.iinfo(np.int64).max)
    seen_class[at] = _lookup(model._class_keys, model._class_n, class_codes)
    if fitted and len(at):
        fo, pr = mask & (cb >= 0), mask & (ca >= 0)
        own = np.concatenate([_class_code(a[fo], cb[fo], True), _class_code(b[pr], ca[pr], False)])
        seen_class[at] -= _count_in(own, class_codes)
    hit_pair = (e_pair >= min_expected) & (seen_pair <= MAX_SEEN_SHARE * e_pair)
    hit_class = (e_class >= min_class_expected) & (seen_class <= MAX_SEEN_SHARE * e_class)
    hit_order = (seen_pair <= 0) & (seen_swapped >= MIN_SWAPPED)
    hit = usable & (hit_pair | hit_class | hit_order)
    flags = []
    words, starts, ends, text = tk.words, tk.starts, tk.ends, tk.text
    for i in np.flatnonzero(hit).tolist():
        x, y = words[i], words[i + 1]
        if text[ends[i]:starts[i + 1]].strip():
            continue  # punctuation breaks the pair
        if text[ends[i + 1]:ends[i + 1] + 1] == "-" or text[starts[i] - 1:starts[i]] == "-":
            continue  # part of a compound ("the on-going", "have-nots"), not a word of the sentence
        if hit_pair[i]:
            e, seen = float(e_pair[i]), int(seen_pair[i])
            why = f"'{x} {y}' occurs {seen} times elsewhere in the corpus, though its words' frequencies predict it {e:.0f} times"
        elif hit_order[i]:
            e, seen = float(seen_swapped[i]), 0
            why = f"word order: the corpus writes '{y.lower()} {x.lower()}' {int(e)} times and never '{x} {y}'"
        else:
            e, seen = float(e_class[i]), int(seen_class[i])
            word, other, side = (x, y, "after") if after[i] else (y, x, "before")
            why = (f"the corpus has a {FUNCTION_CLASS[other.lower()]} word right {side} '{word}' {seen} times "
                   f"elsewhere, though the frequency of '{word}' predicts it {e:.0f} times")
        flags.append(make_flag(text, starts[i], ends[i + 1], "improbable", 1 - math.exp(-(e - seen) / 4), why))
    return flags


def _count_in(values: np.ndarray, queries: np.ndarray) -> np.ndarray:
    """How often each query occurs in ``values``."""
    values = np.sort(values)
    return np.searchsorted(values, queries, "right") - np.searchsorted(values, queries, "left")
