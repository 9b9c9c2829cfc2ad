"""Run this project and its peers on one labelled dump, score them alike, write the results.

    python benchmarks/run.py --dump /tmp/dump-10k                      # every method, tier from the size
    python benchmarks/run.py --dump /tmp/dump-100k --methods dedupe,exact --workers 2
    python benchmarks/run.py --all                                     # build missing dumps, run every tier

Each method runs in its own process (``run.py --one METHOD ...``), so its peak memory is
its own; this process samples that process tree's memory, reads its clustering back and
scores it against ``labels.json``. Results merge into ``OUT/results.json`` (tiers and
methods accumulate), ``OUT/results.md`` and the PNG plots. What each number means is in
``benchmarks/README.md`` ("Comparing methods").

Why a script and not a package command: it drives optional peers (``.[bench]``) on dumps
built from corpora that are never shipped.
"""
from __future__ import annotations

import argparse
import datetime as dt
import importlib
import importlib.metadata
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))
if str(HERE.parent) not in sys.path:
    # Run as `python benchmarks/run.py` from a checkout without `pip install -e .`.
    sys.path.insert(0, str(HERE.parent))

import peers  # noqa: E402

METHODS = ("dedupe", "datasketch", "datasketch-5gram", "text-dedup", "datatrove", "rensa", "exact", "tfidf")
COPY_KINDS = ("syndicated", "rewrite", "mt", "roundtrip")
# Brute-force TF-IDF is quadratic: only tiers up to this size run it.
TFIDF_MAX_DOCS = 20_000
# The tiers `--all` builds and runs: size, dump format, methods (slow peers stop at 100k).
TIERS = {
    "10k": (10_000, "files", METHODS),
    "100k": (100_000, "jsonl", ("dedupe", "datasketch", "datasketch-5gram", "text-dedup", "datatrove", "rensa", "exact")),
    "1M": (1_000_000, "jsonl", ("dedupe", "rensa", "exact")),
}
DEFAULT_TIMEOUT_S = 3 * 3600
DEFAULT_LOGS = Path(tempfile.gettempdir()) / "dedupe-bench-logs"
SAMPLE_MAX_INTERVAL_S = 0.5
FIELDS = ("f1", "f1_mt", "f1_same_language", "cross_language_share", "recall_cross_language", "ari",
          "precision", "recall", "recall_by_kind", "docs_per_s", "mb_per_s",
          "peak_rss_mb", "wall_s", "stages", "error", "notes")


class BenchError(Exception):
    """A bad argument or dump, reported as one line."""


# --- ground truth and scores --------------------------------------------------------------

@dataclass(slots=True)
class Truth:
    """The labels of a dump in dump order: cluster code and kind per document, and size."""

    ids: list[str]
    cluster: np.ndarray
    kind: np.ndarray
    total_bytes: int
    language: np.ndarray | None = None

    @property
    def n(self) -> int:
        return len(self.ids)


def load_truth(dump: Path) -> Truth:
    """Read ``labels.json`` and align it with the dump's document order (streamed: texts are
    only measured, never kept).

    >>> load_truth(Path("/tmp/dump-10k")).n  # doctest: +SKIP
    10000
    """
    labels_path = dump / "labels.json"
    if not labels_path.is_file():
        raise BenchError(f"{labels_path} is missing: build the dump with benchmarks/make_dump.py")
    labels = json.loads(labels_path.read_text())["documents"]
    ids, total = [], 0
    for doc_id, text in peers.iter_dump(dump):
        ids.append(doc_id)
        total += len(text.encode("utf-8"))
    missing = [i for i in ids if i not in labels]
    if missing:
        raise BenchError(f"{len(missing)} documents of {dump} have no label (first: {missing[0]}); rebuild the dump")
    cluster = np.unique([labels[i]["cluster"] for i in ids], return_inverse=True)[1].astype(np.int64)
    kind = np.array([labels[i]["kind"] for i in ids], dtype=object)
    language = np.unique([labels[i].get("lang", "") for i in ids], return_inverse=True)[1].astype(np.int64)
    return Truth(ids, cluster, kind, total, language)


