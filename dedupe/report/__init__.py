"""Reports of a scan, all drawn from one :class:`~dedupe.types.ScanResult`.

``to_dict`` (JSON, schema ``dedupe.report/1``) is the single view the CSV, the
rich table and the HTML page are built from, so they always agree. Every file
writer is atomic.

>>> import io
>>> from rich.console import Console
>>> from dedupe.types import Document, ScanResult
>>> result = ScanResult([Document(id="a.txt", text="One story.", language="en")], [], [])
>>> to_dict(result)["documents"][0]["cluster"] is None
True
>>> render(result, Console(file=io.StringIO(), width=100))
"""
from dedupe.report.csv import write_csv
from dedupe.report.html import write_html
from dedupe.report.json import SCHEMA, read_json, to_dict, write_json
from dedupe.report.table import render

__all__ = ["SCHEMA", "read_json", "render", "to_dict", "write_csv", "write_html", "write_json"]
