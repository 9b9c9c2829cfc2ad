"""dedupe: find the copies of one news story and flag machine-translation artifacts.

>>> from dedupe import scan, ScanConfig
>>> result = scan(["seeds"], ScanConfig())          # doctest: +SKIP
>>> [len(c.members) for c in result.clusters]       # doctest: +SKIP
[2, 2]
"""
from dedupe.config import ScanConfig
from dedupe.errors import BadInputError, ConfigError, DedupeError
from dedupe.pipeline import scan, scan_documents, scan_jsonl
from dedupe.types import BadFile, Cluster, Document, Flag, Pair, ScanResult, Span

__all__ = [
    "BadFile", "BadInputError", "Cluster", "ConfigError", "DedupeError", "Document", "Flag",
    "Pair", "ScanConfig", "ScanResult", "Span", "scan", "scan_documents", "scan_jsonl",
]
