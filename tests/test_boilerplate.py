"""Tests for dedupe.boilerplate: corpus-learnt site chrome vs. syndicated story text."""
from __future__ import annotations

import gzip
import json
import random
from collections import Counter
from pathlib import Path

import pytest

from dedupe.boilerplate import Boilerplate, LineTable, line_table, strip
from dedupe.errors import ConfigError, DedupeError
from dedupe.types import Span

REPO = Path(__file__).resolve().parents[1]
CORPORA = next((p for p in (Path("/work/shared/corpora"), REPO.parent / "shared" / "corpora") if p.is_dir()), None)
BBC = CORPORA / "bbc.jsonl.gz" if CORPORA else None


def marked(bp: Boilerplate, text: str) -> set[str]:
    return {span.text for span in bp.spans(text)}


# --- the hard part without any corpus: short story lines shared by copies on three sites ---------

SITES = {
    "Lakeside Courier": ["Lakeside Courier - news for the north shore", "Tip us off: desk@lakeside.example",
                         "Comments are moderated before they appear", "Lakeside Courier, 12 Quay Lane"],
    "The Upland Ledger": ["The Upland Ledger", "Menu | Towns | Farming | Weather", "Join the discussion below",
                          "Printed and published in Upland since 1921"],
    "Riverbend Daily": ["RIVERBEND DAILY", "Got a story? Message our newsroom", "What do you think? Tell us",
                        "Riverbend Daily is part of Valley Media Group"],
}
OWN_STORIES = [
    ["A stray alpaca was found grazing in the school playing field on Tuesday.",
     "Staff said the animal was calm and let pupils take photographs."],
    ["The county library will stay open until nine in the evening from next month.",
     "Longer hours were requested by students preparing for exams."],
    ["Two fishing boats collided in thick fog outside the harbour wall.",
     "Nobody was hurt, although one hull will need repairs."],
    ["A bakery on Mill Street has won a regional prize for its rye loaf.",
     "The owners credited a starter culture kept alive for thirty years."],
    ["Volunteers planted four hundred oak saplings along the old railway line.",
     "The trail is expected to reopen to walkers in the spring."],
    ["Council engineers closed the west bridge after cracks appeared in a pier.",
     "Drivers face a detour of about six miles while checks continue."],
    ["The town choir raised enough money to repair the bandstand roof.",
     "Its next concert will be held there in June."],
    ["A rare orchid has flowered in a private garden for the first time in decades.",
     "Botanists from the university asked the owner not to reveal the address."],
    ["Bus fares for pensioners will be frozen for another year, the operator said.",
     "The decision follows a petition signed by more than two thousand residents."],
    ["The swimming pool reopened after a six-month refurbishment.",
     "New changing rooms and a learner pool were added."],
    ["Firefighters rescued a kitten from a drainpipe behind the post office.",
     "The kitten has been named Pipes by the crew."],
    ["A local runner finished third in the national cross-country championship.",
     "She trains on the hills above the reservoir every morning."],
]
SYNDICATED = [
    "Flood warnings were issued for three rivers after a night of heavy rain.",
    "Residents of low-lying streets were advised to move valuables upstairs.",
    "The Environment Agency said levels would peak on Thursday afternoon.",
    "Sandbags are available from the fire station and the leisure centre.",
]


def test_shared_story_lines_survive_while_site_chrome_is_learnt():
    pages, copies = [], []
    for s, lines in enumerate(SITES.values()):
        for story in OWN_STORIES[4 * s: 4 * s + 4]:
            pages.append("\n".join([lines[0], lines[1], *story, lines[2], lines[3]]))
        headline = ["Flood alert for three rivers", "Rivers to peak on Thursday", "Town braces for floods"][s]
        copies.append("\n".join([lines[0], lines[1], headline, *SYNDICATED, lines[2], lines[3]]))
    bp = Boilerplate(use_prior=False).fit(pages + copies)

    for page, site_lines in zip(pages, [lines for lines in SITES.values() for _ in range(4)]):
        assert marked(bp, page) == set(site_lines)
    for copy, site_lines in zip(copies, SITES.values()):
        assert marked(bp, copy) == set(site_lines)
    assert bp.stats_["shared_copy_lines"] == len(SYNDICATED)


