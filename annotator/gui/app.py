"""Start the application: QApplication, open the project, show the main window."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from annotator import __version__
from annotator.core.project import APP_NAME, default_project_path, restorable
from annotator.core.store import StoreError, describe_unexpected
from annotator.desktop import APP_ID
from annotator.gui.backups import offer_restore
from annotator.gui.first_paint import SettleHeapOnce
from annotator.gui.icon import app_icon
from annotator.gui.plain_text import as_plain
from annotator.gui.preferences import startup_name
from annotator.gui.project_files import open_or_read

# Seconds a thread running Python may keep the interpreter while the window's thread waits for it
# (Python's default is 5 ms). The window re-enters Python many times per key (slots, paints, data()),
# and while the recommenders or the learned model's training ran on a thread it waited each time:
# adding a span took a median 32 ms, p95 73 ms with training going on, 22 and 39 ms at 0.5 ms.
SWITCH_INTERVAL = 0.0005
# Smoke runs (packaging/build.sh, CI): close the window this many ms after it shows.
QUIT_AFTER_ENV = "ANNOTATOR_QUIT_AFTER_MS"

log = logging.getLogger(__name__)


def create_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    sys.setswitchinterval(SWITCH_INTERVAL)
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setWindowIcon(app_icon())
    app.setDesktopFileName(APP_ID)
    return app


def install_error_dialog(window) -> None:
    """Last resort for an error no code path expected (a project damaged mid-session, say): the
    user gets one clear sentence in a dialog, the log gets the details, never a bare traceback.

    The dialog opens from the event loop, never inside the call that failed: that may be a paint
    or a model's data(), and a dialog opened there crashed the window. Errors met while a dialog
    is pending or open are logged only, so a failing paint cannot stack dialogs."""
    pending: list[str] = []

    def show(kind, error, trace) -> None:
        log.error("unexpected error", exc_info=(kind, error, trace))
        if not pending:
            pending.append(describe_unexpected(error, window.store.path))
            QTimer.singleShot(0, open_dialog)

    def open_dialog() -> None:
        window.show_error(pending[0])
        pending.clear()

    sys.excepthook = show


def close_dialog() -> None:
    """Dismiss the modal dialog in front (a smoke run must never wait for a person)."""
    dialog = QApplication.activeModalWidget()
    if isinstance(dialog, QDialog):
        dialog.reject()


def run(db: Path | None = None, annotator: str | None = None) -> int:
    """Open the project (the default one when `db` is None) in a window; returns the exit code."""
    app = create_application()
    settings = QSettings()
    quit_after = os.environ.get(QUIT_AFTER_ENV, "")
    if quit_after.isdigit():
        QTimer.singleShot(int(quit_after), close_dialog)  # the first-start name dialog, if asked
    name = startup_name(annotator)
    try:
        store = open_or_read(db, name)
    except StoreError as error:
        path = Path(db) if db is not None else default_project_path()
        if not (restorable(error, path) and offer_restore(None, path, str(error))):
            QMessageBox.critical(None, "annotator", as_plain(str(error)))
            return 1
        try:
            store = open_or_read(path, name)
        except StoreError as again:
            QMessageBox.critical(None, "annotator", as_plain(str(again)))
            return 1
    from annotator.gui.main_window import MainWindow

    window = MainWindow(store, settings)
    install_error_dialog(window)
    window.show()
    window.first_paint.call(window.files.back_up_in_background)
    SettleHeapOnce(window, window.first_paint)
    if quit_after.isdigit():
        QTimer.singleShot(int(quit_after), window.close)
    code = app.exec()
    if quit_after.isdigit():
        print(f"{QUIT_AFTER_ENV}: showed {window.store.path} ({len(window.article_model.ids)} articles)")
    window.files.close_store()
    return code
