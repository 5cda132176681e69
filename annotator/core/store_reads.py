"""Read-only queries over a whole project: counts, annotators, and the rows every export streams.

A part of `Store` (it is one of its bases), kept apart so each file stays one readable size.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator

from annotator.core.model import Article, Relation, Span, Status


class StoreReads:
    """Queries that need only `self.conn` and `self.labels()`."""

    conn: sqlite3.Connection

    def annotator_status(self, annotator: str) -> dict[int, Status]:
        """The status each article has for one annotator (articles they never marked are absent)."""
        rows = self.conn.execute(
            "SELECT article_id, status FROM article_status WHERE annotator = ?", [annotator]
        )
        return {article_id: Status(status) for article_id, status in rows}

    def annotators(self) -> dict[str, tuple[int, int]]:
        """Every annotator known to the project with (spans made, articles marked done), by name."""
        rows = self.conn.execute(
            "SELECT n.name, (SELECT count(*) FROM spans s WHERE s.annotator = n.name), "
            "(SELECT count(*) FROM article_status t WHERE t.annotator = n.name AND t.status = 'done') "
            "FROM annotators n ORDER BY n.name"
        )
        return {name: (spans, done) for name, spans, done in rows}

    def status_counts(self) -> dict[str, int]:
        """Number of articles per status (every status present, zero included)."""
        counts = {str(status): 0 for status in Status}
        for status, count in self.conn.execute("SELECT status, count(*) FROM articles GROUP BY status"):
            counts[status] = count
        return counts

    def label_counts(self, article_id: int | None = None) -> dict[str, int]:
        """Number of spans per label (in one article, or in the project), in palette order."""
        where = "" if article_id is None else "WHERE s.article_id = ?"
        args = [] if article_id is None else [article_id]
        counts = {label.name: 0 for label in self.labels()}
        for name, count in self.conn.execute(
            f"SELECT l.name, count(*) FROM spans s JOIN labels l ON l.id = s.label_id {where} "
            "GROUP BY l.name",
            args,
        ):
            counts[name] = count
        return counts

    # ------------------------------------------------------------------ export
    def iter_annotated(
        self,
        status: Iterable[Status] = (),
        labels: Iterable[str] = (),
        annotator: str | None = None,
    ) -> Iterator[tuple[Article, list[Span], list[Relation]]]:
        """Every article (filtered by status) with its spans (filtered by label and annotator) and
        the relations between them, streamed in id order so exports of any size run in constant
        memory."""
        statuses = [str(Status(s)) for s in status]
        where = f"WHERE status IN ({','.join('?' * len(statuses))})" if statuses else ""
        articles = self.conn.execute(
            "SELECT id, title, text, status, outlet, author, published, url, source, "
            f"content_hash, imported_at, meta FROM articles {where} ORDER BY id",
            statuses,
        )
        span_where, span_args = _span_filter(statuses, labels, annotator)
        spans = _rows(
            self.conn.execute(
                _SPAN_SELECT + " JOIN articles a ON a.id = s.article_id "
                f'{span_where} ORDER BY s.article_id, s.start, s."end" DESC, s.id',
                span_args,
            )
        )
        relation_where = f"WHERE a.status IN ({','.join('?' * len(statuses))})" if statuses else ""
        relations = _rows(
            self.conn.execute(
                "SELECT r.id, r.from_span, r.to_span, r.type, r.annotator, r.created, s.article_id "
                "FROM relations r JOIN spans s ON s.id = r.from_span "
                f"JOIN articles a ON a.id = s.article_id {relation_where} ORDER BY s.article_id, r.id",
                statuses,
            )
        )
        next_span = next(spans, None)
        next_relation = next(relations, None)
        for row in articles:
            article = _article(row)
            article_spans: list[Span] = []
            while next_span is not None and next_span[1] <= article.id:
                if next_span[1] == article.id:
                    article_spans.append(_span(next_span))
                next_span = next(spans, None)
            kept = {span.id for span in article_spans}
            article_relations: list[Relation] = []
            while next_relation is not None and next_relation[6] <= article.id:
                if next_relation[6] == article.id and next_relation[1] in kept and next_relation[2] in kept:
                    article_relations.append(Relation(*next_relation[:6]))
                next_relation = next(relations, None)
            yield article, article_spans, article_relations

    def count_spans(
        self, status: Iterable[Status] = (), labels: Iterable[str] = (), annotator: str | None = None
    ) -> int:
        """How many spans `iter_annotated` with the same filters yields (for progress bars)."""
        where, args = _span_filter([str(Status(s)) for s in status], labels, annotator)
        return self.conn.execute(
            "SELECT count(*) FROM spans s JOIN articles a ON a.id = s.article_id "
            f"JOIN labels l ON l.id = s.label_id {where}",
            args,
        ).fetchone()[0]


_SPAN_SELECT = (
    'SELECT s.id, s.article_id, s.start, s."end", l.name, s.attributes, s.note, s.annotator, '
    "s.created, s.updated FROM spans s JOIN labels l ON l.id = s.label_id"
)


def _span_filter(statuses: list[str], labels: Iterable[str], annotator: str | None) -> tuple[str, list]:
    """The WHERE clause (over spans s, articles a, labels l) that the export filters make."""
    conditions, args = [], []
    label_names = list(labels)
    if statuses:
        conditions.append(f"a.status IN ({','.join('?' * len(statuses))})")
        args += statuses
    if label_names:
        conditions.append(f"l.name IN ({','.join('?' * len(label_names))})")
        args += label_names
    if annotator is not None:
        conditions.append("s.annotator = ?")
        args.append(annotator)
    return ("WHERE " + " AND ".join(conditions)) if conditions else "", args


def _rows(cursor: sqlite3.Cursor, size: int = 2000) -> Iterator[tuple]:
    """Iterate a cursor in batches (fewer round trips than fetchone)."""
    while batch := cursor.fetchmany(size):
        yield from batch


def _article(row: tuple) -> Article:
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
        meta=json.loads(row[11]),
    )


def _span(row: tuple) -> Span:
    return Span(
        id=row[0],
        article_id=row[1],
        start=row[2],
        end=row[3],
        label=row[4],
        attributes={} if row[5] == "{}" else json.loads(row[5]),
        note=row[6],
        annotator=row[7],
        created=row[8],
        updated=row[9],
    )
