"""What every part of the store relies on: the connection, the file, the writer and the caches."""

from __future__ import annotations

import sqlite3
from contextlib import AbstractContextManager
from pathlib import Path

from annotator.core.scheme import Label


class StorePart:
    """A base of `Store` that serves one group of tables; `Store` (in `__init__`) provides all
    of these attributes."""

    conn: sqlite3.Connection
    path: Path
    annotator: str
    _labels: list[Label] | None
    _lengths: dict[int, int]

    def _write(self) -> AbstractContextManager[sqlite3.Connection]:
        raise NotImplementedError
