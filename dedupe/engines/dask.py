"""Run the scan's stages as Dask tasks, on one machine or many.

The pure stage functions of :mod:`dedupe.pipeline` run here as
``dask.distributed`` tasks: reading files, analysing documents, banding,
pair similarity, connected components (a task per partition of the verified
pairs, then a reduction), supported merges per batch of components, and
artifact scoring with the canonical choice per batch of clusters. Dask does
the scheduling, moves the data and reschedules the tasks of a worker that
dies; there is no cluster code here. Results come back in input order and each
task computes exactly what the local engine computes for its part, so the
report is the local engine's (tests compare them through a real cluster).
The corpus-wide fits (boilerplate model, common shingles, term weights,
scorer) and the acceptance of pairs stay in the calling process.

>>> with dask_client(scheduler=None, workers=2) as client:  # doctest: +SKIP
...     result = scan_dask(["crawl/"], ScanConfig(), client=client)

Running on a real cluster
-------------------------
Install ``pip install "dedupe[dask]"`` (same versions of dedupe, dask and
Python everywhere), then::

    host-a$ dask-scheduler                                  # listens on tcp://host-a:8786
    host-b$ dask-worker tcp://host-a:8786 --nworkers 8 --nthreads 1
    host-c$ dask-worker tcp://host-a:8786 --nworkers 8 --nthreads 1

and pass ``scheduler="tcp://host-a:8786"`` (the CLI's ``--scheduler``). One
thread per worker process: the stages are pure Python and hold the GIL.
Workers open the input files by the absolute path the calling process sees,
so the input folder must be mounted at that path on every host (NFS, a shared
bucket mount); keep the scheduler port (8786) and the workers' ports
reachable between the hosts.
"""
from __future__ import annotations

import logging
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from typing import TYPE_CHECKING, TypeVar

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from dedupe.canonical import choose_canonical
from dedupe.cluster import cluster_pairs
from dedupe.config import ScanConfig
from dedupe.engines.local import check_workers, default_workers
from dedupe.errors import ConfigError
from dedupe.io.readers import list_files, read_files
from dedupe.lsh import candidate_pairs, check_bands
from dedupe.numberset import DocumentNumbers
from dedupe.pipeline import (
    CHUNK,
    PAIR_CHUNK,
    Track,
    accept_candidates,
    analyse,
    assemble_clusters,
    fill_scores,
    find_boilerplate,
    fit_scorer,
    link_groups,
    no_progress,
    pair_edges,
    score_units,
    sign,
    term_matrix,
    unit_batches,
)
from dedupe.sign import EMPTY
from dedupe.types import BadFile, Document, Pair, ScanResult
from dedupe.verify import pair_similarity

if TYPE_CHECKING:
    from distributed import Client

T = TypeVar("T")
R = TypeVar("R")

_INSTALL = 'the Dask engine needs dask.distributed: pip install "dedupe[dask]" (or "dask[distributed]>=2024.1")'
# Chunks in flight per worker thread: enough to keep every worker busy while
# results are collected, few enough that a huge corpus is not all in memory.
_IN_FLIGHT_PER_THREAD = 2


def _distributed():
    """The ``distributed`` module, or a ConfigError naming the install command."""
    try:
        import distributed
    except ImportError as exc:
        raise ConfigError(_INSTALL) from exc
    return distributed


@contextmanager
def dask_client(*, scheduler: str | None, workers: int | None) -> Iterator["Client"]:
    """A client of the scheduler at ``scheduler``, or of a cluster of ``workers``
    processes started on this machine (127.0.0.1, TCP) and closed on exit.

    >>> with dask_client(scheduler=None, workers=2) as client:  # doctest: +SKIP
    ...     client.submit(sum, [1, 2]).result()
    3
    """
    if scheduler is not None and workers is not None:
        raise ConfigError(
            f"scheduler={scheduler!r} and workers={workers!r}: give one; a running scheduler's "
            "workers are started with dask-worker, not by dedupe"
        )
    if scheduler is not None and (not isinstance(scheduler, str) or not scheduler.strip()):
        raise ConfigError(f"scheduler={scheduler!r} must be an address such as tcp://host:8786")
    workers = default_workers() if workers is None else check_workers(workers)
    distributed = _distributed()
    if scheduler is not None:
        with distributed.Client(scheduler) as client:
            yield client
        return
    cluster = distributed.LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        protocol="tcp",
        # Any free port: the default 8787 clashes between concurrent runs.
        dashboard_address="127.0.0.1:0",
        silence_logs=logging.WARNING,
    )
    with cluster, distributed.Client(cluster) as client:
        yield client


