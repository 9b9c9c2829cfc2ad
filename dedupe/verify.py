"""Score candidate pairs exactly and keep those that are copies of one story.

LSH only proposes pairs. Each candidate is scored by the cosine between the two
documents' weighted term vectors, where a term's weight is

    (1 + log tf) * background * corpus

* ``background = max(0, zipf_ceiling - zipf)``: rarity in the language at large
  (wordfreq), so "liberation" outweighs "said" even in a corpus of five files;
* ``corpus = log((1 + N) / (1 + df)) + 1``: rarity in the scanned corpus, so the
  names every story shares (in a folder about one country's leaders) count less.

Terms are hashed into ``n_features`` columns (the hashing trick, as in
scikit-learn's ``HashingVectorizer``) so the vocabulary is never held.

>>> from dedupe.shingles import extract_terms
>>> docs = ["Putin and Kim met in Pyongyang for a summit.",
...         "Kim and Putin held a summit in Pyongyang.",
...         "Putin spoke to Kim by phone about Kursk."]
>>> weights = TermWeights().fit([extract_terms(d, "en") for d in docs])
>>> X = weights.transform([extract_terms(d, "en") for d in docs])
>>> sims = pair_similarity(X, np.array([[0, 1], [0, 2]]))
>>> bool(sims[0] > sims[1])
True
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.preprocessing import normalize

from dedupe.errors import ConfigError
from dedupe.shingles import Term, hash_key


class TermWeights:
    """Fit document frequencies on a corpus, then turn term lists into unit vectors."""

    def __init__(self, *, n_features: int = 1 << 22, zipf_ceiling: float = 7.0):
        if n_features < 1024:
            raise ConfigError(f"n_features={n_features} is too small; use at least 1024 (default 2**22)")
        if not 4.0 <= zipf_ceiling <= 9.0:
            raise ConfigError(f"zipf_ceiling={zipf_ceiling} must be between 4 and 9 (default 7.0)")
        self.n_features = n_features
        self.zipf_ceiling = zipf_ceiling
        self._df = np.zeros(n_features, dtype=np.int32)
        self._n_docs = 0

    def _row(self, terms: Sequence[Term]) -> tuple[np.ndarray, np.ndarray]:
        tf = Counter(t.key for t in terms)
        zipf = {t.key: t.zipf for t in terms}
        keys = [k for k in tf if zipf[k] < self.zipf_ceiling]
        cols = np.fromiter((hash_key(k) % self.n_features for k in keys), dtype=np.int64, count=len(keys))
        vals = np.fromiter(
            ((1.0 + np.log(tf[k])) * (self.zipf_ceiling - zipf[k]) for k in keys), dtype=np.float64, count=len(keys)
        )
        return cols, vals

    def partial_fit(self, term_lists: Iterable[Sequence[Term]]) -> "TermWeights":
        """Add documents to the frequency counts (call repeatedly to stream)."""
        for terms in term_lists:
            cols, _ = self._row(terms)
            self._df[np.unique(cols)] += 1
            self._n_docs += 1
        return self

    def fit(self, term_lists: Iterable[Sequence[Term]]) -> "TermWeights":
        self._df[:] = 0
        self._n_docs = 0
        return self.partial_fit(term_lists)

    def transform(self, term_lists: Iterable[Sequence[Term]]) -> sp.csr_matrix:
        """L2-normalised rows of weighted terms, one per document."""
        idf = np.log((1.0 + self._n_docs) / (1.0 + self._df)) + 1.0
        indptr, indices, data = [0], [], []
        for terms in term_lists:
            cols, vals = self._row(terms)
            indices.append(cols)
            data.append(vals * idf[cols])
            indptr.append(indptr[-1] + len(cols))
        matrix = sp.csr_matrix(
            (
                np.concatenate(data) if data else np.empty(0),
                np.concatenate(indices) if indices else np.empty(0, dtype=np.int64),
                np.asarray(indptr),
            ),
            shape=(len(indptr) - 1, self.n_features),
        )
        matrix.sum_duplicates()
        return normalize(matrix)


def pair_similarity(matrix: sp.csr_matrix, pairs: np.ndarray, *, chunk: int = 100_000) -> np.ndarray:
    """Cosine of each ``(i, j)`` pair of rows of an L2-normalised matrix."""
    out = np.empty(len(pairs), dtype=np.float64)
    for start in range(0, len(pairs), chunk):
        part = pairs[start : start + chunk]
        out[start : start + len(part)] = np.asarray(matrix[part[:, 0]].multiply(matrix[part[:, 1]]).sum(axis=1)).ravel()
    return out
