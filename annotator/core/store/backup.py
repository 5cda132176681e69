"""Rolling backups of a project, made with SQLite's online backup API, and restoring one.

Backups live in a `backups` folder next to the project, named after the project's whole file name,
`<name>-<UTC time>[-<why>]<suffix>` (so `study` and `study.annotator` never share one), and the
newest `KEEP` of each project are kept. One is made when a project is opened (at most every
`INTERVAL` seconds), while the window is being edited (same spacing), before a schema upgrade and
before a restore. A backup is a consistent snapshot even while the project is being written: the
backup API copies pages under SQLite's own locks, which copying the file would not.

A restore never needs to open a damaged project: it is set aside as `<name>.damaged-<UTC time>`
(with its -wal/-shm) and a copy of the backup takes its place.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import sqlite3
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from annotator.core.errors import AnnotatorError
from annotator.core.paths import SIDE_FILES, backup_folder
from annotator.core.store.migrations import APPLICATION_ID, SCHEMA_VERSION

log = logging.getLogger(__name__)

KEEP = 5
INTERVAL = 10 * 60
BUSY_TIMEOUT_S = 5.0
_STAMP = "%Y%m%d-%H%M%S-%f"


class BackupError(AnnotatorError):
    """A backup or restore that could not be done; the message says why, in the user's words."""


def list_backups(project: Path) -> list[Path]:
    """This project's backups, newest first. Those named the older way, after the file name
    without its suffix, count too, unless a twin project (`study` beside `study.annotator`)
    would claim the same names."""
    project = Path(project)
    stamp = r"-(\d{8}-\d{6}-\d{6})(?:-[a-z-]+)?" + re.escape(_suffix(project))
    patterns = [re.compile(re.escape(project.name) + stamp)]
    if project.stem != project.name and not _has_twin(project):
        patterns.append(re.compile(re.escape(project.stem) + stamp))
    folder = backup_folder(project)
    try:
        names = [entry.name for entry in os.scandir(folder) if entry.is_file()]
    except OSError:
        return []
    found = [(m.group(1), name) for name in names for m in [_first_match(patterns, name)] if m]
    return [folder / name for _, name in sorted(found, reverse=True)]


def newest_good_backup(project: Path) -> Path | None:
    """The newest backup of `project` that is complete and readable (what a restore offers)."""
    for candidate in list_backups(project):
        try:
            check_backup(candidate)
        except BackupError as error:
            log.warning("skipping backup %s: %s", candidate, error)
            continue
        return candidate
    return None


def damage(project: Path) -> str | None:
    """Why the project file cannot be read (SQLite's words), or None when it reads fine. An empty
    file counts as damaged: SQLite would take it for a new, empty project."""
    if Path(project).is_file() and Path(project).stat().st_size == 0:
        return "the file is empty"
    try:
        conn = sqlite3.connect(read_only_uri(project), uri=True)
        try:
            check = conn.execute("PRAGMA quick_check").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.DatabaseError as error:
        return str(error)
    return None if check == "ok" else check


def read_only_uri(path: Path) -> str:
    """A read-only SQLite URI for `path`, with `#`, `?`, `%` and spaces escaped: unescaped, they
    end the file name early and another file is opened (or created)."""
    return f"{Path(path).resolve().as_uri()}?mode=ro"


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
    target = folder / f"{project.name}-{stamp}{'-' + reason if reason else ''}{_suffix(project)}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise BackupError(f"Cannot write backups to {folder}: {error.strerror}.") from None
    temp = _empty_file_in(folder, ".partial-", f"Cannot write backups to {folder}")
    try:
        check = _copy_into(conn, project, temp, quick_check=True)
        if check != "ok":  # a damaged copy must never push a good backup out of the rotation
            raise BackupError(f"{project.name} is damaged ({check}); no backup was made. Restore one.")
        os.replace(temp, target)
    except (sqlite3.Error, OSError) as error:
        if "malformed" in str(error):  # the damage stopped the check itself
            damaged = f"{project.name} is damaged ({error}); no backup was made. Restore one."
            raise BackupError(damaged) from None
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


def write_copy(conn: sqlite3.Connection, project: Path, target: Path) -> None:
    """Write the open project as one self-contained file at `target` (replaced if there), through
    a temporary file renamed when complete. Callers check `target` first (`output.check_target`)."""
    if conn.in_transaction:
        raise BackupError(f"{project.name} is being written (an import is under way); try again after it.")
    temp = _empty_file_in(target.parent, f".{target.name}.", f"Cannot write {target}")
    try:
        _copy_into(conn, project, temp)
        os.replace(temp, target)
    except (sqlite3.Error, OSError) as error:
        raise BackupError(f"Cannot write {target}: {error}.") from None
    finally:
        if os.path.exists(temp):
            os.unlink(temp)


def _copy_into(conn: sqlite3.Connection, project: Path, temp: str, quick_check: bool = False) -> str:
    """Copy the open project into the file `temp` as one self-contained file (no WAL, not marked
    as open in a window); with `quick_check`, return SQLite's verdict on the copy."""
    copy = sqlite3.connect(temp)
    try:
        copy_database(conn, copy, project)
        copy.execute("PRAGMA journal_mode = DELETE")
        _unmark(copy)
        return copy.execute("PRAGMA quick_check").fetchone()[0] if quick_check else "ok"
    finally:
        copy.close()


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


