"""The window's dialogs: import progress and summary, export, keyboard shortcuts, about."""

from __future__ import annotations

from pathlib import Path

from PySide6 import QtGui
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QMessageBox,
    QProgressDialog,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator import __version__
from annotator.core.formats import (
    BY_SUFFIX,
    EXPORT_FORMATS,
    FORMATS,
    IMPORT_FORMATS,
    export,
    import_files,
    import_paths,
)
from annotator.core.importers import ImportSummary
from annotator.core.model import Status
from annotator.core.output import OutputRefused
from annotator.core.scheme import Label
from annotator.core.store import Store, StoreError
from annotator.core.wording import count
from annotator.gui.actions import ACTIONS, CURATION_ACTIONS, key_sequences
from annotator.gui.events import StoreEvents
from annotator.gui.folders import remember_folder, start_folder
from annotator.gui.icon import app_icon
from annotator.gui.models import STATUS_TEXT
from annotator.gui.plain_text import as_plain


class ImportCancelled(Exception):
    """Raised from the progress callback to stop an import between two files."""


BY_SUFFIX_CHOICE = f"Articles by suffix ({' '.join('*' + suffix for suffix in BY_SUFFIX)})"


def ask_import(parent: QWidget, folder: bool, settings: QSettings) -> tuple[list[Path], str | None] | None:
    """The files (or folder) to import and their format (None: each file's suffix decides), as
    the analyst chose them; None if they cancelled. Every importable format is offered."""
    start = str(start_folder(settings))
    if folder:
        chosen = QFileDialog.getExistingDirectory(parent, "Import folder", start)
        if not chosen:
            return None
        titles = {BY_SUFFIX_CHOICE: None} | {format_title(name): name for name in IMPORT_FORMATS}
        choice, ok = QInputDialog.getItem(
            parent, "Import Folder", "Read the folder's files as:", list(titles), 0, False
        )
        if not ok:
            return None
        remember_folder(settings, chosen)
        return [Path(chosen)], titles[choice]
    filters = {BY_SUFFIX_CHOICE: None} | {
        f"{format_title(name)} ({' '.join('*' + suffix for suffix in FORMATS[name].inputs)})": name
        for name in IMPORT_FORMATS
    }
    names, selected = QFileDialog.getOpenFileNames(parent, "Import files", start, ";;".join(filters))
    if not names:
        return None
    remember_folder(settings, names[0])
    return [Path(name) for name in names], filters.get(selected)


def run_import(
    parent: QWidget, store: Store, paths: list[Path], fmt: str | None = None
) -> ImportSummary | None:
    """Import file by file (each atomic) under a cancellable progress dialog."""
    files = import_files(paths, fmt)
    progress = QProgressDialog("Importing…", "Cancel", 0, max(len(files), 1), parent)
    progress.setWindowTitle("Import")
    progress.setWindowModality(Qt.WindowModality.WindowModal)
    progress.setMinimumDuration(300)
    done = 0

    def advance(path: Path) -> None:
        nonlocal done
        done += 1
        progress.setValue(done)
        progress.setLabelText(f"Imported {path.name}")
        keep_responsive()

    def tick(path: Path, articles: int) -> None:
        progress.setLabelText(f"Importing {path.name}: {articles:,} articles read…")
        keep_responsive()

    def keep_responsive() -> None:
        QApplication.processEvents()
        if progress.wasCanceled():
            raise ImportCancelled

    try:
        return import_paths(store, paths, fmt, progress=advance, tick=tick)
    except ImportCancelled:
        QMessageBox.information(
            parent,
            "Import",
            f"Import cancelled: {done} of {len(files)} files were imported; the file being read "
            "when you cancelled was not (nothing of it is stored).",
        )
        return None
    except StoreError as error:
        QMessageBox.warning(parent, "Import", as_plain(str(error)))
        return None
    finally:
        progress.close()


