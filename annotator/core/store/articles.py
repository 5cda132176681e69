"""The articles table: imports (articles with their spans and relations), reads, and status."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import orjson

from annotator.core.controls import visible_article
from annotator.core.errors import InvalidSpan, NotFound
from annotator.core.identity import cleaned_name
from annotator.core.model import Article, ArticleRow, Changes, NewArticle, Op, Status
from annotator.core.store import rows
from annotator.core.store.base import StorePart
from annotator.core.store.spans import check_range

ARTICLE_INSERT = f"INSERT INTO articles ({rows.ARTICLE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
ARTICLE_INSERT_NEW = ARTICLE_INSERT.replace("INSERT", "INSERT OR IGNORE", 1)
# One statement per batch of articles (an id range): FTS5 writes its pending terms out at the end
# of every statement, so one statement per article makes many tiny segments to merge.
INDEX_ARTICLES = (
    "INSERT INTO articles_fts (rowid, title, text) "
    "SELECT id, title, text FROM articles WHERE id BETWEEN ? AND ?"
)
# 2,000 news articles: fewer, larger statements cost less; half of what an import reads ahead
# (importers.READ_AHEAD_CHARS), so that reading runs while SQLite indexes.
INDEX_BATCH_CHARS = 10_000_000
# Characters an import leaves to the per-row trigger before it indexes in batches: dropping the
# trigger and creating it again (a schema change: every prepared statement is prepared again) cost
# about 0.5 ms per import here, as much as the trigger's indexing of ~10 news articles (~20,000
# characters); a folder of one-article files (brat) paid it per file.
BATCH_FROM_CHARS = 100_000
# FTS5 keeps new terms in memory until this many bytes (its "hashsize"; 1 MB by default), then
# writes them out as a segment, merged later with the others: larger segments, fewer merges.
INDEX_PENDING_BYTES = 8 * 2**20
# SQLite's page cache while importing (KiB; 2 MB by default): the content-hash index takes every
# new article at a random place, and with a small cache its pages are written out and read back
# again and again (one 100k import here: 57 s CPU instead of 63, of which 8.4 s instead of 11.9 s
# in the kernel).
IMPORT_CACHE_KIB = 64 * 1024
NEW_SPAN_INSERT = (
    'INSERT INTO spans (article_id, start, "end", label_id, attributes, note, annotator, '
    "created, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def _drop_trigger(conn: sqlite3.Connection) -> None:
    """The per-row indexing trigger dropped (within the import's transaction), and FTS5's buffer
    of new terms at INDEX_PENDING_BYTES for the batches that follow."""
    conn.execute("DROP TRIGGER articles_ai")
    try:
        conn.execute(
            "INSERT INTO articles_fts (articles_fts, rank) VALUES ('hashsize', ?)", [INDEX_PENDING_BYTES]
        )
    except sqlite3.OperationalError:  # an SQLite without that setting: its default
        pass


def prepared(article: NewArticle) -> tuple[NewArticle, str]:
    """The article as it is stored (`visible_article`) and its content hash: the part of storing
    it that needs no project, which an import does on its reading thread (`importers.read_ahead`)."""
    article = visible_article(article)
    return article, rows.content_hash(article.text)


@dataclass(frozen=True)
class ImportOutcome:
    """What storing one file's articles did."""

    article_ids: tuple[int, ...] = ()
    span_count: int = 0
    duplicates: tuple[str, ...] = field(default=())  # titles of articles already stored
    added_to: tuple[int, ...] = ()  # articles already stored that got spans from the file
    spans_added: int = 0  # spans added to those
    renamed: dict[str, str] = field(default_factory=dict)  # annotator names as given → as stored


class Articles(StorePart):
    """The `articles` and `article_status` tables."""

    ARTICLE_ORDER = {
        "id": "id",
        "title": "title COLLATE NOCASE",
        "outlet": "outlet COLLATE NOCASE",
        "published": "published",
        "status": "status",
        "spans": "(SELECT count(*) FROM spans s WHERE s.article_id = articles.id)",
    }

    def add_articles(
        self,
        articles: Iterable[NewArticle | tuple[NewArticle, str]],
        labels: Iterable[str] = (),
        before_indexing: Callable[[], None] | None = None,
    ) -> ImportOutcome:
        """Store articles with their spans in one transaction: all of them or none.

        A record whose text is already stored adds the spans the article lacks (another analyst's
        file: see `_add_to_stored`); one that adds none is reported as a duplicate. `labels`
        (a file's codebook, which its reader may fill while the articles are read) are added to
        the scheme in the same transaction when missing, even if no span uses them. The search
        index is filled per batch of articles (see `_indexing_in_batches`), not row by row. An
        item may be a pair from `prepared` (an import makes those on its reading thread);
        `before_indexing` is called as each batch starts to be indexed (the import's reading
        thread runs then).
        """
        now = rows.now()
        ids: list[int] = []
        duplicates: list[str] = []
        added_to: list[int] = []
        spans_added = 0
        span_rows: list[tuple] = []
        span_total = 0
        label_ids: dict[str, int] = {}
        authors: dict[str, str] = {}  # a span's annotator as the file gives it → as stored
        renamed: dict[str, str] = {}
        empty = rows.to_json({})

        def author(given: str) -> str:
            name = authors.get(given)
            if name is None:
                name = authors[given] = self._author(given, renamed, now)
            return name

        try:
            with (
                self._larger_cache(),
                self._write() as conn,
                self._indexing_in_batches(before_indexing) as index,
            ):
                seen: dict[str, int] = {}  # content hash → id of the articles stored by this call
                for item in articles:
                    article, digest = item if type(item) is tuple else prepared(item)
                    if digest in seen and not (article.spans or article.suggestions):
                        duplicates.append(article.title)  # twice in this file: the first one counts
                        continue
                    values = [
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
                        rows.to_json(article.meta) if article.meta else empty,
                    ]
                    # The unique content hash is the duplicate check: no query per new article.
                    cursor = None if digest in seen else conn.execute(ARTICLE_INSERT_NEW, values)
                    if cursor is None or cursor.rowcount == 0:  # its text is stored already
                        # another record of it (one per annotator or decision, as Prodigy's have)
                        # adds what it has that is not stored yet, its first record's spans too
                        conn.executemany(NEW_SPAN_INSERT, span_rows)
                        span_total += len(span_rows)
                        span_rows.clear()
                        stored = seen.get(digest) or self._article_id_of(digest)
                        if stored is None:  # ignored for another reason: raise that
                            conn.execute(ARTICLE_INSERT, values)
                        added = suggested = 0
                        if article.spans:
                            added = self._add_to_stored(stored, article, label_ids, now, author)
                        if article.suggestions:
                            suggested = self._add_suggestions_to_stored(conn, stored, article, now)
                        if added and digest in seen:  # the article is new: its spans count as such
                            span_total += added
                        elif added:
                            added_to.append(stored)
                            spans_added += added
                        if not (added or suggested):
                            duplicates.append(article.title)
                        continue
                    article_id = seen[digest] = cursor.lastrowid
                    ids.append(article_id)
                    index(article_id, len(article.text))
                    if article.status != Status.NEW:  # the importing analyst's status (agreement)
                        conn.execute(
                            "INSERT INTO article_status (article_id, annotator, status) VALUES (?, ?, ?)",
                            [article_id, self.annotator, str(article.status)],
                        )
                    self._insert_new_suggestions(conn, article_id, article, now)
                    length = len(article.text)
                    for span in article.spans:
                        if not (0 <= span.start < span.end <= length):
                            check_range(span.start, span.end, length)
                        annotator = authors.get(span.annotator)
                        if annotator is None:
                            annotator = author(span.annotator)
                        label_id = label_ids.get(span.label)
                        if label_id is None:
                            label_id = label_ids[span.label] = self._label_id(span.label, create=True)
                        span_rows.append(
                            (
                                article_id,
                                span.start,
                                span.end,
                                label_id,
                                rows.to_json(span.attributes) if span.attributes else empty,
                                span.note,
                                annotator,
                                now,
                                now,
                            )
                        )
                    if article.relations:
                        conn.executemany(NEW_SPAN_INSERT, span_rows)
                        span_total += len(span_rows)
                        span_rows.clear()
                        found = conn.execute(
                            "SELECT id FROM spans WHERE article_id = ? ORDER BY id", [article_id]
                        )
                        self._insert_relations([row[0] for row in found], article, now)
                    if len(span_rows) >= 10_000:
                        conn.executemany(NEW_SPAN_INSERT, span_rows)
                        span_total += len(span_rows)
                        span_rows.clear()
                conn.executemany(NEW_SPAN_INSERT, span_rows)
                span_total += len(span_rows)
                self._add_missing_labels(labels)
        except BaseException:
            self._labels = None
            raise
        return ImportOutcome(tuple(ids), span_total, tuple(duplicates), tuple(added_to), spans_added, renamed)

    def _author(self, given: str, renamed: dict[str, str], now: str) -> str:
        """The name a span's annotator `given` by a file is stored under: without tabs, line
        breaks or other control characters (`identity.cleaned_name`; noted in `renamed`), the
        importing analyst's when none is left; recorded among the annotators."""
        name = cleaned_name(given) or self.annotator
        if given and name != given:
            renamed[given] = name
        if name != self.annotator:
            self.conn.execute(rows.ANNOTATOR_INSERT, [name, now])
        return name

    def _article_id_of(self, digest: str) -> int | None:
        """The stored article with this content hash, if any."""
        row = self.conn.execute("SELECT id FROM articles WHERE content_hash = ?", [digest]).fetchone()
        return None if row is None else row[0]

    def _add_to_stored(
        self,
        article_id: int,
        article: NewArticle,
        label_ids: dict[str, int],
        now: str,
        author: Callable[[str], str],
    ) -> int:
        """Inside an import: add a record's spans to the stored article with its text, skipping
        those already there (same range, label and annotator, as a merge matches them), with the
        relations among them and the record's status for the importing annotator (unless theirs
        is as advanced). The number of spans added."""
        conn = self.conn
        known = {
            (start, end, label_id, annotator): span_id
            for span_id, start, end, label_id, annotator in conn.execute(
                'SELECT id, start, "end", label_id, annotator FROM spans WHERE article_id = ?', [article_id]
            )
        }
        length = self._text_length(article_id)
        span_ids: list[int] = []
        added = 0
        for span in article.spans:
            check_range(span.start, span.end, length)
            annotator = author(span.annotator)
            label_id = label_ids.get(span.label)
            if label_id is None:
                label_id = label_ids[span.label] = self._label_id(span.label, create=True)
            key = (span.start, span.end, label_id, annotator)
            if key not in known:
                attributes = rows.to_json(span.attributes)
                values = [article_id, *key[:3], attributes, span.note, annotator, now, now]
                known[key] = conn.execute(NEW_SPAN_INSERT, values).lastrowid
                added += 1
            span_ids.append(known[key])
        self._insert_relations(span_ids, article, now)
        if article.status != Status.NEW:
            self._merge_status(article_id, self.annotator, str(article.status))
        return added

    def _insert_new_suggestions(
        self, conn: sqlite3.Connection, article_id: int, article: NewArticle, now: str
    ) -> None:
        """A file's predictions go where suggestions wait, never among the spans."""
        for s in article.suggestions:
            check_range(s.start, s.end, len(article.text))
            self._label_id(s.label, create=True)  # so that accepting it can make a span
            conn.execute(
                'INSERT OR IGNORE INTO suggestions (article_id, start, "end", label, attributes, source, '
                "score, created) VALUES (?, ?, ?, ?, '{}', ?, ?, ?)",
                [article_id, s.start, s.end, s.label, s.source, s.score, now],
            )

    def _add_suggestions_to_stored(
        self, conn: sqlite3.Connection, article_id: int, article: NewArticle, now: str
    ) -> int:
        """Inside an import: a file's predictions for an article already stored, except those
        already pending, made spans or rejected. How many were added."""
        length = self._text_length(article_id)
        added = 0
        for s in article.suggestions:
            check_range(s.start, s.end, length)
            self._label_id(s.label, create=True)
            key = [article_id, s.start, s.end, s.label]
            added += conn.execute(
                'INSERT OR IGNORE INTO suggestions (article_id, start, "end", label, attributes, source, '
                "score, created) SELECT ?, ?, ?, ?, '{}', ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM "
                'suggestion_rejections WHERE article_id = ? AND start = ? AND "end" = ? AND label = ?) '
                "AND NOT EXISTS (SELECT 1 FROM spans p JOIN labels l ON l.id = p.label_id "
                'WHERE p.article_id = ? AND p.start = ? AND p."end" = ? AND l.name = ?)',
                [*key, s.source, s.score, now, *key, *key],
            ).rowcount
        return added

    @contextmanager
    def _larger_cache(self) -> Iterator[None]:
        """SQLite's page cache at IMPORT_CACHE_KIB while importing (unless it is larger already),
        then as it was."""
        conn = self.conn
        before = conn.execute("PRAGMA cache_size").fetchone()[0]
        pages = conn.execute("PRAGMA page_size").fetchone()[0]
        kib = -before if before < 0 else before * pages // 1024
        if kib >= IMPORT_CACHE_KIB:
            yield
            return
        conn.execute(f"PRAGMA cache_size = -{int(IMPORT_CACHE_KIB)}")
        try:
            yield
        finally:
            conn.execute(f"PRAGMA cache_size = {int(before)}")

    @contextmanager
    def _indexing_in_batches(
        self, before_indexing: Callable[[], None] | None = None
    ) -> Iterator[Callable[[int, int], None]]:
        """Inside a write transaction: the search index filled per batch of new articles instead of
        by the per-row trigger (a third of a large import's time). Yields `added(id, length)`.

        The trigger indexes the first BATCH_FROM_CHARS characters: dropping it and creating it
        again costs more than it saves on a small import (one article of a brat folder). Past
        that, it is dropped and created again from its own stored SQL within the same
        transaction, so no other connection ever sees the schema without it, and a rollback
        brings it back."""
        conn = self.conn
        found = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'articles_ai'")
        trigger = found.fetchone()
        if trigger is None:  # paused by an enclosing import, which does not know these ids
            yield lambda article_id, length: conn.execute(INDEX_ARTICLES, [article_id, article_id])
            return
        by_trigger = {"chars": 0, "dropped": False}  # past BATCH_FROM_CHARS, the trigger is dropped
        batch = {"first": 0, "last": -1, "chars": 0}  # an id range not yet indexed

        def flush() -> None:
            if batch["last"] >= batch["first"]:
                if before_indexing is not None:
                    before_indexing()
                conn.execute(INDEX_ARTICLES, [batch["first"], batch["last"]])
            batch.update(first=0, last=-1, chars=0)

        def added(article_id: int, length: int) -> None:
            if not by_trigger["dropped"]:  # indexed by the trigger as it was inserted
                by_trigger["chars"] += length
                if by_trigger["chars"] >= BATCH_FROM_CHARS:
                    _drop_trigger(conn)
                    by_trigger["dropped"] = True
                return
            if article_id != batch["last"] + 1:  # ids are consecutive in practice; never assumed
                flush()
                batch["first"] = article_id
            batch["last"] = article_id
            batch["chars"] += length
            if batch["chars"] >= INDEX_BATCH_CHARS:
                flush()

        yield added
        if by_trigger["dropped"]:
            flush()
            conn.execute(trigger[0])

    def _insert_relations(self, span_ids: list[int], article: NewArticle, now: str) -> None:
        """An imported article's relations, `span_ids[n]` being the stored id of `spans[n]`
        (one already stored is kept); InvalidSpan for an index out of range, a self-link or a
        relation repeated in the file."""
        seen: set[tuple[int, int, str]] = set()
        for relation in article.relations:
            ends = (relation.from_index, relation.to_index)
            if not all(0 <= index < len(span_ids) for index in ends):
                raise InvalidSpan(f"A relation refers to spans {ends}; the article has {len(span_ids)}.")
            if span_ids[relation.from_index] == span_ids[relation.to_index]:
                raise InvalidSpan(f"A relation links span {relation.from_index} to itself.")
            if not relation.type.strip():
                raise InvalidSpan("A relation needs a type.")
            key = (span_ids[relation.from_index], span_ids[relation.to_index], relation.type)
            if key in seen:
                raise InvalidSpan(f"The relation {relation.type!r} between two spans appears twice.")
            seen.add(key)
            self.conn.execute(
                "INSERT OR IGNORE INTO relations (from_span, to_span, type, annotator, created) "
                "VALUES (?, ?, ?, ?, ?)",
                [*key, self.annotator, now],
            )

    def article(self, article_id: int) -> Article:
        """The article with this id; NotFound (a KeyError) if there is none."""
        row = self.conn.execute(rows.ARTICLE_SELECT + " WHERE id = ?", [article_id]).fetchone()
        if row is None:
            raise NotFound(f"Article {article_id}")
        return rows.article(row)

    def article_ids(
        self, status: Status | None = None, order_by: str = "id", descending: bool = False
    ) -> list[int]:
        """Ids of all articles (or those with `status`), ordered by one of ARTICLE_ORDER's keys.

        SQLite hands them over as one JSON array (its aggregate keeps the ordered subquery's
        order): 100,000 ids in a third of the time a Python row per id takes, which the window
        pays as it opens."""
        order = f"{self.ARTICLE_ORDER[order_by]} {'DESC' if descending else 'ASC'}, id"
        where, args = ("WHERE status = ?", [str(Status(status))]) if status else ("", [])
        query = f"SELECT json_group_array(id) FROM (SELECT id FROM articles {where} ORDER BY {order})"
        return orjson.loads(self.conn.execute(query, args).fetchone()[0])

    def article_rows(self, ids: Iterable[int]) -> dict[int, ArticleRow]:
        """List rows (no text) for these ids, keyed by id. Never fails on a bad row: an unknown
        status or a damaged page gives a row marked with its `problem` (the list paints it)."""
        ids = list(ids)
        result: dict[int, ArticleRow] = {}
        for chunk_start in range(0, len(ids), 500):
            chunk = ids[chunk_start : chunk_start + 500]
            try:
                result.update(self._article_rows(chunk))
            except sqlite3.DatabaseError:  # a damaged page: find the rows it holds, one by one
                for article_id in chunk:
                    try:
                        result.update(self._article_rows([article_id]))
                    except sqlite3.DatabaseError as error:
                        result[article_id] = ArticleRow(article_id, "", "", "", None, 0, f"damaged ({error})")
        return result

    def _article_rows(self, ids: list[int]) -> dict[int, ArticleRow]:
        marks = ",".join("?" * len(ids))
        found = self.conn.execute(
            "SELECT a.id, a.title, a.outlet, a.published, a.status, "
            "(SELECT count(*) FROM spans s WHERE s.article_id = a.id) "
            f"FROM articles a WHERE a.id IN ({marks})",
            ids,
        ).fetchall()
        return {row[0]: rows.article_row(row) for row in found}

    def article_count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM articles").fetchone()[0]

    @property
    def is_new(self) -> bool:
        """True while the project holds no article."""
        return self.conn.execute("SELECT NOT EXISTS (SELECT 1 FROM articles)").fetchone()[0] == 1

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
                raise NotFound(f"Article {article_id}")
            conn.execute(
                "INSERT OR REPLACE INTO article_status (article_id, annotator, status) VALUES (?, ?, ?)",
                [article_id, self.annotator, str(Status(status))],
            )
        return Changes(Op.SET_STATUS, articles=frozenset({article_id}))

    def annotator_status(self, annotator: str) -> dict[int, Status]:
        """The status each article has for one annotator (articles they never marked are absent)."""
        found = self.conn.execute(
            "SELECT article_id, status FROM article_status WHERE annotator = ?", [annotator]
        )
        return {article_id: Status(status) for article_id, status in found}

    def _text_length(self, article_id: int) -> int:
        """Length in code points; texts never change, so it is remembered (counting is O(n))."""
        length = self._lengths.get(article_id)
        if length is None:
            # Python's len, not SQL's length(), which stops at a NUL (texts stored before imports
            # replaced control characters can hold one).
            row = self.conn.execute("SELECT text FROM articles WHERE id = ?", [article_id]).fetchone()
            if row is None:
                raise NotFound(f"Article {article_id}")
            length = self._lengths[article_id] = len(row[0])
        return length
