"""Turn verified pairs into clusters, without chaining unrelated stories together.

Plain connected components (what most near-duplicate tools use) let one weak
link merge two stories, and on news about the same people a chain of such
links swallows hundreds of documents. Here clusters grow by *supported*
merges: verified pairs are taken from the most to the least similar, and a
pair joins its two clusters only when at least ``min_support`` of all
cross pairs between them are verified pairs too -- copies of one story are
alike among themselves, a chain of topical neighbours is not.
``min_support=0`` gives plain connected components.

>>> import numpy as np
>>> edges = np.array([[0, 1], [1, 2], [3, 4]])
>>> cluster_pairs(5, edges, np.array([0.9, 0.5, 0.8]), min_support=0.0)
[[0, 1, 2], [3, 4]]
>>> cluster_pairs(5, edges, np.array([0.9, 0.5, 0.8]), min_support=0.6)
[[0, 1], [3, 4]]
"""
from __future__ import annotations

from collections import defaultdict

import numpy as np

from dedupe.errors import ConfigError


def cluster_pairs(n: int, edges: np.ndarray, similarity: np.ndarray, *, min_support: float = 0.5) -> list[list[int]]:
    """Groups of two or more of ``0..n-1``, each sorted, ordered by first member."""
    if not 0.0 <= min_support <= 1.0:
        raise ConfigError(f"min_support={min_support} must be from 0 to 1 (default 0.5)")
    neighbours: dict[int, set[int]] = defaultdict(set)
    for a, b in edges.tolist():
        neighbours[a].add(b)
        neighbours[b].add(a)
    cluster_of = list(range(n))
    members: dict[int, list[int]] = {}
    # Most similar first; ties broken by the documents, so input order does not matter.
    for k in np.lexsort((edges[:, 1], edges[:, 0], -np.asarray(similarity))):
        a, b = (int(x) for x in edges[k])
        ca, cb = cluster_of[a], cluster_of[b]
        if ca == cb:
            continue
        small, large = members.get(ca, [a]), members.get(cb, [b])
        if len(small) > len(large):
            small, large, ca, cb = large, small, cb, ca
        if min_support > 0:
            target = set(large)
            links = sum(len(neighbours[x] & target) for x in small)
            if links < min_support * len(small) * len(large):
                continue
        for x in small:
            cluster_of[x] = cb
        members[cb] = large + small
        members.pop(ca, None)
    return sorted(sorted(group) for group in members.values() if len(group) > 1)
