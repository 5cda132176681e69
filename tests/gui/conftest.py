"""GUI tests run offscreen and must not leave top-level widgets behind."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def no_leaked_widgets(qapp):
    """Fail a test that leaves a top-level widget alive (set up before qtbot, so checked after
    qtbot has closed the widgets it was given)."""
    from PySide6.QtCore import QCoreApplication, QEvent
    from shiboken6 import getCppPointer

    def alive() -> dict[int, object]:
        return {getCppPointer(w)[0]: w for w in qapp.topLevelWidgets()}

    before = alive()
    yield
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    qapp.processEvents()
    leaked = [w for address, w in alive().items() if address not in before]
    assert not leaked, f"top-level widgets left open: {leaked}"


@pytest.fixture
def errors(monkeypatch):
    """Messages the window would show in a dialog, collected instead of blocking the test."""
    from PySide6.QtWidgets import QMessageBox

    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a: shown.append(text))
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text, *a: shown.append(text))
    return shown


@pytest.fixture
def window(qtbot, store, tmp_path, errors):
    """The main window over the test module's `store`, shown, on its first article, with its
    suggestions (read on a thread of their own)."""
    from PySide6.QtCore import QSettings

    from annotator.gui.main_window import MainWindow

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(store, settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    window.open_article(store.article_ids()[0])
    qtbot.waitUntil(lambda: not window.suggester.busy)
    window.text_view.setFocus()
    return window


@pytest.fixture
def painted(qapp):
    """The widgets painted while the test runs (cleared by the test where it starts counting)."""
    from PySide6.QtCore import QEvent, QObject

    class Paints(QObject):
        def __init__(self):
            super().__init__()
            self.widgets: list[QObject] = []

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                self.widgets.append(watched)
            return False

    paints = Paints()
    qapp.installEventFilter(paints)
    yield paints.widgets
    qapp.removeEventFilter(paints)
