"""Run the per-document stages and the banding as Dask tasks, on one machine or many.

The same pure stage functions the local engine runs in worker processes
(:func:`dedupe.pipeline.analyse_chunk`, the banding of :mod:`dedupe.lsh`) run
here as ``dask.distributed`` tasks: Dask does the scheduling, moves the data and
reschedules the tasks of a worker that dies. Results come back in input order,
so the clusters are exactly those of the local engine.

>>> from functools import partial
>>> with dask_client(scheduler=None, workers=2) as client:  # doctest: +SKIP
...     results = list(map_chunks_dask(partial(analyse_chunk, model=model, config=config), chunks, client=client))

Running on a real cluster
-------------------------
Install ``pip install "dedupe[dask]"`` (same versions of dedupe, dask and
Python everywhere), then::

    host-a$ dask-scheduler                                  # listens on tcp://host-a:8786
    host-b$ dask-worker tcp://host-a:8786 --nworkers 8 --nthreads 1
    host-c$ dask-worker tcp://host-a:8786 --nworkers 8 --nthreads 1

and pass ``scheduler="tcp://host-a:8786"`` (the CLI's ``--scheduler``). One
thread per worker process: the stages are pure Python and hold the GIL. The
machine that starts the scan reads the inputs and ships the texts to the
workers chunk by chunk, so the input folder only needs to be readable there;
keep it on storage every host can read (NFS, a shared bucket mount) when tasks
are made to read their own partitions, and keep the scheduler port (8786) and
the workers' ports reachable between the hosts.
"""
from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TypeVar

import numpy as np

from dedupe.engines.local import check_workers, default_workers
from dedupe.errors import ConfigError
from dedupe.lsh import candidate_pairs, check_bands
from dedupe.sign import EMPTY

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
