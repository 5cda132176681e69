"""The statements every part of the store shares, and the mappers from rows to model records."""

from __future__ import annotations

import hashlib
import json
import math
import sqlite3
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

from annotator.core.errors import DamagedRow
from annotator.core.model import Article, ArticleRow, Relation, Span, Status
from annotator.core.scheme import AttributeSpec, Label

ARTICLE_COLUMNS = (
    "title, text, status, outlet, author, published, url, source, content_hash, imported_at, meta"
)
ARTICLE_SELECT = f"SELECT id, {ARTICLE_COLUMNS} FROM articles"
SPAN_SELECT = (
    'SELECT s.id, s.article_id, s.start, s."end", l.name, s.attributes, s.note, s.annotator, '
    "s.created, s.updated FROM spans s JOIN labels l ON l.id = s.label_id"
)
SPAN_INSERT = (
    'INSERT INTO spans (id, article_id, start, "end", label_id, attributes, note, annotator, '
    "created, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
RELATION_SELECT = "SELECT id, from_span, to_span, type, annotator, created FROM relations"
RELATION_INSERT = (
    "INSERT INTO relations (from_span, to_span, type, annotator, created) VALUES (?, ?, ?, ?, ?)"
)
LABEL_SELECT = (
    "SELECT id, name, color, shortcut, attributes, position, description FROM labels ORDER BY position, id"
)
LABEL_OF_SPAN = "SELECT l.name FROM spans s JOIN labels l ON l.id = s.label_id WHERE s.id = ?"
ANNOTATOR_INSERT = "INSERT OR IGNORE INTO annotators (name, created) VALUES (?, ?)"


def now() -> str:
    """The timestamp stored on new rows: UTC, to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def content_hash(text: str) -> str:
    """The identity of an article across projects: SHA-256 of its canonical text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def to_json(value: object) -> str:
    """JSON as stored; NaN and Infinity are not JSON (other readers reject them): ValueError."""
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


def from_json(text: object, what: str, kind: type = dict) -> Any:
    """Stored JSON back (`kind`: what it must be); DamagedRow naming `what` if it is not that,
    or holds NaN or Infinity, which no export may write."""
    try:
        value = json.loads(text, parse_constant=_no_constant, parse_float=_finite)
    except (TypeError, ValueError, RecursionError) as error:
        raise DamagedRow(f"{what} cannot be read as JSON ({error})") from None
    if not isinstance(value, kind):
        raise DamagedRow(f"{what} should be a JSON {'object' if kind is dict else 'list'}")
    return value


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not a number JSON allows")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text} is too large a number")
    return value


def attributes_json(attributes: Iterable[AttributeSpec]) -> str:
    return to_json([a.to_dict() for a in attributes])


def batches(cursor: sqlite3.Cursor, size: int = 2000) -> Iterator[tuple]:
    """Iterate a cursor in batches (fewer round trips than fetchone)."""
    while batch := cursor.fetchmany(size):
        yield from batch


STATUSES = frozenset(str(status) for status in Status)


def article_row(row: tuple) -> ArticleRow:
    """A list row from (id, title, outlet, published, status, span count); an unknown status or
    a value of the wrong type is shown, not raised."""
    article_id, title, outlet, published, status, spans = row
    try:
        known, problem = Status(status), ""
    except ValueError:
        known, problem = None, f"unknown status {status!r}"
    return ArticleRow(article_id, _shown(title), _shown(outlet), _shown(published), known, spans, problem)


def _shown(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def article(row: tuple) -> Article:
    if row[3] not in STATUSES:
        raise DamagedRow(f"article {row[0]} has the unknown status {row[3]!r}")
    return Article(
        id=row[0],
        title=row[1],
        text=row[2],
        status=Status(row[3]),
        outlet=row[4],
        author=row[5],
        published=row[6],
        url=row[7],
        source=row[8],
        content_hash=row[9],
        imported_at=row[10],
        meta=from_json(row[11], f"the metadata of article {row[0]}"),
    )


def span(row: tuple) -> Span:
    return Span(
        id=row[0],
        article_id=row[1],
        start=row[2],
        end=row[3],
        label=row[4],
        attributes={} if row[5] == "{}" else from_json(row[5], f"the attributes of span {row[0]}"),
        note=row[6],
        annotator=row[7],
        created=row[8],
        updated=row[9],
    )


def relation(row: tuple) -> Relation:
    return Relation(*row)


def label(row: tuple) -> Label:
    what = f"the attributes of label {row[1]!r}"
    try:
        specs = tuple(AttributeSpec.from_dict(a) for a in from_json(row[4], what, list))
    except (TypeError, KeyError, AttributeError, ValueError) as error:
        raise DamagedRow(f"{what} are not attribute definitions ({error})") from None
    return Label(
        id=row[0],
        name=row[1],
        color=row[2],
        shortcut=row[3],
        attributes=specs,
        position=row[5],
        description=row[6],
    )
