"""Build a labelled news dump of N documents from the real corpora, with ground truth by construction.

    python benchmarks/make_dump.py --n 10000 --seed 1 --out /tmp/dump-10k
    python benchmarks/make_dump.py --n 1000000 --seed 1 --out /tmp/dump-1m --format jsonl

Writes ``OUT/docs/<id>.txt`` (``--format files``) or ``OUT/docs.jsonl`` (``{"id", "text"}``
per line, ``--format jsonl``) and ``OUT/labels.json``::

    {"documents": {id: {"cluster", "kind", "source", "lang", "detail"}}, "params": {...}}

Two documents are copies of one story exactly when their ``cluster`` is equal. The copy-kind
mix, how every kind is made and why the labels are honest is in ``benchmarks/README.md``.
Why a script and not a package module: it is benchmark tooling, reads corpora that are never
shipped, and shells out to Apertium.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import numpy as np
import xxhash

if __package__ in (None, "") and str(Path(__file__).resolve().parents[1]) not in sys.path:
    # Run as `python benchmarks/make_dump.py` from a checkout without `pip install -e .`.
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dedupe.errors import ConfigError  # noqa: E402

VERSION = 1
KINDS = ("original", "syndicated", "rewrite", "mt", "roundtrip", "singleton", "distractor")
MIN_BODY_CHARS = 400
# Pool stories this alike are one story told twice (Reuters reruns and updates), not two.
SAME_STORY_JACCARD = 0.4
SAME_STORY_CONTAINMENT = 0.6
# A synthetic filler document taking this share of its 5-grams from one real article is too
# close to call a different story; it is discarded and regenerated.
FILLER_MAX_CONTAINMENT = 0.3
ROUNDTRIP_PIVOTS = {"spa": ("eng-spa", "spa-eng"), "cat": ("eng-cat", "cat-eng")}
APERTIUM_BATCH_DOCS = 120
MARKER = "@@@DOC {:07d}@@@"
MARKER_RE = re.compile(r"@@@DOC (\d{7})@@@")
PARA = "\u00b6"


@dataclass(frozen=True)
class Mix:
    """Share of N per copy kind; ``original`` and ``singleton`` fill the rest.

    >>> Mix(syndicated=0.12).syndicated
    0.12
    """

    syndicated: float = 0.12
    rewrite: float = 0.05
    roundtrip: float = 0.03
    mt: float = 0.10
    distractor: float = 0.03
    copies_per_story: float = 2.0

    def __post_init__(self) -> None:
        shares = {k: getattr(self, k) for k in ("syndicated", "rewrite", "roundtrip", "mt", "distractor")}
        for name, value in shares.items():
            if not 0.0 <= value <= 1.0:
                raise ConfigError(f"mix {name}={value!r} is not a share; use a number in [0, 1], e.g. 0.05")
        if sum(shares.values()) > 0.8:
            raise ConfigError(f"mix shares sum to {sum(shares.values()):.2f}; keep them under 0.8 so originals fit")
        if self.copies_per_story < 1.0:
            raise ConfigError(f"copies_per_story={self.copies_per_story!r}; use at least 1.0")


@dataclass(frozen=True)
class Original:
    """One distinct real article of the base pool (``id`` is the corpus id and its story id)."""

    id: str
    source: str
    title: str
    body: str

    @property
    def text(self) -> str:
        return f"{self.title}\n\n{self.body}" if self.title else self.body


@dataclass
class Plan:
    """What to write, before any text exists: one spec per document, in output order."""

    specs: list[tuple] = field(default_factory=list)
    notes: dict = field(default_factory=dict)


# ---------------------------------------------------------------- corpora


def find_corpora(explicit: str | os.PathLike | None = None) -> Path:
    """The corpora folder: ``explicit``, ``$DEDUPE_CORPORA``, or ``../shared/corpora`` beside the repo.

    >>> find_corpora("/work/shared/corpora")  # doctest: +SKIP
    PosixPath('/work/shared/corpora')
    """
    repo = Path(__file__).resolve().parents[1]
    candidates = [explicit, os.environ.get("DEDUPE_CORPORA"), repo.parent / "shared" / "corpora"]
    for cand in candidates:
        if cand and (Path(cand) / "reuters21578.jsonl.gz").is_file():
            return Path(cand)
    raise ConfigError(
        f"no corpora found (tried {[str(c) for c in candidates if c]}); pass --corpora DIR "
        "pointing at the folder holding reuters21578.jsonl.gz (see ../shared/corpora/README.md)"
    )


def read_jsonl(path: Path) -> Iterator[dict]:
    """Rows of a gzipped JSON Lines corpus file."""
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            yield json.loads(line)


def unwrap_reuters(text: str) -> str:
    """Reuters bodies are wrapped at 65 columns with indented paragraphs and a ``Reuter`` sign-off;
    scraped pages are not, so rejoin lines into paragraphs and drop the sign-off.

    >>> unwrap_reuters("A b\\nc.\\n    D e.\\n Reuter")
    'A b c.\\n\\nD e.'
    """
    text = re.sub(r"\s*Reuter\s*(&#3;)?\s*$", "", text, flags=re.IGNORECASE)
    paras = re.split(r"\n(?=\s)", text)
    return "\n\n".join(" ".join(p.split()) for p in paras if p.strip())


def word_ids(text: str) -> list[str]:
    """Lower-cased word tokens, the unit of the pool's near-duplicate check."""
    return re.findall(r"\w+", text.lower())


def shingle_set(text: str, k: int = 5) -> set[int]:
    """Hashed word k-grams of ``text``: the usual near-duplicate yardstick.

    >>> len(shingle_set("a b c d e f"))
    2
    """
    w = word_ids(text)
    return {xxhash.xxh64_intdigest(" ".join(w[i : i + k]).encode()) for i in range(max(1, len(w) - k + 1))}


