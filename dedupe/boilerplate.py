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
from collections.abc import Iterable, Iterator, Sequence

import numpy as np
import xxhash

from dedupe.errors import ConfigError, DedupeError
from dedupe.normalise import normalise
from dedupe.types import Span

__all__ = ["Boilerplate", "strip", "PRIOR_PATTERNS"]

# Documents sampled per frequent line to judge whether they are copies of one
# story: enough for a stable mean, small enough to keep fit linear in corpus size.
_SAMPLE_DOCS = 20
# A line of a sampled document is "site chrome from elsewhere" (and ignored when
# measuring overlap) when fewer than 1/_ELSEWHERE of the documents holding it also
# hold the line under test.
_ELSEWHERE = 2.0
_LINE = re.compile(r"[^\r\n]+")
# Counters, dates and times vary per page ("3 Comments", "May 4, 2021"); masking
# digits lets one chrome line with a changing number be counted as one line.
_DIGITS = re.compile(r"\d+")
_WEIGHT_CAP = np.iinfo(np.uint16).max
# Judging repeats while new boilerplate is found (each round ignores what the last
# one found); a cap keeps fit linear when a corpus never settles.
_MAX_ROUNDS = 5

_COMMENT = (
    r"comments?|replies|reply|responses?|komentar[aie]?|comentarios?|comentários?|coment[aá]rio"
    r"|kommentare?|commentaires?|yorum(?:lar)?"
)
_MONTH = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_WEEKDAY = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"
_TIME = r"(?:,?\s*(?:at\s*)?\d+[:.]\d+(?:\s*[ap]m)?(?:\s*(?:utc|gmt))?)?"
# A date needs a month name or a d/d/d form, so a score line like "2-1" is not one.
_DATE = (
    rf"(?:{_WEEKDAY},?\s*)?(?:\d+(?:st|nd|rd|th)?\.?\s*(?:{_MONTH})\.?,?\s*\d*"
    rf"|(?:{_MONTH})\.?\s*\d+(?:st|nd|rd|th)?,?\s*\d*|\d+[./-]\d+[./-]\d+){_TIME}"
)

# Generic web chrome, matched against the whole normalised line (case-folded,
# digits masked), so a sentence that merely contains "source" or "comment" never
# matches. English plus the commonest words in a few other languages.
PRIOR_PATTERNS: tuple[tuple[str, str], ...] = (
    # comment forms and counters: "Leave a Reply", "0 Comments", "Komentari (3)"
    ("comment form", rf"(?:leave|post|add|write|submit|cancel|ostavite|ostavi|napišite|deja|deje|deixe"
                     rf"|laisser|laissez|hinterlasse|schreibe)(?: (?:a|an|your|un|um|uma|einen|ihren|vaš))?"
                     rf" (?:{_COMMENT})(?: to .{{0,80}})?[.!:]*"),
    ("comment count", rf"(?:\d+ )?(?:{_COMMENT})(?: ?\(\d+\))?:?"),
    ("comment fields", r"(?:please )?enter your (?:comment|name|e-?mail(?: address)?|website)(?: here)?[.!:]*"
                       r"|(?:name|e-?mail|website|comment)\s*\*?:?\s*\*?"
                       r"|save my name,? e-?mail,? and website in this browser.{0,60}"),
    ("required notice", r"(?:your )?e-?mail(?: address)? will not be published\.?(?: required fields are marked ?\*?\.?)?"
                        r"|required fields are marked ?\*?\.?"),
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
                       r"|you (?:may|might) also like|recommended(?: for you)?|trending(?: now)?|latest(?: news| posts)?"
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
    # bare dates and date labels: "Date:", "Posted on May 0, 0", "Creation Date: August 0, 0 0:0"
    ("date", rf"(?:(?:creation |publication |last )?(?:date|published|posted|updated|datum|fecha|tarih)"
             rf"(?: on)?\s*:?\s*(?:{_DATE})?)|{_DATE}"),
    ("punctuation only", r"[\W_]+"),
    # leftover markup from HTML extraction: class="ad-slot"> or <div>
    ("markup debris", r"<?/?[a-z][\w:-]*\s*=\s*[\"'][^\"']*[\"']\s*/?>?|</?[a-z][^>]*>"),
)
_PRIOR = re.compile("|".join(f"(?:{pattern})" for _, pattern in PRIOR_PATTERNS))


