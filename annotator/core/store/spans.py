"""The spans table: create, change, copy (adjudication), delete and restore (undo), and reads."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import replace
from functools import partial
from typing import Any

from annotator.core.errors import InvalidSpan, NotFound
from annotator.core.model import Changes, Op, Relation, Span, SpanExtent
from annotator.core.store import rows
from annotator.core.store.base import StorePart

_EXTENT = partial(tuple.__new__, SpanExtent)
DENSE = 4
"""`check_spans` reads the table rows between an article's lowest and highest span id in one
pass when there are fewer than DENSE rows per span of the article there (spans imported or made
together lie side by side); looking 50,000 rows up one by one through the index took 10x longer."""


def check_range(start: int, end: int, length: int) -> None:
    """InvalidSpan unless [start, end) is a non-empty range inside a text of `length`."""
    if not (0 <= start < end <= length):
        raise InvalidSpan(f"Span [{start}, {end}) is outside the text (length {length}) or empty.")


class Spans(StorePart):
    """The `spans` table."""

    def spans(self, article_id: int, annotator: str | None = None) -> list[Span]:
        """The article's spans (all, or one annotator's) ordered by start, then longest first."""
        who, args = (" AND s.annotator = ?", [annotator]) if annotator is not None else ("", [])
        found = self.conn.execute(
            rows.SPAN_SELECT + f' WHERE s.article_id = ?{who} ORDER BY s.start, s."end" DESC, s.id',
            [article_id, *args],
        )
        return [rows.span(row) for row in found]

    def check_spans(self, article_id: int) -> None:
        """DamagedRow if a span of the article holds attributes that cannot be read, as `spans`
        would raise, without making a Span of every row (an article may have 50,000)."""
        low, high, count = self.conn.execute(
            "SELECT min(id), max(id), count(*) FROM spans WHERE article_id = ?", [article_id]
        ).fetchone()
        if not count:
            return
        if high - low < DENSE * count:  # one pass over these rows of the table (10x faster at 50k)
            found = self.conn.execute(
                "SELECT id, attributes FROM spans NOT INDEXED WHERE id BETWEEN ? AND ? AND article_id = ? "
                "AND attributes != '{}'",
                [low, high, article_id],
            )
        else:  # spread over the table: each row found through the index
            found = self.conn.execute(
                "SELECT id, attributes FROM spans WHERE article_id = ? AND attributes != '{}'", [article_id]
            )
        for span_id, attributes in found:
            rows.from_json(attributes, f"the attributes of span {span_id}")

    def span_extents(
        self,
        article_id: int,
        ids: Iterable[int] | None = None,
        annotator: str | None = None,
        before: int | None = None,
    ) -> list[SpanExtent]:
        """Id, range and label of the article's spans (or of those among `ids`, or one
        annotator's, or those starting before `before`), by start. Read through the covering
        index and made without a Python call per row: the window opens an article with 50,000
        spans with this."""
        sql = 'SELECT s.id, s.start, s."end", l.name FROM spans s JOIN labels l ON l.id = s.label_id'
        sql += " WHERE s.article_id = ?"
        args: list[int | str] = [article_id]
        if before is not None:
            args.append(before)
            sql += " AND s.start < ?"
        if ids is not None:
            ids = list(ids)
            args += ids
            sql += f" AND s.id IN ({','.join('?' * len(ids))})"
        if annotator is not None:
            args.append(annotator)
            sql += " AND s.annotator = ?"
        return list(map(_EXTENT, self.conn.execute(sql + " ORDER BY s.start", args)))

    def spans_by_id(self, ids: Iterable[int]) -> dict[int, Span]:
        """The spans with these ids, keyed by id (ids that no longer exist are left out)."""
        ids = list(ids)
        found: dict[int, Span] = {}
        for begin in range(0, len(ids), 500):
            chunk = ids[begin : begin + 500]
            marks = ",".join("?" * len(chunk))
            for row in self.conn.execute(rows.SPAN_SELECT + f" WHERE s.id IN ({marks})", chunk):
                found[row[0]] = rows.span(row)
        return found

    def span(self, span_id: int) -> Span:
        """The span with this id; NotFound (a KeyError) if there is none."""
        row = self.conn.execute(rows.SPAN_SELECT + " WHERE s.id = ?", [span_id]).fetchone()
        if row is None:
            raise NotFound(f"Span {span_id}")
        return rows.span(row)

    def add_span(
        self,
        article_id: int,
        start: int,
        end: int,
        label: str,
        attributes: dict[str, Any] | None = None,
        note: str = "",
    ) -> Changes:
        """Create a span; its id is the only member of the returned `Changes.spans`, the span as
        stored the only one of its `span_rows`."""
        check_range(start, end, self._text_length(article_id))
        now = rows.now()
        attributes = json.loads(rows.to_json(attributes)) if attributes else {}  # as they read back
        values = (article_id, start, end, label, attributes, note, self.annotator, now, now)
        with self._write() as conn:
            span = Span(self._insert_span(conn, Span(0, *values)), *values)
        return Changes(
            Op.ADD_SPAN, articles=frozenset({article_id}), spans=frozenset({span.id}), span_rows=(span,)
        )

    def add_spans(self, spans: Iterable[tuple[int, int, int, str]]) -> Changes:
        """Create several spans (article id, start, end, label) in one transaction: "tag every
        occurrence" as one step, undone by `delete_spans` of the returned ids."""
        now = rows.now()
        made: list[Span] = []
        for article_id, start, end, label in spans:
            check_range(start, end, self._text_length(article_id))
            made.append(Span(0, article_id, start, end, label, {}, "", self.annotator, now, now))
        with self._write() as conn:
            made = [replace(span, id=self._insert_span(conn, span)) for span in made]
        return Changes(
            Op.ADD_SPANS,
            articles=frozenset(s.article_id for s in made),
            spans=frozenset(s.id for s in made),
            span_rows=tuple(made),
        )

    def update_span(
        self,
        span_id: int,
        *,
        start: int | None = None,
        end: int | None = None,
        label: str | None = None,
        attributes: dict[str, Any] | None = None,
        note: str | None = None,
        updated: str | None = None,
    ) -> Changes:
        """Change any of a span's range, label, attributes or note. `updated` is for undo, which
        puts back the old timestamp too."""
        old = self.span(span_id)
        new = replace(
            old,
            start=old.start if start is None else start,
            end=old.end if end is None else end,
            label=old.label if label is None else label,
            attributes=old.attributes if attributes is None else attributes,
            note=old.note if note is None else note,
        )
        check_range(new.start, new.end, self._text_length(old.article_id))
        label_id = self._label_id(new.label)
        with self._write() as conn:
            conn.execute(
                'UPDATE spans SET start = ?, "end" = ?, label_id = ?, attributes = ?, note = ?, '
                "updated = ? WHERE id = ?",
                [
                    new.start,
                    new.end,
                    label_id,
                    rows.to_json(new.attributes),
                    new.note,
                    updated or rows.now(),
                    span_id,
                ],
            )
        return Changes(Op.UPDATE_SPAN, articles=frozenset({old.article_id}), spans=frozenset({span_id}))

    def delete_span(self, span_id: int) -> Changes:
        """Delete a span and the relations that touch it."""
        return self.delete_spans([span_id])

    def copy_spans(self, span_ids: Iterable[int], annotator: str) -> Changes:
        """Copy spans (range, label, attributes, note) as `annotator`'s own, in one transaction:
        adjudication accepts a coder's span into the gold annotation this way."""
        sources = [self.span(span_id) for span_id in span_ids]
        now = rows.now()
        new_ids: list[int] = []
        with self._write() as conn:
            conn.execute(rows.ANNOTATOR_INSERT, [annotator, now])
            for span in sources:
                copy = replace(span, id=0, annotator=annotator, created=now, updated=now)
                new_ids.append(self._insert_span(conn, copy))
            copies = dict(zip(new_ids, sources, strict=True))
            relation_ids = self._copy_relations(conn, copies, annotator, now)
        return Changes(
            Op.COPY_SPANS,
            articles=frozenset(s.article_id for s in sources),
            spans=frozenset(new_ids),
            relations=frozenset(relation_ids),
        )

    def _copy_relations(
        self, conn: sqlite3.Connection, copies: dict[int, Span], annotator: str, now: str
    ) -> list[int]:
        """Give copied spans the relations their originals had, wherever `annotator` also has a
        span matching the other end (same article, range and label): an accepted quote keeps its
        attribution to an accepted actor."""
        created: list[int] = []
        for copy_id, original in copies.items():
            for relation in self.span_relations(original.id):
                outgoing = relation.from_span == original.id
                other = self.span(relation.to_span if outgoing else relation.from_span)
                match = conn.execute(
                    "SELECT s.id FROM spans s JOIN labels l ON l.id = s.label_id WHERE s.article_id = ? "
                    'AND s.start = ? AND s."end" = ? AND l.name = ? AND s.annotator = ? LIMIT 1',
                    [other.article_id, other.start, other.end, other.label, annotator],
                ).fetchone()
                if match is None:
                    continue
                ends = (copy_id, match[0]) if outgoing else (match[0], copy_id)
                cursor = conn.execute(
                    "INSERT OR IGNORE INTO relations (from_span, to_span, type, annotator, created) "
                    "VALUES (?, ?, ?, ?, ?)",
                    [*ends, relation.type, annotator, now],
                )
                if cursor.rowcount:
                    created.append(cursor.lastrowid)
        return created

    def delete_spans(self, span_ids: Iterable[int]) -> Changes:
        """Delete several spans and the relations that touch them, in one transaction."""
        spans = [self.span(span_id) for span_id in span_ids]
        ids = [span.id for span in spans]
        relation_ids: list[int] = []
        with self._write() as conn:
            for span_id in ids:
                relation_ids += [relation.id for relation in self.span_relations(span_id)]
                conn.execute("DELETE FROM spans WHERE id = ?", [span_id])
        return Changes(
            Op.DELETE_SPANS,
            articles=frozenset(span.article_id for span in spans),
            spans=frozenset(ids),
            relations=frozenset(relation_ids),
        )

    def restore_spans(self, spans: Iterable[Span], relations: Iterable[Relation] = ()) -> Changes:
        """Put deleted spans and relations back exactly as they were (ids included): undo."""
        spans, relations = list(spans), list(relations)
        with self._write() as conn:
            for span in spans:
                conn.execute(rows.ANNOTATOR_INSERT, [span.annotator, rows.now()])
                self._insert_span(conn, span)
            for relation in relations:
                conn.execute(rows.ANNOTATOR_INSERT, [relation.annotator, rows.now()])
                conn.execute(
                    "INSERT INTO relations (id, from_span, to_span, type, annotator, created) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    [
                        relation.id,
                        relation.from_span,
                        relation.to_span,
                        relation.type,
                        relation.annotator,
                        relation.created or rows.now(),
                    ],
                )
        return Changes(
            Op.RESTORE_SPANS,
            articles=frozenset(s.article_id for s in spans) | self._relation_articles(relations),
            spans=frozenset(s.id for s in spans),
            relations=frozenset(r.id for r in relations),
            span_rows=tuple(spans),
        )

    def _insert_span(self, conn: sqlite3.Connection, span: Span) -> int:
        """Write one span row as given (id 0: a new id) and return its id."""
        cursor = conn.execute(
            rows.SPAN_INSERT,
            [
                span.id or None,
                span.article_id,
                span.start,
                span.end,
                self._label_id(span.label),
                rows.to_json(span.attributes),
                span.note,
                span.annotator,
                span.created,
                span.updated,
            ],
        )
        return cursor.lastrowid
