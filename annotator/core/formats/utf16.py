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
# where both readings fit, the first spans are looked at one by one as UTF-16 units before the
# whole text is mapped: random spans (cutting words either way) rarely pass one, let alone three
_LOOK_FIRST = 3
Range = tuple[str, int, int, int, "str | None"]  # key, index, start, end, quoted text or None
_OPENS_A_PAIR = bytes(range(0xD8, 0xDC))  # high byte of a UTF-16 unit that opens a surrogate pair


def as_code_points(record: dict[str, Any], text: str) -> tuple[dict[str, Any] | None, bool]:
    """`record` with the offsets of its doccano spans moved from UTF-16 units onto code points of
    `text`, or None if they read as code points; and whether that is doubtful (both readings fit,
    but only the UTF-16 one puts every span edge between words: they are read as code points)."""
    if not _ASTRAL.search(text):
        return None, False
    found = _ranges(record)
    if not found:
        return None, False
    fits = _fit(found, text)
    if fits and not _cuts_a_word(text, found):
        return None, False  # code points, and no doubt: the UTF-16 reading need not be made
    if fits:
        for span in found[:_LOOK_FIRST]:
            if _utf16_misfits(text, span):
                return None, False  # both fit, but a span as UTF-16 units does not, or cuts words too
    units = Utf16Map(text)
    limit = units.to_utf16(len(text))
    moved = []
    for key, index, start, end, quoted in found:
        if not 0 <= start < end <= limit or units.inside_pair(start) or units.inside_pair(end):
            return None, False
        first, last = units.to_code_point(start), units.to_code_point(end)
        if quoted is not None and quoted != text[first:last]:
            return None, False
        if fits and _cuts_a_word(text, [(key, index, first, last, None)]):
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


def _ranges(record: dict[str, Any]) -> list[Range]:
    """Each well-formed doccano span as a Range (plain loops: run for every record with an emoji)."""
    found: list[Range] = []
    items = record.get("label")
    if isinstance(items, list):
        for index, item in enumerate(items):
            if isinstance(item, list) and len(item) == 3:
                start, end, _ = item
                if type(start) is int and type(end) is int:
                    found.append(("label", index, start, end, None))
    items = record.get("entities")
    if isinstance(items, list):
        for index, item in enumerate(items):
            if isinstance(item, dict):
                start, end, quoted = item.get("start_offset"), item.get("end_offset"), item.get("text")
                if type(start) is int and type(end) is int and (quoted is None or isinstance(quoted, str)):
                    found.append(("entities", index, start, end, quoted))
    return found


def _fit(found: list[Range], text: str) -> bool:
    """Whether every span fits `text` read as code points (inside it, and its quoted text there)."""
    length = len(text)
    for _, _, start, end, quoted in found:
        if not 0 <= start < end <= length or (quoted is not None and quoted != text[start:end]):
            return False
    return True


def _utf16_misfits(text: str, span: Range) -> bool:
    """Whether one span read as UTF-16 units is impossible (past the text, inside a surrogate pair,
    another text than `quoted`) or cuts a word: a look at one span before mapping the whole text.
    Only the text up to the span's end is encoded (as code points it has at least as many units);
    a lone surrogate there leaves the answer to the whole text's map, which counts it as one unit."""
    key, index, start, end, quoted = span
    try:
        units = text[: end + 1].encode("utf-16-le")
    except UnicodeEncodeError:
        return False
    size = len(units) // 2
    if not 0 <= start < end <= size:
        return True
    if 0xDC <= units[2 * start + 1] <= 0xDF or (end < size and 0xDC <= units[2 * end + 1] <= 0xDF):
        return True  # the second unit of a pair
    # a code point offset counts the units before it that do not open a pair (as decoding would)
    high_bytes = units[1 : 2 * end : 2]
    first = len(high_bytes[:start].translate(None, _OPENS_A_PAIR))
    last = len(high_bytes.translate(None, _OPENS_A_PAIR))
    return (quoted is not None and quoted != text[first:last]) or _cuts_a_word(
        text, [(key, index, first, last, None)]
    )


def _cuts_a_word(text: str, found: list[Range]) -> bool:
    """Whether an edge of these spans cuts a word (a letter or digit on both sides)."""
    length = len(text)
    for _, _, start, end, _ in found:
        if 0 < start < length and text[start - 1].isalnum() and text[start].isalnum():
            return True
        if 0 < end < length and text[end - 1].isalnum() and text[end].isalnum():
            return True
    return False
