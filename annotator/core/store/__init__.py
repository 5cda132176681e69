"""The project store: one SQLite file, the single source of truth, and the only code that runs SQL.

`Store` is a façade made of one part per table group (`labels`, `articles`, `spans`, `relations`,
`suggestions`, the whole-project `reads`, the analysis tables' `analysis`, `merging`, which reads
another project through `other`, and `files`: backups, check and search); `rows` holds the shared
statements and row mappers. Every mutation is one method and one transaction (`Store._write`) and
returns a `Changes` saying what changed. Every SQLite error, read or write, reaches callers as one
of the `core.errors` refusals.
"""

from __future__ import annotations

import functools
import inspect
import logging
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from annotator.core import import_sqlite_utils
from annotator.core.errors import NewerFile, NotAProject, StoreError
from annotator.core.identity import checked_name, default_annotator
from annotator.core.store import held
from annotator.core.store.analysis import AnalysisReads
from annotator.core.store.articles import Articles, ImportOutcome
from annotator.core.store.backup import BackupError, make_backup
from annotator.core.store.files import Files
from annotator.core.store.labels import EXTRA_COLORS, Labels
from annotator.core.store.merging import Merging
from annotator.core.store.migrations import APPLICATION_ID, SCHEMA_VERSION, upgrade
from annotator.core.store.reads import Reads
from annotator.core.store.relations import Relations
from annotator.core.store.rows import ANNOTATOR_INSERT, content_hash, now
from annotator.core.store.spans import Spans
from annotator.core.store.sqlite_errors import (
    describe_error,
    describe_unexpected,
    header_problem,
    store_error,
)
from annotator.core.store.suggestions import Suggestions

__all__ = [
    "EXTRA_COLORS",
    "ImportOutcome",
    "Store",
    "StoreError",
    "content_hash",
    "describe_error",
    "describe_unexpected",
    "header_problem",
]

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5000


class Store(Labels, Articles, Spans, Relations, Suggestions, Reads, AnalysisReads, Merging, Files):
    """An open project. Use `Store.open(path)`; close with `close()` or a `with` block."""

    def __init__(self, conn: sqlite3.Connection, path: Path, annotator: str):
        self.conn = conn
        self.path = path
        self.annotator = annotator
        self._labels = None
        self._lengths = {}
        self.read_only = False  # opened only to read (`open(read_only=True)`): every write is refused
        self._held = held.hold(path)  # its header is then never read with a plain open (see `held`)

    # ----------------------------------------------------------------- opening
    @classmethod
    def open(
        cls,
        path: str | Path,
        annotator: str | None = None,
        *,
        read_only: bool = False,
        alongside: bool = False,
    ) -> Store:
        """Open or create the project at `path`, upgrading its schema if it is older.

        `read_only`: for commands that only read. The project must exist; nothing is written to
        it or beside it, no write lock is taken (so it works while another program writes, and
        on a file or folder that cannot be written) and the annotator is not recorded.
        `alongside` (with `read_only`): another program holds the project open (an export's
        workers, beside the export's snapshot): opened `mode=ro`, whose closing never
        checkpoints nor removes the -wal, even when it cannot see that program's file locks
        (gone after a plain open and close of the file there: see `snapshot`).
        NameRefused for an `annotator` name that cannot be recorded, before anything is opened."""
        path = Path(path).expanduser()
        if annotator is not None:
            annotator = checked_name(annotator)
        if read_only:
            return cls._open_for_reading(path, annotator, alongside)
        if path.exists() and not path.is_file():
            kind = "a folder," if path.is_dir() else "not a regular file, so"
            raise NotAProject(f"{path} is {kind} not a project file.")
        if path.is_file() and (problem := header_problem(path)):
            raise NotAProject(problem)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StoreError(f"Cannot create the folder {path.parent}: {error.strerror}.") from None
        _repair_side_files(path)
        try:
            conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
        except sqlite3.Error as error:
            raise store_error(error, path) from None
        store = cls(conn, path, annotator or default_annotator())
        try:
            store._prepare()
        except sqlite3.Error as error:
            store.close()
            raise store_error(error, path) from None
        except StoreError:
            store.close()
            raise
        return store

    @classmethod
    def _open_for_reading(cls, path: Path, annotator: str | None, alongside: bool = False) -> Store:
        if not path.is_file():
            raise NotAProject(f"No project at {path}.")
        if problem := header_problem(path):
            raise NotAProject(problem)
        if path.stat().st_size == 0:
            raise NotAProject(f"{path} is an empty file, not a project.")
        _repair_side_files(path)
        try:
            conn = sqlite3.connect(reading_uri(path, alongside), uri=True, isolation_level=None)
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA query_only = 1")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        except sqlite3.Error as error:
            raise store_error(error, path) from None
        if app_id != APPLICATION_ID or version > SCHEMA_VERSION:
            conn.close()
            if app_id != APPLICATION_ID:
                raise NotAProject(f"{path} is an SQLite file but not an annotator project.")
            raise NewerFile(path, version, SCHEMA_VERSION)
        if version < SCHEMA_VERSION:  # an older project is upgraded once (a write), then read
            conn.close()
            cls.open(path, annotator).close()
            return cls._open_for_reading(path, annotator, alongside)
        store = cls(conn, path, annotator or default_annotator())
        store.read_only = True
        return store

    def _prepare(self) -> None:
        conn = self.conn
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        has_tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] > 0
        if has_tables and app_id != APPLICATION_ID:
            raise NotAProject(f"{self.path} is an SQLite file but not an annotator project.")
        if version > SCHEMA_VERSION:
            raise NewerFile(self.path, version, SCHEMA_VERSION)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        if version < SCHEMA_VERSION:
            log.info("migrating %s from schema %s to %s", self.path, version, SCHEMA_VERSION)
            if has_tables:
                try:
                    make_backup(conn, self.path, reason="before-upgrade", keep=None)
                except BackupError as error:
                    log.warning("upgrading without a backup: %s", error)
            upgrade(conn)
        self._ensure_annotator(self.annotator)

    def close(self) -> None:
        self.conn.close()
        held.release(self._held)
        self._held = None

    def interrupt(self) -> None:
        """Stop the query under way on this connection; it fails with a StoreError. The one call
        that may come from another thread (the Analysis window cancelling a table)."""
        self.conn.interrupt()

    @property
    def writing(self) -> bool:
        """True while a transaction is open (an import under way): backups, polls and timers
        must wait, since they would run inside it, or wait for it forever."""
        return self.conn.in_transaction

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One transaction; sqlite errors become the StoreError the user can read.

        It takes the write lock up front (BEGIN IMMEDIATE): a deferred transaction that reads
        first cannot wait for another process's write and fails with "busy" at once."""
        conn = self.conn
        try:
            if conn.in_transaction:
                with import_sqlite_utils().Database(conn).atomic():  # nested: a savepoint
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
            raise store_error(error, self.path) from None

    # -------------------------------------------------------------- annotators
    def _ensure_annotator(self, name: str) -> None:
        with self._write() as conn:
            conn.execute(ANNOTATOR_INSERT, [name, now()])

    def set_annotator(self, name: str) -> None:
        """Record spans and relations made from now on under `name` (the analyst renamed
        themselves in Preferences); what is already stored keeps its author."""
        name = checked_name(name)
        self._ensure_annotator(name)
        self.annotator = name

    def forget_cache(self) -> None:
        """Drop the cached scheme after a bulk write made outside this class (merge)."""
        self._labels = None

    def data_version(self) -> int:
        """Changes whenever another connection (another program) commits to the project."""
        return self.conn.execute("PRAGMA data_version").fetchone()[0]


