"""Union-find over verified pairs: connected components become clusters.

Iterative with path halving, so a long chain of copies cannot overflow the
stack (text-dedup's recursive version can).

>>> import numpy as np
>>> connected_components(5, np.array([[0, 1], [1, 2], [3, 4]]))
[[0, 1, 2], [3, 4]]
"""
from __future__ import annotations

import numpy as np


class UnionFind:
    """Disjoint sets over ``0..n-1``; the smaller index is always the root."""

    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, x: int) -> int:
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def connected_components(n: int, pairs: np.ndarray) -> list[list[int]]:
    """Groups of two or more indices linked by ``pairs``, each sorted, ordered by first member."""
    uf = UnionFind(n)
    for a, b in pairs:
        uf.union(int(a), int(b))
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(uf.find(i), []).append(i)
    return [g for _, g in sorted(groups.items()) if len(g) > 1]
