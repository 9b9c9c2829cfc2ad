"""Tests for dedupe.crosslingual: groups in other languages join their story, strays do not."""
from __future__ import annotations

import itertools
import random
from collections import Counter

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.preprocessing import normalize

from corpora import iter_corpus, wmt_stories
from dedupe import ScanConfig, scan_documents
from dedupe.config import ClusterConfig
from dedupe.crosslingual import link_languages
from dedupe.errors import ConfigError
from dedupe.types import Document


def rows(*vectors) -> sp.csr_matrix:
    """Unit term rows, as :func:`dedupe.pipeline.term_matrix` makes them."""
    return normalize(sp.csr_matrix(np.array(vectors, dtype=float)))


def test_a_group_in_another_language_joins_the_group_it_stands_out_for():
    matrix = rows([1, 0, 0, 0], [1, 0, 0, 0], [0, 0, 1, 0], [0.9, 0.1, 0, 0], [0, 0, 0, 1])
    groups, links = link_languages([[0, 1]], ["en", "en", "en", "ru", "en"], matrix)
    assert groups == [[0, 1, 3]]
    assert [(p.a, p.b) for p in links] == [(0, 3)] and links[0].similarity == pytest.approx(0.9939, abs=1e-3)


def test_a_link_the_caller_refuses_is_not_made():
    matrix = rows([1, 0, 0, 0], [1, 0, 0, 0], [0, 0, 1, 0], [0.9, 0.1, 0, 0], [0, 0, 0, 1])
    asked = []
    groups, links = link_languages([[0, 1]], ["en", "en", "en", "ru", "en"], matrix,
                                   allow=lambda q, t: asked.append((q.tolist(), t.tolist())) or False)
    assert asked == [([3], [0, 1])]
    assert groups == [[0, 1]] and links == []


def test_no_link_when_two_groups_are_about_as_close():
    # the Russian document is as near to story {0, 1} as to document 2: no margin
    matrix = rows([1, 0, 0], [1, 0, 0], [0, 1, 0], [0.7, 0.7, 0.1])
    groups, links = link_languages([[0, 1]], ["en", "en", "en", "ru"], matrix, margin=1.5)
    assert groups == [[0, 1]] and links == []


def test_a_single_language_corpus_is_left_as_it_is():
    matrix = rows([1, 0], [0.9, 0.1], [0, 1])
    assert link_languages([[0, 1]], ["en"] * 3, matrix) == ([[0, 1]], [])


def test_documents_of_the_same_language_never_link_to_each_other():
    # two Russian documents alike, one English: the Russians may only meet the English one
    matrix = rows([0, 1], [1, 0], [1, 0])
    groups, _ = link_languages([], ["en", "ru", "ru"], matrix, min_similarity=0.05)
    assert groups == []


def test_parameters_are_checked():
    matrix = rows([1.0])
    with pytest.raises(ConfigError, match="min_similarity"):
        link_languages([], ["en"], matrix, min_similarity=1.5)
    with pytest.raises(ConfigError, match="margin"):
        link_languages([], ["en"], matrix, margin=0.5)
    with pytest.raises(ConfigError, match="languages"):
        link_languages([], ["en", "ru"], matrix)


def _link_by_brute_force(groups, languages, matrix, min_similarity, margin):
    """The rule of :mod:`dedupe.crosslingual` on dense arrays, every similarity
    recomputed every pass: what the kept matches and new-unit products must give."""
    n = matrix.shape[0]
    dense = matrix.toarray()
    codes = np.array([sorted(set(languages)).index(lang) for lang in languages])
    majority = Counter(codes.tolist()).most_common(1)[0][0]
    # a query is read whole, a target on the terms written both in the main language and in another
    shared = dense * ((dense[codes == majority] > 0).any(axis=0) & (dense[codes != majority] > 0).any(axis=0))
    shared /= np.linalg.norm(shared, axis=1, keepdims=True)
    groups = [list(g) for g in groups]
    for _ in range(3):
        grouped = {m for g in groups for m in g}
        units = [list(g) for g in groups] + [[i] for i in range(n) if i not in grouped]
        unit_code = np.array([Counter(codes[u].tolist()).most_common(1)[0][0] for u in units])
        # a part per unit and language; two units are as similar as their best parts in two
        # languages, one of them the main one
        parts = [(k, c, [rows[[m for m in u if codes[m] == c]].sum(axis=0) for rows in (dense, shared)])
                 for k, u in enumerate(units) for c in sorted(set(codes[u].tolist()))]
        sims = np.full((len(units), len(units)), -np.inf)
        for k, c, (x, _) in parts:
            for j, d, (_, y) in parts:
                if c != d and majority in (c, d):
                    sims[k, j] = max(sims[k, j], x @ y / np.linalg.norm(x) / np.linalg.norm(y))
        links = []
        for q in np.flatnonzero(unit_code != majority):
            allowed = np.flatnonzero(unit_code != unit_code[q])
            ranked = sorted(zip(-sims[q, allowed], allowed))
            best = -ranked[0][0] if ranked else 0.0
            runner_up = -ranked[1][0] if len(ranked) > 1 else 0.0
            if best >= min_similarity and best >= margin * max(runner_up, min_similarity):
                links.append((q, ranked[0][1]))
        if not links:
            break
        parent = list(range(len(units)))

        def root(x):
            while parent[x] != x:
                x = parent[x]
            return x

        for a, b in links:
            parent[root(a)] = root(b)
        merged = {}
        for k, members in enumerate(units):
            merged.setdefault(root(k), []).extend(members)
        groups = sorted(sorted(g) for g in merged.values() if len(g) > 1)
    return groups


