"""The HTML report: one self-contained page (inline CSS, no script) to read a scan in a browser.

Each cluster lists its members with their similarity to the canonical copy, and
every document's text is shown with boilerplate greyed and flagged spans
highlighted (hover for kind, score and reason). All document text, paths and
reasons are HTML-escaped: scraped pages carry markup and must never run as it.
Values come from :func:`dedupe.report.json.to_dict`, so the page agrees with the
JSON report.
"""
from __future__ import annotations

import json
import os
from collections import defaultdict
from html import escape

from dedupe.io.atomic import write_atomic
from dedupe.report.json import copy_clusters, member_order, to_dict
from dedupe.types import Cluster, ScanResult

# One colour per flag kind of the artifact scorer; an unknown kind gets the default mark colour.
KIND_COLOURS = {
    "glued": "#ffc98b",
    "misspelling": "#ffb3b3",
    "dropped": "#d7c4ff",
    "duplicated": "#b8e0ff",
    "debris": "#c9c9c9",
    "untranslated": "#b9f0c8",
    "capitalisation": "#f9d2f0",
    "improbable": "#fff08a",
    "divergent": "#ffd3a8",
    "name": "#a8e6e0",
}

_CSS = """
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1f2328;background:#fff;
 max-width:64rem;margin:0 auto;padding:1rem 1.5rem 4rem}
h1{font-size:1.6rem;margin-bottom:.25rem}h2{font-size:1.25rem;margin-top:2.5rem;
 border-bottom:1px solid #d0d7de;padding-bottom:.25rem}h2 small{font-weight:normal;color:#59636e}
nav ul{padding-left:1.2rem}code{font-size:.9em;overflow-wrap:anywhere}
table{border-collapse:collapse;margin:.5rem 0 1rem}th,td{padding:.2rem .6rem;text-align:left;
 border-bottom:1px solid #eaeef2;vertical-align:top}th{font-weight:600;color:#59636e}
td.num{text-align:right;font-variant-numeric:tabular-nums}tr.canonical td{font-weight:600}
details.doc{border:1px solid #d0d7de;border-radius:6px;padding:.3rem .8rem;margin:.6rem 0}
details.doc>summary{cursor:pointer}details.doc>summary .meta{color:#59636e;font-size:.9em}
.text{white-space:pre-wrap;overflow-wrap:anywhere;font-family:Georgia,"Times New Roman",serif;
 font-size:1.05rem;margin:.6rem 0}
.boilerplate{color:#8c959f;background:#f6f8fa}
mark{background:#ffe08a;color:inherit;border-radius:2px;cursor:help;padding:0 1px}
mark.gap::after{content:"\\2038"}
ol.flags{font-size:.9em;color:#3d444d}ol.flags q{font-family:Georgia,serif}
.legend mark,.legend .boilerplate{padding:0 .3rem;margin-right:.3rem}
ul.errors code{color:#b42318}
"""


def dumps(result: ScanResult) -> str:
    """The report as one HTML page (a string), ready to save and open in a browser.

    >>> from dedupe.types import Document, ScanResult
    >>> page = dumps(ScanResult([Document(id="a.txt", text="<b>x</b>")], [], []))
    >>> "&lt;b&gt;x&lt;/b&gt;" in page and "<b>x</b>" not in page
    True
    """
    report = to_dict(result)
    docs = report["documents"]
    clusters = copy_clusters(result)
    texts = [doc.text for doc in result.documents]
    loners = [i for i, doc in enumerate(docs) if doc["cluster"] is None]
    title = f"dedupe report: {_count(len(docs), 'document')}, {_count(len(clusters), 'cluster')}"
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title>",
        f"<style>{_CSS}{_kind_css()}</style></head><body>",
        _header(report, clusters, loners),
    ]
    parts += [_cluster_section(c, docs, texts) for c in clusters]
    if loners:
        parts.append('<section id="unclustered"><h2>Documents in no cluster</h2>')
        parts.append(_member_table(loners, docs, canonical=None))
        parts += [_document(i, docs[i], texts[i]) for i in loners]
        parts.append("</section>")
    if report["errors"]:
        parts.append('<section id="errors"><h2>Errors</h2><ul class="errors">')
        parts += [
            f"<li><code>{escape(e['path'])}</code>: {escape(e['error'])}</li>" for e in report["errors"]
        ]
        parts.append("</ul></section>")
    params = json.dumps(report["params"], ensure_ascii=False, indent=2)
    parts.append(
        f'<section id="params"><details><summary>Parameters of this run</summary><pre>{escape(params)}</pre>'
        "</details></section>"
    )
    parts.append("</body></html>\n")
    return "\n".join(parts)


