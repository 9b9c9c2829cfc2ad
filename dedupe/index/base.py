"""What a persistent index stores, and the small interface every backend offers.

An index keeps, per document, everything a later run needs to regroup it
without reading its file again: the text as read, the cached analysis
(boilerplate spans, language, :class:`~dedupe.shingles.Features`), what the
corpus-wide steps decided for it (its line table and which lines were
boilerplate, which shingles were too common to sign, its signature: see
:class:`Cached`) and the last run's cluster. Its meta data holds the format
version and every grouping parameter, so an index is never regrouped with
settings it was not built with.

>>> grouping_params(ScanConfig())["num_perm"]
128
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from dedupe.config import ReadConfig, ScanConfig
from dedupe.errors import ConfigError, DedupeError
from dedupe.shingles import Features
from dedupe.types import Document, Span

# 2: line tables, boilerplate marks, cut masks and signatures per document.
# 3: Chinese and Japanese text cut into words (other features than version 2's).
# 4: each document's numbers outside boilerplate; SQLite keeps cluster assignments in their own table.
FORMAT_VERSION = 4
# Settings that change what is read or how it is scored, never which documents
# are grouped: an index may be used with any value of these.
_NOT_GROUPING = frozenset(ReadConfig.__dataclass_fields__) | {"score", "min_score"}


def grouping_params(config: ScanConfig) -> dict:
    """The flat parameters that decide the clusters (see :meth:`ScanConfig.flat`)."""
    return {k: v for k, v in config.flat().items() if k not in _NOT_GROUPING}


def check_params(stored: dict, config: ScanConfig, where: str) -> None:
    """Raise a :class:`DedupeError` naming every grouping parameter that differs.

    >>> check_params(grouping_params(ScanConfig()), ScanConfig.from_flat({"num_perm": 64, "bands": 32}), "x.db")
    Traceback (most recent call last):
    ...
    dedupe.errors.DedupeError: x.db was built with other grouping parameters: bands=64 (given 32), num_perm=128 (given 64); use the index's parameters or build a new index
    """
    given = grouping_params(config)
    names = sorted(set(stored) | set(given))
    differ = [f"{k}={stored.get(k)!r} (given {given.get(k)!r})" for k in names if stored.get(k) != given.get(k)]
    if differ:
        raise DedupeError(
            f"{where} was built with other grouping parameters: {', '.join(differ)}; "
            "use the index's parameters or build a new index"
        )


@dataclass(slots=True)
class Cached:
    """A document's analysis and what the corpus-wide steps decided for it.

    ``lines``/``weights`` are its :func:`~dedupe.boilerplate.line_table` (what
    the boilerplate model counts), ``marked`` says which of those lines the
    model it was analysed with held to be boilerplate, ``cut`` which of its
    shingles were left out of ``signature`` as too common, ``numbers`` the
    numbers outside its boilerplate (:func:`dedupe.numberset.document_numbers`:
    what the pair and link checks compare). An update compares
    ``marked`` and ``cut`` with the refitted corpus: a document is analysed or
    signed again only where they differ, and per document, so an update cut
    short between batches is still caught up by the next one.
    """

    features: Features
    lines: np.ndarray  # uint64
    weights: np.ndarray  # uint16
    marked: np.ndarray  # bool, one per line
    cut: np.ndarray  # bool, one per shingle
    signature: np.ndarray  # uint32, num_perm values
    numbers: frozenset[str]


@dataclass(slots=True)
class StoredDocument:
    """One indexed document: ``key`` is the store's own number (insertion
    order, which is the corpus order every stage sees); ``cluster``,
    ``canonical`` and ``similarity`` (to the canonical copy) are the last run's."""

    key: int
    document: Document
    cached: Cached
    cluster: int | None = None
    canonical: bool = False
    similarity: float | None = None


def pack(document: Document, cached: Cached) -> dict[str, bytes | str | float | None]:
    """The stored fields of a document's analysis, as every backend writes them.

    Span text is not stored: it is the document's own text at those offsets.
    """
    return {
        "language": document.language,
        "boilerplate": json.dumps([[s.start, s.end] for s in document.boilerplate]),
        "artifact_score": document.artifact_score,
        "shingles": cached.features.shingles.astype(np.uint64).tobytes(),
        "terms": cached.features.terms.astype(np.uint32).tobytes(),
        "zipfs": cached.features.zipfs.astype(np.float32).tobytes(),
        "lines": cached.lines.astype(np.uint64).tobytes(),
        "weights": cached.weights.astype(np.uint16).tobytes(),
        "marked": np.packbits(cached.marked).tobytes(),
        **pack_signing(cached),
        "numbers": " ".join(sorted(cached.numbers)),
    }


def pack_signing(cached: Cached) -> dict[str, bytes]:
    """The fields of :data:`SIGNING`, as :func:`pack` gives them."""
    return {"cut": np.packbits(cached.cut).tobytes(), "signature": cached.signature.astype(np.uint32).tobytes()}


# The field names of :func:`pack`, in the order backends store them.
PACKED = ("language", "boilerplate", "artifact_score", "shingles", "terms", "zipfs",
          "lines", "weights", "marked", "cut", "signature", "numbers")
