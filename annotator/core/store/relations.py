"""The relations table: directed links between two spans of one article."""

from __future__ import annotations

from collections.abc import Iterable

from annotator.core.errors import InvalidSpan, NotFound
from annotator.core.model import Changes, Op, Relation
from annotator.core.store import rows
from annotator.core.store.base import StorePart


class Relations(StorePart):
    """The `relations` table."""

    def relations(self, article_id: int, before: int | None = None) -> list[Relation]:
        """Relations whose source span lies in this article (with `before`, only those with a
        span starting before that code point at either end: found through the spans there,
        not through all of a long article's spans)."""
        select = "SELECT r.id, r.from_span, r.to_span, r.type, r.annotator, r.created FROM relations r "
        if before is None:
            sql, args = select + "JOIN spans s ON s.id = r.from_span WHERE s.article_id = ?", [article_id]
        else:
            near = "JOIN spans s ON s.id = r.{} WHERE s.article_id = ? AND s.start < ?"
            sql = f"{select}{near.format('from_span')} UNION {select}{near.format('to_span')}"
            args = [article_id, before, article_id, before]
        return [rows.relation(row) for row in self.conn.execute(sql + " ORDER BY 1", args)]

    def relation_types(self) -> tuple[str, ...]:
        """Every relation type the project uses, sorted."""
        return tuple(row[0] for row in self.conn.execute("SELECT DISTINCT type FROM relations ORDER BY type"))

    def span_relations(self, span_id: int) -> list[Relation]:
        """Relations from or to one span."""
        found = self.conn.execute(
            rows.RELATION_SELECT
            + " WHERE from_span = ? UNION "
            + rows.RELATION_SELECT
            + " WHERE to_span = ? ORDER BY id",
            [span_id, span_id],
        )
        return [rows.relation(row) for row in found]

    def relation(self, relation_id: int) -> Relation:
        """The relation with this id; NotFound (a KeyError) if there is none."""
        row = self.conn.execute(rows.RELATION_SELECT + " WHERE id = ?", [relation_id]).fetchone()
        if row is None:
            raise NotFound(f"Relation {relation_id}")
        return rows.relation(row)

    def add_relation(self, from_span: int, to_span: int, type: str) -> Changes:
        """Link two spans of the same article (e.g. quote said_by actor)."""
        source, target = self.span(from_span), self.span(to_span)
        if source.article_id != target.article_id:
            raise InvalidSpan("A relation links two spans of the same article.")
        if from_span == to_span:
            raise InvalidSpan("A span cannot be related to itself.")
        with self._write() as conn:
            exists = conn.execute(
                "SELECT id FROM relations WHERE from_span = ? AND to_span = ? AND type = ?",
                [from_span, to_span, type],
            ).fetchone()
            if exists:
                raise InvalidSpan("These spans are already related that way.")
            cursor = conn.execute(
                rows.RELATION_INSERT, [from_span, to_span, type, self.annotator, rows.now()]
            )
        return Changes(
            Op.ADD_RELATION,
            articles=frozenset({source.article_id}),
            relations=frozenset({cursor.lastrowid}),
        )

    def delete_relation(self, relation_id: int) -> Changes:
        """Remove one relation."""
        relation = self.relation(relation_id)
        with self._write() as conn:
            conn.execute("DELETE FROM relations WHERE id = ?", [relation_id])
        return Changes(
            Op.DELETE_RELATION,
            articles=self._relation_articles([relation]),
            relations=frozenset({relation_id}),
        )

    def _relation_articles(self, relations: Iterable[Relation]) -> frozenset[int]:
        ids = [r.from_span for r in relations]
        if not ids:
            return frozenset()
        found = self.conn.execute(
            f"SELECT DISTINCT article_id FROM spans WHERE id IN ({','.join('?' * len(ids))})", ids
        )
        return frozenset(row[0] for row in found)
