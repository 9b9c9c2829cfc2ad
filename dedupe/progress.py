"""Progress bars for long stages: rich on a terminal, nothing when piped or quiet."""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from dedupe.pipeline import Track, no_progress

T = TypeVar("T")


@contextmanager
def progress_tracker(console: Console, *, quiet: bool = False) -> Iterator[Track]:
    """Yield a ``track`` callable for :func:`dedupe.pipeline.scan`.

    Shows bars only when ``console`` is a terminal and not ``quiet``, so logs
    and pipes stay clean.
    """
    if quiet or not console.is_terminal:
        yield no_progress
        return
    columns = (TextColumn("{task.description:<20}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as bars:

        def track(items: Iterable[T], *, description: str = "", total: int | None = None) -> Iterable[T]:
            return bars.track(items, description=description, total=total)

        yield track
