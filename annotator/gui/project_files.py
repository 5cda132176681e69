"""The File menu's work on project files: a new or another project (and the recent list), Save a
Copy, Back Up Now, Restore From Backup. The project opened goes to `StoreEvents.set_store`, and
every view follows from there. Edits reach the project file itself (a WAL checkpoint) once they
pause, so a plain copy of the file has them."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QSettings, QTimer, Signal
from PySide6.QtWidgets import QFileDialog, QMenu, QWidget

from annotator.core.errors import ReadOnly
from annotator.core.model import Changes, Op
from annotator.core.project import PROJECT_SUFFIX, default_project_path, open_project, restorable
from annotator.core.store import Store, StoreError
from annotator.core.store.backup import backup_if_due_in_background
from annotator.core.store.migrations import needs_upgrade
from annotator.gui import backups, preferences
from annotator.gui.background import run_in_background
from annotator.gui.backups import Outcome
from annotator.gui.events import StoreEvents
from annotator.gui.folders import remember_folder, start_folder

log = logging.getLogger(__name__)

MAX_RECENT = 8
CHECKPOINT_IDLE_MS = 2000  # edits reach the project file itself this long after the last one
PROJECT_FILTER = f"Annotator projects (*{PROJECT_SUFFIX} *.db *.sqlite);;All files (*)"


def open_or_read(path: Path | None, annotator: str | None, parent: QWidget | None = None) -> Store:
    """The project at `path` (None: the default one) for the window: opened to edit, or, where
    the file cannot be written, only to read (browse, search, export; every edit is refused with
    the reason). A StoreError says why it cannot be opened at all.

    A project from an older version is upgraded first on a worker thread, with a busy dialog:
    the backup made before and the new indexes take seconds for 100,000 articles (13 s here),
    which froze the window, or kept it from appearing."""
    target = default_project_path() if path is None else Path(path)
    try:
        if needs_upgrade(target):
            run_in_background(
                parent,
                f"Upgrading {target.name} to this version of annotator (once; a backup is made first)…",
                lambda: Store.open(target, annotator).close(),
            )
        return open_project(path, annotator, back_up=False)
    except ReadOnly:
        if not target.is_file():
            raise
        return open_project(target, annotator, read_only=True)


class ProjectFiles(QObject):
    """Opens and closes the window's project; `say(message, ms)` and `show_error(message)` report."""

    opened = Signal()  # another project is open (its views were told through StoreEvents)

    def __init__(
        self,
        parent: QWidget,
        events: StoreEvents,
        settings: QSettings,
        say: Callable[[str, int], None],
        show_error: Callable[[str], None],
    ):
        super().__init__(parent)
        self.parent_widget, self.events, self.settings = parent, events, settings
        self.say, self.show_error = say, show_error
        self.backup_thread: threading.Thread | None = None
        self.idle = QTimer(self)  # after edits stop: write them into the project file itself
        self.idle.setSingleShot(True)
        self.idle.setInterval(CHECKPOINT_IDLE_MS)
        self.idle.timeout.connect(self.checkpoint)
        events.changed.connect(lambda changes, initiator: self.idle.start())

    @property
    def store(self) -> Store:
        return self.events.store

    def checkpoint(self) -> None:
        """Write this session's edits from the -wal file into the project file, so that a plain
        copy of the file (mailed to a colleague) has them. Later, if an import is under way."""
        if self.store.writing:
            self.idle.start()
            return
        try:
            self.store.checkpoint()
        except StoreError as error:
            self.say(str(error), 8000)

    def recent_files(self) -> list[str]:
        return [p for p in self.settings.value("file/recent", [], type=list) if p]

    def fill_recent(self, menu: QMenu) -> None:
        menu.clear()
        for path in self.recent_files():
            menu.addAction(path, lambda p=path: self.open_project(Path(p)))
        menu.setEnabled(bool(self.recent_files()))

    def begin(self) -> None:
        """The window shows the project now: mark it (`begin_window_session`) and remember it."""
        try:
            self.store.begin_window_session()
        except StoreError as error:  # read-only, busy: the copy warning is lost, nothing else
            log.info("no window session mark in %s: %s", self.store.path, error)
        path = str(self.store.path)
        recent = [path, *[p for p in self.recent_files() if p != path]][:MAX_RECENT]
        self.settings.setValue("file/recent", recent)

    def close_store(self) -> None:
        """Close the project, first ending work on it in the background (`events.closing`) and
        taking away the window's mark (`begin_window_session`)."""
        self.events.closing.emit()
        try:
            self.store.end_window_session()
        except StoreError as error:
            log.info("window session mark left in %s: %s", self.store.path, error)
        self.store.close()

    def open_project(self, path: Path) -> bool:
        """Switch to the project at `path`; on failure the current one stays open."""
        parent = self.parent_widget
        try:
            store = open_or_read(path, self.store.annotator, parent)
        except StoreError as error:
            if not (restorable(error, Path(path)) and backups.offer_restore(parent, Path(path), str(error))):
                self.show_error(str(error))
                return False
            try:
                store = open_or_read(path, self.store.annotator, parent)
            except StoreError as again:
                self.show_error(str(again))
                return False
        self.close_store()
        self.events.set_store(store)
        self.begin()
        self.opened.emit()
        self.back_up_in_background()
        return True

    def back_up_in_background(self) -> None:
        """The backup due at open, made on a thread (a 1 GB project copied on the GUI thread
        kept the window from appearing for seconds). None for a project only read."""
        if self.store.read_only:
            return
        self.backup_thread = backup_if_due_in_background(self.store.path)

    def new_project(self) -> None:
        folder = preferences.project_folder(self.settings)
        path, _ = QFileDialog.getSaveFileName(
            self.parent_widget, "New project", str(folder / f"study{PROJECT_SUFFIX}"), PROJECT_FILTER
        )
        if path:
            path = Path(path)
            self.open_project(path if path.suffix else path.with_suffix(PROJECT_SUFFIX))

    def choose_project(self) -> None:
        folder = str(start_folder(self.settings))
        path, _ = QFileDialog.getOpenFileName(self.parent_widget, "Open project", folder, PROJECT_FILTER)
        if path:
            remember_folder(self.settings, path)
            self.open_project(Path(path))

    def _report(self, done: Outcome | None, ms: int = 8000) -> None:
        if done is not None:
            self.say(done.message, ms) if done.ok else self.show_error(done.message)

    def save_a_copy(self) -> None:
        self._report(backups.save_a_copy(self.parent_widget, self.store))

    def back_up_now(self) -> None:
        self._report(backups.back_up_now(self.parent_widget, self.store))

    def restore_from_backup(self) -> None:
        """Pick a backup and restore it; the project is closed meanwhile (the restore needs the
        only connection) and opened again, whatever happened, before the outcome is shown."""
        path = self.store.path
        backup = backups.choose_backup(self.parent_widget, path)
        if backup is None:
            return
        self.idle.stop()
        self.events.watch.stop()  # no poll of the closed project while the backup is copied in
        self.close_store()
        try:
            done = backups.restore(self.parent_widget, path, backup)
        finally:
            self.events.watch.start()
        self.open_project(path)
        self.events.announce(Changes(Op.RESTORE, article_list=True, labels=True))
        self._report(done, 10000)
