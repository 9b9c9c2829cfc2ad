"""Tests for dedupe.lsh: banding equal to datasketch's MinHashLSH, with a cap on huge buckets."""
from __future__ import annotations

import numpy as np
import pytest
from datasketch import MinHash, MinHashLSH

from dedupe.errors import ConfigError
from dedupe.lsh import band_keys, candidate_pairs, candidate_probability, check_bands
from dedupe.sign import EMPTY, Signer

NUM_PERM = 32


def topic_documents(n_docs: int, seed: int) -> list[np.ndarray]:
    """Shingle sets drawn from a few shared topic pools, so that some documents overlap a lot."""
    rng = np.random.default_rng(seed)
    topics = [rng.choice(2**32, size=30, replace=False) for _ in range(12)]
    docs = []
    for _ in range(n_docs):
        topic = topics[rng.integers(len(topics))]
        own = rng.choice(topic, size=rng.integers(3, 30), replace=False)
        noise = rng.choice(2**32, size=rng.integers(0, 15))
        docs.append(np.unique(np.concatenate([own, noise]).astype(np.uint64)))
    return docs


def datasketch_pairs(signatures: np.ndarray, bands: int, rows: int) -> set[tuple[int, int]]:
    lsh = MinHashLSH(num_perm=NUM_PERM, params=(bands, rows))
    hashes = [MinHash(num_perm=NUM_PERM, hashvalues=sig, scheme="affine32") for sig in signatures]
    for i, m in enumerate(hashes):
        lsh.insert(i, m)
    return {(min(i, j), max(i, j)) for i, m in enumerate(hashes) for j in lsh.query(m) if i != j}


@pytest.mark.parametrize("bands, rows", [(32, 1), (16, 2), (10, 3)])
def test_candidates_equal_datasketch_minhashlsh(bands, rows):
    signatures = Signer(num_perm=NUM_PERM, seed=1).sign_many(topic_documents(200, seed=rows))
    ours = candidate_pairs(signatures, bands=bands, rows=rows, window=1000)
    theirs = datasketch_pairs(signatures, bands, rows)
    assert ours.dtype == np.int64 and (ours[:, 0] < ours[:, 1]).all()
    assert len(ours) == len({tuple(p) for p in ours.tolist()})
    assert {tuple(p) for p in ours.tolist()} == theirs
    # The data is neither trivially separate nor all one bucket.
    assert 100 < len(theirs) < 200 * 199 / 2 / 2


def test_more_rows_give_fewer_candidates():
    signatures = Signer(num_perm=NUM_PERM, seed=1).sign_many(topic_documents(200, seed=9))
    counts = [len(candidate_pairs(signatures, bands=b, rows=r)) for b, r in [(32, 1), (16, 2), (10, 3)]]
    assert counts[0] > counts[1] > counts[2] > 0


def test_window_caps_a_huge_bucket():
    signatures = np.tile(np.arange(1, NUM_PERM + 1, dtype=np.uint32), (300, 1))
    pairs = candidate_pairs(signatures, bands=16, rows=2, window=5)
    # Each member is paired with the next five, not with all 299 others.
    assert len(pairs) == sum(300 - step for step in range(1, 6))
    assert set(np.unique(pairs)) == set(range(300))
    assert (pairs[:, 1] - pairs[:, 0] <= 5).all()


def test_bucket_within_window_gives_all_pairs():
    signatures = np.tile(np.arange(NUM_PERM, dtype=np.uint32), (10, 1))
    assert len(candidate_pairs(signatures, bands=16, rows=2, window=9)) == 45


