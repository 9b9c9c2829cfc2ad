"""Find site chrome (lines repeated across pages of one site) and blank it before hashing.

Boilerplate is learnt from the scanned corpus itself: a short line that occurs in
many documents is chrome ("Leave a Reply", "Share post:", a related-article
teaser, an address block) *unless* the documents that contain it are copies of
one story. Syndicated reprints repeat whole paragraphs verbatim; stripping those
would hide exactly the overlap the later stages must find. A small prior of
generic web-chrome patterns covers corpora too small for counting.

>>> stories = ["Rain closed the coast road.", "The mayor opened a library.", "Bees swarmed a bus stop."]
>>> pages = [f"Harbour Times\\n{story}\\nLeave a Reply" for story in stories]
>>> bp = Boilerplate().fit(pages)
>>> [s.text for s in bp.spans(pages[0])]
['Harbour Times', 'Leave a Reply']
>>> strip("ab\\ncd", [Span(0, 2, "ab")])
'  \\ncd'
"""
from __future__ import annotations

import re
from array import array
from collections.abc import Iterable, Sequence
from typing import NamedTuple

import numpy as np
import xxhash

from dedupe.errors import ConfigError, DedupeError
from dedupe.normalise import fold, normalise
from dedupe.types import Span

__all__ = ["Boilerplate", "LineTable", "line_table", "strip", "PRIOR_PATTERNS"]

# Documents sampled per frequent line to judge whether they are copies of one
# story: enough for a stable mean, small enough to keep fit linear in corpus size.
_SAMPLE_DOCS = 20
# A line of a sampled document is "foreign" (chrome from elsewhere, ignored when
# measuring overlap) when it is in more documents than the line under test and
# fewer than 1/_ELSEWHERE of them also hold that line.
_ELSEWHERE = 2.0
# A foreign line that is this many times more widespread than its documents
# that hold the line under test is a site's chrome around one of its many
# pages: the line under test is rare on that site, as a story is.
_SITE_PAGES = 20.0
# Documents whose site lines are mostly the same ones (pooled Jaccard above
# this) are pages of one site: what they share besides is that site's chrome.
_SAME_SITE = 0.5
_LINE = re.compile(r"[^\r\n]+")
_NOT_BREAK = re.compile(r"[^\r\n]")
# A space in line keys: lines were once joined by it to be normalised together,
# and the line hashes an index stores must not change.
_SEP = "\ue000"
_WEIGHT_CAP = np.iinfo(np.uint16).max
# Judging runs in rounds, each ignoring the boilerplate found so far. The first
# rounds accept only clearly low overlap (these fractions of max_copy_overlap);
# later rounds use the full threshold until nothing changes, capped so that fit
# stays linear in corpus size.
_SCHEDULE = (0.25, 0.5, 0.75, 1.0)
_MAX_ROUNDS = 8

_COMMENT = (
    r"comments?|replies|reply|responses?|komentar[aie]?|comentarios?|comentários?|coment[aá]rio"
    r"|kommentare?|commentaires?|yorum(?:lar)?"
)
_MONTH = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_WEEKDAY = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"
_CLOCK = r"\d{1,2}[:.]\d{2}(?:\s*[ap]m)?(?:\s*(?:utc|gmt|cet|est))?"
_TIME = rf"(?:,?\s*(?:at\s*)?{_CLOCK})?"
# A date needs a month name or a d/d/d form, so a score line like "2-1" is not one.
_DATE = (
    rf"(?:{_WEEKDAY},?\s*)?(?:\d+(?:st|nd|rd|th)?\.?\s*(?:{_MONTH})\.?,?\s*\d*"
    rf"|(?:{_MONTH})\.?\s*\d+(?:st|nd|rd|th)?,?\s*\d*|\d+[./-]\d+[./-]\d+){_TIME}"
)

