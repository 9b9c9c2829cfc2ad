"""Plain data passed between pipeline stages.

Every stage takes and returns these; none of them knows about files, the CLI or
where the pipeline runs.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True, frozen=True)
class Span:
    """A character range ``[start, end)`` of a document's text, with the text it covers."""

    start: int
    end: int
    text: str


@dataclass(slots=True, frozen=True)
class Flag:
    """A span the artifact scorer thinks is garbled.

    ``kind`` names the signal (``glued``, ``misspelling``, ``divergent``...), ``score``
    is in [0, 1] (higher = surer) and ``reason`` is a sentence a reader can check.
    """

    start: int
    end: int
    text: str
    kind: str
    score: float
    reason: str


@dataclass(slots=True)
class Document:
    """One article as read.

    ``id`` is the path reported to users: relative to the scanned argument, POSIX
    separators, ``file#id`` or ``file#line`` for JSON records. ``text`` is the text
    as read (the extracted article text for HTML and JSON); every offset in the
    report points into it.

    >>> Document(id="a.txt", text="Hello.")
    Document(id='a.txt', text='Hello.', source='', language=None, boilerplate=[], flags=[], artifact_score=None)
    """

    id: str
    text: str
    source: str = ""
    language: str | None = None
    boilerplate: list[Span] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    artifact_score: float | None = None


@dataclass(slots=True, frozen=True)
class BadFile:
    """An input that was skipped, with a one-line reason (``path`` as in reports)."""

    path: str
    error: str


@dataclass(slots=True, frozen=True)
class Pair:
    """Two documents (by index) judged to be copies of one story."""

    a: int
    b: int
    similarity: float


@dataclass(slots=True)
class Cluster:
    """Two or more documents (by index into ``ScanResult.documents``) that are copies of one story.

    ``similarity`` maps each member to its similarity with the canonical copy
    (1.0 for the canonical itself); ``pairs`` are the verified links that joined them.
    """

    id: int
    members: list[int]
    canonical: int
    pairs: list[Pair] = field(default_factory=list)
    similarity: dict[int, float] = field(default_factory=dict)


@dataclass(slots=True)
class ScanResult:
    """Everything a scan found: what the reports are written from.

    ``params`` holds every parameter used, so the run can be reproduced.
    """

    documents: list[Document]
    clusters: list[Cluster]
    errors: list[BadFile]
    params: dict = field(default_factory=dict)

    def cluster_of(self) -> dict[int, int]:
        """Map document index -> cluster id, for documents that are in a cluster."""
        return {m: c.id for c in self.clusters for m in c.members}
