"""Local engine against the Dask engine with 1 and 2 workers on one labelled dump.

    python benchmarks/bench_engines.py --dump /tmp/m10w              # scoring on (the CLI default)
    python benchmarks/bench_engines.py --dump /tmp/m10w --no-score   # grouping only

Runs, in this order and in this process: ``scan_documents(docs, workers=1)`` (local),
then ``scan_documents_dask`` on a ``LocalCluster`` of 1 worker process and of 2 (TCP on
127.0.0.1, one thread each). Each clock starts after the engine is warm: a scan of the
first ``--warm-docs`` documents first loads the word lists and language profiles into
every process that will use them (a long-lived cluster pays that once, not per scan);
the warm-up and the cluster start are recorded apart. Every Dask run's clusters,
canonical copies, flags and artifact scores must equal the local run's, or the script
exits 1. Writes ``OUT/engines.json``, and the "Engines" section of ``OUT/results.md``
(only that section is replaced on a rerun). The machine is shared: the load average at
the start and end is recorded, and ratios from one run are what to compare.
"""
from __future__ import annotations

import argparse
import copy
import datetime as dt
import json
import os
import platform
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))
if str(HERE.parent) not in sys.path:
    sys.path.insert(0, str(HERE.parent))

import numpy as np  # noqa: E402

import peers  # noqa: E402
from run import load_truth, pair_scores  # noqa: E402

from dedupe import Document, ScanConfig  # noqa: E402
from dedupe.types import ScanResult  # noqa: E402

SECTION_START = "<!-- bench_engines: start -->"
SECTION_END = "<!-- bench_engines: end -->"
# Functions the two drivers call through their modules' globals: wrapping them
# there times each stage of the real entry points.
LOCAL_STAGES = ("find_boilerplate", "analyse", "sign", "find_pairs", "group_pairs", "link_groups", "score_groups",
                "assemble_clusters", "build_clusters")
DASK_STAGES = ("find_boilerplate", "analyse", "sign", "candidate_pairs_dask", "term_matrix", "pair_similarity_dask",
               "accept_candidates", "group_pairs_dask", "fit_scorer", "score_dask", "assemble_clusters")


class Stages:
    """Seconds per stage of one run, from wrappers installed on a module."""

    def __init__(self, module, names: Sequence[str]):
        self.times: dict[str, float] = {}
        self._module = module
        self._saved = {name: getattr(module, name) for name in names}

    def __enter__(self) -> "Stages":
        for name, func in self._saved.items():
            setattr(self._module, name, self._timed(name, func))
        return self

    def __exit__(self, *exc) -> None:
        for name, func in self._saved.items():
            setattr(self._module, name, func)

    def _timed(self, name: str, func: Callable) -> Callable:
        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                return func(*args, **kwargs)
            finally:
                self.times[name] = self.times.get(name, 0.0) + time.perf_counter() - start

        return wrapper


def fingerprint(result: ScanResult) -> tuple:
    """What must be identical between engines: clusters (members, canonical,
    pairs, similarities), and every document's language, boilerplate, flags and score."""
    return result.clusters, [(d.language, d.boilerplate, d.flags, d.artifact_score) for d in result.documents]


def differences(result: ScanResult, expected: ScanResult, limit: int = 10) -> list[str]:
    """The first ``limit`` things that differ from the local run, one line each (for the log)."""
    out = []
    if result.clusters != expected.clusters:
        mismatched = [c.id for c, e in zip(result.clusters, expected.clusters) if c != e]
        out.append(f"clusters: {len(result.clusters)} vs {len(expected.clusters)}; differing ids {mismatched[:limit]}")
    for doc, local in zip(result.documents, expected.documents):
        for field in ("language", "boilerplate", "flags", "artifact_score"):
            if getattr(doc, field) != getattr(local, field):
                out.append(f"{doc.id} {field}: {str(getattr(doc, field))[:300]} | local: {str(getattr(local, field))[:300]}")
    return out[:limit]


def labels_of(result: ScanResult) -> np.ndarray:
    labels = np.arange(len(result.documents), dtype=np.int64)
    for cluster in result.clusters:
        labels[cluster.members] = len(result.documents) + cluster.id
    return labels


def run_local(documents: list[Document], config: ScanConfig, warm: list[Document]) -> tuple[ScanResult, dict]:
    import dedupe.pipeline as pipeline

    start = time.perf_counter()
    pipeline.scan_documents(copy.deepcopy(warm), config, workers=1)
    warm_s = time.perf_counter() - start
    with Stages(pipeline, LOCAL_STAGES) as stages:
        start = time.perf_counter()
        result = pipeline.scan_documents(copy.deepcopy(documents), config, workers=1)
        wall = time.perf_counter() - start
    return result, {"wall_s": round(wall, 2), "warm_up_s": round(warm_s, 2), "stages": _rounded(stages.times)}


def run_dask(documents: list[Document], config: ScanConfig, warm: list[Document], workers: int) -> tuple[ScanResult, dict]:
    import dedupe.engines.dask as engine

    start = time.perf_counter()
    with engine.dask_client(scheduler=None, workers=workers) as client:
        cluster_start = time.perf_counter() - start
        start = time.perf_counter()
        engine.scan_documents_dask(copy.deepcopy(warm), config, client=client)
        # The warm-up scan may not give every worker a task: load each one explicitly.
        client.gather(engine.warm_workers(client))
        warm_s = time.perf_counter() - start
        with Stages(engine, DASK_STAGES) as stages:
            start = time.perf_counter()
            result = engine.scan_documents_dask(copy.deepcopy(documents), config, client=client)
            wall = time.perf_counter() - start
    return result, {
        "wall_s": round(wall, 2),
        "warm_up_s": round(warm_s, 2),
        "cluster_start_s": round(cluster_start, 2),
        "stages": _rounded(stages.times),
    }


