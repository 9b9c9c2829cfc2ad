"""The dedupe command end to end: seeds acceptance, bad input, exit codes, help."""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dedupe.cli import app

runner = CliRunner()


def snapshot(folder: Path) -> dict[str, tuple[str, int]]:
    """Content hash and mtime of every entry, to prove the input is untouched."""
    out = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink():
            out[str(path)] = (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns)
        else:
            out[str(path)] = ("link" if path.is_symlink() else "dir", 0)
    return out


def test_seeds_give_the_two_translated_stories(seeds_dir, tmp_path):
    out = tmp_path / "out.json"
    before = snapshot(seeds_dir)
    result = runner.invoke(app, ["scan", str(seeds_dir), "--json", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    report = json.loads(out.read_text())
    assert report["schema"] == "dedupe.report/1"
    groups = sorted(sorted(p[:3] for p in c["members"]) for c in report["clusters"])
    assert groups == [["001", "002"], ["003", "004"]]
    canonical = {c["canonical"][:3] for c in report["clusters"]}
    assert "001" in canonical
    lone = [d for d in report["documents"] if d["path"].startswith("000")]
    assert lone[0]["cluster"] is None and lone[0]["canonical"] is False
    texts = {p.name: p.read_text(encoding="utf-8") for p in seeds_dir.iterdir()}
    for doc in report["documents"]:
        for span in doc["boilerplate"] + doc["flags"]:
            assert texts[doc["path"]][span["start"] : span["end"]] == span["text"]
    assert report["params"]["num_perm"] == 128
    assert snapshot(seeds_dir) == before


def make_bad_folder(folder: Path, good_texts: list[str]) -> None:
    folder.mkdir()
    for i, text in enumerate(good_texts):
        (folder / f"good{i}.txt").write_text(text, encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (folder / "latin1.txt").write_bytes("Le café de la gare a fermé ses portes à Montréal.".encode("latin-1"))
    (folder / "utf16.txt").write_bytes("Die Regierung hat das Gesetz am Montag verabschiedet.".encode("utf-16"))
    (folder / "broken.json").write_text('{"text": "unfinished', encoding="utf-8")
    os.symlink(folder / "missing-target.txt", folder / "dangling.txt")


GOOD = [
    "The harbour authority said on Monday that the new container terminal in Valparaiso will open in March, "
    "doubling the port's capacity. Minister Elena Ruiz called the project a turning point for exporters.",
    "Valparaiso's new container terminal opens in March and doubles the port's capacity, the harbour authority "
    "announced on Monday. Minister Elena Ruiz described it as a turning point for exporters.",
    "A late frost destroyed much of the apricot harvest in the Wachau valley, growers said, the worst loss since 1997.",
]


def test_bad_inputs_are_listed_and_the_scan_goes_on(tmp_path):
    folder = tmp_path / "in"
    make_bad_folder(folder, GOOD)
    before = snapshot(folder)
    out = tmp_path / "report.json"
    result = runner.invoke(app, ["scan", str(folder), "--json", str(out), "--quiet", "--no-score"])
    assert result.exit_code == 0, result.output
    report = json.loads(out.read_text())
    errors = {e["path"]: e["error"] for e in report["errors"]}
    assert set(errors) == {"empty.txt", "binary.txt", "broken.json", "dangling.txt"}
    assert all(reason and "\n" not in reason for reason in errors.values())
    read = {d["path"] for d in report["documents"]}
    assert {"latin1.txt", "utf16.txt", "good0.txt", "good1.txt", "good2.txt"} <= read
    assert [sorted(c["members"]) for c in report["clusters"]] == [["good0.txt", "good1.txt"]]
    assert snapshot(folder) == before
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_strict_makes_unreadable_input_an_error(tmp_path):
    folder = tmp_path / "in"
    make_bad_folder(folder, GOOD)
    result = runner.invoke(app, ["scan", str(folder), "--strict", "--quiet", "--no-score"])
    assert result.exit_code == 1
    assert "could not be read" in result.output


def test_nothing_readable_exits_1(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    result = runner.invoke(app, ["scan", str(tmp_path), "--quiet"])
    assert result.exit_code == 1
    assert "nothing could be read" in result.output


@pytest.mark.parametrize(
    "args, message",
    [
        (["--bands", "100", "--rows", "2"], "bands x rows"),
        (["--threshold", "1.5"], "threshold"),
        (["--shingle", "letters"], "shingle kind"),
    ],
)
def test_bad_parameters_exit_2_with_the_fix(seeds_dir, args, message):
    result = runner.invoke(app, ["scan", str(seeds_dir), *args])
    assert result.exit_code == 2
    assert message in result.output


def test_unknown_option_is_a_usage_error(seeds_dir):
    assert runner.invoke(app, ["scan", str(seeds_dir), "--no-such-option"]).exit_code == 2


def test_csv_and_html_reports_are_written(seeds_dir, tmp_path):
    result = runner.invoke(
        app, ["scan", str(seeds_dir), "--csv", str(tmp_path / "r.csv"), "--html", str(tmp_path / "r.html"), "--quiet", "--no-score"]
    )
    assert result.exit_code == 0, result.output
    assert len((tmp_path / "r.csv").read_text().splitlines()) == 6
    assert "<html" in (tmp_path / "r.html").read_text().lower()


def test_table_is_printed_without_progress_when_piped(seeds_dir):
    result = runner.invoke(app, ["scan", str(seeds_dir), "--no-score"])
    assert result.exit_code == 0
    assert "2 clusters" in result.output
    assert "\x1b[" not in result.output


@pytest.mark.parametrize("command", ["scan", "check"])
def test_every_command_has_help_with_examples(command):
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert "Examples" in result.output and "--json" in result.output


def test_readme_documents_every_command():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    for command in ("dedupe scan", "dedupe check", "dedupe index add", "dedupe index stats", "dedupe index export", "dedupe index remove"):
        assert command in readme


def test_readme_documents_every_scan_option():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    help_text = runner.invoke(app, ["scan", "--help"], terminal_width=200).output
    options = {word.rstrip(",.") for word in help_text.split() if word.startswith("--") and len(word) > 3}
    missing = sorted(o for o in options if o not in readme and o != "--help")
    assert not missing, f"README lacks {missing}"


def test_check_flags_spans_in_context_and_writes_json(tmp_path):
    doc = tmp_path / "copy.txt"
    doc.write_text(
        "The council voted on Tuesday to close the old bridge.\n\n"
        "Engineers said the the structure was no longer safe for heavy traffic.\n",
        encoding="utf-8",
    )
    out = tmp_path / "check.json"
    result = runner.invoke(app, ["check", str(doc), "--json", str(out)])
    assert result.exit_code == 0, result.output
    assert "duplicated" in result.output and "copy.txt" in result.output
    report = json.loads(out.read_text())
    flags = report["documents"][0]["flags"]
    text = doc.read_text(encoding="utf-8")
    assert any(f["kind"] == "duplicated" for f in flags)
    assert all(text[f["start"] : f["end"]] == f["text"] for f in flags)


def test_check_min_score_filters_flags(tmp_path):
    doc = tmp_path / "copy.txt"
    doc.write_text("Engineers said the the structure was no longer safe.\n", encoding="utf-8")
    loose = runner.invoke(app, ["check", str(doc), "--min-score", "0.1", "--json", str(tmp_path / "a.json")])
    strict = runner.invoke(app, ["check", str(doc), "--min-score", "1.0", "--json", str(tmp_path / "b.json")])
    assert loose.exit_code == strict.exit_code == 0
    n_loose = len(json.loads((tmp_path / "a.json").read_text())["documents"][0]["flags"])
    n_strict = len(json.loads((tmp_path / "b.json").read_text())["documents"][0]["flags"])
    assert n_loose >= 1 and n_strict <= n_loose


def test_check_against_a_missing_reference_is_one_line_error(tmp_path):
    doc = tmp_path / "copy.txt"
    doc.write_text("A short story about a bridge.\n", encoding="utf-8")
    result = runner.invoke(app, ["check", str(doc), "--against", str(tmp_path / "nope.txt")])
    assert result.exit_code == 1
    assert "nope.txt" in result.output and "Traceback" not in result.output


def test_engine_options_are_checked(seeds_dir):
    assert runner.invoke(app, ["scan", str(seeds_dir), "--engine", "spark"]).exit_code == 2
    assert runner.invoke(app, ["scan", str(seeds_dir), "--dask-workers", "2"]).exit_code == 2
    result = runner.invoke(app, ["scan", str(seeds_dir), "--engine", "dask", "--index", "x.db"])
    assert result.exit_code == 2 and "local engine" in result.output
