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
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

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


def map_chunks(func: Callable[[T], R], chunks: Iterable[T], *, workers: int) -> Iterator[R]:
    """``func`` over ``chunks`` in order, in ``workers`` processes (1: in this process).

    ``func`` must be a module-level function (it is pickled by name); the
    workers are forked so they share what this process already loaded.
    """
    if check_workers(workers) == 1:
        yield from map(func, chunks)
        return
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    with multiprocessing.get_context(method).Pool(workers) as pool:
        yield from pool.imap(func, chunks)
