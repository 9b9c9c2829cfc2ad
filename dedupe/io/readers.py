"""Read files and folders into Documents; every input that cannot be read becomes a BadFile.

Formats: ``.txt`` (and unknown extensions that sniff as text), ``.html``/``.htm``
(article text), ``.json`` (an object or a list of objects) and ``.jsonl`` (one object
a line). Bytes are decoded (BOMs, BOM-less UTF-16, legacy code pages) and mojibake is
repaired, but nothing else about the text changes: later stages keep offsets into it
and the artifact scorer needs it as published.
"""
from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import charset_normalizer
import ftfy
from ftfy.badness import is_bad
from bs4 import BeautifulSoup

from dedupe.errors import BadInputError, ConfigError
from dedupe.types import BadFile, Document

__all__ = ["decode_bytes", "extract_html", "read_paths", "repair_text"]

_BINARY = "binary file, not text"
_FORMATS = {".txt": "text", ".text": "text", ".html": "html", ".htm": "html",
            ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl"}
_TEXT_FIELDS = ("text", "content", "body")
_ID_FIELDS = ("id", "url")
# Longest first: the UTF-32 LE mark starts with the UTF-16 LE one.
_BOMS = ((b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
         (b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
_UNICODE_CODECS = ["utf_16", "utf_16_le", "utf_16_be", "utf_32", "utf_32_le", "utf_32_be", "utf_7"]
_FTFY_TARGETS = re.compile("[\x80-\x9f\ud800-\udfff]")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
# Only encoding repair: later stages keep offsets into the text and the garble scorer
# judges it as published, so quotes, dashes, ligatures, widths, entities, line breaks and
# normalisation stay untouched.
_ENCODING_ONLY = ftfy.TextFixerConfig(
    unescape_html=False, remove_terminal_escapes=False, fix_latin_ligatures=False,
    fix_character_width=False, uncurl_quotes=False, fix_line_breaks=False,
    remove_control_chars=False, normalization=None, explain=False)
_DROP_TAGS = frozenset({"script", "style", "noscript", "nav", "header", "footer", "aside", "form",
                        "iframe", "svg", "template", "head", "object", "embed", "canvas"})
_BLOCK_TAGS = frozenset({"p", "div", "section", "article", "main", "body", "h1", "h2", "h3",
                         "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "blockquote",
                         "pre", "table", "tr", "td", "th", "caption", "figure", "figcaption",
                         "address", "hr", "header"})
_BLOCK, _LINE = "\x00", "\x01"  # NUL never survives decoding, so it cannot clash with text


@dataclass(frozen=True, slots=True)
class _Options:
    text_fields: tuple[str, ...]
    id_fields: tuple[str, ...]
    max_bytes: int


def read_paths(paths: Sequence[str | os.PathLike], *, text_field: str | None = None,
               id_field: str | None = None,
               max_bytes: int = 50_000_000) -> Iterator[Document | BadFile]:
    """Yield a Document per readable file or record and a BadFile per unreadable one.

    Folders are walked in sorted order, hidden names skipped, the input never modified.
    One bad file never stops the walk: it becomes a BadFile with a one-line reason.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp()); _ = (d / "a.txt").write_text("Hi.")
    >>> _ = (d / "b.txt").write_bytes(b"")
    >>> [(x.id, x.text) if isinstance(x, Document) else x for x in read_paths([d])]
    [('a.txt', 'Hi.'), BadFile(path='b.txt', error='empty file')]
    """
    _check_paths(paths)
    options = _options(text_field, id_field, max_bytes)
    # A separate generator, so the checks above run at the call, not at the first next().
    return _read_all([os.fsdecode(p) for p in paths], options)


def _check_paths(paths) -> None:
    if isinstance(paths, (str, bytes, os.PathLike)):
        raise ConfigError(f"paths must be a list of files or folders, got the single path "
                          f"{os.fsdecode(paths)!r}; pass [{os.fsdecode(paths)!r}]")


def _options(text_field: str | None, id_field: str | None, max_bytes: int) -> _Options:
    """The reading options, checked."""
    for name, value in (("text_field", text_field), ("id_field", id_field)):
        if value is not None and not (isinstance(value, str) and value.strip()):
            raise ConfigError(f"{name} must be a field name or None, got {value!r}")
    if isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes <= 0:
        raise ConfigError(f"max_bytes must be a positive number of bytes, got {max_bytes!r}; "
                          f"e.g. 50_000_000")
    return _Options((text_field,) if text_field else _TEXT_FIELDS,
                    (id_field,) if id_field else _ID_FIELDS, max_bytes)


def list_files(paths: Sequence[str | os.PathLike]) -> Iterator[tuple[str, str] | BadFile]:
    """The walk of :func:`read_paths` without the reading: ``(path, id)`` per file
    in the same order, and a BadFile per argument or folder that cannot be walked.
    An engine hands the files to :func:`read_files` in batches, elsewhere.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp()); _ = (d / "a.txt").write_text("Hi.")
    >>> [file_id for _, file_id in list_files([d])]
    ['a.txt']
    """
    _check_paths(paths)
    for arg in (os.fsdecode(p) for p in paths):
        if not os.path.lexists(arg):
            yield BadFile(arg, "no such file or directory")
        elif os.path.isdir(arg):
            yield from _walk(arg)
        else:
            yield arg, os.path.basename(os.path.normpath(arg))


def read_files(files: Sequence[tuple[str, str]], *, text_field: str | None = None, id_field: str | None = None,
               max_bytes: int = 50_000_000) -> list[Document | BadFile]:
    """Read ``(path, id)`` files from :func:`list_files`: what :func:`read_paths`
    yields for them, in order. A pure function of the paths, so a Dask worker
    that sees the same files (shared storage) can run it."""
    options = _options(text_field, id_field, max_bytes)
    return [item for path, file_id in files for item in _read_file(path, file_id, options)]


def _read_all(paths: list[str], options: _Options) -> Iterator[Document | BadFile]:
    for item in list_files(paths):
        if isinstance(item, BadFile):
            yield item
        else:
            yield from _read_file(*item, options)


def _walk(root: str) -> Iterator[tuple[str, str] | BadFile]:
    """Yield ``(path, id)`` for each file under ``root`` depth first in name order.

    An explicit stack rather than recursion, so deep trees cannot overflow; folders are
    remembered by (device, inode), so a symlink back up the tree is read once, not forever.
    """
    seen: set[tuple[int, int]] = set()
    stack = [(root, "", True)]
    while stack:
        path, rel, is_dir = stack.pop()
        if not is_dir:
            yield path, rel
            continue
        try:
            info = os.stat(path)
            if (info.st_dev, info.st_ino) in seen:
                yield BadFile(rel, "folder already read through a symlink, skipped")
                continue
            seen.add((info.st_dev, info.st_ino))
            with os.scandir(path) as listing:
                entries = sorted((e for e in listing if not e.name.startswith(".")),
                                 key=lambda e: e.name)
        except OSError as exc:
            yield BadFile(rel or path, _os_reason(exc))
            continue
        for entry in reversed(entries):
            stack.append((entry.path, f"{rel}/{entry.name}" if rel else entry.name,
                          _is_dir(entry)))


def _is_dir(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()  # follows symlinks; a dangling one is read as a file and reported
    except OSError:
        return False


def _os_reason(exc: OSError) -> str:
    """``PermissionError(13, 'Permission denied')`` -> ``'permission denied'``."""
    reason = exc.strerror or str(exc) or type(exc).__name__
    return reason[:1].lower() + reason[1:]


def _read_file(path: str, file_id: str, options: _Options) -> Iterator[Document | BadFile]:
    """Read one file as its format says: one Document, or one per JSON record."""
    try:
        raw = _read_bytes(path, options.max_bytes)
        text = _decode(raw)
        if not text.strip():
            raise ValueError("empty file" if not text else "only whitespace, no text")
    except BadInputError as exc:
        yield BadFile(file_id, exc.reason)
        return
    except ValueError as exc:
        yield BadFile(file_id, str(exc))
        return
    source = os.path.abspath(path)
    kind = _FORMATS.get(os.path.splitext(path)[1].lower()) or _sniff_format(text)
    if kind == "json":
        yield from _iter_json(text, file_id, source, options)
    elif kind == "jsonl":
        yield from _iter_jsonl(text, file_id, source, options)
    else:
        body = extract_html(text) if kind == "html" else text
        if body.strip():
            yield Document(id=file_id, text=repair_text(body), source=source)
        else:
            yield BadFile(file_id, "no text found in the html")


def _sniff_format(text: str) -> str:
    """Scraped pages are often saved without an extension; their markup gives them away."""
    head = text[:1024].lstrip().lower()
    return "html" if head.startswith(("<!doctype html", "<html")) else "text"


def _read_bytes(path: str, max_bytes: int) -> bytes:
    """Read a regular file read-only; anything else (FIFO, socket, device) is refused.

    The FIFO check comes before ``open``, which would block on a FIFO with no writer;
    O_NONBLOCK covers a file swapped for one between the two calls.
    """
    try:
        if os.path.islink(path) and not os.path.exists(path):
            raise BadInputError(path, "broken symlink, its target does not exist")
        mode = os.stat(path).st_mode
        if not stat.S_ISREG(mode):
            raise BadInputError(path, f"not a regular file ({_file_kind(mode)})")
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with open(fd, "rb") as handle:
            size = os.fstat(fd).st_size
            data = b"" if size > max_bytes else handle.read(max_bytes + 1)
    except OSError as exc:
        raise BadInputError(path, _os_reason(exc)) from None
    if size > max_bytes or len(data) > max_bytes:
        raise BadInputError(path, f"{max(size, len(data))} bytes, over the --max-bytes "
                                  f"limit of {max_bytes}")
    return data


def _file_kind(mode: int) -> str:
    kinds = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a fifo"), (stat.S_ISSOCK, "a socket"),
             (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"))
    return next((name for test, name in kinds if test(mode)), "unknown type")


def decode_bytes(data: bytes) -> str:
    r"""Bytes -> text as published: decoded, BOM stripped, mojibake repaired, ``\n`` endings.

    Raises ValueError("binary file, not text") for data that is not text.

    >>> decode_bytes("\u201cQuoted\u201d \u00a3600m".encode("cp1252"))
    '“Quoted” £600m'
    >>> decode_bytes("\u00c2\u00a3600m\r\n".encode("utf-8-sig"))
    '£600m\n'
    """
    return repair_text(_decode(data))


def _decode(data: bytes) -> str:
    """Decode without repairing: BOM, then BOM-less UTF-16, then UTF-8, then legacy code pages."""
    codec = None
    for bom, name in _BOMS:
        if data.startswith(bom):
            data, codec = data[len(bom):], name
            break
    codec = codec or _sniff_utf16(data)
    try:
        if codec and codec != "utf-8":  # a UTF-8 BOM file may still hold stray cp1252 bytes
            text = data.decode(codec)
        elif b"\x00" in data:
            raise ValueError(_BINARY)
        else:
            text = _decode_8bit(data)
    except UnicodeDecodeError:
        raise ValueError(_BINARY) from None
    sample = text[:65536]
    if "\x00" in text or len(_CONTROL.findall(sample)) > 0.1 * len(sample):
        raise ValueError(_BINARY)
    return text


def _sniff_utf16(data: bytes) -> str | None:
    """UTF-16 without a BOM: Latin-script text has a NUL in every other byte.

    >>> _sniff_utf16("plain words".encode("utf-16-le"))
    'utf-16-le'
    """
    sample = data[:4096]
    half = len(sample) // 2
    if half < 2 or len(data) % 2:
        return None
    even, odd = sample[0:2 * half:2].count(0) / half, sample[1:2 * half:2].count(0) / half
    if odd > 0.4 and even < 0.05:
        return "utf-16-le"
    if even > 0.4 and odd < 0.05:
        return "utf-16-be"
    return None


def _decode_8bit(data: bytes) -> str:
    """UTF-8 if it is valid, else the legacy code page charset-normalizer finds.

    On short Western text charset-normalizer often ties cp1250 with cp1252 and picks
    cp1250 (turning "crème" into "crčme"); when cp1252 reads the bytes as well as its
    best guess, cp1252 wins, as the HTML standard decodes latin-1 labels.
    """
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    matches = charset_normalizer.from_bytes(data, cp_exclusion=_UNICODE_CODECS)
    best = matches.best()
    if best is None or any("cp1252" in m.could_be_from_charset for m in matches
                           if m.chaos <= best.chaos + 0.01
                           and m.coherence >= best.coherence - 0.01):
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            return data.decode("latin-1")  # cp1252 leaves five bytes undefined; latin-1 none
    return str(best)


def repair_text(text: str) -> str:
    r"""Repair mojibake and line endings, nothing else (see ``_ENCODING_ONLY`` for why).

    >>> repair_text("a \u201cquote\u201d, (\u00c2\u00a3600m)\r\n")
    'a “quote”, (£600m)\n'
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # ftfy works line by line and is most of the reading time; text with no
    # mojibake signs, C1 controls or surrogates has nothing for it to fix.
    if text.isascii() or not (is_bad(text) or _FTFY_TARGETS.search(text)):
        return text
    return ftfy.fix_text(text, _ENCODING_ONLY)


def extract_html(html: str) -> str:
    r"""A page's article text: one block (heading, paragraph, item) a line, blank lines between.

    >>> extract_html("<nav>Home</nav><p>One  two</p><script>x()</script><h2>Three</h2>")
    'One two\n\nThree'
    """
    soup = BeautifulSoup(html, "html.parser")
    # One find_all(True) pass per step: bs4 matches a list of names much more slowly.
    for tag in soup.find_all(True):
        # An <article>'s own <header> holds its headline and byline; site headers do not.
        if (tag.name in _DROP_TAGS and not tag.decomposed
                and not (tag.name == "header" and tag.find_parent("article"))):
            tag.decompose()
    root = _main_content(soup)
    for tag in root.find_all(True):
        if tag.name in _BLOCK_TAGS:
            tag.insert_before(_BLOCK)
            tag.insert_after(_BLOCK)
        elif tag.name == "br":
            tag.replace_with(_LINE)
    blocks = (_squash(block) for block in root.get_text().split(_BLOCK))
    return "\n\n".join(block for block in blocks if block)


def _main_content(soup: BeautifulSoup):
    """The largest <article>, else <main>, if it holds a quarter of the page's text.

    Listing pages wrap every teaser in an <article>, so a small one is not the story.
    """
    page = soup.body or soup
    page_length = _text_length(page)
    for name in ("article", "main"):
        length, best = max(((_text_length(t), t) for t in page.find_all(name)),
                           key=lambda pair: pair[0], default=(0, None))
        if best is not None and length >= 0.25 * page_length > 0:
            return best
    return page


def _text_length(tag) -> int:
    return sum(map(len, tag.stripped_strings))


def _squash(block: str) -> str:
    """Collapse markup whitespace; keep the line breaks that <br> asked for."""
    lines = (" ".join(line.split()) for line in block.split(_LINE))
    return "\n".join(line for line in lines if line)


def _iter_json(text: str, file_id: str, source: str,
               options: _Options) -> Iterator[Document | BadFile]:
    """A .json file: one object, or a list of objects numbered from 1."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        yield BadFile(file_id, f"invalid json: {exc.msg} at line {exc.lineno} column {exc.colno}")
        return
    if isinstance(value, dict):
        value = [value]
    elif not isinstance(value, list):
        yield BadFile(file_id, f"json holds {_json_kind(value)}, expected an object or a list")
        return
    if not value:
        yield BadFile(file_id, "json list holds no records")
    for number, record in enumerate(value, 1):
        yield _record(record, number, file_id, source, options)


def _iter_jsonl(text: str, file_id: str, source: str,
                options: _Options) -> Iterator[Document | BadFile]:
    """A .jsonl file: one object a line; a broken line is reported and the rest read."""
    # split("\n"), not splitlines(): JSON strings may hold U+2028, which splitlines breaks on.
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield BadFile(f"{file_id}#{number}", f"invalid json: {exc.msg} at column {exc.colno}")
            continue
        yield _record(record, number, file_id, source, options)


def _record(record: object, number: int, file_id: str, source: str,
            options: _Options) -> Document | BadFile:
    """One JSON record -> Document ``file#id`` (or ``file#number``), or BadFile ``file#number``."""
    where = f"{file_id}#{number}"
    if not isinstance(record, dict):
        return BadFile(where, f"record is {_json_kind(record)}, not an object")
    # A null field counts as absent: dumps often carry "text": null beside a filled "body".
    field = next((f for f in options.text_fields if record.get(f) is not None), None)
    if field is None:
        looked = ", ".join(repr(f) for f in options.text_fields)
        return BadFile(where, f"no text field (looked for {looked})")
    text = record[field]
    if not isinstance(text, str):
        return BadFile(where, f"field {field!r} holds {_json_kind(text)}, not a string")
    if not text.strip():
        return BadFile(where, f"field {field!r} is empty")
    record_id = next((str(record[f]) for f in options.id_fields
                      if isinstance(record.get(f), (str, int)) and not isinstance(record[f], bool)
                      and str(record[f]).strip()), None)
    return Document(id=f"{file_id}#{record_id or number}", text=repair_text(text), source=source)


def _json_kind(value: object) -> str:
    """Name a JSON value's type for a reason: ``[]`` -> ``'a list'``."""
    kinds = ((bool, "a boolean"), (dict, "an object"), (list, "a list"), (str, "a string"),
             ((int, float), "a number"))
    return next((name for kind, name in kinds if isinstance(value, kind)), "null")