def line_key(line: str) -> str:
    """Identity of a line for counting: normalised text with digit runs masked.

    >>> line_key("  “3  Comments”  ")
    '"0 comments"'
    """
    return _DIGITS.sub("0", normalise(line))


def _lines(text: str) -> Iterator[tuple[int, int, str]]:
    """Yield ``(start, end, key)`` for every non-blank line; ``end`` excludes the line break."""
    for match in _LINE.finditer(text):
        key = line_key(match.group())
        if key:
            yield match.start(), match.end(), key


def _hash(key: str) -> int:
    return xxhash.xxh3_64_intdigest(key.encode("utf-8"))


def _gather(ptr: np.ndarray, docs: np.ndarray) -> np.ndarray:
    """Indexes of all line slots of ``docs`` in the flat per-document arrays (CSR ``ptr``)."""
    starts, ends = ptr[docs], ptr[docs + 1]
    lengths = ends - starts
    offsets = np.repeat(starts - np.concatenate(([0], np.cumsum(lengths)[:-1])), lengths)
    return np.arange(lengths.sum()) + offsets


def _shared_weight(hashes, weights, doc_freq, judged, ptr, sample: np.ndarray, line_docs: int) -> tuple[float, float]:
    """Return ``(shared, total)`` character weight over the lines of the sampled documents.

    ``shared`` sums, per line occurrence, its weight times the fraction of the
    other sampled documents that also hold it. Lines already judged boilerplate,
    and lines found mostly outside the documents of the line under test, are left
    out of both sums: they say nothing about whether these documents are copies.
    """
    slots = _gather(ptr, sample)
    n = len(sample)
    _, inverse, counts = np.unique(hashes[slots], return_inverse=True, return_counts=True)
    in_sample = counts[inverse]
    # Estimated number of documents holding both this line and the line under test.
    both = in_sample * (line_docs / n)
    keep = (doc_freq[slots] <= _ELSEWHERE * both) & ~judged[slots]
    w = weights[slots][keep].astype(np.float64)
    return float((w * (in_sample[keep] - 1) / (n - 1)).sum()), float(w.sum())