def write_html(result: ScanResult, path: str | os.PathLike) -> None:
    """Write the HTML report to ``path`` atomically (old file or whole new one, never half).

    >>> import tempfile, pathlib
    >>> from dedupe.types import ScanResult
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "report.html"
    >>> write_html(ScanResult([], [], []), out)
    >>> out.read_text().startswith("<!doctype html>")
    True
    """
    write_atomic(path, dumps(result))


def mark_text(text: str, boilerplate: list[dict], flags: list[dict]) -> str:
    """``text`` escaped, with boilerplate spans greyed and flagged spans in ``<mark>``.

    Spans may overlap, so the text is cut at every span edge and each piece is
    wrapped on its own: the tags always nest and removing them gives back the
    exact text. An empty flag (a dropped word) shows as a caret drawn by CSS.

    >>> flag = {"start": 1, "end": 2, "text": "<", "kind": "debris", "score": 0.9, "reason": "tag"}
    >>> mark_text("a<b", [], [flag])
    'a<mark data-kind="debris" title="debris (score 0.90): tag">&lt;</mark>b'
    """
    opening: dict[int, list[tuple[str, dict]]] = defaultdict(list)
    closing: dict[int, list[tuple[str, dict]]] = defaultdict(list)
    gaps: dict[int, list[dict]] = defaultdict(list)
    for role, spans in (("boilerplate", boilerplate), ("flag", flags)):
        for span in spans:
            if span["start"] < span["end"]:
                opening[span["start"]].append((role, span))
                closing[span["end"]].append((role, span))
            elif role == "flag":
                gaps[span["start"]].append(span)
    cuts = sorted({0, len(text), *opening, *closing, *gaps})
    # One sweep over the cut points keeps this linear in text plus spans, not spans squared.
    active: dict[str, dict[int, dict]] = {"boilerplate": {}, "flag": {}}
    out = []
    for n, position in enumerate(cuts):
        for role, span in closing.get(position, ()):
            del active[role][id(span)]
        for role, span in opening.get(position, ()):
            active[role][id(span)] = span
        out += [_mark("", [flag], "gap") for flag in gaps.get(position, ())]
        if n + 1 == len(cuts):
            break
        piece = escape(text[position : cuts[n + 1]])
        if active["flag"]:
            piece = _mark(piece, list(active["flag"].values()), None)
        if active["boilerplate"]:
            piece = f'<span class="boilerplate" title="site boilerplate, left out of matching">{piece}</span>'
        out.append(piece)
    return "".join(out)


def _mark(inner: str, flags: list[dict], css_class: str | None) -> str:
    surest = max(flags, key=lambda f: f["score"] or 0.0)
    title = "\n".join(f"{f['kind']} (score {_number(f['score'], 2)}): {f['reason']}" for f in flags)
    klass = f' class="{css_class}"' if css_class else ""
    return f'<mark{klass} data-kind="{escape(surest["kind"])}" title="{escape(title)}">{inner}</mark>'


def _header(report: dict, clusters: list[Cluster], loners: list[int]) -> str:
    docs = report["documents"]
    counts = " · ".join(
        [
            _count(len(docs), "document"),
            _count(len(clusters), "cluster"),
            f"{len(loners)} in no cluster",
            _count(len(report["errors"]), "error"),
        ]
    )
    kinds = sorted({f["kind"] for doc in docs for f in doc["flags"]})
    legend = "".join(f'<mark data-kind="{escape(k)}">{escape(k)}</mark>' for k in kinds)
    links = [
        f'<li><a href="#cluster-{c.id}">Cluster {c.id}</a> ({len(c.members)} copies): '
        f"<code>{escape(docs[c.canonical]['path'])}</code></li>"
        for c in clusters
    ]
    if loners:
        links.append('<li><a href="#unclustered">Documents in no cluster</a></li>')
    if report["errors"]:
        links.append('<li><a href="#errors">Errors</a></li>')
    return (
        f"<header><h1>dedupe report</h1><p>{counts}</p>"
        f'<p class="legend">Flags (hover for the reason): {legend or "none"} · '
        '<span class="boilerplate">boilerplate</span></p>'
        f"<nav><ul>{''.join(links)}</ul></nav></header>"
    )


