"""Numbered schema migrations. Never edit one that has shipped; add the next instead.

Each migration runs in its own transaction and sets `PRAGMA user_version` to its number, so a file
says which schema it has even to tools that do not know sqlite-utils' migrations table.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.core import import_sqlite_utils
from annotator.core.store.held import is_held

if TYPE_CHECKING:
    from sqlite_utils import Database
    from sqlite_utils.migrations import Migrations

APPLICATION_ID = 0x414E4E4F  # "ANNO": marks a file as an annotator project
SCHEMA_VERSION = 9

_STEPS: list[Callable[[Database], None]] = []


def _migration(step: Callable[[Database], None]) -> Callable[[Database], None]:
    """Register the next migration (they run in the order they are written here)."""
    _STEPS.append(step)
    return step


@cache
def _registered() -> Migrations:
    """sqlite-utils' migration set, built when a project needs upgrading (its import is slow)."""
    import_sqlite_utils()  # first: it keeps numpy and pandas out
    from sqlite_utils.migrations import Migrations

    found = Migrations("annotator")
    for step in _STEPS:
        found()(step)
    return found


def needs_upgrade(path: Path) -> bool:
    """Whether the file at `path` is a project with an older schema than this version's, read from
    its header (nothing is opened): its first open then upgrades it, a backup first, which takes
    seconds for 100,000 articles. A header older than the file's -wal at worst says True. A project
    this program holds open (`held`) is not read: it was upgraded when it was opened."""
    if is_held(Path(path)):
        return False
    try:
        with Path(path).open("rb") as handle:
            header = handle.read(72)
    except OSError:
        return False
    if len(header) < 72 or not header.startswith(b"SQLite format 3\0"):
        return False
    version, app_id = int.from_bytes(header[60:64], "big"), int.from_bytes(header[68:72], "big")
    return app_id == APPLICATION_ID and version < SCHEMA_VERSION


def upgrade(conn: sqlite3.Connection) -> None:
    """Apply the migrations the project on `conn` has not had yet."""
    _registered().apply(import_sqlite_utils().Database(conn))


def __getattr__(name: str) -> Migrations:
    """`migrations`, the sqlite-utils set itself (tests stop an upgrade part-way with it)."""
    if name == "migrations":
        return _registered()
    raise AttributeError(name)


# The scheme m001 gives a new project, frozen as it shipped (name, colour, key, attributes as
# (name, choices)): editing `scheme.DEFAULT_SCHEME` later must not change what this migration does.
M001_LABELS = (
    (
        "claim",
        "#e6194b",
        "c",
        [("check_worthy", ["yes", "no"]), ("stance", ["supports", "opposes", "neutral"])],
    ),
    ("quote", "#3c8dde", "q", [("kind", ["direct", "indirect"])]),
    (
        "actor",
        "#2ca25f",
        "a",
        [("type", ["person", "organisation", "state", "group"]), ("normalised_name", None)],
    ),
    (
        "framing",
        "#f0a30a",
        "f",
        [
            (
                "frame",
                [
                    "Economic",
                    "Capacity and resources",
                    "Morality",
                    "Fairness and equality",
                    "Legality, constitutionality and jurisprudence",
                    "Policy prescription and evaluation",
                    "Crime and punishment",
                    "Security and defense",
                    "Health and safety",
                    "Quality of life",
                    "Cultural identity",
                    "Public opinion",
                    "Political",
                    "External regulation and reputation",
                    "Other",
                ],
            )
        ],
    ),
)


def _choice(name: str, choices: list[str] | None) -> dict:
    """An attribute as m001 stored it: a choice among `choices`, or free text with None."""
    return {"name": name, "kind": "choice" if choices else "text", "choices": choices or []}


def _set_version(db: Database, version: int) -> None:
    db.execute(f"PRAGMA user_version = {int(version)}")