# What signing decides: the fields a document signed again (its too-common
# shingles changed with the corpus, not its analysis) rewrites.
SIGNING = ("cut", "signature")


def unpack_many(ids: Sequence[str], sources: Sequence[str], texts: Sequence[str],
                fields: dict[str, Sequence]) -> list[tuple[Document, Cached]]:
    """Inverse of :func:`pack` for many documents: ``fields`` holds, for every
    name of :data:`PACKED`, the documents' values in order. Each array field is
    read from the documents' bytes joined (one numpy call per field, not per
    document: a 100k-document index loads in a fraction of the time).
    """
    shingles = _split(fields["shingles"], np.uint64)
    lines = _split(fields["lines"], np.uint64)
    arrays = zip(shingles, _split(fields["terms"], np.uint32), _split(fields["zipfs"], np.float32), lines,
                 _split(fields["weights"], np.uint16), _split_bits(fields["marked"], lines),
                 _split_bits(fields["cut"], shingles), _split(fields["signature"], np.uint32))
    spans = json.loads("[" + ",".join(fields["boilerplate"]) + "]")
    out = []
    for doc_id, source, text, language, bounds, score, numbers, (sh, te, zi, li, we, ma, cu, si) in zip(
            ids, sources, texts, fields["language"], spans, fields["artifact_score"], fields["numbers"], arrays):
        document = Document(id=doc_id, text=text, source=source, language=language,
                            boilerplate=[Span(s, e, text[s:e]) for s, e in bounds], artifact_score=score)
        out.append((document, Cached(Features(sh, te, zi), li, we, ma, cu, si, frozenset(numbers.split()))))
    return out


def _split(values: Sequence[bytes], dtype) -> list[np.ndarray]:
    """Each of ``values`` as an array of ``dtype`` (views into one joined buffer)."""
    ends = (np.cumsum(np.fromiter(map(len, values), dtype=np.int64, count=len(values)))
            // np.dtype(dtype).itemsize).tolist()
    data = np.frombuffer(b"".join(values), dtype=dtype)
    return [data[a:b] for a, b in zip([0, *ends], ends)]


def _split_bits(values: Sequence[bytes], like: Sequence[np.ndarray]) -> list[np.ndarray]:
    """Each of ``values`` (:func:`numpy.packbits` of a mask) unpacked to as many bools as its ``like`` array."""
    starts = (np.cumsum(np.fromiter(map(len, values), dtype=np.int64, count=len(values))) * 8).tolist()
    bits = np.unpackbits(np.frombuffer(b"".join(values), dtype=np.uint8)).view(bool)
    return [bits[a:a + len(ref)] for a, ref in zip([0, *starts], like)]


class IndexStore(Protocol):
    """A backend: SQLite by default (:class:`dedupe.index.sqlite.SQLiteIndex`),
    Redis to share one index between machines (:class:`dedupe.index.redis.RedisIndex`).
    Every write of ``batch`` documents is one atomic transaction."""

    location: str

    def params(self) -> dict | None:
        """The stored grouping parameters, or None for a new, empty index."""

    def set_params(self, params: dict) -> None:
        """Record the grouping parameters (once, when the index is created)."""

    def keys_of_ids(self, ids: Iterable[str]) -> dict[str, list[int]]:
        """Stored keys per document id (an id may be stored from several sources)."""

    def keys_of(self, pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], int]:
        """Which ``(source, id)`` pairs are already stored, with their keys."""

    def add(self, documents: Sequence[Document], cached: Sequence[Cached], *, batch: int) -> list[int]:
        """Append analysed documents; returns their keys."""

    def load(self) -> list[StoredDocument]:
        """Every stored document, in insertion order."""

    def update_analysis(self, keys: Sequence[int], documents: Sequence[Document],
                        cached: Sequence[Cached], *, batch: int) -> None:
        """Replace the analysis of documents analysed again."""

    def update_signing(self, keys: Sequence[int], cached: Sequence[Cached], *, batch: int) -> None:
        """Replace the :data:`SIGNING` fields of documents signed again (their analysis unchanged)."""

    def set_clusters(self, assignment: dict[int, tuple[int, bool, float]]) -> None:
        """Replace every cluster assignment (key -> (cluster id, canonical, similarity to it)) at once."""

    def get_blob(self, name: str) -> bytes | None:
        """The bytes last stored under ``name``, or None."""

    def set_blob(self, name: str, data: bytes) -> None:
        """Replace the bytes stored under ``name``, in one transaction."""

    def remove(self, keys: Sequence[int]) -> None:
        """Delete documents by key."""

    def stats(self) -> dict:
        """Counts and settings for ``dedupe index stats``."""

    def close(self) -> None:
        """Release the store."""


def check_batch(batch: int) -> int:
    """Documents per transaction must be a positive integer."""
    if isinstance(batch, bool) or not isinstance(batch, int) or batch < 1:
        raise ConfigError(f"batch={batch!r} must be a positive number of documents per transaction (default 1000)")
    return batch


def format_error(location: str, version: object) -> DedupeError:
    """The error for an index written in another format."""
    return DedupeError(
        f"{location} has index format {version}; this version of dedupe reads format "
        f"{FORMAT_VERSION}: rebuild the index with `dedupe index add`"
    )
