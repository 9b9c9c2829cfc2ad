"""Tests for dedupe.verify: weighted-term cosine and the absolute-or-margin acceptance rule."""
from __future__ import annotations

import numpy as np
import pytest

import dedupe.verify
from dedupe.errors import ConfigError
from dedupe.shingles import featurize, hash_key
from dedupe.verify import TermWeights, accept_pairs, pair_similarity, used_columns

STORY = (
    "Prime Minister Elena Vasquez announced on Monday a flood defence plan for the coastal city of "
    "Marbella, costing 40 million euros, after storms destroyed hundreds of homes."
)
PARAPHRASE = (
    "On Monday premier Elena Vasquez unveiled a 40-million-euro programme to shield coastal Marbella "
    "from flooding, after storms wrecked hundreds of houses."
)
SAME_ACTOR = (
    "Prime Minister Elena Vasquez met farmers in the northern province of Galicia on Thursday to "
    "discuss drought subsidies and falling milk prices."
)
UNRELATED = "The national football team qualified for the tournament after beating Norway two goals to one in Oslo."
NEWS = [STORY, PARAPHRASE, SAME_ACTOR, UNRELATED]
# Hashing space for tests where the default 2**22 columns only cost time.
SMALL = 1 << 16


def terms_of(texts):
    return [featurize(t, "en") for t in texts]


def similarities(weights: TermWeights, texts, pairs) -> np.ndarray:
    return pair_similarity(weights.transform(terms_of(texts)), np.asarray(pairs))


def test_paraphrase_beats_same_actor_other_event():
    terms = terms_of(NEWS)
    weights = TermWeights().fit(terms)
    para, actor, unrelated = similarities(weights, NEWS, [[0, 1], [0, 2], [0, 3]])
    assert para > 0.35 > actor
    assert para > 2 * actor
    assert actor > unrelated
    assert unrelated < 0.1


def test_rows_are_unit_vectors_and_ignore_repeats():
    weights = TermWeights(n_features=SMALL).fit(terms_of(NEWS))
    X = weights.transform(terms_of(NEWS))
    np.testing.assert_allclose(np.sqrt(X.multiply(X).sum(axis=1)).A1, 1.0, rtol=1e-12)
    # A set, not a bag: repeating a name does not move the vector.
    repeats = ["Vasquez visited Marbella.", "Vasquez, Vasquez, Vasquez visited Marbella."]
    once, thrice = weights.transform(terms_of(repeats))
    assert (once != thrice).nnz == 0


def test_common_words_carry_no_weight():
    weights = TermWeights(n_features=SMALL)
    X = weights.transform(terms_of(["the and of to in", "Vasquez"]))
    assert X[0].nnz == 0
    assert X[1].nnz == 1


def test_term_in_every_document_weighs_less():
    # Made-up words: equal background (Zipf 0), so only the corpus frequency differs.
    texts = ["zorblat quimbly", "zorblat fennick", "zorblat drumple"]
    weights = TermWeights(n_features=SMALL).fit(terms_of(texts))
    row = weights.transform(terms_of(texts[:1]))[0]
    everywhere = row[0, hash_key("zorbla") % weights.n_features]
    once = row[0, hash_key("quimbl") % weights.n_features]
    # idf = log((1 + N) / (1 + df)) + 1: 1.0 for df = N = 3, log 2 + 1 for df = 1.
    assert once / everywhere == pytest.approx(np.log(2) + 1)
    shared_only = similarities(weights, texts, [[0, 1]])[0]
    unfitted = similarities(TermWeights(n_features=SMALL), texts, [[0, 1]])[0]
    assert unfitted == pytest.approx(0.5)
    assert shared_only == pytest.approx(1 / (1 + (np.log(2) + 1) ** 2))


def test_corpus_about_one_actor_separates_her_stories_more():
    # Same pair, same texts; only the corpus around them changes.
    about_her = [f"Elena Vasquez spoke about {topic}." for topic in ("pensions", "railways", "schools", "taxes")]
    about_others = [f"Officials spoke about {topic}." for topic in ("pensions", "railways", "schools", "taxes")]
    her_corpus = TermWeights(n_features=SMALL).fit(terms_of(NEWS + about_her))
    mixed_corpus = TermWeights(n_features=SMALL).fit(terms_of(NEWS + about_others))
    (actor_in_hers,) = similarities(her_corpus, [STORY, SAME_ACTOR], [[0, 1]])
    (actor_in_mixed,) = similarities(mixed_corpus, [STORY, SAME_ACTOR], [[0, 1]])
    assert actor_in_hers < actor_in_mixed - 0.03
    (paraphrase_in_hers,) = similarities(her_corpus, [STORY, PARAPHRASE], [[0, 1]])
    assert paraphrase_in_hers > 2 * actor_in_hers


