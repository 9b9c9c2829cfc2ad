"""[debris]: markup, style and script fragments a scraper left in the article text."""
from __future__ import annotations

import re

from dedupe.types import Flag

from .text import make_flag

# Each pattern is a shape of code, never a particular site's class name: a tag, an
# attribute with any quote style (scrapers often "smarten" quotes), an entity, a
# CSS rule, a script statement, a template or comment marker.
_QUOTE = "\"'“”‘’″"
_DEBRIS = [
    (re.compile(r"</?[A-Za-z][\w:-]*(?:\s+[^<>\n]{0,300})?/?>"), 0.95, "an HTML tag"),
    (re.compile(rf"(?<![\w=])[a-z][\w:-]*=[{_QUOTE}][^{_QUOTE}\n]{{0,200}}[{_QUOTE}]\s*/?>?"), 0.95,
     "an HTML attribute (name=\"value\")"),
    (re.compile(r"&(?:[a-zA-Z]{2,8}|#\d{2,6}|#x[0-9a-fA-F]{2,5});"), 0.9, "an HTML entity"),
    (re.compile(r"[#.]?[\w-]*\s*\{[^{}\n]*:[^{}\n]*;[^{}\n]*\}"), 0.95, "a CSS rule"),
    (re.compile(r"\b(?:function\s*\w*\s*\([^()\n]*\)\s*\{|var\s+\w+\s*=|(?:window|document)\.\w+|\w+\.\w+\([^()\n]*\)\s*;)"),
     0.9, "a script statement"),
    (re.compile(r"<!--|-->|\{\{[^{}\n]*\}\}|\{%[^%\n]*%\}"), 0.9, "a comment or template marker"),
]

# strings each pattern cannot match without (one must be in the text): most texts have
# no markup, and skip the scan
_NEEDS = {"an HTML tag": ("<",), "an HTML attribute (name=\"value\")": ("=",), "an HTML entity": ("&",),
          "a CSS rule": ("{",), "a script statement": ("function", "var", "window.", "document.", ";"),
          "a comment or template marker": ("<!--", "-->", "{{", "{%")}


def find_debris(text: str) -> list[Flag]:
    """Flag code fragments in prose: tags, attributes, entities, CSS and script.

    Why: scraped pages leak the markup around ads and widgets into the text, and
    no translation produces it.

    >>> [f.text for f in find_debris('Fine text. class="ad-slot"> More &nbsp; text.')]
    ['class="ad-slot">', '&nbsp;']
    """
    flags: list[Flag] = []
    taken: list[tuple[int, int]] = []
    for pattern, score, what in _DEBRIS:
        if not any(n in text for n in _NEEDS[what]):
            continue
        for m in pattern.finditer(text):
            s, e = m.start(), m.end()
            if any(s < te and ts < e for ts, te in taken):
                continue
            taken.append((s, e))
            flags.append(make_flag(text, s, e, "debris", score, f"looks like {what}, not prose"))
    return sorted(flags, key=lambda f: f.start)