def test_truncated_reprint_still_counts_as_a_copy():
    lines = [f"Paragraph {w} of the long report on the harbour dredging plan." for w in
             ("one", "two", "three", "four", "five", "six")]
    full = "\n".join(lines)
    docs = [f"Site {name}\n{full}" for name in ("Alpha", "Beta")] + [f"Site Gamma\n" + "\n".join(lines[:3])]
    bp = Boilerplate(use_prior=False).fit(docs)
    assert all(not bp.spans(doc) for doc in docs)


def test_long_lines_are_never_boilerplate():
    legal = "This material may not be republished without permission. " * 6
    docs = [f"{legal}\nStory about {topic} in the valley." for topic in ("goats", "rain", "trains", "bells")]
    bp = Boilerplate(use_prior=False, max_line_chars=300).fit(docs)
    assert len(legal) > 300
    assert all(not bp.spans(doc) for doc in docs)
    assert marked(Boilerplate(use_prior=False, max_line_chars=400).fit(docs), docs[0]) == {legal}


# --- real articles wrapped in three fake sites' chrome -------------------------------------------

def _load_bbc(limit: int = 400) -> list[dict]:
    """Distinct BBC articles none of whose paragraphs occurs in another article (author bios do)."""
    with gzip.open(BBC, "rt", encoding="utf-8") as fh:
        docs = [json.loads(line) for line in fh]
    paragraphs = Counter(p.strip() for d in {d["text"]: d for d in docs}.values() for p in d["text"].split("\n")
                         if p.strip())
    seen, out = set(), []
    for doc in docs:
        paras = [p.strip() for p in doc["text"].split("\n") if p.strip()]
        if doc["text"] in seen or any(paragraphs[p] > 1 for p in paras) or len(paras) < 4:
            continue
        seen.add(doc["text"])
        out.append({"title": doc["title"].strip(), "paras": paras})
    return out[:limit]


def _sites(teasers: list[str]) -> list[dict]:
    """Three fake sites: header/footer lines, a comment form, a per-page related teaser pair."""
    return [
        {"name": "Northgate Observer",
         "head": ["Northgate Observer", "Home | UK | World | Money | Sport | Culture", "Updated 14:05 GMT"],
         "foot": ["Was this story useful? Tap a star", "Have your say", "Your name (shown publicly)",
                  "Post your response", "3 responses so far", "Also from the Observer:",
                  "Northgate Observer Ltd, 4 Tanner Row, Northgate NG1 7QT",
                  "Registered in England no. 0412345"],
         "truncated": "Full story continues on the Observer app",
         "teasers": teasers[0:8]},
        {"name": "Brightwater Gazette",
         "head": ["THE BRIGHTWATER GAZETTE", "Independent news since 1998", "Listen to this article (4 min)"],
         "foot": ["Send this to a friend", "Discussion", "Sign in to join the conversation", "Reader comments (12)",
                  "Elsewhere in the Gazette", "Gazette House, Dock Road, Brightwater",
                  "Advertise with us | Terms | Privacy", "(c) Brightwater Gazette Media 2005"],
         "truncated": "Subscribers can read the rest of this article",
         "teasers": teasers[8:16]},
        {"name": "Dnevni Pregled",
         "head": ["Dnevni Pregled", "Naslovna | Svet | Ekonomija | Sport", "Vesti iz sveta"],
         "foot": ["Ostavite komentar", "Vaše ime", "Pošalji", "Komentara: 7", "Pratite nas na mrežama",
                  "Najčitanije danas", "Redakcija: Bulevar 21, Beograd", "Preuzimanje sadržaja uz dozvolu redakcije"],
         "truncated": "Nastavak teksta u štampanom izdanju",
         "teasers": teasers[16:24]},
    ]