def load_pool(corpora: Path, cache_dir: Path) -> tuple[list[Original], dict]:
    """Distinct Reuters and BBC articles of news length, one per story.

    Exact duplicate bodies (Reuters has ~280) and near duplicates (reruns, updates: word 5-gram
    Jaccard >= 0.4 or containment >= 0.6) collapse to their longest member, so that two pool
    articles are always two stories and the labels built on them stay true.
    """
    rows = [(r, unwrap_reuters(r["text"])) for r in read_jsonl(corpora / "reuters21578.jsonl.gz")]
    rows += [(r, r["text"].strip()) for r in read_jsonl(corpora / "bbc.jsonl.gz")]
    stats = Counter()
    pool, seen = [], set()
    for row, body in rows:
        if len(body) < MIN_BODY_CHARS:
            stats["short"] += 1
            continue
        digest = xxhash.xxh64_intdigest(" ".join(body.split()).encode())
        if digest in seen:
            stats["exact_duplicate"] += 1
            continue
        seen.add(digest)
        pool.append(Original(row["id"], row["source"], (row.get("title") or "").strip(), body))
    key = xxhash.xxh64_hexdigest("\0".join([str(VERSION)] + [o.id + o.body for o in pool]).encode())
    cached = cache_dir / f"pool-near-duplicates-{key}.json"
    if cached.is_file():
        drop = set(json.loads(cached.read_text()))
    else:
        drop = near_duplicate_drops(pool)
        cache_dir.mkdir(parents=True, exist_ok=True)
        cached.write_text(json.dumps(sorted(drop)))
    stats["near_duplicate"] = len(drop)
    pool = [o for o in pool if o.id not in drop]
    stats["kept"] = len(pool)
    return pool, dict(stats)


def gram_hashes(tokens: np.ndarray, k: int = 5) -> tuple[np.ndarray, np.ndarray]:
    """Row-wise rolling hash of token-id k-grams, and whether each k-gram avoids a ``-1`` separator.

    >>> h, ok = gram_hashes(np.array([[1, 2, 3, 4, 5, -1, 7]]))
    >>> ok.tolist()
    [[True, False, False]]
    """
    t = tokens.astype(np.uint64)
    width = tokens.shape[1] - k + 1
    h = np.zeros((tokens.shape[0], width), dtype=np.uint64)
    ok = np.ones((tokens.shape[0], width), dtype=bool)
    with np.errstate(over="ignore"):
        for j in range(k):
            h = h * np.uint64(1_000_003) + t[:, j : j + width] + np.uint64(1)
            ok &= tokens[:, j : j + width] >= 0
    return h, ok


