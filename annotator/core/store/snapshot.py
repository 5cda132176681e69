"""One read snapshot held on a project's connection, and a check that says whether anything has
been committed since it was taken (by any connection of any program).

SQLite facts this rests on (WAL mode; tried on 3.40): a deferred BEGIN takes its snapshot at the
first read, and the connection keeps it until the transaction ends, whatever others commit. Within
that transaction its own `PRAGMA data_version` does not move, so a second connection watches:
its `data_version` changes once another connection, in this program or another, has committed;
not when others only read, open or close; also (harmlessly) after a checkpoint that restarts the
-wal. The watcher reads it before the snapshot is taken, so a commit in between counts too.

The watcher is opened by SQLite alone, not `Store.open`: that reads the file's header with a
plain open and close, and closing any descriptor of a file drops every POSIX lock this process
holds on it. Without the connection's shared lock, another process closing its connection takes
itself for the last one and checkpoints the -wal into the file under the held snapshot (seen: an
article's new title beside its old spans).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from annotator.core.store import BUSY_TIMEOUT_MS, reading_uri
from annotator.core.store.sqlite_errors import store_error

if TYPE_CHECKING:
    from annotator.core.store import Store


@contextmanager
def held_snapshot(store: Store) -> Iterator[Callable[[], bool]]:
    """For the `with` block, all that `store` reads is the project at one moment; yields a check:
    whether anything has been committed since. Nothing is written (the read ends with ROLLBACK;
    the watcher only reads); a transaction already open keeps its own snapshot."""
    conn, began = store.conn, not store.conn.in_transaction
    try:
        watcher = sqlite3.connect(reading_uri(store.path, alongside=True), uri=True, isolation_level=None)
    except sqlite3.Error as error:
        raise store_error(error, store.path) from None
    try:
        watcher.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        watcher.execute("PRAGMA query_only = 1")
        version = "PRAGMA data_version"
        seen = watcher.execute(version).fetchone()[0]
        if began:
            conn.execute("BEGIN")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()  # a read takes the snapshot
        yield lambda: watcher.execute(version).fetchone()[0] != seen
    except sqlite3.Error as error:
        raise store_error(error, store.path) from None
    finally:
        if began and conn.in_transaction:
            conn.execute("ROLLBACK")
        watcher.close()
