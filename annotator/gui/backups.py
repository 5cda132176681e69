"""File → Back Up Now and Restore From Backup…, and the rolling backup made while editing.

The backups themselves are core's (annotator/core/backup.py): a `backups` folder next to the project.
"""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox, QWidget

from annotator.core.backup import (
    INTERVAL,
    BackupError,
    backup_folder,
    list_backups,
    newest_good_backup,
    restore_backup,
)
from annotator.core.errors import AnnotatorError
from annotator.core.store import Store

if TYPE_CHECKING:
    from annotator.gui.main_window import MainWindow


class EditBackups:
    """Backs the project up at most every `interval` seconds while it is being edited (None: never);
    told of every change, it looks at the backups folder only once the interval has passed, and
    never inside an open transaction (an import's progress dialog lets timers run)."""

    def __init__(self, interval: float | None = INTERVAL):
        self.interval = interval
        self.checked = time.monotonic()

    def changed(self, store: Store) -> None:
        if self.interval is None or store.writing or time.monotonic() - self.checked < self.interval:
            return
        self.checked = time.monotonic()
        store.backup_if_due(self.interval)


def save_a_copy(window: MainWindow) -> None:
    """File → Save a Copy…: the whole project, every edit of this session included, in one file."""
    project = window.store.path
    proposed = project.with_name(f"{project.stem}-copy{project.suffix or '.annotator'}")
    name, _ = QFileDialog.getSaveFileName(
        window, "Save a Copy", str(proposed), "Annotator projects (*.annotator);;All files (*)"
    )
    if not name:
        return
    try:
        window.store.save_copy(Path(name), replace=True)  # the file dialog asked about replacing
    except AnnotatorError as error:
        window.show_error(str(error))
        return
    window.statusBar().showMessage(f"Saved a copy as {name}.", 8000)


def back_up_now(window: MainWindow) -> None:
    try:
        target = window.store.backup()
    except BackupError as error:
        window.show_error(str(error))
        return
    window.statusBar().showMessage(f"Backed up to {target}", 8000)


def restore_from_backup(window: MainWindow) -> None:
    """Pick a backup, confirm, restore it; the window then shows the restored project.

    The window's own connection is closed during the restore (which needs the only one) and the
    project is opened again afterwards, whatever happened, before any message is shown."""
    path = window.store.path
    backups = list_backups(path)
    if not backups:
        QMessageBox.information(
            window, "Restore", f"There are no backups of {path.name} in {backup_folder(path)}."
        )
        return
    choices = [_describe(backup) for backup in backups]
    choice, ok = QInputDialog.getItem(
        window, "Restore From Backup", "Replace the project with the backup of:", choices, 0, False
    )
    if not ok:
        return
    backup = backups[choices.index(choice)]
    window.close_store()
    try:
        saved = restore_backup(path, backup)
    except BackupError as error:
        window.open_project(path)
        window.show_error(str(error))
        return
    window.open_project(path)
    window.statusBar().showMessage(f"Restored {backup.name}; {_kept(saved)}", 10000)


def offer_restore(parent: QWidget | None, path: Path, problem: str) -> bool:
    """The project at `path` cannot be opened (`problem` says why): offer its newest good backup
    in a dialog and restore it; True when restored. The damaged file is kept beside it."""
    backup = newest_good_backup(path)
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
        saved = restore_backup(path, backup)
    except BackupError as error:
        QMessageBox.warning(parent, "Restore", str(error))
        return False
    QMessageBox.information(parent, "Restore", f"Restored {path.name} from {backup.name}; {_kept(saved)}")
    return True


def _kept(saved: Path | None) -> str:
    if saved is None:
        return "there was no project file to keep."
    return f"what the project held before is kept in {saved.name}."


def _describe(backup) -> str:
    stat = backup.stat()
    when = datetime.fromtimestamp(stat.st_mtime).strftime("%Y-%m-%d %H:%M:%S")
    return f"{when}  ({stat.st_size / 2**20:.1f} MB)  {backup.name}"