def test_partial_fit_streams_like_fit():
    terms = terms_of(NEWS)
    streamed = TermWeights(n_features=SMALL).partial_fit(terms[:2]).partial_fit(terms[2:])
    whole = TermWeights(n_features=SMALL).fit(terms)
    assert abs(streamed.transform(terms) - whole.transform(terms)).max() == 0
    # fit starts over.
    assert abs(whole.fit(terms).transform(terms) - TermWeights(n_features=SMALL).fit(terms).transform(terms)).max() == 0


def test_pair_similarity_chunks_equal_one_pass():
    people, guests, places = ("Kim", "Putin", "Vasquez"), ("Xi", "Modi"), ("Oslo", "Lima")
    meetings = [f"{a} met {b} in {c}." for a in people for b in guests for c in places]
    texts = NEWS + meetings
    # A narrow hashing space so the dense cross-check stays small.
    X = TermWeights(n_features=1 << 12).fit(terms_of(texts)).transform(terms_of(texts))
    pairs = np.array([(i, j) for i in range(len(texts)) for j in range(i + 1, len(texts))])
    whole = pair_similarity(X, pairs)
    np.testing.assert_array_equal(pair_similarity(X, pairs, chunk=7), whole)
    np.testing.assert_array_equal(pair_similarity(X, pairs, chunk=1), whole)
    dense = X.toarray()
    np.testing.assert_allclose(whole, (dense[pairs[:, 0]] * dense[pairs[:, 1]]).sum(axis=1), atol=1e-12)


def test_pair_similarity_is_the_same_either_way_round_and_on_used_columns():
    texts = NEWS + [f"{a} met {b} in Oslo." for a in ("Kim", "Putin", "Vasquez") for b in ("Xi", "Modi")]
    X = TermWeights(n_features=1 << 12).fit(terms_of(texts)).transform(terms_of(texts))
    pairs = np.array([(i, j) for i in range(len(texts)) for j in range(len(texts)) if i != j])
    sims = pair_similarity(X, pairs)
    np.testing.assert_array_equal(sims, pair_similarity(X, pairs[:, ::-1]))
    narrow = used_columns(X)
    assert narrow.shape[1] < X.shape[1] and narrow.shape[1] == len(np.unique(X.indices))
    np.testing.assert_array_equal(pair_similarity(narrow, pairs), sims)
    assert pair_similarity(X, np.empty((0, 2), dtype=np.int64)).shape == (0,)


@pytest.mark.parametrize(
    "kwargs, name", [({"n_features": 100}, "n_features"), ({"zipf_ceiling": 3.0}, "zipf_ceiling")]
)
def test_term_weights_reject_bad_parameters(kwargs, name):
    with pytest.raises(ConfigError, match=name):
        TermWeights(**kwargs)


RULE = dict(threshold=0.35, low_threshold=0.15, margin=2.0, neighbours=5)


def accept(pairs, sims, n_docs, **overrides):
    pairs = np.array(pairs).reshape(-1, 2)
    return accept_pairs(pairs, np.array(sims, dtype=float), n_docs, **{**RULE, **overrides}).tolist()


def test_absolute_rule_needs_no_neighbourhood():
    # (0, 2) is not 0's best match, but 0.5 is enough on its own; 0.3 is not (and not mutual).
    assert accept([[0, 1], [0, 2], [0, 3]], [0.9, 0.5, 0.3], 4) == [True, True, False]


def test_margin_rule_accepts_a_weak_pair_that_stands_out():
    pairs = [[0, 1], [0, 2], [0, 3], [1, 4]]
    assert accept(pairs, [0.2, 0.05, 0.04, 0.06], 5) == [True, False, False, False]
    # The margin is what decides: a higher margin rejects it.
    assert accept(pairs, [0.2, 0.05, 0.04, 0.06], 5, margin=20.0)[0] is False