def _pairs(sizes: np.ndarray) -> np.ndarray:
    sizes = sizes.astype(np.int64)
    return sizes * (sizes - 1) // 2


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def pair_scores(pred: np.ndarray, truth: Truth) -> dict:
    """Pair precision, recall and F1, F1 on machine-translated stories, recall per copy kind, ARI.

    A pair is two documents in one cluster. Counted from cluster sizes through the
    contingency table (predicted cluster x true cluster), so a huge cluster costs its
    size, not its square. Definitions (also in benchmarks/README.md):

    - ``f1_mt``: over the MT stories S (true clusters holding at least one ``mt`` document,
      i.e. every WMT version and its ``src``): recall = true pairs inside S found;
      precision = of the predicted pairs with at least one document in S, the true ones.
      Merging a translation into an unrelated story therefore costs precision.
    - ``recall_by_kind[k]``: of the links from each document of kind ``k`` to the other
      members of its true cluster, the share the method put in its cluster.

    >>> t = Truth(list("abcd"), np.array([0, 0, 1, 2]), np.array(["original", "mt", "mt", "singleton"], dtype=object), 4)
    >>> s = pair_scores(np.array([0, 0, 0, 3]), t)
    >>> round(s["precision"], 3), s["recall"], s["recall_by_kind"]["mt"]
    (0.333, 1.0, 1.0)
    """
    from sklearn.metrics import adjusted_rand_score

    pred = np.unique(pred, return_inverse=True)[1].astype(np.int64)
    true = truth.cluster
    cells, cell_of, cell_size = np.unique(pred * (true.max() + 1) + true, return_inverse=True, return_counts=True)
    cell_true = cells % (true.max() + 1)
    true_size = np.bincount(true)
    pred_size = np.bincount(pred)

    tp, pp, tt = _pairs(cell_size).sum(), _pairs(pred_size).sum(), _pairs(true_size).sum()
    precision = tp / pp if pp else 1.0
    recall = tp / tt if tt else 1.0

    is_mt = truth.kind == "mt"
    mt_story = np.zeros(len(true_size), dtype=bool)
    mt_story[true[is_mt]] = True
    in_s = mt_story[true]
    tp_s = _pairs(cell_size[mt_story[cell_true]]).sum()
    tt_s = _pairs(true_size[mt_story]).sum()
    s_per_pred = np.bincount(pred[in_s], minlength=len(pred_size))
    pp_s = (_pairs(pred_size) - _pairs(pred_size - s_per_pred)).sum()
    p_mt = tp_s / pp_s if pp_s else 1.0
    r_mt = tp_s / tt_s if tt_s else 1.0

    by_kind = {}
    cell_size_of_doc = cell_size[cell_of]
    for k in sorted(set(truth.kind)):
        docs = truth.kind == k
        possible = (true_size[true[docs]] - 1).sum()
        if possible:
            by_kind[k] = float((cell_size_of_doc[docs] - 1).sum() / possible)
    return {
        "precision": float(precision),
        "recall": float(recall),
        "f1": float(_f1(precision, recall)),
        "f1_mt": float(_f1(p_mt, r_mt)) if tt_s else None,
        "recall_by_kind": by_kind,
        "ari": float(adjusted_rand_score(true, pred)),
        **_language_scores(pred, truth, tt),
    }


def _pairs_in(*codes: np.ndarray) -> int:
    """Pairs of documents that agree on every one of ``codes``."""
    key = np.zeros(len(codes[0]), dtype=np.int64)
    for c in codes:
        key = key * (int(c.max()) + 1) + c
    return int(_pairs(np.unique(key, return_counts=True)[1]).sum())


