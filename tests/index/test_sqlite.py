"""The SQLite index store: WAL, format checks, and crash safety (shared behaviour: test_store.py)."""
from __future__ import annotations

import signal
import sqlite3
import sys
import textwrap

import numpy as np
import pytest
from killed_writer import kill_mid_batch

from dedupe.errors import ConfigError, DedupeError
from dedupe.index.sqlite import SQLiteIndex
from dedupe.shingles import Features
from dedupe.types import Document, Span



def test_wal_mode_and_params(tmp_path):
    with SQLiteIndex.open(tmp_path / "i.db") as store:
        assert store.params() is None
        store.set_params({"num_perm": 128, "use_prior": True, "max_zipf": 5.0})
    db = sqlite3.connect(tmp_path / "i.db")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    with SQLiteIndex.open(tmp_path / "i.db") as store:
        assert store.params() == {"num_perm": 128, "use_prior": True, "max_zipf": 5.0}


def test_other_format_version_is_refused(tmp_path):
    SQLiteIndex.open(tmp_path / "i.db").close()
    db = sqlite3.connect(tmp_path / "i.db")
    db.execute("UPDATE meta SET value = '99' WHERE name = 'format_version'")
    db.commit()
    db.close()
    with pytest.raises(DedupeError, match="index format 99.*rebuild"):
        SQLiteIndex.open(tmp_path / "i.db")


def test_files_that_are_not_indexes_are_refused(tmp_path):
    (tmp_path / "notes.txt").write_text("not a database " * 100)
    with pytest.raises(DedupeError, match="cannot be opened as an index"):
        SQLiteIndex.open(tmp_path / "notes.txt")
    other = sqlite3.connect(tmp_path / "other.db")
    other.execute("CREATE TABLE t (x)")
    other.commit()
    other.close()
    with pytest.raises(DedupeError, match="not a dedupe index"):
        SQLiteIndex.open(tmp_path / "other.db")


BATCH = 200
# Commits three batches through the public API, then stops half-way through the
# fourth (inserts done, no COMMIT) and says so: the kill lands mid-batch.
WRITER = textwrap.dedent(
    f"""
    import sys, time
    import numpy as np
    from dedupe.index.sqlite import SQLiteIndex
    from dedupe.index import Cached
    from dedupe.shingles import Features
    from dedupe.types import Document

    class HaltMidBatch:
        def __init__(self, db):
            self.db, self.inserts = db, 0
        def execute(self, sql, *args):
            if sql.startswith("INSERT INTO documents"):
                self.inserts += 1
                if self.inserts == 3 * {BATCH} + {BATCH} // 2:
                    print("mid-batch", flush=True)
                    time.sleep(600)
            return self.db.execute(sql, *args)

    store = SQLiteIndex.open(sys.argv[1])
    store._db = HaltMidBatch(store._db)
    for n in range(0, 4 * {BATCH}, {BATCH}):
        docs = [Document(f"doc-{{n + i}}", f"text {{n + i}} " * 200, source="gen") for i in range({BATCH})]
        feats = [Features(np.arange(64, dtype=np.uint64) + np.uint64(n + i), np.arange(32, dtype=np.uint32),
                          np.ones(32, dtype=np.float32)) for i in range({BATCH})]
        cached = [Cached(f, np.arange(3, dtype=np.uint64), np.ones(3, dtype=np.uint16), np.zeros(3, dtype=bool),
                         np.zeros(64, dtype=bool), np.zeros(128, dtype=np.uint32), frozenset()) for f in feats]
        store.add(docs, cached, batch={BATCH})
        print("committed", flush=True)
    """
)


def test_killed_writer_leaves_every_committed_batch(tmp_path):
    index = tmp_path / "i.db"
    assert kill_mid_batch(WRITER, str(index)) == -signal.SIGKILL
    # The committed batches are still in the write-ahead log (not checkpointed): reopening replays them.
    assert (tmp_path / "i.db-wal").exists()

    with SQLiteIndex.open(index, create=False) as store:
        assert store._db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = store.load()
    assert len(stored) == 3 * BATCH  # every committed batch, nothing of the killed one
    for n, s in enumerate(stored):
        assert s.document.id == f"doc-{n}" and s.document.text == f"text {n} " * 200
        assert np.array_equal(s.cached.features.shingles, np.arange(64, dtype=np.uint64) + np.uint64(n))
