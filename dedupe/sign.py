"""MinHash signatures, many documents at a time.

The signer gives exactly the signatures that ``datasketch.MinHash`` (scheme
``affine32``, the default since datasketch 2.0) gives for the same 32-bit
shingle hashes, seed and ``num_perm`` -- it borrows datasketch's permutations
and applies them to a whole batch of shingles with numpy instead of one
``update`` call per token.

>>> import numpy as np
>>> signer = Signer(num_perm=16, seed=1)
>>> sigs = signer.sign_many([np.array([1, 2, 3], dtype=np.uint64), np.array([], dtype=np.uint64)])
>>> sigs.shape, bool((sigs[1] == EMPTY).all())
((2, 16), True)
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from datasketch import MinHash

from dedupe.errors import ConfigError

EMPTY = np.uint32(0xFFFFFFFF)
# Rows of (shingle x permutation) values computed at once: 256 KB, so the
# values stay in the core's cache between the multiply, the add and the minimum
# (1.5-2x faster than batches of megabytes).
_BATCH_CELLS = 65_536


def _fmix32(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer, as datasketch applies before permuting."""
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


class Signer:
    """Turn shingle-hash arrays into ``uint32`` MinHash signatures.

    Parameters are checked here, once, so a bad value fails before any work.
    """

    def __init__(self, *, num_perm: int = 128, seed: int = 1):
        if not isinstance(num_perm, int) or not 16 <= num_perm <= 1024:
            raise ConfigError(f"num_perm={num_perm!r} must be an integer from 16 to 1024 (default 128)")
        self.num_perm = num_perm
        self.seed = seed
        a, b = MinHash(num_perm=num_perm, seed=seed).permutations
        self._a = np.asarray(a, dtype=np.uint32)
        self._b = np.asarray(b, dtype=np.uint32)

    def sign_many(self, shingle_sets: Sequence[np.ndarray]) -> np.ndarray:
        """One signature row per shingle set; an empty set gets a row of ``EMPTY``."""
        out = np.full((len(shingle_sets), self.num_perm), EMPTY, dtype=np.uint32)
        rows_per_batch = max(1, _BATCH_CELLS // self.num_perm)
        start = 0
        while start < len(shingle_sets):
            stop, cells = start, 0
            while stop < len(shingle_sets) and (cells == 0 or cells + len(shingle_sets[stop]) <= rows_per_batch):
                cells += len(shingle_sets[stop])
                stop += 1
            self._sign_batch(shingle_sets[start:stop], out[start:stop])
            start = stop
        return out

    def _sign_batch(self, sets: Sequence[np.ndarray], out: np.ndarray) -> None:
        lengths = np.fromiter((len(s) for s in sets), dtype=np.int64, count=len(sets))
        nonempty = np.flatnonzero(lengths)
        if not len(nonempty):
            return
        hashes = _fmix32(np.concatenate([np.asarray(sets[i], dtype=np.uint32) for i in nonempty]))
        permuted = np.multiply.outer(hashes, self._a)
        permuted += self._b
        starts = np.concatenate(([0], np.cumsum(lengths[nonempty])[:-1]))
        out[nonempty] = np.minimum.reduceat(permuted, starts, axis=0)
