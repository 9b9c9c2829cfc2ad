"""Persistent indexes: the documents of earlier runs, ready to regroup with new ones.

See :mod:`dedupe.incremental` for the functions that use them.
"""
from dedupe.index.base import FORMAT_VERSION, IndexStore, StoredDocument, check_params, grouping_params
from dedupe.index.sqlite import SQLiteIndex

__all__ = ["FORMAT_VERSION", "IndexStore", "SQLiteIndex", "StoredDocument", "check_params", "grouping_params"]
