"""Flagged spans shown in their context, for ``dedupe check``."""
from __future__ import annotations

from rich.console import Console
from rich.text import Text

from dedupe.types import Document

_CONTEXT = 50


def snippet(text: str, start: int, end: int, *, context: int = _CONTEXT) -> Text:
    """The span ``text[start:end]`` highlighted, with up to ``context`` characters each side.

    >>> snippet("one two three four", 4, 7, context=4).plain
    'one two thr…'
    """
    left = max(0, start - context)
    right = min(len(text), end + context)
    out = Text("…" if left else "")
    out.append(text[left:start].replace("\n", " "))
    out.append(text[start:end].replace("\n", " "), style="bold reverse")
    out.append(text[end:right].replace("\n", " "))
    out.append("…" if right < len(text) else "")
    return out


def render_flags(doc: Document, console: Console) -> None:
    """One header line per document, then each flag: kind, score, reason, context."""
    score = "-" if doc.artifact_score is None else f"{doc.artifact_score:.2f}"
    console.print(Text(f"{doc.id}  artifact score {score}  {len(doc.flags)} flag(s)", style="bold"))
    for flag in doc.flags:
        console.print(Text(f"  {flag.kind} {flag.score:.2f}: {flag.reason}"))
        line = Text("    ")
        line.append(snippet(doc.text, flag.start, flag.end))
        console.print(line)
