"""Stored similarity bounds must hold after the corpus grows, and decide exactly what computing decides."""
from __future__ import annotations

import itertools

import numpy as np
import pytest

from dedupe.config import ScanConfig
from dedupe.lsh import candidate_pairs
from dedupe.pairbounds import PairBounds, feature_digests, verify_with_bounds
from dedupe.shingles import featurize
from dedupe.sign import Signer
from dedupe.verify import accept_pairs, pair_similarity, used_columns, weighted_rows

CONFIG = ScanConfig(score=False)


def _edited(text: str, k: int) -> str:
    """A rewrite: every k-th sentence dropped."""
    sentences = text.split(". ")
    return ". ".join(s for i, s in enumerate(sentences) if i % k)


@pytest.fixture(scope="module")
def grown(corpora):
    """Reuters stories and rewrites of some (a corpus of many same-topic wire
    stories), as a first run of 300 documents and the same plus 120 more."""
    from corpora import iter_corpus

    texts = [r["text"] for r in itertools.islice(iter_corpus("reuters21578"), 0, 360) if len(r["text"]) > 300]
    texts += [_edited(t, 3 + i % 3) for i, t in enumerate(texts[::4])]
    features = [featurize(t, "en") for t in texts]
    signer = Signer(num_perm=CONFIG.sign.num_perm, seed=CONFIG.sign.seed)
    signatures = signer.sign_many([f.shingles for f in features])
    first = len(features) * 5 // 7
    return features, signatures, first


def _exact(features, candidates):
    return pair_similarity(used_columns(weighted_rows(features, zipf_ceiling=CONFIG.verify.zipf_ceiling)[1]),
                           candidates)


def _candidates(signatures):
    cfg = CONFIG.lsh
    return candidate_pairs(signatures, bands=cfg.bands, rows=cfg.rows, window=cfg.window)


def _run(features, signatures, bounds):
    candidates = _candidates(signatures)
    thresholds = np.full(len(candidates), CONFIG.verify.threshold)
    keys = np.arange(1, len(features) + 1, dtype=np.int64)
    out = verify_with_bounds(features, candidates, thresholds, keys, bounds, CONFIG, pair_similarity)
    return candidates, thresholds, out


@pytest.mark.corpora
def test_bounds_hold_the_similarities_of_the_grown_corpus(grown):
    features, signatures, first = grown
    *_, (_, _, _, bounds, _) = _run(features[:first], signatures[:first], PairBounds.empty())
    candidates = _candidates(signatures)
    keys = np.arange(1, len(features) + 1, dtype=np.int64)
    weights, rows = weighted_rows(features, zipf_ceiling=CONFIG.verify.zipf_ceiling)
    found, low, high = bounds.widened(candidates, keys, feature_digests(features), rows, weights)
    true = _exact(features, candidates)
    assert found.sum() > len(candidates) / 3  # the old documents' pairs
    assert np.all(low[found] <= true[found]) and np.all(true[found] <= high[found])
    # Tight enough to decide: most intervals are narrower than the gap between the thresholds.
    assert np.median((high - low)[found]) < 0.02


@pytest.mark.corpora
def test_update_accepts_exactly_what_computing_every_pair_accepts(grown):
    features, signatures, first = grown
    *_, (_, _, _, bounds, _) = _run(features[:first], signatures[:first], PairBounds.empty())
    bounds = PairBounds.from_bytes(bounds.to_bytes())  # as an index stores them
    candidates, thresholds, (keep, similarity, _, _, computed) = _run(features, signatures, bounds)

    true = _exact(features, candidates)
    cfg = CONFIG.verify
    expected = accept_pairs(candidates, true, len(features), threshold=thresholds, low_threshold=cfg.low_threshold,
                            margin=cfg.margin, neighbours=cfg.neighbours)
    assert keep.any() and np.array_equal(keep, expected)
    assert np.array_equal(similarity[keep], true[keep])  # the kept pairs' values are computed ones
    assert computed < 0.8 * len(candidates)  # and the stored bounds spared real work


def test_a_changed_document_loses_its_stored_pairs():
    docs = [featurize(t, "en") for t in ["Kim and Putin met in Pyongyang for a summit on defence.",
                                          "Putin and Kim held a summit in Pyongyang on defence.",
                                          "Floods closed the coastal road near Lisbon."]]
    pairs = np.array([[0, 1], [0, 2], [1, 2]])
    keys = np.array([1, 2, 3])
    _, _, _, bounds, _ = verify_with_bounds(docs, pairs, np.full(3, 0.35), keys, PairBounds.empty(), CONFIG,
                                            pair_similarity)
    docs[1] = featurize("Putin and Kim held talks in Moscow on trade.", "en")
    _, _, _, _, computed = verify_with_bounds(docs, pairs, np.full(3, 0.35), keys, bounds, CONFIG, pair_similarity)
    assert computed >= 2  # both pairs of the changed document


@pytest.mark.corpora
def test_moved_weights_are_the_weights_a_fit_gives(grown):
    features, signatures, first = grown
    *_, (_, _, _, bounds, _) = _run(features[:first], signatures[:first], PairBounds.empty())
    now = list(features)
    now[3] = featurize("Kim and Putin met in Pyongyang and signed a defence treaty.", "en")  # analysed again
    keys = np.arange(1, len(now) + 1, dtype=np.int64)
    previous = features[:first] + [None] * (len(now) - first)
    moved = bounds.moved_weights(keys, feature_digests(now), now, previous, CONFIG.verify.zipf_ceiling)
    fitted = weighted_rows(now, zipf_ceiling=CONFIG.verify.zipf_ceiling)[0]
    assert moved.n_docs == fitted.n_docs and np.array_equal(moved.df, fitted.df)
    # A document removed since the bounds were computed: they no longer count these documents.
    assert bounds.moved_weights(keys[1:], feature_digests(now[1:]), now[1:], previous[1:],
                                CONFIG.verify.zipf_ceiling) is None
