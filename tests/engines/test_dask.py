"""Tests for dedupe.engines.dask: every stage run as tasks on a real two-process
LocalCluster over TCP gives exactly the local results (features, signatures,
candidate pairs, clusters, canonical copies, flags and artifact scores)."""
from __future__ import annotations

import copy
import json
import os
import random
from functools import partial

import numpy as np
import pytest
import scipy.sparse as sp

from corpora import iter_corpus
from typer.testing import CliRunner

from dedupe.cli import app
from dedupe.config import ClusterConfig, ScanConfig
from dedupe.errors import ConfigError
from dedupe.boilerplate import strip
from dedupe.lsh import candidate_pairs
from dedupe.pipeline import (
    analyse_chunk,
    build_clusters,
    find_boilerplate,
    find_pairs,
    group_pairs,
    read,
    scan_documents,
    sign,
)
from dedupe.shingles import unpack_features
from dedupe.sign import Signer
from dedupe.types import Document, Pair
from dedupe.verify import pair_similarity

pytestmark = pytest.mark.dask
distributed = pytest.importorskip(
    "distributed", reason='dask.distributed is not installed: pip install "dedupe[dask]" to run the Dask engine tests'
)
from dedupe.engines import dask as engine  # noqa: E402
from dedupe.engines.dask import (  # noqa: E402
    candidate_pairs_dask,
    dask_client,
    group_pairs_dask,
    map_chunks_dask,
    pair_similarity_dask,
    read_dask,
    scan_documents_dask,
)

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
    find_boilerplate(documents, CONFIG)
    remote_docs = [Document(d.id, d.text) for d in documents]
    find_boilerplate(remote_docs, CONFIG, mapper=partial(map_chunks_dask, client=client))
    assert [d.boilerplate for d in remote_docs] == [d.boilerplate for d in documents]
    func = partial(analyse_chunk, config=CONFIG)
    texts = [strip(d.text, d.boilerplate) for d in documents]
    chunks = [texts[i : i + 16] for i in range(0, len(texts), 16)]

    def unpacked(results):
        return [(language, f) for languages, packed in results for language, f in zip(languages, unpack_features(packed))]

    local = unpacked(map(func, chunks))
    remote = unpacked(map_chunks_dask(func, iter(chunks), client=client))

    assert len(remote) == len(local) == len(documents)
    for (language, mine), (their_language, theirs) in zip(local, remote):
        assert their_language == language
        for field in ("shingles", "terms", "zipfs"):
            assert np.array_equal(getattr(theirs, field), getattr(mine, field))
    local_signatures, local_clusters = clusters_of(documents, [f for _, f in local])
    remote_signatures, remote_clusters = clusters_of(documents, [f for _, f in remote])
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


def test_whole_scan_as_dask_tasks_gives_the_local_clusters_flags_and_scores(client, corpora, seeds_dir):
    # The seeds carry real machine-translation artifacts, so flags are compared too.
    seeds, _ = read([seeds_dir], ScanConfig())
    documents = generated_corpus(60, seed=5) + seeds
    config = ScanConfig(score=True)

    local = scan_documents(copy.deepcopy(documents), config)
    remote = scan_documents_dask(copy.deepcopy(documents), config, client=client)

    assert remote.clusters == local.clusters
    assert remote.documents == local.documents
    assert len(local.clusters) >= 10
    assert sum(len(d.flags) for d in local.documents) >= 5
    assert all(d.artifact_score is not None for d in local.documents)


def test_cli_on_a_running_scheduler_writes_the_local_report(client, seeds_dir, tmp_path):
    runner = CliRunner()
    args = ["scan", str(seeds_dir), "--quiet", "--workers", "1", "--json"]
    assert runner.invoke(app, [*args, str(tmp_path / "local.json")]).exit_code == 0
    result = runner.invoke(app, [*args, str(tmp_path / "dask.json"), "--engine", "dask",
                                 "--scheduler", client.scheduler.address])
    assert result.exit_code == 0, result.output
    local, remote = (json.loads((tmp_path / f"{name}.json").read_text()) for name in ("local", "dask"))
    assert remote == local
    assert len(local["clusters"]) == 2


