"""The copy of an article's text that Qt shows, and the exact offset mapping between the two."""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right

from annotator.core.offsets import Utf16Map

DISPLAY_BLOCK = 2000
"""Display paragraphs longer than this many code points are broken (see `DisplayText`)."""
_SAME_LENGTH_FIXES = re.compile("[\r\ud800-\udfff]")
_BYTE_ORDER_MARKS = {"\ufeff": "\u2060", "\ufffe": "\ufffd"}
"""PySide reads a leading U+FEFF as a byte order mark and drops it; a leading U+FFFE byte-swaps
the whole string. Replaced by same-length characters (word joiner, replacement character)."""
_SOFT_BREAK = re.compile(r"[\s\u3000-\u303f\uff01-\uff0f\uff1a-\uff1f\uff5c.,;:!?)\]}\-\u2013\u2014]")


# ---------------------------------------------------------------------------------- display text
class DisplayText:
    """The copy of a canonical text that Qt shows, and the exact offset mapping between the two.

    Qt lays out a whole paragraph at once, so one huge paragraph makes loading and every cursor
    move slow. The copy therefore breaks paragraphs longer than `block_limit` code points: it turns
    a space (U+0020) near every `block_limit`-th code point into "\\n" (same length, so the mapping
    stays exact) and, only where a stretch has no space at all (e.g. Chinese), inserts a "\\n"
    that the mapping skips. `\\r` (Qt merges "\\r\\n" into one position), lone surrogates and a
    leading U+FEFF/U+FFFE are replaced by same-length characters. U+2028/U+2029 keep their single
    position in Qt.
    """

    def __init__(self, text: str, block_limit: int = DISPLAY_BLOCK):
        self.length = len(text)
        self._utf16 = Utf16Map(text)
        fixed = _SAME_LENGTH_FIXES.sub(_same_length, text) if _needs_fixes(text) else text
        if fixed[:1] in _BYTE_ORDER_MARKS:
            fixed = _BYTE_ORDER_MARKS[fixed[0]] + fixed[1:]
        breaks = _break_points(fixed, block_limit)
        self.inserted = [cp for cp, replaced in breaks if not replaced]
        self._inserted_qt = [self._utf16.to_utf16(cp) + i for i, cp in enumerate(self.inserted)]
        pieces, previous = [], 0
        for cp, replaced in breaks:
            pieces += (fixed[previous:cp], "\n")
            previous = cp + replaced
        pieces.append(fixed[previous:])
        self.text = "".join(pieces)
        self._same = not self.inserted and self._utf16.to_utf16(self.length) == self.length
        """Whether offsets are the same in both (no break inserted, nothing past U+FFFF): painting
        maps thousands of offsets, mostly of such texts."""

    def to_qt(self, cp: int) -> int:
        """Qt position of code point offset `cp` (clamped to the text)."""
        cp = 0 if cp < 0 else cp if cp < self.length else self.length
        if self._same:
            return cp
        return self._utf16.to_utf16(cp) + bisect_right(self.inserted, cp)

    def to_code_point(self, unit: int, round_up: bool = False) -> int:
        """Code point offset of Qt position `unit`; inside a surrogate pair it rounds down (or up)."""
        if self._same:
            return 0 if unit < 0 else unit if unit < self.length else self.length
        unit = max(unit, 0) - bisect_left(self._inserted_qt, unit)
        return self._utf16.to_code_point(unit, round_up=round_up)


def _needs_fixes(text: str) -> bool:
    """Whether `text` holds a "\\r" or a lone surrogate. Encoding finds the latter at C speed: a
    regex search of a 5 MB text took 2.5x as long."""
    if "\r" in text:
        return True
    try:
        text.encode("utf-16-le")
    except UnicodeEncodeError:
        return True
    return False


def _same_length(match: re.Match[str]) -> str:
    return "\n" if match.group() == "\r" else "\ufffd"


def _break_points(text: str, limit: int, slack: int = 100) -> list[tuple[int, int]]:
    """Where to break long paragraphs: `(code point, 1)` replaces a space, `(code point, 0)` inserts
    a break before that code point. Looks at O(len / limit) windows, not at every line."""
    breaks: list[tuple[int, int]] = []
    n, pos = len(text), 0
    while n - pos > limit:
        window_end = pos + limit + 1
        newline = text.rfind("\n", pos, window_end)
        if newline != -1:
            pos = newline + 1
            continue
        cut = text.rfind(" ", pos + limit // 2, window_end)
        if cut == -1:
            stretch_end = min(n, window_end + slack)
            newline = text.find("\n", window_end, stretch_end)
            cut = text.find(" ", window_end, stretch_end if newline == -1 else newline)
            if cut == -1 and newline != -1:
                pos = newline + 1
                continue
        if cut != -1:
            breaks.append((cut, 1))
            pos = cut + 1
        else:
            pos = _insertion_point(text, pos + limit // 2, pos + limit)
            breaks.append((pos, 0))
    return breaks


def _insertion_point(text: str, low: int, high: int) -> int:
    """A place in (low, high] to insert a break: after punctuation if any, never inside a grapheme."""
    soft = [match.end() for match in _SOFT_BREAK.finditer(text, low, high)]
    if soft and _breakable(text, soft[-1]):
        return soft[-1]
    return next((i for i in range(high, low, -1) if _breakable(text, i)), high)


def _breakable(text: str, i: int) -> bool:
    char, before = text[i], text[i - 1]
    if unicodedata.category(char) in ("Mn", "Mc", "Me") or "\u200d" in (char, before):
        return False
    if "\ufe00" <= char <= "\ufe0f" or "\U0001f3fb" <= char <= "\U0001f3ff":
        return False
    return not ("\U0001f1e6" <= char <= "\U0001f1ff" and "\U0001f1e6" <= before <= "\U0001f1ff")
