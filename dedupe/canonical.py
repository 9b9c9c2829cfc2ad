"""Choose the cleanest copy of each cluster.

The cleanest copy has the lowest artifact score (garbled signal per 1,000
characters, see :mod:`dedupe.artifacts`); among equally clean copies the most
complete one (most characters outside boilerplate) wins, then the first read,
so the choice is deterministic.

>>> from dedupe.types import Document, Span
>>> docs = [Document("a", "x" * 100, artifact_score=2.0),
...         Document("b", "y" * 80, artifact_score=0.0),
...         Document("c", "z" * 90, artifact_score=0.0)]
>>> choose_canonical(docs, [0, 1, 2])
2
"""
from __future__ import annotations

from collections.abc import Sequence

from dedupe.types import Document


def content_chars(doc: Document) -> int:
    """Characters of ``doc`` outside its boilerplate spans."""
    return len(doc.text) - sum(s.end - s.start for s in doc.boilerplate)


def cleanliness_key(doc: Document, index: int) -> tuple:
    """Sort key: cleaner, then more complete, then earlier sorts first."""
    return _rank(doc.artifact_score, content_chars(doc), index)


def _rank(artifact_score: float | None, content: int, index: int) -> tuple:
    return (round(artifact_score or 0.0, 3), -content, index)


def choose_canonical(documents: Sequence[Document], members: Sequence[int]) -> int:
    """Index (into ``documents``) of the cleanest member."""
    content = getattr(documents, "content_chars", None)
    if content is not None:  # a streamed scan's documents: unscored, and known without reading them
        return min(members, key=lambda i: _rank(None, content[i], i))
    return min(members, key=lambda i: cleanliness_key(documents[i], i))
