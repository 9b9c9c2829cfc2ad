"""Pair similarities an index remembers between runs, as intervals that stay true as the corpus grows.

Verification weighs terms by their rarity in the corpus (:class:`dedupe.verify.TermWeights`),
so every document added moves every similarity a little, and an update that
must group exactly as one scan of everything cannot reuse the last run's values
as they are. It can reuse them as bounds: when term ``t``'s weight changes by a
factor ``r_t``, the cosine of two unit rows ``u, v`` becomes

    s' = sum_t u_t v_t r_t**2 / (|u * r| |v * r|)

and with ``r`` between ``lo_d`` and ``hi_d`` over a document's terms, ``|d * r|``
lies between ``lo_d`` and ``hi_d``, the shared terms' factors between
``max(lo_u, lo_v)`` and ``min(hi_u, hi_v)``. So a stored interval widens into
one that holds the new value (:meth:`PairBounds.widened`). Most candidates are
stories that merely share names, far below every threshold, or copies far
above: their decision is known without computing them
(:func:`verify_with_bounds`). Only the pairs whose decision the interval leaves
open, the pairs of new documents, and the few neighbours the margin rule reads
are computed, so an update gives exactly the pairs a full scan gives.

>>> bounds = PairBounds.empty()
>>> len(bounds)
0
"""
from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
import xxhash

from dedupe.config import ScanConfig
from dedupe.shingles import Features
from dedupe.verify import TermWeights, accept_pairs, best_similarities, used_columns, weighted_rows

# Floating-point slack added to every bound: the cosines and the bound
# arithmetic are float64 sums of a few hundred terms, off by far less than this.
_SLACK = 1e-9


def feature_digests(features: Sequence[Features]) -> np.ndarray:
    """A 64-bit digest of each document's terms and their zipf values: what its similarities depend on."""
    return np.fromiter((xxhash.xxh3_64_intdigest(f.terms.tobytes() + f.zipfs.tobytes()) for f in features),
                       dtype=np.uint64, count=len(features))


