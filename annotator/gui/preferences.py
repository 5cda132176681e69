"""Preferences: who is annotating, where new projects go, text size, word snapping and the backup
interval. Kept in QSettings (per user, not per project) and applied to the open window at once."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLineEdit,
    QSpinBox,
    QToolButton,
    QWidget,
)

from annotator.core.identity import login_name, save_name, saved_name
from annotator.core.store import StoreError
from annotator.core.suggest import learned, registry
from annotator.gui.actions import ActionId
from annotator.gui.suggestions import SOURCES_KEY, THRESHOLD_KEY, enabled_sources, threshold
from annotator.gui.text_view import TextView

if TYPE_CHECKING:
    from annotator.gui.main_window import MainWindow

FOLDER_KEY = "file/project_folder"
FONT_SIZE_KEY = "view/font_size"
BACKUP_KEY = "backup/interval_minutes"  # read by the backup feature; 0 turns timed backups off
DEFAULT_BACKUP_MINUTES = 10


def ask_name() -> str:
    """Asked once, on the first start: every span records its author. Remembered even when
    dismissed (as the login name), so it is never asked again; Preferences changes it."""
    dialog = QInputDialog()
    dialog.setObjectName("annotator_name_dialog")
    dialog.setWindowTitle("Welcome to annotator")
    dialog.setLabelText("Your name, recorded on every span you make\n(change it later in Preferences):")
    dialog.setTextValue(login_name())
    accepted = dialog.exec() == QDialog.DialogCode.Accepted
    name = (dialog.textValue().strip() if accepted else "") or login_name()
    dialog.deleteLater()
    save_name(name)
    return name


def startup_name(given: str | None) -> str:
    """A name given on the command line (or ANNOTATOR_NAME) wins over the saved one."""
    return given or saved_name() or ask_name()


def project_folder(settings: QSettings) -> Path:
    """Where File → New Project proposes to save."""
    return Path(str(settings.value(FOLDER_KEY, "", type=str)) or Path.home())


def base_font_size(view: TextView) -> float:
    """The view's font size in points without the current zoom (0 if the font is sized in pixels)."""
    size = view.font().pointSizeF()
    return size - view.zoom_steps() if size > 0 else 0.0


def apply_font_size(view: TextView, points: int) -> None:
    base = base_font_size(view)
    if base > 0:
        view.set_zoom(round(points - base))


def apply_saved(window: MainWindow) -> None:
    """At window start: the text size and the backup interval (name and snapping are applied
    where they are read)."""
    points = window.settings.value(FONT_SIZE_KEY, 0, type=int)
    if points > 0:
        apply_font_size(window.text_view, points)
    apply_backup_interval(window, window.settings.value(BACKUP_KEY, DEFAULT_BACKUP_MINUTES, type=int))


def apply_backup_interval(window: MainWindow, minutes: int) -> None:
    """Timed backups while editing every `minutes` (0: none)."""
    window.edit_backups.interval = minutes * 60 if minutes > 0 else None


class PreferencesDialog(QDialog):
    """Shows the values in force; OK saves them and applies the changed ones to the window."""

    def __init__(self, window: MainWindow):
        super().__init__(window)
        self.setObjectName("preferences_dialog")
        self.setWindowTitle("Preferences")
        self.main_window = window
        settings = window.settings

        self.name = QLineEdit(window.store.annotator)
        self.name.setObjectName("preferences_name")
        self.folder = QLineEdit(str(project_folder(settings)))
        self.folder.setObjectName("preferences_folder")
        browse = QToolButton()
        browse.setText("…")
        browse.clicked.connect(self._browse)
        folder_row = QWidget()
        row = QHBoxLayout(folder_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.folder, 1)
        row.addWidget(browse)
        self.font_size = QSpinBox()
        self.font_size.setObjectName("preferences_font_size")
        self.font_size.setRange(6, 40)
        self.font_size.setSuffix(" pt")
        self.font_size.setValue(round(window.text_view.font().pointSizeF()) or 10)
        self.snap = QCheckBox("Extend selections to whole words")
        self.snap.setObjectName("preferences_snap")
        self.snap.setChecked(window.actions[ActionId.TOGGLE_SNAP].isChecked())
        self.backup = QSpinBox()
        self.backup.setObjectName("preferences_backup")
        self.backup.setRange(0, 24 * 60)
        self.backup.setSuffix(" min")
        self.backup.setSpecialValueText("Off")
        self.backup.setValue(settings.value(BACKUP_KEY, DEFAULT_BACKUP_MINUTES, type=int))

        on = enabled_sources(settings)
        self.sources: dict[str, QCheckBox] = {}
        sources_row = QWidget()
        row = QHBoxLayout(sources_row)
        row.setContentsMargins(0, 0, 0, 0)
        for name, recommender in registry().items():
            box = QCheckBox(name)
            box.setObjectName(f"preferences_suggest_{name}")
            box.setChecked(name in on)
            box.setToolTip(recommender.suggests)
            if name == "learned" and not learned.available():
                box.setToolTip(f"{recommender.suggests}. {learned.INSTALL_HINT}")
            self.sources[name] = box
            row.addWidget(box)
        self.threshold = QDoubleSpinBox()
        self.threshold.setObjectName("preferences_threshold")
        self.threshold.setRange(0.0, 1.0)
        self.threshold.setSingleStep(0.05)
        self.threshold.setValue(threshold(settings))

        form = QFormLayout(self)
        form.addRow("Your &name", self.name)
        form.addRow("New projects &folder", folder_row)
        form.addRow("Text &size", self.font_size)
        form.addRow("", self.snap)
        form.addRow("&Backup every", self.backup)
        form.addRow("Suggestions from", sources_row)
        form.addRow("Show suggestions scored at &least", self.threshold)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.name.textChanged.connect(lambda text: ok.setEnabled(bool(text.strip())))
        self._shown_font_size = self.font_size.value()

    def _browse(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "New projects folder", self.folder.text())
        if chosen:
            self.folder.setText(chosen)

    def accept(self) -> None:
        window = self.main_window
        settings = window.settings
        name = self.name.text().strip()
        if name != window.store.annotator:
            try:
                window.store.set_annotator(name)
            except StoreError as error:
                window.show_error(str(error))
                return
        save_name(name)
        settings.setValue(FOLDER_KEY, self.folder.text().strip())
        if self.font_size.value() != self._shown_font_size:
            settings.setValue(FONT_SIZE_KEY, self.font_size.value())
            apply_font_size(window.text_view, self.font_size.value())
        snap = window.actions[ActionId.TOGGLE_SNAP]
        if snap.isChecked() != self.snap.isChecked():
            snap.trigger()
        settings.setValue(BACKUP_KEY, self.backup.value())
        apply_backup_interval(window, self.backup.value())
        settings.setValue(SOURCES_KEY, [name for name, box in self.sources.items() if box.isChecked()])
        settings.setValue(THRESHOLD_KEY, self.threshold.value())
        window.suggester.article_opened()
        super().accept()


def edit_preferences(window: MainWindow) -> None:
    dialog = PreferencesDialog(window)
    dialog.exec()
    dialog.deleteLater()