# Generic web chrome, matched against the whole normalised line (case-folded,
# spaces collapsed), so a sentence that merely contains "source" or "comment" never
# matches. English plus the commonest words in a few other languages.
PRIOR_PATTERNS: tuple[tuple[str, str], ...] = (
    # comment forms and counters: "Leave a Reply", "0 Comments", "Komentari (3)"
    ("comment form", rf"(?:leave|post|add|write|submit|cancel|ostavite|ostavi|napišite|deja|deje|deixe"
                     rf"|laisser|laissez|hinterlasse|schreibe)(?: (?:a|an|your|un|um|uma|einen|ihren|vaš))?"
                     rf" (?:{_COMMENT})(?: to .{{0,80}})?[.!:]*"),
    ("comment count", rf"(?:\d+ )?(?:reader |user )?(?:{_COMMENT})(?: so far)?(?: ?\(\d+\)|: ?\d+)?:?"),
    ("comment fields", r"(?:please )?enter your (?:comment|name|e-?mail(?: address)?|website)(?: here)?[.!:]*"
                       r"|(?:name|e-?mail|website|comment)\s*\*?:?\s*\*?"
                       r"|save my name,? e-?mail,? and website in this browser.{0,60}"),
    ("required notice", r"(?:your )?e-?mail(?: address)? will not be published\.?"
                        r"(?: required fields are marked ?\*?\.?)?|required fields are marked ?\*?\.?"),
    # share / subscribe / follow buttons: "Share post:", "Follow us on Twitter"
    ("share", r"(?:share|share this|share post|share article|share on \w+|tweet|pin it|e-?mail|print|subscribe"
              r"|follow us(?: on \w+)?|like this|podeli|podijeli|compartir|compartilhar|teilen|partager|paylaş)"
              r"(?: this| post| article| story| via \w+)?\s*:?"),
    ("newsletter", r"(?:sign up|subscribe) (?:to|for) (?:our|the) newsletter.{0,80}"),
    # credit lines: "Source link", "Source: AFP", "Izvor: Beta"
    ("source credit", r"(?:source|sources|source link|izvor|fuente|fonte|quelle|kaynak|photo|foto|image)"
                      r"(?:\s*:\s*.{0,60})?"),
    # related-article headers: "Related", "More like this", "Check also"
    ("related header", r"(?:related(?: articles| posts| stories| news)?|popular(?: posts| articles| now)?"
                       r"|most (?:read|popular|viewed)|more like this|see also|check also|read also|also read"
                       r"|you (?:may|might) also like|recommended(?: for you)?|trending(?: now)?"
                       r"|latest(?: news| posts)?"
                       r"|more (?:news|stories)|povezane vesti|povezane vijesti|pročitajte još|noticias relacionadas"
                       r"|relacionad[oa]s|notícias relacionadas|verwandte artikel|ähnliche artikel|à lire aussi"
                       r"|articles similaires|ilgili haberler|benzer haberler)[.:!…]*"),
    ("read more", r"(?:read more|continue reading|read full (?:article|story)|click here to read more|opširnije"
                  r"|pročitaj(?:te)? više|leer más|leia mais|weiterlesen|lire la suite|devamını oku)\W*"),
    ("author box", r"(?:about|posted by|written by|by) (?:the )?(?:admin|author|editor|editorial (?:team|staff))"),
    ("tags", r"(?:tags?|filed under)\s*:.{0,100}"),
    ("cookie notice", r"(?:(?:this|our) (?:web)?site uses cookies|we use cookies).{0,200}"
                      r"|(?:accept|accept all|reject all|decline)(?: cookies)?"),
    ("advertisement", r"advertisement|advertising|sponsored(?: content)?|reklama|publicidad|publicidade|anzeige"
                      r"|publicité|reklam"),
    ("copyright", r"(?:©|\(c\)|copyright)\s.{0,150}|all rights reserved\.?"),
    # bare dates and date labels: "Date:", "Posted on May 4, 2021", "Updated 14:05 GMT"
    ("date", rf"(?:(?:creation |publication |last )?(?:date|published|posted|updated|datum|fecha|tarih)"
             rf"(?: on| at)?\s*:?\s*(?:{_DATE}|{_CLOCK})?)|{_DATE}"),
    ("punctuation only", r"[\W_]+"),
    # leftover markup from HTML extraction: class="ad-slot"> or <div>
    ("markup debris", r"<?/?[a-z][\w:-]*\s*=\s*[\"'][^\"']*[\"']\s*/?>?"
                      r"|</?[a-z][a-z0-9]{0,9}(?:\s+[\w:-]+\s*=\s*[\"'][^\"']*[\"'])*\s*/?>"),
)
_PRIOR = re.compile("|".join(f"(?:{pattern})" for _, pattern in PRIOR_PATTERNS))


def line_key(line: str) -> str:
    """Identity of a line for counting: case-folded, quotes unified, spaces collapsed.

    Digits are kept: masking them would merge "Shr 38 cts vs 26 cts" with every
    other earnings table line and strip the numbers that tell reports apart.
    Per-page counters ("3 Comments") are left to the prior.

    >>> line_key("  “Leave a  Reply”  ")
    '"leave a reply"'
    """
    return normalise(line.replace(_SEP, " "))


