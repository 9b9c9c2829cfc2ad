"""Word classes for [improbable]: the part-of-speech tags each English form can take.

Read from lemminflect's lexicon files (derived from the NIH SPECIALIST Lexicon:
80k forms with their lemma and part of speech, and every lemma's inflections),
without importing the package (its import loads models this does not need). A
form's class is the set of Penn-like tags it can have ("advised": JJ|VBD,
"record": JJ|NN|VB), an ambiguity class as in Kupiec's tagger: about 80 classes,
so a corpus counts how often each class follows each grammar word even when the
words themselves are rare ("to" is almost never followed by a JJ|VBD word, though
"advised" alone is too rare for its own counts to say so).
"""
from __future__ import annotations

import gzip
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path

from dedupe.errors import DedupeError

from .tablecache import disk_cached

LEMMAS = "lemma_lu.csv.gz"
INFLECTIONS = "infl_lu.csv.gz"
#: Penn tags of a verb's inflections in the lexicon's column order (past, participle, -ing, -s);
#: past and participle share one tag: the spelling rarely tells them apart.
_VERB_TAGS = ("VBD", "VBD", "VBG", "VBZ")


def data_dir() -> Path:
    """Where lemminflect keeps its lexicon (found without importing the package).

    >>> (data_dir() / LEMMAS).is_file()
    True
    """
    spec = find_spec("lemminflect")
    if spec is None or not spec.submodule_search_locations:
        raise DedupeError("[improbable] needs lemminflect's English lexicon: pip install lemminflect")
    return Path(next(iter(spec.submodule_search_locations))) / "resources"


@lru_cache(maxsize=1)
@disk_cached("wordclasses", sources=[__file__], packages=["lemminflect"])
def word_classes() -> dict[str, str]:
    """Lower-case English form -> its tag set, e.g. ``"JJ|VBD"`` (built once, about 0.5 s, then
    read from the disk cache: :mod:`.tablecache`).

    >>> classes = word_classes()
    >>> classes["advised"], classes["pandas"], classes["runs"], classes["faster"]
    ('JJ|VBD', 'NNS', 'NNS|VBZ', 'JJR|RBR')
    """
    folder = data_dir()
    inflections = {}
    for line in gzip.open(folder / INFLECTIONS, "rt", encoding="utf-8"):
        lemma, pos, *forms = line.rstrip("\n").split(",")
        inflections[lemma, pos] = [set(f.split("/")) if f else set() for f in forms]
    tags: dict[str, set[str]] = {}
    for line in gzip.open(folder / LEMMAS, "rt", encoding="utf-8"):
        form, pos, lemmas = line.rstrip("\n").split(",")
        if form.islower():  # names are capitalised in the lexicon: their case is [capitalisation]'s
            found = tags.setdefault(form, set())
            for lemma in lemmas.split("/"):
                found |= _tags(form, pos, lemma, inflections.get((lemma, pos), []))
    return {form: "|".join(sorted(t)) for form, t in tags.items() if t}


def _tags(form: str, pos: str, lemma: str, forms: list[set[str]]) -> set[str]:
    """The tags ``form`` has as an inflection of ``lemma`` (part of speech ``pos``).

    >>> sorted(_tags("set", "verb", "set", [{"set"}, {"set"}, {"setting"}, {"sets"}]))
    ['VB', 'VBD']
    """
    base = {"noun": "NN", "verb": "VB", "adj": "JJ", "adv": "RB"}.get(pos)
    if base is None:
        return {pos.upper()}  # auxiliaries, pronouns...: grammar words have classes of their own
    if pos == "verb":  # "set" is its own past: both tags
        return ({base} if form == lemma else set()) | {t for t, f in zip(_VERB_TAGS, forms) if form in f}
    if form == lemma:  # a noun whose plural can be its singular ("fast") is still a singular
        return {base}
    inflected = ("NNS",) if pos == "noun" else (base + "R", base + "S")
    return {t for t, f in zip(inflected, forms) if form in f}
