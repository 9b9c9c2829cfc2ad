"""Tests for dedupe.sign: batched MinHash equal to datasketch's, token for token."""
from __future__ import annotations

import random
import string

import numpy as np
import pytest
import xxhash
from datasketch import MinHash

import dedupe.sign
from dedupe.errors import ConfigError
from dedupe.shingles import hash_key
from dedupe.sign import EMPTY, Signer


def random_tokens(rng: random.Random, n: int) -> set[str]:
    return {"".join(rng.choices(string.ascii_lowercase, k=rng.randint(3, 9))) for _ in range(n)}


def shingle_array(tokens) -> np.ndarray:
    return np.unique(np.array([hash_key(t) for t in tokens], dtype=np.uint64))


def datasketch_signature(tokens, *, num_perm: int, seed: int) -> np.ndarray:
    m = MinHash(num_perm=num_perm, seed=seed, hashfunc=xxhash.xxh32_intdigest)
    for t in tokens:
        m.update(t.encode("utf-8"))
    return np.asarray(m.hashvalues)


@pytest.mark.parametrize("num_perm, seed", [(16, 1), (128, 1), (200, 42)])
def test_signatures_equal_datasketch(num_perm, seed):
    rng = random.Random(num_perm + seed)
    token_sets = [random_tokens(rng, n) for n in (1, 2, 7, 40, 300)]
    sigs = Signer(num_perm=num_perm, seed=seed).sign_many([shingle_array(s) for s in token_sets])
    assert sigs.dtype == np.uint32 and sigs.shape == (len(token_sets), num_perm)
    for tokens, sig in zip(token_sets, sigs):
        np.testing.assert_array_equal(sig, datasketch_signature(tokens, num_perm=num_perm, seed=seed))


def test_seed_changes_the_signature():
    s = [shingle_array({"kim", "putin", "summit"})]
    assert not np.array_equal(Signer(num_perm=32, seed=1).sign_many(s), Signer(num_perm=32, seed=2).sign_many(s))


def test_estimate_tracks_true_jaccard():
    rng = random.Random(3)
    signer = Signer(num_perm=256, seed=1)
    pool = iter(sorted(random_tokens(rng, 20_000)))
    errors, truths = [], []
    for target in np.linspace(0.0, 1.0, 20):
        size = 120
        shared = round(target * size)
        common = {next(pool) for _ in range(shared)}
        a = common | {next(pool) for _ in range(size - shared)}
        b = common | {next(pool) for _ in range(size - shared)}
        truth = len(a & b) / len(a | b)
        sig_a, sig_b = signer.sign_many([shingle_array(a), shingle_array(b)])
        errors.append(abs(float(np.mean(sig_a == sig_b)) - truth))
        truths.append(truth)
    assert min(truths) == 0.0 and max(truths) == 1.0
    assert max(errors) < 0.1, errors
    assert np.mean(errors) < 0.04


def test_empty_sets_give_empty_rows():
    signer = Signer(num_perm=16, seed=1)
    empty = np.array([], dtype=np.uint64)
    sigs = signer.sign_many([empty, shingle_array({"kim"}), empty])
    assert (sigs[0] == EMPTY).all() and (sigs[2] == EMPTY).all()
    assert not (sigs[1] == EMPTY).all()
    # datasketch's empty MinHash has the same value everywhere.
    np.testing.assert_array_equal(sigs[0], MinHash(num_perm=16, seed=1).hashvalues)
    assert signer.sign_many([]).shape == (0, 16)


def test_batching_gives_the_same_signatures(monkeypatch):
    rng = random.Random(11)
    sizes = [0, 0, 1, 3, 0, 17, 2, 2, 2, 0, 40, 5, 1, 0, 0, 9, 64, 3, 0] * 4
    sets = [shingle_array(random_tokens(rng, n)) if n else np.array([], dtype=np.uint64) for n in sizes]
    signer = Signer(num_perm=32, seed=1)
    whole = signer.sign_many(sets)
    one_by_one = np.vstack([signer.sign_many([s]) for s in sets])
    # 32 permutations x 4 shingles per batch: sets larger than a batch and runs of empty sets.
    monkeypatch.setattr(dedupe.sign, "_BATCH_CELLS", 128)
    batched = signer.sign_many(sets)
    flat = signer.sign_flat(np.concatenate(sets).astype(np.uint32), np.array(sizes))
    np.testing.assert_array_equal(whole, one_by_one)
    np.testing.assert_array_equal(batched, whole)
    np.testing.assert_array_equal(flat, whole)


def test_flat_lengths_must_cover_the_hashes():
    with pytest.raises(ConfigError, match="lengths add up to 2 but 3 hashes"):
        Signer(num_perm=16).sign_flat(np.array([1, 2, 3], dtype=np.uint32), np.array([1, 1]))


@pytest.mark.parametrize("num_perm", [8, 2048, 128.0, "128"])
def test_bad_num_perm_raises(num_perm):
    with pytest.raises(ConfigError, match="num_perm"):
        Signer(num_perm=num_perm)
