"""Load the shared real corpora (../shared/corpora) for benchmarks and tests.

Nothing here is copied into the repository; callers skip with a clear message
when the folder is absent.
"""
from __future__ import annotations

import gzip
import json
import os
import statistics
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

_CANDIDATES = (
    Path(os.environ.get("DEDUPE_CORPORA", "")),
    Path(__file__).resolve().parent.parent.parent / "shared" / "corpora",
    Path("/work/shared/corpora"),
)


def corpora_dir() -> Path | None:
    """The corpora folder, or None when it is not on this machine."""
    for path in _CANDIDATES:
        if str(path) not in ("", ".") and (path / "README.md").exists():
            return path
    return None


def iter_corpus(name: str) -> Iterator[dict]:
    """Records of ``name`` (e.g. ``"bbc"``) from its gzipped JSON Lines file."""
    root = corpora_dir()
    if root is None:
        raise FileNotFoundError("../shared/corpora is absent: set DEDUPE_CORPORA to the corpora folder")
    with gzip.open(root / f"{name}.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            yield json.loads(line)


def wmt_stories(min_chars: int = 400) -> dict[str, list[dict]]:
    """WMT stories whose English versions are article length: group -> records.

    Every ``ref-*``/``hyp-*`` of a group and its ``src`` are versions of one story.
    """
    groups: dict[str, list[dict]] = defaultdict(list)
    for record in iter_corpus("wmt-news-mt-2021-2022"):
        groups[record["group"]].append(record)
    out = {}
    for group, records in groups.items():
        english = [r for r in records if r["lang"] == "en"]
        if len(english) >= 2 and statistics.median(len(r["text"]) for r in english) >= min_chars:
            out[group] = records
    return out