def _rounded(times: dict[str, float]) -> dict[str, float]:
    return {name: round(seconds, 2) for name, seconds in times.items()}


def render_section(report: dict) -> str:
    runs = report["runs"]
    lines = [
        SECTION_START,
        "## Engines: local vs Dask (`bench_engines.py`)",
        "",
        f"Measured {report['date']}, `{report['command']}`: {report['n_docs']:,} documents (`{report['dump']}`), "
        f"scoring {'on' if report['score'] else 'off'}; load average {report['load_avg_start']:.2f} at the start, "
        f"{report['load_avg_end']:.2f} at the end ({report['machine']['cores']} cores, shared). "
        "Clocks start with warm engines (see `benchmarks/README.md`).",
        "",
        "| engine | wall s | vs local | identical to local | F1 | cluster start s | warm-up s |",
        "|---|---:|---:|---|---:|---:|---:|",
    ]
    local_wall = runs["local"]["wall_s"]
    for name, run in runs.items():
        lines.append(
            f"| {name} | {run['wall_s']:.1f} | {local_wall / run['wall_s']:.2f}x | "
            f"{'yes' if run['identical'] else 'NO'} | {run['f1']:.3f} | {run.get('cluster_start_s', '')} | {run['warm_up_s']} |"
        )
    lines += [
        "",
        f"Speed-up of 2 Dask workers: **{report['speedup_2_vs_1']:.2f}x** over 1 Dask worker, "
        f"**{report['speedup_2_vs_local']:.2f}x** over the local engine with 1 worker.",
        "",
        "Stage seconds:",
        "",
    ]
    for name, run in runs.items():
        lines.append(f"- **{name}**: " + ", ".join(f"{stage} {s:.1f}" for stage, s in run["stages"].items()))
    for name, run in runs.items():
        if run.get("differences"):
            lines += ["", f"**{name}** differs from the local run:", ""]
            lines += [f"- `{line[:160]}...`" for line in run["differences"]]
    lines += ["", SECTION_END]
    return "\n".join(lines) + "\n"


def write_section(path: Path, section: str) -> None:
    """Put ``section`` in ``path`` in place of its previous version, or at the end."""
    text = path.read_text() if path.exists() else ""
    if SECTION_START in text and SECTION_END in text:
        before, rest = text.split(SECTION_START, 1)
        after = rest.split(SECTION_END, 1)[1].lstrip("\n")
        text = before + section + ("\n" + after if after else "")
    else:
        text = text.rstrip("\n") + ("\n\n" if text else "") + section
    path.write_text(text)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dump", type=Path, required=True, help="a dump made by make_dump.py (docs/ or docs.jsonl, labels.json)")
    ap.add_argument("--no-score", action="store_true", help="grouping only (ScanConfig(score=False))")
    ap.add_argument("--warm-docs", type=int, default=300, help="documents of the warm-up scan per engine")
    ap.add_argument("--out", type=Path, default=HERE / "results", help="folder of engines.json and results.md")
    args = ap.parse_args(argv)
    if args.warm_docs < 2:
        ap.error(f"--warm-docs {args.warm_docs}: use 2 or more (default 300)")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    config = ScanConfig(score=not args.no_score)
    truth = load_truth(args.dump)
    documents = [Document(id=doc_id, text=text) for doc_id, text in peers.iter_dump(args.dump)]
    warm = documents[: args.warm_docs]
    load_start = os.getloadavg()[0]

    local, report_local = run_local(documents, config, warm)
    expected = fingerprint(local)
    runs = {"local (workers=1)": report_local}
    results = {"local (workers=1)": local}
    for workers in (1, 2):
        name = f"dask, {workers} worker{'s' if workers > 1 else ''}"
        results[name], runs[name] = run_dask(documents, config, warm, workers)
        print(f"{name}: {runs[name]['wall_s']} s", file=sys.stderr)
    for name, result in results.items():
        runs[name]["identical"] = fingerprint(result) == expected
        if not runs[name]["identical"]:
            runs[name]["differences"] = differences(result, local)
            print(f"{name} differs from local:", *runs[name]["differences"], sep="\n  ", file=sys.stderr)
        runs[name]["f1"] = round(pair_scores(labels_of(result), truth)["f1"], 4)
        runs[name]["clusters"] = len(result.clusters)
    runs["local"] = runs.pop("local (workers=1)")
    runs = {"local": runs["local"], **{k: v for k, v in runs.items() if k != "local"}}
    one, two = runs["dask, 1 worker"]["wall_s"], runs["dask, 2 workers"]["wall_s"]
    report = {
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "command": "python benchmarks/bench_engines.py --dump " + str(args.dump) + (" --no-score" if args.no_score else ""),
        "dump": str(args.dump),
        "n_docs": len(documents),
        "score": config.score,
        "machine": {"cores": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "load_avg_start": round(load_start, 2),
        "load_avg_end": round(os.getloadavg()[0], 2),
        "runs": runs,
        "speedup_2_vs_1": round(one / two, 3),
        "speedup_2_vs_local": round(runs["local"]["wall_s"] / two, 3),
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "engines.json").write_text(json.dumps(report, indent=2) + "\n")
    write_section(args.out / "results.md", render_section(report))
    print(render_section(report))
    if not all(run["identical"] for run in runs.values()):
        print("a Dask run differs from the local run", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
