"""Run a function over chunks of work on this machine's cores.

The per-document stages are pure functions of a chunk of texts, so they can
run in worker processes; results come back in input order, so a scan with
``workers=4`` gives exactly what ``workers=1`` gives.

>>> list(map_chunks(len, [["a", "b"], ["c"]], workers=1))
[2, 1]
"""
from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from typing import Any, TypeVar

from dedupe.errors import ConfigError

T = TypeVar("T")
R = TypeVar("R")


def default_workers() -> int:
    """One worker per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def check_workers(workers: int) -> int:
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ConfigError(f"workers={workers!r} must be a whole number of 1 or more (default: one per core)")
    return workers


def map_chunks(func: Callable[..., R], chunks: Iterable[T], *, workers: int, shared: Any = None) -> Iterator[R]:
    """``func`` over ``chunks`` in order, in ``workers`` processes (1: in this process).

    ``func`` must be a module-level function (it is pickled by name); the
    workers are forked so they share what this process already loaded.
    With ``shared``, each call is ``func(chunk, shared)``: the object (a fitted
    model, say) reaches each worker once, when the pool starts -- a forked
    worker inherits it, a spawned one gets one pickled copy -- instead of
    being pickled with every chunk.

    >>> list(map_chunks(divmod, [7, 9], workers=1, shared=4))
    [(1, 3), (2, 1)]
    """
    if check_workers(workers) == 1:
        yield from (map(func, chunks) if shared is None else (func(chunk, shared) for chunk in chunks))
        return
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    with multiprocessing.get_context(method).Pool(workers, initializer=_keep, initargs=(shared,)) as pool:
        yield from pool.imap(func if shared is None else partial(_with_shared, func), chunks)


@contextmanager
def started_chunks(func: Callable[[T], R], chunks: Sequence[T], *, workers: int) -> Iterator[Iterator[R]]:
    """:func:`map_chunks` started now: with ``workers`` > 1 the worker processes
    work through ``chunks`` while this process goes on with other work, and the
    results, read later from the iterator this yields, come in order (with one
    worker, each is computed when it is read). The pool ends with the block.

    >>> with started_chunks(len, [["a", "b"], ["c"]], workers=1) as results:
    ...     list(results)
    [2, 1]
    """
    if check_workers(workers) == 1:
        yield map(func, chunks)
        return
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    with multiprocessing.get_context(method).Pool(workers) as pool:
        yield pool.imap(func, chunks)


#: The ``shared`` object of :func:`map_chunks`, in a worker process (set by the
#: pool's initializer when the worker starts; never set in the calling process).
_shared: Any = None


def _keep(shared: Any) -> None:
    global _shared
    _shared = shared


def _with_shared(func: Callable[..., R], chunk: Any) -> R:
    return func(chunk, _shared)
