"""Start the application: QApplication, open the project, show the main window."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QMessageBox

from annotator import __version__
from annotator.core.project import APP_NAME, open_project
from annotator.core.store import StoreError


def create_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setApplicationVersion(__version__)
    return app


def run(db: Path | None = None, annotator: str | None = None) -> int:
    """Open the project (the default one when `db` is None) in a window; returns the exit code."""
    app = create_application()
    try:
        store = open_project(db, annotator)
    except StoreError as error:
        QMessageBox.critical(None, "annotator", str(error))
        return 1
    from annotator.gui.main_window import MainWindow

    window = MainWindow(store, QSettings())
    window.show()
    code = app.exec()
    window.store.close()
    return code
