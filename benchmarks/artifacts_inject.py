"""Inject realistic machine-translation artifacts into clean English, recording where they are.

Used by ``artifacts_eval.py``. Every injector takes a text and a ``random.Random``
and returns ``(new_text, start, end)`` (the injected span in the new text) or None
when the text offers no place for that artifact. The injectors know nothing about
the scorer's rules; eligibility only follows the definition of each artifact (a
name the corpus capitalises, a word that the canonical copy shares).
"""
from __future__ import annotations

import random
import re
from functools import lru_cache

from dedupe.artifacts.lexicon import FUNCTION_WORDS, english_table, foreign_table

_WORD = re.compile(r"[A-Za-z]+")
_LOWER = re.compile(r"(?<![\w'’-])[a-z]+(?![\w'’-])")


def _replace(text: str, start: int, end: int, new: str) -> tuple[str, int, int]:
    return text[:start] + new + text[end:], start, start + len(new)


def glued(text: str, rng: random.Random) -> tuple[str, int, int] | None:
    """Lose a space: two lower-case words run together, or a sentence end glued to the next."""
    table = english_table()
    if rng.random() < 0.5:
        spots = [m for m in re.finditer(r"\b([a-z]{2,}) ([a-z]{2,})\b", text)
                 if table.get(m.group(1) + m.group(2), 0) == 0]
        if spots:
            m = rng.choice(spots)
            return _replace(text, m.start(), m.end(), m.group(1) + m.group(2))
    spots = list(re.finditer(r"\b([A-Za-z]{2,})\. ([A-Z][a-z]+)\b", text))
    if not spots:
        return None
    m = rng.choice(spots)
    return _replace(text, m.start(), m.end(), m.group(1) + m.group(2))


def misspelling(text: str, rng: random.Random) -> tuple[str, int, int] | None:
    """A typo (swap, drop, double or substitute one inner letter) giving a non-word."""
    table, foreign = english_table(), foreign_table()
    spots = [m for m in _LOWER.finditer(text) if len(m.group()) >= 6]
    rng.shuffle(spots)
    for m in spots[:20]:
        w = m.group()
        i = rng.randrange(1, len(w) - 2)
        op = rng.choice("sddi")
        new = {"s": w[:i] + w[i + 1] + w[i] + w[i + 2:], "d": w[:i] + w[i + 1:],
               "i": w[:i] + rng.choice("aeiourstln") + w[i:]}[op]
        if new != w and new not in table and new not in foreign:
            return _replace(text, m.start(), m.end(), new)
    return None


def dropped(text: str, rng: random.Random) -> tuple[str, int, int] | None:
    """Drop the word after a determiner or preposition ("the order of [X] ,")."""
    # the dropped word is a whole word, followed by punctuation or by a whole grammar word
    spots = list(re.finditer(r"\b(the|a|an|of|in|to|for|with) ([A-Za-z]+)(?:([,.;:])(?=\s|$)| (of|in|and|to)\b)", text))
    if not spots:
        return None
    m = rng.choice(spots)
    after = m.group(3) or m.group(4)
    # MT often keeps the space where the word was ("of ,"); sometimes not ("of,")
    gap = " " if after[0].isalpha() or rng.random() < 0.5 else ""
    return _replace(text, m.start(), m.end(), m.group(1) + gap + after)


def duplicated(text: str, rng: random.Random) -> tuple[str, int, int] | None:
    """Say a word or two twice, or bring a noun back two words later ("a closer contact")."""
    spots = list(re.finditer(r"\b([a-z]{3,})((?: [a-z]+){0,1}) ([a-z]+) ([a-z]+)\b", text))
    spots = [m for m in spots if m.group(1) not in FUNCTION_WORDS]
    if not spots:
        return None
    m = rng.choice(spots)
    if rng.random() < 0.5:
        phrase = m.group(1) + m.group(2)
        return _replace(text, m.start(), m.start(1) + len(phrase), phrase + " " + phrase)
    new = f"{m.group(1)}{m.group(2)} {m.group(3)} {m.group(4)} {m.group(1)}"
    return _replace(text, m.start(), m.end(), new)


