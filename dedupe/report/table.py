"""The terminal report: clusters as a rich table, then unclustered documents, a summary and errors.

Colour and box style follow the :class:`rich.console.Console` it is given, so the
same call is coloured on a terminal and plain text when piped to a file.
Values come from :func:`dedupe.report.json.to_dict`, so the screen agrees with
the JSON report.
"""
from __future__ import annotations

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from dedupe.errors import ConfigError
from dedupe.report.json import copy_clusters, member_order, to_dict
from dedupe.types import Cluster, ScanResult

# Above this many, listing unclustered documents one by one drowns the clusters.
SINGLETON_TABLE_MAX = 20
# Enough of a flagged span to recognise it; the JSON and HTML reports carry it whole.
FLAG_TEXT_MAX = 18
CANONICAL_MARK = "*"
LEGEND = f"{CANONICAL_MARK} canonical (cleanest) copy; Sim. = similarity to the canonical"
# Below this width the flags column would be squeezed to nothing; the JSON report keeps them.
FLAGS_MIN_CONSOLE_WIDTH = 72


def render(result: ScanResult, console: Console, *, top_flags: int = 2) -> None:
    """Print the scan: one table row per cluster member, then what stood alone, then errors.

    ``top_flags`` is how many of each document's highest-scoring flags to show
    (0 hides the column, as does a console narrower than 72 columns). Never fails
    on an empty result: it says nothing was read.

    >>> import io
    >>> from rich.console import Console
    >>> from dedupe.types import ScanResult
    >>> out = io.StringIO()
    >>> render(ScanResult([], [], []), Console(file=out, width=100))
    >>> print(out.getvalue(), end="")
    No documents were read.
    0 documents, 0 clusters, 0 errors
    """
    if isinstance(top_flags, bool) or not isinstance(top_flags, int) or top_flags < 0:
        raise ConfigError(f"top_flags={top_flags!r} is not a count; pass an integer >= 0 (0 hides flags)")
    if console.width < FLAGS_MIN_CONSOLE_WIDTH:
        top_flags = 0
    report = to_dict(result)
    docs = report["documents"]
    clusters = copy_clusters(result)
    loners = [i for i, doc in enumerate(docs) if doc["cluster"] is None]

    if not docs:
        console.print("No documents were read.")
    elif clusters:
        console.print(_cluster_table(clusters, docs, top_flags))
        console.print(Text(LEGEND, style="dim"))
    else:
        console.print("No clusters: no two documents are copies of one story.")
    if loners and clusters:
        console.print(f"{_count(len(loners), 'document')} in no cluster.")
    if loners and len(loners) <= SINGLETON_TABLE_MAX:
        console.print(_loner_table(loners, docs, top_flags))

    counts = [(len(docs), "document"), (len(clusters), "cluster"), (len(report["errors"]), "error")]
    summary = ", ".join(_count(n, noun) for n, noun in counts)
    console.print(Text(summary, style="bold"), soft_wrap=True)
    # soft_wrap keeps each error on one line when piped, so `grep` and `cut` see whole records.
    for error in report["errors"]:
        console.print(Text.assemble((error["path"], "red"), ": ", error["error"]), soft_wrap=True)


def _cluster_table(clusters: list[Cluster], docs: list[dict], top_flags: int) -> Table:
    table = Table(
        title="Clusters",
        box=box.SIMPLE_HEAD,
        collapse_padding=True,
        pad_edge=False,
    )
    table.add_column("Cluster", justify="right", no_wrap=True)
    table.add_column("Size", justify="right", no_wrap=True)
    # Its own column, so a long path that wraps never separates from its mark.
    table.add_column("", no_wrap=True)
    # No min_width here or below: rich then crops other cells instead of folding them.
    table.add_column("Document", overflow="fold")
    table.add_column("Sim.", justify="right", no_wrap=True)
    table.add_column("Lang", no_wrap=True)
    table.add_column("Artifact", justify="right", no_wrap=True)
    if top_flags:
        table.add_column("Top flags", overflow="fold")
    for cluster in clusters:
        order = member_order(cluster)
        for position, index in enumerate(order):
            doc = docs[index]
            first = position == 0
            cells = [
                Text(str(cluster.id)) if first else Text(""),
                Text(str(len(order))) if first else Text(""),
                Text(CANONICAL_MARK if first else ""),
                Text(doc["path"], style="bold" if first else ""),
                Text(_number(doc["similarity_to_canonical"], 3)),
                Text(doc["language"] or "?"),
                Text(_number(doc["artifact_score"], 2)),
            ]
            if top_flags:
                cells.append(_flags_cell(doc["flags"], top_flags))
            table.add_row(*cells, end_section=position == len(order) - 1)
    return table


def _loner_table(loners: list[int], docs: list[dict], top_flags: int) -> Table:
    table = Table(title="Documents in no cluster", box=box.SIMPLE_HEAD, collapse_padding=True, pad_edge=False)
    table.add_column("Document", overflow="fold")
    table.add_column("Lang", no_wrap=True)
    table.add_column("Artifact", justify="right", no_wrap=True)
    if top_flags:
        table.add_column("Top flags", overflow="fold")
    for index in loners:
        doc = docs[index]
        cells = [Text(doc["path"]), Text(doc["language"] or "?"), Text(_number(doc["artifact_score"], 2))]
        if top_flags:
            cells.append(_flags_cell(doc["flags"], top_flags))
        table.add_row(*cells)
    return table


def _flags_cell(flags: list[dict], top: int) -> Text:
    """The ``top`` surest flags, one per line: kind, then the start of the flagged text."""
    best = sorted(flags, key=lambda f: (-(f["score"] or 0.0), f["start"]))[:top]
    cell = Text()
    for n, flag in enumerate(best):
        if n:
            cell.append("\n")
        cell.append(flag["kind"], style="yellow")
        cell.append(f' "{_shorten(flag["text"])}"')
    return cell


def _shorten(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= FLAG_TEXT_MAX else flat[: FLAG_TEXT_MAX - 1] + "…"


def _number(value: float | None, places: int) -> str:
    return "-" if value is None else f"{value:.{places}f}"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"
