"""[improbable]: word pairs that a bigram model of the corpus, or a background bigram list, does not expect.

Four tests, none a threshold on a probability:

* pair: a pair of words that are each frequent, so that independence predicts
  the pair ``E`` times, yet never occurs elsewhere in the corpus ("new the");
* class: a content word next to a grammar word of a class (determiner,
  preposition, pronoun...) that the corpus never puts on that side of it,
  although the word is common enough to expect it ``E`` times ("minister the
  plan": this corpus writes "minister" a few hundred times, never before a
  determiner). Classes pool the grammar words, so the test has power for
  content words far rarer than the pair test needs;
* word order: how much likelier the sentence is with a pair's two words
  swapped ("the Europhiles for pray" against "pray for"). A swap changes three
  pairs, the pair and the two beside it, and keeps the words, so the odds are
  the summed association of the new pairs less that of the old: no unigram
  term, no threshold on any one pair. A pair's association is its count over
  the count independence predicts; the count is the background's (symspellpy's
  Google Books word pairs, :mod:`.background`) plus this corpus's, and for a
  pair neither has seen (most pairs with a content word: the background lists
  only pairs used 6.4M+ times), independence times how often the corpus puts
  the two words' classes side by side (a grammar word is a class of its own,
  other words share their part-of-speech tag set, :mod:`.wordclass`: "to" is
  seldom followed by any JJ|VBD word, however rare "advised" is);
* background: for pairs with a grammar word, how much likelier the swapped
  pair, or the pair under independence, is than the pair itself, in the
  background plus this corpus, summed with the pairs on either side (a lost
  grammar word leaves several such pairs in a row: "rose the new the plan").

Both background tests give power even to a one-document corpus; the corpus
vouches for its own domain pairs. A small corpus has small ``E`` everywhere, so
the pair and class tests stay silent rather than guessing.
Counts live in numpy arrays keyed by word ids (sorted, and hashed for look-ups:
:class:`.background.HashedCounts`), so a document's pairs are looked up in a few
vectorised calls.
"""
from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from itertools import accumulate, chain, count
from typing import NamedTuple

import numpy as np

from dedupe.errors import ConfigError, DedupeError
from dedupe.types import Flag

from .background import HashedCounts, background
from .lexicon import FUNCTION_CLASS, FUNCTION_CLASSES, english_table
from .text import Tokens, make_flag
from .wordclass import word_classes

#: Expected count under independence from which an unseen pair is flagged.
MIN_EXPECTED = 30.0
#: Expected count from which a content word never seen next to a grammar-word class is flagged.
MIN_CLASS_EXPECTED = 25.0
#: A pair seen at most this share of its expected count elsewhere is still improbable
#: (typos elsewhere in a large corpus make a few "of and" or "the in" of their own).
MAX_SEEN_SHARE = 0.02
#: Weight (in tokens) of the wordfreq background in each word's probability.
BACKGROUND_WEIGHT = 2000.0
#: A pair missing from the background list is counted at this share of the list's
#: cut-off: its true count is anywhere below the cut-off.
MISSING_SHARE = 0.3
#: A corpus use of a pair weighs this many times its share of the corpus, in
#: background counts: the scanned text is the register being checked.
CORPUS_WEIGHT = 3.0
#: Summed log-odds (nats) of a pair and its neighbours from which the background test flags it.
MIN_BACKGROUND_ODDS = 6.5
#: Highest score of a background flag (0.5 at MIN_BACKGROUND_ODDS): it says a phrase is
#: odd, not what went wrong.
BACKGROUND_SCORE = 0.7

#: Summed log-odds (nats) from which a pair and its neighbours read as the two words
#: swapped: how much likelier the sentence is with them the other way round.
MIN_REORDER_ODDS = 6.25
#: Pairs' worth of weight the word classes' association has in a word's own affinity
#: for a grammar-word class (:func:`_word_affinity`).
AFFINITY_PRIOR = 1.0
#: Highest score of a word-order flag, as for the background test (0.5 at MIN_REORDER_ODDS).
REORDER_SCORE = 0.7

#: What a word-order swap is weighed against where it cuts off a neighbour: the full
#: stop (. ! ?) after a word, a comma after it, a comma before it, the sentence's start.
MARKS = ("end", "before_comma", "after_comma", "start")
#: Pseudo-count of the corpus-wide share of a mark in each word's own share: a word
#: seen a few times has no share of its own to speak of.
MARK_PRIOR = 10.0

