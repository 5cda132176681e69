"""What callers need of the project file as a whole: backups, an integrity check, full-text search.
They go through the store so nothing outside it touches the connection."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from annotator.core.output import OutputRefused, check_target
from annotator.core.store import backup as backups
from annotator.core.store.base import StorePart
from annotator.core.store.rows import now

# The ranked query runs over the newest matches only (rowid >= the window's oldest): FTS5 scores
# every row it is given before sorting, so a common word's 50,000 matches took 200 ms.
SEARCH_SQL = (
    "SELECT rowid, title, snippet(articles_fts, 1, '«', '»', '…', ?), rank FROM articles_fts "
    "WHERE articles_fts MATCH ? AND rowid >= ? AND rank MATCH ? ORDER BY rank LIMIT ?"
)
RANKED_SQL = (
    "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? AND rowid >= ? AND rank MATCH ? "
    "ORDER BY rank LIMIT ?"
)
WINDOW_SQL = "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rowid DESC LIMIT 1 OFFSET ?"


class Files(StorePart):
    """Backups, checks and search over the open project."""

    def backup(self, reason: str = "", keep: int | None = backups.KEEP) -> Path:
        """A consistent copy in the backups folder next to the project (BackupError if not)."""
        return backups.make_backup(self.conn, self.path, reason=reason, keep=keep)

    def backup_if_due(self, interval: float = backups.INTERVAL) -> Path | None:
        """A backup unless the newest is younger than `interval` seconds; failures are logged."""
        return backups.backup_if_due(self.conn, self.path, interval)

    def save_copy(self, target: Path, replace: bool = False) -> None:
        """Write the project, every committed edit included, as one self-contained file at `target`
        (a plain file copy misses what still sits in the -wal file). OutputRefused for the project
        itself, its side files or backups, and for an existing `target` unless `replace`."""
        target = Path(target)
        check_target(self.path, target)
        if target.exists() and not replace:
            raise OutputRefused(f"{target} already exists; nothing was written. Choose a new name.")
        backups.write_copy(self.conn, self.path, target)

    def begin_window_session(self) -> None:
        """Mark the project as open in a window, in the file itself (checkpointed at once), so a
        plain copy taken meanwhile is recognised; a mark left by a killed window is replaced."""
        with self._write() as conn:
            conn.execute("DELETE FROM window_sessions")
            conn.execute(
                "INSERT INTO window_sessions (annotator, started) VALUES (?, ?)", [self.annotator, now()]
            )
        self.checkpoint()

    def end_window_session(self) -> None:
        """The window closes the project: a copy from now on is complete."""
        with self._write() as conn:
            conn.execute("DELETE FROM window_sessions")
        self.checkpoint()

    def checkpoint(self) -> None:
        """Write committed edits from the -wal file into the project file itself, so that a plain
        copy of the file has them. Never waits for other programs; skipped inside a transaction."""
        if not self.conn.in_transaction:
            self.conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()

    def check(self) -> str:
        """SQLite's quick integrity check of the file: "ok", or what is damaged (also when the
        damage stops the check itself, as a broken page of the schema or of an index can)."""
        try:
            return "\n".join(row[0] for row in self.conn.execute("PRAGMA quick_check"))
        except sqlite3.DatabaseError as error:
            return str(error)

    def search_rows(
        self, expression: str, rank: str, limit: int, snippet_tokens: int, window: int
    ) -> list[tuple[int, str, str, float]]:
        """(article id, title, snippet, rank) of the best `limit` matches of an FTS5 `expression`
        (already made safe by `search.fts_query`) among its newest `window` matches, ranked by
        the FTS5 `rank` function call. Finding where the window starts walks the matches without
        scoring them, which is cheap."""
        first = self._window_start(expression, window)
        return self.conn.execute(SEARCH_SQL, [snippet_tokens, expression, first, rank, limit]).fetchall()

    def ranked_ids(self, expression: str, rank: str, limit: int, window: int) -> list[int]:
        """The ids `search_rows` gives, without reading titles or making snippets."""
        first = self._window_start(expression, window)
        return [row[0] for row in self.conn.execute(RANKED_SQL, [expression, first, rank, limit])]

    def snippets(self, expression: str, ids: list[int], snippet_tokens: int) -> dict[int, str]:
        """The snippet of the FTS5 `expression`'s hits in each of these articles (that it matches)."""
        marks = ", ".join("?" * len(ids))
        found = self.conn.execute(
            "SELECT rowid, snippet(articles_fts, 1, '«', '»', '…', ?) FROM articles_fts "
            f"WHERE articles_fts MATCH ? AND rowid IN ({marks})",
            [snippet_tokens, expression, *ids],
        )
        return dict(found.fetchall())

    def _window_start(self, expression: str, window: int) -> int:
        oldest = self.conn.execute(WINDOW_SQL, [expression, window - 1]).fetchone()
        return oldest[0] if oldest else 0

    def matching(self, expressions: list[str]) -> list[str]:
        """Those of the FTS5 `expressions` (made safe by `search`) that match any article; one
        match is enough, so this reads no more of the index than the first hit."""
        query = "SELECT 1 FROM articles_fts WHERE articles_fts MATCH ? LIMIT 1"
        return [expression for expression in expressions if self.conn.execute(query, [expression]).fetchone()]
