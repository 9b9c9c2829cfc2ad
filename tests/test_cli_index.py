"""``dedupe index`` and ``dedupe scan --index`` through the CLI."""
from __future__ import annotations

import json
import shutil

from typer.testing import CliRunner

from dedupe.cli import app

runner = CliRunner()


def test_second_day_joins_the_clusters_of_the_first(seeds_dir, tmp_path):
    day1, day2 = tmp_path / "day1", tmp_path / "day2"
    day1.mkdir()
    day2.mkdir()
    seeds = sorted(seeds_dir.iterdir())
    for path in seeds:
        # 001 and 003 arrive on day one; their copies 002 and 004 on day two.
        shutil.copy(path, (day1 if path.name[:3] in ("000", "001", "003") else day2) / path.name)
    db = tmp_path / "news.db"
    first = runner.invoke(app, ["index", "add", str(day1), "--index", str(db), "--quiet"])
    assert first.exit_code == 0, first.output
    out = tmp_path / "day2.json"
    second = runner.invoke(app, ["scan", str(day2), "--index", str(db), "--json", str(out), "--quiet", "--no-score"])
    assert second.exit_code == 0, second.output
    report = json.loads(out.read_text())
    groups = sorted(sorted(name[:3] for name in c["members"]) for c in report["clusters"])
    assert groups == [["001", "002"], ["003", "004"]]
    stats = json.loads(runner.invoke(app, ["index", "stats", "--index", str(db)]).output)
    assert stats["documents"] == 5 and stats["clusters"] == 2


def test_index_with_other_parameters_is_a_clear_error(seeds_dir, tmp_path):
    db = tmp_path / "news.db"
    assert runner.invoke(app, ["index", "add", str(seeds_dir), "--index", str(db), "--quiet"]).exit_code == 0
    result = runner.invoke(app, ["scan", str(seeds_dir), "--index", str(db), "--bands", "32", "--quiet"])
    assert result.exit_code == 1
    assert "bands" in result.output


def test_remove_and_export(seeds_dir, tmp_path):
    db = tmp_path / "news.db"
    assert runner.invoke(app, ["index", "add", str(seeds_dir), "--index", str(db), "--quiet"]).exit_code == 0
    name = next(p.name for p in seeds_dir.iterdir() if p.name.startswith("002"))
    assert runner.invoke(app, ["index", "remove", name, "--index", str(db)]).exit_code == 0
    out = tmp_path / "all.json"
    assert runner.invoke(app, ["index", "export", "--index", str(db), "--json", str(out), "--quiet"]).exit_code == 0
    report = json.loads(out.read_text())
    assert len(report["documents"]) == 4
    assert sorted(sorted(p[:3] for p in c["members"]) for c in report["clusters"]) == [["003", "004"]]


def test_missing_index_is_a_one_line_error(tmp_path):
    result = runner.invoke(app, ["index", "stats", "--index", str(tmp_path / "none.db")])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
