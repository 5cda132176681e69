"""The project store: one SQLite file, the single source of truth.

Every mutation is one method and one transaction, and returns a `Changes` saying what changed.
Its read-only whole-project queries are in `store_reads.py`, its error wording in `store_errors.py`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from annotator.core.backup import BackupError, make_backup
from annotator.core.identity import default_annotator
from annotator.core.migrations import APPLICATION_ID, SCHEMA_VERSION, migrations
from annotator.core.model import (
    Article,
    ArticleRow,
    Changes,
    NewArticle,
    Relation,
    Span,
    SpanExtent,
    Status,
)
from annotator.core.scheme import AttributeSpec, Label, SchemeError, validate_label
from annotator.core.store_errors import StoreError, describe_error, describe_unexpected  # noqa: F401
from annotator.core.store_reads import _SPAN_SELECT, StoreReads, _article, _span

log = logging.getLogger(__name__)

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000
# Colours given to labels that first appear in an imported file.
EXTRA_COLORS = ("#911eb4", "#46f0f0", "#f032e6", "#bcf60c", "#008080", "#9a6324", "#800000")


@dataclass(frozen=True)
class ImportOutcome:
    """What storing one file's articles did."""

    article_ids: tuple[int, ...] = ()
    span_count: int = 0
    duplicates: tuple[str, ...] = field(default=())  # titles of articles already stored


