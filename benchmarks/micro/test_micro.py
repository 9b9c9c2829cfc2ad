"""pytest-benchmark micro-benchmarks of the signer and the banding step.

Not part of the default test run (``testpaths`` is ``tests/``); run with

    python -m pytest benchmarks/micro --benchmark-only

Each pairs our vectorised step with the stock datasketch way on the same input.
"""
from __future__ import annotations

import numpy as np
import pytest
from datasketch import MinHash, MinHashLSH

from dedupe.lsh import candidate_pairs
from dedupe.sign import Signer

pytest.importorskip("pytest_benchmark")

RNG = np.random.default_rng(0)
# 2,000 documents of 60 shingles drawn from a 20,000-term vocabulary: news-like sets.
SETS = [np.unique(RNG.integers(0, 20_000, size=60).astype(np.uint64)) for _ in range(2_000)]


def _identity(b: bytes) -> int:
    return int.from_bytes(b, "little")


def test_sign_vectorised(benchmark):
    signer = Signer(num_perm=128, seed=1)
    benchmark(signer.sign_many, SETS)


def test_sign_datasketch_update_per_token(benchmark):
    def run():
        for shingles in SETS[:200]:
            m = MinHash(num_perm=128, seed=1, hashfunc=_identity)
            for h in shingles.tolist():
                m.update(int(h).to_bytes(4, "little"))

    benchmark(run)  # 200 documents: multiply by 10 to compare with the vectorised run


def test_banding_numpy(benchmark):
    signatures = Signer(num_perm=128, seed=1).sign_many(SETS)
    benchmark(candidate_pairs, signatures, bands=64, rows=2)


def test_banding_datasketch_lsh(benchmark):
    signatures = Signer(num_perm=128, seed=1).sign_many(SETS)
    minhashes = [MinHash(num_perm=128, hashvalues=s, scheme="affine32") for s in signatures]

    def run():
        lsh = MinHashLSH(num_perm=128, params=(64, 2))
        for i, m in enumerate(minhashes):
            lsh.insert(i, m)
        return sum(len(lsh.query(m)) for m in minhashes)

    benchmark(run)
