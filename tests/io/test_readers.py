import gzip
import hashlib
import json
import os
import threading
from pathlib import Path

import pytest

from dedupe.errors import ConfigError
from dedupe.io import readers
from dedupe.io.readers import decode_bytes, extract_html, read_paths, repair_text
from dedupe.types import BadFile, Document

REPO = Path(__file__).resolve().parents[2]
CORPORA = next((p for p in (Path("/work/shared/corpora"), REPO.parent / "shared" / "corpora")
                if p.is_dir()), None)


def read(*paths, **kwargs):
    return list(read_paths(list(paths), **kwargs))


def docs(items):
    return {d.id: d.text for d in items if isinstance(d, Document)}


def bad(items):
    return {b.path: b.error for b in items if isinstance(b, BadFile)}


def test_reads_a_text_file_with_id_and_absolute_source(tmp_path):
    path = tmp_path / "story.txt"
    path.write_text("Rain is due in the valley.\nFarmers are pleased.", encoding="utf-8")
    [doc] = read(tmp_path)
    assert doc == Document(id="story.txt", text="Rain is due in the valley.\nFarmers are pleased.",
                           source=str(path.resolve()))


SAMPLE = "Der \u201eBürgermeister\u201c sagte: Straße – café – naïve – £12 für 5 Brötchen."


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be",
                                      "utf-32", "cp1252"])
def test_decodes_each_encoding(tmp_path, encoding):
    (tmp_path / "a.txt").write_bytes(SAMPLE.encode(encoding))
    assert docs(read(tmp_path)) == {"a.txt": SAMPLE}


def test_decodes_latin1_and_short_cp1252_as_western_text(tmp_path):
    (tmp_path / "latin.txt").write_bytes("Crème brûlée à la française.".encode("latin-1"))
    quoted = "\u201cNo,\u201d he said \u2013 it\u2019s over."
    (tmp_path / "quotes.txt").write_bytes(quoted.encode("cp1252"))
    assert docs(read(tmp_path)) == {"latin.txt": "Crème brûlée à la française.",
                                    "quotes.txt": quoted}


def test_non_western_code_page_is_not_forced_to_cp1252():
    text = "Президент заявил, что переговоры продолжатся на следующей неделе в Москве."
    assert decode_bytes(text.encode("cp1251")) == text


def test_line_endings_become_newlines_and_bom_is_stripped():
    assert decode_bytes(b"\xef\xbb\xbfone\r\ntwo\rthree\n") == "one\ntwo\nthree\n"


def test_repairs_mojibake_and_nothing_else(tmp_path):
    (tmp_path / "bbc.txt").write_text("Profits rose to $1.13bn (Â£600m) â€“ a record.", "utf-8")
    kept = "\u201cCurly\u201d \u2014 \ufb01ne ＡＢＣ e\u0301 &amp; <b>\u2028end"
    (tmp_path / "kept.txt").write_text(kept, encoding="utf-8")
    texts = docs(read(tmp_path))
    assert texts["bbc.txt"] == "Profits rose to $1.13bn (£600m) – a record."
    assert texts["kept.txt"] == kept
    assert repair_text("CafÃ© au lait") == "Café au lait"


@pytest.mark.parametrize("data", [b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20,
                                  bytes(range(1, 32)) * 10, b"\xff\xfe\x00\xd8"])
def test_binary_data_is_refused(data):
    with pytest.raises(ValueError, match="binary file, not text"):
        decode_bytes(data)


PAGE = """<!DOCTYPE html><html><head><title>Site | Story</title><style>p{color:red}</style></head>
<body><header>Site logo Subscribe</header><nav><a>Home</a> <a>World</a></nav>
<aside>Most read: something else entirely, a long sidebar teaser about other news</aside>
<article><header><h1>Bridge  reopens</h1></header>
<p>The old bridge reopened on Tuesday
after two years of repairs.</p><script>track("view")</script>
<div>Traffic was light.<br>Cyclists cheered.</div><form>Sign up</form>
<footer>Share this</footer></article><footer>Copyright</footer>
<noscript>Enable JS</noscript><iframe>ad</iframe></body></html>"""


def test_html_keeps_article_blocks_and_drops_page_furniture():
    assert extract_html(PAGE) == ("Bridge reopens\n\nThe old bridge reopened on Tuesday after two "
                                  "years of repairs.\n\nTraffic was light.\nCyclists cheered.")


@pytest.mark.parametrize("wrapper", ["article", "main"])
def test_html_prefers_the_article_or_main_over_the_rest_of_the_body(wrapper):
    story = "<p>Voters queued from dawn.</p><p>Turnout was the highest in decades.</p>"
    page = (f"<body><div>Related: other stories</div><{wrapper}>{story}</{wrapper}>"
            f"<div><p>Comments (3)</p><p>First!</p></div></body>")
    assert extract_html(page) == "Voters queued from dawn.\n\nTurnout was the highest in decades."


