"""Selection helpers: grow a code-point range to its sentence or to the quotation around it, so
tagging a quote is one key, not a drag. Qt-free; the window maps the result to the view."""

from __future__ import annotations

import re

QUOTE_PAIRS: dict[str, str] = {
    "“": "”",  # English
    "„": "“”",  # German, Polish
    "‚": "‘’",
    "‘": "’",
    "«": "»",  # French, Russian…
    "»": "«",  # Danish, German books
    "‹": "›",
    "›": "‹",
    "「": "」",  # Japanese, Chinese
    "『": "』",
    '"': '"',
    "'": "'",
}
"""Each opening mark and the marks that close it."""
_MARKS = frozenset(QUOTE_PAIRS) | frozenset("".join(QUOTE_PAIRS.values()))
_APOSTROPHES = "'’"
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’»«›‹」』)\]]*(?=\s|$)|[。！？]+[」』”’)）]*")


def _paragraph(text: str, start: int, end: int) -> tuple[int, int]:
    low = text.rfind("\n", 0, start) + 1
    high = text.find("\n", max(end, start))
    return low, len(text) if high == -1 else high


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The sentence(s) covering `[start, end)` (a caret when equal): from after the previous
    sentence end to the next one, never across a line break; None on an empty line."""
    low, high = _paragraph(text, start, end)
    begin = low
    for match in _SENTENCE_END.finditer(text, low, high):
        if match.end() > start and match.end() >= end:
            high = match.end()
            break
        if match.end() <= start:
            begin = match.end()
    while begin < high and text[begin].isspace():
        begin += 1
    while high > begin and text[high - 1].isspace():
        high -= 1
    return (begin, high) if high > begin else None


def _is_word(char: str) -> bool:
    return char.isalnum()


def quote_pairs(text: str, low: int, high: int) -> list[tuple[int, int]]:
    """Matched quotation marks in `text[low:high]` as `(open, close)` positions of the marks.
    Apostrophes inside words (don't, l’État) are not quotation marks; an opener left unclosed
    is dropped when a mark further out closes."""
    pairs: list[tuple[int, int]] = []
    stack: list[tuple[str, int]] = []
    for i in range(low, high):
        char = text[i]
        if char not in _MARKS:
            continue
        before = text[i - 1] if i > low else " "
        after = text[i + 1] if i + 1 < high else " "
        if char in _APOSTROPHES and _is_word(before) and _is_word(after):
            continue
        closes = next((k for k in range(len(stack) - 1, -1, -1) if char in QUOTE_PAIRS[stack[k][0]]), None)
        if char in _APOSTROPHES and closes is not None and not (_is_word(before) or before in ".,!?…"):
            closes = None  # ' before a word opens, it does not close
        if closes is not None:
            pairs.append((stack[closes][1], i))
            del stack[closes:]
        elif char in QUOTE_PAIRS and not (char in _APOSTROPHES and _is_word(before)):
            stack.append((char, i))
    return pairs


def quote_bounds(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The smallest quotation, marks included, that holds `[start, end)` and is larger than it; so
    pressing again grows to the quotation around this one. None when there is none."""
    low, high = _paragraph(text, start, end)
    best: tuple[int, int] | None = None
    for opening, closing in quote_pairs(text, low, high):
        found = (opening, closing + 1)
        if opening <= start and closing + 1 >= end and found != (start, end):
            if best is None or found[1] - found[0] < best[1] - best[0]:
                best = found
    return best