NUMBERED = {  # chrome template -> the line as one page shows it
    "Updated 14:05 GMT": lambda rng: f"Updated {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d} GMT",
    "3 responses so far": lambda rng: f"{rng.randint(0, 40)} responses so far",
    "Reader comments (12)": lambda rng: f"Reader comments ({rng.randint(0, 99)})",
    "Komentara: 7": lambda rng: f"Komentara: {rng.randint(0, 9)}",
}


def _page(rng: random.Random, site: dict, headline: str, paras: list[str], truncated: bool = False):
    """Return ``(text, chrome_lines, body_lines, numbered_chrome_lines)`` for one page.

    The ``NUMBERED`` chrome lines get a fresh number per page, as counters and
    times do on real pages: each is then unique text that only the prior can see.
    """
    teasers = rng.sample(site["teasers"], 2)
    head = [NUMBERED[line](rng) if line in NUMBERED else line for line in site["head"]]
    foot = [NUMBERED[line](rng) if line in NUMBERED else line for line in site["foot"]]
    numbered = [new for new, old in zip(head + foot, site["head"] + site["foot"]) if old in NUMBERED]
    chrome = head + foot + teasers + ([site["truncated"]] if truncated else [])
    body = [headline, *paras]
    lines = head + [headline, ""] + paras + ([site["truncated"]] if truncated else []) + foot[:5] + teasers + foot[5:]
    return "\n\n".join(lines), chrome, body, numbered