def show_import_summary(parent: QWidget, summary: ImportSummary) -> None:
    lines = [
        f"Imported {count(summary.articles, 'article')} with {count(summary.spans, 'span')}.",
        f"Skipped {len(summary.duplicates)} duplicates.",
    ]
    if summary.added_to:
        spans, articles = count(summary.spans_added, "span"), count(summary.added_to, "article")
        lines.insert(1, f"Added {spans} to {articles} already stored.")
    if summary.refused:
        lines.append(f"Refused {len(summary.refused)} files:")
        lines += [f"• {line}" for line in summary.refused[:20]]
        if len(summary.refused) > 20:
            lines.append(f"… and {len(summary.refused) - 20} more.")
    box = QMessageBox(
        QMessageBox.Icon.Warning if summary.refused else QMessageBox.Icon.Information,
        "Import",
        "\n".join(lines),
        parent=parent,
    )
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.exec()


FORMAT_TITLES = {
    "jsonl": "annotator JSONL",
    "csv": "CSV spreadsheet (one span per row)",
    "doccano": "doccano JSONL",
    "doccano-relations": "doccano JSONL with relations",
    "label-studio": "Label Studio JSON",
    "brat": "brat standoff (folder)",
    "webanno": "WebAnno TSV 3 (INCEpTION, folder)",
    "conll": "CoNLL IOB2",
    "spacy": "spaCy DocBin",
    "qdpx": "REFI-QDA project (.qdpx)",
}


class ExportDialog(QDialog):
    """Choose the format and filters; the path is asked next."""

    def __init__(self, parent: QWidget, labels: list[Label]):
        super().__init__(parent)
        self.setWindowTitle("Export")
        self.format = QComboBox()
        self.format.setObjectName("export_format")
        for name in EXPORT_FORMATS:
            self.format.addItem(format_title(name), name)
        self.statuses = {status: QCheckBox(STATUS_TEXT[status]) for status in Status}
        self.labels = {label.name: QCheckBox(label.name) for label in labels}
        for box in [*self.statuses.values(), *self.labels.values()]:
            box.setChecked(True)
        self.formula_guard = QCheckBox("Protect spreadsheets from formulas (CSV)")
        self.formula_guard.setChecked(True)
        form = QFormLayout(self)
        form.addRow("Format", self.format)
        form.addRow("Articles", _row(self.statuses.values()))
        form.addRow("Labels", _row(self.labels.values()))
        form.addRow("", self.formula_guard)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def chosen(self) -> tuple[str, list[Status], list[str]]:
        statuses = [s for s, box in self.statuses.items() if box.isChecked()]
        labels = [name for name, box in self.labels.items() if box.isChecked()]
        return (
            self.format.currentData(),
            [] if len(statuses) == len(self.statuses) else statuses,
            [] if len(labels) == len(self.labels) else labels,
        )


def _row(boxes) -> QWidget:
    widget = QWidget()
    layout = QHBoxLayout(widget)
    layout.setContentsMargins(0, 0, 0, 0)
    for box in boxes:
        layout.addWidget(box)
    layout.addStretch(1)
    return widget


def format_title(name: str) -> str:
    """A format's name as people know it ("Label Studio JSON"), for dialogs."""
    return FORMAT_TITLES.get(name, name)


def run_export(parent: QWidget, store: Store, settings: QSettings) -> None:
    dialog = ExportDialog(parent, store.labels())
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return
    fmt, statuses, labels = dialog.chosen()
    suffix = FORMATS[fmt].suffix
    name = f"{store.path.stem}{suffix}" if suffix else f"{store.path.stem}-{fmt}"
    default = str(start_folder(settings) / name)
    pattern = f"*{suffix}" if suffix else "*"
    path, _ = QFileDialog.getSaveFileName(parent, "Export to", default, f"{format_title(fmt)} ({pattern})")
    if not path:
        return
    remember_folder(settings, Path(path).parent)
    guard = dialog.formula_guard.isChecked()
    try:
        summary = write_export(store, Path(path), fmt, statuses, labels, guard)
    except OutputRefused as refused:
        if not refused.collisions or not confirm_replace(parent, Path(path), refused):
            QMessageBox.warning(parent, "Export", as_plain(str(refused)))
            return
        summary = write_export(store, Path(path), fmt, statuses, labels, guard, replace=True)
    if isinstance(summary, str):
        QMessageBox.warning(parent, "Export", as_plain(summary))
    else:
        lines = [f"Wrote {count(summary.articles, 'article')} and {count(summary.spans, 'span')} to {path}."]
        lines += [f"Left out: {line}" for line in summary.left_out]
        lines += summary.notes
        QMessageBox.information(parent, "Export", "\n".join(lines))


