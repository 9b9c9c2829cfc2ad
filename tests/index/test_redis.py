"""The Redis index store: URLs, format checks, and atomic batches (shared behaviour: test_store.py)."""
from __future__ import annotations

import signal
import sys
import textwrap

import numpy as np
import pytest
from killed_writer import kill_mid_batch

from dedupe.errors import DedupeError
from dedupe.incremental import index_stats
from dedupe.index import is_redis_url, open_store
from dedupe.index.redis import RedisIndex

pytestmark = pytest.mark.redis


def test_only_redis_urls_select_redis(tmp_path):
    assert is_redis_url("redis://127.0.0.1:6379/0") and is_redis_url("rediss://cache.example:6380/2")
    assert not is_redis_url(str(tmp_path / "redis.db")) and not is_redis_url(tmp_path / "x")


def test_unreachable_server_is_a_one_line_error():
    pytest.importorskip("redis")
    with pytest.raises(DedupeError, match=r"redis://127.0.0.1:1/0: cannot reach Redis .*start redis-server"):
        open_store("redis://127.0.0.1:1/0")


def test_bad_url_is_refused():
    pytest.importorskip("redis")
    with pytest.raises(DedupeError, match="not a Redis URL.*redis://HOST:PORT/DB"):
        open_store("redis://127.0.0.1:6379/notanumber")


def test_other_format_version_is_refused(redis_url):
    import redis

    open_store(redis_url).close()
    with redis.Redis.from_url(redis_url) as client:
        client.hset("dedupe:meta", "format_version", "99")
    with pytest.raises(DedupeError, match="index format 99.*rebuild"):
        open_store(redis_url)


def test_missing_index_is_not_created(redis_url):
    import redis

    with pytest.raises(DedupeError, match="no such index"):
        index_stats(redis_url)
    with redis.Redis.from_url(redis_url) as client:
        assert client.dbsize() == 0


BATCH = 50
# Commits three batches through the public API; on the fourth, sends MULTI and
# every queued command but not EXEC, says so, and waits to be killed.
WRITER = textwrap.dedent(
    f"""
    import sys, time
    import numpy as np
    from dedupe.index import Cached
    from dedupe.index.redis import RedisIndex
    from dedupe.shingles import Features
    from dedupe.types import Document

    class HaltBeforeExec:
        def __init__(self, pipe, client):
            self.pipe, self.client = pipe, client
        def __getattr__(self, name):
            return getattr(self.pipe, name)
        def execute(self):
            conn = self.client.connection_pool.get_connection("MULTI")
            conn.send_command("MULTI")
            assert conn.read_response() == b"OK"
            for args, options in self.pipe.command_stack:
                conn.send_command(*args)
                assert conn.read_response() == b"QUEUED"
            print("mid-batch", flush=True)
            time.sleep(600)

    store = RedisIndex.open(sys.argv[1])
    plain = store._transaction
    calls = []
    def transaction():
        calls.append(1)
        return HaltBeforeExec(plain(), store._r) if len(calls) == 4 else plain()
    store._transaction = transaction
    for n in range(0, 4 * {BATCH}, {BATCH}):
        docs = [Document(f"doc-{{n + i}}", f"text {{n + i}} " * 200, source="gen") for i in range({BATCH})]
        cached = [Cached(Features(np.arange(64, dtype=np.uint64) + np.uint64(n + i), np.arange(32, dtype=np.uint32),
                                  np.ones(32, dtype=np.float32)),
                         np.arange(3, dtype=np.uint64), np.ones(3, dtype=np.uint16), np.zeros(3, dtype=bool),
                         np.zeros(64, dtype=bool), np.zeros(128, dtype=np.uint32), frozenset()) for i in range({BATCH})]
        store.add(docs, cached, batch={BATCH})
        print("committed", flush=True)
    """
)


def test_killed_writer_leaves_every_committed_batch(redis_url):
    assert kill_mid_batch(WRITER, redis_url) == -signal.SIGKILL

    with RedisIndex.open(redis_url, create=False) as store:
        stored = store.load()
        # The server dropped the open transaction with the connection: no trace of batch four.
        assert store.keys_of_ids([f"doc-{3 * BATCH}"]) == {f"doc-{3 * BATCH}": []}
        assert store.stats()["documents"] == 3 * BATCH
    assert len(stored) == 3 * BATCH
    for n, s in enumerate(stored):
        assert s.document.id == f"doc-{n}" and s.document.text == f"text {n} " * 200
        assert np.array_equal(s.cached.features.shingles, np.arange(64, dtype=np.uint64) + np.uint64(n))
