"""The CSV report: one row per document, for spreadsheets and ``pandas.read_csv``.

Values come from :func:`dedupe.report.json.to_dict`, so the CSV always agrees
with the JSON report. Empty cells mean "none" (no cluster, no score).
"""
from __future__ import annotations

import csv
import io
import os

from dedupe.io.atomic import write_atomic
from dedupe.report.json import to_dict
from dedupe.types import ScanResult

COLUMNS = (
    "path",
    "cluster",
    "canonical",
    "similarity_to_canonical",
    "language",
    "chars",
    "artifact_score",
    "n_flags",
    "n_boilerplate",
)


def dumps(result: ScanResult) -> str:
    """The report as CSV text with a header row (RFC 4180 quoting, CRLF line ends).

    >>> from dedupe.types import Document, ScanResult
    >>> text = dumps(ScanResult([Document(id="a.txt", text="Hi.", language="en")], [], []))
    >>> for line in text.splitlines(): print(line)
    path,cluster,canonical,similarity_to_canonical,language,chars,artifact_score,n_flags,n_boilerplate
    a.txt,,false,,en,3,,0,0
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for doc in to_dict(result)["documents"]:
        row = {**doc, "n_flags": len(doc["flags"]), "n_boilerplate": len(doc["boilerplate"])}
        writer.writerow(_cell(row[column]) for column in COLUMNS)
    return buffer.getvalue()


def write_csv(result: ScanResult, path: str | os.PathLike) -> None:
    """Write the CSV report to ``path`` atomically (old file or whole new one, never half).

    >>> import tempfile, pathlib
    >>> from dedupe.types import ScanResult
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "report.csv"
    >>> write_csv(ScanResult([], [], []), out)
    >>> out.read_text().split(",")[0]
    'path'
    """
    write_atomic(path, dumps(result))


def _cell(value) -> str:
    # Lower-case booleans match the JSON report, so one parser reads both.
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