def _language_scores(pred: np.ndarray, truth: Truth, true_pairs: int) -> dict:
    """How much of the truth links documents in two languages, and the scores on the rest.

    A true pair whose documents are in different languages (an Icelandic and a
    Japanese translation of one story) shares no words, only names and numbers;
    ``cross_language_share`` says how much recall hangs on such pairs, and
    ``f1_same_language`` scores predicted and true pairs within one language only.
    """
    lang = truth.language
    if lang is None or not true_pairs:
        return {}
    same_true = _pairs_in(truth.cluster, lang)
    same_pred = _pairs_in(pred, lang)
    same_tp = _pairs_in(pred, truth.cluster, lang)
    p = same_tp / same_pred if same_pred else 1.0
    r = same_tp / same_true if same_true else 1.0
    cross_true = true_pairs - same_true
    cross_tp = _pairs_in(pred, truth.cluster) - same_tp
    return {
        "cross_language_share": float(cross_true / true_pairs),
        "recall_cross_language": float(cross_tp / cross_true) if cross_true else None,
        "f1_same_language": float(_f1(p, r)),
    }


# --- one method in its own process --------------------------------------------------------

def run_one(method: str, inputs: peers.Inputs, *, workers: int, result_path: Path) -> int:
    """The child side: run ``method``, write its labels (``.npy``) and a JSON of times or error."""
    record: dict = {"method": method}
    try:
        _import_for(method)
        kwargs = {}
        if method == "tfidf":
            truth = load_truth(inputs.dump)
            kwargs["oracle"] = lambda labels: pair_scores(labels, truth)["f1"]
        start = time.perf_counter()
        outcome = peers.ADAPTERS[method](inputs, workers=workers, **kwargs)
        wall = time.perf_counter() - start - sum(outcome.stages.get(s, 0.0) for s in peers.UNTIMED_STAGES)
        np.save(result_path.with_suffix(".npy"), np.asarray(outcome.labels, dtype=np.int64))
        record.update(wall_s=wall, stages=outcome.stages, notes=outcome.notes, error=None)
    except Exception as exc:  # noqa: BLE001 -- any failure of a peer is a result to report
        traceback.print_exc()
        record["error"] = _one_line(exc)
    result_path.write_text(json.dumps(record))
    return 0


def _import_for(method: str) -> None:
    """Import what ``method`` needs before the clock starts: import time is not dedup time,
    and a missing extra fails here with the install command."""
    module = peers.REQUIRES.get(method, "dedupe" if method == "dedupe" else None)
    if module is None:
        return
    try:
        importlib.import_module(module)
        if method == "datatrove":
            importlib.import_module("datatrove.pipeline.dedup.minhash")
        if method == "text-dedup":
            importlib.import_module("text_dedup.minhash")
    except ImportError as exc:
        raise ImportError(f"{method} is not installed here ({exc}); {peers.BENCH_EXTRA}") from exc


def _one_line(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}".strip()
    return " ".join(text.split())[:500]


@dataclass(slots=True)
class ChildRun:
    """What the parent saw of one method's process."""

    record: dict
    labels: np.ndarray | None
    peak_rss_mb: float


def spawn(method: str, inputs: peers.Inputs, *, workers: int, timeout_s: float, log_path: Path) -> ChildRun:
    """Run ``run.py --one METHOD`` in a new session, sample its process tree's memory, wait.

    Peak memory is the larger of the high-water mark of its biggest process (``wait4``)
    and the peak, over samples (every 0.05-0.5 s), of the summed PSS of all its processes
    (shared pages split between the processes sharing them, so forked workers are not
    counted twice).
    """
    result_path = inputs.work / f"{method}.json"
    cmd = [sys.executable, str(Path(__file__).resolve()), "--one", method, "--dump", str(inputs.dump),
           "--workers", str(workers), "--work", str(inputs.work)]
    if inputs.jsonl:
        cmd += ["--jsonl", str(inputs.jsonl)]
    if inputs.shards:
        cmd += ["--shards", str(inputs.shards)]
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        peak, started = 0.0, time.monotonic()
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            peak = max(peak, _tree_memory_mb(proc.pid))
            elapsed = time.monotonic() - started
            if elapsed > timeout_s:
                os.killpg(proc.pid, signal.SIGKILL)
                _, status, usage = os.wait4(proc.pid, 0)
                proc.returncode = -9
                return ChildRun(_stopped(f"timed out after {timeout_s:.0f} s", log_path), None, peak)
            # Reading a large process's memory map costs CPU the method could use: sample
            # densely at first (short runs), then every half second.
            time.sleep(min(SAMPLE_MAX_INTERVAL_S, 0.05 + elapsed / 20))
        proc.returncode = os.waitstatus_to_exitcode(status)
    peak = max(peak, usage.ru_maxrss / 1024)
    if not result_path.exists():
        tail = [line for line in log_path.read_text(errors="replace").strip().splitlines()
                if not line.startswith("[stage] ")][-3:]
        return ChildRun(_stopped(f"exit code {proc.returncode}: {' | '.join(tail)}", log_path), None, peak)
    record = json.loads(result_path.read_text())
    npy = result_path.with_suffix(".npy")
    labels = np.load(npy) if record.get("error") is None else None
    return ChildRun(record, labels, peak)


