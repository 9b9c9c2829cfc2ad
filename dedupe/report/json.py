"""The ``dedupe.report/1`` JSON report, and the one view of a scan every report is drawn from.

``to_dict`` is the single place that turns a :class:`~dedupe.types.ScanResult` into
reportable values (clusters of two or more, canonical marks, rounded floats,
checked offsets); the CSV, table and HTML writers read from it so the four
reports can never disagree.
"""
from __future__ import annotations

import dataclasses
import enum
import json
import math
import numbers
import os
from pathlib import Path, PurePath

from dedupe.errors import DedupeError
from dedupe.io.atomic import write_atomic
from dedupe.types import Cluster, Document, Flag, ScanResult, Span

SCHEMA = "dedupe.report/1"
DECIMALS = 4

# Top-level fields every reader may rely on, with the JSON type each must have.
_REQUIRED = {"documents": list, "clusters": list, "errors": list, "params": dict}


def copy_clusters(result: ScanResult) -> list[Cluster]:
    """The clusters a report shows: those of two or more members, by id, checked.

    A one-member cluster is a document with no copy, so reports list it as
    unclustered (``"cluster": null``) rather than as a group of one.

    >>> from dedupe.types import Document, Cluster, ScanResult
    >>> docs = [Document(id="a", text="x"), Document(id="b", text="x"), Document(id="c", text="y")]
    >>> r = ScanResult(docs, [Cluster(id=1, members=[2], canonical=2),
    ...                       Cluster(id=0, members=[0, 1], canonical=0)], [])
    >>> [c.id for c in copy_clusters(r)]
    [0]
    """
    n_docs = len(result.documents)
    seen_ids: set[int] = set()
    owner: dict[int, int] = {}
    kept = []
    for cluster in sorted(result.clusters, key=lambda c: c.id):
        if cluster.id in seen_ids:
            raise DedupeError(f"cluster id {cluster.id} is used twice; cluster ids must be unique")
        seen_ids.add(cluster.id)
        for member in cluster.members:
            if not 0 <= member < n_docs:
                raise DedupeError(
                    f"cluster {cluster.id} names document {member}, but the scan has {n_docs} documents"
                )
            if member in owner:
                raise DedupeError(
                    f"document {result.documents[member].id!r} is in clusters {owner[member]} "
                    f"and {cluster.id}; a document belongs to at most one cluster"
                )
            owner[member] = cluster.id
        if cluster.canonical not in cluster.members:
            raise DedupeError(
                f"cluster {cluster.id}: canonical document {cluster.canonical} is not one of its members"
            )
        if len(cluster.members) >= 2:
            kept.append(cluster)
    return kept


def member_order(cluster: Cluster) -> list[int]:
    """Members canonical first, then by similarity to it (highest first), then by index.

    Readers compare each copy against the canonical, so it leads; the order is
    total, which keeps reports byte-for-byte reproducible.

    >>> from dedupe.types import Cluster
    >>> member_order(Cluster(id=0, members=[0, 1, 2], canonical=2, similarity={0: 0.5, 1: 0.9, 2: 1.0}))
    [2, 1, 0]
    """
    rest = sorted(
        (m for m in cluster.members if m != cluster.canonical),
        key=lambda m: (-(cluster.similarity.get(m) or 0.0), m),
    )
    return [cluster.canonical, *rest]


def to_dict(result: ScanResult) -> dict:
    """The ``dedupe.report/1`` report as plain JSON values, keys in a fixed order.

    Documents keep the scan's order; ``cluster`` is null for a document with no
    copy and ``canonical`` is true only for the chosen copy of a cluster. Floats
    are rounded to 4 places so reruns diff cleanly. Offsets are checked here
    (``text == doc_text[start:end]``) because every report relies on them.

    >>> from dedupe.types import Document, ScanResult
    >>> d = to_dict(ScanResult([Document(id="a.txt", text="Hello.")], [], []))
    >>> d["schema"], d["documents"][0]["cluster"], d["documents"][0]["canonical"]
    ('dedupe.report/1', None, False)
    """
    clusters = copy_clusters(result)
    cluster_of = {m: c for c in clusters for m in c.members}
    return {
        "schema": SCHEMA,
        "documents": [
            _document(index, doc, cluster_of.get(index)) for index, doc in enumerate(result.documents)
        ],
        "clusters": [_cluster(c, result.documents) for c in clusters],
        "errors": [{"path": bad.path, "error": bad.error} for bad in result.errors],
        "params": _plain(result.params, "params"),
    }


