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
carries the names and numbers of all ten). The query's centroid is made of
all its terms, so a long text that shares one date with a target is a weak
match; the target's only of the terms that the main language and some other
language both write (:func:`shared_terms`), so a target is measured by what a
translation of it could share: on full rows, an English text with many words
no Japanese text writes met its own Japanese source less well than a short
text that shared a date with it. A group that spans languages has a centroid
per language, and two groups are as similar as their most similar parts in two
languages, one of them the main one: once an English source has joined its
twelve Icelandic translations, a Japanese translation of it still meets the
English text, not an average diluted twelve to one by Icelandic words it
shares nothing with. Two parts in two other languages (a Russian and a
Ukrainian text) are not compared: each narrowed to what it shares with the
main language, two unrelated sources met on a few names and numbers. The
query joins its best match when
that similarity reaches ``min_similarity`` and is ``margin`` times the next
best group's (or ``min_similarity``, where no other group is close): one
story's translations stand out, stories that only share actors do not. Each
query joins at most one group a pass, and the passes stop when nothing joins
(three at most), so a wrong link adds a group or two, it does not chain.

Only similarities of at least ``min_similarity`` can decide a link (a weaker
runner-up counts as ``min_similarity``), so a query keeps just those -- a few
of the tens of thousands of groups its centroid touches. A pass joins a few
hundred of tens of thousands of groups, and a query's similarity to a group
that did not change is the same number, so later passes only compute the
products of the new groups (:class:`_Matches`).

>>> import numpy as np, scipy.sparse as sp
>>> rows = sp.csr_matrix(np.array([[1.0, 0, 0], [0.6, 0.8, 0], [0, 0, 1.0]]))
>>> link_languages([], ["en", "ru", "en"], rows, min_similarity=0.05, margin=1.5)[0]
[[0, 1]]
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.preprocessing import normalize

from dedupe.errors import ConfigError
from dedupe.types import Pair

# Query rows multiplied at once: bounds the sparse product held in memory.
_CHUNK = 256
# Term rows narrowed at once by shared_terms: bounds its per-entry arrays.
_ROW_BLOCK = 1 << 16
# Linking passes at most; on the benchmark tiers the third finds nothing new.
_PASSES = 3


def link_languages(
    groups: Sequence[Sequence[int]],
    languages: Sequence[str | None],
    matrix: sp.csr_matrix,
    *,
    min_similarity: float = 0.08,
    margin: float = 1.5,
    allow: Callable[[np.ndarray, np.ndarray], bool] | None = None,
) -> tuple[list[list[int]], list[Pair]]:
    """``groups`` (sorted, ordered by first member, as :func:`dedupe.cluster.cluster_pairs`
    gives them) with queries joined to their match, and one :class:`Pair` per
    link: the most similar two documents of the two groups, so the report shows
    what tied them. ``allow(query members, target members)``, when given, can
    refuse a link (the number check of :mod:`dedupe.numberset`)."""
    if not 0.0 <= min_similarity <= 1.0:
        raise ConfigError(f"min_similarity={min_similarity!r} must be from 0 to 1 (default 0.08)")
    if not 1.0 <= margin <= 100.0:
        raise ConfigError(f"margin={margin!r} must be from 1 to 100 (default 1.5)")
    n = matrix.shape[0]
    if len(languages) != n:
        raise ConfigError(f"{len(languages)} languages for {n} term rows; give one per document")
    codes = {lang: k for k, lang in enumerate(sorted({lang or "" for lang in languages}))}
    doc_code = np.array([codes[lang or ""] for lang in languages], dtype=np.int64)
    matches = _Matches(matrix, shared_terms(matrix, doc_code), doc_code, min_similarity)
    groups, pairs = [list(g) for g in groups], []
    # A second pass lets a third language find the story through the versions
    # that joined it in the first (a Japanese translation of an English source
    # that an Icelandic translation joined); passes stop when nothing joins.
    for _ in range(_PASSES):
        units = _units(groups, n)
        links = matches.links(units, margin)
        if allow is not None:
            links = [(u, t) for u, t in links if allow(units[u], units[t])]
        if not links:
            break
        groups = _join(units, links)
        pairs += [_link_pair(units[u], units[t], matrix) for u, t in links]
    return groups, pairs