def content_hash(text: str) -> str:
    """The identity of an article across projects: SHA-256 of its canonical text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def header_problem(path: Path) -> str | None:
    """Why `path` cannot be an annotator project judging by its first bytes, or None."""
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as error:
        return f"Cannot read {path}: {error.strerror}."
    if header != SQLITE_HEADER:
        return f"{path} is not an annotator project (not an SQLite file)."
    return None


class Store(StoreReads):
    """An open project. Use `Store.open(path)`; close with `close()` or a `with` block."""

    def __init__(self, conn: sqlite3.Connection, path: Path, annotator: str):
        self.conn = conn
        self.db = Database(conn)
        self.path = path
        self.annotator = annotator
        self._labels: list[Label] | None = None
        self._lengths: dict[int, int] = {}

    # ----------------------------------------------------------------- opening
    @classmethod
    def open(cls, path: str | Path, annotator: str | None = None) -> Store:
        """Open or create the project at `path`, upgrading its schema if it is older."""
        path = Path(path).expanduser()
        if path.exists() and not path.is_file():
            raise StoreError(f"{path} is a folder, not a project file.")
        if path.is_file() and path.stat().st_size > 0:
            problem = header_problem(path)
            if problem:
                raise StoreError(problem)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StoreError(f"Cannot create the folder {path.parent}: {error.strerror}.") from None
        try:
            conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
        except sqlite3.Error as error:
            raise StoreError(describe_error(error, path)) from None
        store = cls(conn, path, annotator or default_annotator())
        try:
            store._prepare()
        except sqlite3.Error as error:
            conn.close()
            raise StoreError(describe_error(error, path)) from None
        except StoreError:
            conn.close()
            raise
        return store

    def _prepare(self) -> None:
        conn = self.conn
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        has_tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] > 0
        if has_tables and app_id != APPLICATION_ID:
            raise StoreError(f"{self.path} is an SQLite file but not an annotator project.")
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path} was written by a newer version of annotator (schema {version}, "
                f"this version knows {SCHEMA_VERSION}). Update annotator to open it; "
                "the file was not changed."
            )
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        if version < SCHEMA_VERSION:
            log.info("migrating %s from schema %s to %s", self.path, version, SCHEMA_VERSION)
            if has_tables:
                try:
                    make_backup(conn, self.path, reason="before-upgrade", keep=None)
                except BackupError as error:
                    log.warning("upgrading without a backup: %s", error)
            migrations.apply(self.db)
        self._ensure_annotator(self.annotator)

    @property
    def is_new(self) -> bool:
        """True while the project holds no article."""
        return self.conn.execute("SELECT NOT EXISTS (SELECT 1 FROM articles)").fetchone()[0] == 1

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One transaction; sqlite errors become a StoreError the user can read.

        It takes the write lock up front (BEGIN IMMEDIATE): a deferred transaction that reads
        first cannot wait for another process's write and fails with "busy" at once."""
        conn = self.conn
        try:
            if conn.in_transaction:
                with self.db.atomic():  # nested: a savepoint
                    yield conn
                return
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        except sqlite3.Error as error:
            raise StoreError(describe_error(error, self.path)) from None

    def _ensure_annotator(self, name: str) -> None:
        with self._write() as conn:
            conn.execute("INSERT OR IGNORE INTO annotators (name, created) VALUES (?, ?)", [name, _now()])

    def set_annotator(self, name: str) -> None:
        """Record spans and relations made from now on under `name` (the analyst renamed
        themselves in Preferences); what is already stored keeps its author."""
        name = name.strip()
        if not name:
            raise StoreError("The annotator name cannot be empty.")
        self._ensure_annotator(name)
        self.annotator = name

    # ------------------------------------------------------------------ scheme
    def labels(self) -> list[Label]:
        """The scheme, in palette order."""
        if self._labels is None:
            rows = self.conn.execute(
                "SELECT id, name, color, shortcut, attributes, position FROM labels ORDER BY position, id"
            ).fetchall()
            self._labels = [
                Label(
                    id=row[0],
                    name=row[1],
                    color=row[2],
                    shortcut=row[3],
                    attributes=tuple(AttributeSpec.from_dict(a) for a in json.loads(row[4])),
                    position=row[5],
                )
                for row in rows
            ]
        return list(self._labels)

    def label(self, name: str) -> Label:
        """The label called `name`; KeyError if the scheme has none."""
        for label in self.labels():
            if label.name == name:
                return label
        raise KeyError(name)

    def add_label(
        self, name: str, color: str, shortcut: str = "", attributes: Iterable[AttributeSpec] = ()
    ) -> Changes:
        """Add a label at the end of the palette."""
        labels = self.labels()
        label = Label(0, name, color, shortcut, tuple(attributes), len(labels))
        validate_label(label, labels)
        with self._write() as conn:
            conn.execute(
                "INSERT INTO labels (name, color, shortcut, position, attributes) "
                "VALUES (?, ?, ?, (SELECT coalesce(max(position), -1) + 1 FROM labels), ?)",
                [name, color, shortcut, _attributes_json(label.attributes)],
            )
        self._labels = None
        return Changes("add_label", labels=True)

    def update_label(self, label: Label) -> Changes:
        """Rename, recolour, re-key or change the attributes of the label with `label.id`."""
        labels = self.labels()
        if not any(other.id == label.id for other in labels):
            raise SchemeError(f"No label with id {label.id}")
        validate_label(label, labels)
        with self._write() as conn:
            conn.execute(
                "UPDATE labels SET name = ?, color = ?, shortcut = ?, attributes = ? WHERE id = ?",
                [label.name, label.color, label.shortcut, _attributes_json(label.attributes), label.id],
            )
        self._labels = None
        return Changes("update_label", labels=True)

    def delete_label(self, name: str) -> Changes:
        """Remove an unused label; a label still used by spans is refused."""
        label = self.label(name)
        used = self.conn.execute("SELECT count(*) FROM spans WHERE label_id = ?", [label.id]).fetchone()[0]
        if used:
            raise SchemeError(f"Label {name!r} is used by {used} spans; delete or relabel them first.")
        with self._write() as conn:
            conn.execute("DELETE FROM labels WHERE id = ?", [label.id])
        self._labels = None
        return Changes("delete_label", labels=True)

    def _label_id(self, name: str, create: bool = False) -> int:
        try:
            return self.label(name).id
        except KeyError:
            if not create:
                raise SchemeError(f"The scheme has no label {name!r}") from None
        color = EXTRA_COLORS[len(self.labels()) % len(EXTRA_COLORS)]
        validate_label(Label(0, name, color), self.labels())
        self.conn.execute(
            "INSERT INTO labels (name, color, shortcut, position, attributes) "
            "VALUES (?, ?, '', (SELECT coalesce(max(position), -1) + 1 FROM labels), '[]')",
            [name, color],
        )
        self._labels = None
        return self.label(name).id

    # ---------------------------------------------------------------- articles
    def add_articles(self, articles: Iterable[NewArticle]) -> ImportOutcome:
        """Store articles with their spans in one transaction: all of them or none.

        Articles whose text is already stored are skipped and reported as duplicates.
        """
        now = _now()
        ids: list[int] = []
        duplicates: list[str] = []
        span_rows: list[tuple] = []
        span_total = 0
        try:
            with self._write() as conn:
                seen: set[str] = set()
                for article in articles:
                    digest = content_hash(article.text)
                    exists = (
                        digest in seen
                        or conn.execute("SELECT 1 FROM articles WHERE content_hash = ?", [digest]).fetchone()
                    )
                    if exists:
                        duplicates.append(article.title)
                        continue
                    seen.add(digest)
                    cursor = conn.execute(
                        "INSERT INTO articles (title, text, status, outlet, author, published, "
                        "url, source, content_hash, imported_at, meta) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [
                            article.title,
                            article.text,
                            str(article.status),
                            article.outlet,
                            article.author,
                            article.published,
                            article.url,
                            article.source,
                            digest,
                            now,
                            json.dumps(article.meta, ensure_ascii=False),
                        ],
                    )
                    article_id = cursor.lastrowid
                    ids.append(article_id)
                    if article.status != Status.NEW:  # the importing analyst's status (agreement)
                        conn.execute(
                            "INSERT INTO article_status (article_id, annotator, status) VALUES (?, ?, ?)",
                            [article_id, self.annotator, str(article.status)],
                        )
                    for span in article.spans:
                        _check_range(span.start, span.end, len(article.text))
                        annotator = span.annotator or self.annotator
                        if annotator != self.annotator:
                            conn.execute(
                                "INSERT OR IGNORE INTO annotators (name, created) VALUES (?, ?)",
                                [annotator, now],
                            )
                        span_rows.append(
                            (
                                article_id,
                                span.start,
                                span.end,
                                self._label_id(span.label, create=True),
                                json.dumps(span.attributes, ensure_ascii=False),
                                span.note,
                                annotator,
                                now,
                                now,
                            )
                        )
                    if article.relations:
                        self._insert_span_rows(span_rows)
                        span_total += len(span_rows)
                        span_rows.clear()
                        self._insert_new_relations(article_id, article, now)
                    if len(span_rows) >= 10_000:
                        self._insert_span_rows(span_rows)
                        span_total += len(span_rows)
                        span_rows.clear()
                self._insert_span_rows(span_rows)
                span_total += len(span_rows)
        except BaseException:
            self._labels = None
            raise
        return ImportOutcome(tuple(ids), span_total, tuple(duplicates))

    def _insert_new_relations(self, article_id: int, article: NewArticle, now: str) -> None:
        """Relations of an article whose spans were just inserted (in order, so the n-th id is
        `spans[n]`); ValueError for an index out of range, a self-link or a repeated relation."""
        rows = self.conn.execute("SELECT id FROM spans WHERE article_id = ? ORDER BY id", [article_id])
        span_ids = [row[0] for row in rows]
        seen: set[tuple[int, int, str]] = set()
        for relation in article.relations:
            ends = (relation.from_index, relation.to_index)
            if not all(0 <= index < len(span_ids) for index in ends):
                raise ValueError(f"A relation refers to spans {ends}; the article has {len(span_ids)}.")
            if relation.from_index == relation.to_index:
                raise ValueError(f"A relation links span {relation.from_index} to itself.")
            if not relation.type.strip():
                raise ValueError("A relation needs a type.")
            key = (span_ids[relation.from_index], span_ids[relation.to_index], relation.type)
            if key in seen:
                raise ValueError(f"The relation {relation.type!r} between two spans appears twice.")
            seen.add(key)
            self.conn.execute(
                "INSERT INTO relations (from_span, to_span, type, annotator, created) VALUES (?, ?, ?, ?, ?)",
                [*key, self.annotator, now],
            )

    def _insert_span_rows(self, rows: list[tuple]) -> None:
        self.conn.executemany(
            'INSERT INTO spans (article_id, start, "end", label_id, attributes, note, annotator, '
            "created, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )

    def article(self, article_id: int) -> Article:
        """The article with this id; KeyError if there is none."""
        row = self.conn.execute(
            "SELECT id, title, text, status, outlet, author, published, url, source, "
            "content_hash, imported_at, meta FROM articles WHERE id = ?",
            [article_id],
        ).fetchone()
        if row is None:
            raise KeyError(article_id)
        return _article(row)

    ARTICLE_ORDER = {
        "id": "id",
        "title": "title COLLATE NOCASE",
        "outlet": "outlet COLLATE NOCASE",
        "published": "published",
        "status": "status",
        "spans": "(SELECT count(*) FROM spans s WHERE s.article_id = articles.id)",
    }

    def article_ids(
        self, status: Status | None = None, order_by: str = "id", descending: bool = False
    ) -> list[int]:
        """Ids of all articles (or those with `status`), ordered by one of ARTICLE_ORDER's keys."""
        order = f"{self.ARTICLE_ORDER[order_by]} {'DESC' if descending else 'ASC'}, id"
        where, args = ("WHERE status = ?", [str(Status(status))]) if status else ("", [])
        return [
            row[0] for row in self.conn.execute(f"SELECT id FROM articles {where} ORDER BY {order}", args)
        ]

    def article_rows(self, ids: Iterable[int]) -> dict[int, ArticleRow]:
        """List rows (no text) for these ids, keyed by id."""
        ids = list(ids)
        result: dict[int, ArticleRow] = {}
        for chunk_start in range(0, len(ids), 500):
            chunk = ids[chunk_start : chunk_start + 500]
            marks = ",".join("?" * len(chunk))
            for row in self.conn.execute(
                "SELECT a.id, a.title, a.outlet, a.published, a.status, "
                "(SELECT count(*) FROM spans s WHERE s.article_id = a.id) "
                f"FROM articles a WHERE a.id IN ({marks})",
                chunk,
            ):
                result[row[0]] = ArticleRow(row[0], row[1], row[2], row[3], Status(row[4]), row[5])
        return result

    def article_count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM articles").fetchone()[0]

    def next_article_id(self, after: int, *, not_done: bool = False) -> int | None:
        """The id after `after` (wrapping around), optionally skipping done/skipped articles."""
        condition = "AND status NOT IN ('done', 'skipped')" if not_done else ""
        for sql, args in (
            (f"SELECT id FROM articles WHERE id > ? {condition} ORDER BY id LIMIT 1", [after]),
            (f"SELECT id FROM articles WHERE id < ? {condition} ORDER BY id LIMIT 1", [after]),
        ):
            row = self.conn.execute(sql, args).fetchone()
            if row:
                return row[0]
        return None

    def set_status(self, article_id: int, status: Status) -> Changes:
        """Mark an article new, in progress, done or skipped, for the project and for the
        store's annotator (agreement compares annotators on the articles each marked done)."""
        with self._write() as conn:
            cursor = conn.execute(
                "UPDATE articles SET status = ? WHERE id = ?", [str(Status(status)), article_id]
            )
            if cursor.rowcount == 0:
                raise KeyError(article_id)
            conn.execute(
                "INSERT OR REPLACE INTO article_status (article_id, annotator, status) VALUES (?, ?, ?)",
                [article_id, self.annotator, str(Status(status))],
            )
        return Changes("set_status", articles=frozenset({article_id}))

    def forget_cache(self) -> None:
        """Drop the cached scheme after a bulk write made outside this class (merge)."""
        self._labels = None

    def data_version(self) -> int:
        """Changes whenever another connection (another program) commits to the project."""
        try:
            return self.conn.execute("PRAGMA data_version").fetchone()[0]
        except sqlite3.Error as error:
            raise StoreError(describe_error(error, self.path)) from None

    # ------------------------------------------------------------------- spans
    def spans(self, article_id: int, annotator: str | None = None) -> list[Span]:
        """The article's spans (all, or one annotator's) ordered by start, then longest first."""
        who, args = (" AND s.annotator = ?", [annotator]) if annotator is not None else ("", [])
        rows = self.conn.execute(
            _SPAN_SELECT + f' WHERE s.article_id = ?{who} ORDER BY s.start, s."end" DESC, s.id',
            [article_id, *args],
        )
        return [_span(row) for row in rows]

    def span_extents(
        self, article_id: int, ids: Iterable[int] | None = None, annotator: str | None = None
    ) -> list[SpanExtent]:
        """Id, range and label of the article's spans (or of those among `ids`, or one
        annotator's), unordered."""
        names = {label.id: label.name for label in self.labels()}
        sql = 'SELECT id, start, "end", label_id FROM spans WHERE article_id = ?'
        args: list[int | str] = [article_id]
        if ids is not None:
            ids = list(ids)
            args += ids
            sql += f" AND id IN ({','.join('?' * len(ids))})"
        if annotator is not None:
            args.append(annotator)
            sql += " AND annotator = ?"
        rows = self.conn.execute(sql, args)
        return [SpanExtent(i, start, end, names[label]) for i, start, end, label in rows]

    def span(self, span_id: int) -> Span:
        row = self.conn.execute(_SPAN_SELECT + " WHERE s.id = ?", [span_id]).fetchone()
        if row is None:
            raise KeyError(span_id)
        return _span(row)

    def add_span(
        self,
        article_id: int,
        start: int,
        end: int,
        label: str,
        attributes: dict[str, Any] | None = None,
        note: str = "",
    ) -> Changes:
        """Create a span; its id is the only member of the returned `Changes.spans`."""
        length = self._text_length(article_id)
        _check_range(start, end, length)
        now = _now()
        span = Span(0, article_id, start, end, label, attributes or {}, note, self.annotator, now, now)
        with self._write() as conn:
            span_id = self._insert_span(conn, span)
        return Changes("add_span", articles=frozenset({article_id}), spans=frozenset({span_id}))

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
        _check_range(new.start, new.end, self._text_length(old.article_id))
        label_id = self._label_id(new.label)
        with self._write() as conn:
            conn.execute(
                'UPDATE spans SET start = ?, "end" = ?, label_id = ?, attributes = ?, note = ?, '
                "updated = ? WHERE id = ?",
                [
                    new.start,
                    new.end,
                    label_id,
                    json.dumps(new.attributes, ensure_ascii=False),
                    new.note,
                    updated or _now(),
                    span_id,
                ],
            )
        return Changes("update_span", articles=frozenset({old.article_id}), spans=frozenset({span_id}))

    def delete_span(self, span_id: int) -> Changes:
        """Delete a span and the relations that touch it."""
        return self.delete_spans([span_id])

    def copy_spans(self, span_ids: Iterable[int], annotator: str) -> Changes:
        """Copy spans (range, label, attributes, note) as `annotator`'s own, in one transaction:
        adjudication accepts a coder's span into the gold annotation this way."""
        sources = [self.span(span_id) for span_id in span_ids]
        now = _now()
        new_ids: list[int] = []
        with self._write() as conn:
            self._ensure_annotator_in(conn, annotator)
            for span in sources:
                copy = replace(span, id=0, annotator=annotator, created=now, updated=now)
                new_ids.append(self._insert_span(conn, copy))
            copies = dict(zip(new_ids, sources, strict=True))
            relation_ids = self._copy_relations(conn, copies, annotator, now)
        return Changes(
            "copy_spans",
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
            "delete_spans",
            articles=frozenset(span.article_id for span in spans),
            spans=frozenset(ids),
            relations=frozenset(relation_ids),
        )

    def restore_spans(self, spans: Iterable[Span], relations: Iterable[Relation] = ()) -> Changes:
        """Put deleted spans and relations back exactly as they were (ids included): undo."""
        spans, relations = list(spans), list(relations)
        with self._write() as conn:
            for span in spans:
                self._ensure_annotator_in(conn, span.annotator)
                self._insert_span(conn, span)
            for relation in relations:
                self._ensure_annotator_in(conn, relation.annotator)
                conn.execute(
                    "INSERT INTO relations (id, from_span, to_span, type, annotator, created) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    [
                        relation.id,
                        relation.from_span,
                        relation.to_span,
                        relation.type,
                        relation.annotator,
                        relation.created or _now(),
                    ],
                )
        return Changes(
            "restore_spans",
            articles=frozenset(s.article_id for s in spans) | self._relation_articles(relations),
            spans=frozenset(s.id for s in spans),
            relations=frozenset(r.id for r in relations),
        )

    # --------------------------------------------------------------- relations
    def relations(self, article_id: int) -> list[Relation]:
        """Relations whose source span lies in this article."""
        rows = self.conn.execute(
            "SELECT r.id, r.from_span, r.to_span, r.type, r.annotator, r.created FROM relations r "
            "JOIN spans s ON s.id = r.from_span WHERE s.article_id = ? ORDER BY r.id",
            [article_id],
        )
        return [Relation(*row) for row in rows]

    def span_relations(self, span_id: int) -> list[Relation]:
        """Relations from or to one span."""
        rows = self.conn.execute(
            "SELECT id, from_span, to_span, type, annotator, created FROM relations WHERE from_span = ? "
            "UNION SELECT id, from_span, to_span, type, annotator, created FROM relations "
            "WHERE to_span = ? ORDER BY id",
            [span_id, span_id],
        )
        return [Relation(*row) for row in rows]

    def add_relation(self, from_span: int, to_span: int, type: str) -> Changes:
        """Link two spans of the same article (e.g. quote said_by actor)."""
        source, target = self.span(from_span), self.span(to_span)
        if source.article_id != target.article_id:
            raise ValueError("A relation links two spans of the same article.")
        if from_span == to_span:
            raise ValueError("A span cannot be related to itself.")
        with self._write() as conn:
            exists = conn.execute(
                "SELECT id FROM relations WHERE from_span = ? AND to_span = ? AND type = ?",
                [from_span, to_span, type],
            ).fetchone()
            if exists:
                raise ValueError("These spans are already related that way.")
            cursor = conn.execute(
                "INSERT INTO relations (from_span, to_span, type, annotator, created) VALUES (?, ?, ?, ?, ?)",
                [from_span, to_span, type, self.annotator, _now()],
            )
        return Changes(
            "add_relation",
            articles=frozenset({source.article_id}),
            relations=frozenset({cursor.lastrowid}),
        )

    def delete_relation(self, relation_id: int) -> Changes:
        """Remove one relation."""
        relation = self.relation(relation_id)
        with self._write() as conn:
            conn.execute("DELETE FROM relations WHERE id = ?", [relation_id])
        return Changes(
            "delete_relation",
            articles=self._relation_articles([relation]),
            relations=frozenset({relation_id}),
        )

    def relation(self, relation_id: int) -> Relation:
        row = self.conn.execute(
            "SELECT id, from_span, to_span, type, annotator, created FROM relations WHERE id = ?",
            [relation_id],
        ).fetchone()
        if row is None:
            raise KeyError(relation_id)
        return Relation(*row)

    # ----------------------------------------------------------------- helpers
    def _text_length(self, article_id: int) -> int:
        """Length in code points; texts never change, so it is remembered (counting is O(n))."""
        length = self._lengths.get(article_id)
        if length is None:
            row = self.conn.execute("SELECT length(text) FROM articles WHERE id = ?", [article_id]).fetchone()
            if row is None:
                raise KeyError(article_id)
            length = self._lengths[article_id] = row[0]
        return length

    def _insert_span(self, conn: sqlite3.Connection, span: Span) -> int:
        """Write one span row as given (id 0: a new id) and return its id."""
        cursor = conn.execute(
            'INSERT INTO spans (id, article_id, start, "end", label_id, attributes, note, annotator, '
            "created, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                span.id or None,
                span.article_id,
                span.start,
                span.end,
                self._label_id(span.label),
                json.dumps(span.attributes, ensure_ascii=False),
                span.note,
                span.annotator,
                span.created,
                span.updated,
            ],
        )
        return cursor.lastrowid

    def _ensure_annotator_in(self, conn: sqlite3.Connection, name: str) -> None:
        conn.execute("INSERT OR IGNORE INTO annotators (name, created) VALUES (?, ?)", [name, _now()])

    def _relation_articles(self, relations: Iterable[Relation]) -> frozenset[int]:
        ids = [r.from_span for r in relations]
        if not ids:
            return frozenset()
        rows = self.conn.execute(
            f"SELECT DISTINCT article_id FROM spans WHERE id IN ({','.join('?' * len(ids))})", ids
        )
        return frozenset(row[0] for row in rows)


def _attributes_json(attributes: Iterable[AttributeSpec]) -> str:
    return json.dumps([a.to_dict() for a in attributes], ensure_ascii=False)


def _check_range(start: int, end: int, length: int) -> None:
    if not (0 <= start < end <= length):
        raise ValueError(f"Span [{start}, {end}) is outside the text (length {length}) or empty.")
