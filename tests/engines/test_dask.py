"""Tests for dedupe.engines.dask: the per-document stages and the banding run as
tasks on a real two-process LocalCluster over TCP give exactly the local results."""
from __future__ import annotations

import os
import random
from functools import partial

import numpy as np
import pytest

from corpora import iter_corpus
from dedupe.config import ScanConfig
from dedupe.errors import ConfigError
from dedupe.lsh import candidate_pairs
from dedupe.pipeline import analyse_chunk, build_clusters, find_pairs, fit_boilerplate, sign
from dedupe.sign import Signer
from dedupe.types import Document

pytestmark = pytest.mark.dask
distributed = pytest.importorskip(
    "distributed", reason='dask.distributed is not installed: pip install "dedupe[dask]" to run the Dask engine tests'
)
from dedupe.engines.dask import candidate_pairs_dask, dask_client, map_chunks_dask  # noqa: E402

CONFIG = ScanConfig(score=False)


@pytest.fixture(scope="module")
def client():
    with dask_client(scheduler=None, workers=2) as client:
        yield client


def generated_corpus(n_originals: int, seed: int) -> list[Document]:
    """BBC articles plus copies a scraper would meet: a site's header and
    footer lines around the story, a paragraph dropped, paragraphs reordered."""
    rng = random.Random(seed)
    records = [r for _, r in zip(range(n_originals), iter_corpus("bbc"))]
    docs = [Document(f"orig/{r['id']}", r["text"]) for r in records]
    sites = [(f"Front page | Site {k} | Sign in", f"Copyright site{k}.example. All rights reserved.") for k in range(4)]
    for r in rng.sample(records, n_originals // 2):
        paragraphs = [p for p in r["text"].split("\n") if p.strip()]
        if rng.random() < 0.5 and len(paragraphs) > 3:
            paragraphs.pop(rng.randrange(1, len(paragraphs)))
        else:
            rng.shuffle(paragraphs)
        header, footer = rng.choice(sites)
        docs.append(Document(f"copy/{r['id']}", "\n".join([header, *paragraphs, footer])))
    rng.shuffle(docs)
    return docs


def clusters_of(documents, features):
    signatures = sign(features, CONFIG)
    pairs, matrix = find_pairs(documents, features, signatures, CONFIG)
    clusters = build_clusters(documents, pairs, matrix, CONFIG)
    return signatures, [(c.members, c.canonical) for c in clusters]


def test_analyse_as_dask_tasks_gives_the_local_clusters(client, corpora):
    documents = generated_corpus(60, seed=3)
    model = fit_boilerplate((d.text for d in documents), CONFIG)
    func = partial(analyse_chunk, model=model, config=CONFIG)
    chunks = [[d.text for d in documents[i : i + 16]] for i in range(0, len(documents), 16)]

    local = [a for chunk in chunks for a in func(chunk)]
    remote = [a for analyses in map_chunks_dask(func, iter(chunks), client=client) for a in analyses]

    assert len(remote) == len(local) == len(documents)
    for mine, theirs in zip(local, remote):
        assert theirs.boilerplate == mine.boilerplate and theirs.language == mine.language
        for field in ("shingles", "terms", "zipfs"):
            assert np.array_equal(getattr(theirs.features, field), getattr(mine.features, field))
    local_signatures, local_clusters = clusters_of(documents, [a.features for a in local])
    remote_signatures, remote_clusters = clusters_of(documents, [a.features for a in remote])
    assert np.array_equal(remote_signatures, local_signatures)
    assert remote_clusters == local_clusters
    # The corpus has copies, so the comparison covers real clusters.
    assert len(local_clusters) >= 10


def test_cluster_is_two_worker_processes_over_tcp_on_localhost(client):
    workers = client.scheduler_info()["workers"]
    assert len(workers) == 2
    assert all(address.startswith("tcp://127.0.0.1:") for address in workers)
    pids = client.run(os.getpid)
    assert len(set(pids.values())) == 2 and os.getpid() not in pids.values()


def test_map_keeps_input_order_and_accepts_a_partial(client):
    chunks = [list(range(n, 0, -1)) for n in (5, 1, 30, 0, 7, 12, 3)] * 5
    assert list(map_chunks_dask(len, chunks, client=client)) == [len(c) for c in chunks]
    assert list(map_chunks_dask(partial(sorted, reverse=True), chunks, client=client)) == chunks
    assert list(map_chunks_dask(len, [], client=client)) == []


def test_map_raises_the_task_error_in_the_caller(client):
    with pytest.raises(TypeError, match="has no len"):
        list(map_chunks_dask(len, [[1], 5], client=client))


def topic_signatures(n_docs: int, seed: int) -> np.ndarray:
    """Signatures of shingle sets drawn from a few shared pools (so many pairs
    collide in some band), with one empty set that must never pair."""
    rng = np.random.default_rng(seed)
    topics = [rng.choice(2**32, size=40, replace=False) for _ in range(10)]
    sets = [
        np.unique(rng.choice(topics[rng.integers(len(topics))], size=rng.integers(5, 40)).astype(np.uint64))
        for _ in range(n_docs)
    ]
    sets[7] = np.empty(0, np.uint64)
    return Signer(num_perm=64, seed=1).sign_many(sets)


@pytest.mark.parametrize(("bands", "rows", "window"), [(32, 2, 64), (16, 4, 3), (5, 3, 1)])
def test_banding_as_dask_tasks_equals_local(client, bands, rows, window):
    signatures = topic_signatures(300, seed=bands)
    expected = candidate_pairs(signatures, bands=bands, rows=rows, window=window)
    found = candidate_pairs_dask(signatures, bands=bands, rows=rows, window=window, client=client)
    assert len(expected) > 100
    assert found.dtype == expected.dtype and np.array_equal(found, expected)
    assert 7 not in found


def test_bad_settings_are_named_before_any_cluster_starts():
    with pytest.raises(ConfigError, match="give one"):
        with dask_client(scheduler="tcp://127.0.0.1:8786", workers=2):
            pass
    with pytest.raises(ConfigError, match="workers=0"):
        with dask_client(scheduler=None, workers=0):
            pass
    with pytest.raises(ConfigError, match="must be an address"):
        with dask_client(scheduler=" ", workers=None):
            pass
    with pytest.raises(ConfigError, match="distributed.Client"):
        list(map_chunks_dask(len, [[1]], client=None))
    with pytest.raises(ConfigError, match="bands x rows"):
        candidate_pairs_dask(np.zeros((3, 8), np.uint32), bands=5, rows=2, client=None)
    with pytest.raises(ConfigError, match="distributed.Client"):
        candidate_pairs_dask(np.zeros((3, 8), np.uint32), bands=4, rows=2, client=None)