def _check_client(client) -> int:
    """Worker threads of ``client``'s cluster; a ConfigError for anything but a
    connected client of a cluster with workers."""
    distributed = _distributed()
    if not isinstance(client, distributed.Client):
        raise ConfigError(f"client={client!r} must be a distributed.Client; open one with dask_client(...)")
    threads = sum(client.nthreads().values())
    if threads == 0:
        raise ConfigError(f"the scheduler at {client.scheduler.address} has no workers; start some with dask-worker")
    return threads


def _call(func: Callable[[T], R], chunk: T) -> R:
    """The task body: ``func`` arrives as the object scattered to the worker."""
    return func(chunk)


def map_chunks_dask(func: Callable[[T], R], chunks: Iterable[T], *, client: "Client") -> Iterator[R]:
    """``func`` over ``chunks`` as Dask tasks, results in input order (the
    contract of :func:`dedupe.engines.local.map_chunks`).

    ``func`` (a module-level function or a ``functools.partial`` of one) is
    sent to every worker once, not with every chunk: a partial carries the
    fitted boilerplate model. At most a few chunks per worker thread are in
    flight, so ``chunks`` may be a generator over a corpus larger than memory.
    """
    if not callable(func):
        raise ConfigError(f"func={func!r} must be callable (a module-level function or a functools.partial of one)")
    threads = _check_client(client)
    [shared] = client.scatter([func], broadcast=True, hash=False)
    pending: deque = deque()
    try:
        for chunk in chunks:
            pending.append(client.submit(_call, shared, chunk, pure=False))
            if len(pending) >= threads * _IN_FLIGHT_PER_THREAD:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        # Stopped early (an error, or the caller broke off): drop the rest.
        client.cancel(list(pending) + [shared])


def _band_pairs(signatures: np.ndarray, *, band: int, rows: int, window: int) -> np.ndarray:
    """The candidate pairs of one band, exactly as :func:`dedupe.lsh.candidate_pairs` finds them."""
    live = np.flatnonzero(~(signatures == EMPTY).all(axis=1))
    part = signatures[live, band * rows : (band + 1) * rows]
    # candidate_pairs judges emptiness on the whole row; a padding column that
    # is never EMPTY keeps it from dropping a live document whose slice happens
    # to be all EMPTY. Only the first ``rows`` columns make the band key.
    padded = np.hstack([part, np.zeros((len(part), 1), dtype=part.dtype)])
    return live[candidate_pairs(padded, bands=1, rows=rows, window=window)]


def candidate_pairs_dask(
    signatures: np.ndarray, *, bands: int, rows: int, window: int = 64, client: "Client"
) -> np.ndarray:
    """:func:`dedupe.lsh.candidate_pairs` with one Dask task per band; the same pairs.

    The signatures are sent to the cluster once and shared by the band tasks.
    """
    check_bands(signatures.shape[1], bands, rows)
    if window < 1:
        raise ConfigError(f"window={window} must be 1 or more")
    _check_client(client)
    [shared] = client.scatter([signatures], hash=False)
    futures = [client.submit(_band_pairs, shared, band=b, rows=rows, window=window, pure=False) for b in range(bands)]
    try:
        found = [p for p in client.gather(futures) if len(p)]
    finally:
        client.cancel(futures + [shared])
    if not found:
        return np.empty((0, 2), dtype=np.int64)
    return np.unique(np.concatenate(found), axis=0)


# Verified pairs per partial connected-components task.
EDGE_CHUNK = 100_000


def pair_similarity_dask(matrix: sp.csr_matrix, pairs: np.ndarray, *, client: "Client") -> np.ndarray:
    """:func:`dedupe.verify.pair_similarity` with one Dask task per chunk of
    pairs; the term matrix is sent to each worker once."""
    if not len(pairs):
        return np.empty(0, dtype=np.float64)
    chunks = (pairs[i : i + PAIR_CHUNK] for i in range(0, len(pairs), PAIR_CHUNK))
    return np.concatenate(list(map_chunks_dask(partial(pair_similarity, matrix), chunks, client=client)))


