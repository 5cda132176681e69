"""The window's backups, copies and damaged projects (issue 11): the timed backup never runs
inside an import, a damaged project is restored from its dialog, a copy has the session's edits."""

from __future__ import annotations

import sqlite3

import pytest

from annotator.core.backup import list_backups
from annotator.core.model import NewArticle
from annotator.core.store import Store
from annotator.gui import dialogs


@pytest.fixture
def store(tmp_path):
    store = Store.open(tmp_path / "p.annotator", annotator="ana")
    store.add_articles([NewArticle("One", "Lavrov said the talks failed.")])
    yield store
    store.close()


def test_timed_backup_and_poll_wait_while_a_window_import_holds_its_transaction(
    qtbot, window, store, monkeypatch, tmp_path
):
    """The external-change timer fires during the import (its progress dialog runs the event
    loop) just after another program committed, with a backup due: nothing may run inside the
    import's transaction (a backup there waited forever and froze the window for good)."""
    attempts = []
    real = Store.backup_if_due

    def spy(self, interval=0):
        attempts.append(self.conn.in_transaction)
        return None if self.conn.in_transaction else real(self, interval)

    monkeypatch.setattr(Store, "backup_if_due", spy)
    monkeypatch.setattr(dialogs, "show_import_summary", lambda parent, summary: None)
    refreshed_inside = []
    on_changes = window.on_changes

    def spy_changes(changes, initiator):
        refreshed_inside.append(store.conn.in_transaction)
        on_changes(changes, initiator)

    monkeypatch.setattr(window, "on_changes", spy_changes)
    window.edit_backups.interval = 0
    window.watch.setInterval(0)
    other = sqlite3.connect(store.path)
    other.execute("UPDATE articles SET status = 'done'")  # another program commits
    other.commit()
    csv = tmp_path / "big.csv"
    csv.write_text("title,text\n" + "".join(f"T{i},Article number {i} text.\n" for i in range(1000)))
    window.import_paths([csv])
    assert store.article_count() == 1001
    assert True not in attempts and True not in refreshed_inside
    other.execute("UPDATE articles SET title = title")  # the write lock was given back
    other.commit()
    other.close()
    assert list_backups(store.path)  # the backup was made once the import had committed
