"""Tests for benchmarks/bench_engines.py: its section of results.md is replaced
on a rerun and the other sections are left as they were; a real run on a tiny
dump finds the Dask results identical to the local ones."""
from __future__ import annotations

import json

import pytest
from bench_modules import load

engines = load("bench_engines", "bench_engines.py")


def report(wall_1: float, wall_2: float) -> dict:
    run = {"wall_s": 10.0, "warm_up_s": 1.0, "stages": {"analyse": 8.0}, "identical": True, "f1": 0.5}
    return {
        "date": "2026-11-23T17:00:00", "command": "python benchmarks/bench_engines.py --dump D", "dump": "D",
        "n_docs": 10, "score": True, "machine": {"cores": 2}, "load_avg_start": 1.0, "load_avg_end": 2.0,
        "runs": {"local": run, "dask, 1 worker": {**run, "wall_s": wall_1, "cluster_start_s": 2.0},
                 "dask, 2 workers": {**run, "wall_s": wall_2, "cluster_start_s": 3.0}},
        "speedup_2_vs_1": wall_1 / wall_2, "speedup_2_vs_local": 10.0 / wall_2,
    }


def test_section_is_appended_then_replaced_and_the_rest_kept(tmp_path):
    results = tmp_path / "results.md"
    results.write_text("# Benchmark results\n\n## 10k\n\nthe 10k table\n")
    engines.write_section(results, engines.render_section(report(12.0, 6.0)))
    engines.write_section(results, engines.render_section(report(12.0, 8.0)))
    text = results.read_text()
    assert text.startswith("# Benchmark results\n\n## 10k\n\nthe 10k table\n")
    assert text.count(engines.SECTION_START) == 1 and text.count("## Engines") == 1
    assert "**1.50x** over 1 Dask worker" in text and "2.00x" not in text

    results.write_text(text + "\n## Later section\n\nkept\n")
    engines.write_section(results, engines.render_section(report(12.0, 4.0)))
    assert results.read_text().endswith("## Later section\n\nkept\n") and "**3.00x**" in results.read_text()


@pytest.mark.dask
@pytest.mark.slow
def test_a_run_on_a_tiny_dump_finds_the_engines_identical(tmp_path):
    pytest.importorskip("distributed", reason='dask.distributed is not installed: pip install "dedupe[dask]"')
    from test_run import write_dump

    dump = write_dump(tmp_path / "dump", stories=6, singletons=8)
    assert engines.main(["--dump", str(dump), "--no-score", "--warm-docs", "5", "--out", str(tmp_path / "out")]) == 0
    saved = json.loads((tmp_path / "out" / "engines.json").read_text())
    assert list(saved["runs"]) == ["local", "dask, 1 worker", "dask, 2 workers"]
    assert all(run["identical"] and run["clusters"] == 6 and run["f1"] == 1.0 for run in saved["runs"].values())
    assert "## Engines" in (tmp_path / "out" / "results.md").read_text()
