"""``dedupe index``: build, inspect and prune a persistent index of scanned documents."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

from dedupe.cli_common import emit, fail
from dedupe.engines.local import check_workers, default_workers
from dedupe.errors import DedupeError
from dedupe.incremental import index_add, index_export, index_remove, index_stats
from dedupe.progress import progress_tracker

index_app = typer.Typer(
    help="A persistent index (SQLite file, or Redis to share it): add each day's folder, then scan new pages "
    "against everything seen.",
    no_args_is_help=True,
    rich_markup_mode=None,
)

INDEX_OPTION = typer.Option(
    ..., "--index", help="The index: an SQLite file, or redis://HOST:PORT/DB (created by 'index add')."
)

EXAMPLES = """
Examples:

  dedupe index add crawl/2026-11-22/ --index news.db

  dedupe scan crawl/2026-11-23/ --index news.db --json new.json

  dedupe index stats --index news.db

  dedupe index add crawl/2026-11-22/ --index redis://10.0.0.5:6379/0
"""


@index_app.command(epilog=EXAMPLES)
def add(
    paths: list[Path] = typer.Argument(..., help="Files or folders to add."),
    index: str = INDEX_OPTION,
    workers: int = typer.Option(default_workers(), help="Worker processes for the per-document stages."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bars and no table."),
    json_out: Optional[Path] = typer.Option(None, "--json", help="Write what the added documents joined or formed."),
) -> None:
    """Add documents to the index (created if absent) and regroup."""
    with progress_tracker(Console(stderr=True), quiet=quiet) as track:
        try:
            update = index_add(paths, index, workers=check_workers(workers), track=track)
        except DedupeError as exc:
            raise fail(str(exc), 1) from None
    emit(update.report(), quiet=quiet, json_out=json_out)


@index_app.command(epilog=EXAMPLES)
def stats(index: str = INDEX_OPTION) -> None:
    """Documents, clusters, languages and parameters of the index, as JSON."""
    try:
        print(json.dumps(index_stats(index), indent=2, sort_keys=True))
    except DedupeError as exc:
        raise fail(str(exc), 1) from None


@index_app.command(epilog=EXAMPLES)
def export(
    index: str = INDEX_OPTION,
    json_out: Optional[Path] = typer.Option(None, "--json", help="Write the dedupe.report/1 JSON report here."),
    csv_out: Optional[Path] = typer.Option(None, "--csv", help="Write one CSV row per document here."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No table."),
) -> None:
    """Every indexed document and the clusters of the last update."""
    try:
        result = index_export(index)
    except DedupeError as exc:
        raise fail(str(exc), 1) from None
    emit(result, quiet=quiet, json_out=json_out, csv_out=csv_out)


@index_app.command(epilog=EXAMPLES)
def remove(
    ids: list[str] = typer.Argument(..., help="Document paths as reported (file, or file#id for JSON records)."),
    index: str = INDEX_OPTION,
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No table."),
) -> None:
    """Remove documents from the index and regroup what is left."""
    try:
        update = index_remove(ids, index)
    except DedupeError as exc:
        raise fail(str(exc), 1) from None
    if not quiet:
        Console().print(f"{len(update.result.documents)} documents, {len(update.result.clusters)} clusters left")
