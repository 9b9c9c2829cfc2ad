"""The HTML report: escaped, well formed, spans marked where the report says they are."""
from __future__ import annotations

import os
from html.parser import HTMLParser

import pytest

from dedupe.report.html import dumps, write_html
from dedupe.types import Flag, ScanResult, Span
from test_json import HARBOUR_A, HARBOUR_B, fail_writes_halfway, sample_result

VOID = {"meta", "br", "hr", "img", "input", "link"}


class Page(HTMLParser):
    """Checks that tags nest, and collects each document's shown text and its marked spans."""

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict, list[str]]] = []
        self.problems: list[str] = []
        self.texts: dict[str, str] = {}  # details id -> text shown
        self.marks: list[dict] = []  # inside a document's text: kind, title, text
        self.boilerplate: list[str] = []
        self.feed(page)
        self.close()
        if self.stack:
            self.problems.append(f"unclosed: {[tag for tag, _, _ in self.stack]}")

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.stack.append((tag, dict(attrs), []))

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1][0] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1][0] if self.stack else 'nothing'}")
            return
        _, attrs, chunks = self.stack.pop()
        text = "".join(chunks)
        in_text = any(t == "div" and a.get("class") == "text" for t, a, _ in self.stack)
        if tag == "div" and attrs.get("class") == "text":
            (details_id,) = [a["id"] for t, a, _ in self.stack if t == "details" and "id" in a]
            self.texts[details_id] = text
        elif tag == "mark" and in_text:
            self.marks.append({"kind": attrs.get("data-kind"), "title": attrs.get("title"), "text": text})
        elif tag == "span" and in_text and attrs.get("class") == "boilerplate":
            self.boilerplate.append(text)

    def handle_data(self, data):
        for _, _, chunks in self.stack:
            chunks.append(data)


def test_document_markup_is_escaped_never_live():
    page = dumps(sample_result())
    assert "<script" not in page.lower()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "Leave a comment &amp; subscribe" in page


def test_page_is_well_formed_and_shows_each_text_exactly():
    result = sample_result()
    page = Page(dumps(result))
    assert page.problems == []
    assert page.texts == {f"doc-{i}": doc.text for i, doc in enumerate(result.documents)}


def test_flagged_spans_are_highlighted_with_kind_score_and_reason():
    page = Page(dumps(sample_result()))
    assert page.marks == [
        {
            "kind": "glued",
            "title": "glued (score 0.91): 'port' and 'The' run together without a space",
            "text": "portThe",
        },
        {"kind": "debris", "title": "debris (score 0.97): HTML <script> tag left in the text", "text": '<script>alert("x")</script>'},
    ]
    assert page.boilerplate == ["Share this article:", "Leave a comment & subscribe"]


def test_clusters_similarities_singletons_and_errors_are_on_the_page():
    page = dumps(sample_result())
    assert '<section class="cluster" id="cluster-0">' in page
    assert page.count('class="cluster"') == 1  # the one-member cluster is not a group
    assert '<td class="num">0.8735</td>' in page
    assert page.index('id="doc-0"') < page.index('id="doc-1"')  # canonical first
    assert '<section id="unclustered">' in page and "notes/städte.jsonl#3" in page
    assert "<li><code>broken.json</code>: not valid JSON: Expecting value at line 1, column 9</li>" in page
    assert "&quot;threshold&quot;: 0.1235" in page


def test_overlapping_and_empty_spans_still_nest_and_keep_the_text():
    result = sample_result()
    copy = result.documents[1]
    tail = HARBOUR_B.index("Leave a comment")
    glued = HARBOUR_B.index("portThe")
    copy.boilerplate = [Span(tail, len(HARBOUR_B), HARBOUR_B[tail:])]
    copy.flags = [
        Flag(tail - 5, tail + 5, HARBOUR_B[tail - 5 : tail + 5], "untranslated", 0.6, "straddles the boilerplate edge"),
        Flag(glued, glued + 7, "portThe", "glued", 0.9, "two words run together"),
        Flag(glued + 4, glued + 12, HARBOUR_B[glued + 4 : glued + 12], "improbable", 0.4, "rare word sequence"),
        Flag(5, 5, "", "dropped", 0.7, "a word seems missing here"),
    ]
    page = Page(dumps(result))
    assert page.problems == []
    assert page.texts["doc-1"] == HARBOUR_B
    both = [m for m in page.marks if m["text"] == "The"]
    assert both and "two words run together" in both[0]["title"] and "rare word sequence" in both[0]["title"]
    assert both[0]["kind"] == "glued"  # coloured as the surer flag
    assert {"kind": "dropped", "title": "dropped (score 0.70): a word seems missing here", "text": ""} in page.marks


def test_empty_result_is_a_valid_page():
    page = Page(dumps(ScanResult([], [], [])))
    assert page.problems == [] and page.texts == {}


def test_write_is_atomic_and_leaves_no_temp_file(tmp_path):
    out = tmp_path / "report.html"
    write_html(sample_result(), out)
    assert os.listdir(tmp_path) == ["report.html"]
    assert Page(out.read_text(encoding="utf-8")).texts["doc-0"] == HARBOUR_A


def test_failed_write_keeps_the_old_page_and_no_temp_file(tmp_path, monkeypatch):
    out = tmp_path / "report.html"
    out.write_text("old page", encoding="utf-8")
    fail_writes_halfway(monkeypatch)
    with pytest.raises(OSError, match="No space left"):
        write_html(sample_result(), out)
    assert out.read_text(encoding="utf-8") == "old page"
    assert os.listdir(tmp_path) == ["report.html"]