def test_empty_signatures_never_pair():
    sets = [np.array([], dtype=np.uint64), np.array([1, 2, 3], dtype=np.uint64)] * 4
    signatures = Signer(num_perm=NUM_PERM, seed=1).sign_many(sets)
    assert (signatures[0] == EMPTY).all()
    pairs = candidate_pairs(signatures, bands=16, rows=2)
    assert {tuple(p) for p in pairs.tolist()} == {(1, 3), (1, 5), (1, 7), (3, 5), (3, 7), (5, 7)}
    all_empty = np.full((5, NUM_PERM), EMPTY, dtype=np.uint32)
    assert candidate_pairs(all_empty, bands=16, rows=2).shape == (0, 2)


def test_band_keys_are_equal_exactly_when_slices_are():
    rng = np.random.default_rng(0)
    signatures = rng.integers(0, 2**32, size=(50, 12), dtype=np.uint32)
    signatures[1, :4] = signatures[0, :4]  # share bands 0-1 at rows=2, band 0 at rows=4
    for rows in (1, 2, 3, 4):
        keys = band_keys(signatures, bands=12 // rows, rows=rows)
        assert keys.shape == (50, 12 // rows) and keys.dtype == np.uint64
        sliced = signatures.reshape(50, 12 // rows, rows)
        for band in range(12 // rows):
            same_key = keys[:, band][:, None] == keys[:, band][None, :]
            same_slice = (sliced[:, band][:, None, :] == sliced[:, band][None, :, :]).all(axis=2)
            np.testing.assert_array_equal(same_key, same_slice)


def test_check_bands_names_the_fix():
    fix = r"bands x rows = 70 x 2 = 140 .*num_perm=128.*lower bands to 64 or raise num_perm"
    with pytest.raises(ConfigError, match=fix):
        check_bands(128, 70, 2)
    with pytest.raises(ConfigError, match="bands=0"):
        check_bands(128, 0, 2)
    check_bands(128, 64, 2)
    with pytest.raises(ConfigError, match="bands x rows"):
        candidate_pairs(np.zeros((2, 16), dtype=np.uint32), bands=16, rows=2)
    with pytest.raises(ConfigError, match="window=0"):
        candidate_pairs(np.zeros((2, 32), dtype=np.uint32), bands=16, rows=2, window=0)


@pytest.mark.parametrize("bands, rows", [(64, 2), (32, 4), (128, 1), (20, 5)])
def test_candidate_probability_is_monotone(bands, rows):
    s = np.linspace(0.0, 1.0, 101)
    p = np.array([candidate_probability(x, bands=bands, rows=rows) for x in s])
    assert p[0] == 0.0 and p[-1] == 1.0
    assert (np.diff(p) >= 0).all()
    # Strictly increasing until it saturates at 1.0 in floating point.
    unsaturated = p[:-1] < 1.0 - 1e-12
    assert (np.diff(p)[unsaturated] > 0).all()
    # More bands, more chances; more rows per band, fewer.
    assert candidate_probability(0.05, bands=bands + 1, rows=rows) > candidate_probability(0.05, bands=bands, rows=rows)
    assert candidate_probability(0.05, bands=bands, rows=rows + 1) < candidate_probability(0.05, bands=bands, rows=rows)


@pytest.mark.parametrize("block_docs", [1, 7, 40, 1000])
def test_candidate_blocks_together_are_candidate_pairs(tmp_path, block_docs):
    from dedupe.lsh import candidate_blocks

    signatures = Signer(num_perm=NUM_PERM, seed=1).sign_many(topic_documents(120, seed=5))
    expected = candidate_pairs(signatures, bands=16, rows=2, window=8)
    blocks = candidate_blocks(signatures, bands=16, rows=2, window=8, block_docs=block_docs, folder=str(tmp_path))
    assert len(blocks) == -(-120 // block_docs)
    found = [np.load(path) for path, _ in blocks]
    assert [len(b) for b in found] == [count for _, count in blocks]
    for k, block in enumerate(found):
        assert ((block[:, 0] >= k * block_docs) & (block[:, 0] < (k + 1) * block_docs)).all()
    np.testing.assert_array_equal(np.concatenate(found), expected)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"block-{k}.npy" for k in range(len(blocks)))
