"""Adding a day's folder to a persistent index against rescanning everything, in one run.

    python benchmarks/bench_index.py --dump /tmp/dump-10k [--day2 0.1] [--workers 2] [--index redis://HOST:PORT/DB]

Takes a labelled dump from ``make_dump.py`` (``docs/`` folder or ``docs.jsonl``)
and splits its documents in dump order (dumps are shuffled) into day 1 (the
first 90%) and day 2 (the rest), written as two folders of JSONL shards in a
temporary folder. Builds an index from day 1 (an SQLite file there, or the empty Redis
database given by ``--index``), then times in the same process:

* ``add``: ``index_add([day2], index)`` -- read day 2, regroup everything;
* ``rescan``: ``scan([day1, day2])`` -- one scan of both days;

both with ``ScanConfig(score=False)`` (as ``run.py`` runs dedupe) and the same
workers. Checks that both give the same clusters, and merges the tier's entry
(wall times and their ratio ``rescan / add``; CPU times of this process and its
worker processes, and their ratio, which other jobs on a shared machine move
far less; how many stored documents had to be analysed or signed again) into
``benchmarks/results/index.json``.
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dedupe.config import ScanConfig  # noqa: E402
from dedupe.incremental import index_add  # noqa: E402
from dedupe.index import is_redis_url, open_store  # noqa: E402
from dedupe.io.readers import read_paths  # noqa: E402
from dedupe.pipeline import scan  # noqa: E402
from dedupe.types import BadFile  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "index.json"
CONFIG = ScanConfig(score=False)
# Documents per JSONL shard: keeps each file far below the reader's 50 MB limit.
SHARD = 5000


def dump_documents(dump: Path) -> list[tuple[str, str]]:
    """``(id, text)`` of every document of a dump, in dump order."""
    if (dump / "docs.jsonl").exists():
        with (dump / "docs.jsonl").open(encoding="utf-8") as lines:
            return [(r["id"], r["text"]) for r in map(json.loads, lines)]
    if not (dump / "docs").is_dir():
        sys.exit(f"{dump}: neither docs.jsonl nor docs/ (make one with benchmarks/make_dump.py)")
    docs = [d for d in read_paths([dump / "docs"]) if not isinstance(d, BadFile)]
    return [(d.id.removesuffix(".txt"), d.text) for d in docs]


def split_dump(dump: Path, folder: Path, day2_share: float) -> tuple[Path, Path, int, int]:
    """Write the dump's documents into folders ``day1/`` and ``day2/`` of JSONL
    shards (each under the reader's per-file size limit); returns both folders
    and their sizes."""
    docs = dump_documents(dump)
    n2 = max(1, round(len(docs) * day2_share))
    days = (folder / "day1", folder / "day2")
    for day, part in zip(days, (docs[:-n2], docs[-n2:])):
        day.mkdir()
        for start in range(0, len(part), SHARD):
            with (day / f"{start // SHARD:04d}.jsonl").open("w", encoding="utf-8") as out:
                for doc_id, text in part[start : start + SHARD]:
                    out.write(json.dumps({"id": doc_id, "text": text}) + "\n")
    return days[0], days[1], len(docs) - n2, n2


def clusters_by_id(result) -> set[frozenset[str]]:
    return {frozenset(result.documents[m].id for m in c.members) for c in result.clusters}


def cpu_seconds() -> float:
    """CPU time of this process and of its worker processes that have ended."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def timed(func, *args, **kwargs):
    """``(value, wall seconds, CPU seconds)`` of one call (its worker pools end inside it)."""
    gc.collect()
    start, cpu = time.perf_counter(), cpu_seconds()
    value = func(*args, **kwargs)
    return value, time.perf_counter() - start, cpu_seconds() - cpu


def tier_name(n: int) -> str:
    return f"{n // 1000}k" if n < 1_000_000 else f"{n // 1_000_000}M"


def run(dump: Path, *, day2_share: float, workers: int, index: str | None) -> dict:
    load_start = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="bench-index-") as tmp:
        folder = Path(tmp)
        day1, day2, n1, n2 = split_dump(dump, folder, day2_share)
        location = index or str(folder / "index.db")
        print(f"day 1: {n1} documents, day 2: {n2}; index {location}", flush=True)
        _, build_s, _ = timed(index_add, [day1], location, CONFIG, workers=workers)
        print(f"built day 1 in {build_s:.1f} s", flush=True)
        update, add_s, add_cpu = timed(index_add, [day2], location, CONFIG, workers=workers)
        print(f"added day 2 in {add_s:.1f} s ({add_cpu:.1f} s CPU)", flush=True)
        incremental = clusters_by_id(update.result)
        entry = {"reanalysed": update.reanalysed, "resigned": update.resigned,
                 "joined": len(update.joined), "formed": len(update.formed)}
        del update
        whole, rescan_s, rescan_cpu = timed(scan, [day1, day2], CONFIG, workers=workers)
        print(f"rescanned both in {rescan_s:.1f} s ({rescan_cpu:.1f} s CPU)", flush=True)
        same = clusters_by_id(whole) == incremental
        store = open_store(location, create=False)
        size = store.stats()["bytes"]
        store.close()
    return {
        "documents": n1 + n2, "day1": n1, "day2": n2, "backend": "redis" if is_redis_url(location) else "sqlite",
        "workers": workers, "build_day1_s": round(build_s, 2), "add_day2_s": round(add_s, 2),
        "rescan_s": round(rescan_s, 2), "ratio": round(rescan_s / add_s, 2), "same_clusters": same,
        "add_cpu_s": round(add_cpu, 2), "rescan_cpu_s": round(rescan_cpu, 2), "cpu_ratio": round(rescan_cpu / add_cpu, 2),
        "clusters": len(incremental), "index_mb": None if size is None else round(size / 1e6, 1), **entry,
        "load_average_start": [round(x, 1) for x in load_start],
        "load_average": [round(x, 1) for x in os.getloadavg()],
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dump", type=Path, required=True, help="a make_dump.py output folder")
    parser.add_argument("--day2", type=float, default=0.1, help="share of the documents that arrive on day 2")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--index", default=None, help="an EMPTY Redis database (redis://HOST:PORT/DB); "
                        "default: an SQLite file in a temporary folder")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if not 0 < args.day2 < 1:
        parser.error(f"--day2 {args.day2} must be a share between 0 and 1, e.g. 0.1")
    entry = run(args.dump, day2_share=args.day2, workers=args.workers, index=args.index)
    tier = tier_name(entry["documents"])
    results = json.loads(args.out.read_text()) if args.out.exists() else {"tiers": {}}
    results["machine"] = {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()}
    results["command"] = "python benchmarks/bench_index.py --dump DUMP --workers N"
    results["tiers"][tier] = entry
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    print(json.dumps(entry, indent=2))
    return 0 if entry["same_clusters"] else 1


if __name__ == "__main__":
    sys.exit(main())