def _stopped(reason: str, log_path: Path) -> dict:
    """The record of a method stopped half way: ``reason``, the stage it was in and
    the times of the stages it finished (from its log's :class:`peers.Stages` lines)."""
    done, running = peers.stages_reached(log_path.read_text(errors="replace"))
    where = f" in stage {running}" if running else ""
    finished = ", ".join(f"{name} {took:.1f} s" for name, took in done.items())
    return {"error": f"{reason}{where}" + (f" (finished: {finished})" if finished else ""),
            "stages": {name: round(took, 3) for name, took in done.items()}}


def _tree_memory_mb(pid: int) -> float:
    try:
        import psutil
    except ImportError:
        return 0.0  # wait4's high-water mark alone
    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0.0
    total = 0
    for p in procs:
        try:
            info = p.memory_full_info()
            total += getattr(info, "pss", info.rss)
        except psutil.Error:
            continue
    return total / 2**20


# --- one tier -----------------------------------------------------------------------------

def prepare_inputs(dump: Path, work: Path, *, workers: int, methods: Sequence[str]) -> peers.Inputs:
    """The JSONL forms text-dedup and datatrove read, written once, untimed."""
    inputs = peers.Inputs(dump=dump, work=work)
    if "text-dedup" in methods:
        if peers.dump_format(dump) == "jsonl":
            inputs.jsonl = dump / "docs.jsonl"
        else:
            inputs.jsonl = work / "input" / "docs.jsonl"
            inputs.jsonl.parent.mkdir(parents=True, exist_ok=True)
            with open(inputs.jsonl, "w", encoding="utf-8") as fh:
                for doc_id, text in peers.iter_dump(dump):
                    fh.write(json.dumps({"id": doc_id, "text": text}) + "\n")
    if "datatrove" in methods:
        inputs.shards = work / "input" / "shards"
        inputs.shards.mkdir(parents=True, exist_ok=True)
        n = sum(1 for _ in _iter_ids(dump))
        per = -(-n // workers)
        handles = [open(inputs.shards / f"{i:05d}.jsonl", "w", encoding="utf-8") for i in range(workers)]
        try:
            for i, (doc_id, text) in enumerate(peers.iter_dump(dump)):
                handles[i // per].write(json.dumps({"id": doc_id, "text": text}) + "\n")
        finally:
            for h in handles:
                h.close()
    return inputs


def _iter_ids(dump: Path):
    if peers.dump_format(dump) == "jsonl":
        with open(dump / "docs.jsonl", "rb") as fh:
            yield from fh
    else:
        yield from (dump / "docs").glob("*.txt")


def tier_name(n: int) -> str:
    """``10k``, ``100k``, ``1M`` for round sizes, else the count.

    >>> tier_name(10_000), tier_name(1_000_000), tier_name(1234)
    ('10k', '1M', '1234')
    """
    if n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    if n % 1000 == 0:
        return f"{n // 1000}k"
    return str(n)


def run_tier(dump: Path, *, tier: str | None, methods: Sequence[str], workers: int, out: Path,
             timeout_s: float = DEFAULT_TIMEOUT_S, plots: bool = True, logs: Path = DEFAULT_LOGS,
             log=print) -> dict:
    """Run ``methods`` on ``dump``, score them, merge into ``out`` and return this tier's entries.
    Each method's output goes to ``logs/TIER-METHOD.log`` (outside the repo: datatrove's are large)."""
    load_at_start = round(os.getloadavg()[0], 2)  # other work on the machine skews every time
    truth = load_truth(dump)
    tier = tier or tier_name(truth.n)
    log(f"[{tier}] {truth.n:,} documents, {truth.total_bytes / 1e6:.1f} MB: {', '.join(methods)}")
    out.mkdir(parents=True, exist_ok=True)
    entries: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix=f"bench-{tier}-") as tmp:
        work = Path(tmp)
        inputs = prepare_inputs(dump, work, workers=workers, methods=methods)
        for method in methods:
            entries[method] = _run_method(method, inputs, truth, workers=workers, timeout_s=timeout_s,
                                          log_path=logs / f"{tier}-{method}.log", log=log)
            _clean_work(work)
    dump_info = {"path": str(dump), "n_docs": truth.n, "mb": round(truth.total_bytes / 1e6, 2),
                 "true_pairs": int(_pairs(np.bincount(truth.cluster)).sum()),
                 "kinds": {k: int((truth.kind == k).sum()) for k in sorted(set(truth.kind))},
                 "load_avg_at_start": load_at_start}
    results = merge_results(out / "results.json", tier, entries, dump_info, workers=workers)
    write_markdown(out, results)
    if plots:
        try:
            import plots as plotting
        except ImportError as exc:
            log(f"no plots: {exc} ({peers.BENCH_EXTRA})")
        else:
            plotting.write_plots(results, out)
    return entries


def _clean_work(work: Path) -> None:
    """Drop a method's scratch output (keep the prepared input) so the next starts clean."""
    for path in work.iterdir():
        if path.name == "input":
            continue
        shutil.rmtree(path) if path.is_dir() else path.unlink()


def _run_method(method: str, inputs: peers.Inputs, truth: Truth, *, workers: int, timeout_s: float,
                log_path: Path, log) -> dict:
    """One method's entry: every field of :data:`FIELDS`, scores ``None`` when it failed."""
    entry = {f: None for f in FIELDS}
    if method == "tfidf" and truth.n > TFIDF_MAX_DOCS:
        entry["error"] = f"skipped: brute-force TF-IDF runs on tiers up to {TFIDF_MAX_DOCS:,} documents"
        log(f"  {method:<11} {entry['error']}")
        return entry
    log_path.parent.mkdir(parents=True, exist_ok=True)
    child = spawn(method, inputs, workers=workers, timeout_s=timeout_s, log_path=log_path)
    entry["peak_rss_mb"] = round(child.peak_rss_mb, 1)
    entry["error"] = child.record.get("error")
    entry["notes"] = child.record.get("notes")
    entry["stages"] = child.record.get("stages")
    if child.labels is None:
        log(f"  {method:<11} error: {entry['error']}")
        return entry
    if len(child.labels) != truth.n:
        entry["error"] = f"returned {len(child.labels)} labels for {truth.n} documents"
        return entry
    wall = child.record["wall_s"]
    entry.update(pair_scores(child.labels, truth))
    entry.update(wall_s=round(wall, 3), docs_per_s=round(truth.n / wall, 1),
                 mb_per_s=round(truth.total_bytes / 1e6 / wall, 3),
                 stages={k: round(v, 3) for k, v in child.record["stages"].items()})
    log(f"  {method:<11} F1 {entry['f1']:.3f}  F1(mt) {_fmt(entry['f1_mt'])}  ARI {entry['ari']:.3f}  "
        f"{wall:8.1f} s  {entry['docs_per_s']:9.0f} docs/s  {entry['peak_rss_mb']:7.0f} MB")
    return entry


# --- results ------------------------------------------------------------------------------

def machine_info(workers: int) -> dict:
    """What the numbers were measured on, and the versions measured."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = None
    try:
        import psutil

        ram = round(psutil.virtual_memory().total / 2**30, 1)
    except ImportError:
        ram = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    versions = {}
    for dist in ("dedupe", "datasketch", "text-dedup", "datatrove", "rensa", "scikit-learn", "numpy"):
        try:
            versions[dist] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            versions[dist] = None
    return {"cpu": cpu, "cores": os.cpu_count(), "ram_gb": ram, "python": platform.python_version(),
            "platform": platform.platform(), "date": dt.datetime.now().isoformat(timespec="seconds"),
            "workers": workers, "versions": versions}


def merge_results(path: Path, tier: str, entries: dict, dump_info: dict, *, workers: int) -> dict:
    """Merge this run into ``path`` (other tiers and methods stay) and write it atomically."""
    results = json.loads(path.read_text()) if path.exists() else {}
    results["machine"] = machine_info(workers)
    results.setdefault("tiers", {}).setdefault(tier, {}).update(entries)
    results.setdefault("dumps", {})[tier] = dump_info
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(results, indent=1, sort_keys=False))
    tmp.replace(path)
    return results


def _fmt(value, digits: int = 3) -> str:
    if value is None:
        return "-"
    return f"{value:.{digits}f}"


def _tier_order(name: str) -> float:
    scale = {"k": 1e3, "M": 1e6}
    try:
        return float(name[:-1]) * scale[name[-1]] if name[-1] in scale else float(name)
    except ValueError:
        return float("inf")


def write_markdown(out: Path, results: dict) -> None:
    """``results.md`` from ``results.json``, keeping the engines section bench_engines.py measured."""
    (out / "results.md").write_text(render_markdown(results))
    engines = out / "engines.json"
    if engines.is_file():
        import bench_engines  # imports this module: only here, not at the top

        bench_engines.write_section(out / "results.md", bench_engines.render_section(json.loads(engines.read_text())))


def render_markdown(results: dict) -> str:
    """One table per tier, then the stage times and what ran."""
    m = results["machine"]
    lines = ["# Benchmark results", "",
             f"Measured {m['date']} on {m['cpu']} ({m['cores']} cores, {m['ram_gb']} GB RAM), "
             f"Python {m['python']}, `--workers {m['workers']}`. Regenerate: `python benchmarks/run.py --all` "
             "(definitions in `benchmarks/README.md`).", ""]
    for tier in sorted(results["tiers"], key=_tier_order):
        info = results.get("dumps", {}).get(tier, {})
        lines += [f"## {tier}", ""]
        if info:
            lines += [f"{info['n_docs']:,} documents, {info['mb']} MB, {info['true_pairs']:,} true pairs "
                      f"(`{info['path']}`); load average {info.get('load_avg_at_start', '?')} when the run began.", ""]
        lines += ["| method | F1 | F1 (MT) | F1 same lang. | ARI | precision | recall | rec. cross-lang. "
                  "| rec. syndicated | rec. rewrite | rec. mt | rec. roundtrip | docs/s | MB/s | peak RSS MB | wall s |",
                  "|---|" + "---:|" * 15]
        errors, notes, stages = [], [], []
        for method, e in results["tiers"][tier].items():
            if e.get("f1") is None:
                errors.append(f"- **{method}**: {e.get('error')}")
                # a run stopped half way still measured its memory up to there
                peak = f"{e['peak_rss_mb']:,.0f}" if e.get("peak_rss_mb") else "-"
                lines.append(f"| {method} |" + " - |" * 13 + f" {peak} | - |")
                continue
            rk = e.get("recall_by_kind") or {}
            lines.append(
                f"| {method} | {_fmt(e['f1'])} | {_fmt(e['f1_mt'])} | {_fmt(e.get('f1_same_language'))} "
                f"| {_fmt(e['ari'])} | {_fmt(e['precision'])} | {_fmt(e['recall'])} "
                f"| {_fmt(e.get('recall_cross_language'))} | " + " | ".join(_fmt(rk.get(k)) for k in COPY_KINDS)
                + f" | {e['docs_per_s']:,.0f} | {e['mb_per_s']:.2f} | {e['peak_rss_mb']:,.0f} | {e['wall_s']:,.1f} |")
            stages.append(f"- **{method}**: " + ", ".join(f"{k} {v:.1f} s" for k, v in (e.get("stages") or {}).items()))
            if e.get("notes"):
                notes.append(f"- **{method}**: {e['notes']}")
        for title, block in (("Stages", stages), ("What ran", notes), ("Not measured", errors)):
            if block:
                lines += ["", f"{title}:", "", *block]
        lines.append("")
    return "\n".join(lines)


# --- all tiers ----------------------------------------------------------------------------

def ensure_dump(tier: str, cache_dir: Path, *, log=print) -> Path:
    """The dump for ``tier`` under ``cache_dir``, built with make_dump.py (seed 1) if missing."""
    n, fmt, _ = TIERS[tier]
    dump = cache_dir / f"dump-{tier}"
    if (dump / "labels.json").is_file():
        return dump
    if dump.exists():
        shutil.rmtree(dump)  # a build that stopped half way
    log(f"[{tier}] building {dump} (make_dump.py --n {n} --seed 1 --format {fmt})")
    cmd = [sys.executable, str(HERE / "make_dump.py"), "--n", str(n), "--seed", "1", "--out", str(dump),
           "--format", fmt]
    if subprocess.run(cmd, stdout=subprocess.DEVNULL).returncode != 0:
        raise BenchError(f"building the {tier} dump failed: run {' '.join(cmd)} to see why")
    return dump


def _default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line, checked: unknown methods or tiers name the valid ones."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 epilog="example: python benchmarks/run.py --dump /tmp/dump-10k --methods dedupe,exact")
    ap.add_argument("--dump", type=Path, help="a dump folder from make_dump.py (docs/ or docs.jsonl, labels.json)")
    ap.add_argument("--tier", help="name of the tier in the results (default: from the size, e.g. 10k)")
    ap.add_argument("--methods", default=",".join(METHODS), help=f"comma-separated, from {','.join(METHODS)}")
    ap.add_argument("--workers", type=int, default=_default_workers(), help="processes for methods that use them")
    ap.add_argument("--out", type=Path, default=HERE / "results", help="results folder (default benchmarks/results)")
    ap.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_S, help="seconds before a method is stopped")
    ap.add_argument("--all", action="store_true", help="build missing dumps under --cache-dir and run every tier")
    ap.add_argument("--tiers", default=",".join(TIERS), help=f"with --all: which of {','.join(TIERS)}")
    ap.add_argument("--cache-dir", type=Path, default=Path.home() / ".cache" / "dedupe-bench" / "dumps",
                    help="with --all: where dumps are built and kept")
    ap.add_argument("--no-plots", action="store_true", help="skip the PNG plots")
    ap.add_argument("--logs", type=Path, default=DEFAULT_LOGS, help=f"each method's output (default {DEFAULT_LOGS})")
    ap.add_argument("--one", choices=METHODS, help=argparse.SUPPRESS)
    ap.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--jsonl", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--shards", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.workers < 1:
        ap.error(f"--workers {args.workers}: use 1 or more")
    args.methods = [m.strip() for m in args.methods.split(",") if m.strip()]
    unknown = [m for m in args.methods if m not in METHODS]
    if unknown:
        ap.error(f"--methods: unknown {', '.join(unknown)}; choose from {','.join(METHODS)}")
    args.tiers = [t.strip() for t in args.tiers.split(",") if t.strip()]
    if [t for t in args.tiers if t not in TIERS]:
        ap.error(f"--tiers {','.join(args.tiers)}: choose from {','.join(TIERS)}")
    if not args.all and args.dump is None:
        ap.error("give --dump DIR, or --all")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.one:
        inputs = peers.Inputs(dump=args.dump, jsonl=args.jsonl, shards=args.shards, work=args.work)
        return run_one(args.one, inputs, workers=args.workers, result_path=args.work / f"{args.one}.json")
    try:
        if args.all:
            for tier in args.tiers:
                dump = ensure_dump(tier, args.cache_dir)
                run_tier(dump, tier=tier, methods=TIERS[tier][2], workers=args.workers, out=args.out,
                         timeout_s=args.timeout, plots=not args.no_plots, logs=args.logs)
        else:
            run_tier(args.dump, tier=args.tier, methods=args.methods, workers=args.workers, out=args.out,
                     timeout_s=args.timeout, plots=not args.no_plots, logs=args.logs)
    except (BenchError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
