"""Rolling backups of a project, made with SQLite's online backup API, and restoring one.

Backups live in a `backups` folder next to the project, named `<project>-<UTC time>[-<why>].annotator`,
and the newest `KEEP` of each project are kept. One is made when a project is opened (at most every
`INTERVAL` seconds), while the window is being edited (same spacing), before a schema upgrade and
before a restore. A backup is a consistent snapshot even while the project is being written: the
backup API copies pages under SQLite's own locks, which copying the file would not.
"""

from __future__ import annotations

import logging
import os
import re
import sqlite3
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from annotator.core.errors import AnnotatorError
from annotator.core.migrations import APPLICATION_ID, SCHEMA_VERSION

log = logging.getLogger(__name__)

FOLDER = "backups"
KEEP = 5
INTERVAL = 10 * 60
BUSY_TIMEOUT_S = 5.0
_STAMP = "%Y%m%d-%H%M%S-%f"


class BackupError(AnnotatorError):
    """A backup or restore that could not be done; the message says why, in the user's words."""


def backup_folder(project: Path) -> Path:
    return Path(project).parent / FOLDER


def list_backups(project: Path) -> list[Path]:
    """This project's backups, newest first."""
    project = Path(project)
    pattern = re.compile(
        re.escape(project.stem) + r"-(\d{8}-\d{6}-\d{6})(-[a-z-]+)?" + re.escape(_suffix(project))
    )
    folder = backup_folder(project)
    try:
        names = [entry.name for entry in os.scandir(folder) if entry.is_file()]
    except OSError:
        return []
    found = [(match.group(1), name) for name in names if (match := pattern.fullmatch(name))]
    return [folder / name for _, name in sorted(found, reverse=True)]


def make_backup(conn: sqlite3.Connection, project: Path, reason: str = "", keep: int | None = KEEP) -> Path:
    """Copy the open project into a new backup file and drop all but the newest `keep`.

    The copy is written to a temporary name and renamed, so a backup file is always complete.
    Refused inside an open transaction (an import under way): the copy would wait for it forever.
    """
    project = Path(project)
    if conn.in_transaction:
        raise BackupError(f"{project.name} is being written (an import is under way); no backup now.")
    folder = backup_folder(project)
    stamp = datetime.now(UTC).strftime(_STAMP)
    target = folder / f"{project.stem}-{stamp}{'-' + reason if reason else ''}{_suffix(project)}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(prefix=".partial-", dir=folder)
        os.close(handle)
    except OSError as error:
        raise BackupError(f"Cannot write backups to {folder}: {error.strerror}.") from None
    try:
        copy = sqlite3.connect(temp)
        try:
            copy_database(conn, copy, project)
            copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
            check = copy.execute("PRAGMA quick_check").fetchone()[0]
        finally:
            copy.close()
        if check != "ok":  # a damaged copy must never push a good backup out of the rotation
            raise BackupError(f"{project.name} is damaged ({check}); no backup was made. Restore one.")
        os.replace(temp, target)
    except (sqlite3.Error, OSError) as error:
        raise BackupError(f"The backup of {project.name} failed: {error}.") from None
    finally:
        if os.path.exists(temp):
            os.unlink(temp)
    log.info("backed up %s to %s", project, target)
    if keep is not None:
        prune(project, keep)
    return target


def copy_database(source: sqlite3.Connection, target: sqlite3.Connection, project: Path) -> None:
    """`source.backup(target)`, giving up with a BackupError after BUSY_TIMEOUT_S seconds of being
    locked out (sqlite3 alone retries a busy database forever)."""
    deadline = time.monotonic() + BUSY_TIMEOUT_S

    def give_up_when_late(status: int, remaining: int, total: int) -> None:
        if status in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) and time.monotonic() > deadline:
            raise TimeoutError

    try:
        source.backup(target, progress=give_up_when_late, sleep=0.05)
    except TimeoutError:
        raise BackupError(
            f"{project.name} stayed busy for {BUSY_TIMEOUT_S:.0f} s (another program is writing); "
            "nothing was copied. Try again in a moment."
        ) from None


def prune(project: Path, keep: int = KEEP) -> None:
    for old in list_backups(project)[keep:]:
        try:
            old.unlink()
        except OSError as error:
            log.warning("cannot remove old backup %s: %s", old, error)


def backup_if_due(conn: sqlite3.Connection, project: Path, interval: float = INTERVAL) -> Path | None:
    """Back up unless the newest backup is younger than `interval` seconds. A failure is logged,
    never raised: a missing backup must not stop the analyst from working."""
    newest = next(iter(list_backups(project)), None)
    try:
        if newest is not None and time.time() - newest.stat().st_mtime < interval:
            return None
        return make_backup(conn, project)
    except (BackupError, OSError) as error:
        log.warning("automatic backup skipped: %s", error)
        return None


def restore_backup(project: Path, backup: Path) -> Path:
    """Replace the project's content with the backup's, in one transaction; returns the backup
    made of the content it replaced.

    Refused while another program has the project open: its view of the file would go stale.
    """
    project, backup = Path(project), Path(backup)
    _check_backup(backup)
    conn = _exclusive(project)
    try:
        saved = make_backup(conn, project, reason="before-restore", keep=None)
        source = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
        try:
            copy_database(source, conn, project)
        finally:
            source.close()
        conn.execute("PRAGMA journal_mode = WAL")
    except sqlite3.Error as error:
        raise BackupError(f"Restoring {project.name} failed, nothing was changed: {error}.") from None
    finally:
        conn.close()
    prune(project, KEEP + 1)  # the chosen backup may be the oldest; it is now the project itself
    log.info("restored %s from %s (previous content in %s)", project, backup, saved)
    return saved


def _exclusive(project: Path) -> sqlite3.Connection:
    """A connection that is the project's only one: leaving WAL mode needs every other closed."""
    if not project.is_file():
        raise BackupError(f"{project} does not exist; nothing to restore into.")
    conn = sqlite3.connect(project, isolation_level=None, timeout=BUSY_TIMEOUT_S)
    try:
        conn.execute("PRAGMA journal_mode = DELETE")
    except sqlite3.OperationalError:
        conn.close()
        raise BackupError(
            f"{project.name} is open in another program (the window or a running command). "
            "Close it there, then restore."
        ) from None
    return conn


def _check_backup(backup: Path) -> None:
    if not backup.is_file():
        raise BackupError(f"No backup file {backup}.")
    try:
        conn = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            check = conn.execute("PRAGMA quick_check").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{backup.name} is not a usable backup ({error}).") from None
    if app_id != APPLICATION_ID:
        raise BackupError(f"{backup.name} is not an annotator project.")
    if version > SCHEMA_VERSION:
        raise BackupError(f"{backup.name} was written by a newer version of annotator (schema {version}).")
    if check != "ok":
        raise BackupError(f"{backup.name} is damaged ({check}).")


def _suffix(project: Path) -> str:
    return project.suffix or ".annotator"