def shared_terms(matrix: sp.csr_matrix, doc_code: np.ndarray) -> sp.csr_matrix:
    """The term rows (renormalised) narrowed to the columns that documents in
    the most common language and documents in some other language both use:
    what link targets are measured on.

    A link rests on what two languages both write -- names, numbers, cognates.
    A term no other language writes (an English text's own words, a Japanese
    text's kanji pairs and katakana spellings) never adds to a product across
    languages, but it does add to a target's length, so on full rows a target
    rich in such words ranked below a short one that shares a date with the
    query (Japanese WMT sources among English versions of 20 stories: 7 joined
    their story, 17 on narrowed targets, ``tests/test_crosslingual.py``). Rows
    are narrowed block by block, so no array as long as the whole matrix's
    entries is made.

    >>> m = shared_terms(sp.csr_matrix(np.array([[1.0, 1, 0], [1, 0, 1]])), np.array([0, 1]))
    >>> m.toarray().tolist()
    [[1.0, 0.0, 0.0], [1.0, 0.0, 0.0]]
    """
    majority = _majority(doc_code) if len(doc_code) else 0
    in_main, in_other = (np.zeros(matrix.shape[1], dtype=bool) for _ in range(2))
    blocks = [(lo, min(lo + _ROW_BLOCK, matrix.shape[0])) for lo in range(0, matrix.shape[0], _ROW_BLOCK)]
    for lo, hi in blocks:
        block = matrix[lo:hi]
        main = np.repeat(doc_code[lo:hi] == majority, np.diff(block.indptr))
        in_main[block.indices[main]] = True
        in_other[block.indices[~main]] = True
    keep, narrowed = in_main & in_other, []
    for lo, hi in blocks:
        block = matrix[lo:hi]
        kept = keep[block.indices]
        indptr = np.concatenate([[0], np.cumsum(kept)])[block.indptr]  # entries kept before each row
        narrowed.append(sp.csr_matrix((block.data[kept], block.indices[kept], indptr), shape=block.shape))
    return normalize(sp.vstack(narrowed, format="csr") if narrowed else matrix[:0], copy=False)


