"""Merge other analysts' project files into this one: the SQL of `annotator merge`.

Articles are matched by content hash (SHA-256 of the canonical text), never by id, since every
project numbers its own articles. Identities make merging idempotent and order-independent:

- a span is `(content hash, start, end, label name, annotator)`;
- a relation is `(its source span, its target span, type)` (spans carry their annotator);
- a per-annotator article status is `(content hash, annotator)`; when both sides have one, the
  more advanced wins (done > skipped > in progress > new), so either merge order gives the same.

What is already here is never changed: an identical span keeps its local attributes and note,
labels keep their local colour and key, `articles.status` (the project's workflow status) of known
articles stays. Labels are matched by name; unknown ones are added. Articles unknown here are
reported, or added with `add_articles=True`.

The other file is only read (opened read-only). A file with an older schema is first copied to a
temporary file and upgraded there. Each file is merged in one transaction: a bad file changes
nothing here.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlite_utils import Database

from annotator.core.errors import AnnotatorError
from annotator.core.migrations import APPLICATION_ID, SCHEMA_VERSION, migrations
from annotator.core.scheme import AttributeSpec, SchemeError
from annotator.core.store import Store, StoreError, header_problem

log = logging.getLogger(__name__)

STATUS_RANK = {"new": 0, "in_progress": 1, "skipped": 2, "done": 3}
ARTICLE_COLUMNS = (
    "title, text, status, outlet, author, published, url, source, content_hash, imported_at, meta"
)


class MergeError(AnnotatorError):
    """The other file cannot be merged; the message names it and says why."""


@dataclass(frozen=True)
class MergeReport:
    """What merging one file did."""

    source: Path
    spans_added: int = 0
    spans_skipped: int = 0
    relations_added: int = 0
    relations_skipped: int = 0
    statuses_changed: int = 0
    articles_added: int = 0
    labels_added: tuple[str, ...] = ()
    unknown_articles: tuple[str, ...] = field(default=())  # titles of articles not merged

    def lines(self, add_articles: bool) -> list[str]:
        """The report in the user's words, one line each (the CLI and the window show these)."""
        lines = [
            f"{self.source}: added {self.spans_added} spans and {self.relations_added} relations, "
            f"skipped {self.spans_skipped} spans and {self.relations_skipped} relations already here; "
            f"{self.statuses_changed} statuses updated"
            + (f"; {self.articles_added} articles added" if add_articles else "")
            + "."
        ]
        if self.labels_added:
            lines.append(f"  new labels: {', '.join(self.labels_added)}")
        if self.unknown_articles:
            lines.append(
                f"  {len(self.unknown_articles)} articles unknown here (not merged; "
                "--add-articles adds them):"
            )
            lines += [f"    {title}" for title in self.unknown_articles]
        return lines


def merge_project(store: Store, path: str | Path, add_articles: bool = False) -> MergeReport:
    """Bring the spans, relations, labels and per-annotator statuses of the project at `path`
    into `store`, in one transaction."""
    path = Path(path)
    with _read_only(path, store.path) as other:
        try:
            with store.db.atomic():
                return _merge(store, other, path, add_articles)
        except (sqlite3.Error, SchemeError, StoreError) as error:
            reason = str(error).rstrip(".")
            raise MergeError(f"Cannot merge {path}: {reason}. Nothing was changed.") from None
        finally:
            store.forget_cache()


@contextmanager
def _read_only(path: Path, own: Path) -> Iterator[sqlite3.Connection]:
    """A read-only connection to an annotator project at the current schema."""
    if not path.is_file():
        raise MergeError(f"{path} does not exist or is not a file.")
    if path.resolve() == Path(own).resolve():
        raise MergeError(f"{path} is the open project itself.")
    problem = header_problem(path)
    if problem:
        raise MergeError(problem)
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as error:
        raise MergeError(f"Cannot open {path}: {error}.") from None
    temp: tempfile.TemporaryDirectory | None = None
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if app_id != APPLICATION_ID:
            raise MergeError(f"{path} is an SQLite file but not an annotator project.")
        if version > SCHEMA_VERSION:
            raise MergeError(
                f"{path} was written by a newer version of annotator (schema {version}); "
                "update annotator to merge it."
            )
        if version < SCHEMA_VERSION:
            temp = tempfile.TemporaryDirectory(prefix="annotator-merge-")
            copy = sqlite3.connect(Path(temp.name) / "upgraded.annotator", isolation_level=None)
            conn.backup(copy)
            conn.close()
            conn = copy
            migrations.apply(Database(conn))
        yield conn
    except sqlite3.Error as error:
        raise MergeError(f"Cannot read {path}: {error}.") from None
    finally:
        conn.close()
        if temp is not None:
            temp.cleanup()