class Boilerplate:
    """Learn which lines are site chrome from a corpus, then report them per document.

    The rule, applied to every distinct line of at most ``max_line_chars``
    (case-folded, spaces collapsed, typographic quotes unified, digits masked):

    1. The line is *frequent* when it occurs in at least ``min_docs`` documents.
    2. Up to 20 documents holding it are sampled (evenly over the corpus order).
       For each sampled document we take its other lines, ignoring lines that
       are mostly found in documents *without* the line under test (chrome of
       other sites, corpus-wide chrome), and weigh every line by its length in
       characters.
    3. ``overlap`` = the length-weighted share of those lines that the other
       sampled documents also contain (mean over ordered document pairs of
       ``|a & b| / |a|``, pooled by weight so near-empty pages count little).
    4. ``overlap > max_copy_overlap``: the documents are copies of one story and
       the line is shared story text, kept. Otherwise it is boilerplate.
    5. Steps 2-4 are repeated for the lines still kept, now also ignoring the
       lines found to be boilerplate, until nothing changes (at most 5 rounds):
       once part of a big chrome block (address, comment form) is recognised,
       the rest of the block no longer passes for shared text.

    Why this separates the two cases: pages of one site share only the chrome,
    which is short next to their different stories, so their overlap is small;
    syndicated copies share the story body, which is long, while their chrome
    (different sites) is found mostly in other documents and so is ignored.
    Containment rather than Jaccard keeps truncated reprints ("...read more")
    counted as copies. Limitation: a site seen only through copies of one story
    looks like a syndicate, and its chrome is kept (harmless for matching).

    With ``use_prior`` a line also counts as boilerplate when it matches one of
    :data:`PRIOR_PATTERNS` (generic chrome such as "0 Comments" or "Source: AFP"),
    which lets a corpus of three pages be cleaned.

    Memory during :meth:`fit` is about 10 bytes per distinct line per document
    (a 64-bit xxh3 hash and a 16-bit length), about 30 while judging; afterwards only the hashes of the
    boilerplate lines are kept. ``stats_`` counts what was found and why.

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
            # One slot per distinct line: a line repeated within a page says nothing about other pages.
            lines = {_hash(key): min(len(key), _WEIGHT_CAP) for _, _, key in _lines(text)}
            hashes.extend(lines.keys())
            weights.extend(lines.values())
            ptr.append(len(hashes))
        self._boilerplate, self.stats_ = self._decide(
            np.frombuffer(hashes, dtype=np.uint64),
            np.frombuffer(weights, dtype=np.uint16),
            np.frombuffer(ptr, dtype=np.int64),
        )
        return self

    def _decide(self, hashes: np.ndarray, weights: np.ndarray, ptr: np.ndarray) -> tuple[frozenset[int], dict]:
        """Apply the class rule to the flat per-document arrays (document ``d`` owns ``ptr[d]:ptr[d+1]``)."""
        n_docs = len(ptr) - 1
        _, inverse, counts = np.unique(hashes, return_inverse=True, return_counts=True)
        doc_freq = counts.astype(np.uint32)[inverse]
        del inverse
        frequent = self._frequent_lines(hashes, weights, doc_freq, ptr)
        judged = np.zeros(len(hashes), dtype=bool)  # per slot: its line is already boilerplate
        boilerplate: set[int] = set()
        undecided = frequent
        for _ in range(_MAX_ROUNDS):
            cache: dict[tuple[int, bytes], tuple[float, float]] = {}
            found, kept = [], []
            for line in undecided:
                _, weight, line_docs, sample = line
                key = (line_docs, sample.tobytes())
                if key not in cache:
                    cache[key] = _shared_weight(hashes, weights, doc_freq, judged, ptr, sample, line_docs)
                shared, total = cache[key]
                # Remove the line's own contribution: it is in every sampled document.
                own = len(sample) * weight
                overlap = (shared - own) / (total - own) if total > own else 0.0
                (found if overlap <= self.max_copy_overlap else kept).append(line)
            if not found:
                break
            boilerplate.update(line[0] for line in found)
            judged = np.isin(hashes, np.fromiter(boilerplate, dtype=np.uint64, count=len(boilerplate)))
            undecided = kept
        stats = {"docs": n_docs, "lines": len(hashes), "frequent_lines": len(frequent),
                 "boilerplate_lines": len(boilerplate), "shared_copy_lines": len(frequent) - len(boilerplate)}
        return frozenset(boilerplate), stats

    def _frequent_lines(self, hashes, weights, doc_freq, ptr) -> list[tuple[int, float, int, np.ndarray]]:
        """Return ``(hash, weight, n_docs, sampled_docs)`` for every short line in >= ``min_docs`` documents."""
        doc_of = np.repeat(np.arange(len(ptr) - 1, dtype=np.int32), np.diff(ptr))
        candidates = np.flatnonzero((weights <= self.max_line_chars) & (doc_freq >= self.min_docs))
        if not len(candidates):
            return []
        # Stable sort keeps each line's documents in corpus order, so sampling is deterministic.
        by_line = candidates[np.argsort(hashes[candidates], kind="stable")]
        out = []
        for group in np.split(by_line, np.flatnonzero(np.diff(hashes[by_line])) + 1):
            docs = doc_of[group]
            picks = np.unique(np.linspace(0, len(docs) - 1, min(len(docs), _SAMPLE_DOCS)).round().astype(int))
            out.append((int(hashes[group[0]]), float(weights[group[0]]), len(docs), docs[picks]))
        return out


    def spans(self, text: str) -> list[Span]:
        """Return the boilerplate lines of ``text`` as spans (offsets into ``text``).

        >>> Boilerplate().fit([]).spans("Body text here.\\n0 Comments")
        [Span(start=16, end=26, text='0 Comments')]
        """
        if self._boilerplate is None:
            raise DedupeError("Boilerplate.spans() called before fit(); call fit(texts) first (fit([]) uses the prior only)")
        found = []
        for start, end, key in _lines(text):
            if len(key) > self.max_line_chars:
                continue
            if _hash(key) in self._boilerplate or (self.use_prior and _PRIOR.fullmatch(key)):
                found.append(Span(start, end, text[start:end]))
        return found


def strip(text: str, spans: Sequence[Span]) -> str:
    """Blank ``spans`` in ``text`` (every character but line breaks becomes a space).

    The length is unchanged, so offsets computed on the stripped text (flags,
    shingles) still point into the original.

    >>> strip("Share\\nNews", [Span(0, 5, "Share")])
    '     \\nNews'
    """
    chars = list(text)
    for span in spans:
        for i in range(span.start, span.end):
            if chars[i] not in "\r\n":
                chars[i] = " "
    return "".join(chars)
