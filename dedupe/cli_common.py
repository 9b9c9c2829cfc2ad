"""What every command does at its end: one-line errors, the table, the report files."""
from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from dedupe.errors import DedupeError
from dedupe.report import render, write_csv, write_html, write_json
from dedupe.types import ScanResult


def fail(message: str, code: int) -> typer.Exit:
    """Print ``dedupe: message`` on stderr and return the exit to raise."""
    Console(stderr=True).print(f"dedupe: {message}", markup=False, highlight=False)
    return typer.Exit(code)


def emit(
    result: ScanResult,
    *,
    quiet: bool,
    top_flags: int = 2,
    json_out: Path | None = None,
    csv_out: Path | None = None,
    html_out: Path | None = None,
) -> None:
    """Show ``result`` (unless quiet) and write the requested reports atomically."""
    if quiet:
        # The table lists unreadable inputs; without it, say them on stderr.
        err = Console(stderr=True)
        for bad in result.errors:
            err.print(f"skipped {bad.path}: {bad.error}", markup=False, highlight=False)
    else:
        render(result, Console(), top_flags=top_flags)
    for target, write in ((json_out, write_json), (csv_out, write_csv), (html_out, write_html)):
        if target is not None:
            try:
                write(result, target)
            except (DedupeError, OSError) as exc:
                raise fail(f"cannot write {target}: {exc}", 1) from None
    if not result.documents:
        raise fail("nothing could be read", 1)