class _Matches:
    """Each query unit's similar units (at least ``min_similarity``, other
    language), kept from one pass to the next.

    Queries' centroids come from ``matrix``, targets' from ``shared`` (see
    :func:`shared_terms`). Units are known by ``(first member, size)``: they
    only grow by joining, so a unit with the same first member and size is the
    same unit. Each gets an id when first seen; the column block of its
    language parts' centroids (:func:`_parts`, transposed, for the units new in
    that pass) is kept for the queries that come later.
    """

    def __init__(self, matrix: sp.csr_matrix, shared: sp.csr_matrix, doc_code: np.ndarray, min_similarity: float):
        self.matrix, self.shared, self.doc_code, self.floor = matrix, shared, doc_code, min_similarity
        self.majority = Counter(doc_code.tolist()).most_common(1)[0][0] if len(doc_code) else 0
        self.ids: dict[tuple[int, int], int] = {}
        self.code = np.empty(0, dtype=np.int64)  # each id's language code
        # (each part's unit id, each part's language code, transposed part centroids)
        self.blocks: list[tuple[np.ndarray, np.ndarray, sp.csr_matrix]] = []
        self.found: dict[int, tuple[np.ndarray, np.ndarray]] = {}  # query id -> (unit ids, similarities)

    def links(self, units: list[np.ndarray], margin: float) -> list[tuple[int, int]]:
        """``(query, target)`` unit positions: each query unit and the unit it joins."""
        ids, fresh = self._register(units)
        position = np.full(len(self.code), -1, dtype=np.int64)
        position[ids] = np.arange(len(ids))
        queries = np.flatnonzero(self.code[ids] != self.majority)
        known = np.array([q for q in queries if ids[q] in self.found], dtype=np.int64)
        new = np.setdiff1d(queries, known)
        # A known query only meets the new units; a new one meets every unit.
        self._search(units, ids, known, self.blocks[-1:] if fresh else [], position)
        self._search(units, ids, new, self.blocks, position)
        self.found = {ids[q]: self.found[ids[q]] for q in queries}
        links = []
        for q in queries:
            target = _best(*self.found[ids[q]], position, self.floor, margin)
            if target is not None:
                links.append((int(q), target))
        return links

    def _register(self, units: list[np.ndarray]) -> tuple[np.ndarray, bool]:
        """Each unit's id, and whether any is new (then its centroids form a new block)."""
        ids = np.empty(len(units), dtype=np.int64)
        fresh = []
        for k, members in enumerate(units):
            uid = self.ids.setdefault((int(members[0]), len(members)), len(self.ids))
            ids[k] = uid
            if uid >= len(self.code):  # first seen in this pass
                fresh.append(k)
        if fresh:
            self.code = np.concatenate([self.code, [_majority(self.doc_code[units[k]]) for k in fresh]])
            owner, codes, block = _parts([units[k] for k in fresh], self.doc_code, self.shared)
            self.blocks.append((ids[fresh][owner], codes, block.T.tocsr()))
        return ids, bool(fresh)

    def _search(self, units: list[np.ndarray], ids: np.ndarray, queries: np.ndarray,
                blocks: list[tuple[np.ndarray, np.ndarray, sp.csr_matrix]], position: np.ndarray) -> None:
        """Add to ``found`` the similar units of ``queries`` (positions) among ``blocks``,
        and drop the units that are gone."""
        for start in range(0, len(queries), _CHUNK):
            chunk = queries[start:start + _CHUNK]
            owner, codes, rows = _parts([units[q] for q in chunk], self.doc_code, self.matrix)
            query = (owner, codes, self.code[ids[chunk]][owner], len(chunk))
            parts = [self._similar(rows, query, *block) for block in blocks]
            for k, q in enumerate(chunk):
                found = [self.found.get(ids[q], _NONE), *(part[k] for part in parts)]
                targets, sims = (np.concatenate(column) for column in zip(*found))
                alive = position[targets] >= 0
                self.found[ids[q]] = targets[alive], sims[alive]

    def _similar(self, rows: sp.csr_matrix, query: tuple[np.ndarray, np.ndarray, np.ndarray, int],
                 block_ids: np.ndarray, block_codes: np.ndarray,
                 block: sp.csr_matrix) -> list[tuple[np.ndarray, np.ndarray]]:
        """Per query unit, ``(unit ids, similarities)`` of the block's units in
        another language whose best pair of parts in two languages (one the
        main one) reaches ``floor``. ``rows``: the queries' part centroids;
        ``query``: each row's query, its language code, its query's code, and
        the query count."""
        owner, row_code, query_code, n_queries = query
        sims = rows @ block
        strong = np.flatnonzero(sims.data >= self.floor)
        column, row = sims.indices[strong], np.searchsorted(sims.indptr, strong, side="right") - 1
        targets = block_ids[column]
        # Two parts in two languages, one of them the main one: targets are
        # narrowed to what the main language shares with the others (shared_terms).
        keep = ((self.code[targets] != query_code[row]) & (block_codes[column] != row_code[row])
                & ((block_codes[column] == self.majority) | (row_code[row] == self.majority)))
        queries, targets, values = owner[row[keep]], targets[keep], sims.data[strong][keep]
        # A unit's best part pair: the first of each (query, target) sorted by falling similarity.
        order = np.lexsort((-values, targets, queries))
        queries, targets, values = queries[order], targets[order], values[order]
        first = np.ones(len(queries), dtype=bool)
        first[1:] = (queries[1:] != queries[:-1]) | (targets[1:] != targets[:-1])
        queries, targets, values = queries[first], targets[first], values[first]
        bounds = np.searchsorted(queries, np.arange(n_queries + 1))
        return [(targets[lo:hi], values[lo:hi]) for lo, hi in zip(bounds[:-1], bounds[1:])]


_NONE = (np.empty(0, dtype=np.int64), np.empty(0))


