"""Control characters, decided once, at import.

A C0 control character (U+0000–U+001F other than tab, line feed and carriage return) or DEL in
anything imported becomes its visible stand-in from the Control Pictures block (U+2400 `␀` …
U+241F, U+2421 `␡`); in a text, note or attribute value a vertical tab or form feed (a PDF's page
break) becomes a line break instead, names (titles, labels, annotators, relation types, attribute
keys) get the stand-in. One character always becomes one, so every offset stays where it was.
Left raw they made XML exports invalid, broke the labeling config, and a NUL cut SQLite's view of a
text short. XML writers also pass what they write through `xml_attr`/`xml_text`, for projects
stored before.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from annotator.core.model import NewArticle

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# XML 1.0 allows tab, LF and CR and no other C0 character, not even escaped.
_PICTURES = {code: chr(0x2400 + code) for code in range(0x20) if chr(code) not in "\t\n\r"} | {0x7F: "\u2421"}
_LINES = _PICTURES | {0x0B: "\n", 0x0C: "\n"}


def visible(text: str) -> str:
    """A text (article, note, value) with its control characters replaced one for one."""
    return text.translate(_LINES) if _CONTROL.search(text) else text


def visible_name(name: str) -> str:
    """A one-line name with its control characters replaced one for one by their stand-ins."""
    return name.translate(_PICTURES) if _CONTROL.search(name) else name


def visible_value(value: Any) -> Any:
    """`visible` applied to every string in a JSON-like value (an attribute set; keys as names)."""
    if isinstance(value, str):
        return visible(value)
    if isinstance(value, dict):
        return {visible_name(str(key)): visible_value(item) for key, item in value.items()}
    if isinstance(value, list):
        return [visible_value(item) for item in value]
    return value


def visible_article(article: NewArticle) -> NewArticle:
    """The article as it is stored: text, fields, labels, notes, attributes, annotator names and
    relation types without control characters (its metadata stays as given: JSON carries it)."""
    changed: dict[str, Any] = {
        key: visible_name(getattr(article, key)) for key in _FIELDS if _has_control(getattr(article, key))
    }
    if _has_control(article.text):
        changed["text"] = visible(article.text)
    if _spans_have_control(article.spans):
        changed["spans"] = tuple(
            replace(
                span,
                label=visible_name(span.label),
                attributes=visible_value(span.attributes),
                note=visible(span.note),
                annotator=visible_name(span.annotator),
            )
            for span in article.spans
        )
    if any(_has_control(relation.type) for relation in article.relations):
        changed["relations"] = tuple(replace(r, type=visible_name(r.type)) for r in article.relations)
    return replace(article, **changed) if changed else article


_FIELDS = ("title", "outlet", "author", "published", "url")


def _spans_have_control(spans: tuple) -> bool:
    """Whether a span's label, note, annotator or attributes hold one: its strings searched at
    once (one search per span and string was a tenth of an import's time)."""
    if not spans:
        return False
    strings = "\t".join([f"{s.label}\t{s.note}\t{s.annotator}" for s in spans])
    if _CONTROL.search(strings):
        return True
    return any(s.attributes and _has_control(s.attributes) for s in spans)


def _has_control(value: Any) -> bool:
    if isinstance(value, str):
        return _CONTROL.search(value) is not None
    if isinstance(value, dict):
        return any(_has_control(key) or _has_control(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_has_control(item) for item in value)
    return False


def xml_attr(text: str) -> str:
    """A quoted XML attribute value that stays well-formed whatever `text` holds."""
    from xml.sax.saxutils import quoteattr  # imported here: it loads urllib and email (30 ms a start)

    return quoteattr(text.translate(_PICTURES))


def xml_text(text: str) -> str:
    """XML character data that stays well-formed whatever `text` holds."""
    from xml.sax.saxutils import escape

    return escape(text.translate(_PICTURES))


# For a terminal: every C0 character but tab and line feed, DEL and the C1 controls (U+0080–
# U+009F, where 0x9B starts an escape sequence on some terminals), so a title can't move the cursor,
# clear the screen or retitle the window.
_TERMINAL = (
    {code: chr(0x2400 + code) for code in range(0x20) if chr(code) not in "\t\n"}
    | {0x7F: "\u2421"}
    | {code: "\ufffd" for code in range(0x80, 0xA0)}
)


def printable(text: str) -> str:
    """`text` safe to print on a terminal: control characters shown as stand-ins, never run."""
    return text.translate(_TERMINAL)
