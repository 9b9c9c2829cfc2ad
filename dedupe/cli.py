"""The ``dedupe`` command: a thin typer layer over :mod:`dedupe.pipeline`.

Each command builds a config, calls one library function and writes reports;
a library error becomes a one-line message and an exit code.
"""
from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

from dedupe.config import (
    BoilerplateConfig,
    ClusterConfig,
    LSHConfig,
    ReadConfig,
    ScanConfig,
    ShingleConfig,
    SignConfig,
    VerifyConfig,
)
from dedupe.check import check as check_paths
from dedupe.engines.local import check_workers, default_workers
from dedupe.errors import DedupeError
from dedupe.pipeline import scan as run_scan
from dedupe.progress import progress_tracker
from dedupe.cli_common import emit, fail
from dedupe.cli_index import index_app
from dedupe.incremental import index_add
from dedupe.report import write_json
from dedupe.report.context import render_flags
from dedupe.types import ScanResult

app = typer.Typer(
    help="Find the copies of one news story in scraped pages and flag machine-translation artifacts.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)

EXAMPLES = """
Examples:

  dedupe scan seeds/

  dedupe scan crawl/ --json report.json --csv report.csv --html report.html

  dedupe scan dump.jsonl --text-field body --id-field url --quiet --json out.json
"""


app.add_typer(index_app, name="index")


@app.callback()
def main() -> None:
    """Find the copies of one news story in scraped pages and flag machine-translation artifacts."""




@app.command(epilog=EXAMPLES)
def scan(
    paths: list[Path] = typer.Argument(..., help="Files or folders to scan (folders recursively)."),
    json_out: Optional[Path] = typer.Option(None, "--json", help="Write the dedupe.report/1 JSON report here."),
    csv_out: Optional[Path] = typer.Option(None, "--csv", help="Write one CSV row per document here."),
    html_out: Optional[Path] = typer.Option(None, "--html", help="Write a browsable HTML report here."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bars and no table."),
    strict: bool = typer.Option(False, "--strict", help="Exit 1 if any input could not be read."),
    no_score: bool = typer.Option(False, "--no-score", help="Skip artifact scoring (faster)."),
    text_field: Optional[str] = typer.Option(None, help="JSON field holding the text (default: text, content, body)."),
    id_field: Optional[str] = typer.Option(None, help="JSON field holding the record id (default: id, url)."),
    max_bytes: int = typer.Option(50_000_000, help="Skip files larger than this."),
    min_docs: int = typer.Option(3, help="A line repeated in this many unrelated documents is boilerplate."),
    no_prior: bool = typer.Option(False, "--no-prior", help="Do not use the built-in generic web-chrome patterns."),
    shingle: str = typer.Option("salient", help="Shingle kind: 'salient' terms or 'word' n-grams."),
    ngram: int = typer.Option(1, help="Terms per shingle."),
    stem: int = typer.Option(6, help="Characters kept of each word (prefix stemming)."),
    max_zipf: float = typer.Option(5.0, help="Words more frequent than this Zipf value are not salient."),
    num_perm: int = typer.Option(128, help="MinHash permutations."),
    seed: int = typer.Option(1, help="MinHash seed."),
    max_df: float = typer.Option(0.03, help="Leave out shingles found in more than this share of documents."),
    max_df_docs: int = typer.Option(3000, help="... or in more than this many documents (large corpora)."),
    bands: int = typer.Option(64, help="LSH bands."),
    rows: int = typer.Option(2, help="LSH rows per band."),
    window: int = typer.Option(64, help="Pairs per document inside one huge LSH bucket."),
    threshold: float = typer.Option(0.35, help="Similarity that makes a candidate pair a copy on its own."),
    cross_threshold: float = typer.Option(0.2, help="The same for pairs in different languages."),
    low_threshold: float = typer.Option(0.15, help="Lowest similarity of a pair that stands out by --margin."),
    margin: float = typer.Option(2.0, help="How far a weak pair must stand out over its neighbours."),
    neighbours: int = typer.Option(5, help="Neighbours that set a document's background similarity."),
    number_overlap: float = typer.Option(
        0.5, help="Share of numbers two copies must share when both give --min-numbers (0: no check)."),
    min_numbers: int = typer.Option(3, help="Distinct numbers (2+ digits) both documents need for that check."),
    min_support: float = typer.Option(0.5, help="Share of cross pairs that must be copies to merge two clusters."),
    link_similarity: float = typer.Option(
        0.08, help="Similarity at which a group in another language joins its story (1: no links)."),
    link_margin: float = typer.Option(1.5, help="How far that best match must stand out over the next best."),
    min_score: float = typer.Option(0.5, help="Keep artifact flags scoring at least this (0-1)."),
    workers: int = typer.Option(default_workers(), help="Worker processes for the per-document stages."),
    engine: str = typer.Option("local", help="Where the stages run: 'local' (this machine) or 'dask' (dask.distributed tasks)."),
    scheduler: Optional[str] = typer.Option(None, help="With --engine dask: address of a running scheduler."),
    dask_workers: Optional[int] = typer.Option(None, help="With --engine dask: start a local cluster of N workers."),
    index: Optional[str] = typer.Option(
        None, "--index", help="Check PATHS against this index (SQLite file or redis://HOST:PORT/DB), "
        "add them to it, and report what joined or formed."
    ),
    top_flags: int = typer.Option(2, help="Flags shown per document in the table."),
) -> None:
    """Group the copies of each story in PATHS and report the clusters.

    Exit status: 0 when the scan completes (duplicates or not), 1 when nothing
    could be read (or, with --strict, when anything could not be read), 2 on
    usage errors.
    """
    err = Console(stderr=True)
    try:
        config = ScanConfig(
            read=ReadConfig(text_field=text_field, id_field=id_field, max_bytes=max_bytes),
            boilerplate=BoilerplateConfig(min_docs=min_docs, use_prior=not no_prior),
            shingle=ShingleConfig(kind=shingle, ngram=ngram, stem=stem, max_zipf=max_zipf),
            sign=SignConfig(num_perm=num_perm, seed=seed, max_df=max_df, max_df_docs=max_df_docs),
            lsh=LSHConfig(bands=bands, rows=rows, window=window),
            verify=VerifyConfig(
                threshold=threshold,
                cross_threshold=cross_threshold,
                low_threshold=low_threshold,
                margin=margin,
                neighbours=neighbours,
                number_overlap=number_overlap,
                min_numbers=min_numbers,
            ),
            cluster=ClusterConfig(min_support=min_support, link_similarity=link_similarity, link_margin=link_margin),
            score=not no_score,
            min_score=min_score,
        )
    except DedupeError as exc:
        raise fail(str(exc), 2) from None
    if engine not in ("local", "dask"):
        raise fail(f"--engine {engine!r} is unknown; use 'local' or 'dask'", 2)
    if engine == "local" and (scheduler or dask_workers):
        raise fail("--scheduler and --dask-workers need --engine dask", 2)
    if engine == "dask" and index is not None:
        # The index reuses stored analyses in this process; nothing of it runs as tasks yet.
        raise fail("--index runs on the local engine; drop --engine dask", 2)
    with progress_tracker(err, quiet=quiet) as track, ExitStack() as stack:
        try:
            if engine == "dask":
                from dedupe.engines.dask import dask_client, scan_dask

                client = stack.enter_context(dask_client(scheduler=scheduler, workers=dask_workers))
                result = scan_dask(paths, config, client=client, track=track)
            elif index is None:
                result = run_scan(paths, config, workers=check_workers(workers), track=track)
            else:
                update = index_add(paths, index, config, workers=check_workers(workers), track=track)
                result = update.report()
        except DedupeError as exc:
            raise fail(str(exc), 1) from None
    emit(result, quiet=quiet, top_flags=top_flags, json_out=json_out, csv_out=csv_out, html_out=html_out)
    if strict and result.errors:
        raise fail(f"{len(result.errors)} input(s) could not be read (--strict)", 1)


CHECK_EXAMPLES = """
Examples:

  dedupe check seeds/000_4156ead5741e38e1.txt

  dedupe check copy.txt --against original.txt --min-score 0.7
"""


@app.command(epilog=CHECK_EXAMPLES)
def check(
    paths: list[Path] = typer.Argument(..., help="Documents to score (files or folders)."),
    against: Optional[Path] = typer.Option(None, "--against", help="A reference copy of the same story."),
    min_score: float = typer.Option(0.5, help="Show flags scoring at least this (0-1)."),
    json_out: Optional[Path] = typer.Option(None, "--json", help="Write the dedupe.report/1 JSON report here."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bars and no listing."),
) -> None:
    """Flag garbled machine-translation phrasing in each document, in context.

    Without --against each document is scored alone; with it, each is also
    aligned to the reference and its divergent phrases and names are flagged.
    """
    console = Console()
    err = Console(stderr=True)
    try:
        config = ScanConfig(min_score=min_score)
    except DedupeError as exc:
        raise fail(str(exc), 2) from None
    with progress_tracker(err, quiet=quiet) as track:
        try:
            documents, errors = check_paths(paths, against=against, config=config, track=track)
        except DedupeError as exc:
            raise fail(str(exc), 1) from None
    for bad in errors:
        err.print(f"skipped {bad.path}: {bad.error}", markup=False, highlight=False)
    if not quiet:
        for doc in documents:
            render_flags(doc, console)
    if json_out is not None:
        result = ScanResult(documents=documents, clusters=[], errors=errors, params=config.flat())
        try:
            write_json(result, json_out)
        except (DedupeError, OSError) as exc:
            raise fail(f"cannot write {json_out}: {exc}", 1) from None
    if not documents:
        raise fail("nothing could be read", 1)
