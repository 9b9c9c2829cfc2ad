"""The default index store: one SQLite file (standard library), WAL mode.

Writes go in explicit transactions of ``batch`` documents: a writer killed
mid-batch loses only that batch, and the file still opens with every committed
batch intact (WAL replays committed frames and drops the rest).
``synchronous=NORMAL`` is the WAL setting SQLite recommends: a crash of the
process never loses a commit; a power cut may lose the last ones, never the
file's consistency.

>>> store = SQLiteIndex.open(":memory:")
>>> store.params() is None, store.stats()["documents"]
(True, 0)
"""
from __future__ import annotations

import json
import os
import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

from dedupe.errors import DedupeError
from dedupe.index.base import (
    FORMAT_VERSION, PACKED, SIGNING, Cached, StoredDocument, check_batch, format_error, pack, pack_signing, unpack_many,
)
from dedupe.types import Document

# AUTOINCREMENT: keys of removed documents are never reused, so key order stays
# insertion order (the corpus order boilerplate fitting and banding depend on).
# Cluster assignments and signing have their own narrow tables: an UPDATE
# rewrites the whole row, and a document row (text, arrays) is kilobytes; every
# run reassigns tens of thousands of documents and signs some again.
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    key INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL,
    source TEXT NOT NULL,
    text TEXT NOT NULL,
    language TEXT,
    boilerplate TEXT NOT NULL,
    artifact_score REAL,
    shingles BLOB NOT NULL,
    terms BLOB NOT NULL,
    zipfs BLOB NOT NULL,
    lines BLOB NOT NULL,
    weights BLOB NOT NULL,
    marked BLOB NOT NULL,
    numbers TEXT NOT NULL,
    UNIQUE (source, id)
);
CREATE TABLE IF NOT EXISTS signing (key INTEGER PRIMARY KEY, cut BLOB NOT NULL, signature BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS clusters (key INTEGER PRIMARY KEY, cluster INTEGER NOT NULL,
                                     canonical INTEGER NOT NULL, similarity REAL);
CREATE TABLE IF NOT EXISTS blobs (name TEXT NOT NULL, part INTEGER NOT NULL, data BLOB NOT NULL,
                                  PRIMARY KEY (name, part));
CREATE INDEX IF NOT EXISTS documents_id ON documents (id);
"""
_COLUMNS = f"key, id, source, text, {', '.join(PACKED)}, cluster, canonical, similarity"
_LOAD = f"SELECT {_COLUMNS} FROM documents JOIN signing USING (key) LEFT JOIN clusters USING (key) ORDER BY key"
_ANALYSIS = tuple(name for name in PACKED if name not in SIGNING)  # the documents table's
_INSERT = (f"INSERT INTO documents (id, source, text, {', '.join(_ANALYSIS)}) "
           f"VALUES (?, ?, ?, {', '.join('?' * len(_ANALYSIS))})")
_UPDATE = f"UPDATE documents SET {', '.join(f'{name} = ?' for name in _ANALYSIS)} WHERE key = ?"
_SIGN = f"INSERT OR REPLACE INTO signing (key, {', '.join(SIGNING)}) VALUES (?, {', '.join('?' * len(SIGNING))})"


# Bytes per row of a stored blob: under SQLite's default limit of 1e9 per value.
_BLOB_PART = 1 << 28


def _chunks(items: Sequence, size: int) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _row(document: Document, cached: Cached) -> tuple:
    packed = pack(document, cached)
    return tuple(packed[name] for name in _ANALYSIS)


def _signing(key: int, cached: Cached) -> tuple:
    packed = pack_signing(cached)
    return (key, *(packed[name] for name in SIGNING))


class SQLiteIndex:
    """An :class:`~dedupe.index.base.IndexStore` in one SQLite file.

    Open with :meth:`open`; ``create=False`` refuses a path that does not exist
    yet (``stats``/``export``/``remove`` must not leave an empty file behind).
    """

    def __init__(self, connection: sqlite3.Connection, path: str):
        self._db = connection
        self.path = path
        self.location = path

    @classmethod
    def open(cls, path: str | os.PathLike, *, create: bool = True) -> "SQLiteIndex":
        path = os.fspath(path)
        if not create and not os.path.exists(path):
            raise DedupeError(f"{path}: no such index; build one with `dedupe index add PATH --index {path}`")
        try:
            # isolation_level=None: transactions are ours (see _transaction), not implicit.
            db = sqlite3.connect(path, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if tables and "meta" not in tables:
                raise DedupeError(f"{path} is an SQLite file but not a dedupe index")
            db.executescript(_SCHEMA)
        except sqlite3.DatabaseError as exc:
            raise DedupeError(f"{path} cannot be opened as an index: {exc}") from exc
        store = cls(db, path)
        store._check_format()
        return store

    def _check_format(self) -> None:
        version = self._meta("format_version")
        if version is None:
            with self._transaction():
                self._db.execute("INSERT OR IGNORE INTO meta VALUES ('format_version', ?)", (str(FORMAT_VERSION),))
        elif int(version) != FORMAT_VERSION:
            raise format_error(self.path, version)

    @contextmanager
    def _transaction(self):
        # IMMEDIATE: take the write lock at once, so two writers fail fast
        # instead of deadlocking on upgrade.
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise DedupeError(
                f"{self.path} is being written by another process ({exc}); try again when it ends"
            ) from exc
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def _meta(self, name: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
        return row[0] if row else None

    def params(self) -> dict | None:
        value = self._meta("params")
        return None if value is None else json.loads(value)

    def set_params(self, params: dict) -> None:
        with self._transaction():
            self._db.execute("INSERT OR REPLACE INTO meta VALUES ('params', ?)", (json.dumps(params, sort_keys=True),))

    def keys_of(self, pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], int]:
        found = {}
        for source, doc_id in pairs:
            row = self._db.execute("SELECT key FROM documents WHERE source = ? AND id = ?", (source, doc_id)).fetchone()
            if row:
                found[(source, doc_id)] = row[0]
        return found

    def keys_of_ids(self, ids: Iterable[str]) -> dict[str, list[int]]:
        """Stored keys per document id (an id may be stored from several sources)."""
        out = {}
        for doc_id in ids:
            out[doc_id] = [r[0] for r in self._db.execute("SELECT key FROM documents WHERE id = ?", (doc_id,))]
        return out

    def add(self, documents: Sequence[Document], cached: Sequence[Cached], *, batch: int = 1000) -> list[int]:
        check_batch(batch)
        keys = []
        rows = [((d.id, d.source, d.text, *_row(d, c)), c) for d, c in zip(documents, cached)]
        for part in _chunks(rows, batch):
            with self._transaction():
                for row, c in part:
                    keys.append(self._db.execute(_INSERT, row).lastrowid)
                    self._db.execute(_SIGN, _signing(keys[-1], c))
        return keys

    def load(self) -> list[StoredDocument]:
        rows = self._db.execute(_LOAD).fetchall()
        if not rows:
            return []
        keys, ids, sources, texts, *packed = zip(*rows)
        unpacked = unpack_many(ids, sources, texts, dict(zip(PACKED, packed)))
        assigned = zip(*packed[len(PACKED):])  # cluster, canonical, similarity
        return [StoredDocument(key, document, cached, cluster, bool(canonical), similarity)
                for key, (document, cached), (cluster, canonical, similarity) in zip(keys, unpacked, assigned)]

    def update_analysis(self, keys: Sequence[int], documents: Sequence[Document],
                        cached: Sequence[Cached], *, batch: int = 1000) -> None:
        check_batch(batch)
        rows = [((*_row(d, c), k), _signing(k, c)) for k, d, c in zip(keys, documents, cached)]
        for part in _chunks(rows, batch):
            with self._transaction():
                self._db.executemany(_UPDATE, [row for row, _ in part])
                self._db.executemany(_SIGN, [signing for _, signing in part])

    def update_signing(self, keys: Sequence[int], cached: Sequence[Cached], *, batch: int = 1000) -> None:
        check_batch(batch)
        for part in _chunks([_signing(k, c) for k, c in zip(keys, cached)], batch):
            with self._transaction():
                self._db.executemany(_SIGN, part)

    def set_clusters(self, assignment: dict[int, tuple[int, bool, float]]) -> None:
        # One transaction: readers see the old grouping or the new one, never a mix.
        with self._transaction():
            self._db.execute("DELETE FROM clusters")
            self._db.executemany(
                "INSERT INTO clusters VALUES (?, ?, ?, ?)",
                [(key, cid, int(canonical), sim) for key, (cid, canonical, sim) in assignment.items()],
            )

    def get_blob(self, name: str) -> bytes | None:
        parts = [r[0] for r in self._db.execute("SELECT data FROM blobs WHERE name = ? ORDER BY part", (name,))]
        return b"".join(parts) if parts else None

    def set_blob(self, name: str, data: bytes) -> None:
        with self._transaction():
            self._db.execute("DELETE FROM blobs WHERE name = ?", (name,))
            self._db.executemany("INSERT INTO blobs VALUES (?, ?, ?)",
                                 [(name, i, part) for i, part in enumerate(_chunks(memoryview(data), _BLOB_PART))])

    def remove(self, keys: Sequence[int]) -> None:
        with self._transaction():
            self._db.executemany("DELETE FROM documents WHERE key = ?", [(k,) for k in keys])
            self._db.executemany("DELETE FROM clusters WHERE key = ?", [(k,) for k in keys])
            self._db.executemany("DELETE FROM signing WHERE key = ?", [(k,) for k in keys])

    def stats(self) -> dict:
        count = self._db.execute(
            "SELECT count(*), count(cluster), count(DISTINCT cluster), count(DISTINCT source) "
            "FROM documents LEFT JOIN clusters USING (key)"
        ).fetchone()
        languages = Counter(dict(self._db.execute("SELECT coalesce(language, ''), count(*) FROM documents GROUP BY 1")))
        return {
            "path": self.path,
            "backend": "sqlite",
            "format_version": FORMAT_VERSION,
            "documents": count[0],
            "clustered_documents": count[1],
            "clusters": count[2],
            "sources": count[3],
            "languages": dict(languages.most_common()),
            "params": self.params(),
            "bytes": os.path.getsize(self.path) if os.path.exists(self.path) else 0,
        }

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> "SQLiteIndex":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
