"""Preferences: who is annotating, where new projects go, text size, word snapping and the backup
interval. Kept in QSettings (per user, not per project). The dialog returns a `Preferences` value;
the window applies it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QSpinBox,
    QToolButton,
    QWidget,
)

from annotator.core.errors import NameRefused
from annotator.core.identity import checked_name, cleaned_name, login_name, save_name, saved_name
from annotator.gui.suggestions import SOURCES_KEY, THRESHOLD_KEY, enabled_sources, threshold
from annotator.gui.text_view import TextView

FOLDER_KEY = "file/project_folder"
FONT_SIZE_KEY = "view/font_size"
BACKUP_KEY = "backup/interval_minutes"  # read by the backup feature; 0 turns timed backups off
DEFAULT_BACKUP_MINUTES = 10


@dataclass(frozen=True)
class Preferences:
    """What the analyst chose; `font_size` 0 means the system's size."""

    name: str
    folder: str
    font_size: int
    snap: bool
    backup_minutes: int
    sources: tuple[str, ...]  # the recommenders whose suggestions show
    threshold: float  # the lowest score shown


def ask_name() -> str:
    """Asked once, on the first start: every span records its author. Remembered even when
    dismissed (as the login name), so it is never asked again; Preferences changes it."""
    dialog = QInputDialog()
    dialog.setObjectName("annotator_name_dialog")
    dialog.setWindowTitle("Welcome to annotator")
    dialog.setLabelText("Your name, recorded on every span you make\n(change it later in Preferences):")
    dialog.setTextValue(login_name())
    accepted = dialog.exec() == QDialog.DialogCode.Accepted
    name = (cleaned_name(dialog.textValue()) if accepted else "") or login_name()
    dialog.deleteLater()
    save_name(name)
    return name


def startup_name(given: str | None) -> str:
    """A name given on the command line (or ANNOTATOR_NAME) wins over the saved one."""
    return given or saved_name() or ask_name()


def project_folder(settings: QSettings) -> Path:
    """Where File → New Project proposes to save."""
    return Path(str(settings.value(FOLDER_KEY, "", type=str)) or Path.home())


def saved(settings: QSettings, name: str, snap: bool) -> Preferences:
    """The preferences kept in `settings` (the name and snapping are kept elsewhere)."""
    return Preferences(
        name,
        str(project_folder(settings)),
        settings.value(FONT_SIZE_KEY, 0, type=int),
        snap,
        settings.value(BACKUP_KEY, DEFAULT_BACKUP_MINUTES, type=int),
        tuple(enabled_sources(settings)),
        threshold(settings),
    )


def save(settings: QSettings, chosen: Preferences, shown: Preferences) -> None:
    """Keep `chosen`; the text size only if it was changed from the `shown` one."""
    save_name(chosen.name)
    settings.setValue(FOLDER_KEY, chosen.folder)
    if chosen.font_size != shown.font_size:
        settings.setValue(FONT_SIZE_KEY, chosen.font_size)
    settings.setValue(BACKUP_KEY, chosen.backup_minutes)
    settings.setValue(SOURCES_KEY, list(chosen.sources))
    settings.setValue(THRESHOLD_KEY, chosen.threshold)


def base_font_size(view: TextView) -> float:
    """The view's font size in points without the current zoom (0 if the font is sized in pixels)."""
    size = view.font().pointSizeF()
    return size - view.zoom_steps() if size > 0 else 0.0


def apply_font_size(view: TextView, points: int) -> None:
    base = base_font_size(view)
    if base > 0 and points > 0:
        view.set_zoom(round(points - base))


def backup_interval(minutes: int) -> float | None:
    """Seconds between timed backups while editing (None: none)."""
    return minutes * 60 if minutes > 0 else None