def backup_if_due_in_background(project: Path, interval: float = INTERVAL) -> threading.Thread:
    """`backup_if_due` on a thread of its own with its own read-only connection: copying a 1 GB
    project takes seconds, and the window that opened it must not wait. In WAL mode the copy's
    read transaction never blocks the window's writes. Join the thread before exit."""

    def run() -> None:
        try:
            conn = sqlite3.connect(read_only_uri(project), uri=True, timeout=BUSY_TIMEOUT_S)
        except sqlite3.Error as error:
            log.warning("automatic backup skipped: %s", error)
            return
        try:
            backup_if_due(conn, project, interval)
        finally:
            conn.close()

    thread = threading.Thread(target=run, name=f"backup of {Path(project).name}")
    thread.start()
    return thread


def restore_backup(project: Path, backup: Path) -> Path | None:
    """Replace the project's content with the backup's; returns where what it held is kept: a
    backup made of it, or the damaged file itself set aside (None: there was no project file).

    A sound project is refused while another program has it open (its view of the file would go
    stale); a damaged or missing one is never opened, only set aside and replaced.
    """
    project, backup = Path(project), Path(backup)
    check_backup(backup)
    if not project.is_file() or damage(project) is not None:
        saved = _replace_file(project, backup)
        prune(project, KEEP + 1)
        log.info("restored %s from %s (damaged file kept as %s)", project, backup, saved)
        return saved
    conn = _exclusive(project)
    try:
        saved = make_backup(conn, project, reason="before-restore", keep=None)
        source = sqlite3.connect(read_only_uri(backup), uri=True)
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


def _replace_file(project: Path, backup: Path) -> Path | None:
    """Put a copy of `backup` where the damaged (or missing) project file is, keeping that file
    and its side files as `<name>.damaged-<time>…`. The copy is complete before it is renamed into
    place, and the old -wal is moved first: SQLite would replay it onto the restored file."""
    if project.exists() and not project.is_file():
        raise BackupError(f"{project} is a folder, not a project file; nothing was restored.")
    aside = project.with_name(f"{project.name}.damaged-{datetime.now(UTC).strftime(_STAMP)}")
    prefix = f".{project.name}.restore-"
    temp = _empty_file_in(project.parent, prefix, f"Cannot write in {project.parent}", "; nothing restored.")
    try:
        source, copy = sqlite3.connect(read_only_uri(backup), uri=True), sqlite3.connect(temp)
        try:
            copy_database(source, copy, project)
        finally:
            source.close()
            copy.close()
        kept = None
        if project.is_file():
            try:
                os.link(project, aside)
            except OSError:
                shutil.copy2(project, aside)
            kept = aside
        for side in SIDE_FILES:
            if os.path.lexists(project.with_name(project.name + side)):
                os.replace(project.with_name(project.name + side), aside.with_name(aside.name + side))
        os.replace(temp, project)
    except (sqlite3.Error, OSError) as error:
        raise BackupError(f"Restoring {project.name} failed: {error}.") from None
    finally:
        if os.path.exists(temp):
            os.unlink(temp)
    return kept


def _exclusive(project: Path) -> sqlite3.Connection:
    """A connection that is the project's only one: leaving WAL mode needs every other closed."""
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


def check_backup(backup: Path) -> None:
    """BackupError unless `backup` is a sound project this version can read."""
    if not backup.is_file():
        raise BackupError(f"No backup file {backup}.")
    try:
        conn = sqlite3.connect(read_only_uri(backup), uri=True)
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


def _unmark(copy: sqlite3.Connection) -> None:
    """A copy is complete: it must not carry the open window's mark (m006_window_sessions)."""
    if copy.execute("SELECT 1 FROM sqlite_master WHERE name = 'window_sessions'").fetchone():
        copy.execute("DELETE FROM window_sessions")
        copy.commit()


def _suffix(project: Path) -> str:
    return project.suffix or ".annotator"


def _has_twin(project: Path) -> bool:
    """Another file whose old-style backup names would be the same (`study` and `study.annotator`)."""
    for other in (project.with_suffix(""), project.with_name(project.name + _suffix(project))):
        if other != project and other.stem == project.stem and _suffix(other) == _suffix(project):
            if other.exists():
                return True
    return False


def _first_match(patterns: list[re.Pattern], name: str) -> re.Match | None:
    return next((m for pattern in patterns if (m := pattern.fullmatch(name))), None)


def _empty_file_in(folder: Path, prefix: str, cannot: str, after: str = ".") -> str:
    """A new empty file in `folder` to write a copy into before it is renamed into place; when
    none can be made, BackupError "`cannot`: <the reason>`after`"."""
    try:
        handle, temp = tempfile.mkstemp(prefix=prefix, dir=folder)
    except OSError as error:
        raise BackupError(f"{cannot}: {error.strerror}{after}") from None
    os.close(handle)
    return temp