def pair_codes(keys: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """One int64 per pair of positions: the two documents' store keys, first one high.

    Keys grow with corpus order, so pairs sorted by position have sorted codes.
    """
    return (keys[pairs[:, 0]] << 32) | keys[pairs[:, 1]]


@dataclass(slots=True)
class PairBounds:
    """Candidate pairs (by store keys) with an interval holding each one's similarity
    under the term weights of ``df``/``n_docs``, and the digest of the features of
    every document they were computed from (a document analysed again since
    then has other features: its pairs are not used).
    """

    codes: np.ndarray  # int64, sorted: pair_codes
    low: np.ndarray  # float32, rounded down
    high: np.ndarray  # float32, rounded up
    df_columns: np.ndarray  # int64: the columns of non-zero document frequency
    df_counts: np.ndarray  # int32
    n_docs: int
    doc_keys: np.ndarray  # int64, sorted
    digests: np.ndarray  # uint64, one per doc_keys

    @classmethod
    def empty(cls) -> "PairBounds":
        return cls(np.empty(0, np.int64), np.empty(0, np.float32), np.empty(0, np.float32),
                   np.empty(0, np.int64), np.empty(0, np.int32), 0, np.empty(0, np.int64), np.empty(0, np.uint64))

    def __len__(self) -> int:
        return len(self.codes)

    def to_bytes(self) -> bytes:
        out = io.BytesIO()
        np.savez(out, **{name: getattr(self, name) for name in self.__slots__})
        return out.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> "PairBounds":
        with np.load(io.BytesIO(data)) as arrays:
            fields = {name: arrays[name] for name in cls.__slots__}
        fields["n_docs"] = int(fields["n_docs"])
        return cls(**fields)

    def weights(self, zipf_ceiling: float) -> TermWeights:
        """The term weights these intervals hold under."""
        return TermWeights.from_counts(self.df_columns, self.df_counts, self.n_docs, zipf_ceiling=zipf_ceiling)

    def widened(self, candidates: np.ndarray, keys: np.ndarray, digests: np.ndarray, rows: sp.csr_matrix,
                weights: TermWeights) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(found, low, high)`` for the ``candidates`` (pairs of positions):
        which have a stored interval from unchanged documents, and that interval
        widened to hold the similarity under ``weights`` (documents' term
        ``rows`` from :func:`dedupe.verify.weighted_rows`, store ``keys``).
        Elsewhere ``low, high`` are 0 and 1."""
        found = np.zeros(len(candidates), dtype=bool)
        low, high = np.zeros(len(candidates)), np.ones(len(candidates))
        if not len(self) or not len(candidates):
            return found, low, high
        codes = pair_codes(keys, candidates)
        where = np.minimum(np.searchsorted(self.codes, codes), len(self.codes) - 1)
        first, second = candidates[:, 0], candidates[:, 1]
        unchanged = self._unchanged(keys, digests)
        found = (self.codes[where] == codes) & unchanged[first] & unchanged[second]
        lo, hi = weight_change(rows, self.weights(weights.zipf_ceiling), weights)
        a, b, stored = first[found], second[found], where[found]
        shared_lo, shared_hi = np.maximum(lo[a], lo[b]), np.minimum(hi[a], hi[b])
        low[found] = self.low[stored] * shared_lo**2 / (hi[a] * hi[b]) - _SLACK
        high[found] = self.high[stored] * shared_hi**2 / (lo[a] * lo[b]) + _SLACK
        # Not clipped at 1: a computed cosine of a row with itself may be 1 + 2e-16.
        return found, np.maximum(low, 0.0), high

    def moved_weights(self, keys: np.ndarray, digests: np.ndarray, features: Sequence[Features],
                      previous: Sequence[Features | None], zipf_ceiling: float) -> TermWeights | None:
        """The weights a fit on ``features`` (documents at store ``keys``, their
        ``digests``) gives, from these bounds' counts: each document whose
        features changed since is counted out as it was and in as it is
        (``previous``: its features then, None for one added since, the same
        object for one not analysed again). None when the bounds were not
        computed from exactly those documents' previous features (after a
        removal, or an update cut short): then the weights must be fitted."""
        old = np.array([i for i, f in enumerate(previous) if f is not None], dtype=np.int64)
        if len(old) != len(self.doc_keys):
            return None
        moved = [i for i in old.tolist() if previous[i] is not features[i]]
        was = digests.copy()
        was[moved] = feature_digests([previous[i] for i in moved])
        at = np.minimum(np.searchsorted(self.doc_keys, keys[old]), max(len(self.doc_keys) - 1, 0))
        if len(old) and not ((self.doc_keys[at] == keys[old]).all() and (self.digests[at] == was[old]).all()):
            return None
        added = [i for i, f in enumerate(previous) if f is None]
        return (self.weights(zipf_ceiling).unfit([previous[i] for i in moved])
                .partial_fit([features[i] for i in moved + added]))

    def _unchanged(self, keys: np.ndarray, digests: np.ndarray) -> np.ndarray:
        """Per position: the document was stored with the same features last time."""
        if not len(self.doc_keys):
            return np.zeros(len(keys), dtype=bool)
        where = np.minimum(np.searchsorted(self.doc_keys, keys), len(self.doc_keys) - 1)
        return (self.doc_keys[where] == keys) & (self.digests[where] == digests)


def weight_change(rows: sp.csr_matrix, old: TermWeights, new: TermWeights) -> tuple[np.ndarray, np.ndarray]:
    """Per document, the least and the largest factor by which one of its term
    weights changed from ``old`` to ``new`` (1 for a document with no weighted
    term). ``rows``: the documents' term rows over every hashed column
    (:func:`dedupe.verify.weighted_rows`), whose columns are its weighted terms'."""
    ratio = (new.idf() / old.idf())[rows.indices]  # per column first: rows hold 25M entries at 100k
    lo, hi = np.ones(rows.shape[0]), np.ones(rows.shape[0])
    filled = np.diff(rows.indptr) > 0
    if filled.any():
        # Empty rows start where the next row does: only the filled rows' starts cut ``ratio``.
        starts = rows.indptr[:-1][filled]
        lo[filled] = np.minimum.reduceat(ratio, starts)
        hi[filled] = np.maximum.reduceat(ratio, starts)
    return lo, hi