def _majority(codes: np.ndarray) -> int:
    """The most common code (the first met on ties)."""
    if len(codes) == 1:  # most units are one document: no Counter for those
        return int(codes[0])
    return Counter(codes.tolist()).most_common(1)[0][0]


def _parts(units: Sequence[np.ndarray], doc_code: np.ndarray,
           matrix: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray, sp.csr_matrix]:
    """Each unit's members split by language: ``(unit position, language code,
    centroid)`` of every part, parts in unit order, then code order. A centroid
    is the normalised sum of the part's term rows, computed row by row the same
    way whichever units come with it, so a unit's similarities do not depend on
    the pass or the chunk.

    >>> rows = sp.csr_matrix(np.eye(3))
    >>> owner, codes, centroids = _parts([np.array([0, 1, 2])], np.array([1, 0, 1]), rows)
    >>> owner.tolist(), codes.tolist(), centroids.toarray().round(3).tolist()
    ([0, 0], [0, 1], [[0.0, 1.0, 0.0], [0.707, 0.0, 0.707]])
    """
    members = np.concatenate(units)
    unit = np.repeat(np.arange(len(units)), [len(m) for m in units])
    width = int(doc_code.max(initial=0)) + 1
    keys, part = np.unique(unit * width + doc_code[members], return_inverse=True)
    membership = sp.csr_matrix((np.ones(len(members)), (part.ravel(), members)), shape=(len(keys), matrix.shape[0]))
    centroids = normalize(membership @ matrix, copy=False).tocsr()  # a new matrix: normalised in place
    return keys // width, keys % width, centroids


def _units(groups: Sequence[Sequence[int]], n: int) -> list[np.ndarray]:
    """The groups, then every document in none of them, as member arrays."""
    grouped = np.zeros(n, dtype=bool)
    units = []
    for g in groups:
        units.append(np.asarray(g, dtype=np.int64))
        grouped[units[-1]] = True
    return units + [np.array([i]) for i in np.flatnonzero(~grouped)]


def _best(targets: np.ndarray, sims: np.ndarray, position: np.ndarray, min_similarity: float,
          margin: float) -> int | None:
    """The position of the unit a query joins, if its best match (``targets``,
    all at least ``min_similarity``) stands out: a weaker runner-up counts as
    ``min_similarity``."""
    if not len(targets):
        return None
    places = position[targets]
    order = np.lexsort((places, -sims))  # ties go to the lower unit
    best = sims[order[0]]
    runner_up = sims[order[1]] if len(order) > 1 else 0.0
    if best >= margin * max(runner_up, min_similarity):
        return int(places[order[0]])
    return None


def _join(units: Sequence[np.ndarray], links: Sequence[tuple[int, int]]) -> list[list[int]]:
    """Groups of two or more documents after the links, sorted, ordered by first member.
    Only the linked units are merged; the others (tens of thousands) pass through."""
    parent: dict[int, int] = {}

    def root(x: int) -> int:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in links:
        parent[root(a)] = root(b)
    merged: dict[int, list[int]] = {}
    for k in parent:
        merged.setdefault(root(k), []).extend(units[k].tolist())
    kept = (units[k].tolist() for k in range(len(units)) if len(units[k]) > 1 and k not in parent)
    return sorted([*kept, *(sorted(g) for g in merged.values())])


def _link_pair(query: np.ndarray, target: np.ndarray, matrix: sp.csr_matrix) -> Pair:
    """The most similar document pair across a link (lowest indices on ties)."""
    rows = matrix[np.concatenate([query, target])]
    # Renumbered to the columns these rows use: transposing rows of millions of
    # hashed columns costs far more than their product.
    _, columns = np.unique(rows.indices, return_inverse=True)
    rows = sp.csr_matrix((rows.data, columns, rows.indptr), shape=(rows.shape[0], columns.max(initial=-1) + 1))
    block = (rows[:len(query)] @ rows[len(query):].T).toarray()
    i, j = np.unravel_index(int(np.argmax(block)), block.shape)
    a, b = sorted((int(query[i]), int(target[j])))
    return Pair(a, b, float(block[i, j]))
