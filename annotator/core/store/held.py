"""Project files this program holds open in SQLite, which it must never open and close itself.

Closing any descriptor of a file drops every POSIX lock this process holds on it, SQLite's
included. Without its shared lock on the project, another program closing its own connection
takes itself for the last one: it folds the -wal into the file and deletes it, and our open
connections then commit into the deleted -wal, where no other program sees their work and a
killed window loses it. So a header check or an import never reads a file held here."""

from __future__ import annotations

import os
import threading
from collections import Counter
from pathlib import Path

_held: Counter[tuple[int, int]] = Counter()
_lock = threading.Lock()


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_dev, found.st_ino


def hold(path: Path) -> tuple[int, int] | None:
    """Count a connection to `path` as open; returns what `release` takes."""
    identity = _identity(path)
    if identity is not None:
        with _lock:
            _held[identity] += 1
    return identity


def release(identity: tuple[int, int] | None) -> None:
    if identity is not None:
        with _lock:
            _held[identity] -= 1
            if _held[identity] <= 0:
                del _held[identity]


def is_held(path: Path) -> bool:
    """Whether a connection of this program has the file at `path` open (found by stat, which
    opens nothing)."""
    identity = _identity(path)
    with _lock:
        return identity is not None and identity in _held
