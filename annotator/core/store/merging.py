"""The writes of a merge: another project's spans, relations, labels and per-annotator statuses
brought in, in one transaction (`core/merge.py` says what a merge means and reports it).

Articles are matched by content hash, never by id. A span is `(content hash, start, end, label
name, annotator)`, a relation `(its source span, its target span, type)`, a per-annotator status
`(content hash, annotator)` where the more advanced status wins. What is already here is never
changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from annotator.core.errors import DamagedRow, StoreError
from annotator.core.scheme import WINDOW_KEYS, AttributeSpec, free_shortcut
from annotator.core.store import rows
from annotator.core.store.base import StorePart
from annotator.core.store.other import OtherProject

STATUS_RANK = {"new": 0, "in_progress": 1, "skipped": 2, "done": 3}


@dataclass
class MergeCounts:
    """What merging one file did, counted as it goes."""

    spans_added: int = 0
    spans_skipped: int = 0
    relations_added: int = 0
    relations_skipped: int = 0
    statuses_changed: int = 0
    articles_added: int = 0
    labels_added: list[str] = field(default_factory=list)
    unknown_articles: list[str] = field(default_factory=list)  # titles of articles not merged
    notes: list[str] = field(default_factory=list)  # what was merged differently, in words


class Merging(StorePart):
    """Writes that bring another project in."""

    def merge_from(self, other: OtherProject, add_articles: bool = False) -> MergeCounts:
        """Bring `other` into this project in one transaction (all of it or nothing); articles
        unknown here are counted as unknown, or copied with `add_articles`. The transaction takes
        the write lock up front, so a merge waits for another program's write like any edit."""
        counts = MergeCounts()
        try:
            with self._write() as conn:
                labels = self._merge_labels(other, counts)
                conn.executemany(rows.ANNOTATOR_INSERT, other.annotators())
                local_ids = dict(conn.execute("SELECT content_hash, id FROM articles"))
                for other_id, digest, title in other.articles():
                    spans, relations, statuses = (
                        other.spans.take(other_id),
                        other.relations.take(other_id),
                        other.statuses.take(other_id),
                    )
                    local_id = local_ids.get(digest)
                    if local_id is None:
                        if not add_articles:
                            counts.unknown_articles.append(title)
                            continue
                        local_id = local_ids[digest] = self._copy_article(other.article_row(other_id))
                        counts.articles_added += 1
                    span_map = self._merge_spans(local_id, spans, labels, counts)
                    for _, from_span, to_span, type_, annotator, created in relations:
                        ends = span_map.get(from_span), span_map.get(to_span)
                        inserted = (
                            None not in ends
                            and conn.execute(
                                "INSERT OR IGNORE INTO relations (from_span, to_span, type, annotator, "
                                "created) VALUES (?, ?, ?, ?, ?)",
                                [*ends, type_, annotator, created],
                            ).rowcount
                        )
                        if inserted:
                            counts.relations_added += 1
                        else:
                            counts.relations_skipped += 1
                    for _, annotator, status in statuses:
                        counts.statuses_changed += self._merge_status(local_id, annotator, status)
        finally:
            self._labels = None
        return counts

    def _merge_labels(self, other: OtherProject, counts: MergeCounts) -> dict[int, int]:
        """Map the other file's label ids to ours, adding labels we lack (keeping their colour,
        their key unless one of ours uses it, and the relation rules they start)."""
        mapping: dict[int, int] = {}
        added: set[int] = set()
        for label_id, name, color, shortcut, attributes in other.labels():
            if name not in {label.name for label in self.labels()}:
                found = _valid_json(attributes, f"label {name!r} attributes", list)
                specs = [AttributeSpec.from_dict(spec) for spec in found]
                taken = {label.shortcut.lower() for label in self.labels() if label.shortcut}
                key = shortcut
                if shortcut and (shortcut.lower() in taken or shortcut.lower() in WINDOW_KEYS):
                    key = free_shortcut(name, taken)
                    counts.notes.append(
                        f"label {name!r}: key {shortcut.upper()!r} is taken here, "
                        + (f"so it has key {key.upper()!r}" if key else "so it has no key")
                    )
                self.add_label(name, color, key, specs)
                counts.labels_added.append(name)
                added.add(label_id)
            mapping[label_id] = self.label(name).id
        self.conn.executemany(
            "INSERT OR IGNORE INTO relation_rules (type, source_label, target_label, single) "
            "VALUES (?, ?, ?, ?)",
            [
                (kind, mapping[source], mapping[target], single)
                for kind, source, target, single in other.relation_rules()
                if source in added and source in mapping and target in mapping
            ],
        )
        return mapping

    def _copy_article(self, row: tuple) -> int:
        """Copy an article row (ARTICLE_COLUMNS) of the other file, checked as an export would."""
        status, meta = row[2], row[10]
        if status not in STATUS_RANK:
            raise StoreError(f"its article {row[0]!r} has the unknown status {status!r}")
        _valid_json(meta, f"article {row[0]!r} metadata")
        cursor = self.conn.execute(
            f"INSERT INTO articles ({rows.ARTICLE_COLUMNS}) VALUES ({', '.join('?' * len(row))})", row
        )
        return cursor.lastrowid

    def _merge_spans(
        self, article_id: int, spans: list[tuple], labels: dict[int, int], counts: MergeCounts
    ) -> dict[int, int]:
        """Insert the spans this article lacks; map every other span id to its local twin."""
        known = {
            (start, end, label_id, annotator): span_id
            for span_id, start, end, label_id, annotator in self.conn.execute(
                'SELECT id, start, "end", label_id, annotator FROM spans WHERE article_id = ?', [article_id]
            )
        }
        length = self._text_length(article_id)  # not SQL's length(), which stops at a NUL
        mapping: dict[int, int] = {}
        for _, span_id, start, end, label_id, attributes, note, annotator, created, updated in spans:
            if label_id not in labels or not 0 <= start < end <= length:
                raise StoreError(f"its span {span_id} has an unknown label or lies outside its article")
            _valid_json(attributes, f"span {span_id} attributes")
            key = (start, end, labels[label_id], annotator)
            if key in known:
                counts.spans_skipped += 1
            else:
                cursor = self.conn.execute(
                    rows.SPAN_INSERT,
                    [None, article_id, start, end, labels[label_id], attributes, note, annotator]
                    + [created, updated],
                )
                known[key] = cursor.lastrowid
                counts.spans_added += 1
            mapping[span_id] = known[key]
        return mapping

    def _merge_status(self, article_id: int, annotator: str, status: str) -> int:
        """Record the other file's status for this annotator unless ours is as advanced; 1 if changed."""
        if status not in STATUS_RANK:
            raise StoreError(f"its status of article {article_id} for {annotator!r} is unknown: {status!r}")
        row = self.conn.execute(
            "SELECT status FROM article_status WHERE article_id = ? AND annotator = ?",
            [article_id, annotator],
        ).fetchone()
        if row is not None and STATUS_RANK[row[0]] >= STATUS_RANK[status]:
            return 0
        self.conn.execute(
            "INSERT OR REPLACE INTO article_status (article_id, annotator, status) VALUES (?, ?, ?)",
            [article_id, annotator, status],
        )
        return 1


def _valid_json(text: str, what: str, kind: type = dict) -> object:
    """The other file's stored JSON, or StoreError naming its row (merged as it is, it would
    damage this project)."""
    try:
        return rows.from_json(text, what, kind)
    except DamagedRow:
        raise StoreError(f"its {what} cannot be read (not the JSON annotator writes)") from None