def _float32_outward(low: np.ndarray, high: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    lo32, hi32 = low.astype(np.float32), high.astype(np.float32)
    lo32 = np.where(lo32 > low, np.nextafter(lo32, np.float32(-1)), lo32)
    hi32 = np.where(hi32 < high, np.nextafter(hi32, np.float32(2)), hi32)
    return lo32, hi32


def verify_with_bounds(
    features: Sequence[Features],
    candidates: np.ndarray,
    thresholds: np.ndarray,
    keys: np.ndarray,
    bounds: PairBounds,
    config: ScanConfig,
    similarities,
    previous: Sequence[Features | None] | None = None,
) -> tuple[np.ndarray, np.ndarray, sp.csr_matrix, PairBounds, int]:
    """Stage 7 of an update: ``(keep, similarity, matrix, new bounds, computed)``.

    ``keep`` is the mask :func:`dedupe.verify.accept_pairs` gives with every
    similarity computed (``similarity`` is exact where ``keep``), ``computed``
    how many were. ``similarities(matrix, pairs)`` computes exact values.
    ``previous``: as in :meth:`PairBounds.moved_weights`, to count only the
    changed documents' terms instead of fitting the weights on all of them.
    """
    zipf_ceiling = config.verify.zipf_ceiling
    digests = feature_digests(features)
    moved = None if previous is None else bounds.moved_weights(keys, digests, features, previous, zipf_ceiling)
    weights, rows = weighted_rows(features, zipf_ceiling=zipf_ceiling, weights=moved)
    found, low, high = bounds.widened(candidates, keys, digests, rows, weights)
    matrix = used_columns(rows)
    del rows
    exact = np.zeros(len(candidates), dtype=bool)

    def compute(mask: np.ndarray) -> None:
        todo = np.flatnonzero(mask & ~exact)
        if len(todo):
            low[todo] = high[todo] = similarities(matrix, candidates[todo])
            exact[todo] = True

    compute(~found)
    cfg = config.verify
    n_docs = len(features)
    first, second = candidates[:, 0], candidates[:, 1]
    # A pair whose interval lies above its threshold or below the low one is
    # decided. So is one below its threshold that one of its documents surely
    # likes less than another pair (whose lower bound is above its upper one):
    # the margin rule accepts only mutual best pairs.
    floor = np.zeros(n_docs)
    np.maximum.at(floor, first, low)
    np.maximum.at(floor, second, low)
    outdone = (high < floor[first]) | (high < floor[second])
    keep = low >= thresholds
    open_ = np.flatnonzero(~(keep | (high < cfg.low_threshold) | ((high < thresholds) & outdone)))
    del outdone
    if len(open_):
        # The open pairs are computed, and what the margin rule reads for their
        # documents (each one's k + 1 best, among all of its pairs: ``near``);
        # then the rule judges them on those.
        ends = np.zeros(n_docs, dtype=bool)
        ends[candidates[open_].ravel()] = True
        near = np.flatnonzero(ends[first] | ends[second])
        todo = np.zeros(len(candidates), dtype=bool)
        todo[open_] = True
        todo[near[_margin_readers(candidates[near], low[near], high[near], ends, n_docs, cfg.neighbours + 1)]] = True
        compute(todo)
        mid = (low[near] + high[near]) / 2
        best = best_similarities(candidates[near], mid, n_docs, cfg.neighbours + 1)
        keep[open_] = accept_pairs(candidates[open_], low[open_], n_docs, threshold=thresholds[open_],
                                   low_threshold=cfg.low_threshold, margin=cfg.margin, neighbours=cfg.neighbours,
                                   best=best)
    compute(keep)
    lo32, hi32 = _float32_outward(low, high)
    df = weights.df
    cols = np.flatnonzero(df)
    order = np.argsort(keys, kind="stable")
    new = PairBounds(pair_codes(keys, candidates), lo32, hi32, cols.astype(np.int64), df[cols], weights.n_docs,
                     keys[order], digests[order])
    return keep, (low + high) / 2, matrix, new, int(exact.sum())


def _margin_readers(candidates: np.ndarray, low: np.ndarray, high: np.ndarray, ends: np.ndarray,
                    n_docs: int, count: int) -> np.ndarray:
    """The pairs whose exact value the margin rule may read: of each document
    of an open pair (``ends``; ``candidates`` hold all of its pairs), every
    pair that may be among its ``count`` best -- its upper bound reaches the
    ``count``-th best lower bound (0 when it has fewer pairs)."""
    floor = best_similarities(candidates, low, n_docs, count)[:, count - 1]
    a, b = candidates[:, 0], candidates[:, 1]
    return (ends[a] & (high >= floor[a])) | (ends[b] & (high >= floor[b]))
