"""What core means by an article's title when a file gives none, and by a word: one definition of
each, used by every reader, the token-level formats, agreement and search."""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable
from functools import cache

TITLE_MAX = 200
WORD_DEFINITION = "a letter or digit, then letters, digits, _, combining marks and zero-width joiners"


def title_from(text: str) -> str:
    """The first non-blank line of `text`, stripped and cut to TITLE_MAX characters."""
    for line in text.split("\n"):
        if line.strip():
            return line.strip()[:TITLE_MAX].rstrip()
    return ""


@cache
def word_pattern(ascii_only: bool = False) -> re.Pattern[str]:
    """A word (WORD_DEFINITION), so a decomposed `café` (e + U+0301) stays one word, as in the
    search index's tokenizer. Built once from the Unicode tables (~40 ms); text known to be ASCII
    has no marks and needs none of that."""
    if ascii_only:
        return re.compile(r"[A-Za-z0-9]\w*")
    # every combining mark lies below U+20000 or among the variation selectors at U+E0100
    codes = itertools.chain(range(0x20000), range(0xE0000, 0xE1000))
    marks = _class_of(code for code in codes if unicodedata.category(chr(code)).startswith("M"))
    return re.compile(rf"[^\W_](?:\w|[{marks}\u200c\u200d])*")


def _class_of(codes: Iterable[int]) -> str:
    """A regex character-class body for ascending code points, as ranges."""
    parts: list[str] = []
    start = previous = -2
    for code in codes:
        if code != previous + 1:
            if start >= 0:
                parts.append(_range(start, previous))
            start = code
        previous = code
    if start >= 0:
        parts.append(_range(start, previous))
    return "".join(parts)


def _range(first: int, last: int) -> str:
    if first == last:
        return re.escape(chr(first))
    return f"{re.escape(chr(first))}-{re.escape(chr(last))}"
