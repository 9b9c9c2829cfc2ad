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

import os
from collections.abc import Iterator

import numpy as np

from dedupe.errors import ConfigError
from dedupe.sign import EMPTY

_MIX = np.uint64(0x9E3779B97F4A7C15)
# Band pair codes held before they are merged: 16M codes, 128 MB.
_PENDING = 1 << 24


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


def _distinct(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values, by sorting: ``np.unique`` without extra outputs
    uses a hash table, which on tens of millions of pair codes is ~50x slower."""
    values = np.sort(values)
    return values[np.concatenate(([True], values[1:] != values[:-1]))[: len(values)]]


def _merge(found: np.ndarray, pending: list[np.ndarray]) -> np.ndarray:
    """Sorted distinct union of ``found`` (sorted, distinct) and ``pending``.

    Only the new values are sorted from scratch; a stable sort of two sorted
    runs is a linear merge (timsort).
    """
    new = _distinct(np.concatenate(pending)) if pending else found[:0]
    if len(found):
        at = np.minimum(np.searchsorted(found, new), len(found) - 1)
        new = new[found[at] != new]
    merged = np.concatenate([found, new])
    merged.sort(kind="stable")
    return merged


def _band_codes(signatures: np.ndarray, *, bands: int, rows: int, window: int) -> Iterator[np.ndarray]:
    """Per band, the pairs ``(i, j)``, ``i < j``, of rows that share that band's
    slice, each as the one number ``i << 32 | j`` (some pairs more than once;
    a shift and a mask decode it, where a division by ``n`` costs more than
    the banding on 11M pairs).

    Inside one band bucket, each document is paired with the next ``window``
    members (in document order): a bucket of up to ``window + 1`` documents
    gives all its pairs, while a huge bucket (a very common term) costs
    ``O(size * window)`` rather than ``O(size^2)``. Rows whose signature is
    empty (no shingles) never pair.
    """
    if window < 1:
        raise ConfigError(f"window={window} must be 1 or more")
    check_bands(signatures.shape[1], bands, rows)
    live = np.flatnonzero(~(signatures == EMPTY).all(axis=1))
    for band in range(bands):
        band_key = band_keys(signatures[live, band * rows : (band + 1) * rows], bands=1, rows=rows)[:, 0]
        order = np.argsort(band_key, kind="stable")
        sorted_keys = band_key[order]
        docs = live[order]
        found = []
        for step in range(1, min(window, len(docs) - 1) + 1):
            same = sorted_keys[step:] == sorted_keys[:-step]
            if not same.any():
                break
            a, b = docs[:-step][same], docs[step:][same]
            found.append((np.minimum(a, b) << 32) | np.maximum(a, b))
        yield np.concatenate(found) if found else np.empty(0, dtype=np.int64)


def _decode(codes: np.ndarray) -> np.ndarray:
    pairs = np.empty((len(codes), 2), dtype=np.int64)
    pairs[:, 0], pairs[:, 1] = codes >> 32, codes & 0xFFFFFFFF
    return pairs


def candidate_pairs(
    signatures: np.ndarray, *, bands: int, rows: int, window: int = 64
) -> np.ndarray:
    """Distinct pairs ``(i, j)``, ``i < j``, of rows that share a band, sorted
    (see :func:`_band_codes` for ``window`` and empty signatures)."""
    # A pair travels as one number: sorting those sorts the pairs, and the
    # bands' pairs merge without (pairs x 2) copies. Merged once the bands'
    # codes since the last merge outnumber both the pairs found and _PENDING,
    # so the same pair found by many bands is held once, and a corpus whose
    # codes fit in _PENDING (100k documents: 14M) sorts them once.
    found = np.empty(0, dtype=np.int64)
    pending: list[np.ndarray] = []
    for codes in _band_codes(signatures, bands=bands, rows=rows, window=window):
        pending.append(codes)
        if sum(map(len, pending)) > max(len(found), _PENDING):
            found, pending = _merge(found, pending), []
    return _decode(_merge(found, pending))


def candidate_blocks(
    signatures: np.ndarray, *, bands: int, rows: int, window: int = 64, block_docs: int, folder: str
) -> list[tuple[str, int]]:
    """:func:`candidate_pairs` cut by first document into blocks of ``block_docs``
    documents, each saved in ``folder`` (``.npy``, sorted); returns each
    block's path and pair count, in order. Concatenated, the blocks are
    :func:`candidate_pairs`.

    A 1M-document corpus has about 100M distinct candidates, several times
    that before the bands' repeats are dropped: held at once they would be the
    largest thing in memory. Each band's pairs go straight to their block's
    file; a block is deduplicated when all bands are in, one block at a time.
    """
    if block_docs < 1:
        raise ConfigError(f"block_docs={block_docs} must be 1 or more")
    n = len(signatures)
    n_blocks = max(1, -(-n // block_docs))
    raw = [os.path.join(folder, f"raw-{b}.bin") for b in range(n_blocks)]
    handles = [open(path, "wb") for path in raw]
    try:
        for codes in _band_codes(signatures, bands=bands, rows=rows, window=window):
            codes.sort()
            cuts = np.searchsorted(codes, (np.arange(1, n_blocks, dtype=np.int64) * block_docs) << 32)
            for handle, part in zip(handles, np.split(codes, cuts)):
                part.tofile(handle)
    finally:
        for handle in handles:
            handle.close()
    blocks = []
    for b, path in enumerate(raw):
        pairs = _decode(_distinct(np.fromfile(path, dtype=np.int64)))
        os.remove(path)
        saved = os.path.join(folder, f"block-{b}.npy")
        np.save(saved, pairs)
        blocks.append((saved, len(pairs)))
    return blocks