def test_html_listing_page_is_not_reduced_to_one_teaser():
    teaser = "<article><p>Short teaser.</p></article>"
    page = f"<body>{teaser}<div><p>{'Long body text. ' * 20}</p></div></body>"
    assert extract_html(page).startswith("Short teaser.\n\nLong body text.")


def test_html_files_by_extension_and_by_sniffing(tmp_path):
    (tmp_path / "a.html").write_text(PAGE, encoding="utf-8")
    (tmp_path / "b").write_text(PAGE, encoding="utf-8")
    (tmp_path / "c.htm").write_text("<html><nav>menu</nav><script>x</script></html>", "utf-8")
    items = read(tmp_path)
    assert docs(items)["a.html"] == docs(items)["b"] == extract_html(PAGE)
    assert bad(items) == {"c.htm": "no text found in the html"}


def test_json_list_object_and_jsonl_records_and_ids(tmp_path):
    records = [{"id": 7, "text": "First."}, {"url": "http://x/y", "content": "Second."},
               {"body": "Third."}, {"text": None, "body": "Fourth."}]
    (tmp_path / "list.json").write_text(json.dumps(records), encoding="utf-8")
    (tmp_path / "one.json").write_text(json.dumps({"title": "T", "text": "Only."}), "utf-8")
    (tmp_path / "many.jsonl").write_text(
        "\n".join(json.dumps(r, ensure_ascii=True) for r in
                  [{"id": "a", "text": "Alpha Â£5"}, {"text": "Beta\u2028line"}]) + "\n\n"
        + json.dumps({"text": "Gamma"}) + "\n", encoding="utf-8")
    assert docs(read(tmp_path)) == {
        "list.json#7": "First.", "list.json#http://x/y": "Second.", "list.json#3": "Third.",
        "list.json#4": "Fourth.",
        "one.json#1": "Only.",
        "many.jsonl#a": "Alpha £5", "many.jsonl#2": "Beta\u2028line", "many.jsonl#4": "Gamma"}


def test_json_field_options(tmp_path):
    (tmp_path / "r.jsonl").write_text(json.dumps({"id": 1, "key": "k9", "text": "x", "article":
                                                  "Chosen."}) + "\n" + json.dumps({"text": "y"}))
    items = read(tmp_path, text_field="article", id_field="key")
    assert docs(items) == {"r.jsonl#k9": "Chosen."}
    assert bad(items) == {"r.jsonl#2": "no text field (looked for 'article')"}


def test_broken_records_are_reported_and_the_rest_read(tmp_path):
    lines = ['{"text": "ok one"}', '{"text": "unterminated', '[1, 2]', '{"title": "no text"}',
             '{"text": 5}', '{"text": "  "}', '{"text": "ok two"}']
    (tmp_path / "r.jsonl").write_text("\n".join(lines), encoding="utf-8")
    (tmp_path / "s.json").write_text('[{"text": "fine"}, "stray"]', encoding="utf-8")
    items = read(tmp_path)
    assert docs(items) == {"r.jsonl#1": "ok one", "r.jsonl#7": "ok two", "s.json#1": "fine"}
    reasons = bad(items)
    assert reasons["r.jsonl#2"].startswith("invalid json: Unterminated string")
    assert "column 10" in reasons["r.jsonl#2"]
    assert reasons["r.jsonl#3"] == "record is a list, not an object"
    assert reasons["r.jsonl#4"] == "no text field (looked for 'text', 'content', 'body')"
    assert reasons["r.jsonl#5"] == "field 'text' holds a number, not a string"
    assert reasons["r.jsonl#6"] == "field 'text' is empty"
    assert reasons["s.json#2"] == "record is a string, not an object"


def test_wholly_broken_json_is_one_bad_file_with_position(tmp_path):
    (tmp_path / "b.json").write_text('[{"text": "a"},\n {"text": }]', encoding="utf-8")
    (tmp_path / "n.json").write_text("42", encoding="utf-8")
    assert bad(read(tmp_path)) == {
        "b.json": "invalid json: Expecting value at line 2 column 11",
        "n.json": "json holds a number, expected an object or a list"}


def test_hidden_files_and_folders_are_skipped_silently(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "notes.txt").write_text("hidden folder")
    (tmp_path / ".draft.txt").write_text("hidden file")
    (tmp_path / "shown.txt").write_text("shown")
    assert read(tmp_path) == [Document("shown.txt", "shown", str(tmp_path / "shown.txt"))]


def test_ids_are_relative_posix_and_in_sorted_order(tmp_path):
    for rel in ["b/z.txt", "b/a/deep.txt", "a.txt", "c.txt"]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(rel)
    assert [d.id for d in read(tmp_path)] == ["a.txt", "b/a/deep.txt", "b/z.txt", "c.txt"]
    assert [d.id for d in read(tmp_path / "b", tmp_path / "b" / "a" / "deep.txt")] == [
        "a/deep.txt", "z.txt", "deep.txt"]


