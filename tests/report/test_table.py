"""The rich terminal report: what it shows, how it looks at 100 columns and when piped."""
from __future__ import annotations

import io
from collections import Counter

import pytest
from rich.console import Console

from dedupe.errors import ConfigError
from dedupe.report.table import SINGLETON_TABLE_MAX, render
from dedupe.types import BadFile, Document, ScanResult
from test_json import sample_result


def rendered(result: ScanResult, *, width: int = 100, **kwargs) -> str:
    out = io.StringIO()
    render(result, Console(file=out, width=width), **kwargs)
    return out.getvalue()


def line_with(text: str, needle: str) -> str:
    (line,) = [line for line in text.splitlines() if needle in line]
    return line


def test_clusters_show_members_with_similarity_language_score_and_flags():
    text = rendered(sample_result())
    canonical = line_with(text, "wire/harbour.txt")
    copy = line_with(text, "mirror/harbour.html")
    assert canonical.split()[:4] == ["0", "2", "*", "wire/harbour.txt"]  # id, size, canonical mark
    assert "1.000" in canonical and "0.00" in canonical
    assert "*" not in copy
    assert copy.split()[1:4] == ["0.874", "en", "7.12"]
    # The surest flag (debris, 0.97) comes first, on the member's own line; then the next one.
    assert 'debris "<script>' in copy
    assert 'glued "portThe"' in text
    assert text.index("wire/harbour.txt") < text.index("mirror/harbour.html")


def test_unclustered_documents_summary_and_errors_follow_the_clusters():
    text = rendered(sample_result())
    assert "2 documents in no cluster." in text
    assert line_with(text, "notes/städte.jsonl#3").split() == ["notes/städte.jsonl#3", "de", "-"]
    assert "other/rain, italy.txt" in text
    lines = text.splitlines()
    assert lines[-2] == "4 documents, 1 cluster, 1 error"
    assert lines[-1] == "broken.json: not valid JSON: Expecting value at line 1, column 9"


def test_fits_100_columns_and_has_no_colour_codes_when_not_a_terminal():
    result = sample_result()
    result.documents[0].id = "archive/" + "very-long-folder-name/" * 6 + "harbour.txt"
    text = rendered(result)
    assert "\x1b[" not in text
    assert max(len(line) for line in text.splitlines()) <= 100
    # The long path is folded inside its column, not cut: every character is still there.
    assert "very-long-folder-name" in text and "harbour.txt" in text


@pytest.mark.parametrize("width", [72, 80, 90, 100, 120])
def test_narrower_consoles_fold_cells_but_never_crop_them(width):
    result = sample_result()
    result.documents[0].id = "archive/" + "very-long-folder-name/" * 6 + "harbour.txt"

    def ink(text: str) -> Counter:
        return Counter(c for c in text if not c.isspace() and c != "─")

    assert ink(rendered(result, width=width)) == ink(rendered(result, width=400))


def test_a_terminal_console_does_get_colour_codes():
    out = io.StringIO()
    render(sample_result(), Console(file=out, width=100, force_terminal=True, color_system="standard"))
    assert "\x1b[" in out.getvalue()


def test_markup_like_paths_are_printed_literally():
    result = sample_result()
    result.documents[1].id = "[bold]mirror[/bold].txt"
    assert "[bold]mirror[/bold].txt" in rendered(result)


def test_top_flags_limits_and_hides_the_flag_column():
    assert "glued" not in rendered(sample_result(), top_flags=1)
    text = rendered(sample_result(), top_flags=0)
    assert "Top flags" not in text and "debris" not in text
    assert "Top flags" not in rendered(sample_result(), width=60)
    with pytest.raises(ConfigError, match=r"top_flags=-1 .* integer >= 0"):
        rendered(sample_result(), top_flags=-1)


def test_empty_result_and_errors_only_do_not_crash():
    assert rendered(ScanResult([], [], [])).splitlines() == [
        "No documents were read.",
        "0 documents, 0 clusters, 0 errors",
    ]
    text = rendered(ScanResult([], [], [BadFile("a.bin", "binary file, not text")]))
    assert text.splitlines()[-1] == "a.bin: binary file, not text"


def test_many_singletons_are_counted_not_listed():
    docs = [Document(id=f"story-{n:03d}.txt", text=f"Story number {n}.", language="en") for n in range(25)]
    text = rendered(ScanResult(docs, [], []))
    assert "No clusters: no two documents are copies of one story." in text
    assert "story-007.txt" not in text
    assert len(docs) > SINGLETON_TABLE_MAX
    assert "25 documents, 0 clusters, 0 errors" in text