def _lines(text: str) -> list[tuple[int, int, str]]:
    """Return ``(start, end, key)`` for every non-blank line; ``end`` excludes the line break.

    The keys are :func:`line_key`'s, but all lines are folded in one call,
    joined by line breaks: one call per line costs several times more on
    million-page corpora, and a line holds no line break, nor does folding make
    one. (An ASCII page also keeps folding's fast path, which a non-ASCII
    separator would cost it.) White space is then collapsed line by line:
    ``split()`` splits on what ``\\s`` matches.
    """
    matches = list(_LINE.finditer(text))
    folded = fold("\n".join(m.group().replace(_SEP, " ") for m in matches)).split("\n")
    if len(folded) != len(matches):  # folding made a line break after all: go line by line
        keys = [line_key(m.group()) for m in matches]
    else:
        keys = [" ".join(line.split()) for line in folded]
    return [(m.start(), m.end(), key) for m, key in zip(matches, keys) if key]


def _line_dict(text: str) -> dict[int, int]:
    # One slot per distinct line: a line repeated within a page says nothing about other pages.
    return {_hash(key): min(len(key), _WEIGHT_CAP) for _, _, key in _lines(text)}


def line_table(text: str) -> tuple[np.ndarray, np.ndarray]:
    """What :meth:`Boilerplate.fit` counts of one document: the hash (uint64) and
    length (uint16, capped) of each distinct non-blank line, in text order.

    >>> hashes, weights = line_table("Menu\\n\\nRain fell.\\nMenu")
    >>> len(hashes), weights.tolist()
    (2, [4, 10])
    """
    lines = _line_dict(text)
    return (np.fromiter(lines.keys(), dtype=np.uint64, count=len(lines)),
            np.fromiter(lines.values(), dtype=np.uint16, count=len(lines)))


class LineTable(NamedTuple):
    """Every non-blank line of a batch of texts, end to end: text ``i`` owns rows
    ``ptr[i]:ptr[i + 1]``. What :meth:`Boilerplate.fit_lines` counts and
    :meth:`Boilerplate.spans_of` marks, so a scan normalises each line once (in
    worker processes) instead of once to fit and again to mark. Plain arrays:
    a batch's table costs little to send between processes.
    """

    ptr: np.ndarray  # int64, one more than the texts
    start: np.ndarray  # int64 offsets into the text; ``end`` excludes the line break
    end: np.ndarray
    hash: np.ndarray  # uint64, of the line's key (see line_key)
    length: np.ndarray  # int64, characters of the key
    first: np.ndarray  # bool: the first line of its text with this key
    prior: np.ndarray  # bool: short enough and matching PRIOR_PATTERNS (with use_prior)

    @staticmethod
    def concat(tables: Sequence["LineTable"]) -> "LineTable":
        """One table of the texts of ``tables``, in order."""
        sizes = [len(t.hash) for t in tables]
        offsets = np.concatenate(([0], np.cumsum(sizes)[:-1])).astype(np.int64) if tables else []
        ptr = np.concatenate([[0]] + [t.ptr[1:] + o for t, o in zip(tables, offsets)]).astype(np.int64)
        columns = [np.concatenate([getattr(t, name) for t in tables]) if tables else np.empty(0, dtype)
                   for name, dtype in zip(LineTable._fields[1:], (np.int64, np.int64, np.uint64, np.int64, bool, bool))]
        return LineTable(ptr, *columns)

    def distinct_lines(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(hashes, weights, ptr)`` of each text's distinct lines (weights: key
        lengths, capped as :func:`line_table` caps them): what fitting counts."""
        kept_before = np.concatenate(([0], np.cumsum(self.first)))
        return (self.hash[self.first], np.minimum(self.length[self.first], _WEIGHT_CAP).astype(np.uint16),
                kept_before[self.ptr].astype(np.int64))


def _hash(key: str) -> int:
    return xxhash.xxh3_64_intdigest(key.encode("utf-8"))


def _gather(ptr: np.ndarray, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(slots, owner)``: indexes of all line slots of ``docs`` in the flat
    per-document arrays (CSR ``ptr``), and the position in ``docs`` each came from."""
    starts = ptr[docs]
    lengths = ptr[docs + 1] - starts
    offsets = np.repeat(starts - np.concatenate(([0], np.cumsum(lengths)[:-1])), lengths)
    return np.arange(lengths.sum()) + offsets, np.repeat(np.arange(len(docs)), lengths)


