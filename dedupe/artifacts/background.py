"""A background English bigram model: symspellpy's Google-Books-derived word and word-pair counts.

symspellpy ships two lists: the counts of 82,765 frequent English words (summing
to about 5.4e11 tokens) and the 242,342 most frequent word pairs, down to a
cut-off of 6.4 million uses. So a pair missing from the list was used fewer
than ``cutoff`` times: for two very common words, or for a pair whose swap is
listed a hundred times over, that absence is evidence, even when the scanned
corpus is one document long.

The lists are read once per process (:func:`background`) into numpy arrays (the
pairs in a hash table), so a document's pairs are looked up in a few vectorised calls.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path

import numpy as np

from dedupe.errors import DedupeError

UNIGRAMS = "frequency_dictionary_en_82_765.txt"
BIGRAMS = "frequency_bigramdictionary_en_243_342.txt"
_SHIFT = np.int64(32)


class HashedCounts:
    """Counts of non-negative int64 codes in an open-addressed hash table (linear
    probing, at most half full): a look-up is one or two array reads per code, not
    a binary search -- for the background's 242k pairs about 3x faster than
    ``np.searchsorted``, whether the codes are sorted first or not (2x for the
    500k word pairs of the 10k benchmark dump).

    >>> table = HashedCounts(np.array([5, 1 << 40, 7]), np.array([50, 60, 70]))
    >>> table.get(np.array([7, 8, 1 << 40, -1])).tolist()
    [70, 0, 60, 0]
    """

    def __init__(self, keys: np.ndarray, counts: np.ndarray):
        self._bits = max((2 * len(keys)).bit_length(), 1)
        self._mask = (1 << self._bits) - 1
        self._slots = np.full(self._mask + 1, -1, np.int64)
        self._counts = np.zeros(self._mask + 1, counts.dtype)
        slot, todo = self._hash(keys), np.arange(len(keys))
        while len(todo):  # each round places the first key aiming at each free slot; the rest move on one
            free = todo[self._slots[slot[todo]] == -1]
            at, first = np.unique(slot[free], return_index=True)
            self._slots[at], self._counts[at] = keys[free[first]], counts[free[first]]
            placed = np.zeros(len(keys), bool)
            placed[free[first]] = True
            todo = todo[~placed[todo]]
            slot[todo] = (slot[todo] + 1) & self._mask

    def _hash(self, codes: np.ndarray) -> np.ndarray:
        # Fibonacci hashing: the top bits of the code times 2**64 / the golden ratio
        return ((codes.astype(np.uint64) * _GOLDEN) >> np.uint64(64 - self._bits)).astype(np.int64)

    def get(self, codes: np.ndarray) -> np.ndarray:
        """The count of each code (0 for a code not in the table, or negative)."""
        out = np.zeros(len(codes), self._counts.dtype)
        at = np.flatnonzero(codes >= 0)
        codes = codes[at]
        slot = self._hash(codes)
        while len(at):  # probe until the code or an empty slot
            found = self._slots[slot]
            hit = found == codes
            out[at[hit]] = self._counts[slot[hit]]
            on = ~hit & (found != -1)
            at, codes, slot = at[on], codes[on], (slot[on] + 1) & self._mask
        return out


_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


@dataclass(frozen=True)
class Background:
    """Word ids, word counts and pair counts of the background lists.

    ``ids`` maps a lower-case word to its id; ``unigrams[id]`` is its count;
    ``pair_counts`` looks up pair codes ``id_a << 32 | id_b`` (0 when unlisted).

    >>> bg = background()
    >>> the, new, response, in_ = (bg.ids[w] for w in ("the", "new", "response", "in"))
    >>> counts = bg.pair_counts(bg.codes(np.array([the, new, in_, response]), np.array([new, the, response, in_])))
    >>> [int(c) > 0 for c in counts]  # "the new", "new the", "in response", "response in"
    [True, False, True, True]
    """

    ids: dict[str, int]
    unigrams: np.ndarray
    pairs: HashedCounts
    total: float
    cutoff: float

    @staticmethod
    def codes(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Pair codes of word-id arrays ``a`` (first word) and ``b``; an id of -1 stays unmatched."""
        return np.where((a >= 0) & (b >= 0), (a << _SHIFT) | np.maximum(b, 0), -1)

    def pair_counts(self, codes: np.ndarray) -> np.ndarray:
        """Background counts of pair codes: 0 for a pair below the list's cut-off."""
        return self.pairs.get(codes)


def data_dir() -> Path:
    """Where symspellpy keeps its frequency lists (found without importing the package).

    >>> (data_dir() / BIGRAMS).is_file()
    True
    """
    spec = find_spec("symspellpy")
    if spec is None or not spec.submodule_search_locations:
        raise DedupeError("[improbable] needs symspellpy's English frequency lists: pip install symspellpy")
    return Path(next(iter(spec.submodule_search_locations)))


@lru_cache(maxsize=1)
def background() -> Background:
    """The background lists, read once per process (about 0.3 s).

    >>> bg = background()
    >>> bg.cutoff, round(bg.total / 1e11, 1)
    (6400000.0, 5.4)
    """
    folder = data_dir()
    # str.split and array building instead of a loop per line: 325k lines
    words, uni = _columns((folder / UNIGRAMS).read_text(encoding="utf-8"), 2)
    ids = {w: i for i, w in enumerate(words)}
    unigrams = np.array(uni, np.int64)
    first, second, counts = _columns((folder / BIGRAMS).read_text(encoding="utf-8"), 3)
    get = ids.get
    a = np.fromiter((get(w, -1) for w in first), np.int64, len(first))
    b = np.fromiter((get(w, -1) for w in second), np.int64, len(second))
    known = (a >= 0) & (b >= 0)
    pair_n = np.array(counts, np.int64)[known]
    return Background(ids=ids, unigrams=unigrams, pairs=HashedCounts((a[known] << _SHIFT) | b[known], pair_n),
                      total=float(unigrams.sum()), cutoff=float(pair_n.min()))


def _columns(text: str, width: int) -> list[list[str]]:
    # each line is ``width`` space-separated fields, the last one a count
    parts = text.split()
    return [parts[k::width] for k in range(width)]