def postings(stream: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct (5-gram hash, document) pairs of a ``-1``-separated token stream, sorted by hash."""
    h, ok = gram_hashes(stream[None, :])
    doc = (np.cumsum(stream == -1) - (stream == -1))[: h.shape[1]][ok[0]]
    h = h[0][ok[0]].view(np.int64)
    order = np.lexsort((doc, h))
    h, doc = h[order], doc[order]
    new = np.r_[True, (h[1:] != h[:-1]) | (doc[1:] != doc[:-1])]
    return h[new], doc[new]


def near_duplicate_drops(pool: list[Original], max_df: int = 30) -> set[str]:
    """Ids of pool articles that repeat a longer pool article (see ``load_pool``).

    Candidate pairs come from shared 5-grams seen in at most ``max_df`` articles: boilerplate-like
    5-grams ("said in a statement") would pair everything and prove nothing. Everything is numpy
    sorts because sets and a dict of pairs take ~15 s on the 14k-article pool.
    """
    vocab: dict[str, int] = {}
    stream: list[int] = []
    for o in pool:
        stream.extend(vocab.setdefault(w, len(vocab)) for w in word_ids(o.body))
        stream.append(-1)
    h, d = postings(np.array(stream, dtype=np.int64))
    size = np.bincount(d, minlength=len(pool))
    first = np.flatnonzero(np.r_[True, h[1:] != h[:-1]])
    df = np.diff(np.r_[first, len(h)])
    ok = np.repeat((df >= 2) & (df <= max_df), df)
    end = np.repeat(first + df, df)[ok]
    pos = np.flatnonzero(ok)
    later = end - pos - 1  # partners after each posting within its 5-gram's run
    a = np.repeat(d[pos], later)
    b = d[np.repeat(pos + 1, later) + np.arange(later.sum()) - np.repeat(np.cumsum(later) - later, later)]
    pairs, inter = np.unique(np.minimum(a, b) * len(pool) + np.maximum(a, b), return_counts=True)
    a, b = pairs // len(pool), pairs % len(pool)
    jaccard = inter / (size[a] + size[b] - inter)
    contain = inter / np.minimum(size[a], size[b])
    same = (jaccard >= SAME_STORY_JACCARD) | (contain >= SAME_STORY_CONTAINMENT)
    parent = list(range(len(pool)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for x, y in zip(a[same].tolist(), b[same].tolist()):
        parent[root(x)] = root(y)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(pool)):
        groups[root(i)].append(i)
    drop = set()
    for members in groups.values():
        keep = max(members, key=lambda i: (len(pool[i].body), -i))
        drop.update(pool[i].id for i in members if i != keep)
    return drop


def load_mt_groups(corpora: Path, *, min_median_chars: int = 400) -> list[list[dict]]:
    """WMT stories of news length, each a list of its versions (src, ref-*, hyp-*).

    Groups that share an identical text (one English source reused for several target
    languages) are one story and are merged, keeping each distinct text once. Test-suite
    groups (``tsuite-``, TED talks) are not news and are left out. Only stories whose English
    versions have a median length >= ``min_median_chars`` are kept: shorter ones are single
    sentences, not articles.
    """
    groups: dict[str, list[dict]] = defaultdict(list)
    for row in read_jsonl(corpora / "wmt-news-mt-2021-2022.jsonl.gz"):
        if ":tsuite-" not in row["group"]:  # challenge test suites (TED talks), not news
            groups[row["group"]].append(row)
    keep = {}
    for name, rows in groups.items():
        english = [len(r["text"]) for r in rows if r["lang"] == "en"]
        if english and statistics.median(english) >= min_median_chars:
            keep[name] = rows
    parent = {name: name for name in keep}

    def root(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    owner: dict[int, str] = {}
    for name, rows in keep.items():
        for r in rows:
            h = xxhash.xxh64_intdigest(r["text"].encode())
            if h in owner:
                parent[root(name)] = root(owner[h])
            else:
                owner[h] = name
    merged: dict[str, dict[int, dict]] = defaultdict(dict)
    for name in sorted(keep):
        for r in keep[name]:
            # One text twice (a shared source, two systems agreeing) is one document, not two.
            merged[root(name)].setdefault(xxhash.xxh64_intdigest(r["text"].encode()), r)
    return [list(merged[k].values()) for k in sorted(merged)]


# ---------------------------------------------------------------- names (distractors)

_NAME_RE = re.compile(r"(?<![.!?]\s)(?<!^)\b([A-Z][a-z]+(?:\s+[A-Z][a-z]+)*)")
_NOT_NAMES = set(
    "The A An In On At For And But Or If It Its This That These Those He She They We I You His Her "
    "Their Our Mr Mrs Ms Dr Inc Corp Co Ltd Plc Group Company Bank Government Minister President "
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May "
    "June July August September October November December Reuter Reuters BBC".split()
)


def capitalised_names(text: str) -> set[str]:
    """Capitalised word runs not opening a sentence: a cheap stand-in for the actors of a story.

    >>> sorted(capitalised_names("Shares rose. Analysts at Morgan Stanley said Exxon gained."))
    ['Exxon', 'Morgan Stanley']
    """
    names = set()
    for m in _NAME_RE.finditer(text):
        words = [w for w in m.group(1).split() if w not in _NOT_NAMES]
        if words and len(" ".join(words)) > 3:
            names.add(" ".join(words))
    return names


def distractor_partners(stories: list[Original], candidates: list[Original], budget: int, rng: random.Random):
    """Pairs (story, other) of different articles sharing >= 2 rare actor names.

    Why: same company or person, different event, is the false positive a news deduplicator must
    avoid; the pool holds no near duplicates, so each partner is a different story.
    """
    df = Counter()
    cand_names = [capitalised_names(o.body) for o in candidates]
    for names in cand_names:
        df.update(names)
    index: dict[str, list[int]] = defaultdict(list)
    for i, names in enumerate(cand_names):
        for n in names:
            if 2 <= df[n] <= 50:
                index[n].append(i)
    used, pairs = set(), []
    for story in stories:
        if len(pairs) >= budget:
            break
        hits, names = Counter(), capitalised_names(story.body)
        for n in names:
            for i in index.get(n, ()):
                if i not in used and candidates[i].id != story.id:
                    hits[i] += 1
        best = [i for i, c in hits.items() if c >= 2]
        if best:
            i = rng.choice(sorted(best))
            used.add(i)
            shared = sorted(names & cand_names[i])[:4]
            pairs.append((story, candidates[i], shared))
    return pairs


# ---------------------------------------------------------------- fake sites and copy makers

_SITE_A = ["Daily", "Morning", "Evening", "Global", "Metro", "Valley", "Coastal", "National", "Northern", "Capital"]
_SITE_B = ["Herald", "Ledger", "Gazette", "Courier", "Observer", "Wire", "Post", "Dispatch", "Tribune", "Review"]
_SECTIONS = ["Home", "World", "Business", "Markets", "Politics", "Tech", "Sport", "Opinion", "Video", "Podcasts"]
_HEADER = [
    "Skip to main content",
    "Sign in | Subscribe",
    "Advertisement",
    "Breaking news alerts: get them first in our app",
    "Listen to this article",
    "Share on Facebook | Share on X | Email",
]
_FOOTER = [
    "Copyright (c) {year} {site}. All rights reserved.",
    "Sign up for our morning briefing and never miss a story.",
    "We use cookies to improve your experience. By continuing you accept our cookie policy.",
    "Have a news tip? Contact the {site} newsroom.",
    "Terms of use | Privacy policy | Contact us | Advertise with us",
    "This article was published from a wire feed and has not been edited by {site} staff.",
]
_CITIES = ["LONDON", "NEW YORK", "TOKYO", "WASHINGTON", "FRANKFURT", "PARIS", "HONG KONG", "SYDNEY", "TORONTO"]
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"]


def make_sites(rng: random.Random, count: int = 8) -> list[dict]:
    """``count`` fake news sites, each with its own fixed chrome (so it repeats across its pages).

    >>> len(make_sites(random.Random(1), 3))
    3
    """
    names = rng.sample([f"The {a} {b}" for a in _SITE_A for b in _SITE_B], count)
    sites = []
    for name in names:
        slug = name.lower().replace("the ", "").replace(" ", "")
        sites.append({
            "name": name,
            "domain": f"www.{slug}.{rng.choice(['com', 'co.uk', 'net', 'news'])}",
            "nav": " | ".join(rng.sample(_SECTIONS, 6)),
            "header": rng.sample(_HEADER, 3),
            "footer": [line.format(year=rng.randint(2019, 2025), site=name) for line in rng.sample(_FOOTER, 3)],
            "tracking": rng.choice(["utm", "storyid", "pixel"]),
        })
    return sites


def split_paragraphs(body: str) -> list[str]:
    return [p for p in body.split("\n\n") if p.strip()]


_SENT_RE = re.compile(r"(?<=[.!?])[\"\u201d']?\s+(?=[A-Z\"\u201c])")


def split_sentences(paragraph: str) -> list[str]:
    """Sentences of one paragraph by punctuation; good enough to reorder or drop one."""
    return [s for s in _SENT_RE.split(paragraph) if s.strip()]


def other_headline(rng: random.Random, orig: Original, site: dict) -> str:
    """A different headline for the same story, as a reprinting site writes it."""
    title = orig.title.title() if orig.title.isupper() else orig.title
    lead = split_sentences(split_paragraphs(orig.body)[0])[0].split()
    options = [
        f"{title} | {site['name']}",
        f"UPDATE {rng.randint(1, 3)}-{title}",
        " ".join(lead[: rng.randint(7, 12)]).rstrip(",;:") + "...",
        f"{title} - report",
    ]
    return rng.choice(options) if title else options[2]


def tracking_line(rng: random.Random, site: dict) -> str:
    """A per-page line that no two copies share (ids, query strings)."""
    token = "%016x" % rng.getrandbits(64)
    if site["tracking"] == "utm":
        query = f"utm_source=feed&utm_medium=rss&utm_campaign={token[8:]}"
        return f"Read more: https://{site['domain']}/news/{token[:8]}?{query}"
    if site["tracking"] == "storyid":
        return f"Story ID: {token.upper()} / feed {rng.randint(100, 999)}"
    return f"[img src=https://px.{site['domain']}/t.gif?id={token}]"


def syndicate(rng: random.Random, orig: Original, site: dict, *, related: list[str]) -> tuple[str, str]:
    """A reprint on ``site``: new headline, dateline, chrome top and bottom, one paragraph dropped
    or moved, a tracking line. Returns ``(text, detail)``; the story is unchanged.
    """
    paras = split_paragraphs(orig.body)
    ops = []
    if len(paras) >= 4 and rng.random() < 0.5:
        del paras[rng.randrange(1, len(paras))]
        ops.append("drop-paragraph")
    elif len(paras) >= 3:
        i, j = rng.sample(range(1, len(paras)), 2)
        paras[i], paras[j] = paras[j], paras[i]
        ops.append("move-paragraph")
    day = f"{rng.choice(_MONTHS)} {rng.randint(1, 28)}"
    paras[0] = f"{rng.choice(_CITIES)}, {day} ({site['name'].replace('The ', '')}) - {paras[0]}"
    stamp = f"Published {day}, {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d} GMT"
    top = [site["name"], site["nav"], *site["header"][: rng.randint(1, 3)], other_headline(rng, orig, site), stamp]
    bottom = ["Related stories:", *related, *site["footer"]]
    if rng.random() < 0.5:
        bottom.insert(0, tracking_line(rng, site))
    else:
        paras.insert(rng.randrange(1, len(paras) + 1), tracking_line(rng, site))
        ops.append("tracking-inline")
    return "\n\n".join(top + paras + bottom), f"site={site['domain']};" + ",".join(ops)


_SYNONYMS = {
    "said": "stated", "says": "states", "rose": "climbed", "fell": "dropped", "company": "firm",
    "increase": "rise", "decrease": "decline", "expected": "anticipated", "agreed": "consented",
    "announced": "unveiled", "shares": "stock", "profit": "earnings", "sales": "revenues",
    "big": "large", "bought": "purchased", "told": "informed", "help": "assist", "plan": "scheme",
    "talks": "negotiations", "officials": "authorities", "about": "around", "begin": "start",
    "ended": "finished", "quarter": "three-month period", "rate": "level", "buy": "acquire",
}
_NUMBER_FORMATS = [
    (re.compile(r"(\d) pct\b"), r"\1 percent"),
    (re.compile(r"(\d)%"), r"\1 per cent"),
    (re.compile(r"\bmln\b"), "million"),
    (re.compile(r"\bbln\b"), "billion"),
    (re.compile(r"\bdlrs\b"), "dollars"),
    (re.compile(r"(\d)bn\b"), r"\1 billion"),
    (re.compile(r"(\d)m\b"), r"\1 million"),
    (re.compile(r"(\d),(\d{3})\b"), r"\1\2"),
]


def rewrite(rng: random.Random, orig: Original) -> tuple[str, str]:
    """A light rewrite: sentences reordered and maybe one dropped, a few synonyms, number formats.
    Returns ``(text, detail)``; a rewrite is still the same story.
    """
    paras = [split_sentences(p) for p in split_paragraphs(orig.body)]
    ops = []
    multi = [i for i, p in enumerate(paras) if len(p) >= 2]
    if multi:
        i = rng.choice(multi)
        j = rng.randrange(len(paras[i]) - 1)
        paras[i][j], paras[i][j + 1] = paras[i][j + 1], paras[i][j]
        ops.append("reorder")
    if sum(len(p) for p in paras) >= 5 and rng.random() < 0.6:
        i = rng.choice([i for i, p in enumerate(paras) if len(p) >= 1 and i > 0] or [0])
        if len(paras[i]) > 1 or i > 0:
            del paras[i][rng.randrange(len(paras[i]))]
            ops.append("drop-sentence")
    body = "\n\n".join(" ".join(p) for p in paras if p)
    swaps = sorted(_SYNONYMS.keys() & set(re.findall(r"\w+", body)))
    for word in rng.sample(swaps, min(len(swaps), rng.randint(2, 5))):
        body = re.sub(rf"\b{word}\b", _SYNONYMS[word], body, count=rng.randint(1, 2))
        ops.append(f"syn:{word}")
    for pattern, repl in rng.sample(_NUMBER_FORMATS, 4):
        body, n = pattern.subn(repl, body)
        if n:
            ops.append("numbers")
    title = orig.title.capitalize() if orig.title.isupper() else orig.title
    return (f"{title}\n\n{body}" if title else body), ",".join(dict.fromkeys(ops))


# ---------------------------------------------------------------- Apertium round trips


def apertium_available() -> str | None:
    """None when round trips can run, else the reason (shown in params and on stderr)."""
    if shutil.which("apertium") is None:
        return "apertium not installed (apt-get install -y apertium apertium-eng-spa apertium-eng-cat)"
    modes = subprocess.run(["apertium", "-l"], capture_output=True, text=True).stdout.split()
    missing = [m for pair in ROUNDTRIP_PIVOTS.values() for m in pair if m not in modes]
    if missing:
        return f"apertium modes missing: {missing} (apt-get install -y apertium-eng-spa apertium-eng-cat)"
    return None


def _run_batch(texts: list[str], pivot: str) -> list[str | None]:
    """Round-trip ``texts`` through ``pivot`` in one Apertium pipeline; None where a marker was lost.

    One process per batch because starting Apertium costs ~0.3 s; documents are separated by
    marker lines that Apertium passes through, and each output is taken between its markers.
    """
    there, back = ROUNDTRIP_PIVOTS[pivot]
    payload = "".join(f"{MARKER.format(i)}\n\n{t}\n\n" for i, t in enumerate(texts)) + MARKER.format(len(texts)) + "\n"
    proc = subprocess.run(f"apertium -u {there} | apertium -u {back}", shell=True, input=payload,
                          capture_output=True, text=True, timeout=600)
    parts = MARKER_RE.split(proc.stdout)
    out: list[str | None] = [None] * len(texts)
    for k in range(1, len(parts) - 2, 2):
        i = int(parts[k])
        if i < len(texts) and parts[k + 2] == f"{i + 1:07d}":
            out[i] = "\n\n".join(" ".join(p.split()) for p in parts[k + 1].split("\n\n") if p.strip())
    return out


def round_trips(jobs: list[tuple[str, str]], cache_dir: Path, *, workers: int) -> tuple[dict, dict]:
    """Translate each ``(text, pivot)`` there and back, with an on-disk cache keyed by text hash.

    Returns ``({(hash, pivot): text}, stats)``. A batch whose markers did not survive is retried
    one document at a time so one odd document cannot shift every other's output.
    """
    cache_dir.mkdir(parents=True, exist_ok=True)
    results, stats = {}, Counter()
    for pivot in ROUNDTRIP_PIVOTS:
        path = cache_dir / f"roundtrip-{pivot}.jsonl"
        if path.is_file():
            with path.open(encoding="utf-8") as fh:
                for line in fh:
                    try:
                        row = json.loads(line)
                    except json.JSONDecodeError:
                        continue  # a run killed mid-write leaves half a line; it is simply redone
                    results[row["h"], pivot] = row["text"]
    todo = [(t, p) for t, p in dict.fromkeys(jobs) if (_hash(t), p) not in results]
    stats["cached"] = len(set(jobs)) - len(todo)
    batches = [todo[i : i + APERTIUM_BATCH_DOCS] for i in range(0, len(todo), APERTIUM_BATCH_DOCS)]

    def work(batch):
        pivot_groups = defaultdict(list)
        for t, p in batch:
            pivot_groups[p].append(t)
        done = []
        for p, texts in pivot_groups.items():
            outs = _run_batch(texts, p)
            for t, o in zip(texts, outs):
                if o is None:
                    o = _run_batch([t], p)[0]
                done.append((t, p, o))
        return done

    with ThreadPoolExecutor(max_workers=workers) as pool:
        for done in pool.map(work, batches):
            for t, p, o in done:
                if o is None:
                    stats["failed"] += 1
                    continue
                stats["translated"] += 1
                results[_hash(t), p] = o
                with (cache_dir / f"roundtrip-{p}.jsonl").open("a", encoding="utf-8") as fh:
                    fh.write(json.dumps({"h": _hash(t), "text": o}, ensure_ascii=False) + "\n")
    return results, dict(stats)


def _hash(text: str) -> str:
    return xxhash.xxh64_hexdigest(text.encode())


# ---------------------------------------------------------------- synthetic singletons


class Filler:
    """Distinct news-like singletons for tiers larger than the real pool.

    Each is drawn from an order-2 word Markov chain trained on the pool (so its vocabulary,
    names and numbers look like news) and kept only if at most 30% of its word 5-grams come
    from any one real article: it is a different story from every pool article by measurement,
    not by hope. Generated in vectorised batches; every draw is seeded.

    >>> f = Filler(pool, np.random.default_rng(1))  # doctest: +SKIP
    >>> title, body = next(f)  # doctest: +SKIP
    """

    def __init__(self, pool: list[Original], rng: np.random.Generator, *, batch: int = 8192):
        self.rng, self.batch = rng, batch
        vocab: dict[str, int] = {}
        stream, starts = [], []
        for o in pool:
            starts.append(len(stream))
            stream.extend(vocab.setdefault(w, len(vocab)) for w in o.body.replace("\n\n", f" {PARA} ").split())
            stream.append(-1)
        self.words = np.array(list(vocab), dtype=object)
        self.ends = np.array([w.endswith((".", '."', ".\u201d")) for w in vocab])
        s = np.array(stream, dtype=np.int64)
        v = len(vocab)
        a, b, c = s[:-2], s[1:-1], s[2:]
        pair = np.where((a >= 0) & (b >= 0), a * v + b, -1)
        keys, pid = np.unique(pair, return_inverse=True)
        follow = (pair >= 0) & (c >= 0)
        src, dst = pid[:-1][follow[:-1]], pid[1:][follow[:-1]]
        order = np.argsort(src, kind="stable")
        self.dst = dst[order]
        self.count = np.bincount(src, minlength=len(keys))
        self.offset = np.concatenate([[0], np.cumsum(self.count)[:-1]])
        self.second = np.where(keys >= 0, keys % v, 0)
        self.starts = pid[np.array(starts)]
        self.lengths = np.array([len(o.body.split()) for o in pool])
        self._index_pool(s, len(pool))
        self.rejected = 0
        self._queue: list[tuple[str, str]] = []

    def _index_pool(self, s: np.ndarray, n_docs: int, max_df: int = 20) -> None:
        """Sorted (5-gram hash, article) arrays of the pool, rarer 5-grams only (see class doc)."""
        h, d = postings(s)
        first = np.flatnonzero(np.r_[True, h[1:] != h[:-1]])
        df = np.diff(np.r_[first, len(h)])
        rare = np.repeat(df <= max_df, df)
        self.pool_hash, self.pool_doc = h[rare], d[rare]
        self.n_docs = n_docs

    def __iter__(self) -> "Filler":
        return self

    def __next__(self) -> tuple[str, str]:
        while not self._queue:
            self._queue = self._generate()[::-1]
        return self._queue.pop()

    def _generate(self) -> list[tuple[str, str]]:
        """One batch of accepted documents. Rows of similar length are walked together so short
        documents do not pay for the longest one; the batch is then shuffled back."""
        target = np.sort(self.rng.choice(self.lengths, self.batch))
        out = []
        for chunk in np.array_split(target, max(1, self.batch // 1024)):
            out += self._walk(chunk)
        return [out[i] for i in self.rng.permutation(len(out))]

    def _walk(self, target: np.ndarray) -> list[tuple[str, str]]:
        """Walk the chain for each row to its target length, then on to the next sentence end."""
        rng, b = self.rng, len(target)
        width = int(target.max()) + 80
        state = self.starts[rng.integers(0, len(self.starts), b)]
        toks = np.empty((b, width), dtype=np.int64)
        for t in range(width):
            toks[:, t] = self.second[state]
            n = self.count[state]
            pick = self.offset[state] + (rng.random(b) * np.maximum(n, 1)).astype(np.int64)
            restart = self.starts[rng.integers(0, len(self.starts), b)]
            state = np.where(n == 0, restart, self.dst[np.minimum(pick, len(self.dst) - 1)])
        stop = self.ends[toks] & (np.arange(width)[None, :] >= target[:, None] - 1)
        stop[:, -1] = True
        length = stop.argmax(axis=1) + 1
        keep = self._distinct(toks, length)
        self.rejected += int((~keep).sum())
        out = []
        for i in np.flatnonzero(keep):
            body = " ".join(self.words[toks[i, : length[i]]])
            body = "\n\n".join(p.strip() for p in body.split(PARA) if p.strip())
            first = body.split(". ")[0].split()
            out.append((" ".join(first[:10]).rstrip(",;:"), body))
        return out

    def _distinct(self, toks: np.ndarray, length: np.ndarray) -> np.ndarray:
        """True for generated rows whose largest share of 5-grams from one pool article is small."""
        h, _ = gram_hashes(toks)
        valid = np.arange(h.shape[1])[None, :] < (length[:, None] - 4)
        row = np.broadcast_to(np.arange(h.shape[0])[:, None], h.shape)[valid]
        hv = h[valid].view(np.int64)
        order = np.argsort(hv)  # sorted queries make searchsorted ~10x faster (cache locality)
        hv, row = hv[order], row[order]
        lo = np.searchsorted(self.pool_hash, hv, "left")
        hi = np.searchsorted(self.pool_hash, hv, "right")
        n = hi - lo
        idx = np.repeat(lo - np.concatenate([[0], np.cumsum(n)[:-1]]), n) + np.arange(n.sum())
        key = np.repeat(row, n).astype(np.int64) * self.n_docs + self.pool_doc[idx]
        keys, counts = np.unique(key, return_counts=True)
        best = np.zeros(h.shape[0])
        np.maximum.at(best, keys // self.n_docs, counts)
        return best / np.maximum(valid.sum(axis=1), 1) <= FILLER_MAX_CONTAINMENT


# ---------------------------------------------------------------- plan and write


def plan_dump(n: int, rng: random.Random, pool: list[Original], mt_groups: list[list[dict]], mix: Mix,
              *, roundtrip_ok: bool, max_roundtrip: int) -> Plan:
    """Decide every document (kind, story, what it is made from) before writing any text.

    Spec tuples: ``("original"|"singleton", orig)``, ``("distractor", orig, partner, names)``,
    ``("syndicated"|"rewrite", orig)``, ``("roundtrip", orig, pivot, reprint_no)``,
    ``("mt", story, row)``, ``("filler", k)``. Shuffled so copies are not neighbours.
    """
    plan = Plan()
    pool = pool[:]
    rng.shuffle(pool)
    groups = mt_groups[:]
    rng.shuffle(groups)
    budget, mt_specs = round(mix.mt * n), []
    for rows in groups:
        if len(mt_specs) + len(rows) <= budget:
            mt_specs += [("mt", "wmt:" + rows[0]["group"], r) for r in rows]
    plan.notes["mt_stories"] = len({s[1] for s in mt_specs})

    n_rt = round(mix.roundtrip * n) if roundtrip_ok and max_roundtrip > 0 else 0
    n_syn, n_rew = round(mix.syndicated * n), round(mix.rewrite * n)
    # Cap clustered stories at half the pool so distractors and real singletons remain; larger
    # tiers then give each story more copies rather than inventing stories.
    n_stories = min(max(1, round((n_syn + n_rew + n_rt) / mix.copies_per_story)), len(pool) // 2,
                    max(1, n - len(mt_specs) - n_syn - n_rew - n_rt))
    # Apertium does ~10 news articles/s per pipeline, so distinct translations are capped; further
    # round-trip documents reprint one of them on a fake site (same story, same MT errors).
    n_translations = min(n_rt, len(ROUNDTRIP_PIVOTS) * n_stories, max_roundtrip)
    stories, rest = pool[:n_stories], pool[n_stories:]
    n_copies = n_syn + n_rew + n_rt
    if len(mt_specs) + n_stories + n_copies > n:
        raise ConfigError(f"n={n} is too small for the mix; use n >= {len(mt_specs) + n_stories + n_copies}")
    specs = mt_specs + [("original", o) for o in stories]
    pivots = list(ROUNDTRIP_PIVOTS)
    for k in range(n_rt):
        j = k % max(n_translations, 1)
        pivot = pivots[(j // n_stories + j) % len(pivots)]
        specs.append(("roundtrip", stories[j % n_stories], pivot, k // max(n_translations, 1)))
    copy_kinds = ["syndicated"] * n_syn + ["rewrite"] * n_rew
    rng.shuffle(copy_kinds)
    uncovered = list(range(min(n_rt, n_stories), n_stories))  # stories with no round trip need a copy
    for k, kind in enumerate(copy_kinds):
        specs.append((kind, stories[uncovered[k] if k < len(uncovered) else rng.randrange(n_stories)]))

    room = n - len(specs)
    budget = min(round(mix.distractor * n), room)
    # Name extraction costs ~0.3 ms an article; 20 candidates per wanted distractor is plenty.
    pairs = distractor_partners(stories, rest[: max(2000, 20 * budget)], budget, rng)
    taken = {p.id for _, p, _ in pairs}
    specs += [("distractor", p, s, names) for s, p, names in pairs]
    singles = [o for o in rest if o.id not in taken][: n - len(specs)]
    specs += [("singleton", o) for o in singles]
    specs += [("filler", k) for k in range(n - len(specs))]
    rng.shuffle(specs)
    plan.specs = specs
    plan.notes.update(clustered_stories=n_stories, apertium_translations=n_translations,
                      pool_unused=len(rest) - len(taken) - len(singles))
    return plan


class Writer:
    """Streams documents to ``OUT/docs/<id>.txt`` or ``OUT/docs.jsonl`` and labels to ``labels.json``."""

    def __init__(self, out: Path, fmt: str):
        self.out, self.fmt = out, fmt
        if fmt == "files":
            (out / "docs").mkdir(parents=True, exist_ok=True)
        else:
            self.docs = (out / "docs.jsonl.tmp").open("w", encoding="utf-8")
        self.labels = (out / "labels.json.tmp").open("w", encoding="utf-8")
        self.labels.write('{"documents": {')
        self.count = 0

    def add(self, doc_id: str, text: str, label: dict) -> None:
        if self.fmt == "files":
            (self.out / "docs" / f"{doc_id}.txt").write_text(text + "\n", encoding="utf-8")
        else:
            self.docs.write(json.dumps({"id": doc_id, "text": text}, ensure_ascii=False) + "\n")
        entry = f"\n{json.dumps(doc_id)}: {json.dumps(label, ensure_ascii=False)}"
        self.labels.write(("," if self.count else "") + entry)
        self.count += 1

    def close(self, params: dict) -> None:
        """Finish both files and move them into place, so a killed run leaves no half dump."""
        self.labels.write('\n}, "params": ' + json.dumps(params, indent=1) + "}\n")
        self.labels.close()
        if self.fmt == "jsonl":
            self.docs.close()
            os.replace(self.out / "docs.jsonl.tmp", self.out / "docs.jsonl")
        os.replace(self.out / "labels.json.tmp", self.out / "labels.json")


def build_dump(*, n: int, seed: int, out: str | os.PathLike, fmt: str = "files",
               corpora: str | os.PathLike | None = None, cache_dir: str | os.PathLike | None = None,
               mix: Mix = Mix(), max_roundtrip: int = 3000, workers: int | None = None,
               log=print) -> dict:
    """Build the dump and return its ``params`` (counts per kind, timings, caveats).

    >>> build_dump(n=200, seed=1, out="/tmp/dump-200")["counts"]["original"]  # doctest: +SKIP
    """
    if not isinstance(n, int) or n < 50:
        raise ConfigError(f"n={n!r}; use an integer >= 50 (e.g. 10000)")
    if not isinstance(max_roundtrip, int) or max_roundtrip < 0:
        raise ConfigError(f"max_roundtrip={max_roundtrip!r}; use an integer >= 0 (0 turns Apertium off)")
    if fmt not in ("files", "jsonl"):
        raise ConfigError(f"format={fmt!r}; use 'files' (a folder of .txt) or 'jsonl' (large tiers)")
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise ConfigError(f"out={str(out)!r} is not empty; pass a new or empty folder")
    out.mkdir(parents=True, exist_ok=True)
    corpora = find_corpora(corpora)
    user_cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "dedupe-bench"
    cache = Path(cache_dir) if cache_dir else user_cache
    workers = workers or os.cpu_count() or 1
    timings, t0 = {}, time.perf_counter()

    def lap(name: str) -> None:
        timings[name] = round(time.perf_counter() - t0 - sum(timings.values()), 2)
        log(f"  {name}: {timings[name]:.1f}s")

    pool, pool_stats = load_pool(corpora, cache)
    mt_groups = load_mt_groups(corpora)
    lap("load corpora")
    missing = apertium_available()
    if missing:
        log(f"warning: no round trips: {missing}")
    rng = random.Random(seed)
    plan = plan_dump(n, rng, pool, mt_groups, mix, roundtrip_ok=missing is None, max_roundtrip=max_roundtrip)
    lap("plan")
    rt_jobs = [(s[1].text, s[2]) for s in plan.specs if s[0] == "roundtrip" and s[3] == 0]
    translated, rt_stats = round_trips(rt_jobs, cache / "apertium", workers=workers) if rt_jobs else ({}, {})
    lap("apertium round trips")
    sites = make_sites(random.Random(seed + 1))
    n_filler = sum(1 for s in plan.specs if s[0] == "filler")
    filler = Filler(pool, np.random.default_rng(seed)) if n_filler else None
    titles = [o.title for o in pool if o.title]
    writer, counts = Writer(out, fmt), Counter()
    width = max(7, len(str(n)))
    for k, spec in enumerate(plan.specs):
        doc_rng = random.Random(seed * 1_000_003 + k)
        text, label = render(spec, doc_rng, sites=sites, titles=titles, translated=translated, filler=filler)
        if text is None:  # a round trip Apertium could not do: keep N by writing the original's reprint
            text, detail = syndicate(doc_rng, spec[1], doc_rng.choice(sites), related=doc_rng.sample(titles, 2))
            label = {"cluster": spec[1].id, "kind": "syndicated", "source": spec[1].id, "lang": "en", "detail": detail}
        counts[label["kind"]] += 1
        writer.add(f"doc-{k:0{width}d}", text, label)
    lap("render and write")
    params = {
        "version": VERSION, "n": n, "seed": seed, "format": fmt, "mix": mix.__dict__,
        "max_roundtrip": max_roundtrip, "counts": {k: counts[k] for k in KINDS},
        "stories": len({s for s in _stories(plan.specs)}), "pool": pool_stats,
        "mt_groups_available": len(mt_groups), "plan": plan.notes, "apertium": missing or rt_stats,
        "filler_rejected": filler.rejected if filler else 0,
        "thresholds": {"same_story_jaccard": SAME_STORY_JACCARD, "same_story_containment": SAME_STORY_CONTAINMENT,
                       "filler_max_containment": FILLER_MAX_CONTAINMENT, "min_body_chars": MIN_BODY_CHARS},
        "layout": "docs/<id>.txt" if fmt == "files" else "docs.jsonl",
        "timings_s": timings, "build_s": round(time.perf_counter() - t0, 2),
    }
    writer.close(params)
    return params


def _stories(specs: list[tuple]) -> Iterator[str]:
    for s in specs:
        if s[0] == "mt":
            yield s[1]
        elif s[0] == "filler":
            yield f"f{s[1]}"
        else:
            yield s[1].id


def render(spec: tuple, rng: random.Random, *, sites, titles, translated, filler) -> tuple[str | None, dict]:
    """Text and label of one planned document (see ``plan_dump`` for the spec shapes)."""
    kind = spec[0]
    if kind == "mt":
        row = spec[2]
        kind = "original" if row["variant"] == "src" else "mt"
        return row["text"], {"cluster": spec[1], "kind": kind, "source": row["id"], "lang": row["lang"],
                             "detail": row["variant"]}
    if kind == "filler":
        title, body = next(filler)
        return f"{title}\n\n{body}", {"cluster": f"synthetic-{spec[1]}", "kind": "singleton",
                                      "source": "synthetic:markov2", "lang": "en", "detail": ""}
    orig = spec[1]
    label = {"cluster": orig.id, "kind": kind, "source": orig.id, "lang": "en", "detail": ""}
    if kind in ("original", "singleton"):
        return orig.text, label
    if kind == "distractor":
        label["detail"] = f"shares {', '.join(spec[3])} with {spec[2].id}"
        return orig.text, label
    if kind == "syndicated":
        text, label["detail"] = syndicate(rng, orig, rng.choice(sites), related=rng.sample(titles, 2))
        return text, label
    if kind == "rewrite":
        text, label["detail"] = rewrite(rng, orig)
        return text, label
    label["detail"] = f"apertium eng-{spec[2]}-eng"
    text = translated.get((_hash(orig.text), spec[2]))
    if text is None or spec[3] == 0:
        return text, label
    title, _, body = text.partition("\n\n")
    text, detail = syndicate(rng, Original(orig.id, orig.source, title, body or title), rng.choice(sites),
                             related=rng.sample(titles, 2))
    label["detail"] += f", reprinted: {detail}"
    return text, label


def main(argv: list[str] | None = None) -> int:
    """CLI: build one dump and print what it holds and how long it took."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 epilog="example: python benchmarks/make_dump.py --n 10000 --seed 1 --out /tmp/dump-10k")
    ap.add_argument("--n", type=int, required=True, help="number of documents (10000, 100000, 1000000)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", required=True, help="new or empty output folder")
    ap.add_argument("--format", choices=["files", "jsonl"], default="files",
                    help="files: OUT/docs/<id>.txt; jsonl: OUT/docs.jsonl")
    ap.add_argument("--corpora", help="folder with the corpora (default: ../shared/corpora beside the repo)")
    ap.add_argument("--cache-dir", help="Apertium and pool cache (default: ~/.cache/dedupe-bench)")
    ap.add_argument("--max-roundtrip", type=int, default=3000,
                    help="cap on distinct Apertium translations; more round-trip docs reprint them (default 3000)")
    ap.add_argument("--workers", type=int, help="parallel Apertium pipelines (default: CPU count)")
    for name, default in Mix().__dict__.items():
        ap.add_argument(f"--{name.replace('_', '-')}", type=float, default=default, help=f"mix share (default {default})")
    args = ap.parse_args(argv)
    mix = Mix(**{k: getattr(args, k) for k in Mix().__dict__})
    try:
        params = build_dump(n=args.n, seed=args.seed, out=args.out, fmt=args.format, corpora=args.corpora,
                            cache_dir=args.cache_dir, mix=mix, max_roundtrip=args.max_roundtrip, workers=args.workers,
                            log=lambda msg: print(msg, file=sys.stderr))
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps({"counts": params["counts"], "stories": params["stories"], "build_s": params["build_s"],
                      "timings_s": params["timings_s"], "apertium": params["apertium"]}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