_CLASSES = {name: k for k, name in enumerate(FUNCTION_CLASSES)}
_COMMA = re.compile(",")
_SHIFT = np.int64(32)
_LOW = np.int64(0xFFFFFFFF)


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
        # per mark (MARKS), the ids of the words beside it, per document
        self._pending_marks: dict[str, list[np.ndarray]] = {m: [] for m in MARKS}
        self._keys = np.empty(0, np.int64)
        self._counts = np.empty(0, np.int64)
        self._table = HashedCounts(self._keys, self._counts)  # the same counts, hashed for look-ups
        self._unigrams = np.empty(0, np.int64)
        self._marks = {m: np.empty(0, np.int64) for m in MARKS}  # per mark, per word id: how often beside it
        self._mark_rate = dict.fromkeys(MARKS, 0.0)  # per mark: its count over the corpus's words
        self._p = np.empty(0)
        self._cls = np.empty(0, np.int64)
        self._bg = np.empty(0, np.int64)  # background word id per word id, -1 when unlisted
        self._followers = self._preceders = np.empty(0)
        self._class_table = HashedCounts(np.empty(0, np.int64), np.empty(0, np.int64))  # "class beside word" codes
        self._rate_after = self._rate_before = np.zeros(len(_CLASSES))
        self._wc = np.empty(0, np.int64)  # word class per word id (a grammar word is its own), -1 when unknown
        self._wc_n = np.zeros(0)  # per class pair (class_pair_codes): its count
        self._wc_left = self._wc_right = np.zeros(0)  # per class: pairs it opens, pairs it closes
        self._wc_pairs = 1

    # -- counting -------------------------------------------------------------
    def ids(self, tk: Tokens) -> np.ndarray:
        """Word ids of a tokenised text (new words get new ids, with zero counts)."""
        return np.fromiter(map(self.vocab.__getitem__, tk.lower), np.int64, len(tk))

    @staticmethod
    def pair_mask(tk: Tokens) -> np.ndarray:
        """Per adjacent word pair: True when both words are in one sentence."""
        return _pair_masks([tk], [0, len(tk) + 1])[:-1]  # a batch of one, without its closing gap

    def add(self, tk: Tokens) -> None:
        """Count one tokenised document."""
        ids = self.ids(tk)
        self._pending_ids.append(ids)
        self._pending.append(_join(ids[:-1], ids[1:])[self.pair_mask(tk)])
        for mark, at in marks(tk).items():
            self._pending_marks[mark].append(ids[at])
        self.total += len(ids)

    def fit(self, documents: Iterable[Tokens]) -> BigramModel:
        """Count every document."""
        for tk in documents:
            self.add(tk)
        return self

    def merge(self, other: BigramModel) -> None:
        """Add the counts of ``other``, a model that has counted other documents (e.g. in a
        worker) and answered no look-up yet.

        Its word ids are mapped to this model's, new words numbered in the order
        ``other`` met them: shares merged in corpus order give every word the id
        that one model counting the whole corpus gives it.

        >>> a, b = BigramModel().fit([Tokens("the cat sat")]), BigramModel().fit([Tokens("a cat sat down")])
        >>> a.merge(b); a.pair_count("cat", "sat"), a.unigram("down"), a.vocab["down"]
        (2, 1, 4)
        """
        if len(other._keys):
            raise DedupeError("merge() takes a model that has only counted documents, not one already looked up")
        if not other._pending_ids:
            return
        mapping = np.fromiter(map(self.vocab.__getitem__, other.vocab), np.int64, len(other.vocab))
        pairs = np.concatenate(other._pending)
        self._pending_ids.append(mapping[np.concatenate(other._pending_ids)])
        for mark, found in other._pending_marks.items():
            self._pending_marks[mark].append(mapping[np.concatenate([np.empty(0, np.int64), *found])])
        self._pending.append(_join(mapping[pairs >> _SHIFT], mapping[pairs & np.int64(0xFFFFFFFF)]))
        self.total += other.total

    def ready(self) -> None:
        """Merge what was added since the last look-up (``np.unique`` on all pair codes:
        once per fit), and give the words met since then their probabilities."""
        if self._pending:
            keys = np.concatenate([np.repeat(self._keys, self._counts), *self._pending])
            self._keys, self._counts = np.unique(keys, return_counts=True)
            self._table = HashedCounts(self._keys, self._counts)
            ids = np.concatenate(self._pending_ids)
            self._unigrams = np.bincount(ids, minlength=len(self.vocab)) + np.pad(
                self._unigrams, (0, max(len(self.vocab) - len(self._unigrams), 0)))
            for mark, found in self._pending_marks.items():
                old = self._marks[mark]
                self._marks[mark] = np.bincount(np.concatenate([np.empty(0, np.int64), *found]),
                                                minlength=len(self.vocab)) + np.pad(old, (0, len(self.vocab) - len(old)))
                self._mark_rate[mark] = self._marks[mark].sum() / max(self.total, 1)
            self._pending, self._pending_ids = [], []
            self._pending_marks = {m: [] for m in MARKS}
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
        prior = np.where(zipf > 0, 10.0 ** (zipf - 9), 0.0)
        p = (uni + BACKGROUND_WEIGHT * prior) / (self.total + BACKGROUND_WEIGHT)
        cls = np.fromiter((_CLASSES.get(FUNCTION_CLASS.get(w), -1) for w in words), np.int64, len(words))
        bg = background().ids.get
        wc = _word_class_ids().get
        self._p = np.concatenate([self._p, p])
        self._cls = np.concatenate([self._cls, cls])
        self._wc = np.concatenate([self._wc, np.fromiter((wc(w, -1) for w in words), np.int64, len(words))])
        self._bg = np.concatenate([self._bg, np.fromiter((bg(w, -1) for w in words), np.int64, len(words))])
        zeros = np.zeros(max(len(self._p) - len(self._followers), 0))
        self._followers = np.concatenate([self._followers, zeros])
        self._preceders = np.concatenate([self._preceders, zeros])

    def _neighbours(self) -> None:
        # per word: how often each grammar-word class follows / precedes it
        n, k = len(self.vocab), len(_CLASSES)
        left, right = self._keys >> _SHIFT, self._keys & np.int64(0xFFFFFFFF)
        self._followers = np.bincount(left, weights=self._counts, minlength=n)
        self._preceders = np.bincount(right, weights=self._counts, minlength=n)
        self._p, self._cls, self._bg = np.empty(0), np.empty(0, np.int64), np.empty(0, np.int64)
        self._wc = np.empty(0, np.int64)
        self._grow()
        self._word_class_pairs(left, right)
        rc, lc = self._cls[right], self._cls[left]
        fo, pr = rc >= 0, lc >= 0
        codes = np.concatenate([_class_code(left[fo], rc[fo], True), _class_code(right[pr], lc[pr], False)])
        self._class_table = HashedCounts(*_merge(codes, np.concatenate([self._counts[fo], self._counts[pr]])))
        pairs = max(int(self._counts.sum()), 1)
        self._rate_after = np.bincount(rc[fo], weights=self._counts[fo], minlength=k) / pairs
        self._rate_before = np.bincount(lc[pr], weights=self._counts[pr], minlength=k) / pairs

    def _word_class_pairs(self, left: np.ndarray, right: np.ndarray) -> None:
        # how often each word class follows each other one (grammar words are classes of their own)
        wl, wr = self._wc[left], self._wc[right]
        known = (wl >= 0) & (wr >= 0)
        weights = self._counts[known]
        n = _class_count()
        # a dense table: a few hundred classes, so a look-up is an index, not a search
        self._wc_n = np.bincount(wl[known] * n + wr[known], weights=weights, minlength=n * n)
        self._wc_left = np.bincount(wl[known], weights=weights, minlength=n)
        self._wc_right = np.bincount(wr[known], weights=weights, minlength=n)
        self._wc_pairs = max(int(weights.sum()), 1)

    def class_pair_codes(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Per pair of word ids, a small code for the pair of their classes (-1 where a class is unknown)."""
        ka, kb = self._wc[a], self._wc[b]
        return np.where((ka >= 0) & (kb >= 0), ka * _class_count() + kb, -1)

    def class_association(self, a: np.ndarray, b: np.ndarray, own: np.ndarray) -> np.ndarray:
        """Per pair of word ids: how much more often the corpus puts a word of ``a``'s class
        before one of ``b``'s than independence predicts, smoothed (1 where a class is unknown).

        ``own`` is how often the class pair occurs in the tested document itself,
        which is no evidence for it.
        """
        ka, kb = self._wc[a], self._wc[b]
        known = (ka >= 0) & (kb >= 0)
        seen = self._wc_n[np.maximum(ka, 0) * _class_count() + np.maximum(kb, 0)] - own
        expected = self._wc_left[np.maximum(ka, 0)] * self._wc_right[np.maximum(kb, 0)] / self._wc_pairs
        return np.where(known, (np.maximum(seen, 0) + 1.0) / (expected + 1.0), 1.0)

    # -- look-ups ---------------------------------------------------------------
    def mark_share(self, mark: str, ids: np.ndarray, own: np.ndarray | int = 0) -> np.ndarray:
        """Per word id, the share of its uses beside ``mark`` (one of MARKS), smoothed
        towards the corpus's share (MARK_PRIOR uses); ``own`` uses (the tested document's) left out.

        >>> lm = BigramModel().fit([Tokens("He said it. It is late.")])
        >>> lm.mark_share("end", np.array([lm.vocab["late"], lm.vocab["he"]])).round(2).tolist()
        [0.39, 0.3]
        """
        self.ready()
        counts, base = self._marks[mark], self._mark_rate[mark]
        known = ids < len(counts)
        at = np.where(known, ids, 0)
        beside = np.where(known, counts[at] if len(counts) else 0, 0) - own
        uses = np.where(known, self._unigrams[at] if len(self._unigrams) else 0, 0) - own
        return (beside + MARK_PRIOR * base) / (uses + MARK_PRIOR)

    def pair_counts(self, codes: np.ndarray) -> np.ndarray:
        """Corpus counts of pair codes (``id_a << 32 | id_b``)."""
        self.ready()
        return self._table.get(codes)

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
        self.ready()
        code = (ia << 32) | ib
        at = int(self._keys.searchsorted(code))  # a scalar search: no arrays to build
        return int(self._counts[at]) if at < len(self._keys) and self._keys[at] == code else 0

    def unigram(self, word: str) -> int:
        """How often the corpus has ``word`` (lower-case)."""
        self.ready()
        i = self.vocab.get(word)
        return int(self._unigrams[i]) if i is not None and i < len(self._unigrams) else 0


@lru_cache(maxsize=1)
def _word_class_ids() -> dict[str, int]:
    """Word -> word-class id: each grammar word is a class of its own, other words share
    their part-of-speech tag set (:func:`.wordclass.word_classes`)."""
    tags, names = word_classes(), _class_names()
    return {**{w: names[t] for w, t in tags.items()}, **{w: names[w] for w in FUNCTION_CLASS}}


@lru_cache(maxsize=1)
def _class_names() -> dict[str, int]:
    """Word-class name (a grammar word, or a tag set such as ``"JJ|VBD"``) -> its id."""
    return {name: k for k, name in enumerate([*FUNCTION_CLASS, *sorted(set(word_classes().values()))])}


def _adverb_class() -> int:
    """The word class of the words whose only reading is an adverb ("recently", "soon").

    >>> _word_class_ids()["recently"] == _adverb_class()
    True
    """
    return _class_names().get("RB", -2)


@lru_cache(maxsize=1)
def _class_count() -> int:
    return max(_word_class_ids().values()) + 1


def _class_code(word: np.ndarray, cls: np.ndarray, after: bool | np.ndarray) -> np.ndarray:
    # one key for "a word of class ``cls`` right after (or before) ``word``"
    return (word << _SHIFT) | (cls << np.int64(1)) | np.asarray(after, np.int64)


def _merge(keys: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    uniq, inverse = np.unique(keys, return_inverse=True)
    return uniq, np.bincount(inverse, weights=weights, minlength=len(uniq)).astype(np.int64)


def find_improbable(tk: Tokens, model: BigramModel, *, fitted: bool = False,
                    min_expected: float = MIN_EXPECTED, min_class_expected: float = MIN_CLASS_EXPECTED,
                    min_background_odds: float = MIN_BACKGROUND_ODDS,
                    min_reorder_odds: float = MIN_REORDER_ODDS) -> list[Flag]:
    """Flag adjacent word pairs that the corpus, or the background with the corpus, does not expect.

    ``fitted`` says the document was part of the fit, so its own pairs are
    subtracted from the corpus counts. The corpus tests need a large corpus;
    the background test works on one document alone:

    >>> lm = BigramModel().fit([Tokens("the new plan and the old plan of the city")] * 300)
    >>> [f.text for f in find_improbable(Tokens("the old plan of the new the city"), lm)]
    ['new the']
    >>> one = Tokens("She said the talks would go on, and not the of week.")
    >>> [f.text for f in find_improbable(one, BigramModel().fit([one]), fitted=True)]
    ['the of']
    """
    return find_improbable_many([tk], model, fitted=[fitted], min_expected=min_expected,
                                min_class_expected=min_class_expected, min_background_odds=min_background_odds,
                                min_reorder_odds=min_reorder_odds)[0]


#: The empty slot after each document's words in a batch (any valid id: its pairs are masked out).
_GAP = np.zeros(1, np.int64)


def find_improbable_many(tks: Sequence[Tokens], model: BigramModel, *, fitted: Sequence[bool],
                         min_expected: float = MIN_EXPECTED, min_class_expected: float = MIN_CLASS_EXPECTED,
                         min_background_odds: float = MIN_BACKGROUND_ODDS,
                         min_reorder_odds: float = MIN_REORDER_ODDS) -> list[list[Flag]]:
    """:func:`find_improbable` of every document of ``tks`` (``fitted`` per document), in one pass.

    Why: a document has a few hundred pairs, so tested alone it costs dozens of
    numpy calls on tiny arrays, whose overhead outweighs the work; a batch makes
    them the same calls on large arrays, and its queries reach the sorted count
    tables in order. Each document's words are followed by an empty slot whose
    pairs are masked out, so no pair spans two documents and the flags are those
    of the documents tested one by one.

    >>> lm = BigramModel().fit([Tokens("the new plan and the old plan of the city")] * 300)
    >>> docs = [Tokens("the old plan of the new the city"), Tokens("the new plan"), Tokens("")]
    >>> [[f.text for f in flags] for flags in find_improbable_many(docs, lm, fitted=[False] * 3)]
    [['new the'], [], []]
    """
    for name, value in (("min_expected", min_expected), ("min_class_expected", min_class_expected),
                        ("min_background_odds", min_background_odds), ("min_reorder_odds", min_reorder_odds)):
        if not isinstance(value, (int, float)) or value <= 0:
            raise ConfigError(f"{name}={value!r} must be a number > 0 (the defaults are "
                              f"{MIN_EXPECTED}, {MIN_CLASS_EXPECTED}, {MIN_BACKGROUND_ODDS} and {MIN_REORDER_ODDS})")
    if isinstance(fitted, bool) or len(fitted) != len(tks):
        raise ConfigError(f"fitted= must hold one bool per document ({len(tks)}), e.g. fitted=[True] * len(tks)")
    out: list[list[Flag]] = [[] for _ in tks]
    if all(len(tk) < 2 for tk in tks):
        return out
    sizes = [len(tk) for tk in tks]
    first = [0, *accumulate(s + 1 for s in sizes)]  # each document's first word (and first pair)
    ids = np.concatenate([x for tk in tks for x in (model.ids(tk), _GAP)])
    model.ready()  # new words got ids
    a, b = ids[:-1], ids[1:]
    n = len(a)
    doc = np.repeat(np.arange(len(tks)), np.array(sizes) + 1)[:n]  # the document of each pair
    p, cls = model._p[ids], model._cls[ids]
    ca, cb = cls[:-1], cls[1:]
    after = (ca < 0) & (cb >= 0)  # a content word, then a grammar word
    before = (ca >= 0) & (cb < 0)  # a grammar word, then a content word
    e_pair = model.total * p[:-1] * p[1:]
    e_class = np.where(after, model._followers[a] * model._rate_after[np.maximum(cb, 0)],
                       np.where(before, model._preceders[b] * model._rate_before[np.maximum(ca, 0)], 0.0))
    # a pair can be flagged only inside a sentence, between lower-case words (the
    # first may open the sentence): names make legitimately unseen pairs
    lower = np.fromiter(chain.from_iterable(chain(map(str.islower, tk.words), (False,)) for tk in tks), bool, n + 1)
    opener = np.zeros(n + 1, bool)
    opener[[f + i0 for f, tk in zip(first, tks) for i0, i1 in tk.ranges if i1 > i0]] = True
    mask = _pair_masks(tks, first)
    usable = mask & lower[1:] & (lower[:-1] | opener[:-1])
    # the pairs of fitted documents: their own uses must not count as evidence for themselves
    own = _own_counts(model, a, b, doc, mask & np.array(fitted, bool)[doc], len(tks))
    u = np.flatnonzero(usable)
    both = np.concatenate([_join(a[u], b[u]), _join(b[u], a[u])])  # each pair, then the same pair swapped
    looked = model.pair_counts(both) - own.pairs(np.concatenate([doc[u], doc[u]]), both)
    seen_pair, seen_swapped = np.zeros(n, np.int64), np.zeros(n, np.int64)
    seen_pair[u], seen_swapped[u] = looked[:len(u)], looked[len(u):]
    # the class counts are looked up only where the corpus expects the class often
    at = np.flatnonzero(usable & (e_class >= min_class_expected))
    class_codes = np.where(after[at], _class_code(a[at], cb[at], True), _class_code(b[at], np.maximum(ca[at], 0), False))
    seen_class = np.full(n, np.iinfo(np.int64).max)
    seen_class[at] = model._class_table.get(class_codes) - own.classes(doc[at], class_codes)
    hit_pair = (e_pair >= min_expected) & (seen_pair <= MAX_SEEN_SHARE * e_pair)
    hit_class = (e_class >= min_class_expected) & (seen_class <= MAX_SEEN_SHARE * e_class)
    grammar = usable & ((ca >= 0) | (cb >= 0))
    odds, swap_odds = _background_odds(model, a, b, seen_pair, seen_swapped, grammar)
    window = _window(odds)
    # a comma or a compound between two words: the background's pair is not this one
    # (checked only around candidates: a string test per pair would double the cost)
    near = np.flatnonzero(window >= min_background_odds)
    for i in np.unique(np.concatenate([near - 1, near, near + 1]).clip(0, n - 1)).tolist():
        if odds[i] and not _adjacent(tks[doc[i]], i - first[doc[i]]):
            odds[i] = 0.0
    window = _window(odds)
    # the oddest pair of a run is the one to show; its neighbours lent it their evidence
    peak = odds > 0
    peak[:-1] &= odds[:-1] >= odds[1:]
    peak[1:] &= odds[1:] >= odds[:-1]
    hit_background = peak & (window >= min_background_odds)
    # two grammar words swap in honest English ("is there", "so do we"): a word-order
    # error is judged where a grammar word meets a content word
    # a name next to the pair still tells which order reads better ("Mr Fogarty in said")
    reorder = _reorder_odds(model, ids, doc, usable, mask, grammar, seen_pair, seen_swapped, own)
    reorder, opens, closes = _marked(model, reorder, tks, first, ids, np.array(fitted, np.int64)[doc])
    reorder = _checked_reorder(reorder, tks, doc, first, n, min_reorder_odds, opens, closes)
    # two grammar words swap in honest English ("is there", "so do we"), and so does a
    # grammar word with an adverb ("had recently", "recently had"): a word-order error
    # is flagged where a grammar word meets another content word (the pair still stands
    # for its run: its neighbours are not flagged in its place)
    adverb = model._wc[ids] == _adverb_class()
    movable = np.where(ca >= 0, adverb[1:], adverb[:-1])
    hit_reorder = (reorder >= min_reorder_odds) & ((ca >= 0) != (cb >= 0)) & ~movable
    hit = usable & (hit_pair | hit_class | hit_background | hit_reorder)
    for i in np.flatnonzero(hit).tolist():
        k = int(doc[i])
        tk, j = tks[k], i - first[k]
        inside = _adjacent(tk, j)
        if not (inside or (hit_reorder[i] and _cut_compound(tk, j))):
            continue
        x, y = tk.words[j], tk.words[j + 1]
        span = (tk.text, tk.starts[j], tk.ends[j + 1], "improbable")
        if hit_reorder[i] and not (inside and (hit_pair[i] or hit_class[i])):
            e = float(reorder[i])
            edge = ", and how often each word stands by a comma or a sentence's edge"
            why = (f"word order: '{x} {y}' with its neighbours is {math.exp(e):.0f} times likelier as "
                   f"'{y.lower()} {x.lower()}' (Google Books word pairs, this corpus, and how often "
                   f"their word classes meet{edge if opens[i] or closes[i + 1] else ''})")
            out[k].append(make_flag(*span, 0.5 + (REORDER_SCORE - 0.5) * (1 - min_reorder_odds / e), why))
            continue
        if hit_background[i] and not (hit_pair[i] or hit_class[i]):
            e = float(window[i])
            ratio = math.exp(odds[i])
            why = (f"word order: '{y.lower()} {x.lower()}' is {ratio:.0f} times as common as '{x} {y}'"
                   if swap_odds[i] >= odds[i] else
                   f"'{x} {y}' is {ratio:.0f} times rarer than its words' frequencies predict")
            why += (f" in Google Books word pairs and this corpus; with the pairs beside it, "
                    f"{math.exp(e):.0f} times")
            # at most BACKGROUND_SCORE: a signal that names the error ("the of": a dropped word) wins the overlap
            out[k].append(make_flag(*span, 0.5 + (BACKGROUND_SCORE - 0.5) * (1 - min_background_odds / e), why))
            continue
        if hit_pair[i]:
            e, seen = float(e_pair[i]), int(seen_pair[i])
            why = f"'{x} {y}' occurs {seen} times elsewhere in the corpus, though its words' frequencies predict it {e:.0f} times"
        else:
            e, seen = float(e_class[i]), int(seen_class[i])
            word, other, side = (x, y, "after") if after[i] else (y, x, "before")
            why = (f"the corpus has a {FUNCTION_CLASS[other.lower()]} word right {side} '{word}' {seen} times "
                   f"elsewhere, though the frequency of '{word}' predicts it {e:.0f} times")
        out[k].append(make_flag(*span, 1 - math.exp(-(e - seen) / 4), why))
    return out


def _pair_masks(tks: Sequence[Tokens], first: Sequence[int]) -> np.ndarray:
    """Per adjacent word pair of a batch: True when both words are in one sentence of one document.

    >>> _pair_masks([Tokens("A b. C"), Tokens("d e")], [0, 4, 7]).tolist()
    [True, False, False, False, True, False]
    """
    real = np.ones(first[-1], bool)
    real[np.array(first[1:]) - 1] = False  # the empty slot after each document
    mask = real[:-1] & real[1:]
    mask[[f + i0 - 1 for f, tk in zip(first, tks) for i0, _ in tk.ranges[1:] if 0 < i0 < len(tk)]] = False
    return mask


def marks(tk: Tokens) -> dict[str, np.ndarray]:
    """Per mark of MARKS, the indices of the words beside it: the last word of a sentence
    with its . ! or ? right after it, a word right before a comma, the word after one,
    the first word of a sentence.

    >>> {m: at.tolist() for m, at in marks(Tokens("He left. Did she, then? Yes, she did - twice")).items()}
    {'end': [1, 4], 'before_comma': [3, 5], 'after_comma': [4, 6], 'start': [0, 2, 5]}
    """
    text, starts, ends = tk.text, tk.starts, tk.ends
    end = [i1 - 1 for i0, i1 in tk.ranges if i1 > i0 and text[ends[i1 - 1]:ends[i1 - 1] + 1] in (".", "!", "?")]
    before, after = [], []
    for m in _COMMA.finditer(text):
        p = m.start()
        i = bisect_left(ends, p)
        if i < len(tk) and ends[i] == p:
            before.append(i)
        j = bisect_right(starts, p)
        if j < len(tk) and not text[p + 1:starts[j]].strip():
            after.append(j)
    return {"end": np.array(end, np.int64), "before_comma": np.array(before, np.int64),
            "after_comma": np.array(after, np.int64), "start": np.array([i0 for i0, i1 in tk.ranges if i1 > i0], np.int64)}


def _mark_odds(model: BigramModel, mark: str, now: np.ndarray, swapped: np.ndarray, own: np.ndarray) -> np.ndarray:
    """Per pair cut off on one side by ``mark``, the log of how much likelier the corpus
    puts ``swapped`` beside that mark than ``now``, the word there (word ids): what a
    swap gains where no word pair tells ('"...," said she.': "said" ends sentences, "she"
    seldom does). ``own`` is 1 where ``now`` beside this very mark was counted.
    """
    return np.log(model.mark_share(mark, swapped)) - np.log(model.mark_share(mark, now, own))


def _window(odds: np.ndarray) -> np.ndarray:
    """A pair's odds plus those of the pairs on either side, which share its words.

    >>> _window(np.array([1.0, 0.0, 2.0, 3.0])).tolist()
    [1.0, 3.0, 5.0, 5.0]
    """
    out = odds.copy()
    out[1:] += odds[:-1]  # slices: no padded copy of a whole batch's odds
    out[:-1] += odds[1:]
    return out


def _adjacent(tk: Tokens, i: int) -> bool:
    """Words ``i`` and ``i + 1`` are next to each other in the sentence: only spaces (or
    double quotes, which leave the grammar alone) between, not in a compound.

    >>> tk = Tokens('its "dangerous" views, the on-going talks')
    >>> [_adjacent(tk, i) for i in range(4)]
    [True, True, False, False]
    """
    text, starts, ends = tk.text, tk.starts, tk.ends
    if text[ends[i]:starts[i + 1]].strip(' "“”'):
        return False  # punctuation breaks the pair
    # part of a compound ("the on-going", "have-nots"), not a word of the sentence
    return text[ends[i + 1]:ends[i + 1] + 1] != "-" and text[starts[i] - 1:starts[i]] != "-"


def _cut_compound(tk: Tokens, i: int) -> str | None:
    """Whether words ``i`` and ``i + 1``, a space apart, are a grammar word that a
    hyphen joins to the word beyond it and its neighbour: the side of that hyphen
    ("left" or "right"), or None.

    A swap that takes a grammar word into a compound ("re-open it": "re-it
    open") leaves the compound's broken pair ("re it") to tell; the test weighs
    it as the neighbour on that side.

    >>> _cut_compound(Tokens("to re-it open"), 2), _cut_compound(Tokens("the vice-of chair"), 2)
    ('left', 'left')
    >>> _cut_compound(Tokens("grain for-fuel crops"), 0), _cut_compound(Tokens("a well-known plan"), 2)
    ('right', None)
    """
    text, starts, ends = tk.text, tk.starts, tk.ends
    if ends[i] == starts[i + 1] or text[ends[i]:starts[i + 1]].strip():
        return None
    joined_left = i > 0 and text[ends[i - 1]:starts[i]] == "-"
    joined_right = i + 2 < len(tk) and text[ends[i + 1]:starts[i + 2]] == "-"
    if joined_left == joined_right:
        return None
    side, word = ("left", tk.lower[i]) if joined_left else ("right", tk.lower[i + 1])
    return side if word in FUNCTION_CLASS else None


def _background_odds(model: BigramModel, a: np.ndarray, b: np.ndarray, seen: np.ndarray,
                     seen_swapped: np.ndarray, where: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per pair, the log of how much likelier the swapped pair, or the pair under independence, is than the pair.

    Counts are the background's plus this corpus's (scaled to the background's
    size, so in a small corpus one use elsewhere vouches for a pair). Returns the
    odds (0 where ``where`` is False or a word is not in the background) and the
    swapped pair's share of them, for the reason.
    """
    bg = background()
    odds, swap_odds = np.zeros(len(a)), np.zeros(len(a))
    at = np.flatnonzero(where)
    ga, gb = model._bg[a[at]], model._bg[b[at]]
    known = (ga >= 0) & (gb >= 0)
    at, ga, gb = at[known], ga[known], gb[known]
    if not len(at):
        return odds, swap_odds
    counts = bg.pair_counts(np.concatenate([bg.codes(ga, gb), bg.codes(gb, ga)]))
    scale = CORPUS_WEIGHT * bg.total / max(model.total, 1)
    seen_here = np.maximum(counts[:len(at)], MISSING_SHARE * bg.cutoff) + scale * np.maximum(seen[at], 0)
    swapped = counts[len(at):] + scale * np.maximum(seen_swapped[at], 0)
    independent = bg.unigrams[ga] * (bg.unigrams[gb] / bg.total)
    swap_odds[at] = np.log(np.maximum(swapped, 1.0) / seen_here)
    odds[at] = np.maximum(0.0, np.maximum(swap_odds[at], np.log(independent / seen_here)))
    return odds, swap_odds


def _pmi(model: BigramModel, x: np.ndarray, y: np.ndarray, seen: np.ndarray,
         association: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """Per pair of word ids, the log of its estimated count over the count independence predicts.

    The count is the background's plus this corpus's (scaled, as in
    :func:`_background_odds`); for a pair neither has seen, independence times the
    association of the two words' classes (``association(at)``: of the pairs at
    positions ``at``, asked only for those, as it costs more than the rest), kept
    below the background's cut-off (an unlisted pair was used fewer times than
    that). 0 for a word nobody knows.
    """
    bg = background()
    listed = bg.pair_counts(bg.codes(model._bg[x], model._bg[y]))
    count = listed + CORPUS_WEIGHT * bg.total / max(model.total, 1) * np.maximum(seen, 0)
    independent = bg.total * model._p[x] * model._p[y]
    known = independent > 0
    unseen = np.flatnonzero(known & (count <= 0))
    count[unseen] = np.minimum(independent[unseen] * association(unseen), MISSING_SHARE * bg.cutoff)
    return np.where(known, np.log(np.where(known, count, 1.0) / np.where(known, independent, 1.0)), 0.0)


def _reorder_odds(model: BigramModel, ids: np.ndarray, doc: np.ndarray, usable: np.ndarray, neighbour: np.ndarray,
                  candidate: np.ndarray,
                  seen_pair: np.ndarray, seen_swapped: np.ndarray, own: _Own) -> tuple[np.ndarray, ...]:
    """For each ``candidate`` pair, how much likelier (log) the sentence is with its two words swapped.

    Swapping words ``i`` and ``i + 1`` of "p a b n" changes three pairs: "p a",
    "a b", "b n" become "p b", "b a", "a n"; the words stay the same, so the odds
    are the summed association (:func:`_pmi`) of the new pairs less that of the
    old. A word-order error ("the Europhiles for pray") leaves all three odd and
    their swap ordinary; an honest rare phrase seldom reads better swapped, since
    the swap breaks the pairs beside it. A candidate is a ``usable`` pair (one
    sentence, lower-case); a pair beside it counts where it is a ``neighbour``
    (in the same sentence: a name beside it is evidence too). Returns the
    candidates' positions, the odds of the pair itself and those the left and
    right neighbours add. ``own`` counts the tested documents' own uses (:func:`_own_counts`).
    """
    a, b = ids[:-1], ids[1:]
    u, v = np.flatnonzero(usable), np.flatnonzero(neighbour & ~usable)
    c = np.flatnonzero(candidate & usable)
    has_left = np.zeros(len(c), bool)
    has_left[c > 0] = neighbour[c[c > 0] - 1]
    has_right = np.zeros(len(c), bool)
    has_right[c < len(a) - 1] = neighbour[c[c < len(a) - 1] + 1]
    cl, cr = c[has_left], c[has_right]
    # every pair asked about, in one set of look-ups: the text's own pairs (usable ones
    # counted already), the swapped pairs (counted already), then the new neighbours
    x = np.concatenate([a[u], a[v], b[c], ids[cl - 1], a[cr]])
    y = np.concatenate([b[u], b[v], a[c], b[cl], ids[cr + 2]])
    at = np.concatenate([u, v, c, cl, cr])
    seen = np.zeros(len(x), np.int64)
    seen[:len(u)], seen[len(u) + len(v):len(u) + len(v) + len(c)] = seen_pair[u], seen_swapped[c]
    fresh = np.r_[len(u):len(u) + len(v), len(u) + len(v) + len(c):len(x)]
    codes = _join(x[fresh], y[fresh])
    seen[fresh] = model.pair_counts(codes) - own.pairs(doc[at[fresh]], codes)

    def association(k: np.ndarray) -> np.ndarray:
        # the text's own class pairs are no evidence either
        xk, yk, dk = x[k], y[k], doc[at[k]]
        prior = model.class_association(xk, yk, own.class_pairs(dk, model.class_pair_codes(xk, yk)))
        return _word_affinity(model, xk, yk, prior, own, dk)

    pmi = _pmi(model, x, y, seen, association)
    cur = np.zeros(len(a))
    cur[np.concatenate([u, v])] = pmi[:len(u) + len(v)]
    swapped, left_new, right_new = np.split(pmi[len(u) + len(v):], [len(c), len(c) + len(cl)])
    left, right = np.zeros(len(c)), np.zeros(len(c))
    left[has_left] = left_new - cur[cl - 1]
    right[has_right] = right_new - cur[cr + 1]
    return c, swapped - cur[c], left, right


class _Own(NamedTuple):
    """What the pairs of fitted documents count, which is no evidence for themselves,
    per document of a batch (:class:`_OwnCounts`, asked with (documents, codes)): the
    word pairs (:func:`_join`), the grammar-word classes beside a word (:func:`_class_code`),
    the word-class pairs (:meth:`BigramModel.class_pair_codes`), and the words that open
    a pair (a word id ``w``) or close one (``-1 - w``)."""

    pairs: _OwnCounts
    classes: _OwnCounts
    class_pairs: _OwnCounts
    words: _OwnCounts


def _own_counts(model: BigramModel, a: np.ndarray, b: np.ndarray, doc: np.ndarray, own: np.ndarray,
                n_docs: int) -> _Own:
    """:class:`_Own` of the pairs ``a[own]``, ``b[own]`` of the documents ``doc[own]`` (of ``n_docs``)."""
    ca, cb = model._cls[a], model._cls[b]
    fo, pr = own & (cb >= 0), own & (ca >= 0)
    classes = np.concatenate([_class_code(a[fo], cb[fo], True), _class_code(b[pr], ca[pr], False)])
    class_pairs = model.class_pair_codes(a[own], b[own])
    known = class_pairs >= 0
    return _Own(pairs=_OwnCounts(doc[own], _join(a[own], b[own]), n_docs),
                classes=_OwnCounts(np.concatenate([doc[fo], doc[pr]]), classes, n_docs),
                class_pairs=_OwnCounts(doc[own][known], class_pairs[known], n_docs),
                words=_OwnCounts(np.concatenate([doc[own], doc[own]]), np.concatenate([a[own], -1 - b[own]]), n_docs))


def _word_affinity(model: BigramModel, x: np.ndarray, y: np.ndarray, prior: np.ndarray, own: _Own,
                   query_doc: np.ndarray) -> np.ndarray:
    """Per pair of a content word and a grammar word: how much more often the corpus puts
    that grammar word's class on that side of the content word than the word's frequency
    predicts, shrunk towards ``prior`` (the word classes' association) by AFFINITY_PRIOR
    pairs; ``prior`` elsewhere. ``own`` counts the uses of the documents ``query_doc``
    (one per pair) that are no evidence (:func:`_own_counts`).

    Why: a part-of-speech class pools words that behave apart. The BBC news corpus
    has a determiner after "strong" twice where its uses predict 26, which the pooled
    association of all adjectives with "a" does not tell ("strong a challenge"); a
    word seen often speaks for itself, and a rare one keeps its class's say.
    """
    cx, cy = model._cls[x], model._cls[y]
    after, before = (cx < 0) & (cy >= 0), (cx >= 0) & (cy < 0)
    at = np.flatnonzero(after | before)
    if not len(at):
        return prior
    word = np.where(after[at], x[at], y[at])
    cls = np.maximum(np.where(after[at], cy[at], cx[at]), 0)
    codes = _class_code(word, cls, after[at])
    seen = model._class_table.get(codes) - own.classes(query_doc[at], codes)
    # the word's own uses in the tested document are no evidence either
    uses = np.where(after[at], model._followers[word], model._preceders[word]) - own.words(
        query_doc[at], np.where(after[at], word, -1 - word))
    expected = np.maximum(uses, 0) * np.where(after[at], model._rate_after[cls], model._rate_before[cls])
    out = prior.copy()
    out[at] = (np.maximum(seen, 0) + AFFINITY_PRIOR * prior[at]) / (expected + AFFINITY_PRIOR)
    return out


def _checked_reorder(reorder: tuple[np.ndarray, ...], tks: Sequence[Tokens], doc: np.ndarray,
                     first: Sequence[int], n: int, threshold: float, opens: np.ndarray, closes: np.ndarray) -> np.ndarray:
    """Per pair, the word-order odds of :func:`_reorder_odds` where they could reach
    ``threshold``, with a neighbour that punctuation separates left out (0 elsewhere).

    Why: the string test for punctuation costs a Python call per pair, so it is
    made only where the odds, with every neighbour's gain and none of its losses,
    could reach the threshold. Only the oddest candidate of a run is kept. A word
    that ``opens`` a sentence or follows a comma, or ``closes`` before a comma or a
    full stop, has that mark for a neighbour (:func:`_marked`).

    Where punctuation cuts one neighbour off, the swap's gain on the other side is
    not weighed against its loss on this one ("In Rome, this plan is": "plan this
    is" gains "this is", while what "Rome plan" would lose goes uncounted), so
    the pair itself must read better swapped. In a question the auxiliary comes
    before its subject ("How will he cope?"), the very order this test calls
    swapped, so questions are left out.
    """
    c, core, left, right = reorder
    out = np.zeros(n)
    near = (core + np.maximum(left, 0) + np.maximum(right, 0)) >= threshold
    for i, o, lo, ro in zip(c[near].tolist(), core[near].tolist(), left[near].tolist(), right[near].tolist()):
        k = int(doc[i])
        tk, j = tks[k], i - first[k]
        cut = None if _adjacent(tk, j) else _cut_compound(tk, j)
        if (cut is None and not _adjacent(tk, j)) or _in_question(tk, j):
            continue
        has_left = cut == "left" or bool(opens[i]) or (j > 0 and _adjacent(tk, j - 1))
        has_right = cut == "right" or bool(closes[i + 1]) or (j + 2 < len(tk) and _adjacent(tk, j + 1))
        if o <= 0 and not (has_left and has_right):
            continue
        out[i] = o + (lo if has_left else 0.0) + (ro if has_right else 0.0)
    peak = out > 0
    peak[:-1] &= out[:-1] >= out[1:]
    peak[1:] &= out[1:] >= out[:-1]
    return np.where(peak, out, 0.0)


#: What may close a question after its "?": quotes and brackets.
_CLOSERS = "\"'”’)]"


def _in_question(tk: Tokens, j: int) -> bool:
    """Word ``j`` is in a sentence that ends with a question mark.

    >>> tk = Tokens("Will he go? He will.")
    >>> _in_question(tk, 1), _in_question(tk, 3)
    (True, False)
    """
    at = bisect_right([i0 for i0, _ in tk.ranges], j) - 1
    if at < 0:
        return False
    s, e = tk.sentences[at]
    return tk.text[s:e].rstrip().rstrip(_CLOSERS).endswith("?")


def _marked(model: BigramModel, reorder: tuple[np.ndarray, ...], tks: Sequence[Tokens], first: Sequence[int],
            ids: np.ndarray, fitted: np.ndarray) -> tuple[tuple[np.ndarray, ...], np.ndarray, np.ndarray]:
    """The word-order odds of :func:`_reorder_odds` with punctuation for the neighbour it
    cuts off: a comma or the sentence's start before the pair, a comma or full stop after it (MARKS). The swap
    changes which word stands beside the mark, which the corpus tells as it tells a
    word pair. ``fitted`` is per pair. Returns the odds, and per word whether a comma
    comes before it (``opens``) and whether a mark comes after it (``closes``).
    """
    at = {m: np.zeros(len(ids), bool) for m in MARKS}
    for f, tk in zip(first, tks):
        for mark, words in marks(tk).items():
            at[mark][f + words] = True
    c, core, left, right = reorder
    left, right = left.copy(), right.copy()
    a, b, own = ids[c], ids[c + 1], fitted[c]
    # the pair across the punctuation, counted as any other, is replaced by the mark
    for mark in ("end", "before_comma"):
        k = at[mark][c + 1]
        right[k] = _mark_odds(model, mark, b[k], a[k], own[k])
    for mark in ("after_comma", "start"):
        k = at[mark][c]
        left[k] = _mark_odds(model, mark, a[k], b[k], own[k])
    return (c, core, left, right), at["after_comma"] | at["start"], at["end"] | at["before_comma"]


class _OwnCounts:
    """How often each code occurs among the values of its group (a document of a batch):
    the values are counted once, then asked about as often as needed.

    A code is two 32-bit halves (:func:`_join`, :func:`_class_code`, or a small
    int); each value and its group make one key, the halves re-based to the range
    the values span (a code outside it occurs in no group), or, for a range too
    wide for 63 bits, the code replaced by its rank among the values.

    >>> own = _OwnCounts(np.array([0, 0, 1]), np.array([7, 7, 9]), n_groups=2)
    >>> own(np.array([0, 1, 1, 1]), np.array([7, 7, 9, 4])).tolist()
    [2, 0, 1, 0]
    >>> wide = _OwnCounts(np.array([0, 1]), np.array([5, (1 << 62) | 0xFFFFFFFF]), n_groups=2)
    >>> wide(np.array([0, 1, 1]), np.array([5, 5, (1 << 62) | 0xFFFFFFFF])).tolist()
    [1, 0, 1]
    """

    def __init__(self, groups: np.ndarray, values: np.ndarray, n_groups: int):
        self._ranks = None
        if not len(values):
            self._keys = self._counts = np.empty(0, np.int64)
            return
        high, low = values >> _SHIFT, values & _LOW
        self._h0, self._rows, self._width = int(high.min()), int(high.max() - high.min()) + 1, int(low.max()) + 1
        self._size = self._rows * self._width
        if n_groups * self._size < 1 << 62:
            keys = groups * np.int64(self._size) + (high - self._h0) * self._width + low
        else:
            self._ranks = np.unique(values)
            self._size = len(self._ranks)
            keys = groups * np.int64(self._size) + np.searchsorted(self._ranks, values)
        keys = np.sort(keys)
        edges = np.flatnonzero(np.concatenate([[True], keys[1:] != keys[:-1], [True]]))
        self._keys, self._counts = keys[edges[:-1]], np.diff(edges)

    def __call__(self, groups: np.ndarray, queries: np.ndarray) -> np.ndarray:
        if not len(self._keys) or not len(queries):
            return np.zeros(len(queries), np.int64)
        if self._ranks is None:
            high, low = (queries >> _SHIFT) - self._h0, queries & _LOW
            inside, slot = (high >= 0) & (high < self._rows) & (low < self._width), high * self._width + low
        else:
            slot = np.minimum(np.searchsorted(self._ranks, queries), len(self._ranks) - 1)
            inside = self._ranks[slot] == queries
        at = np.minimum(np.searchsorted(self._keys, groups * np.int64(self._size) + slot), len(self._keys) - 1)
        return np.where(inside & (self._keys[at] == groups * np.int64(self._size) + slot), self._counts[at], 0)
