"""What can go wrong with a project file, in the user's words."""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path


class StoreError(Exception):
    """A problem with the project file the user can act on; the message says what and why."""


def describe_error(error: sqlite3.Error, path: Path) -> str:
    """The user's words for what an SQLite error means for the project at `path`."""
    text = str(error).lower()
    if "locked" in text or "busy" in text:
        return f"The project {path} is busy: another program is writing to it. Try again in a moment."
    if "full" in text:
        return f"The disk holding {path} is full; nothing was changed."
    if "readonly" in text or "read-only" in text or "unable to open" in text:
        part = _unwritable_part(path)
        if part or "unable to open" not in text:
            return (
                f"The project {path} is read-only{f' ({part} cannot be written)' if part else ''}; "
                "nothing was changed. Copy it to a folder you can write to, or make it writable."
            )
    if "malformed" in text or "not a database" in text or "corrupt" in text:
        return f"The project {path} is damaged ({error}). Restore it from a backup."
    return f"The project {path} could not be changed: {error}"


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
