"""PNG plots of ``benchmarks/results/results.json`` (matplotlib, Agg backend: no display needed).

    python benchmarks/plots.py benchmarks/results      # redraw from results.json

- ``quality.png``: pair F1 and F1 on machine-translated stories per method, one panel per tier;
- ``throughput.png``: documents per second per method (log scale), one bar group per tier;
- ``dedupe_scaling.png``: this project's wall time and peak memory against N over the tiers present.

Methods that failed on a tier are left out of its panel (results.md says why).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def _tiers(results: dict) -> list[str]:
    def size(tier: str) -> float:
        return results.get("dumps", {}).get(tier, {}).get("n_docs", 0)

    return sorted(results["tiers"], key=size)


def _measured(entries: dict) -> dict:
    return {m: e for m, e in entries.items() if e.get("f1") is not None}


def plot_quality(results: dict, path: Path) -> None:
    """F1 and F1 (MT) bars per method, a panel per tier."""
    tiers = _tiers(results)
    fig, axes = plt.subplots(1, len(tiers), figsize=(5.5 * len(tiers), 4), squeeze=False)
    for ax, tier in zip(axes[0], tiers):
        entries = _measured(results["tiers"][tier])
        names = list(entries)
        xs = range(len(names))
        ax.bar([x - 0.2 for x in xs], [entries[m]["f1"] for m in names], width=0.4, label="F1 (all pairs)")
        ax.bar([x + 0.2 for x in xs], [entries[m]["f1_mt"] or 0 for m in names], width=0.4, label="F1 (MT stories)")
        ax.set_xticks(list(xs), names, rotation=30, ha="right")
        ax.set_ylim(0, 1.05)
        ax.set_title(f"{tier}: pair F1")
        ax.grid(axis="y", alpha=0.3)
    axes[0][0].legend(loc="upper right", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_throughput(results: dict, path: Path) -> None:
    """Documents per second per method (log scale), bars grouped by tier."""
    tiers = _tiers(results)
    methods = list(dict.fromkeys(m for t in tiers for m in _measured(results["tiers"][t])))
    fig, ax = plt.subplots(figsize=(max(6, 1.2 * len(methods) * max(1, len(tiers)) / 2), 4))
    width = 0.8 / max(1, len(tiers))
    for i, tier in enumerate(tiers):
        entries = _measured(results["tiers"][tier])
        xs = [j + (i - (len(tiers) - 1) / 2) * width for j, m in enumerate(methods) if m in entries]
        ax.bar(xs, [entries[m]["docs_per_s"] for m in methods if m in entries], width=width, label=tier)
    ax.set_xticks(range(len(methods)), methods, rotation=30, ha="right")
    ax.set_yscale("log")
    ax.set_ylabel("documents / s (end to end)")
    ax.set_title(f"Throughput ({results['machine']['cores']} cores, --workers {results['machine']['workers']})")
    ax.grid(axis="y", alpha=0.3, which="both")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_dedupe_scaling(results: dict, path: Path) -> None:
    """This project's wall time and peak RSS against the number of documents."""
    points = []
    for tier in _tiers(results):
        e = results["tiers"][tier].get("dedupe")
        n = results.get("dumps", {}).get(tier, {}).get("n_docs")
        if e and e.get("wall_s") is not None and n:
            points.append((n, e["wall_s"], e["peak_rss_mb"], tier))
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    if points:
        ns, walls, rss, names = zip(*points)
        left.plot(ns, walls, "o-")
        right.plot(ns, rss, "o-", color="tab:orange")
        for ax, ys in ((left, walls), (right, rss)):
            for n, y, name in zip(ns, ys, names):
                ax.annotate(name, (n, y), textcoords="offset points", xytext=(4, 4), fontsize=8)
            ax.set_xscale("log")
            ax.set_yscale("log")
            ax.grid(alpha=0.3, which="both")
            ax.set_xlabel("documents")
    left.set_ylabel("wall time (s)")
    left.set_title("dedupe: time against N")
    right.set_ylabel("peak RSS (MB)")
    right.set_title("dedupe: peak memory against N")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write_plots(results: dict, out: Path) -> list[Path]:
    """All three plots into ``out``; returns their paths."""
    paths = [out / "quality.png", out / "throughput.png", out / "dedupe_scaling.png"]
    plot_quality(results, paths[0])
    plot_throughput(results, paths[1])
    plot_dedupe_scaling(results, paths[2])
    return paths


if __name__ == "__main__":
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parent / "results")
    for p in write_plots(json.loads((folder / "results.json").read_text()), folder):
        print(p)
