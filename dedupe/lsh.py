"""Band MinHash signatures and list the candidate pairs that share a band.

Banding follows datasketch's ``MinHashLSH``: a signature of ``bands * rows``
values is cut into ``bands`` slices and two documents become candidates when
any slice is equal. Instead of a dict per band, each band's slices are folded
into one 64-bit key and grouped with a numpy sort, which keeps memory flat and
is fast for millions of rows.

The probability that two documents with Jaccard similarity ``s`` become
candidates is ``1 - (1 - s**rows) ** bands``:

>>> round(candidate_probability(0.25, bands=64, rows=2), 3)
0.984
>>> round(candidate_probability(0.02, bands=64, rows=2), 3)
0.025
"""
from __future__ import annotations

import numpy as np

from dedupe.errors import ConfigError
from dedupe.sign import EMPTY

_MIX = np.uint64(0x9E3779B97F4A7C15)


def check_bands(num_perm: int, bands: int, rows: int) -> None:
    """Fail early, like datasketch, when ``bands * rows`` does not fit ``num_perm``."""
    if bands < 1 or rows < 1:
        raise ConfigError(f"bands={bands} and rows={rows} must both be 1 or more")
    if bands * rows > num_perm:
        raise ConfigError(
            f"bands x rows = {bands} x {rows} = {bands * rows} is more than num_perm={num_perm}; "
            f"lower bands to {num_perm // rows} or raise num_perm"
        )


def candidate_probability(similarity: float, *, bands: int, rows: int) -> float:
    """Chance that a pair with this Jaccard similarity shares at least one band."""
    return 1.0 - (1.0 - similarity**rows) ** bands


def band_keys(signatures: np.ndarray, *, bands: int, rows: int) -> np.ndarray:
    """``(n_docs, bands)`` array of 64-bit keys, one per band slice.

    For ``rows <= 2`` the key packs the slice exactly; for more rows it is a
    multiplicative hash of the slice (collisions ~ n^2 / 2^64, negligible).
    """
    check_bands(signatures.shape[1], bands, rows)
    sig = signatures[:, : bands * rows].astype(np.uint64).reshape(len(signatures), bands, rows)
    key = sig[:, :, 0].copy()
    for r in range(1, rows):
        key = (key * _MIX if rows > 2 else key << np.uint64(32)) ^ sig[:, :, r]
    return key


def candidate_pairs(
    signatures: np.ndarray, *, bands: int, rows: int, window: int = 64
) -> np.ndarray:
    """Distinct pairs ``(i, j)``, ``i < j``, of rows that share a band.

    Inside one band bucket, each document is paired with the next ``window``
    members (in document order): a bucket of up to ``window + 1`` documents
    gives all its pairs, while a huge bucket (a very common term) costs
    ``O(size * window)`` rather than ``O(size^2)``.

    Rows whose signature is empty (no shingles) never become candidates.
    """
    if window < 1:
        raise ConfigError(f"window={window} must be 1 or more")
    keys = band_keys(signatures, bands=bands, rows=rows)
    live = np.flatnonzero(~(signatures == EMPTY).all(axis=1))
    found = []
    for band in range(bands):
        band_key = keys[live, band]
        order = np.argsort(band_key, kind="stable")
        sorted_keys = band_key[order]
        docs = live[order]
        for step in range(1, min(window, len(docs) - 1) + 1):
            same = sorted_keys[step:] == sorted_keys[:-step]
            if not same.any():
                break
            found.append(np.stack([docs[:-step][same], docs[step:][same]], axis=1))
    if not found:
        return np.empty((0, 2), dtype=np.int64)
    pairs = np.sort(np.concatenate(found), axis=1)
    return np.unique(pairs, axis=0)