def test_margin_rule_rejects_a_pair_in_a_crowd():
    # Mutual best, above low_threshold, but each end has five neighbours almost as close.
    crowd = [[0, j] for j in range(2, 7)] + [[1, j] for j in range(7, 12)]
    pairs = [[0, 1]] + crowd
    sims = [0.2] + [0.15] * len(crowd)
    assert accept(pairs, sims, 12)[0] is False
    # Thin the crowd and the same pair stands out.
    assert accept(pairs, [0.2] + [0.05] * len(crowd), 12)[0] is True


def test_non_mutual_weak_pair_is_rejected():
    # 1 prefers 2, so (0, 1) is not mutual even though 0 has nobody else.
    assert accept([[0, 1], [1, 2]], [0.2, 0.3], 3) == [False, True]


def test_weak_pair_below_low_threshold_is_rejected():
    assert accept([[0, 1]], [0.1], 2) == [False]
    assert accept([[0, 1]], [0.1], 2, low_threshold=0.1) == [True]


def test_threshold_may_differ_per_pair():
    # Per-pair thresholds (e.g. lower across languages); low_threshold above both sims so only it decides.
    mask = accept([[0, 1], [2, 3]], [0.25, 0.25], 4, threshold=np.array([0.35, 0.2]), low_threshold=0.3)
    assert mask == [False, True]


def test_no_pairs_gives_empty_mask():
    out = accept_pairs(np.empty((0, 2), dtype=np.int64), np.empty(0), 3, **RULE)
    assert out.shape == (0,) and out.dtype == bool


@pytest.mark.parametrize("levels", [1, 3, 8])
def testbest_similarities_sorting_only_contenders_match_sorting_all(monkeypatch, levels):
    import dedupe.verify

    rng = np.random.default_rng(4)
    pairs = np.unique(np.sort(rng.integers(0, 300, size=(3000, 2)), axis=1), axis=0)
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    # Rounded, so many similarities tie, as they do between syndicated copies.
    similarity = np.round(rng.beta(1, 4, size=len(pairs)), 2)
    expected = np.zeros((300, 6))
    for doc in range(300):
        mine = np.sort(similarity[(pairs == doc).any(axis=1)])[::-1][:6]
        expected[doc, : len(mine)] = mine
    monkeypatch.setattr(dedupe.verify, "_LEVELS", levels)
    np.testing.assert_array_equal(dedupe.verify.best_similarities(pairs, similarity, 300, 6), expected)
    whole = accept_pairs(pairs, similarity, 300, threshold=0.35, low_threshold=0.15, margin=2.0, neighbours=5)
    assert 0 < whole.sum() < len(pairs)


def test_rule_over_blocks_with_mergedbest_similarities_equals_one_pass():
    from dedupe.verify import merge_best

    rng = np.random.default_rng(8)
    pairs = np.unique(np.sort(rng.integers(0, 200, size=(2500, 2)), axis=1), axis=0)
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    similarity = np.round(rng.beta(1, 4, size=len(pairs)), 2)
    whole = accept_pairs(pairs, similarity, 200, **RULE)
    best = np.zeros((200, RULE["neighbours"] + 1))
    blocks = np.array_split(np.arange(len(pairs)), 5)
    for block in blocks:
        best = merge_best(best, pairs[block], similarity[block])
    np.testing.assert_array_equal(best, dedupe.verify.best_similarities(pairs, similarity, 200, RULE["neighbours"] + 1))
    # Only the pairs that reach low_threshold, judged block by block: the same verdicts.
    for block in blocks:
        kept = block[similarity[block] >= RULE["low_threshold"]]
        np.testing.assert_array_equal(accept_pairs(pairs[kept], similarity[kept], 200, **RULE, best=best), whole[kept])
    assert 0 < whole.sum() < len(pairs)


def test_feature_table_gives_the_matrix_of_the_features(monkeypatch):
    from dedupe.shingles import FeatureTable, featurize_many, pack_features

    monkeypatch.setattr(dedupe.verify, "_BATCH", 3)
    texts = NEWS * 3 + ["Kim Jong Un met Vladimir Putin in Pyongyang on 19 June 2024."]
    features = featurize_many(texts, ["en"] * len(texts))
    table = FeatureTable()
    for start in range(0, len(features), 2):
        table.append(pack_features(features[start : start + 2]))
    assert [f.terms.tolist() for f in table] == [f.terms.tolist() for f in features]
    expected = TermWeights().fit(features).transform(features)
    released = TermWeights().fit(table).transform(table, release=True)
    assert len(table) == 0
    for name in ("indptr", "indices", "data"):
        np.testing.assert_array_equal(getattr(released, name), getattr(expected, name))
