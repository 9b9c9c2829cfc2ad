"""Join the copies of one story that are written in different languages.

A translation shares only names, numbers and cognates with its source, so LSH
seldom proposes the pair (a tenth of the true cross-language pairs of the 10k
benchmark tier become candidates) and its cosine stays under any pair
threshold. Yet the source still ranks its translations first: measured on WMT
stories, the nearest of 150 English translations to a Russian, Ukrainian,
Icelandic or Japanese source is its own in 95% of cases
(``benchmarks/crosslingual_probe.py``). So the evidence is there at the level
of a whole story, not of a pair.

After clustering, every group -- a cluster or a document alone -- in a
language other than the corpus's most common one is a *query*. It is compared
with every group in another language by the cosine of their centroids (the
normalised sum of their members' term rows: a cluster of ten translations
carries the names and numbers of all ten). The query joins its best match when
that similarity reaches ``min_similarity`` and is ``margin`` times the next
best group's (or ``min_similarity``, where no other group is close): one
story's translations stand out, stories that only share actors do not. Each
query joins at most one group a pass, and the passes stop when nothing joins
(three at most), so a wrong link adds a group or two, it does not chain.

>>> import numpy as np, scipy.sparse as sp
>>> rows = sp.csr_matrix(np.array([[1.0, 0, 0], [0.6, 0.8, 0], [0, 0, 1.0]]))
>>> link_languages([], ["en", "ru", "en"], rows, min_similarity=0.05, margin=1.5)[0]
[[0, 1]]
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.preprocessing import normalize

from dedupe.errors import ConfigError
from dedupe.types import Pair

# Query rows multiplied at once: bounds the sparse product held in memory.
_CHUNK = 256
# Linking passes at most; on the benchmark tiers the third finds nothing new.
_PASSES = 3


def link_languages(
    groups: Sequence[Sequence[int]],
    languages: Sequence[str | None],
    matrix: sp.csr_matrix,
    *,
    min_similarity: float = 0.05,
    margin: float = 1.5,
) -> tuple[list[list[int]], list[Pair]]:
    """``groups`` (sorted, ordered by first member, as :func:`dedupe.cluster.cluster_pairs`
    gives them) with queries joined to their match, and one :class:`Pair` per
    link: the most similar two documents of the two groups, so the report shows
    what tied them."""
    if not 0.0 <= min_similarity <= 1.0:
        raise ConfigError(f"min_similarity={min_similarity!r} must be from 0 to 1 (default 0.05)")
    if not 1.0 <= margin <= 100.0:
        raise ConfigError(f"margin={margin!r} must be from 1 to 100 (default 1.5)")
    n = matrix.shape[0]
    if len(languages) != n:
        raise ConfigError(f"{len(languages)} languages for {n} term rows; give one per document")
    codes = {lang: k for k, lang in enumerate(sorted({lang or "" for lang in languages}))}
    doc_code = np.array([codes[lang or ""] for lang in languages], dtype=np.int64)
    groups, pairs = [list(g) for g in groups], []
    # A second pass lets a third language find the story through the versions
    # that joined it in the first (a Japanese translation of an English source
    # that an Icelandic translation joined); passes stop when nothing joins.
    for _ in range(_PASSES):
        units = _units(groups, n)
        links = _links(units, doc_code, matrix, min_similarity, margin)
        if not links:
            break
        groups = _join(units, links)
        pairs += [_link_pair(units[u], units[t], matrix) for u, t in links]
    return groups, pairs


def _links(units: list[np.ndarray], doc_code: np.ndarray, matrix: sp.csr_matrix,
           min_similarity: float, margin: float) -> list[tuple[int, int]]:
    """``(query, target)`` unit pairs: each query unit and the unit it joins."""
    unit_code = np.array([Counter(doc_code[m].tolist()).most_common(1)[0][0] for m in units], dtype=np.int64)
    queries = np.flatnonzero(unit_code != Counter(doc_code.tolist()).most_common(1)[0][0])
    if not len(queries):
        return []
    owner = np.repeat(np.arange(len(units)), [len(m) for m in units])
    membership = sp.csr_matrix((np.ones(len(owner)), (owner, np.concatenate(units))), shape=(len(units), len(owner)))
    centroids = normalize(membership @ matrix).tocsr()
    links = []
    for start in range(0, len(queries), _CHUNK):
        chunk = queries[start:start + _CHUNK]
        sims = (centroids[chunk] @ centroids.T).tocsr()
        for row, unit in enumerate(chunk):
            found = _best(sims, row, unit_code != unit_code[unit], min_similarity, margin)
            if found is not None:
                links.append((int(unit), found))
    return links


def _units(groups: Sequence[Sequence[int]], n: int) -> list[np.ndarray]:
    """The groups, then every document in none of them, as member arrays."""
    grouped = np.zeros(n, dtype=bool)
    units = []
    for g in groups:
        units.append(np.asarray(g, dtype=np.int64))
        grouped[units[-1]] = True
    return units + [np.array([i]) for i in np.flatnonzero(~grouped)]


def _best(sims: sp.csr_matrix, row: int, allowed: np.ndarray, min_similarity: float, margin: float) -> int | None:
    """The unit that ``row`` joins, if its best allowed match stands out."""
    lo, hi = sims.indptr[row], sims.indptr[row + 1]
    cols, vals = sims.indices[lo:hi], sims.data[lo:hi]
    keep = allowed[cols]
    cols, vals = cols[keep], vals[keep]
    if not len(cols):
        return None
    order = np.lexsort((cols, -vals))  # ties go to the lower unit, whatever the product's order
    best = vals[order[0]]
    runner_up = vals[order[1]] if len(order) > 1 else 0.0
    if best >= min_similarity and best >= margin * max(runner_up, min_similarity):
        return int(cols[order[0]])
    return None


def _join(units: Sequence[np.ndarray], links: Sequence[tuple[int, int]]) -> list[list[int]]:
    """Groups of two or more documents after the links, sorted, ordered by first member."""
    parent = list(range(len(units)))

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in links:
        parent[root(a)] = root(b)
    merged: dict[int, list[int]] = {}
    for k, members in enumerate(units):
        merged.setdefault(root(k), []).extend(members.tolist())
    return sorted(sorted(g) for g in merged.values() if len(g) > 1)


def _link_pair(query: np.ndarray, target: np.ndarray, matrix: sp.csr_matrix) -> Pair:
    """The most similar document pair across a link (lowest indices on ties)."""
    block = (matrix[query] @ matrix[target].T).toarray()
    i, j = np.unravel_index(int(np.argmax(block)), block.shape)
    a, b = sorted((int(query[i]), int(target[j])))
    return Pair(a, b, float(block[i, j]))
