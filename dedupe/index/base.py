"""What a persistent index stores, and the small interface every backend offers.

An index keeps, per document, everything a later run needs to regroup it
without reading its file again: the text as read (so boilerplate can be
re-fitted on the grown corpus), the cached analysis (boilerplate spans,
language, :class:`~dedupe.shingles.Features`) and the last run's cluster.
Its meta data holds the format version and every grouping parameter, so an
index is never regrouped with settings it was not built with.

>>> grouping_params(ScanConfig())["num_perm"]
128
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from dedupe.config import ReadConfig, ScanConfig
from dedupe.errors import ConfigError, DedupeError
from dedupe.shingles import Features
from dedupe.types import Document

FORMAT_VERSION = 1
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
class StoredDocument:
    """One indexed document: ``key`` is the store's own row number (insertion
    order, which is the corpus order every stage sees); ``cluster``,
    ``canonical`` and ``similarity`` (to the canonical copy) are the last run's."""

    key: int
    document: Document
    features: Features
    cluster: int | None = None
    canonical: bool = False
    similarity: float | None = None


class IndexStore(Protocol):
    """A backend: SQLite by default (:class:`dedupe.index.sqlite.SQLiteIndex`)."""

    def params(self) -> dict | None:
        """The stored grouping parameters, or None for a new, empty index."""

    def set_params(self, params: dict) -> None:
        """Record the grouping parameters (once, when the index is created)."""

    def keys_of_ids(self, ids: Iterable[str]) -> dict[str, list[int]]:
        """Stored keys per document id (an id may be stored from several sources)."""

    def keys_of(self, pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], int]:
        """Which ``(source, id)`` pairs are already stored, with their keys."""

    def add(self, documents: Sequence[Document], features: Sequence[Features], *, batch: int) -> list[int]:
        """Append analysed documents, one transaction per ``batch``; returns their keys."""

    def load(self) -> list[StoredDocument]:
        """Every stored document, in insertion order."""

    def update_analysis(self, keys: Sequence[int], documents: Sequence[Document],
                        features: Sequence[Features], *, batch: int) -> None:
        """Replace the cached analysis of re-analysed documents."""

    def set_clusters(self, assignment: dict[int, tuple[int, bool, float]]) -> None:
        """Replace every cluster assignment (key -> (cluster id, canonical, similarity to it)) at once."""

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