def _merge(store: Store, other: sqlite3.Connection, path: Path, add_articles: bool) -> MergeReport:
    conn = store.conn
    labels, labels_added = _merge_labels(store, other)
    for name, created in other.execute("SELECT name, created FROM annotators"):
        conn.execute("INSERT OR IGNORE INTO annotators (name, created) VALUES (?, ?)", [name, created])
    local_ids = dict(conn.execute("SELECT content_hash, id FROM articles"))
    spans = _ArticleRows(
        other.execute(
            'SELECT article_id, id, start, "end", label_id, attributes, note, annotator, created, '
            "updated FROM spans ORDER BY article_id, id"
        )
    )
    relations = _ArticleRows(
        other.execute(
            "SELECT s.article_id, r.from_span, r.to_span, r.type, r.annotator, r.created "
            "FROM relations r JOIN spans s ON s.id = r.from_span ORDER BY s.article_id, r.id"
        )
    )
    statuses = _ArticleRows(
        other.execute("SELECT article_id, annotator, status FROM article_status ORDER BY article_id")
    )
    counts = dict.fromkeys(
        ("spans_added", "spans_skipped", "relations_added", "relations_skipped", "statuses_changed"), 0
    )
    added = 0
    unknown: list[str] = []
    for other_id, digest, title in other.execute("SELECT id, content_hash, title FROM articles ORDER BY id"):
        article_spans, article_relations, article_statuses = (
            spans.take(other_id),
            relations.take(other_id),
            statuses.take(other_id),
        )
        local_id = local_ids.get(digest)
        if local_id is None:
            if not add_articles:
                unknown.append(title)
                continue
            local_id = _copy_article(conn, other, other_id)
            local_ids[digest] = local_id
            added += 1
        span_map = _merge_spans(conn, local_id, article_spans, labels, counts)
        for _, from_span, to_span, type_, annotator, created in article_relations:
            ends = span_map.get(from_span), span_map.get(to_span)
            inserted = (
                None not in ends
                and conn.execute(
                    "INSERT OR IGNORE INTO relations (from_span, to_span, type, annotator, created) "
                    "VALUES (?, ?, ?, ?, ?)",
                    [*ends, type_, annotator, created],
                ).rowcount
            )
            counts["relations_added" if inserted else "relations_skipped"] += 1
        for _, annotator, status in article_statuses:
            counts["statuses_changed"] += _merge_status(conn, local_id, annotator, status)
    report = MergeReport(
        path,
        articles_added=added,
        labels_added=tuple(labels_added),
        unknown_articles=tuple(unknown),
        **counts,
    )
    log.info("merged %s: %s", path, report)
    return report


def _merge_labels(store: Store, other: sqlite3.Connection) -> tuple[dict[int, int], list[str]]:
    """Map the other file's label ids to ours, adding labels we lack (keeping their colour, and
    their key unless one of ours uses it)."""
    mapping: dict[int, int] = {}
    added: list[str] = []
    for label_id, name, color, shortcut, attributes in other.execute(
        "SELECT id, name, color, shortcut, attributes FROM labels ORDER BY position, id"
    ):
        if name not in {label.name for label in store.labels()}:
            specs = [AttributeSpec.from_dict(spec) for spec in json.loads(attributes)]
            taken = {label.shortcut.lower() for label in store.labels() if label.shortcut}
            store.add_label(name, color, "" if shortcut.lower() in taken else shortcut, specs)
            added.append(name)
        mapping[label_id] = store.label(name).id
    return mapping, added


def _copy_article(conn: sqlite3.Connection, other: sqlite3.Connection, other_id: int) -> int:
    row = other.execute(f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE id = ?", [other_id]).fetchone()
    cursor = conn.execute(
        f"INSERT INTO articles ({ARTICLE_COLUMNS}) VALUES ({', '.join('?' * len(row))})", row
    )
    return cursor.lastrowid


def _merge_spans(
    conn: sqlite3.Connection, article_id: int, rows: list[tuple], labels: dict[int, int], counts: dict
) -> dict[int, int]:
    """Insert the spans this article lacks; map every other span id to its local twin."""
    known = {
        (start, end, label_id, annotator): span_id
        for span_id, start, end, label_id, annotator in conn.execute(
            'SELECT id, start, "end", label_id, annotator FROM spans WHERE article_id = ?', [article_id]
        )
    }
    length = conn.execute("SELECT length(text) FROM articles WHERE id = ?", [article_id]).fetchone()[0]
    mapping: dict[int, int] = {}
    for _, span_id, start, end, label_id, attributes, note, annotator, created, updated in rows:
        if label_id not in labels or not 0 <= start < end <= length:
            raise StoreError(f"its span {span_id} has an unknown label or lies outside its article")
        key = (start, end, labels[label_id], annotator)
        if key in known:
            counts["spans_skipped"] += 1
        else:
            cursor = conn.execute(
                'INSERT INTO spans (article_id, start, "end", label_id, attributes, note, annotator, '
                "created, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [article_id, start, end, labels[label_id], attributes, note, annotator, created, updated],
            )
            known[key] = cursor.lastrowid
            counts["spans_added"] += 1
        mapping[span_id] = known[key]
    return mapping


def _merge_status(conn: sqlite3.Connection, article_id: int, annotator: str, status: str) -> int:
    """Record the other file's status for this annotator unless ours is as advanced; 1 if changed."""
    row = conn.execute(
        "SELECT status FROM article_status WHERE article_id = ? AND annotator = ?", [article_id, annotator]
    ).fetchone()
    if row is not None and STATUS_RANK[row[0]] >= STATUS_RANK[status]:
        return 0
    conn.execute(
        "INSERT OR REPLACE INTO article_status (article_id, annotator, status) VALUES (?, ?, ?)",
        [article_id, annotator, status],
    )
    return 1


class _ArticleRows:
    """Rows of a cursor sorted by article id (first column), handed out one article at a time so
    a merge of any size holds one article's rows in memory."""

    def __init__(self, cursor: sqlite3.Cursor):
        self.rows = iter(cursor)
        self.next = next(self.rows, None)

    def take(self, article_id: int) -> list[tuple]:
        taken: list[tuple] = []
        while self.next is not None and self.next[0] <= article_id:
            if self.next[0] == article_id:
                taken.append(self.next)
            self.next = next(self.rows, None)
        return taken
