"""Score candidate pairs exactly and keep those that are copies of one story.

LSH only proposes pairs. Each candidate is scored by the cosine between the two
documents' weighted term sets, where a present term weighs

    background * corpus

* ``background = max(0, zipf_ceiling - zipf)``: rarity in the language at large
  (wordfreq), so "liberation" outweighs "said" even in a corpus of five files;
* ``corpus = log((1 + N) / (1 + df)) + 1``: rarity in the scanned corpus, so the
  names every story shares (in a folder about one country's leaders) count less.

Term counts are ignored (a set, not a bag): a translator who repeats a name or
a rewrite that adds a paragraph should not move the score. On the development
corpus of ``benchmarks/calibrate.py`` this beat ``1 + log tf`` weighting.

Terms are hashed into ``n_features`` columns (the hashing trick, as in
scikit-learn's ``HashingVectorizer``) so the vocabulary is never held.

>>> from dedupe.shingles import featurize
>>> docs = [featurize(d, "en") for d in ["Putin and Kim met in Pyongyang for a summit.",
...                                       "Kim and Putin held a summit in Pyongyang.",
...                                       "Putin spoke to Kim by phone about Kursk."]]
>>> weights = TermWeights().fit(docs)
>>> X = weights.transform(docs)
>>> sims = pair_similarity(X, np.array([[0, 1], [0, 2]]))
>>> bool(sims[0] > sims[1])
True
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.preprocessing import normalize

from dedupe.errors import ConfigError
from dedupe.shingles import Features, FeatureTable

# Documents per vectorised counting step: bounds the temporary arrays.
_BATCH = 20_000


class TermWeights:
    """Fit document frequencies on a corpus, then turn documents into unit vectors.

    Takes :class:`dedupe.shingles.Features` (their ``terms`` and ``zipfs``).
    """

    def __init__(self, *, n_features: int = 1 << 22, zipf_ceiling: float = 7.0):
        if n_features < 1024:
            raise ConfigError(f"n_features={n_features} is too small; use at least 1024 (default 2**22)")
        if not 4.0 <= zipf_ceiling <= 9.0:
            raise ConfigError(f"zipf_ceiling={zipf_ceiling} must be between 4 and 9 (default 7.0)")
        self.n_features = n_features
        self.zipf_ceiling = zipf_ceiling
        self._df = np.zeros(n_features, dtype=np.int32)
        self._n_docs = 0

    @classmethod
    def from_counts(cls, columns: np.ndarray, counts: np.ndarray, n_docs: int, **params) -> "TermWeights":
        """Weights fitted elsewhere, from their non-zero document frequencies (:attr:`df`)."""
        weights = cls(**params)
        weights._df[columns] = counts
        weights._n_docs = n_docs
        return weights

    @property
    def df(self) -> np.ndarray:
        """Documents per column, over the documents fitted."""
        return self._df

    @property
    def n_docs(self) -> int:
        return self._n_docs

    def idf(self) -> np.ndarray:
        """The corpus factor of each column's weight."""
        return np.log((1.0 + self._n_docs) / (1.0 + self._df)) + 1.0

    def _rows(self, documents: Sequence[Features] | tuple[np.ndarray, ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(doc, cols, vals)`` of every kept term of ``documents`` (or of their
        ``(term counts, terms, zipfs)``, as :meth:`FeatureTable.batches` gives
        them), documents in order: one pass over the concatenated terms, not
        one numpy call per document."""
        if isinstance(documents, tuple):
            lengths, terms, zipfs = documents
        elif not documents:
            return np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0)
        else:
            lengths = np.fromiter((len(f.terms) for f in documents), dtype=np.int64, count=len(documents))
            terms, zipfs = np.concatenate([f.terms for f in documents]), np.concatenate([f.zipfs for f in documents])
        keep = zipfs < self.zipf_ceiling
        doc = np.repeat(np.arange(len(lengths)), lengths)[keep]
        cols = terms[keep].astype(np.int64) % self.n_features
        return doc, cols, self.zipf_ceiling - zipfs[keep].astype(np.float64)

    def partial_fit(self, documents: Iterable[Features]) -> "TermWeights":
        """Add documents to the frequency counts (call repeatedly to stream)."""
        return self._count(documents, 1)

    def unfit(self, documents: Iterable[Features]) -> "TermWeights":
        """Take documents counted before out of the counts (their features as
        counted): an index's documents analysed again since."""
        return self._count(documents, -1)

    def _count(self, documents: Iterable[Features], sign: int) -> "TermWeights":
        for part in _batches(documents, _BATCH):
            doc, cols, _ = self._rows(part)
            # A column counts once per document, however many of its terms hash there.
            keys = np.sort(doc * self.n_features + cols)
            distinct = keys[np.concatenate(([True], keys[1:] != keys[:-1]))[: len(keys)]] % self.n_features
            self._df += sign * np.bincount(distinct, minlength=self.n_features).astype(np.int32)
            self._n_docs += sign * _count(part)
        return self

    def fit(self, documents: Iterable[Features]) -> "TermWeights":
        self._df[:] = 0
        self._n_docs = 0
        return self.partial_fit(documents)

    def transform(self, documents: Iterable[Features], *, release: bool = False) -> sp.csr_matrix:
        """L2-normalised rows of weighted terms, one per document.

        Built _BATCH documents at a time into arrays sized once: at a million
        documents the matrix is 1.4 GB, and the whole corpus's (doc, column,
        value) triples at once several times that. Each row is summed and
        normalised alone, so the rows are the ones a single pass gives.
        ``release``: a :class:`FeatureTable` is emptied as its rows are built,
        so the features and the matrix are not both held whole.
        """
        idf = self.idf()
        if not isinstance(documents, FeatureTable):
            documents = list(documents)
        n_rows = len(documents)
        bound = sum(int(np.count_nonzero(_zipfs(part) < self.zipf_ceiling)) for part in _batches(documents, _BATCH))
        data = np.empty(bound)
        indices = np.empty(bound, dtype=np.int32)  # columns < n_features < 2**31
        indptr = np.zeros(n_rows + 1, dtype=np.int64)
        row = filled = 0
        batches = documents.batches(_BATCH, release=True) if release and isinstance(documents, FeatureTable) \
            else _batches(documents, _BATCH)
        for part in batches:
            doc, cols, vals = self._rows(part)
            rows = _count(part)
            part_ptr = np.concatenate(([0], np.cumsum(np.bincount(doc, minlength=rows))))
            block = sp.csr_matrix((vals * idf[cols], cols, part_ptr), shape=(rows, self.n_features))
            block.sum_duplicates()
            block = normalize(block, copy=False)  # a new matrix: normalised in place
            data[filled : filled + block.nnz] = block.data
            indices[filled : filled + block.nnz] = block.indices
            indptr[row + 1 : row + rows + 1] = block.indptr[1:] + filled
            row, filled = row + rows, filled + block.nnz
        return sp.csr_matrix((data[:filled], indices[:filled], indptr), shape=(n_rows, self.n_features))


def weighted_rows(features: Sequence[Features], *, zipf_ceiling: float, release: bool = False,
                  weights: TermWeights | None = None) -> tuple[TermWeights, sp.csr_matrix]:
    """Term weights fitted on ``features`` and their rows (:meth:`TermWeights.transform`,
    every hashed column): what verification compares, once narrowed by
    :func:`used_columns`. ``release``: as in :meth:`TermWeights.transform`;
    ``weights``: ones that already count exactly ``features`` (an index update
    moves the last run's), used instead of fitting."""
    weights = weights or TermWeights(zipf_ceiling=zipf_ceiling).fit(features)
    return weights, weights.transform(features, release=release)


def _batches(items: Iterable[Features], size: int) -> Iterable[list[Features] | tuple[np.ndarray, ...]]:
    if isinstance(items, FeatureTable):
        yield from items.batches(size)
        return
    batch: list[Features] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _count(part: list[Features] | tuple[np.ndarray, ...]) -> int:
    return len(part[0]) if isinstance(part, tuple) else len(part)


def _zipfs(part: list[Features] | tuple[np.ndarray, ...]) -> np.ndarray:
    if isinstance(part, tuple):
        return part[2]
    return np.concatenate([f.zipfs for f in part]) if part else np.empty(0, np.float32)


def used_columns(matrix: sp.csr_matrix) -> sp.csr_matrix:
    """``matrix`` without the columns no row uses: the same rows, renumbered in
    column order, so every dot product is the same number. A corpus uses a few
    hundred thousand of the 4M hashed columns (100k news documents: 103k), and a
    dense row of those is small enough for :func:`pair_similarity`'s table.

    >>> m = sp.csr_matrix(([0.6, 0.8, 1.0], [5, 900, 900], [0, 2, 3]), shape=(2, 1000))
    >>> used_columns(m).shape, used_columns(m).indices.tolist()
    ((2, 2), [0, 1, 1])
    """
    used = np.bincount(matrix.indices, minlength=matrix.shape[1]) > 0
    renumber = (np.cumsum(used) - 1).astype(matrix.indices.dtype)
    return sp.csr_matrix((matrix.data, renumber[matrix.indices], matrix.indptr),
                         shape=(matrix.shape[0], int(used.sum())))


# First documents whose rows pair_similarity spreads into its dense table at once:
# at 100k documents (103k used columns) the table is 6 MB, which stays in the cache.
_TABLE_ROWS = 8


def pair_similarity(matrix: sp.csr_matrix, pairs: np.ndarray, *, chunk: int = 4_096) -> np.ndarray:
    """Cosine of each ``(i, j)`` pair of rows of an L2-normalised matrix.

    A chunk's first documents are taken a few at a time: their rows are spread
    into a dense table (document x column), and each second row is read against
    its first document's row of it -- one sparse matrix-vector product for all
    of them, a lookup per term of the second row, where multiplying two sparse
    rows merges both. Candidate pairs come sorted by first document, a hundred
    per document, so a chunk has few. Each sum runs over the shared terms in
    column order (the others add exact zeros), so a pair's value does not
    depend on the chunk, nor on which of its documents comes first.

    The table has a column per column of ``matrix``: give it a matrix narrowed
    to its used columns (:func:`used_columns`, as :func:`dedupe.pipeline.term_matrix`
    does), not 4M hashed ones, when it scores many pairs.
    """
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    out = np.empty(len(pairs), dtype=np.float64)
    table = np.zeros(_TABLE_ROWS * matrix.shape[1])
    for start in range(0, len(pairs), chunk):
        part = pairs[start : start + chunk]
        firsts, slot = np.unique(part[:, 0], return_inverse=True)
        for low in range(0, len(firsts), _TABLE_ROWS):
            mine = np.flatnonzero((slot >= low) & (slot < low + _TABLE_ROWS))
            out[start + mine] = _against_table(matrix, firsts[low : low + _TABLE_ROWS], slot[mine] - low,
                                               part[mine, 1], table)
    return out


def _against_table(matrix: sp.csr_matrix, firsts: np.ndarray, slot: np.ndarray, seconds: np.ndarray,
                   table: np.ndarray) -> np.ndarray:
    """Dot product of each ``matrix[seconds[k]]`` with ``matrix[firsts[slot[k]]]``,
    through ``table`` (zero before, and again after)."""
    width = matrix.shape[1]
    rows = matrix[firsts]
    index_type = rows.indices.dtype  # int32 stays int32: the table has fewer than 2**31 entries
    spread = np.repeat(np.arange(len(firsts), dtype=index_type) * width, np.diff(rows.indptr)) + rows.indices
    table[spread] = rows.data
    others = matrix[seconds]
    columns = np.repeat(slot.astype(index_type) * width, np.diff(others.indptr)) + others.indices
    sims = sp.csr_matrix((others.data, columns, others.indptr), shape=(len(seconds), len(table))) @ table
    table[spread] = 0.0
    return sims


def merge_best(best: np.ndarray, pairs: np.ndarray, similarity: np.ndarray) -> np.ndarray:
    """``best`` (``(n_docs, count)``, each row best first, as :func:`best_similarities`
    gives) updated in place with the candidates ``pairs``: the ``count`` best
    of both per document, the same values one pass over all the candidates
    gives. Only the rows of the documents in ``pairs`` are touched, so a
    scan can merge a few hundred thousand pairs at a time.

    >>> best = merge_best(np.zeros((3, 2)), np.array([[0, 1]]), np.array([0.5]))
    >>> merge_best(best, np.array([[0, 2]]), np.array([0.7])).tolist()
    [[0.7, 0.5], [0.5, 0.0], [0.7, 0.0]]
    """
    count = best.shape[1]
    ends = np.asarray(pairs).ravel()
    values = np.repeat(similarity, 2)
    # An end no higher than its document's count-th best so far changes no value
    # of the best: after a scan's first chunks, nine ends in ten are dropped here.
    rises = values > best[ends, -1]
    rows, local = np.unique(ends[rises], return_inverse=True)
    both = np.concatenate([best[rows], _ranked(local, values[rises], len(rows), count)], axis=1)
    both.sort(axis=1)
    best[rows] = both[:, : -count - 1 : -1]
    return best


# Similarity levels _contenders sorts pair ends into: each holds about twice the
# ends of the one above, the top one about as many as the documents' best need.
_LEVELS = 8


def best_similarities(pairs: np.ndarray, similarity: np.ndarray, n_docs: int, count: int) -> np.ndarray:
    """``(n_docs, count)``: each document's ``count`` best candidate similarities,
    best first, 0-padded. Only the pair ends that can be among them
    (:func:`_contenders`, a tenth or so) are sorted.

    >>> best_similarities(np.array([[0, 1], [0, 2]]), np.array([0.5, 0.7]), 3, 2).tolist()
    [[0.7, 0.5], [0.5, 0.0], [0.7, 0.0]]
    """
    if not len(pairs):
        return np.zeros((n_docs, count))
    return _ranked(*_contenders(pairs, similarity, n_docs, count), n_docs, count)


def _ranked(docs: np.ndarray, values: np.ndarray, n_docs: int, count: int) -> np.ndarray:
    """``(n_docs, count)``: the ``count`` highest ``values`` of each of ``docs``, best first, 0-padded."""
    top = np.zeros((n_docs, count))
    order = np.lexsort((-values, docs))
    docs, values = docs[order], values[order]
    rank = np.arange(len(docs)) - np.searchsorted(docs, docs)
    best = rank < count
    top[docs[best], rank[best]] = values[best]
    return top


def _contenders(pairs: np.ndarray, similarity: np.ndarray, n_docs: int, count: int) -> tuple[np.ndarray, np.ndarray]:
    """``(document, similarity)`` of the pair ends that may be among their
    document's ``count`` best: each document keeps its ends of the highest
    similarity levels that hold ``count`` of them (levels cut at quantiles of
    ``similarity``), so every end it drops is below every end it keeps."""
    share = count * n_docs / (2 * len(pairs))
    sample = similarity[:: max(1, len(similarity) // 100_000)]  # quantiles only steer the cost
    cuts = np.unique(np.quantile(sample, np.clip(1 - share * 2.0 ** np.arange(_LEVELS), 0, 1)))
    level = len(cuts) - np.searchsorted(cuts, similarity, side="right")  # 0: at least the highest cut
    held = np.zeros(n_docs * (len(cuts) + 1), dtype=np.int64)
    for side in (0, 1):
        held += np.bincount(pairs[:, side] * (len(cuts) + 1) + level, minlength=len(held))
    enough = np.cumsum(held.reshape(n_docs, -1), axis=1) >= count
    lowest = np.where(enough[:, -1], np.argmax(enough, axis=1), len(cuts))  # each document's last level kept
    kept = [level <= lowest[pairs[:, side]] for side in (0, 1)]
    return (np.concatenate([pairs[kept[side], side] for side in (0, 1)]),
            np.concatenate([similarity[kept[side]] for side in (0, 1)]))


def accept_pairs(
    pairs: np.ndarray,
    similarity: np.ndarray,
    n_docs: int,
    *,
    threshold: float | np.ndarray,
    low_threshold: float,
    margin: float,
    neighbours: int,
    best: np.ndarray | None = None,
) -> np.ndarray:
    """Boolean mask of the candidate pairs judged to be copies of one story.

    A pair is accepted when its similarity reaches ``threshold``, or when it
    reaches ``low_threshold`` *and* stands out in its neighbourhood: the two
    documents are each other's most similar candidate, and their similarity is
    at least ``margin`` times the mean similarity of each one's next
    ``neighbours`` candidates (missing neighbours count as 0). The second rule
    is the margin criterion of bitext mining (Artetxe & Schwenk, 2019): two
    rewrites of one wire story share few words, but still far more than either
    shares with stories about the same people; it adapts to how alike the
    corpus is instead of trusting one absolute number.

    ``best``: each document's ``neighbours + 1`` best similarities over every
    candidate (:func:`merge_best`), when ``pairs`` holds only some of them --
    a scan verified block by block keeps only the pairs that reach the lower
    of the two thresholds, the only ones this can accept.

    >>> pairs = np.array([[0, 1], [0, 2], [1, 2], [2, 3]])
    >>> sims = np.array([0.20, 0.05, 0.04, 0.50])
    >>> accept_pairs(pairs, sims, 4, threshold=0.35, low_threshold=0.15, margin=2.0, neighbours=5).tolist()
    [True, False, False, True]
    """
    accepted = similarity >= threshold
    if not len(pairs):
        return accepted
    k = neighbours
    top = best_similarities(pairs, similarity, n_docs, k + 1) if best is None else best

    # Per document, not per pair: a (pairs x k) copy of ``top`` would be the
    # largest array of a scan.
    total, last = top.sum(axis=1), top[:, k]

    def background(doc: np.ndarray) -> np.ndarray:
        # Mean of the doc's k best other neighbours: drop the pair itself when it
        # is among the k + 1 best, otherwise the (k + 1)-th.
        inside = similarity >= last[doc]
        return (total[doc] - np.where(inside, similarity, last[doc])) / k

    mutual = (similarity >= top[pairs[:, 0], 0]) & (similarity >= top[pairs[:, 1], 0])
    level = (background(pairs[:, 0]) + background(pairs[:, 1])) / 2
    stands_out = mutual & (similarity >= margin * level)
    return accepted | ((similarity >= low_threshold) & stands_out)
