"""Score single documents for machine-translation artifacts, optionally against a reference.

The library side of ``dedupe check``: no grouping, just the artifact scorer on
the given texts (and the reference, which the scorer's corpus model also
learns from).

>>> from dedupe.types import Document
>>> docs = [Document("a.txt", "The minister said said that talks will resume.")]
>>> check_documents(docs)[0].flags[0].kind
'duplicated'
"""
from __future__ import annotations

import os
from collections.abc import Sequence

from dedupe.config import ScanConfig
from dedupe.errors import BadInputError
from dedupe.pipeline import Track, find_boilerplate, fit_scorer, no_progress, read, score_artifacts
from dedupe.types import BadFile, Cluster, Document


def check_documents(
    documents: list[Document],
    *,
    reference: Document | None = None,
    config: ScanConfig | None = None,
    track: Track = no_progress,
) -> list[Document]:
    """Fill ``flags`` and ``artifact_score`` of ``documents`` (and return them)."""
    config = config or ScanConfig()
    every = documents + ([reference] if reference is not None else [])
    find_boilerplate(every, config)
    scorer = fit_scorer((d.text for d in every), config)
    clusters = []
    if reference is not None:
        # The reference as the canonical copy of one cluster with each document.
        clusters = [Cluster(id=i, members=[i, len(documents)], canonical=len(documents)) for i in range(len(documents))]
    score_artifacts(every, scorer, range(len(documents)), clusters, track)
    return documents


def check(
    paths: Sequence[str | os.PathLike],
    *,
    against: str | os.PathLike | None = None,
    config: ScanConfig | None = None,
    track: Track = no_progress,
) -> tuple[list[Document], list[BadFile]]:
    """Read and score ``paths``; ``against`` names one reference document."""
    config = config or ScanConfig()
    reference = None
    if against is not None:
        refs, ref_errors = read([against], config)
        if ref_errors:
            raise BadInputError(ref_errors[0].path, ref_errors[0].error)
        if len(refs) != 1:
            raise BadInputError(str(against), f"holds {len(refs)} documents; the reference must be exactly one")
        reference = refs[0]
    documents, errors = read(paths, config, track)
    return check_documents(documents, reference=reference, config=config, track=track), errors
