"""What is wrong with a project file: its first bytes, and what an SQLite error met on it means
(as one of the `core.errors` refusals)."""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from pathlib import Path

from annotator.core.errors import Busy, Damaged, DiskFull, ReadOnly, StoreError
from annotator.core.store.held import is_held

SQLITE_HEADER = b"SQLite format 3\x00"


def header_problem(path: Path) -> str | None:
    """Why `path` cannot be an annotator project judging by its first bytes, or None (also for
    an empty file: a new project). The bytes are read, not the size trusted: /proc files and
    the like say 0 bytes and hold text. A project this program holds open is not read (`held`)."""
    if is_held(path):
        return None
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as error:
        return f"Cannot read {path}: {error.strerror}."
    if header and header != SQLITE_HEADER:
        return f"{path} is not an annotator project (not an SQLite file)."
    return None


def store_error(error: sqlite3.Error, path: Path) -> StoreError:
    """The refusal an SQLite error met on the project at `path` amounts to."""
    text = str(error).lower()
    if "locked" in text or "busy" in text:
        return Busy(path)
    if "full" in text or (("disk i/o error" in text or "unable to open" in text) and _no_room(path)):
        return DiskFull(path)
    if "readonly" in text or "read-only" in text or "unable to open" in text:
        part = _unwritable_part(path)
        if part or "unable to open" not in text:
            return ReadOnly(path, part)
    if "malformed" in text or "not a database" in text or "corrupt" in text:
        return Damaged(path, error)
    return StoreError(f"The project {path} could not be changed: {error}")


def describe_error(error: sqlite3.Error, path: Path) -> str:
    """The user's words for what an SQLite error means for the project at `path`."""
    return str(store_error(error, path))


def describe_unexpected(error: BaseException, path: Path) -> str:
    """The user's words for an error no code path expected (the GUI's last resort)."""
    if isinstance(error, sqlite3.Error):
        return describe_error(error, path)
    return f"Something unexpected went wrong ({type(error).__name__}: {error}). Finished edits are saved."


# SQLite reports a write that fails for want of space in its side files (the -wal, the -shm
# index, a journal) as "disk I/O error" or "unable to open": a disk with less room than this left
# is then the cause to name.
ROOM_NEEDED = 1024 * 1024


def _no_room(path: Path) -> bool:
    try:
        return shutil.disk_usage(path.parent or ".").free < ROOM_NEEDED
    except OSError:
        return False


def _unwritable_part(path: Path) -> str:
    """'its folder' or 'the file' when that cannot be written (SQLite needs both), else ''.
    Tried, not inferred from permission bits: root, read-only mounts and immutable files differ."""
    try:
        with tempfile.TemporaryFile(dir=path.parent or "."):
            pass
    except OSError:
        return "its folder"
    try:
        with path.open("r+b"):
            pass
    except FileNotFoundError:
        return ""
    except OSError:
        return "the file"
    return ""
