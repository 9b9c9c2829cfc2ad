"""Tests for dedupe.cluster: supported merges, and plain components at min_support=0."""
from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components as scipy_components

from dedupe.cluster import cluster_pairs
from dedupe.errors import ConfigError


def components(n, pairs):
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    return cluster_pairs(n, pairs, np.ones(len(pairs)), min_support=0.0)


def test_long_chain_is_one_component_without_recursion():
    n = 10_000
    chain = np.array([[i, i + 1] for i in reversed(range(n - 1))])
    assert components(n, chain) == [list(range(n))]


def test_components_are_sorted_and_singletons_left_out():
    assert components(10, [[7, 3], [5, 3], [9, 1], [4, 4]]) == [[1, 9], [3, 5, 7]]
    assert components(4, []) == []


def test_zero_support_matches_scipy_on_a_random_graph():
    rng = np.random.default_rng(3)
    n = 500
    pairs = rng.integers(0, n, size=(300, 2))
    graph = coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(n, n))
    _, labels = scipy_components(graph, directed=False)
    expected = {}
    for i, label in enumerate(labels):
        expected.setdefault(label, []).append(i)
    assert components(n, pairs) == sorted(g for g in expected.values() if len(g) > 1)


def test_a_weak_chain_does_not_merge_two_tight_groups():
    # Two groups of mutually similar copies and one weak link between them.
    group_a, group_b = [0, 1, 2, 3], [4, 5, 6]
    edges = [list(p) for g in (group_a, group_b) for p in itertools.combinations(g, 2)] + [[3, 4]]
    sims = [0.9] * (len(edges) - 1) + [0.4]
    result = cluster_pairs(7, np.array(edges), np.array(sims), min_support=0.5)
    assert result == [group_a, group_b]
    assert cluster_pairs(7, np.array(edges), np.array(sims), min_support=0.0) == [list(range(7))]


def test_a_copy_linked_to_most_of_a_group_joins_it():
    edges = [[0, 1], [0, 2], [1, 2], [3, 0], [3, 1]]
    result = cluster_pairs(4, np.array(edges), np.array([0.9, 0.9, 0.9, 0.5, 0.5]), min_support=0.5)
    assert result == [[0, 1, 2, 3]]


def test_result_does_not_depend_on_edge_order():
    rng = np.random.default_rng(7)
    edges = rng.integers(0, 60, size=(200, 2))
    edges = edges[edges[:, 0] != edges[:, 1]]
    sims = rng.random(len(edges)).round(2)
    order = rng.permutation(len(edges))
    assert cluster_pairs(60, edges, sims) == cluster_pairs(60, edges[order], sims[order])


def test_min_support_is_checked():
    with pytest.raises(ConfigError, match="min_support"):
        cluster_pairs(3, np.empty((0, 2), dtype=np.int64), np.empty(0), min_support=1.5)
