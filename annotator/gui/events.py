"""The one change channel of the window (core has no signals).

Every mutation the GUI makes (undoable commands, imports, merges, restores, scheme edits) is
announced here as a `Changes`, and so is a commit by another program, found by polling the
project's `data_version`. Views connect to `changed` themselves and refresh from the flags they
care about; nothing refreshes a view by calling into the window.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from annotator.core.errors import StoreError
from annotator.core.model import Changes, Op
from annotator.core.store import Store
from annotator.gui.window_quiet import window_acted

EXTERNAL_CHECK_MS = 2000  # how often to look for commits by other programs (one cheap PRAGMA)


class StoreEvents(QObject):
    """Emits `changed(changes, initiator)` after every change to the open project,
    `failed(message)` when an operation was refused, and `closing()` before the project closes
    (another opens, a restore replaces it). `store` is the open project."""

    changed = Signal(object, object)
    failed = Signal(str)
    closing = Signal()  # the open project is about to close: work on its file must end first

    def __init__(self, store: Store, parent: QObject | None = None):
        super().__init__(parent)
        self.store = store
        self.seen_version = store.data_version()
        self.watch = QTimer(self)
        self.watch.setInterval(EXTERNAL_CHECK_MS)
        self.watch.timeout.connect(self.poll)
        self.watch.start()

    def announce(self, changes: Changes, initiator: object = None) -> None:
        """Tell every view what changed (a command passes itself as the initiator). Our own
        commits never move our connection's `data_version`, so `poll` only sees other programs'.
        The suggestion threads step aside while the views take it in."""
        window_acted()
        self.changed.emit(changes, initiator)

    def set_store(self, store: Store) -> None:
        """Another project is open now: every view shows it from scratch."""
        self.store = store
        self.seen_version = store.data_version()
        self.announce(Changes(Op.OPEN, article_list=True, labels=True))

    def poll(self) -> None:
        """Another program (a CLI import, a merge) committed to the project: announce its work.
        Never while our own transaction is open (an import's progress dialog runs this timer):
        the refresh and the backup it triggers would run inside it."""
        if self.store.writing:
            return
        try:
            version = self.store.data_version()
        except StoreError:
            return
        if version != self.seen_version:
            self.seen_version = version
            self.store.forget_cache()
            self.announce(Changes(Op.EXTERNAL, article_list=True, labels=True))
