"""Offset arithmetic. Stored offsets are code points into the canonical (LF) text.

Two conversions live here: UTF-16 units (what Qt and JavaScript tools count) to and from code
points, and offsets into a CR/CRLF source to offsets into its LF-normalised text.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable
from itertools import accumulate, count
from operator import add

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_CR = re.compile("\r\n?")


class Utf16Map:
    """Maps between code-point and UTF-16 offsets of one text in O(log n) per call."""

    def __init__(self, text: str):
        # the characters past U+FFFF found by C-level iteration (split, len, accumulate), not a
        # Python step per match: a doccano import makes one map per record with such characters
        before = list(accumulate(map(len, _ASTRAL.split(text)[:-1])))  # other characters before each
        self._astral = list(map(add, before, count()))
        self._astral_utf16 = list(map(add, before, count(0, 2)))
        self.length = len(text)

    def to_utf16(self, cp: int) -> int:
        """UTF-16 offset of code point offset `cp`."""
        return cp + bisect_left(self._astral, cp)

    def inside_pair(self, unit: int) -> bool:
        """Whether UTF-16 offset `unit` falls between the two units of a surrogate pair."""
        before = bisect_left(self._astral_utf16, unit)
        return before > 0 and self._astral_utf16[before - 1] == unit - 1

    def to_code_point(self, unit: int, *, round_up: bool = False) -> int:
        """Code point offset of UTF-16 offset `unit`; inside a surrogate pair it rounds down
        (or up, for the end of a range)."""
        before = bisect_left(self._astral_utf16, unit)
        cp = unit - before
        inside_pair = before > 0 and self._astral_utf16[before - 1] == unit - 1
        if inside_pair and round_up:
            cp += 1
        return min(cp, self.length)


def utf16_length(text: str) -> int:
    """Number of UTF-16 code units in `text`."""
    return len(text) + len(_ASTRAL.findall(text))


def normalise_newlines(text: str) -> tuple[str, Callable[[int], int]]:
    """Return the text with CRLF and CR turned into LF, and a function mapping offsets in the
    original text to offsets in the returned one."""
    if "\r" not in text:
        return text, lambda offset: offset
    removed = [m.start() for m in _CR.finditer(text) if m.end() - m.start() == 2]
    canonical = _CR.sub("\n", text)

    def to_canonical(offset: int) -> int:
        return offset - bisect_left(removed, offset)

    return canonical, to_canonical
