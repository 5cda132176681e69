"""File → Back Up Now and Restore From Backup…, and the rolling backup made while editing.

The backups themselves are the store's (annotator/core/store/backup.py): a `backups` folder next to
the project.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox, QWidget

from annotator.core.errors import AnnotatorError
from annotator.core.model import Changes
from annotator.core.store import Store
from annotator.core.store.backup import (
    INTERVAL,
    BackupError,
    backup_folder,
    backup_if_due_in_background,
    list_backups,
    newest_good_backup,
    restore_backup,
)
from annotator.gui.background import run_in_background
from annotator.gui.events import StoreEvents
from annotator.gui.plain_text import as_plain


@dataclass(frozen=True)
class Outcome:
    """Whether a backup or restore worked, and the sentence that says what happened."""

    ok: bool
    message: str


class EditBackups:
    """Backs the project up at most every `interval` seconds while it is being edited (None: never);
    told of every change (`StoreEvents`), it looks at the backups folder only once the interval has
    passed, and never inside an open transaction (an import's progress dialog lets timers run).
    The copy is made on a thread of its own, through its own connection: a 1 GB project takes
    seconds to copy, and the edit that made the backup due must not wait for them."""

    def __init__(self, events: StoreEvents, interval: float | None = INTERVAL):
        self.events = events
        self.interval = interval
        self.checked = time.monotonic()
        self.thread: threading.Thread | None = None
        events.changed.connect(self._changed)

    def _changed(self, changes: Changes, initiator: object) -> None:
        self.changed(self.events.store)

    def changed(self, store: Store) -> None:
        if self.interval is None or store.writing or time.monotonic() - self.checked < self.interval:
            return
        if self.thread is not None and self.thread.is_alive():
            return
        self.checked = time.monotonic()
        self.thread = backup_if_due_in_background(store.path, self.interval)


def save_a_copy(parent: QWidget, store: Store) -> Outcome | None:
    """File → Save a Copy…: the whole project, every edit of this session included, in one file;
    None if the analyst cancelled. Written on a worker thread (see `run_in_background`)."""
    project = store.path
    proposed = project.with_name(f"{project.stem}-copy{project.suffix or '.annotator'}")
    name, _ = QFileDialog.getSaveFileName(
        parent, "Save a Copy", str(proposed), "Annotator projects (*.annotator);;All files (*)"
    )
    if not name:
        return None

    def copy() -> None:
        with Store.open(project, read_only=True) as reader:
            reader.save_copy(Path(name), replace=True)  # the file dialog asked about replacing

    try:
        run_in_background(parent, f"Saving a copy of {project.name}…", copy)
    except AnnotatorError as error:
        return Outcome(False, str(error))
    return Outcome(True, f"Saved a copy as {name}.")


def back_up_now(parent: QWidget, store: Store) -> Outcome:
    """File → Back Up Now, copied on a worker thread through a connection of its own."""
    project = store.path

    def back_up() -> Path:
        with Store.open(project, read_only=True) as reader:
            return reader.backup()

    try:
        target = run_in_background(parent, f"Backing up {project.name}…", back_up)
    except AnnotatorError as error:
        return Outcome(False, str(error))
    return Outcome(True, f"Backed up to {target}")


def choose_backup(parent: QWidget, path: Path) -> Path | None:
    """File → Restore From Backup…: the backup of the project at `path` to restore, or None."""
    backups = list_backups(path)
    if not backups:
        QMessageBox.information(
            parent, "Restore", f"There are no backups of {path.name} in {backup_folder(path)}."
        )
        return None
    choices = [_describe(backup) for backup in backups]
    choice, ok = QInputDialog.getItem(
        parent, "Restore From Backup", "Replace the project with the backup of:", choices, 0, False
    )
    return backups[choices.index(choice)] if ok else None


def restore(parent: QWidget, path: Path, backup: Path) -> Outcome:
    """Replace the project's content with `backup` (nothing may hold the project open), on a
    worker thread: checking and copying a 1 GB backup takes many seconds."""
    try:
        saved = run_in_background(
            parent, f"Restoring {path.name} from {backup.name}…", lambda: restore_backup(path, backup)
        )
    except BackupError as error:
        return Outcome(False, str(error))
    return Outcome(True, f"Restored {backup.name}; {_kept(saved)}")


def offer_restore(parent: QWidget | None, path: Path, problem: str) -> bool:
    """The project at `path` cannot be opened (`problem` says why): offer its newest good backup
    in a dialog and restore it; True when restored. The damaged file is kept beside it. Backups
    are checked and copied on a worker thread."""
    backup = run_in_background(
        parent, f"Looking for a good backup of {path.name}…", lambda: newest_good_backup(path)
    )
    if backup is None:
        return False
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        "Damaged project",
        f"{problem}\n\nThe newest good backup is from {_describe(backup)}.\n\nRestore it? The damaged "
        f"file is kept beside it as {path.name}.damaged-<time>.",
        QMessageBox.StandardButton.Cancel,
        parent,
    )
    box.setObjectName("damaged_project")
    box.setTextFormat(Qt.TextFormat.PlainText)
    restore = box.addButton("Restore Backup", QMessageBox.ButtonRole.AcceptRole)
    box.setDefaultButton(restore)
    box.exec()
    if box.clickedButton() is not restore:
        return False
    try:
        saved = run_in_background(parent, f"Restoring {path.name}…", lambda: restore_backup(path, backup))
    except BackupError as error:
        QMessageBox.warning(parent, "Restore", as_plain(str(error)))
        return False
    QMessageBox.information(
        parent, "Restore", as_plain(f"Restored {path.name} from {backup.name}; {_kept(saved)}")
    )
    return True


def _kept(saved: Path | None) -> str:
    if saved is None:
        return "there was no project file to keep."
    return f"what the project held before is kept in {saved.name}."


def _describe(backup) -> str:
    stat = backup.stat()
    when = datetime.fromtimestamp(stat.st_mtime).strftime("%Y-%m-%d %H:%M:%S")
    return f"{when}  ({stat.st_size / 2**20:.1f} MB)  {backup.name}"