class PreferencesDialog(QDialog):
    """Shows `shown`; `chosen()` gives what the analyst set. OK keeps it, and so do the title
    bar's close, quitting and the end of the desktop session (nothing typed vanishes); Cancel and
    Esc drop it."""

    def __init__(self, parent: QWidget, shown: Preferences):
        from annotator.core.suggest import learned, registry  # the recommenders: not before a window shows

        super().__init__(parent)
        self.setObjectName("preferences_dialog")
        self.setWindowTitle("Preferences")
        self.name = QLineEdit(shown.name)
        self.name.setObjectName("preferences_name")
        self.folder = QLineEdit(shown.folder)
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
        self.font_size.setValue(shown.font_size)
        self.snap = QCheckBox("Extend selections to whole words")
        self.snap.setObjectName("preferences_snap")
        self.snap.setChecked(shown.snap)
        self.backup = QSpinBox()
        self.backup.setObjectName("preferences_backup")
        self.backup.setRange(0, 24 * 60)
        self.backup.setSuffix(" min")
        self.backup.setSpecialValueText("Off")
        self.backup.setValue(shown.backup_minutes)
        self.sources: dict[str, QCheckBox] = {}
        sources_row = QWidget()
        row = QHBoxLayout(sources_row)
        row.setContentsMargins(0, 0, 0, 0)
        for name, recommender in registry().items():
            box = QCheckBox(name)
            box.setObjectName(f"preferences_suggest_{name}")
            box.setChecked(name in shown.sources)
            box.setToolTip(recommender.suggests)
            if name == "learned" and not learned.available():
                box.setToolTip(f"{recommender.suggests}. {learned.INSTALL_HINT}")
                box.setEnabled(False)
            self.sources[name] = box
            row.addWidget(box)
        self.threshold = QDoubleSpinBox()
        self.threshold.setObjectName("preferences_threshold")
        self.threshold.setRange(0.0, 1.0)
        self.threshold.setSingleStep(0.05)
        self.threshold.setValue(shown.threshold)

        form = QFormLayout(self)
        form.addRow("Your &name", self.name)
        form.addRow("New projects &folder", folder_row)
        form.addRow("Text &size", self.font_size)
        form.addRow("", self.snap)
        form.addRow("&Backup every", self.backup)
        form.addRow("Suggestions from", sources_row)
        if not learned.available():  # how to have it, where it is chosen
            missing = QLabel(learned.INSTALL_HINT)
            missing.setObjectName("preferences_learned_missing")
            missing.setWordWrap(True)
            missing.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow("", missing)
        form.addRow("Show suggestions scored at &least", self.threshold)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.name.textChanged.connect(lambda text: ok.setEnabled(bool(text.strip())))
        QApplication.instance().commitDataRequest.connect(self._keep)

    def _keep(self) -> None:
        """Accept what is shown if it can be kept (a name is given)."""
        if self.isVisible() and self.name.text().strip():
            self.accept()

    def accept(self) -> None:
        """Kept only with a name that can be recorded; else the dialog stays, saying why."""
        try:
            checked_name(self.name.text())
        except NameRefused as error:
            QMessageBox.warning(self, "Preferences", str(error))
            self.name.setFocus()
            return
        super().accept()

    def closeEvent(self, event: QCloseEvent) -> None:
        self._keep()
        super().closeEvent(event)

    def _browse(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "New projects folder", self.folder.text())
        if chosen:
            self.folder.setText(chosen)

    def chosen(self) -> Preferences:
        return Preferences(
            self.name.text().strip(),
            self.folder.text().strip(),
            self.font_size.value(),
            self.snap.isChecked(),
            self.backup.value(),
            tuple(name for name, box in self.sources.items() if box.isChecked()),
            self.threshold.value(),
        )


def ask(parent: QWidget, shown: Preferences, keep: Callable[[Preferences], None]) -> None:
    """Edit → Preferences: `keep` gets what the analyst chose as soon as it is accepted (at the
    end of the desktop session the program may be ended right after that); not if cancelled."""
    dialog = PreferencesDialog(parent, shown)
    dialog.accepted.connect(lambda: keep(dialog.chosen()))
    dialog.exec()
    dialog.deleteLater()
