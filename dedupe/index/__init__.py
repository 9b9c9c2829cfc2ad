"""Persistent indexes: the documents of earlier runs, ready to regroup with new ones.

See :mod:`dedupe.incremental` for the functions that use them.

>>> open_store("news.db")                    # doctest: +SKIP
<dedupe.index.sqlite.SQLiteIndex ...>
>>> open_store("redis://127.0.0.1:6379/0")   # doctest: +SKIP
<dedupe.index.redis.RedisIndex ...>
"""
from __future__ import annotations

import os

from dedupe.index.base import (
    FORMAT_VERSION,
    Cached,
    IndexStore,
    StoredDocument,
    check_params,
    grouping_params,
)
from dedupe.index.sqlite import SQLiteIndex

__all__ = [
    "FORMAT_VERSION", "Cached", "IndexStore", "SQLiteIndex", "StoredDocument", "check_params", "grouping_params",
    "is_redis_url", "open_store",
]


def is_redis_url(location: str | os.PathLike) -> bool:
    """Whether an index location names a Redis database rather than an SQLite file."""
    return isinstance(location, str) and location.startswith(("redis://", "rediss://"))


def open_store(location: str | os.PathLike, *, create: bool = True) -> IndexStore:
    """The index at ``location``: a ``redis://HOST:PORT/DB`` URL (the Redis
    store, imported only then, since its client is an optional extra) or an
    SQLite file path."""
    if is_redis_url(location):
        from dedupe.index.redis import RedisIndex

        return RedisIndex.open(location, create=create)
    return SQLiteIndex.open(location, create=create)