@_migration
def m001_initial(db: Database) -> None:
    statements = [
        """CREATE TABLE articles (
            id INTEGER PRIMARY KEY,
            title TEXT NOT NULL,
            text TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'new'
                CHECK (status IN ('new', 'in_progress', 'done', 'skipped')),
            outlet TEXT NOT NULL DEFAULT '',
            author TEXT NOT NULL DEFAULT '',
            published TEXT NOT NULL DEFAULT '',
            url TEXT NOT NULL DEFAULT '',
            source TEXT NOT NULL DEFAULT '',
            content_hash TEXT NOT NULL UNIQUE,
            imported_at TEXT NOT NULL,
            meta TEXT NOT NULL DEFAULT '{}'
        )""",
        "CREATE INDEX articles_status ON articles(status)",
        """CREATE TABLE labels (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            color TEXT NOT NULL,
            shortcut TEXT NOT NULL DEFAULT '',
            position INTEGER NOT NULL,
            attributes TEXT NOT NULL DEFAULT '[]'
        )""",
        "CREATE TABLE annotators (name TEXT PRIMARY KEY, created TEXT NOT NULL)",
        """CREATE TABLE spans (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            label_id INTEGER NOT NULL REFERENCES labels(id),
            attributes TEXT NOT NULL DEFAULT '{}',
            note TEXT NOT NULL DEFAULT '',
            annotator TEXT NOT NULL REFERENCES annotators(name),
            created TEXT NOT NULL,
            updated TEXT NOT NULL,
            CHECK (0 <= start AND start < "end")
        )""",
        'CREATE INDEX spans_article ON spans(article_id, start, "end", label_id)',  # covers the view's read
        "CREATE INDEX spans_label ON spans(label_id)",
        """CREATE TABLE relations (
            id INTEGER PRIMARY KEY,
            from_span INTEGER NOT NULL REFERENCES spans(id) ON DELETE CASCADE,
            to_span INTEGER NOT NULL REFERENCES spans(id) ON DELETE CASCADE,
            type TEXT NOT NULL,
            annotator TEXT NOT NULL REFERENCES annotators(name),
            created TEXT NOT NULL,
            UNIQUE (from_span, to_span, type)
        )""",
        "CREATE INDEX relations_to ON relations(to_span)",
        """CREATE VIRTUAL TABLE articles_fts USING fts5(
            title, text, content='articles', content_rowid='id',
            tokenize='unicode61 remove_diacritics 2'
        )""",
        """CREATE TRIGGER articles_ai AFTER INSERT ON articles BEGIN
            INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
        END""",
        """CREATE TRIGGER articles_ad AFTER DELETE ON articles BEGIN
            INSERT INTO articles_fts(articles_fts, rowid, title, text)
            VALUES ('delete', old.id, old.title, old.text);
        END""",
        """CREATE TRIGGER articles_au AFTER UPDATE OF title, text ON articles BEGIN
            INSERT INTO articles_fts(articles_fts, rowid, title, text)
            VALUES ('delete', old.id, old.title, old.text);
            INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
        END""",
    ]
    for statement in statements:
        db.execute(statement)
    for position, (name, color, shortcut, attributes) in enumerate(M001_LABELS):
        db.execute(
            "INSERT INTO labels (name, color, shortcut, position, attributes) VALUES (?, ?, ?, ?, ?)",
            [name, color, shortcut, position, json.dumps([_choice(*a) for a in attributes])],
        )
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    _set_version(db, 1)


@_migration
def m002_article_status(db: Database) -> None:
    """Per-annotator status: agreement compares coders on the articles each of them finished,
    while `articles.status` stays the project's workflow status. Existing progress is credited to
    every annotator with spans in the article (or to the only annotator, if there is one)."""
    db.execute(
        """CREATE TABLE article_status (
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            annotator TEXT NOT NULL REFERENCES annotators(name),
            status TEXT NOT NULL CHECK (status IN ('new', 'in_progress', 'done', 'skipped')),
            PRIMARY KEY (article_id, annotator)
        ) WITHOUT ROWID"""
    )
    db.execute("CREATE INDEX article_status_annotator ON article_status(annotator, status)")
    db.execute(
        "INSERT OR IGNORE INTO article_status (article_id, annotator, status) "
        "SELECT DISTINCT a.id, s.annotator, a.status FROM articles a JOIN spans s ON s.article_id = a.id "
        "WHERE a.status != 'new'"
    )
    db.execute(
        "INSERT OR IGNORE INTO article_status (article_id, annotator, status) "
        "SELECT a.id, (SELECT name FROM annotators), a.status FROM articles a "
        "WHERE a.status != 'new' AND (SELECT count(*) FROM annotators) = 1"
    )
    _set_version(db, 2)


@_migration
def m003_label_descriptions(db: Database) -> None:
    """A codebook text per label. Attributes and their values keep theirs in the attributes JSON."""
    db.execute("ALTER TABLE labels ADD COLUMN description TEXT NOT NULL DEFAULT ''")
    _set_version(db, 3)