def confirm_replace(parent: QWidget, folder: Path, refused: OutputRefused) -> bool:
    """Ask before replacing an earlier export in `folder`: its files of the same names and those
    it wrote that this export does not (nothing else is touched)."""
    names, stale = refused.collisions, refused.stale
    shown = "\n".join(names[:10]) + (f"\n… and {len(names) - 10} more" if len(names) > 10 else "")
    more = f" and {len(stale) - 10} more" if len(stale) > 10 else ""
    also = (
        f"\n\nReplacing also removes {count(len(stale), 'file')} the earlier export wrote that this "
        f"one does not: {', '.join(stale[:10])}{more}."
        if stale
        else ""
    )
    box = QMessageBox(
        QMessageBox.Icon.Question,
        "Export",
        f"{folder} already holds {len(names)} files of the same names as this export's:\n{shown}{also}\n\n"
        "Replace them? Other files in the folder are left as they are.",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
        parent,
    )
    box.setObjectName("confirm_replace")
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    return box.exec() == QMessageBox.StandardButton.Yes


def write_export(
    store: Store,
    path: Path,
    fmt: str,
    statuses: list[Status],
    labels: list[str],
    formula_guard: bool = True,
    replace: bool = False,
):
    """Write to a temporary file (or folder) moved into place when complete: a failed export
    leaves no half output. Returns the summary, or a message saying why it failed; OutputRefused
    (the project, or names already taken in the folder) passes."""
    try:
        return export(
            store,
            fmt,
            path,
            status=statuses,
            labels=labels,
            neutralise_formulas=formula_guard,
            replace=replace,
        )
    except OSError as error:
        return f"Cannot write {path}: {error.strerror or error}."


def show_shortcuts(parent: QWidget, labels: list[Label]) -> None:
    shortcuts_dialog(parent, labels).exec()


NATIVE = QtGui.QKeySequence.SequenceFormat.NativeText


def shortcuts_dialog(parent: QWidget, labels: list[Label]) -> QDialog:
    """Help → Keyboard Shortcuts: the action tables (the window's and Adjudicate's) plus the
    scheme's label keys."""
    rows = [  # each action's main key: "Ctrl+Z", not "Ctrl+Z, F14, Alt+Backspace"
        (spec.title.replace("&", "").rstrip("…"), keys[0].toString(NATIVE) if keys else "")
        for spec in (*ACTIONS, *CURATION_ACTIONS)
        for keys in [key_sequences(spec)]
    ]
    rows += [(f"Label as {label.name}", label.shortcut.upper()) for label in labels if label.shortcut]
    dialog = QDialog(parent)
    dialog.setObjectName("shortcuts_dialog")
    dialog.setWindowTitle("Keyboard shortcuts")
    table = QTableWidget(len(rows), 2)
    table.setHorizontalHeaderLabels(["Action", "Keys"])
    for row, (title, keys) in enumerate(rows):
        table.setItem(row, 0, QTableWidgetItem(title))
        table.setItem(row, 1, QTableWidgetItem(keys))
    table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    layout = QVBoxLayout(dialog)
    layout.addWidget(table)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    buttons.rejected.connect(dialog.reject)
    layout.addWidget(buttons)
    dialog.resize(480, 560)
    return dialog


def show_about(parent: QWidget, project: Path) -> None:
    box = QMessageBox(
        QMessageBox.Icon.NoIcon,
        "About annotator",
        f"annotator {__version__}\n\nAnnotate claims, quotes, actors and framing in news "
        f"articles.\n\nProject file:\n{project}",
        parent=parent,
    )
    box.setObjectName("about_dialog")
    box.setIconPixmap(app_icon().pixmap(64, 64))
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.exec()


def edit_scheme(parent: QWidget, store: Store, events: StoreEvents, undo_stack: QUndoStack) -> None:
    from annotator.gui.scheme_dialog import SchemeDialog

    dialog = SchemeDialog(parent, store, events, undo_stack)
    dialog.exec()
    dialog.deleteLater()
