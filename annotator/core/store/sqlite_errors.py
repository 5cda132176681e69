"""What an SQLite error means for the project file, as one of the `core.errors` refusals."""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path

from annotator.core.errors import Busy, Damaged, DiskFull, ReadOnly, StoreError


def store_error(error: sqlite3.Error, path: Path) -> StoreError:
    """The refusal an SQLite error met on the project at `path` amounts to."""
    text = str(error).lower()
    if "locked" in text or "busy" in text:
        return Busy(path)
    if "full" in text:
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
