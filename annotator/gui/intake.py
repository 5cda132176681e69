"""Work brought into the open project from outside: File → Import (files in any format) and
Team → Merge (colleagues' projects). Neither is undoable: the undo stack is cleared, and
`StoreEvents` announces what came in, so every view shows it. The import dialogs (with the
format registry behind them) and the merge are imported when first used, not as the window starts."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from annotator.core.model import Changes, Op
from annotator.gui.events import StoreEvents
from annotator.gui.folders import remember_folder, start_folder
from annotator.gui.plain_text import as_plain
from annotator.gui.project_files import PROJECT_FILTER


class Intake:
    """Imports and merges into `events.store`, with `parent` as the dialogs' parent."""

    def __init__(self, parent: QWidget, events: StoreEvents, undo_stack: QUndoStack, settings: QSettings):
        self.parent, self.events, self.undo_stack, self.settings = parent, events, undo_stack, settings

    def import_files(self, folder: bool) -> None:
        from annotator.gui import dialogs

        chosen = dialogs.ask_import(self.parent, folder, self.settings)
        if chosen is not None:
            self.import_paths(*chosen)

    def import_paths(self, paths: list[Path], fmt: str | None = None) -> None:
        """Import with a cancellable progress dialog, then one refresh and a summary."""
        from annotator.gui import dialogs

        summary = dialogs.run_import(self.parent, self.events.store, paths, fmt)
        self._announce(Op.IMPORT)
        if summary is not None:
            dialogs.show_import_summary(self.parent, summary)

    def choose_merge(self) -> None:
        folder = str(start_folder(self.settings))
        names, _ = QFileDialog.getOpenFileNames(
            self.parent, "Merge colleagues' projects", folder, PROJECT_FILTER
        )
        if names:
            remember_folder(self.settings, names[0])
            self.merge_projects([Path(name) for name in names])

    def merge_projects(self, paths: list[Path]) -> None:
        """Merge each project whole or not at all, then one refresh and the report."""
        from annotator.core.merge import MergeError, merge_project

        lines: list[str] = []
        for path in paths:
            try:
                lines += merge_project(self.events.store, path).lines(add_articles=False)
            except MergeError as error:
                lines.append(f"refused: {error}")
        self._announce(Op.MERGE)
        QMessageBox.information(self.parent, "Merge", as_plain("\n".join(lines)))

    def _announce(self, op: Op) -> None:
        self.undo_stack.clear()
        self.events.announce(Changes(op, article_list=True, labels=True))