@pytest.mark.parametrize("seed", range(4))
def test_kept_matches_link_as_recomputing_every_pass_would(seed):
    """Random stories in three languages: the passes after the first, which only
    compute the new units' similarities, give what recomputing all of them gives."""
    rng = np.random.default_rng(seed)
    n_docs, n_terms = 120, 60
    story = rng.integers(0, 30, n_docs)
    dense = rng.random((n_docs, n_terms)) * (rng.random((n_docs, n_terms)) < 0.08)
    dense += 3 * rng.random((n_docs, n_terms)) * (np.arange(n_terms) % 30 == story[:, None])  # the story's names
    dense[:, 0] += 0.01  # no empty row
    languages = rng.choice(["en", "en", "en", "ru", "ja"], n_docs).tolist()
    matrix = normalize(sp.csr_matrix(dense))
    groups = sorted(sorted(rng.choice(n_docs, 3, replace=False).tolist()) for _ in range(8))
    groups = [g for k, g in enumerate(groups) if not set(g) & {m for h in groups[:k] for m in h}]
    for min_similarity, margin in ((0.05, 1.5), (0.2, 1.2)):
        linked, _ = link_languages(groups, languages, matrix, min_similarity=min_similarity, margin=margin)
        assert linked == _link_by_brute_force(groups, languages, matrix, min_similarity, margin)


def _add_sources_and_english_versions(stories, rng, docs, truth):
    """Each WMT story's source and up to three of its English versions, labelled by story."""
    for group, records in stories:
        english = [r for r in records if r["lang"] == "en"]
        for r in [*rng.sample(english, min(3, len(english))), *(r for r in records if r["variant"] == "src")]:
            docs.append(Document(id=r["id"], text=r["text"]))
            truth[r["id"]] = group


def _add_alone(records, docs, truth):
    """Documents that are a story of their own."""
    for r in records:
        docs.append(Document(id=r["id"], text=r["text"]))
        truth[r["id"]] = r["id"]


def _reuters_distractors():
    """Fifty Reuters articles spread over the first 3,000 long ones."""
    return itertools.islice((r for r in iter_corpus("reuters21578") if len(r["text"]) > 600), 0, 3000, 60)


@pytest.mark.corpora
def test_wmt_sources_join_their_translations_and_strays_stay_alone(corpora):
    """Real WMT stories (Russian, Ukrainian, Japanese, Icelandic... sources with
    their English versions) among Reuters articles, plus sources whose
    translations are absent: the sources join their story, the strays join nothing."""
    rng = random.Random(11)
    stories = [(g, rs) for g, rs in wmt_stories().items() if any(r["variant"] == "src" and r["lang"] != "en" for r in rs)]
    rng.shuffle(stories)
    docs, truth = [], {}
    _add_sources_and_english_versions(stories[:25], rng, docs, truth)
    strays = [r for _, records in stories[25:40] for r in records if r["variant"] == "src"]
    _add_alone(strays, docs, truth)
    _add_alone(_reuters_distractors(), docs, truth)
    linked = scan_documents(docs, ScanConfig(score=False))
    alone = scan_documents(docs, ScanConfig(score=False, cluster=ClusterConfig(link_similarity=1.0)))

    def cluster_of(result):
        return {result.documents[m].id: k for k, c in enumerate(result.clusters) for m in c.members}

    def sources_joined(result):
        where = cluster_of(result)
        return sum(
            any(where.get(o) == where.get(s["id"]) is not None for o, story in truth.items()
                if story == truth[s["id"]] and o != s["id"])
            for _, records in stories[:25] for s in records if s["variant"] == "src"
        )


    assert sources_joined(linked) >= 21 > sources_joined(alone) + 10  # measured 24 of 25, against 4 unlinked
    where = cluster_of(linked)
    assert sum(r["id"] in where for r in strays) <= 2  # measured 1 of 15


@pytest.mark.corpora
def test_japanese_sources_join_their_english_versions(corpora):
    """Japanese WMT sources among three English versions of their story each and
    Reuters articles: English targets measured on the terms both languages
    write (names, numbers, Latin words), the sources stand out for their own
    story (measured 17 of 20; 7 on full rows), and none joins another story."""
    rng = random.Random(5)
    stories = [(g, rs) for g, rs in wmt_stories().items() if any(r["variant"] == "src" and r["lang"] == "ja" for r in rs)]
    rng.shuffle(stories)
    docs, story_of = [], {}
    _add_sources_and_english_versions(stories[:20], rng, docs, story_of)
    _add_alone(_reuters_distractors(), docs, story_of)
    result = scan_documents(docs, ScanConfig(score=False))
    clusters = [{result.documents[m].id for m in c.members} for c in result.clusters]
    sources = [r["id"] for _, records in stories[:20] for r in records if r["variant"] == "src"]
    with_source = [next((c for c in clusters if s in c), {s}) for s in sources]
    assert sum(len(c) > 1 for c in with_source) >= 16
    assert all({story_of[d] for d in c} == {story_of[s]} for s, c in zip(sources, with_source))
