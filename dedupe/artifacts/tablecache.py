"""Word tables derived from installed word lists, kept on disk between scans.

Why: the scorer's foreign-word table, its word classes and its spelling index
are built from dozens of compressed lists (wordfreq, lemminflect): about two
seconds of CPU in the scan's main process, while the worker processes wait for
them. Each such table is a ``dict[str, str]``; written once as two blocks of
lines (the keys, then the values), it reads back in a fraction of the time.

A cached table is named after what it was built from: the source of the
modules that build it and the versions of the packages whose lists they read.
Editing the code or upgrading a package makes a new file (the old one is
removed), so a cache never answers for other code or data. The folder is
``$DEDUPE_CACHE_DIR``, else ``$XDG_CACHE_HOME/dedupe`` or ``~/.cache/dedupe``;
where it cannot be written the tables are simply built every time.
"""
from __future__ import annotations

import functools
import os
from collections.abc import Callable, Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import xxhash

from dedupe.io.atomic import write_atomic

#: Bump when the file layout changes.
FORMAT = 1

Table = dict[str, str]


def cache_dir() -> Path:
    """The folder of the cached tables (``$DEDUPE_CACHE_DIR`` when set)."""
    if os.environ.get("DEDUPE_CACHE_DIR"):
        return Path(os.environ["DEDUPE_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "dedupe"


def disk_cached(name: str, *, sources: Sequence[str | os.PathLike], packages: Sequence[str]
                ) -> Callable[[Callable[[], Table]], Callable[[], Table]]:
    """Decorate a function that builds a ``dict[str, str]`` so that its table is
    read from the cache when one exists for ``sources`` (the module files whose
    code builds it) and the installed versions of ``packages`` (whose data it reads).

    Keys and values must hold no tab or line break; a table that does is not cached.
    """
    def decorate(build: Callable[[], Table]) -> Callable[[], Table]:
        @functools.wraps(build)
        def load() -> Table:
            path = cache_dir() / f"{name}-{_fingerprint(sources, packages)}.txt"
            table = _read(path)
            if table is None:
                table = build()
                _write(path, table)
            return table
        return load
    return decorate


def _fingerprint(sources: Sequence[str | os.PathLike], packages: Sequence[str]) -> str:
    digest = xxhash.xxh3_64(f"{FORMAT}".encode())
    for source in sources:
        digest.update(Path(source).read_bytes())
    for package in packages:
        try:
            digest.update(f"{package}={version(package)}".encode())
        except PackageNotFoundError:
            digest.update(package.encode())
    return digest.hexdigest()


def _read(path: Path) -> Table | None:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    # the keys, a tab, the values: three C-level splits, no Python step per row
    blocks = text.split("\t")
    if len(blocks) != 2:
        return None  # not a file this module wrote
    keys, values = blocks[0].split("\n"), blocks[1].split("\n")
    return dict(zip(keys, values)) if len(keys) == len(values) else None


def _write(path: Path, table: Table) -> None:
    keys, values = "\n".join(table), "\n".join(table.values())
    if not table or any("\t" in block or block.count("\n") != len(table) - 1 for block in (keys, values)):
        return  # a key or value with a tab or line break (or nothing to keep): not cached
    try:
        write_atomic(path, f"{keys}\t{values}")
        for old in path.parent.glob(f"{path.name.rsplit('-', 1)[0]}-*.txt"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:
        pass  # a read-only home: the table is built each time instead