def snapshot(folder):
    return {p: (hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else None,
                p.lstat().st_mtime_ns) for p in sorted(folder.rglob("*"))}


def test_messy_folder_is_read_to_the_end_and_left_unchanged(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "empty.txt").write_bytes(b"")
    (src / "blank.txt").write_text(" \n\t \n")
    (src / "image.txt").write_bytes(b"GIF89a\x01\x00\x01\x00\x00\xff\x00" * 50)
    (src / "latin.txt").write_bytes("Señor Muñoz ganó el año pasado.".encode("latin-1"))
    (src / "wide.txt").write_bytes("Zürich votes today.".encode("utf-16"))
    (src / "broken.json").write_text('{"text": "a"', encoding="utf-8")
    (src / "gone.txt").symlink_to(src / "missing.txt")
    os.mkfifo(src / "pipe.txt")
    (src / "ok.txt").write_text("Fine text.")
    before = snapshot(src)

    result = []
    reader = threading.Thread(target=lambda: result.extend(read_paths([src])), daemon=True)
    reader.start()
    reader.join(timeout=10)
    assert not reader.is_alive(), "reading blocked (on the FIFO?)"

    assert docs(result) == {"latin.txt": "Señor Muñoz ganó el año pasado.",
                            "ok.txt": "Fine text.", "wide.txt": "Zürich votes today."}
    assert bad(result) == {
        "blank.txt": "only whitespace, no text", "broken.json":
        "invalid json: Expecting ',' delimiter at line 1 column 13",
        "empty.txt": "empty file", "gone.txt": "broken symlink, its target does not exist",
        "image.txt": "binary file, not text", "pipe.txt": "not a regular file (a fifo)"}
    assert all("\n" not in b.error and b.error[0].islower() for b in result
               if isinstance(b, BadFile))
    assert snapshot(src) == before


def test_missing_argument_and_permission_error(tmp_path, monkeypatch):
    (tmp_path / "locked.txt").write_text("secret")
    (tmp_path / "open.txt").write_text("public")
    real_open = os.open

    def guarded_open(path, flags, *args, **kwargs):
        if str(path).endswith("locked.txt"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(readers.os, "open", guarded_open)
    items = read(tmp_path / "nope", tmp_path)
    assert bad(items) == {str(tmp_path / "nope"): "no such file or directory",
                          "locked.txt": "permission denied"}
    assert docs(items) == {"open.txt": "public"}


def test_files_over_max_bytes_are_refused(tmp_path):
    (tmp_path / "big.txt").write_text("x" * 101)
    (tmp_path / "small.txt").write_text("x" * 100)
    items = read(tmp_path, max_bytes=100)
    assert bad(items) == {"big.txt": "101 bytes, over the --max-bytes limit of 100"}
    assert list(docs(items)) == ["small.txt"]


def test_symlinked_folder_loop_is_read_once(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.txt").write_text("once")
    (tmp_path / "sub" / "loop").symlink_to(tmp_path, target_is_directory=True)
    items = read(tmp_path)
    assert docs(items) == {"sub/a.txt": "once"}
    assert bad(items) == {"sub/loop": "folder already read through a symlink, skipped"}


@pytest.mark.parametrize("kwargs, match", [
    ({"paths": "folder"}, "got the single path 'folder'; pass \\['folder'\\]"),
    ({"paths": ["f"], "max_bytes": 0}, "max_bytes must be a positive number of bytes, got 0"),
    ({"paths": ["f"], "text_field": ""}, "text_field must be a field name or None, got ''"),
])
def test_bad_parameters_fail_at_the_call(kwargs, match):
    with pytest.raises(ConfigError, match=match):
        read_paths(**kwargs)


def test_seed_articles_read_exactly():
    seeds = REPO / "seeds"
    items = read(seeds)
    assert all(isinstance(d, Document) for d in items) and len(items) == 5
    for doc in items:
        assert doc.text == (seeds / doc.id).read_text(encoding="utf-8")
        assert doc.source == str(seeds / doc.id)


@pytest.mark.corpora
@pytest.mark.skipif(CORPORA is None, reason="needs ../shared/corpora (absent)")
def test_bbc_corpus_mojibake_is_repaired(tmp_path):
    with gzip.open(CORPORA / "bbc.jsonl.gz", "rt", encoding="utf-8") as fh:
        lines = [line for line in fh if "Â£" in line][:50]
    (tmp_path / "bbc.jsonl").write_text("".join(lines), encoding="utf-8")
    items = read(tmp_path)
    assert len(items) == len(lines) > 10
    assert all("Â" not in d.text and "£" in d.text for d in items)