@pytest.fixture(scope="module")
def bbc_corpus():
    if BBC is None or not BBC.exists():
        pytest.skip("needs ../shared/corpora/bbc.jsonl.gz (real BBC articles); corpora folder absent")
    rng = random.Random(7)
    articles = _load_bbc()
    teasers = [a["title"] for a in articles[200:224]]
    sites = _sites(teasers)
    base = articles[:60]
    # Syndicate the articles with the most short paragraphs: those are the lines at risk.
    short = sorted(range(60), key=lambda i: -sum(len(p) <= 300 for p in base[i]["paras"]))[:10]
    pages = []
    for i, article in enumerate(base):
        pages.append(_page(rng, sites[i % 3], article["title"], article["paras"]))
        if i in short:
            for c in range(1, 3 + short.index(i) % 3):  # 3 to 5 copies in all, on rotating sites
                headline = [f"{article['title']} | {sites[(i + c) % 3]['name']}", f"UPDATE: {article['title']}",
                            f"{article['title']} (video)", f"Read: {article['title']}"][c - 1]
                truncated = c == 2
                paras = article["paras"][: max(2, len(article["paras"]) * 2 // 3)] if truncated else article["paras"]
                pages.append(_page(rng, sites[(i + c) % 3], headline, paras, truncated))
    return pages


@pytest.mark.corpora
@pytest.mark.parametrize("use_prior", [False, True])
def test_bbc_sites_chrome_recall_and_body_precision(bbc_corpus, use_prior):
    pages = bbc_corpus
    # Short body lines repeated in >= 3 pages: the candidates a naive frequency count would strip.
    in_pages = Counter(line for _, _, body, _ in pages for line in set(body[1:]) if len(line) <= 300)
    short_shared = sum(n >= 3 for n in in_pages.values())
    assert len(pages) >= 85 and short_shared >= 25

    bp = Boilerplate(use_prior=use_prior).fit(text for text, _, _, _ in pages)
    chrome_hits = chrome_total = body_hits = body_total = 0
    for text, chrome, body, numbered in pages:
        found = marked(bp, text)
        # Without the prior only repeated text can be found: per-page numbered lines are out of reach.
        expected = chrome if use_prior else [line for line in chrome if line not in numbered]
        chrome_total += len(expected)
        chrome_hits += sum(line in found for line in expected)
        body_total += len(body)
        body_hits += sum(line in found for line in body)
    print(f"use_prior={use_prior} stats={bp.stats_} chrome recall={chrome_hits / chrome_total:.3f} "
          f"body lines marked={body_hits}/{body_total}")
    assert chrome_hits / chrome_total >= 0.95
    assert body_hits == 0
    assert bp.stats_["shared_copy_lines"] >= short_shared


# --- tiny corpus: the prior ---------------------------------------------------------------------

TINY = [
    "Ferry strike called off\nUnions accepted the revised offer late on Sunday.\n"
    "The source of the dispute was a change to night rosters.\nLeave a comment\nShare this:",
    "Orchard harvest starts early\nGrowers blamed the warm spring for the early crop.\n"
    "She declined to comment on prices.\n0 Comments\nIzvor: Beta",
    "Museum buys old map\nThe map shows the coastline before the land was drained.\n"
    "Comentarios\nFuente: EFE\nRelated\nJune 4, 2005\n* * *",
]


def test_prior_catches_generic_chrome_in_a_tiny_corpus():
    bp = Boilerplate().fit(TINY)
    assert bp.stats_["frequent_lines"] == 0
    assert marked(bp, TINY[0]) == {"Leave a comment", "Share this:"}
    assert marked(bp, TINY[1]) == {"0 Comments", "Izvor: Beta"}
    assert marked(bp, TINY[2]) == {"Comentarios", "Fuente: EFE", "Related", "June 4, 2005", "* * *"}


def test_prior_off_marks_nothing_in_a_tiny_corpus():
    bp = Boilerplate(use_prior=False).fit(TINY)
    assert all(not bp.spans(text) for text in TINY)


@pytest.mark.parametrize("line", [
    "The source of the dispute was a change to night rosters.",
    "She declined to comment on prices.",
    "Source close to the minister said the plan would be revised before the summer recess.",
    "Comments made by the coach on Friday angered the players.",
    "The final score was 2-1.",
    "Share prices fell 3%.",
])
def test_prior_leaves_sentences_that_merely_mention_chrome_words(line):
    assert not Boilerplate().fit([]).spans(f"Headline\n{line}\nMore text.")


@pytest.mark.parametrize("line", [
    "Kommentare", "Quelle: dpa", "Commentaires (4)", "Yorumlar", "Fonte: Lusa", "Kaynak: AA",
    "Deja un comentario", "Laisser un commentaire", "Ostavite komentar", "Podeli:", "Follow us on Instagram",
    "Posted on March 3, 2019", "Updated 09:41 GMT", "© 2023 Some Media Group", "Advertisement", "Read more »",
    "We use cookies to improve your experience.", "<div class=\"share\">", "Tags: politics, economy",
])
def test_prior_knows_generic_chrome_in_several_languages(line):
    assert [s.text for s in Boilerplate().fit([]).spans(f"Headline\n{line}\nBody.")] == [line]


@pytest.mark.corpora
def test_prior_rarely_fires_on_real_article_text():
    if BBC is None or not BBC.exists():
        pytest.skip("needs ../shared/corpora/bbc.jsonl.gz (real BBC articles); corpora folder absent")
    bp = Boilerplate().fit([])
    with gzip.open(BBC, "rt", encoding="utf-8") as fh:
        texts = [json.loads(line)["text"] for line in fh]
    lines = sum(1 for text in texts for line in text.splitlines() if line.strip())
    hits = [span.text for text in texts for span in bp.spans(text)]
    print(f"prior marks {len(hits)}/{lines} BBC lines: {Counter(hits).most_common(8)}")
    assert len(hits) / lines < 0.002


# --- offsets and strip ------------------------------------------------------------------------

def test_offsets_round_trip_and_strip_keeps_length():
    text = "  Straße closed  \r\nLeave a Reply\r\n\r\nBody line stays.\n\t0 Comments\t\nSHARE THIS:"
    bp = Boilerplate().fit([text])
    spans = bp.spans(text)
    assert [s.text for s in spans] == ["Leave a Reply", "\t0 Comments\t", "SHARE THIS:"]
    for span in spans:
        assert text[span.start:span.end] == span.text
        assert "\n" not in span.text and "\r" not in span.text
    stripped = strip(text, spans)
    assert len(stripped) == len(text)
    assert [i for i, c in enumerate(stripped) if c in "\r\n"] == [i for i, c in enumerate(text) if c in "\r\n"]
    assert "Leave" not in stripped and "Comments" not in stripped and "Body line stays." in stripped
    assert stripped.splitlines()[0] == "  Straße closed  "


def test_strip_without_spans_is_identity_and_overlaps_are_harmless():
    assert strip("a\nb", []) == "a\nb"
    assert strip("ab\ncd", [Span(3, 5, "cd")]) == "ab\n  "
    assert strip("abc\r\ndef", [Span(4, 9, "\ndef"), Span(0, 5, "abc\r\n")]) == "   \r\n   "


# --- parameter validation -----------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, match", [
    ({"min_docs": 1}, r"min_docs=1.*>= 2"),
    ({"min_docs": 0}, r"min_docs=0"),
    ({"min_docs": 2.5}, r"min_docs=2.5.*integer"),
    ({"min_docs": True}, r"min_docs=True"),
    ({"max_line_chars": 0}, r"max_line_chars=0.*positive"),
    ({"max_copy_overlap": 1.5}, r"max_copy_overlap=1.5.*\[0, 1\]"),
    ({"max_copy_overlap": -0.1}, r"max_copy_overlap=-0.1"),
    ({"use_prior": "yes"}, r"use_prior='yes'.*True or False"),
])
def test_bad_parameters_name_value_and_fix(kwargs, match):
    with pytest.raises(ConfigError, match=match):
        Boilerplate(**kwargs)