def random_pairs(n_docs: int, seed: int) -> list[Pair]:
    """Verified pairs of stories of 2-8 copies (chains, stars, dense groups), some
    stories tied to another by one weak link, and exact ties in similarity
    (ties are where a merge order could differ)."""
    rng = np.random.default_rng(seed)
    order = rng.permutation(n_docs)
    cuts = np.cumsum(rng.integers(2, 9, size=n_docs))
    stories = [g for g in np.split(order, cuts[cuts < n_docs]) if len(g) > 1]
    edges = set()
    for group in stories:
        for a, b in zip(group[:-1], group[1:]):
            edges.add((int(min(a, b)), int(max(a, b))))
        for _ in range(rng.integers(0, len(group))):
            a, b = sorted(rng.choice(group, size=2, replace=False).tolist())
            edges.add((a, b))
    for _ in range(len(stories) // 4):
        one, other = rng.choice(len(stories), size=2, replace=False)
        a, b = sorted((int(rng.choice(stories[one])), int(rng.choice(stories[other]))))
        edges.add((a, b))
    sims = rng.choice([0.2, 0.35, 0.5, 0.9], size=len(edges))
    return [Pair(a, b, float(s)) for (a, b), s in zip(sorted(edges), sims)]


@pytest.mark.parametrize("min_support", [0.0, 0.5, 1.0])
def test_grouping_as_dask_tasks_equals_local(client, monkeypatch, min_support):
    # Small partitions, so the reduction really merges forests from several tasks.
    monkeypatch.setattr(engine, "EDGE_CHUNK", 37)
    pairs = random_pairs(400, seed=11)
    config = ScanConfig(score=False, cluster=ClusterConfig(min_support=min_support))
    expected = group_pairs(400, pairs, config)
    assert len(pairs) > 200 and len(expected) >= 20
    assert group_pairs_dask(400, pairs, config, client=client) == expected
    assert group_pairs_dask(400, [], config, client=client) == []


def test_pair_similarity_as_dask_tasks_equals_local(client, monkeypatch):
    monkeypatch.setattr(engine, "PAIR_CHUNK", 50)
    rng = np.random.default_rng(2)
    matrix = sp.random(120, 500, density=0.05, random_state=3, format="csr")
    pairs = np.sort(rng.integers(0, 120, size=(333, 2)), axis=1)
    assert np.array_equal(pair_similarity_dask(matrix, pairs, client=client), pair_similarity(matrix, pairs))
    assert len(pair_similarity_dask(matrix, pairs[:0], client=client)) == 0


def test_reading_as_dask_tasks_gives_the_local_documents_and_errors(client, seeds_dir, tmp_path, monkeypatch):
    crawl = tmp_path / "crawl"
    (crawl / "site").mkdir(parents=True)
    for seed in sorted(seeds_dir.iterdir()):
        (crawl / "site" / seed.name).write_bytes(seed.read_bytes())
    (crawl / "empty.txt").write_bytes(b"")
    (crawl / "feed.jsonl").write_text('{"id": "r1", "text": "First record."}\nnot json\n{"text": "Second."}\n')
    (crawl / "page.html").write_text("<html><body><nav>Menu</nav><p>A story in a page.</p></body></html>")
    # Relative paths: the workers run in another directory, so they must get absolute ones.
    monkeypatch.chdir(tmp_path)
    paths = ["crawl", "missing-folder", "crawl/page.html"]
    monkeypatch.setattr(engine, "CHUNK", 2)

    local = read(paths, CONFIG)
    remote = read_dask(paths, CONFIG, client=client)

    assert remote == local
    documents, errors = local
    assert len(documents) == 9 and {e.path for e in errors} == {"empty.txt", "feed.jsonl#2", "missing-folder"}