@_migration
def m004_article_facets(db: Database) -> None:
    """The analysis tables group articles by outlet and month: this index holds those columns, so
    they are read without the article rows and their text."""
    db.execute("CREATE INDEX articles_facets ON articles(status, outlet, published)")
    _set_version(db, 4)


@_migration
def m005_suggestions(db: Database) -> None:
    """Suggestions live apart from spans until the analyst accepts them; a rejection is kept so
    the same suggestion is not offered again (its text teaches the `repeat` recommender)."""
    db.execute(
        """CREATE TABLE suggestions (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            label TEXT NOT NULL,
            attributes TEXT NOT NULL DEFAULT '{}',
            source TEXT NOT NULL,
            score REAL NOT NULL,
            speaker_span INTEGER REFERENCES spans(id) ON DELETE SET NULL,
            speaker_suggestion INTEGER REFERENCES suggestions(id) ON DELETE SET NULL,
            created TEXT NOT NULL,
            UNIQUE (article_id, start, "end", label),
            CHECK (0 <= start AND start < "end")
        )"""
    )
    db.execute("CREATE INDEX suggestions_source ON suggestions(source, score)")
    db.execute("CREATE INDEX suggestions_speaker ON suggestions(speaker_suggestion)")
    db.execute(
        """CREATE TABLE suggestion_rejections (
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            label TEXT NOT NULL,
            text TEXT NOT NULL,
            source TEXT NOT NULL,
            annotator TEXT NOT NULL,
            created TEXT NOT NULL,
            PRIMARY KEY (article_id, start, "end", label)
        ) WITHOUT ROWID"""
    )
    db.execute("CREATE INDEX suggestion_rejections_text ON suggestion_rejections(text, label)")
    _set_version(db, 5)


@_migration
def m006_window_sessions(db: Database) -> None:
    """The window marks the project as open in it (checkpointed into the file at once): a copy
    taken meanwhile carries the mark, so a merge can warn that the copy's newest edits may still
    be in the -wal file it left behind."""
    db.execute(
        "CREATE TABLE window_sessions (id INTEGER PRIMARY KEY, annotator TEXT NOT NULL, "
        "started TEXT NOT NULL)"
    )
    _set_version(db, 6)


@_migration
def m007_article_list(db: Database) -> None:
    """The article list reads ids in order, and its visible rows, from this index instead of the
    article rows that carry the text: at 100,000 articles a scan of the table reads most of the
    file (0.2-2 s), the index a few MB."""
    db.execute("CREATE INDEX articles_list ON articles(id, title, outlet, published, status)")
    _set_version(db, 7)


# The relation rule m008 gives a project, frozen as it shipped: (type, source label, target label,
# single), by label name; a project without one of the labels gets no rule.
M008_RULES = (("said_by", "quote", "actor", 1),)


@_migration
def m008_relation_rules(db: Database) -> None:
    """The scheme says which label each relation type may point to (one row per target label),
    and whether a source span has at most one such relation (`single`): a quote is said by one
    actor unless the project allows more. Until now this rule was code."""
    db.execute(
        """CREATE TABLE relation_rules (
            type TEXT NOT NULL,
            source_label INTEGER NOT NULL REFERENCES labels(id) ON DELETE CASCADE,
            target_label INTEGER NOT NULL REFERENCES labels(id) ON DELETE CASCADE,
            single INTEGER NOT NULL DEFAULT 1 CHECK (single IN (0, 1)),
            PRIMARY KEY (type, source_label, target_label)
        ) WITHOUT ROWID"""
    )
    db.execute("CREATE INDEX relation_rules_target ON relation_rules(target_label)")
    for kind, source, target, single in M008_RULES:
        db.execute(
            "INSERT INTO relation_rules (type, source_label, target_label, single) "
            "SELECT ?, s.id, t.id, ? FROM labels s, labels t WHERE s.name = ? AND t.name = ?",
            [kind, single, source, target],
        )
    _set_version(db, 8)


@_migration
def m009_span_codes(db: Database) -> None:
    """The analysis tables read spans grouped by label and attribute values: in this index each
    group's spans are one run, so a group's spans, articles and ranges come out without sorting
    the spans or reading their rows."""
    db.execute('CREATE INDEX spans_codes ON spans(label_id, attributes, article_id, annotator, start, "end")')
    _set_version(db, 9)