def _partial_components(edges: np.ndarray) -> np.ndarray:
    """``(node, root)`` rows linking each node of ``edges`` to the smallest node
    of its component in this part of the graph: a compact forest to merge."""
    nodes, local = np.unique(edges, return_inverse=True)
    local = local.reshape(-1, 2)
    graph = sp.coo_matrix((np.ones(len(local), np.int8), (local[:, 0], local[:, 1])), shape=(len(nodes),) * 2)
    count, labels = connected_components(graph, directed=False)
    roots = np.full(count, len(nodes))
    np.minimum.at(roots, labels, np.arange(len(nodes)))
    return np.stack([nodes, nodes[roots[labels]]], axis=1)


def _merge_components(n_docs: int, *forests: np.ndarray) -> np.ndarray:
    """The reduction: connected-component label of every document, from the
    partial forests of all edge partitions."""
    links = np.concatenate(forests) if forests else np.empty((0, 2), np.int64)
    graph = sp.coo_matrix((np.ones(len(links), np.int8), (links[:, 0], links[:, 1])), shape=(n_docs, n_docs))
    return connected_components(graph, directed=False)[1]


def components_dask(n_docs: int, edges: np.ndarray, *, client: "Client") -> np.ndarray:
    """Connected-component label of each of ``n_docs`` documents under ``edges``:
    a task per partition of the edges, then one reduction task over their
    results (Dask moves the partial forests between workers, not through here).

    Plain connected components are not the clusters (see :mod:`dedupe.cluster`)
    but bound them: a supported merge never crosses components, so each
    component can be clustered on its own.
    """
    _check_client(client)
    parts = [edges[i : i + EDGE_CHUNK] for i in range(0, len(edges), EDGE_CHUNK)]
    partial_futures = client.map(_partial_components, parts, pure=False)
    merged = client.submit(_merge_components, n_docs, *partial_futures, pure=False)
    try:
        return merged.result()
    finally:
        client.cancel([*partial_futures, merged])


def _cluster_components(components: list[tuple[np.ndarray, np.ndarray]], *, min_support: float) -> list[list[int]]:
    """Supported merges inside each ``(edges, similarity)`` component, with the
    nodes renumbered in order (which keeps every tie-break of the whole-graph run)."""
    groups = []
    for edges, similarity in components:
        nodes, local = np.unique(edges, return_inverse=True)
        for group in cluster_pairs(len(nodes), local.reshape(-1, 2), similarity, min_support=min_support):
            groups.append(nodes[group].tolist())
    return groups


def group_pairs_dask(n_docs: int, pairs: Sequence[Pair], config: ScanConfig, *, client: "Client") -> list[list[int]]:
    """:func:`dedupe.pipeline.group_pairs` as Dask tasks: connected components,
    then supported merges per batch of components; the same groups."""
    edges, similarity = pair_edges(pairs)
    if not len(edges):
        return []
    labels = components_dask(n_docs, edges, client=client)
    component = labels[edges[:, 0]]
    order = np.argsort(component, kind="stable")
    bounds = np.flatnonzero(np.diff(component[order])) + 1
    batches: list[list] = [[]]
    size = 0
    for chunk in np.split(order, bounds):
        if size >= EDGE_CHUNK:
            batches.append([])
            size = 0
        batches[-1].append((edges[chunk], similarity[chunk]))
        size += len(chunk)
    func = partial(_cluster_components, min_support=config.cluster.min_support)
    return sorted(g for groups in map_chunks_dask(func, batches, client=client) for g in groups)


def _load_scoring_resources() -> None:
    """Load the word lists and language profiles the scorer reads (cached per
    process): 10-25 s in a fresh worker process."""
    from dedupe.artifacts.lexicon import english_table, foreign_table
    from dedupe.language import warm_up

    english_table()
    foreign_table()
    warm_up()


def warm_workers(client: "Client") -> list:
    """One :func:`_load_scoring_resources` task per worker, started now so the
    workers load while this process fits the scorer, instead of after; returns
    the futures (keep them until the scoring is done)."""
    return [
        client.submit(_load_scoring_resources, workers=[address], allow_other_workers=False, pure=False)
        for address in client.scheduler_info()["workers"]
    ]


def score_dask(
    documents: Sequence[Document], groups: Sequence[list[int]], scorer, *, client: "Client", track: Track = no_progress
) -> list[int]:
    """Stage 9 and the canonical choice as Dask tasks, a batch of clusters (or of
    lone documents) per task, with the fitted ``scorer`` sent to each worker
    once. Fills every document's flags and artifact score; returns each group's
    canonical document."""
    batches = unit_batches(len(documents), groups)

    def shipped(batch):
        # Only what scoring reads; the rest of a Document stays here.
        return [[(i, documents[i].text, documents[i].boilerplate) for i in unit] for unit in batch]

    results = map_chunks_dask(partial(score_units, scorer=scorer), map(shipped, batches), client=client)
    return fill_scores(documents, batches, track(results, description="scoring artifacts", total=len(batches)))