def _member(values: np.ndarray, members: np.ndarray) -> np.ndarray:
    """``np.isin(values, members)`` for a small ``members``, without sorting ``values``."""
    members = np.sort(members)
    at = np.minimum(np.searchsorted(members, values), len(members) - 1)
    return members[at] == values


def _pair_overlaps(hashes, weights, doc_freq, judged, ptr, line_ids: np.ndarray, n_ids: int,
                   samples: Sequence[np.ndarray], line_docs: np.ndarray) -> tuple[np.ndarray, ...]:
    """Return ``(shared, total, foreign_shared, foreign_union)`` of each frequent
    line, summed over all pairs of its sampled documents (``samples``;
    ``line_docs``: how many documents hold it).

    Per pair, ``shared`` is the character weight of the lines both hold and
    ``total`` the weight of the smaller document, so ``shared / total`` pools the
    overlap coefficient ``|a & b| / min(|a|, |b|)``: a truncated reprint is still
    fully contained in the full copy. Left out: lines already judged boilerplate,
    and *foreign* lines, more widespread than the line under test and found
    mostly in documents without it (other sites' chrome around a syndicated
    story); they say nothing about whether these documents are copies. They
    are summed apart, over the pairs of documents that both have some, as
    ``foreign_shared`` (the weight of the foreign lines both documents of a
    pair hold) and ``foreign_union`` (of those either holds): how far the
    documents are pages of one site.

    All lines at once, in flat arrays (tens of thousands of small numpy calls
    cost more than the sums). A line held by ``m`` of the sampled documents with
    weights summing to ``W`` is shared by ``m - 1`` pairs for each of them, so
    ``shared`` sums ``(m - 1) * W`` over the lines, halved for pairs counted both
    ways. The weights are whole numbers, so every sum is exact in any order.
    """
    sizes = np.fromiter(map(len, samples), dtype=np.int64, count=len(samples))
    docs = np.concatenate(samples)
    doc_entry = np.repeat(np.arange(len(samples)), sizes)
    slots, owner = _gather(ptr, docs)
    entry = doc_entry[owner]
    n = sizes[entry]
    _, group, counts = np.unique(entry * n_ids + line_ids[slots], return_inverse=True, return_counts=True)
    # Estimated number of documents holding both this line and the line under test.
    both = counts[group] * (line_docs[entry] / n)
    freq = doc_freq[slots]
    foreign = (freq > _ELSEWHERE * both) & (freq > line_docs[entry])
    keep = ~foreign & ~judged[slots]
    weight = np.where(keep, weights[slots], 0).astype(np.float64)
    held_weight = np.bincount(group, weights=weight)
    held_by = np.bincount(group, weights=keep)
    group_entry = np.zeros(len(counts), dtype=np.int64)
    group_entry[group] = entry
    shared = np.bincount(group_entry, weights=(held_by - 1) * held_weight, minlength=len(samples)) / 2
    # Sums over pairs a < b of the smaller size: the i-th smallest document of a
    # sample is the smaller one of its pairs with the n - 1 - i larger ones.
    size = np.bincount(owner, weights=weight, minlength=len(docs))
    order = np.lexsort((size, doc_entry))
    rank = np.arange(len(docs)) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    total = np.bincount(doc_entry, weights=size[order] * (sizes[doc_entry] - 1 - rank), minlength=len(samples))
    # Foreign lines count whether judged or not: a site's chrome tells its pages apart from others'.
    site = foreign & (freq > _SITE_PAGES * both)
    foreign_weight = np.where(site, weights[slots], 0).astype(np.float64)
    held_foreign = np.bincount(group, weights=foreign_weight)
    foreign_shared = np.bincount(group_entry, weights=(np.bincount(group, weights=site) - 1).clip(0) * held_foreign,
                                 minlength=len(samples)) / 2
    # Only pairs of two documents with foreign lines tell sites apart (an article
    # printed bare has none), so each such document's foreign weight is in as
    # many pairs as its sample has other such documents.
    doc_foreign = np.bincount(owner, weights=foreign_weight, minlength=len(docs))
    with_foreign = np.bincount(doc_entry, weights=doc_foreign > 0, minlength=len(samples))
    foreign_sum = np.bincount(doc_entry, weights=doc_foreign * (with_foreign[doc_entry] - 1).clip(0),
                              minlength=len(samples))
    return shared, total, foreign_shared, foreign_sum - foreign_shared