def test_positional_parameters_are_refused():
    with pytest.raises(TypeError):
        Boilerplate(3)  # type: ignore[misc]


def test_fit_refuses_a_bare_string_and_non_text():
    with pytest.raises(ConfigError, match=r"fit\(\[text\]\)"):
        Boilerplate().fit("one document")
    with pytest.raises(ConfigError, match=r"texts\[1\] is bytes"):
        Boilerplate().fit(["ok", b"raw"])


def test_spans_before_fit_says_what_to_do():
    with pytest.raises(DedupeError, match=r"before fit\(\)"):
        Boilerplate().spans("text")


@pytest.mark.corpora
@pytest.mark.parametrize("use_prior", [False, True])
def test_fit_from_line_tables_is_fit_from_texts(bbc_corpus, use_prior):
    """An index refits from stored line tables: same model, same spans, and
    ``marks`` names exactly the lines the model (not the prior) strips."""
    texts = [text for text, _, _, _ in bbc_corpus]
    from_texts = Boilerplate(use_prior=use_prior).fit(texts)
    tables = [line_table(text) for text in texts]
    from_tables = Boilerplate(use_prior=use_prior).fit_tables(tables)
    assert from_tables.stats_ == from_texts.stats_ and from_texts.stats_["boilerplate_lines"] > 10
    for text, (hashes, _) in zip(texts, tables):
        spans = from_texts.spans(text)
        assert from_tables.spans(text) == spans
        if not use_prior:
            stripped = set(line_table("\n".join(s.text for s in spans))[0].tolist())
            assert set(hashes[from_tables.marks(hashes)].tolist()) == stripped