def scan_documents_dask(
    documents: list[Document],
    config: ScanConfig | None = None,
    *,
    client: "Client",
    errors: Sequence[BadFile] = (),
    track: Track = no_progress,
) -> ScanResult:
    """:func:`dedupe.pipeline.scan_documents` with its stages as Dask tasks: the
    same clusters, flags and scores.

    Analysis per chunk of documents, banding per band, pair similarity per
    chunk of candidates, connected components per partition of the verified
    pairs and a reduction, supported merges per batch of components, then
    scoring and the canonical choice per batch of clusters. Fitting the
    corpus-wide models (boilerplate, signing's common-shingle cut, term
    weights, the scorer), accepting pairs (it ranks each document's
    neighbours over all candidates) and assembling the report stay here.
    """
    config = config or ScanConfig()
    _check_client(client)
    if not documents:
        return ScanResult(documents=[], clusters=[], errors=list(errors), params=config.flat())
    mapper = partial(map_chunks_dask, client=client)
    find_boilerplate(documents, config, mapper=mapper)
    features = analyse(documents, config, mapper=mapper, track=track)
    signatures = sign(features, config)
    lsh = config.lsh
    candidates = candidate_pairs_dask(signatures, bands=lsh.bands, rows=lsh.rows, window=lsh.window, client=client)
    matrix = term_matrix(features, config)
    del features, signatures
    numbers = DocumentNumbers(documents)  # for the pair check, then the links
    pairs = accept_candidates(documents, candidates, pair_similarity_dask(matrix, candidates, client=client), config,
                              numbers=numbers)
    groups, pairs = link_groups(documents, group_pairs_dask(len(documents), pairs, config, client=client), pairs,
                                matrix, config, numbers=numbers)
    if config.score:
        warming = warm_workers(client)
        scorer = fit_scorer((d.text for d in documents), config)
        canonicals = score_dask(documents, groups, scorer, client=client, track=track)
        client.cancel(warming)
    else:
        canonicals = [choose_canonical(documents, members) for members in groups]
    clusters = assemble_clusters(groups, canonicals, pairs, matrix)
    return ScanResult(documents=documents, clusters=clusters, errors=list(errors), params=config.flat())


def read_dask(
    paths: Sequence[str | os.PathLike], config: ScanConfig, *, client: "Client", track: Track = no_progress
) -> tuple[list[Document], list[BadFile]]:
    """:func:`dedupe.pipeline.read` as Dask tasks: this process walks the folders,
    the workers read and decode batches of files by their absolute path (so
    every worker must see them at the same path: shared storage), and the
    documents come back in the order of the local reader."""
    cfg = config.read
    func = partial(read_files, text_field=cfg.text_field, id_field=cfg.id_field, max_bytes=cfg.max_bytes)
    # Walk errors in place, files in batches between them: the local reading order.
    pieces: list[BadFile | list[tuple[str, str]]] = []
    for item in list_files(paths):
        if isinstance(item, BadFile):
            pieces.append(item)
            continue
        if not pieces or not isinstance(pieces[-1], list) or len(pieces[-1]) >= CHUNK:
            pieces.append([])
        pieces[-1].append((os.path.abspath(item[0]), item[1]))
    batches = map_chunks_dask(func, (p for p in pieces if isinstance(p, list)), client=client)
    documents: list[Document] = []
    errors: list[BadFile] = []
    try:
        for piece in track(pieces, description="reading"):
            for item in next(batches) if isinstance(piece, list) else [piece]:
                (errors if isinstance(item, BadFile) else documents).append(item)
    finally:
        batches.close()
    return documents, errors


def scan_dask(
    paths: Sequence[str | os.PathLike],
    config: ScanConfig | None = None,
    *,
    client: "Client",
    track: Track = no_progress,
) -> ScanResult:
    """Read ``paths`` and group the copies of each story on the cluster behind ``client``.

    >>> with dask_client(scheduler="tcp://host-a:8786", workers=None) as client:  # doctest: +SKIP
    ...     result = scan_dask(["/shared/crawl"], ScanConfig(), client=client)
    """
    config = config or ScanConfig()
    _check_client(client)
    documents, errors = read_dask(paths, config, client=client, track=track)
    return scan_documents_dask(documents, config, client=client, errors=errors, track=track)
