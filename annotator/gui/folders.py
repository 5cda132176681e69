"""Where file dialogs start: the folder the user last picked a file in, else Documents."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths

LAST_FOLDER_KEY = "file/last_folder"


def start_folder(settings: QSettings) -> Path:
    last = str(settings.value(LAST_FOLDER_KEY, "", type=str))
    if last and Path(last).is_dir():
        return Path(last)
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(documents) if documents and Path(documents).is_dir() else Path.home()


def remember_folder(settings: QSettings, chosen: str | Path) -> None:
    """Remember the folder of a chosen file (or the chosen folder itself)."""
    path = Path(chosen)
    settings.setValue(LAST_FOLDER_KEY, str(path if path.is_dir() else path.parent))