class _Frequent(NamedTuple):
    """The frequent lines, one entry each; line ``i`` sampled ``samples[ptr[i]:ptr[i+1]]``."""

    hash: np.ndarray  # uint64
    weight: np.ndarray  # length in characters
    docs: np.ndarray  # number of documents holding the line
    ptr: np.ndarray
    samples: np.ndarray  # int32 document indexes


class Boilerplate:
    """Learn which lines are site chrome from a corpus, then report them per document.

    The rule, applied to every distinct line of at most ``max_line_chars``
    (case-folded, spaces collapsed, typographic quotes unified):

    1. The line is *frequent* when it occurs in at least ``min_docs`` documents.
    2. Up to 20 documents holding it are sampled (evenly over the corpus order).
       For each sampled document we take its other lines, ignoring lines that
       are more widespread than the line under test and mostly found in
       documents *without* it (chrome of other sites, corpus-wide chrome), and
       weigh every line by its length in characters.
    3. ``overlap`` = the overlap coefficient ``|a & b| / min(|a|, |b|)`` of
       those weighted line sets, pooled over all pairs of sampled documents
       (sum of numerators over sum of denominators, so near-empty pages count
       little).
    4. ``overlap > max_copy_overlap``: the documents are copies of one story and
       the line is shared story text, kept. So is a line whose documents are
       pages of *different sites*: each has foreign lines that are site chrome
       around it (at least 20 times more widespread than the documents
       holding both: the line is rare on that site, as one story is), and two
       such documents share at most half of those (pooled Jaccard). Otherwise
       it is boilerplate.
    5. Steps 2-4 run in rounds over the lines still kept, each round ignoring
       the boilerplate found so far; the threshold rises from a quarter of
       ``max_copy_overlap`` to all of it, then stays until nothing changes (at
       most 8 rounds). Clear chrome (site menus, per-page teasers) is found
       first; ignoring it lets a short syndicated story stand out, and lets the
       rest of a big chrome block (address, comment form) be recognised.

    Why this separates the two cases: pages of one site share only the chrome,
    which is short next to their different stories, so their overlap is small;
    syndicated copies share the story body, which is long, while their chrome
    (different sites) is found mostly in other documents and so is ignored.
    The overlap coefficient rather than Jaccard keeps truncated reprints
    ("...read more") counted as copies. The sites test keeps what the overlap
    cannot see: in a short reprinted story each copy's lead carries its own
    dateline ("PARIS, May 3 (Site) - ..."), so its copies may share no other
    line exactly, yet each is one page among many on its own site -- whereas
    a per-page teaser or a site's chrome is held by pages of one site, which
    share that site's lines, and a widget several sites carry is about as
    widespread as the chrome around it. On the 10k benchmark tier this rule
    took the share of syndicated copies' story text marked boilerplate from
    11.4% to 2.1%.

    Limitations: a site seen only through copies of one story looks like a
    syndicate, and its chrome is kept (harmless for matching). A short line
    reprinted on pages of several sites that share nothing else -- a "related
    stories" headline -- is kept as story text (at 10k, 195 repeated lines of
    syndicated copies that are not their story's text stay, against 5). Pages of a site with no chrome at all give no site
    evidence, so a story reprinted only there is judged by the overlap alone.

    With ``use_prior`` a line also counts as boilerplate when it matches one of
    :data:`PRIOR_PATTERNS` (generic chrome such as "0 Comments" or "Source: AFP"),
    which lets a corpus of three pages be cleaned.

    Memory during :meth:`fit` is about 10 bytes per distinct line per document
    (a 64-bit xxh3 hash and a 16-bit length) and about 60 at the peak of
    judging; afterwards only the hashes of the boilerplate lines are kept.
    ``stats_`` counts documents, lines, frequent lines, and how many of those
    were judged boilerplate or shared copy text.

    >>> body = "The river rose two metres overnight.\\nThe old mill and three farms were flooded."
    >>> other = ["Rain closed the coast road.", "The mayor opened a library.", "Bees swarmed a bus stop."]
    >>> pages = [f"Harbour Times\\n{story}" for story in other]
    >>> pages += [f"{site}\\n{body}" for site in ("Harbour Times", "Daily Post", "Valley Echo")]
    >>> bp = Boilerplate(use_prior=False).fit(pages)
    >>> [s.text for s in bp.spans(pages[3])], bp.stats_["shared_copy_lines"]
    (['Harbour Times'], 2)
    """

    def __init__(
        self,
        *,
        min_docs: int = 3,
        max_line_chars: int = 300,
        max_copy_overlap: float = 0.5,
        use_prior: bool = True,
    ):
        if isinstance(min_docs, bool) or not isinstance(min_docs, int) or min_docs < 2:
            raise ConfigError(
                f"min_docs={min_docs!r}: a line is boilerplate only if it repeats across documents, "
                "so min_docs must be an integer >= 2 (default 3)"
            )
        if isinstance(max_line_chars, bool) or not isinstance(max_line_chars, int) or max_line_chars < 1:
            raise ConfigError(
                f"max_line_chars={max_line_chars!r}: must be a positive integer (default 300); "
                "longer lines are treated as content"
            )
        if (
            isinstance(max_copy_overlap, bool)
            or not isinstance(max_copy_overlap, (int, float))
            or not 0.0 <= max_copy_overlap <= 1.0
        ):
            raise ConfigError(
                f"max_copy_overlap={max_copy_overlap!r}: must be a number in [0, 1] (default 0.5); "
                "it is the share of other text above which documents count as copies of one story"
            )
        if not isinstance(use_prior, bool):
            raise ConfigError(f"use_prior={use_prior!r}: must be True or False")
        self.min_docs = min_docs
        self.max_line_chars = max_line_chars
        self.max_copy_overlap = float(max_copy_overlap)
        self.use_prior = use_prior
        self._boilerplate: frozenset[int] | None = None
        self._sorted = np.empty(0, dtype=np.uint64)
        self.stats_: dict[str, int] = {}

    def fit(self, texts: Iterable[str]) -> "Boilerplate":
        """Read ``texts`` once and learn the boilerplate lines; returns ``self``.

        >>> Boilerplate().fit(["a", "b"]).stats_["docs"]
        2
        """
        if isinstance(texts, (str, bytes)):
            raise ConfigError("texts must be an iterable of strings, not a single string; wrap it: fit([text])")
        hashes, weights, ptr = array("Q"), array("H"), array("q", [0])
        for i, text in enumerate(texts):
            if not isinstance(text, str):
                raise ConfigError(f"texts[{i}] is {type(text).__name__}, expected str (decode documents first)")
            lines = _line_dict(text)
            hashes.extend(lines.keys())
            weights.extend(lines.values())
            ptr.append(len(hashes))
        return self._fit_flat(
            np.frombuffer(hashes, dtype=np.uint64),
            np.frombuffer(weights, dtype=np.uint16),
            np.frombuffer(ptr, dtype=np.int64),
        )

    def read_lines(self, texts: Iterable[str]) -> LineTable:
        """The :class:`LineTable` of ``texts``: no fitting needed, so worker
        processes can read a corpus's lines while the model is not fitted yet.

        >>> bp = Boilerplate()
        >>> table = bp.read_lines(["Menu\\nRain fell.\\nMenu", "0 Comments"])
        >>> table.ptr.tolist(), table.first.tolist(), table.prior.tolist()
        ([0, 3, 4], [True, True, False, True], [False, False, False, True])
        """
        if isinstance(texts, (str, bytes)):
            raise ConfigError("texts must be an iterable of strings, not a single string; wrap it: read_lines([text])")
        ptr, start, end, hashes, length = array("q", [0]), array("q"), array("q"), array("Q"), array("q")
        first: list[bool] = []
        prior: list[bool] = []
        for i, text in enumerate(texts):
            if not isinstance(text, str):
                raise ConfigError(f"texts[{i}] is {type(text).__name__}, expected str (decode documents first)")
            seen: set[int] = set()
            for line_start, line_end, key in _lines(text):
                h = _hash(key)
                start.append(line_start)
                end.append(line_end)
                hashes.append(h)
                length.append(len(key))
                first.append(h not in seen)
                seen.add(h)
                prior.append(self.use_prior and len(key) <= self.max_line_chars and _PRIOR.fullmatch(key) is not None)
            ptr.append(len(hashes))
        ptr, start, end, length = (np.frombuffer(a, dtype=np.int64) for a in (ptr, start, end, length))
        return LineTable(ptr, start, end, np.frombuffer(hashes, dtype=np.uint64), length,
                         np.array(first, dtype=bool), np.array(prior, dtype=bool))

    def fit_lines(self, table: LineTable) -> "Boilerplate":
        """:meth:`fit` from the :class:`LineTable` of the texts; the same model.

        >>> pages = ["Menu\\nRain closed the road.", "Menu\\nThe mayor spoke.", "Menu\\nBees swarmed."]
        >>> bp = Boilerplate()
        >>> bp.fit_lines(bp.read_lines(pages)).spans(pages[1])
        [Span(start=0, end=4, text='Menu')]
        """
        return self._fit_flat(*table.distinct_lines())

    def fit_distinct(self, hashes: np.ndarray, weights: np.ndarray, ptr: np.ndarray) -> "Boilerplate":
        """:meth:`fit_lines` from the :meth:`LineTable.distinct_lines` of the texts,
        batches joined end to end: all a scan that does not hold its texts keeps
        of its first read."""
        return self._fit_flat(hashes, weights, ptr)

    def fit_tables(self, tables: Sequence[tuple[np.ndarray, np.ndarray]]) -> "Boilerplate":
        """:meth:`fit` from each document's :func:`line_table` instead of its text.

        A persistent index keeps these tables, so a corpus grown by a day's
        pages is refitted without reading or normalising the old pages again;
        the model is the one ``fit`` on the texts gives.

        >>> pages = ["Menu\\nRain closed the road.", "Menu\\nThe mayor spoke.", "Menu\\nBees swarmed."]
        >>> Boilerplate().fit_tables([line_table(p) for p in pages]).marks(line_table(pages[0])[0]).tolist()
        [True, False]
        """
        lengths = np.fromiter((len(h) for h, _ in tables), dtype=np.int64, count=len(tables))
        return self._fit_flat(
            np.concatenate([h for h, _ in tables]).astype(np.uint64) if tables else np.empty(0, np.uint64),
            np.concatenate([w for _, w in tables]).astype(np.uint16) if tables else np.empty(0, np.uint16),
            np.concatenate(([0], np.cumsum(lengths))),
        )

    def _fit_flat(self, hashes: np.ndarray, weights: np.ndarray, ptr: np.ndarray) -> "Boilerplate":
        self._boilerplate, self.stats_ = self._decide(hashes, weights, ptr)
        self._sorted = np.array(sorted(self._boilerplate), dtype=np.uint64)
        return self

    def marks(self, hashes: np.ndarray) -> np.ndarray:
        """Which of these line hashes (from :func:`line_table`) the fitted model
        holds to be boilerplate; the generic prior is not applied (it does not
        depend on the corpus). Vectorised, to compare a whole index's lines
        with a refitted model at once.

        >>> Boilerplate().fit([]).marks(np.array([1, 2], dtype=np.uint64)).tolist()
        [False, False]
        """
        self._check_fitted()
        if not len(self._sorted):
            return np.zeros(len(hashes), dtype=bool)
        return _member(np.asarray(hashes, dtype=np.uint64), self._sorted)

    def _decide(self, hashes: np.ndarray, weights: np.ndarray, ptr: np.ndarray) -> tuple[frozenset[int], dict]:
        """Apply the class rule to the flat per-document arrays (document ``d`` owns ``ptr[d]:ptr[d+1]``)."""
        distinct, counts = np.unique(hashes, return_counts=True)
        line_ids, n_lines = np.searchsorted(distinct, hashes), len(distinct)
        doc_freq = counts.astype(np.uint32)[line_ids]
        del distinct, counts
        doc_of = np.repeat(np.arange(len(ptr) - 1, dtype=np.int32), np.diff(ptr))
        frequent = self._frequent_lines(hashes, weights, doc_freq, doc_of)
        judged = np.zeros(len(hashes), dtype=bool)  # per slot: its line is already boilerplate
        cache: dict[tuple[int, bytes], tuple[float, float, float, float]] = {}
        found_all: list[int] = []
        undecided = range(len(frequent.hash))
        for step in range(_MAX_ROUNDS):
            # Clear chrome first: once it is ignored, short stories stand out from what is left.
            threshold = self.max_copy_overlap * _SCHEDULE[min(step, len(_SCHEDULE) - 1)]
            found, kept = [], []
            samples = [frequent.samples[frequent.ptr[i]:frequent.ptr[i + 1]] for i in undecided]
            keys = [(int(frequent.docs[i]), sample.tobytes()) for i, sample in zip(undecided, samples)]
            missing = {key: sample for key, sample in zip(keys, samples) if key not in cache}
            if missing:
                line_docs = np.array([docs for docs, _ in missing], dtype=np.int64)
                overlaps = _pair_overlaps(hashes, weights, doc_freq, judged, ptr, line_ids, n_lines,
                                          list(missing.values()), line_docs)
                cache.update(zip(missing, zip(*(o.tolist() for o in overlaps))))
            for i, sample, key in zip(undecided, samples, keys):
                shared, total, foreign_shared, foreign_union = cache[key]
                # Remove the line's own contribution: every pair of sampled documents shares it.
                own = len(sample) * (len(sample) - 1) / 2 * float(frequent.weight[i])
                overlap = (shared - own) / (total - own) if total > own else 0.0
                other_sites = foreign_union > 0 and foreign_shared <= _SAME_SITE * foreign_union
                (found if overlap <= threshold and not other_sites else kept).append(i)
            undecided = kept
            if not found:
                if step >= len(_SCHEDULE) - 1:
                    break
                continue
            found_all.extend(found)
            newly = _member(hashes, frequent.hash[found])
            judged |= newly
            touched = np.zeros(len(ptr) - 1, dtype=bool)
            touched[doc_of[newly]] = True
            cache = {key: value for key, value in cache.items()
                     if not touched[np.frombuffer(key[1], dtype=np.int32)].any()}
        stats = {"docs": len(ptr) - 1, "lines": len(hashes), "frequent_lines": len(frequent.hash),
                 "boilerplate_lines": len(found_all), "shared_copy_lines": len(frequent.hash) - len(found_all)}
        return frozenset(frequent.hash[found_all].tolist()), stats

    def _frequent_lines(self, hashes, weights, doc_freq, doc_of) -> _Frequent:
        """Every short line held by >= ``min_docs`` documents, with up to 20 of them sampled evenly."""
        candidates = np.flatnonzero((weights <= self.max_line_chars) & (doc_freq >= self.min_docs))
        # Stable sort keeps each line's documents in corpus order, so sampling is deterministic.
        by_line = candidates[np.argsort(hashes[candidates], kind="stable")]
        del candidates
        sorted_hashes = hashes[by_line]
        starts = np.flatnonzero(np.concatenate(([True], sorted_hashes[1:] != sorted_hashes[:-1])))[: len(by_line)]
        sizes = np.diff(np.append(starts, len(by_line)))
        picked = np.minimum(sizes, _SAMPLE_DOCS)
        group = np.repeat(np.arange(len(starts)), picked)
        rank = np.arange(picked.sum()) - np.repeat(np.cumsum(picked) - picked, picked)
        # Lines in more than _SAMPLE_DOCS documents: ranks spread evenly over all of them.
        stretch = np.where(sizes > _SAMPLE_DOCS, (sizes - 1) / (_SAMPLE_DOCS - 1), 1.0)[group]
        offsets = np.rint(rank * stretch).astype(np.int64)
        return _Frequent(
            hash=sorted_hashes[starts],
            weight=weights[by_line[starts]],
            docs=sizes,
            ptr=np.concatenate(([0], np.cumsum(picked))),
            samples=doc_of[by_line[starts[group] + offsets]],
        )

    def _check_fitted(self) -> None:
        if self._boilerplate is None:
            raise DedupeError(
                "Boilerplate used before fit(); call fit(texts) first (fit([]) uses the prior only)"
            )

    def spans(self, text: str) -> list[Span]:
        """Return the boilerplate lines of ``text`` as spans (offsets into ``text``).

        >>> Boilerplate().fit([]).spans("Body text here.\\n0 Comments")
        [Span(start=16, end=26, text='0 Comments')]
        """
        return self.spans_of([text], self.read_lines([text]))[0]

    def spans_of(self, texts: Sequence[str], table: LineTable) -> list[list[Span]]:
        """:meth:`spans` of every text of ``table`` (from :meth:`read_lines` of ``texts``).

        A line is boilerplate when its key is at most ``max_line_chars`` long and
        the fitted model holds it, or it matches the prior.
        """
        self._check_fitted()
        marked = np.flatnonzero((table.length <= self.max_line_chars) & (table.prior | self.marks(table.hash)))
        owners = np.searchsorted(table.ptr, marked, side="right") - 1
        found: list[list[Span]] = [[] for _ in texts]
        for i, start, end in zip(owners.tolist(), table.start[marked].tolist(), table.end[marked].tolist()):
            found[i].append(Span(start, end, texts[i][start:end]))
        return found


def strip(text: str, spans: Sequence[Span]) -> str:
    """Blank ``spans`` in ``text`` (every character but line breaks becomes a space).

    The length is unchanged, so offsets computed on the stripped text (flags,
    shingles) still point into the original.

    >>> strip("Share\\nNews", [Span(0, 5, "Share")])
    '     \\nNews'
    """
    out, pos = [], 0
    for span in sorted(spans, key=lambda s: s.start):
        start = max(span.start, pos)
        out += [text[pos:start], _NOT_BREAK.sub(" ", text[start:span.end])]
        pos = max(pos, span.end)
    out.append(text[pos:])
    return "".join(out)