def dumps(result: ScanResult) -> str:
    """The report as JSON text (UTF-8 friendly, indented, strict: no NaN).

    >>> from dedupe.types import ScanResult
    >>> dumps(ScanResult([], [], [])).splitlines()[1]
    '  "schema": "dedupe.report/1",'
    """
    return json.dumps(to_dict(result), ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def write_json(result: ScanResult, path: str | os.PathLike) -> None:
    """Write the report to ``path`` atomically: readers see the old file or the whole new one.

    >>> import tempfile, pathlib
    >>> from dedupe.types import ScanResult
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "report.json"
    >>> write_json(ScanResult([], [], []), out)
    >>> read_json(out)["schema"]
    'dedupe.report/1'
    """
    write_atomic(path, dumps(result))


def read_json(path: str | os.PathLike) -> dict:
    """Load a report and check it is ``dedupe.report/1``, so callers can trust its fields.

    Raises :class:`DedupeError` naming the file and what is wrong with it.

    >>> read_json("/nonexistent/report.json")
    Traceback (most recent call last):
    ...
    dedupe.errors.DedupeError: /nonexistent/report.json: cannot read the report (No such file or directory)
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise DedupeError(f"{path}: not UTF-8 text, so not a {SCHEMA} report") from None
    except OSError as exc:
        raise DedupeError(f"{path}: cannot read the report ({exc.strerror or exc})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DedupeError(
            f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    found = data.get("schema") if isinstance(data, dict) else type(data).__name__
    if found != SCHEMA:
        raise DedupeError(
            f"{path}: schema is {found!r}, expected {SCHEMA!r}; write the report with `dedupe scan --json`"
        )
    wrong = [key for key, kind in _REQUIRED.items() if not isinstance(data.get(key), kind)]
    if wrong:
        raise DedupeError(f"{path}: {SCHEMA} report has missing or malformed fields: {', '.join(wrong)}")
    return data


def _document(index: int, doc: Document, cluster: Cluster | None) -> dict:
    return {
        "path": doc.id,
        "language": doc.language,
        "chars": len(doc.text),
        "cluster": cluster.id if cluster else None,
        "canonical": cluster is not None and cluster.canonical == index,
        "similarity_to_canonical": _round(cluster.similarity.get(index)) if cluster else None,
        "boilerplate": [
            _span(doc, s, "boilerplate") for s in sorted(doc.boilerplate, key=lambda s: (s.start, s.end))
        ],
        "flags": [
            {**_span(doc, f, f"{f.kind} flag"), "kind": f.kind, "score": _round(f.score), "reason": f.reason}
            for f in sorted(doc.flags, key=lambda f: (f.start, f.end, f.kind))
        ],
        "artifact_score": _round(doc.artifact_score),
    }


def _cluster(cluster: Cluster, docs: list[Document]) -> dict:
    return {
        "id": cluster.id,
        "size": len(cluster.members),
        "canonical": docs[cluster.canonical].id,
        "members": [docs[m].id for m in member_order(cluster)],
        "pairs": [
            {"a": docs[p.a].id, "b": docs[p.b].id, "similarity": _round(p.similarity)}
            for p in sorted(cluster.pairs, key=lambda p: (p.a, p.b))
        ],
    }


def _span(doc: Document, span: Span | Flag, what: str) -> dict:
    # The schema promises text == doc_text[start:end]; a stage that broke its
    # offsets must fail loudly here rather than ship a report that points wrong.
    if not (0 <= span.start <= span.end <= len(doc.text)) or doc.text[span.start : span.end] != span.text:
        raise DedupeError(
            f"{doc.id}: {what} [{span.start}, {span.end}) = {span.text!r} does not match the document "
            f"text there ({doc.text[span.start : span.end]!r}); offsets must point into Document.text"
        )
    return {"start": span.start, "end": span.end, "text": span.text}


def _round(value: float | None) -> float | None:
    # Strict JSON has no NaN or infinity; a score that is not a number is "unknown".
    if value is None or not math.isfinite(value):
        return None
    return round(float(value), DECIMALS)


def _plain(value, where: str):
    """``params`` as JSON values: dicts with sorted keys, lists, rounded floats."""
    if value is None or isinstance(value, str | bool):
        return value
    if isinstance(value, enum.Enum):
        return _plain(value.value, where)
    if type(value).__module__ == "numpy" and hasattr(value, "item"):
        return _plain(value.item(), where)  # numpy scalars, e.g. np.bool_, are no numbers.Real
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return _round(value)
    if isinstance(value, PurePath):
        return value.as_posix()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): _plain(value[k], f"{where}[{k!r}]") for k in sorted(value, key=str)}
    if isinstance(value, list | tuple):
        return [_plain(v, f"{where}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, set | frozenset):
        return sorted((_plain(v, where) for v in value), key=json.dumps)
    raise DedupeError(
        f"{where} is a {type(value).__name__}, which a JSON report cannot hold; "
        "store it as a string, number, bool, list or dict"
    )
