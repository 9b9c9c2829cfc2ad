"""An index store in Redis, for an index that several machines share.

Selected by an index URL, ``redis://HOST:PORT/DB`` (one index per Redis
database, every key under ``dedupe:``); anything else is an SQLite file path
(:func:`dedupe.index.open_store`). It stores what the SQLite store stores:

* ``dedupe:meta``: hash of ``format_version`` and ``params`` (JSON);
* ``dedupe:next``: the last key handed out (keys are never reused, so key
  order stays insertion order, the corpus order the stages depend on);
* ``dedupe:order``: sorted set of the stored keys;
* ``dedupe:doc:KEY``: hash of ``id``, ``source``, ``text``, the packed
  analysis (:func:`dedupe.index.base.pack`) and the last cluster;
* ``dedupe:blob:NAME``: list of the parts of a named blob (the last run's
  pair bounds: :mod:`dedupe.pairbounds`);
* ``dedupe:source``: hash ``SOURCE NUL ID`` -> key; ``dedupe:id:ID``: set of
  keys stored under that id; ``dedupe:clustered``: keys with a cluster.

Every batch of writes is one ``MULTI``/``EXEC`` transaction: the server applies
all of it or, if the writer dies before ``EXEC``, none of it. How much survives
a crash of the *server* is its own setting: run it with ``appendonly yes`` for
the guarantee the SQLite store gives.

>>> store = RedisIndex.open("redis://127.0.0.1:6379/0")  # doctest: +SKIP
>>> store.stats()["documents"]                            # doctest: +SKIP
0
"""
from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from urllib.parse import urlsplit

from dedupe.errors import DedupeError
from dedupe.index.base import (
    FORMAT_VERSION, PACKED, Cached, StoredDocument, check_batch, format_error, pack, pack_signing, unpack_many,
)
from dedupe.types import Document

_NS = "dedupe:"
_META, _NEXT, _ORDER = _NS + "meta", _NS + "next", _NS + "order"
_SOURCE, _CLUSTERED = _NS + "source", _NS + "clustered"
_CLUSTER_FIELDS = ("cluster", "canonical", "similarity")
# Bytes per part of a stored blob: under Redis's limit of 512 MB per value.
_BLOB_PART = 1 << 28
# Keys per pipelined read: bounds the replies held at once.
_READ_CHUNK = 1000
_TEXT_FIELDS = ("id", "source", "text", "language", "boilerplate", "numbers")


def _doc(key: int) -> str:
    return f"{_NS}doc:{key}"


def _id_set(doc_id: str) -> str:
    return f"{_NS}id:{doc_id}"


def _source_key(source: str, doc_id: str) -> str:
    return f"{source}\0{doc_id}"


def _chunks(items: Sequence, size: int) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _decode(raw: dict[bytes, bytes]) -> dict:
    """A stored hash with text fields decoded, numbers parsed and absent ones None."""
    fields = {k.decode(): v for k, v in raw.items()}
    for name in _TEXT_FIELDS:
        if name in fields:
            fields[name] = fields[name].decode("utf-8")
    for name in ("artifact_score", "similarity"):
        fields[name] = float(fields[name]) if name in fields else None
    fields["cluster"] = int(fields["cluster"]) if "cluster" in fields else None
    fields["canonical"] = fields.get("canonical") == b"1"
    fields.setdefault("language", None)
    return fields


def _check_url(url: str) -> None:
    """Refuse what the client would quietly misread (a database that is not a
    number selects database 0).

    >>> _check_url("redis://db.example:6379/x")
    Traceback (most recent call last):
    ...
    dedupe.errors.DedupeError: redis://db.example:6379/x is not a Redis URL (database 'x' is not a number); use redis://HOST:PORT/DB
    """
    parts = urlsplit(url)
    database = parts.path.strip("/")
    problem = None
    if parts.scheme not in ("redis", "rediss") or not parts.hostname:
        problem = "no host"
    elif database and not database.isdigit():
        problem = f"database {database!r} is not a number"
    else:
        try:
            parts.port
        except ValueError as exc:
            problem = str(exc)
    if problem:
        raise DedupeError(f"{url} is not a Redis URL ({problem}); use redis://HOST:PORT/DB")


