"""Read-only queries over a whole project: counts, annotators, and the rows every export streams."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from operator import itemgetter

import orjson

from annotator.core.errors import DamagedRow
from annotator.core.model import Article, ExportRecord, Relation, Span, Status
from annotator.core.store import rows
from annotator.core.store.base import StorePart

_END = itemgetter(2)
_DECODED_KEPT = 10_000  # distinct attribute sets an export keeps decoded (memory stays bounded)


class Reads(StorePart):
    """Whole-project queries."""

    def annotators(self) -> dict[str, tuple[int, int]]:
        """Every annotator known to the project with (spans made, articles marked done), by name."""
        found = self.conn.execute(
            "SELECT n.name, (SELECT count(*) FROM spans s WHERE s.annotator = n.name), "
            "(SELECT count(*) FROM article_status t WHERE t.annotator = n.name AND t.status = 'done') "
            "FROM annotators n ORDER BY n.name"
        )
        return {name: (spans, done) for name, spans, done in found}

    def status_counts(self) -> dict[str, int]:
        """Number of articles per status (every status present, zero included)."""
        counts = {str(status): 0 for status in Status}
        for status, count in self.conn.execute("SELECT status, count(*) FROM articles GROUP BY status"):
            counts[status] = count
        return counts

    def label_counts(self, article_id: int | None = None) -> dict[str, int]:
        """Number of spans per label (in one article, or in the project), in palette order."""
        where = "" if article_id is None else "WHERE article_id = ?"
        args = [] if article_id is None else [article_id]
        labels = self.labels()
        counts = {label.name: 0 for label in labels}
        names = {label.id: label.name for label in labels}
        # by label id, names from the scheme in memory: no join per span (opening an article)
        for label_id, count in self.conn.execute(
            f"SELECT label_id, count(*) FROM spans {where} GROUP BY label_id", args
        ):
            counts[names[label_id]] = count
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
        articles = self.conn.execute(rows.ARTICLE_SELECT + f" {where} ORDER BY id", statuses)
        span_where, span_args = _span_filter(statuses, labels, annotator)
        spans = itertools.groupby(  # (article id, its span rows), in article order
            self.conn.execute(
                rows.SPAN_SELECT
                + (" JOIN articles a ON a.id = s.article_id " if statuses else " ")  # rows with text
                + f'{span_where} ORDER BY s.article_id, s.start, s."end" DESC, s.id',
                span_args,
            ),
            key=itemgetter(1),
        )
        relation_where = f"WHERE a.status IN ({','.join('?' * len(statuses))})" if statuses else ""
        relations = itertools.groupby(
            self.conn.execute(
                "SELECT r.id, r.from_span, r.to_span, r.type, r.annotator, r.created, s.article_id "
                "FROM relations r JOIN spans s ON s.id = r.from_span "
                f"JOIN articles a ON a.id = s.article_id {relation_where} ORDER BY s.article_id, r.id",
                statuses,
            ),
            key=itemgetter(6),
        )
        span_group = next(spans, None)
        relation_group = next(relations, None)
        for row in articles:
            article = rows.article(row)
            while span_group is not None and span_group[0] < article.id:
                span_group = next(spans, None)
            article_spans: list[Span] = []
            if span_group is not None and span_group[0] == article.id:
                article_spans = [rows.span(found) for found in span_group[1]]
            length = len(article.text)
            for span in article_spans:
                if not 0 <= span.start < span.end <= length:  # an export would write a lie
                    raise DamagedRow(
                        f"span {span.id} of article {article.id} covers [{span.start}, {span.end}), "
                        f"outside its text (length {length})"
                    )
            while relation_group is not None and relation_group[0] < article.id:
                relation_group = next(relations, None)
            article_relations: list[Relation] = []
            if relation_group is not None and relation_group[0] == article.id:
                kept = {span.id for span in article_spans}
                article_relations = [
                    rows.relation(found[:6])
                    for found in relation_group[1]
                    if found[1] in kept and found[2] in kept
                ]
            yield article, article_spans, article_relations

    def iter_records(
        self,
        status: Iterable[Status] = (),
        labels: Iterable[str] = (),
        annotator: str | None = None,
        ids: tuple[int, int] | None = None,
    ) -> Iterator[ExportRecord]:
        """What `iter_annotated` yields, as plain values (`ExportRecord`), in constant memory.
        SQLite gathers each article's spans into one JSON array, so that Python builds no object
        per span row: a million spans export in seconds. Spans with the same stored attributes
        share one dict (read it, never change it): a scheme's few values are decoded once, not
        once per span (that was half of an export whose spans all carry attributes). `ids`
        (first, last) limits it to the articles whose id is in that range."""
        statuses = [str(Status(s)) for s in status]
        span_filter, args = _span_filter([], labels, annotator, joined_by="AND")
        conditions = [f"a.status IN ({','.join('?' * len(statuses))})"] if statuses else []
        first, last = ids if ids is not None else (-(1 << 63), (1 << 63) - 1)
        where = " AND ".join([*conditions, "a.id BETWEEN ? AND ?"])
        # [start, -end, id, ...] so that sorting the lists gives the export order (start, end
        # descending, id) without a key function.
        found = self.conn.execute(
            "SELECT a.id, a.title, a.text, a.status, a.outlet, a.author, a.published, a.url, a.meta, "
            '(SELECT CAST(json_group_array(json_array(s.start, -s."end", s.id, l.name, s.attributes, '
            "s.note, s.annotator)) AS BLOB) FROM spans s JOIN labels l ON l.id = s.label_id "
            f"WHERE s.article_id = a.id {span_filter}) FROM articles a WHERE {where} ORDER BY a.id",
            [*args, *statuses, first, last],
        )
        relations = itertools.groupby(
            self.conn.execute(
                "SELECT s.article_id, r.from_span, r.to_span, r.type FROM relations r "
                "JOIN spans s ON s.id = r.from_span WHERE s.article_id BETWEEN ? AND ? "
                "ORDER BY s.article_id, r.id",
                [first, last],
            ),
            key=itemgetter(0),
        )
        relation_group = next(relations, None)
        loads, from_json = orjson.loads, rows.from_json
        decoded: dict[str, dict] = {}  # stored attributes -> their dict, shared by the spans

        def decode(attributes: str, span_id: int) -> dict:
            if len(decoded) >= _DECODED_KEPT:
                decoded.clear()
            value = decoded[attributes] = from_json(attributes, f"the attributes of span {span_id}")
            return value

        known = decoded.get
        for article_id, title, text, state, outlet, author, published, url, meta, grouped in found:
            if state not in rows.STATUSES:
                raise DamagedRow(f"article {article_id} has the unknown status {state!r}")
            spans = [
                (span_id, start, -end, label,
                 value if (value := known(attributes)) is not None else decode(attributes, span_id),
                 note, who)
                for start, end, span_id, label, attributes, note, who in sorted(loads(grouped))
            ]  # fmt: skip
            if spans and (spans[0][1] < 0 or max(map(_END, spans)) > len(text)):
                bad = next(span for span in spans if not 0 <= span[1] < span[2] <= len(text))
                raise DamagedRow(
                    f"span {bad[0]} of article {article_id} covers [{bad[1]}, {bad[2]}), "
                    f"outside its text (length {len(text)})"
                )
            while relation_group is not None and relation_group[0] < article_id:
                relation_group = next(relations, None)
            linked: list[tuple[int, int, str]] = []
            if relation_group is not None and relation_group[0] == article_id:
                kept = {span[0] for span in spans}
                linked = [row[1:] for row in relation_group[1] if row[1] in kept and row[2] in kept]
            yield ExportRecord(
                article_id, title, text, state, outlet, author, published, url,
                {} if meta == "{}" else from_json(meta, f"the metadata of article {article_id}"),
                spans, linked,
            )  # fmt: skip

    def span_total(self) -> int:
        """How many spans the project holds (no filter: a count of the spans index)."""
        return self.conn.execute("SELECT count(*) FROM spans").fetchone()[0]

    def article_ranges(self, parts: int) -> list[tuple[int, int]]:
        """`parts` ranges of article ids (first, last) with about the same number of spans each,
        together covering every id (`iter_records(ids=...)` reads one)."""
        found, total = [], 0
        for article_id, count in self.conn.execute(
            "SELECT article_id, count(*) FROM spans GROUP BY article_id ORDER BY article_id"
        ):
            total += count
            found.append((article_id, total))
        cuts, part = [], 1
        for article_id, counted in found:
            if part < parts and counted * parts >= total * part:
                cuts.append(article_id)
                part += 1
        firsts = [-(1 << 63), *(cut + 1 for cut in cuts)]
        return list(zip(firsts, [*cuts, (1 << 63) - 1], strict=True))

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


def _span_filter(
    statuses: list[str], labels: Iterable[str], annotator: str | None, joined_by: str = "WHERE"
) -> tuple[str, list]:
    """The WHERE clause (over spans s, articles a, labels l) that the export filters make, or with
    `joined_by="AND"` the same conditions to add to another WHERE."""
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
    return (f"{joined_by} " + " AND ".join(conditions)) if conditions else "", args
