"""What every index store does, run on each backend (SQLite file, Redis database)."""
from __future__ import annotations

import numpy as np
import pytest

from dedupe.errors import ConfigError, DedupeError
from dedupe.index import Cached, open_store
from dedupe.shingles import Features
from dedupe.types import Document, Span


def cached(n: int, lines: int = 3) -> Cached:
    """Made-up analysis of ``n`` shingles and ``lines`` lines, distinct per ``n``."""
    return Cached(
        features=Features(
            np.arange(n, dtype=np.uint64) * np.uint64(2**40),
            np.arange(n, dtype=np.uint32) + np.uint32(7),
            np.linspace(1.0, 6.0, n, dtype=np.float32),
        ),
        lines=np.arange(lines, dtype=np.uint64) + np.uint64(2**63),
        weights=np.arange(lines, dtype=np.uint16) + np.uint16(4),
        marked=np.arange(lines) % 2 == 0,
        cut=np.arange(n) % 3 == 1,
        signature=np.arange(128, dtype=np.uint32) * np.uint32(n + 1),
        numbers=frozenset({str(n), f"{n}.25", "1986"}),
    )


def assert_same_cached(got: Cached, want: Cached) -> None:
    for name in ("shingles", "terms", "zipfs"):
        a, b = getattr(got.features, name), getattr(want.features, name)
        assert a.dtype == b.dtype and np.array_equal(a, b)
    for name in ("lines", "weights", "marked", "cut", "signature"):
        a, b = getattr(got, name), getattr(want, name)
        assert a.dtype == b.dtype and np.array_equal(a, b), name
    assert got.numbers == want.numbers


def test_documents_and_analysis_round_trip(index_location):
    doc = Document("a.txt", "Menu\nRiver levels fell overnight.", source="/x/a.txt", language="en",
                   boilerplate=[Span(0, 4, "Menu")], artifact_score=0.25)
    bare = Document("b.txt", "Nothing known yet.", source="/x/b.txt")
    store = open_store(index_location)
    keys = store.add([doc, bare], [cached(5), cached(0, lines=0)], batch=1)
    store.set_clusters({keys[0]: (3, True, 1.0)})
    store.close()
    store = open_store(index_location, create=False)
    first, second = store.load()
    store.close()
    assert [first.key, second.key] == keys and keys[0] < keys[1]
    assert first.document == doc and second.document == bare
    assert (first.cluster, first.canonical, first.similarity) == (3, True, 1.0)
    assert (second.cluster, second.canonical, second.similarity) == (None, False, None)
    assert_same_cached(first.cached, cached(5))
    assert_same_cached(second.cached, cached(0, lines=0))


def test_update_remove_and_cluster_replacement(index_location):
    store = open_store(index_location)
    docs = [Document(f"d{i}", f"text {i}", source="s", language="en") for i in range(4)]
    keys = store.add(docs, [cached(i + 1) for i in range(4)], batch=3)
    store.set_clusters({keys[0]: (1, True, 1.0), keys[1]: (1, False, 0.5)})
    renamed = Document("d1", "text 1", source="s", language=None, boilerplate=[Span(0, 4, "text")])
    store.update_analysis([keys[1]], [renamed], [cached(9)], batch=1)
    resigned = cached(3)  # keys[2]'s analysis, signed again
    resigned.cut, resigned.signature = ~resigned.cut, resigned.signature + np.uint32(1)
    store.update_signing([keys[2]], [resigned], batch=1)
    store.set_clusters({keys[2]: (7, True, 1.0), keys[3]: (7, False, 0.75)})
    store.remove([keys[0]])
    assert store.keys_of([("s", "d1"), ("s", "d0"), ("t", "d2")]) == {("s", "d1"): keys[1]}
    assert store.keys_of_ids(["d2", "d0"]) == {"d2": [keys[2]], "d0": []}
    stored = store.load()
    stats = store.stats()
    store.close()
    assert [s.key for s in stored] == keys[1:]
    assert stored[0].document == renamed
    assert_same_cached(stored[0].cached, cached(9))
    assert_same_cached(stored[1].cached, resigned)
    assert stored[1].document == docs[2]
    assert [(s.cluster, s.canonical, s.similarity) for s in stored] == [
        (None, False, None), (7, True, 1.0), (7, False, 0.75)]
    assert (stats["documents"], stats["clusters"], stats["clustered_documents"], stats["sources"]) == (3, 1, 2, 1)
    assert stats["languages"] == {"en": 2, "": 1}


def test_params_are_kept(index_location):
    with_params = {"num_perm": 128, "use_prior": True, "max_zipf": 5.0}
    store = open_store(index_location)
    assert store.params() is None
    store.set_params(with_params)
    store.close()
    store = open_store(index_location)
    assert store.params() == with_params
    store.close()


def test_missing_index_is_refused_without_creating_it(index_location):
    with pytest.raises(DedupeError, match="no such index"):
        open_store(index_location, create=False)
    store = open_store(index_location)  # still absent, so it can be created now
    assert store.stats()["documents"] == 0
    store.close()


def test_bad_batch_is_a_config_error(index_location):
    store = open_store(index_location)
    try:
        with pytest.raises(ConfigError, match="batch=0"):
            store.add([Document("a", "x")], [cached(1)], batch=0)
    finally:
        store.close()