class RedisIndex:
    """An :class:`~dedupe.index.base.IndexStore` in one Redis database.

    Open with :meth:`open`; ``create=False`` refuses a database that holds no
    index yet. Needs the ``redis`` client (``pip install 'dedupe[redis]'``).
    """

    def __init__(self, client, url: str):
        self._r = client
        self.location = url

    @classmethod
    def open(cls, url: str, *, create: bool = True) -> "RedisIndex":
        try:
            import redis
        except ImportError:
            raise DedupeError(
                f"{url}: a Redis index needs the redis client; install it with pip install 'dedupe[redis]'"
            ) from None
        _check_url(url)
        try:
            client = redis.Redis.from_url(url)
            version = client.hget(_META, "format_version")
        except ValueError as exc:
            raise DedupeError(f"{url} is not a Redis URL ({exc}); use redis://HOST:PORT/DB") from exc
        except redis.RedisError as exc:
            raise DedupeError(f"{url}: cannot reach Redis ({exc}); start redis-server or fix the URL") from exc
        if version is None:
            if not create:
                raise DedupeError(f"{url}: no such index; build one with `dedupe index add PATH --index {url}`")
            client.hsetnx(_META, "format_version", str(FORMAT_VERSION))
            version = client.hget(_META, "format_version")
        if int(version) != FORMAT_VERSION:
            client.close()
            raise format_error(url, int(version))
        return cls(client, url)

    def _transaction(self):
        # MULTI/EXEC: the batch is applied whole or not at all.
        return self._r.pipeline(transaction=True)

    def params(self) -> dict | None:
        value = self._r.hget(_META, "params")
        return None if value is None else json.loads(value)

    def set_params(self, params: dict) -> None:
        self._r.hset(_META, "params", json.dumps(params, sort_keys=True))

    def keys_of(self, pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], int]:
        pairs = list(pairs)
        found = {}
        for part in _chunks(pairs, _READ_CHUNK):
            values = self._r.hmget(_SOURCE, [_source_key(s, i) for s, i in part])
            found.update({pair: int(v) for pair, v in zip(part, values) if v is not None})
        return found

    def keys_of_ids(self, ids: Iterable[str]) -> dict[str, list[int]]:
        ids = list(ids)
        pipe = self._r.pipeline(transaction=False)
        for doc_id in ids:
            pipe.smembers(_id_set(doc_id))
        return {doc_id: sorted(int(k) for k in keys) for doc_id, keys in zip(ids, pipe.execute())}

    def add(self, documents: Sequence[Document], cached: Sequence[Cached], *, batch: int = 1000) -> list[int]:
        check_batch(batch)
        keys: list[int] = []
        for start in range(0, len(documents), batch):
            part = list(zip(documents[start : start + batch], cached[start : start + batch]))
            # Keys are handed out before the transaction; a batch that never
            # commits leaves a gap, which keeps the order.
            last = self._r.incrby(_NEXT, len(part))
            part_keys = list(range(last - len(part) + 1, last + 1))
            pipe = self._transaction()
            for key, (doc, c) in zip(part_keys, part):
                mapping = {"id": doc.id, "source": doc.source, "text": doc.text}
                self._queue_analysis(pipe, key, doc, c, mapping)
                pipe.zadd(_ORDER, {key: key})
                pipe.hset(_SOURCE, _source_key(doc.source, doc.id), key)
                pipe.sadd(_id_set(doc.id), key)
            pipe.execute()
            keys.extend(part_keys)
        return keys

    @staticmethod
    def _queue_analysis(pipe, key: int, doc: Document, cached: Cached, mapping: dict | None = None) -> None:
        packed = pack(doc, cached)
        absent = [name for name in PACKED if packed[name] is None]
        mapping = {**(mapping or {}), **{k: v for k, v in packed.items() if v is not None}}
        pipe.hset(_doc(key), mapping=mapping)
        if absent:
            pipe.hdel(_doc(key), *absent)

    def _keys(self) -> list[int]:
        return [int(k) for k in self._r.zrange(_ORDER, 0, -1)]

    def _read(self, keys: Sequence[int], fields: Sequence[str] | None = None) -> Iterator[tuple[int, dict]]:
        """Decoded hashes of ``keys`` (all fields, or ``fields`` only), pipelined in chunks."""
        for part in _chunks(keys, _READ_CHUNK):
            pipe = self._r.pipeline(transaction=False)
            for key in part:
                if fields is None:
                    pipe.hgetall(_doc(key))
                else:
                    pipe.hmget(_doc(key), list(fields))
            for key, raw in zip(part, pipe.execute()):
                if fields is not None:
                    raw = {name.encode(): value for name, value in zip(fields, raw) if value is not None}
                if raw:  # removed by another writer since the keys were listed
                    yield key, _decode(raw)

    def load(self) -> list[StoredDocument]:
        keys, rows = [], []
        for key, fields in self._read(self._keys()):
            keys.append(key)
            rows.append(fields)
        columns = {name: [r[name] for r in rows] for name in (*PACKED, "id", "source", "text")}
        unpacked = unpack_many(columns["id"], columns["source"], columns["text"], columns)
        return [StoredDocument(key, document, cached, r["cluster"], r["canonical"], r["similarity"])
                for key, (document, cached), r in zip(keys, unpacked, rows)]

    def update_analysis(self, keys: Sequence[int], documents: Sequence[Document],
                        cached: Sequence[Cached], *, batch: int = 1000) -> None:
        check_batch(batch)
        rows = list(zip(keys, documents, cached))
        for part in _chunks(rows, batch):
            pipe = self._transaction()
            for key, doc, c in part:
                self._queue_analysis(pipe, key, doc, c)
            pipe.execute()

    def update_signing(self, keys: Sequence[int], cached: Sequence[Cached], *, batch: int = 1000) -> None:
        check_batch(batch)
        for part in _chunks(list(zip(keys, cached)), batch):
            pipe = self._transaction()
            for key, c in part:
                pipe.hset(_doc(key), mapping=pack_signing(c))
            pipe.execute()

    def set_clusters(self, assignment: dict[int, tuple[int, bool, float]]) -> None:
        # One transaction: readers see the old grouping or the new one, never a mix.
        previous = [int(k) for k in self._r.smembers(_CLUSTERED)]
        pipe = self._transaction()
        for key in previous:
            if key not in assignment:
                pipe.hdel(_doc(key), *_CLUSTER_FIELDS)
        for key, (cid, canonical, similarity) in assignment.items():
            pipe.hset(_doc(key), mapping={"cluster": cid, "canonical": int(canonical), "similarity": repr(similarity)})
        pipe.delete(_CLUSTERED)
        if assignment:
            pipe.sadd(_CLUSTERED, *assignment)
        pipe.execute()

    def get_blob(self, name: str) -> bytes | None:
        parts = self._r.lrange(f"{_NS}blob:{name}", 0, -1)
        return b"".join(parts) if parts else None

    def set_blob(self, name: str, data: bytes) -> None:
        pipe = self._transaction()
        pipe.delete(f"{_NS}blob:{name}")
        for part in _chunks(memoryview(data), _BLOB_PART):
            pipe.rpush(f"{_NS}blob:{name}", bytes(part))
        pipe.execute()

    def remove(self, keys: Sequence[int]) -> None:
        names = dict(self._read(keys, ("id", "source")))
        pipe = self._transaction()
        for key in keys:
            if key in names:
                pipe.hdel(_SOURCE, _source_key(names[key]["source"], names[key]["id"]))
                pipe.srem(_id_set(names[key]["id"]), key)
            pipe.delete(_doc(key))
            pipe.zrem(_ORDER, key)
            pipe.srem(_CLUSTERED, key)
        pipe.execute()

    def stats(self) -> dict:
        rows = [fields for _, fields in self._read(self._keys(), ("cluster", "source", "language"))]
        clusters = [f["cluster"] for f in rows if f["cluster"] is not None]
        languages = Counter(f["language"] or "" for f in rows)
        return {
            "path": self.location,
            "backend": "redis",
            "format_version": FORMAT_VERSION,
            "documents": len(rows),
            "clustered_documents": len(clusters),
            "clusters": len(set(clusters)),
            "sources": len({f["source"] for f in rows}),
            "languages": dict(languages.most_common()),
            "params": self.params(),
            # The server's memory is shared by every database on it: not this index's size.
            "bytes": None,
        }

    def close(self) -> None:
        self._r.close()

    def __enter__(self) -> "RedisIndex":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