def _translating(method):
    """`method` with any SQLite error it meets (reading included) raised as a StoreError."""
    if inspect.isgeneratorfunction(method):

        @functools.wraps(method)
        def generator(self, *args, **kwargs):
            try:
                yield from method(self, *args, **kwargs)
            except sqlite3.Error as error:
                raise store_error(error, self.path) from None

        return generator

    @functools.wraps(method)
    def call(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except sqlite3.Error as error:
            raise store_error(error, self.path) from None

    return call


# Store reads are wrapped once, here: every public method of every part.
for _name in dir(Store):
    _method = inspect.getattr_static(Store, _name)
    if not _name.startswith("_") and inspect.isfunction(_method):
        setattr(Store, _name, _translating(_method))


def reading_uri(path: Path, alongside: bool = False) -> str:
    """How to open `path` for reading without writing anything next to it.

    Where SQLite may write (file and folder writable), a normal connection: the -wal and -shm it
    needs are removed again when it closes, as the last one. Elsewhere SQLite would leave them
    behind (read-only, keeping the project "read-only" after a chmod), or cannot open at all in a
    read-only folder: if another program left a -wal, read through it (`mode=ro`); if not, the
    file alone is the whole project and nothing can be writing it (`immutable`). `alongside`:
    another connection holds it open, so its -wal and -shm are there: `mode=ro` everywhere."""
    uri = path.resolve().as_uri()
    if os.access(path, os.W_OK) and os.access(path.parent, os.W_OK):
        return f"{uri}?mode=ro" if alongside else uri
    if Path(f"{path}-wal").exists():
        return f"{uri}?mode=ro"
    return f"{uri}?mode=ro&immutable=1"


def _repair_side_files(path: Path) -> None:
    """Give a -wal or -shm that cannot be written the project's own mode when the project can be
    written: SQLite leaves them read-only after a program opened a read-only project, and would
    then call the project read-only for good (mode bits only; who owns them may change them)."""
    if not os.access(path, os.W_OK):
        return
    for side in (Path(f"{path}-wal"), Path(f"{path}-shm")):
        if side.exists() and not os.access(side, os.W_OK):
            try:
                side.chmod(path.stat().st_mode & 0o666)
            except OSError as error:
                log.warning("cannot make %s writable: %s", side, error)
