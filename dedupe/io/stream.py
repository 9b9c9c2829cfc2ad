"""A JSONL dump read twice from disk instead of held: records found by byte offset.

A million news articles are 1.5 GB of text, more as Python strings: more than
everything else a scan keeps. :class:`JsonlSource` indexes where each record
starts (8 bytes a document), so worker processes read their own chunks of
texts, and a report can fetch the few documents it shows.
:class:`StreamedDocuments` is the scan's view of them: each document built
when asked for, from its record and what analysis kept of it (language,
boilerplate spans, numbers, length).

>>> import json, tempfile, os
>>> path = os.path.join(tempfile.mkdtemp(), "docs.jsonl")
>>> with open(path, "w") as fh:
...     _ = fh.write(json.dumps({"id": "a", "text": "Kim met Putin."}) + "\\n" + json.dumps({"id": "b", "text": "Rain."}) + "\\n")
>>> source = JsonlSource(path)
>>> len(source), source.texts(1, 2), source.record(0)
(2, ['Rain.'], ('a', 'Kim met Putin.'))
"""
from __future__ import annotations

import json
import os
from collections.abc import Sequence

import numpy as np

from dedupe.errors import BadInputError
from dedupe.types import Document, Span

# Bytes read at a time while finding the line starts.
_BLOCK = 1 << 24


class JsonlSource:
    """The records of a JSONL file (one object a line, blank lines skipped),
    by position; ``text_field`` and ``id_field`` name their fields.

    Texts are taken as the JSON holds them (no repair), as the benchmark's
    peers read them.
    """

    def __init__(self, path: str | os.PathLike, *, text_field: str = "text", id_field: str = "id"):
        self.path = os.fspath(path)
        self.text_field = text_field
        self.id_field = id_field
        self.offsets = _line_starts(self.path)

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def _records(self, start: int, stop: int) -> list[dict]:
        with open(self.path, "rb") as fh:
            fh.seek(int(self.offsets[start]))
            data = fh.read(int(self.offsets[stop] - self.offsets[start]))
        lines = [line for line in data.split(b"\n") if len(line) >= 2]
        try:
            return [json.loads(line) for line in lines]
        except json.JSONDecodeError as exc:
            raise BadInputError(f"{self.path}: a record between {start + 1} and {stop} is not JSON ({exc.msg})") from exc

    def texts(self, start: int, stop: int) -> list[str]:
        """The texts of records ``start`` to ``stop`` (excluded)."""
        try:
            return [record[self.text_field] for record in self._records(start, stop)]
        except (KeyError, TypeError) as exc:
            raise BadInputError(f"{self.path}: a record between {start + 1} and {stop} has no "
                                f"{self.text_field!r} string") from exc

    def record(self, index: int) -> tuple[str, str]:
        """``(id, text)`` of one record."""
        (record,) = self._records(index, index + 1)
        return str(record.get(self.id_field, index + 1)), record[self.text_field]


def _line_starts(path: str) -> np.ndarray:
    """Byte offset of each record's line, then the end of the file. A line of
    fewer than two bytes ("{}" is the shortest object) is blank, not a record."""
    starts, ends = [np.zeros(1, dtype=np.int64)], []
    position = 0
    with open(path, "rb") as fh:
        while block := fh.read(_BLOCK):
            breaks = np.flatnonzero(np.frombuffer(block, dtype=np.uint8) == ord("\n")) + position
            starts.append(breaks + 1)
            ends.append(breaks)
            position += len(block)
    line_starts, line_ends = np.concatenate(starts), np.concatenate([*ends, [position]])
    return np.append(line_starts[line_ends - line_starts >= 2], position).astype(np.int64)


class StreamedDocuments(Sequence):
    """The documents of a :class:`JsonlSource` as a scan knows them: each built
    from its record when asked for, with the ``languages`` and boilerplate
    spans (``span_ptr``, ``span_bounds``: document ``i`` owns rows
    ``span_ptr[i]:span_ptr[i + 1]`` of ``(start, end)``) found in analysis,
    the hashes of their numbers (``number_keys``, the same layout; see
    :class:`dedupe.numberset.DocumentNumbers`) and how many characters each
    has outside boilerplate (``content_chars``, what the canonical choice of
    an unscored scan compares).
    A lookup reads the file: stages that look at every document use
    ``languages`` instead.
    """

    def __init__(self, source: JsonlSource, languages: list[str | None], span_ptr: np.ndarray,
                 span_bounds: np.ndarray, number_keys: tuple[np.ndarray, np.ndarray] | None = None,
                 content_chars: np.ndarray | None = None):
        self.source = source
        self.languages = languages
        self.span_ptr = span_ptr
        self.span_bounds = span_bounds
        self.number_keys = number_keys
        self.content_chars = content_chars

    def __len__(self) -> int:
        return len(self.source)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        doc_id, text = self.source.record(index)
        bounds = self.span_bounds[self.span_ptr[index] : self.span_ptr[index + 1]].tolist()
        return Document(id=doc_id, text=text, language=self.languages[index],
                        boilerplate=[Span(start, end, text[start:end]) for start, end in bounds])