@pytest.mark.corpora
@pytest.mark.parametrize("use_prior", [False, True])
def test_fit_from_line_table_is_fit_from_texts(bbc_corpus, use_prior):
    """A scan reads each text's lines once (in batches, in worker processes),
    fits on that table and marks it: the same model and spans as ``fit`` and
    ``spans`` on the texts, whatever the batches."""
    texts = [text for text, _, _, _ in bbc_corpus]
    from_texts = Boilerplate(use_prior=use_prior).fit(texts)
    reader = Boilerplate(use_prior=use_prior)
    table = LineTable.concat([reader.read_lines(texts[i : i + 7]) for i in range(0, len(texts), 7)])
    from_table = reader.fit_lines(table)
    assert from_table.stats_ == from_texts.stats_ and from_texts.stats_["boilerplate_lines"] > 10
    assert from_table.spans_of(texts, table) == [from_texts.spans(text) for text in texts]
    assert any(from_table.spans_of(texts, table))


def test_pair_overlaps_of_many_lines_at_once_are_the_pairwise_sums():
    """The flat-array overlaps equal the sums over every pair of sampled documents,
    computed one line and one pair at a time."""
    import numpy as np

    from dedupe.boilerplate import _ELSEWHERE, _SITE_PAGES, _pair_overlaps

    rng = np.random.default_rng(3)
    ptr = np.concatenate(([0], np.cumsum(rng.integers(0, 6, 40))))
    hashes = rng.integers(0, 15, ptr[-1]).astype(np.uint64)  # few distinct lines: many shared
    for d in range(40):  # one slot per distinct line of a document
        hashes[ptr[d]:ptr[d + 1]] = rng.permutation(15)[: ptr[d + 1] - ptr[d]]
    weights = rng.integers(1, 60, ptr[-1]).astype(np.uint16)
    doc_freq = np.bincount(hashes.astype(np.int64), minlength=15)[hashes.astype(np.int64)].astype(np.uint32)
    judged = rng.random(ptr[-1]) < 0.1
    samples = [np.sort(rng.choice(40, rng.integers(1, 8), replace=False)).astype(np.int32) for _ in range(25)]
    line_docs = rng.integers(2, 30, len(samples))
    doc_freq[rng.random(ptr[-1]) < 0.3] = 1000  # some lines far more widespread: site lines
    overlaps = _pair_overlaps(hashes, weights, doc_freq, judged, ptr, hashes.astype(np.int64), 15,
                              samples, line_docs)
    for sample, docs, *got in zip(samples, line_docs, *overlaps):
        slots = [s for d in sample for s in range(ptr[d], ptr[d + 1])]
        seen = Counter(int(hashes[s]) for s in slots)
        held, sites = [], []
        for d in sample:
            mine, site = {}, {}
            for s in range(ptr[d], ptr[d + 1]):
                both = seen[int(hashes[s])] * (docs / len(sample))
                foreign = doc_freq[s] > _ELSEWHERE * both and doc_freq[s] > docs
                if not foreign and not judged[s]:
                    mine[int(hashes[s])] = float(weights[s])
                if foreign and doc_freq[s] > _SITE_PAGES * both:
                    site[int(hashes[s])] = float(weights[s])
            held.append(mine)
            sites.append(site)
        pairs = [(a, b) for a in range(len(held)) for b in range(a + 1, len(held))]
        def shared(x, y):  # a line's weight on each side (the sides can differ), halved
            return (sum(w for h, w in x.items() if h in y) + sum(w for h, w in y.items() if h in x)) / 2

        assert got[0] == sum(shared(held[a], held[b]) for a, b in pairs)
        assert got[1] == sum(min(sum(held[a].values()), sum(held[b].values())) for a, b in pairs)
        with_sites = [(a, b) for a, b in pairs if sites[a] and sites[b]]
        assert got[2] == sum(shared(sites[a], sites[b]) for a, b in with_sites)
        assert got[3] == sum(sum(sites[a].values()) + sum(sites[b].values()) - shared(sites[a], sites[b])
                             for a, b in with_sites)
