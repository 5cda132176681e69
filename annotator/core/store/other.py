"""Another analyst's project file, opened read-only for a merge: its rows, one article at a time."""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from annotator.core.errors import NotAProject, StoreError
from annotator.core.store.migrations import APPLICATION_ID, SCHEMA_VERSION, upgrade
from annotator.core.store.rows import ARTICLE_COLUMNS
from annotator.core.store.sqlite_errors import header_problem


class OtherProject:
    """Rows of a project file that is only read. Spans, relations and statuses come sorted by
    article and are handed out one article at a time (`take`), so a merge of any size holds one
    article's rows in memory."""

    def __init__(self, conn: sqlite3.Connection, path: Path):
        self.conn = conn
        self.path = path
        self.spans = _ArticleRows(
            conn.execute(
                'SELECT article_id, id, start, "end", label_id, attributes, note, annotator, created, '
                "updated FROM spans ORDER BY article_id, id"
            ),
            path,
        )
        self.relations = _ArticleRows(
            conn.execute(
                "SELECT s.article_id, r.from_span, r.to_span, r.type, r.annotator, r.created "
                "FROM relations r JOIN spans s ON s.id = r.from_span ORDER BY s.article_id, r.id"
            ),
            path,
        )
        self.statuses = _ArticleRows(
            conn.execute("SELECT article_id, annotator, status FROM article_status ORDER BY article_id"),
            path,
        )

    def labels(self) -> list[tuple[int, str, str, str, str]]:
        """(id, name, colour, key, attributes JSON) in palette order."""
        return self.conn.execute(
            "SELECT id, name, color, shortcut, attributes FROM labels ORDER BY position, id"
        ).fetchall()

    def relation_rules(self) -> list[tuple[str, int, int, int]]:
        """(type, source label id, target label id, single) of the scheme's relation rules."""
        return self.conn.execute(
            "SELECT type, source_label, target_label, single FROM relation_rules"
        ).fetchall()

    def window_sessions(self) -> int:
        """How many windows had the file open when it was copied (see m006_window_sessions)."""
        return self.conn.execute("SELECT count(*) FROM window_sessions").fetchone()[0]

    def annotators(self) -> list[tuple[str, str]]:
        """(name, created) of everyone who worked in the file."""
        return self.conn.execute("SELECT name, created FROM annotators").fetchall()

    def articles(self) -> Iterator[tuple[int, str, str]]:
        """(id, content hash, title) of every article, in id order."""
        with reading(self.path):
            yield from self.conn.execute("SELECT id, content_hash, title FROM articles ORDER BY id")

    def article_row(self, article_id: int) -> tuple:
        """The article's columns as `rows.ARTICLE_COLUMNS` lists them."""
        return self.conn.execute(
            f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE id = ?", [article_id]
        ).fetchone()


@contextmanager
def open_other(path: Path, own: Path) -> Iterator[OtherProject]:
    """The annotator project at `path`, read-only and at the current schema (a file with an older
    one is upgraded in a temporary copy). A NotAProject or StoreError says why it cannot be read."""
    if not path.is_file():
        raise NotAProject(f"{path} does not exist or is not a file.")
    if path.resolve() == Path(own).resolve():
        raise NotAProject(f"{path} is the open project itself.")
    problem = header_problem(path)
    if problem:
        raise NotAProject(problem)
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as error:
        raise StoreError(f"Cannot open {path}: {error}.") from None
    temp: tempfile.TemporaryDirectory | None = None
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if app_id != APPLICATION_ID:
            raise NotAProject(f"{path} is an SQLite file but not an annotator project.")
        if version > SCHEMA_VERSION:
            raise NotAProject(
                f"{path} was written by a newer version of annotator (schema {version}); "
                "update annotator to merge it."
            )
        if version < SCHEMA_VERSION:
            temp = tempfile.TemporaryDirectory(prefix="annotator-merge-")
            copy = sqlite3.connect(Path(temp.name) / "upgraded.annotator", isolation_level=None)
            conn.backup(copy)
            conn.close()
            conn = copy
            upgrade(conn)
        yield OtherProject(conn, path)
    except sqlite3.Error as error:
        raise StoreError(f"Cannot read {path}: {error}.") from None
    finally:
        conn.close()
        if temp is not None:
            temp.cleanup()


class _ArticleRows:
    """Rows of a cursor sorted by article id (first column), handed out one article at a time."""

    def __init__(self, cursor: sqlite3.Cursor, path: Path):
        self.rows = iter(cursor)
        self.path = path
        self.next = next(self.rows, None)

    def take(self, article_id: int) -> list[tuple]:
        taken: list[tuple] = []
        with reading(self.path):
            while self.next is not None and self.next[0] <= article_id:
                if self.next[0] == article_id:
                    taken.append(self.next)
                self.next = next(self.rows, None)
        return taken


@contextmanager
def reading(path: Path) -> Iterator[None]:
    """An SQLite error met while reading the other file, as a StoreError that names it."""
    try:
        yield
    except sqlite3.Error as error:
        raise StoreError(f"Cannot read {path}: {error}.") from None
