"""Tests for dedupe.normalise: typography-blind folding, with and without offsets."""
from __future__ import annotations

import random
import string

import numpy as np
import pytest

from dedupe.normalise import normalise, normalise_with_offsets


@pytest.mark.parametrize(
    "text, expected",
    [
        ("\u201cSo\u201d \u2018they\u2019 said \u00abnon\u00bb \u201elos\u201c", '"so" \'they\' said "non" "los"'),
        ("2019\u20132021 \u2014 a\u2212b a\u2011b", "2019-2021 - a-b a-b"),
        ("\ufb01nal \ufb02ow e\ufb00ort", "final flow effort"),
        ("\uff2b\uff29\uff2d \uff11\uff12\uff13\uff01", "kim 123!"),
        ("STRASSE Stra\u00dfe", "strasse strasse"),
        ("\u041f\u0423\u0422\u0418\u041d \u00c9LYS\u00c9E", "\u043f\u0443\u0442\u0438\u043d \u00e9lys\u00e9e"),
        ("co\u00adop\u200beration\ufeff", "cooperation"),
    ],
    ids=["quotes", "dashes", "ligatures", "full-width", "casefold", "cyrillic-accents", "invisible"],
)
def test_normalise_folds_typography(text, expected):
    assert normalise(text) == expected


def test_whitespace_runs_collapse_and_ends_are_stripped():
    assert normalise("  a \t\n\u00a0 b\u3000\u2003c \r\n") == "a b c"
    assert normalise("\n\t ") == ""


VARIED = [
    "",
    "   ",
    "Plain ASCII, with punctuation: yes; no? (maybe) 10,000 #tags",
    "  Caf\u00e9 d\u00e9j\u00e0 vu \u2014 na\u00efve co\u00f6perate  ",
    "Владимир Путин заявил\n\n«Свобода»",
    "\u0395\u039b\u039b\u0391\u0394\u0391 \u03ba\u03b1\u03b9 \u039a\u03cd\u03c0\u03c1\u03bf\u03c2",
    "\uff30\uff59\uff4f\uff4e\uff47\uff59\uff41\uff4e\uff47\u3000\u5e73\u58e4  \uff08\uff12\uff10\uff12\uff14\uff09",
    "\ufb01\ufb02 \u2018quoted\u2019\t\t\u201cdouble\u201d so\u00adft\u200b",
    "Stra\u00dfe \u0130stanbul \u01c4 \u2167 \u00bd",
    "line one\r\nline two\u2028line three\x0b\x0cend\u00a0",
    "emoji \U0001f600 and \u2122 sign",
]


@pytest.mark.parametrize("text", VARIED)
def test_offsets_version_gives_the_same_text(text):
    norm, origin = normalise_with_offsets(text)
    assert norm == normalise(text)
    assert origin.dtype == np.int64 and len(origin) == len(norm)
    assert np.all(np.diff(origin) >= 0)


@pytest.mark.parametrize("text", VARIED)
def test_every_output_char_comes_from_its_origin(text):
    norm, origin = normalise_with_offsets(text)
    for ch, o in zip(norm, origin):
        source = text[o]
        if ch == " ":
            assert source.isspace()
        else:
            # A ligature or "ß" produces several characters, each pointing back to it.
            assert ch in normalise(source)


def _random_ascii(rng: random.Random) -> str:
    alphabet = string.ascii_letters + string.digits + string.punctuation + " " * 8 + "\t\n\r"
    return "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 80)))


def test_ascii_origins_point_at_the_source_character():
    rng = random.Random(7)
    for _ in range(300):
        text = _random_ascii(rng)
        norm, origin = normalise_with_offsets(text)
        assert norm == normalise(text)
        assert "  " not in norm and norm == norm.strip()
        for ch, o in zip(norm, origin):
            source = text[o]
            assert (ch == " " and source.isspace()) or normalise(source) == ch


def test_docstring_example_offsets():
    norm, origin = normalise_with_offsets("A  \u201cB\u201d")
    assert norm == 'a "b"'
    assert origin.tolist() == [0, 1, 3, 4, 5]


@pytest.mark.parametrize("text", ["Cafe\u0301 de\u0301ja\u0300", "\u0438\u0306\u043e\u0434"])
def test_offsets_version_matches_on_decomposed_accents(text):
    assert normalise_with_offsets(text)[0] == normalise(text)


def test_space_origin_points_at_white_space_after_dropped_char():
    text = "a \u00adb"
    norm, origin = normalise_with_offsets(text)
    assert norm == "a b"
    assert text[origin[1]].isspace()