def _cluster_section(cluster: Cluster, docs: list[dict], texts: list[str]) -> str:
    order = member_order(cluster)
    pairs = "".join(
        f"<tr><td><code>{escape(docs[p.a]['path'])}</code></td>"
        f"<td><code>{escape(docs[p.b]['path'])}</code></td>{_num_cell(_number(p.similarity, 4))}</tr>"
        for p in sorted(cluster.pairs, key=lambda p: (p.a, p.b))
    )
    return "\n".join(
        [
            f'<section class="cluster" id="cluster-{cluster.id}">',
            f"<h2>Cluster {cluster.id} <small>{len(order)} copies · canonical "
            f"<code>{escape(docs[cluster.canonical]['path'])}</code></small></h2>",
            _member_table(order, docs, canonical=cluster.canonical),
            f"<details><summary>Verified links ({len(cluster.pairs)})</summary>"
            "<table><thead><tr><th>Document</th><th>Document</th><th>Similarity</th></tr></thead>"
            f"<tbody>{pairs}</tbody></table></details>",
            *(_document(i, docs[i], texts[i]) for i in order),
            "</section>",
        ]
    )


def _member_table(indices: list[int], docs: list[dict], *, canonical: int | None) -> str:
    """A row per document; the similarity column only for a cluster (``canonical`` given)."""
    in_cluster = canonical is not None
    rows = []
    for i in indices:
        doc = docs[i]
        link = f'<a href="#doc-{i}"><code>{escape(doc["path"])}</code></a>'
        cells = [f"<td>{link}{' (canonical)' if i == canonical else ''}</td>"]
        if in_cluster:
            cells.append(_num_cell(_number(doc["similarity_to_canonical"], 4)))
        cells += [
            f"<td>{escape(doc['language'] or '?')}</td>",
            _num_cell(str(doc["chars"])),
            _num_cell(_number(doc["artifact_score"], 2)),
            _num_cell(str(len(doc["flags"]))),
        ]
        row_class = ' class="canonical"' if i == canonical else ""
        rows.append(f"<tr{row_class}>{''.join(cells)}</tr>")
    head = ["Document", *(["Similarity to canonical"] if in_cluster else []), "Language", "Characters"]
    head += ["Artifact score", "Flags"]
    header = "".join(f"<th>{h}</th>" for h in head)
    return f"<table><thead><tr>{header}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _num_cell(text: str) -> str:
    return f'<td class="num">{text}</td>'


def _document(index: int, doc: dict, text: str) -> str:
    meta = [escape(doc["language"] or "language unknown"), f"{doc['chars']} characters"]
    if doc["canonical"]:
        meta.insert(0, "canonical")
    elif doc["similarity_to_canonical"] is not None:
        meta.insert(0, f"similarity {_number(doc['similarity_to_canonical'], 4)}")
    if doc["artifact_score"] is not None:
        meta.append(f"artifact score {_number(doc['artifact_score'], 2)}")
    meta.append(_count(len(doc["flags"]), "flag"))
    # Open what a reader comes for: the canonical copy and any copy with flags.
    is_open = " open" if doc["canonical"] or doc["flags"] else ""
    lang = f' lang="{escape(doc["language"])}"' if doc["language"] else ""
    flags = "".join(
        f'<li><mark data-kind="{escape(f["kind"])}">{escape(f["kind"])}</mark> <q>{escape(f["text"])}</q> '
        f"at {f['start']}–{f['end']}, score {_number(f['score'], 2)}: {escape(f['reason'])}</li>"
        for f in doc["flags"]
    )
    return (
        f'<details class="doc" id="doc-{index}"{is_open}><summary><code>{escape(doc["path"])}</code> '
        f'<span class="meta">{" · ".join(meta)}</span></summary>'
        f'<div class="text"{lang}>{mark_text(text, doc["boilerplate"], doc["flags"])}</div>'
        + (f'<ol class="flags">{flags}</ol>' if flags else "")
        + "</details>"
    )


def _kind_css() -> str:
    return "".join(f'mark[data-kind="{kind}"]{{background:{c}}}' for kind, c in KIND_COLOURS.items())


def _number(value: float | None, places: int) -> str:
    return "–" if value is None else f"{value:.{places}f}"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"
