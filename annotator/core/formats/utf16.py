"""doccano files whose offsets count UTF-16 units. A JavaScript tool counts a character past
U+FFFF (an emoji, a rare CJK character) as two units; doccano itself and we count it as one code
point, and files of both kinds circulate under doccano's shapes. A record is read as UTF-16 only
when its spans fit the text that way and not as code points: a span ends past the text, or a span's
`text` matches only the UTF-16 slice. Its offsets are then moved onto code points, and the import
says so. Where both readings fit but only the UTF-16 one puts span edges between words, the
offsets are read as code points and the import says they may be UTF-16 (a guess is not made)."""

from __future__ import annotations

import re
from typing import Any

from annotator.core.offsets import Utf16Map

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
# doccano's span shapes: the key, and where a span keeps its start and end
_SHAPES = (("label", 0, 1), ("entities", "start_offset", "end_offset"))


def as_code_points(record: dict[str, Any], text: str) -> tuple[dict[str, Any] | None, bool]:
    """`record` with the offsets of its doccano spans moved from UTF-16 units onto code points of
    `text`, or None if they read as code points; and whether that is doubtful (both readings fit,
    but only the UTF-16 one puts every span edge between words: they are read as code points)."""
    if not _ASTRAL.search(text):
        return None, False
    found = list(_ranges(record))
    if not found:
        return None, False
    fits = all(
        0 <= start < end <= len(text) and quoted in (None, text[start:end])
        for *_, start, end, quoted in found
    )
    if fits and not _cuts_a_word(text, [(start, end) for *_, start, end, _ in found]):
        return None, False  # code points, and no doubt: the UTF-16 reading need not be made
    if fits and _utf16_misfits(text, *found[0][2:]):
        return None, False  # both fit but the first span as UTF-16 units does not, or cuts words too
    units = Utf16Map(text)
    limit = units.to_utf16(len(text))
    moved = []
    for key, index, start, end, quoted in found:
        if not 0 <= start < end <= limit or units.inside_pair(start) or units.inside_pair(end):
            return None, False
        first, last = units.to_code_point(start), units.to_code_point(end)
        if quoted is not None and quoted != text[first:last]:
            return None, False
        if fits and _cuts_a_word(text, [(first, last)]):
            return None, False  # both fit and both cut words: code points (random spans may)
        moved.append((key, index, first, last))
    if fits:  # both fit, but only UTF-16 units keep to words: code points, doubtful
        return None, True
    copy = dict(record)
    for key in {key for key, *_ in moved}:
        copy[key] = list(copy[key])
    for key, index, first, last in moved:
        item = copy[key][index]
        copy[key][index] = (
            [first, last, item[2]] if key == "label" else {**item, "start_offset": first, "end_offset": last}
        )
    return copy, False


def _ranges(record: dict[str, Any]):
    """(key, index, start, end, quoted text or None) of each well-formed doccano span."""
    for key, start_key, end_key in _SHAPES:
        items = record.get(key)
        if not isinstance(items, list):
            continue
        for index, item in enumerate(items):
            if key == "label" and isinstance(item, list) and len(item) == 3:
                start, end, quoted = item[0], item[1], None
            elif key == "entities" and isinstance(item, dict):
                start, end, quoted = item.get(start_key), item.get(end_key), item.get("text")
            else:
                continue
            if type(start) is int and type(end) is int and (quoted is None or isinstance(quoted, str)):
                yield key, index, start, end, quoted


def _utf16_misfits(text: str, start: int, end: int, quoted: str | None) -> bool:
    """Whether one span read as UTF-16 units is impossible (past the text, inside a surrogate pair,
    another text than `quoted`) or cuts a word: a look at one span before mapping the whole text
    (per edge, one C-level decode of the text before it)."""
    units = text.encode("utf-16-le", "surrogatepass")
    if not 0 <= start < end <= len(units) // 2:
        return True
    if any(edge < len(units) // 2 and 0xDC <= units[2 * edge + 1] <= 0xDF for edge in (start, end)):
        return True  # the second unit of a pair
    first, last = (len(units[: 2 * edge].decode("utf-16-le", "surrogatepass")) for edge in (start, end))
    return (quoted is not None and quoted != text[first:last]) or _cuts_a_word(text, [(first, last)])


def _cuts_a_word(text: str, ranges: list[tuple[int, int]]) -> bool:
    """Whether an edge of these spans cuts a word (a letter or digit on both sides)."""
    for start, end in ranges:
        for edge in (start, end):
            if 0 < edge < len(text) and text[edge - 1].isalnum() and text[edge].isalnum():
                return True
    return False
