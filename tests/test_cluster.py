"""Tests for dedupe.cluster: iterative union-find into sorted components."""
from __future__ import annotations

import sys

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components as scipy_components

from dedupe.cluster import UnionFind, connected_components


def test_long_chain_needs_no_recursion():
    n = 10_000
    assert n > sys.getrecursionlimit()
    # Unions from the far end first build the deepest tree before any path is halved.
    chain = np.array([[i, i + 1] for i in reversed(range(n - 1))])
    assert connected_components(n, chain) == [list(range(n))]
    rng = np.random.default_rng(0)
    assert connected_components(n, chain[rng.permutation(len(chain))]) == [list(range(n))]


def test_root_is_the_smallest_member():
    uf = UnionFind(6)
    uf.union(5, 4)
    uf.union(4, 2)
    uf.union(3, 5)
    assert {uf.find(i) for i in (2, 3, 4, 5)} == {2}
    assert uf.find(0) == 0 and uf.find(1) == 1


def test_components_are_sorted_and_singletons_left_out():
    pairs = np.array([[7, 3], [5, 3], [9, 1], [4, 4]])
    assert connected_components(10, pairs) == [[1, 9], [3, 5, 7]]
    assert connected_components(4, np.empty((0, 2), dtype=np.int64)) == []


def test_matches_scipy_on_a_random_graph():
    rng = np.random.default_rng(3)
    n = 500
    pairs = rng.integers(0, n, size=(300, 2))
    graph = coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(n, n))
    _, labels = scipy_components(graph, directed=False)
    expected = {}
    for i, label in enumerate(labels):
        expected.setdefault(label, []).append(i)
    expected = sorted(g for g in expected.values() if len(g) > 1)
    assert connected_components(n, pairs) == expected