def debris(text: str, rng: random.Random) -> tuple[str, int, int] | None:
    """Leak a markup fragment between two sentences."""
    w = lambda: rng.choice(["main", "inline", "ad", "slot", "box", "related", "widget", "embed", "promo", "col"])
    frag = rng.choice([f'class="{w()}-{w()}-{w()}">', f'<div class="{w()}-{w()}">', f"</{rng.choice('pa')}>",
                       f'<span style="display:none">', "&nbsp;", f'id="{w()}_{rng.randrange(99)}">',
                       f".{w()}-{w()} {{ margin: 0; }}"])
    spots = [m.end() for m in re.finditer(r"[.!?] (?=[A-Z])", text)]
    if not spots:
        return None
    at = rng.choice(spots)
    return text[:at] + frag + " " + text[at:], at, at + len(frag)


def untranslated(text: str, rng: random.Random, foreign: list[str]) -> tuple[str, int, int] | None:
    """Replace a sentence by a foreign one, or add a line of foreign site chrome."""
    sent = rng.choice(foreign)
    spots = [m.end() for m in re.finditer(r"[.!?] (?=[A-Z])", text)]
    if not spots:
        return None
    at = rng.choice(spots)
    if rng.random() < 0.5:
        end = text.find(". ", at)
        end = len(text) if end < 0 else end + 1
        return _replace(text, at, end, sent)
    words = sent.split()
    k = rng.randrange(0, max(1, len(words) - 3))
    chrome = " ".join(words[k:k + rng.choice([1, 2, 3])]).strip(".,;:")
    chrome = rng.choice([f"{chrome}:", f"{rng.randrange(10)} {chrome}", chrome])
    return text[:at] + "\n" + chrome + "\n" + text[at:], at + 1, at + 1 + len(chrome)


def capitalisation(text: str, rng: random.Random, capitalised: dict[str, int]) -> tuple[str, int, int] | None:
    """Lower-case a name that the corpus writes capitalised (at least 3 times mid-sentence)."""
    spots = [m for m in re.finditer(r"(?<=[a-z,] )([A-Z][a-z]{2,})\b", text)
             if capitalised.get(m.group(1).lower(), 0) >= 3 and m.group(1).lower() not in FUNCTION_WORDS]
    if not spots:
        return None
    m = rng.choice(spots)
    return _replace(text, m.start(1), m.end(1), m.group(1).lower())


def improbable(text: str, rng: random.Random) -> tuple[str, int, int] | None:
    """Swap a grammar word with its neighbour: a word-order error ("new the president")."""
    spots = [m for m in re.finditer(r"\b([a-z]+) ([a-z]+)\b", text)
             if (m.group(1) in FUNCTION_WORDS) != (m.group(2) in FUNCTION_WORDS)]
    if not spots:
        return None
    m = rng.choice(spots)
    return _replace(text, m.start(), m.end(), f"{m.group(2)} {m.group(1)}")


def divergent(text: str, rng: random.Random, shared: list[tuple[int, int]]) -> tuple[str, int, int] | None:
    """Replace a word the canonical copy also uses (same neighbours) by a rarer word of the same ending."""
    if not shared:
        return None
    s, e = rng.choice(shared)
    w = text[s:e]
    pool = [x for x in _rare_words() if x.endswith(w[-2:]) and x != w]
    if not pool:
        return None
    return _replace(text, s, e, rng.choice(pool))


def name(text: str, rng: random.Random, shared_names: list[tuple[int, int]]) -> tuple[str, int, int] | None:
    """Turn a name or number the canonical copy shares into a common word or another number."""
    if not shared_names:
        return None
    s, e = rng.choice(shared_names)
    w = text[s:e]
    if w[0].isdigit():
        new = str(int(w) + rng.randrange(1, 9)) if w.isdigit() else None
    else:
        new = rng.choice(["who", "peace", "gold", "rose", "will", "mark", "bill", "grace", "hope", "king"])
    return _replace(text, s, e, new) if new else None


@lru_cache(maxsize=1)
def _rare_words() -> tuple[str, ...]:
    # real English words of moderate rarity: plausible but unusual wording
    return tuple(w for w, z in english_table().items() if w.isalpha() and 2.0 <= z <= 3.0 and len(w) >= 5)
