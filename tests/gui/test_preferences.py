"""Preferences: changed through the dialog's widgets, saved in QSettings and applied at once."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from PySide6.QtCore import QSettings, QSize, Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QFileDialog, QInputDialog, QMessageBox

from annotator import __version__
from annotator.core.identity import default_annotator, login_name, saved_name
from annotator.core.model import NewArticle
from annotator.core.store import Store
from annotator.desktop import ICON_SIZES
from annotator.gui.actions import ActionId
from annotator.gui.app import QUIT_AFTER_ENV
from annotator.gui.icon import app_icon
from annotator.gui.main_window import MainWindow
from annotator.gui.preferences import (
    BACKUP_KEY,
    FOLDER_KEY,
    FONT_SIZE_KEY,
    PreferencesDialog,
    startup_name,
)

TEXT = "Lavrov warned the alliance. Moscow called it a threat to peace."


@pytest.fixture
def store(tmp_path):
    store = Store.open(tmp_path / "p.annotator", annotator="ana")
    store.add_articles([NewArticle("One", TEXT)])
    yield store
    store.close()


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


def make_window(qtbot, store, settings) -> MainWindow:
    window = MainWindow(store, settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    return window


@pytest.fixture
def window(qtbot, store, settings):
    return make_window(qtbot, store, settings)


def with_dialog(window: MainWindow, interact) -> None:
    """Open Edit → Preferences and let `interact(dialog)` drive it while it runs modally."""
    seen = []

    def step() -> None:
        dialog = window.findChild(PreferencesDialog)
        seen.append(dialog)
        try:
            interact(dialog)
        finally:
            if dialog.isVisible():
                dialog.reject()

    QTimer.singleShot(0, step)
    window.actions[ActionId.PREFERENCES].trigger()
    assert seen and seen[0] is not None


def ok_button(dialog: PreferencesDialog):
    return dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)


def retype(qtbot, widget, text: str) -> None:
    widget.setFocus()
    (widget.lineEdit() if hasattr(widget, "lineEdit") else widget).selectAll()
    qtbot.keyClicks(widget, text)


def test_preferences_are_saved_and_applied_at_once(qtbot, window, store, settings, tmp_path):
    view = window.text_view
    assert window.actions[ActionId.TOGGLE_SNAP].isChecked()
    new_size = round(view.font().pointSizeF()) + 7

    def interact(dialog):
        assert dialog.name.text() == "ana"
        retype(qtbot, dialog.name, "Maria Rossi")
        retype(qtbot, dialog.folder, str(tmp_path))
        retype(qtbot, dialog.font_size, str(new_size))
        qtbot.keyClick(dialog.snap, Qt.Key.Key_Space)
        retype(qtbot, dialog.backup, "25")
        qtbot.mouseClick(ok_button(dialog), Qt.MouseButton.LeftButton)

    with_dialog(window, interact)
    assert saved_name() == "Maria Rossi"
    assert settings.value(FOLDER_KEY) == str(tmp_path)
    assert settings.value(FONT_SIZE_KEY, type=int) == new_size
    assert settings.value("edit/snap_to_words", type=bool) is False
    assert settings.value(BACKUP_KEY, type=int) == 25
    assert window.edit_backups.interval == 25 * 60
    assert store.annotator == "Maria Rossi"
    assert view.font().pointSizeF() == new_size
    assert not window.actions[ActionId.TOGGLE_SNAP].isChecked() and not view.snap_to_words

    # A span made now records the new name; snapping is off, so "arned" stays a part of a word.
    start = TEXT.index("arned")
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    view.select_range(start, start + 5)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_C)
    (span,) = store.spans(store.article_ids()[0])
    assert (span.annotator, span.start, span.end) == ("Maria Rossi", start, start + 5)


def test_cancel_changes_nothing(qtbot, window, store, settings):
    size = window.text_view.font().pointSizeF()

    def interact(dialog):
        retype(qtbot, dialog.name, "Someone Else")
        retype(qtbot, dialog.font_size, "30")
        qtbot.keyClick(dialog.name, Qt.Key.Key_Escape)

    with_dialog(window, interact)
    assert store.annotator == "ana"
    assert window.text_view.font().pointSizeF() == size
    assert saved_name() == "" and settings.value(FONT_SIZE_KEY) is None


@pytest.mark.parametrize("route", ["title bar", "session"])
def test_closing_by_the_title_bar_or_the_session_keeps_what_was_typed(qtbot, window, store, settings, route):
    def interact(dialog):
        retype(qtbot, dialog.name, "Maria Rossi")
        retype(qtbot, dialog.font_size, "23")
        if route == "title bar":
            dialog.close()  # what the window manager's close button (and quitting) sends
        else:
            QApplication.instance().commitDataRequest.emit(None)
        assert not dialog.isVisible()

    with_dialog(window, interact)
    assert store.annotator == "Maria Rossi" and saved_name() == "Maria Rossi"
    assert settings.value(FONT_SIZE_KEY, type=int) == 23


def test_an_empty_name_cannot_be_saved(qtbot, window, store):
    def interact(dialog):
        retype(qtbot, dialog.name, "   ")
        assert not ok_button(dialog).isEnabled()
        qtbot.keyClick(dialog.name, Qt.Key.Key_Return)
        assert dialog.isVisible()
        qtbot.keyClicks(dialog.name, "Bo")
        assert ok_button(dialog).isEnabled()

    with_dialog(window, interact)
    assert store.annotator == "ana"


def test_saved_font_size_and_folder_apply_to_a_new_window(qtbot, store, settings, tmp_path, monkeypatch):
    settings.setValue(FONT_SIZE_KEY, 21)
    settings.setValue(FOLDER_KEY, str(tmp_path / "studies"))
    window = make_window(qtbot, store, settings)
    assert window.text_view.font().pointSizeF() == 21
    proposed = []

    def choose(parent, title, path, filters):
        proposed.append(path)
        return "", ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", choose)
    window.actions[ActionId.NEW_PROJECT].trigger()
    assert proposed == [str(tmp_path / "studies" / "study.annotator")]


def test_first_start_asks_the_name_once(qtbot, settings, monkeypatch):
    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, QInputDialog) and dialog.textValue() == login_name()
        dialog.setTextValue("Ana Lima")
        dialog.accept()

    QTimer.singleShot(0, answer)
    assert startup_name(None) == "Ana Lima"
    assert saved_name() == "Ana Lima"
    monkeypatch.setattr(QInputDialog, "exec", lambda self: pytest.fail("asked twice"))
    assert startup_name(None) == "Ana Lima"
    assert startup_name("from the command line") == "from the command line"
    monkeypatch.delenv("ANNOTATOR_NAME")
    assert default_annotator() == "Ana Lima"  # the command line records the same name


def test_dismissing_the_first_question_keeps_the_login_name(qtbot, settings):
    QTimer.singleShot(0, lambda: QApplication.activeModalWidget().reject())
    assert startup_name(None) == login_name()
    assert saved_name() == login_name()


def test_about_shows_the_icon_version_and_project_path(qtbot, window, store):
    shown = {}

    def look() -> None:
        box = window.findChild(QMessageBox, "about_dialog")
        shown.update(text=box.text(), icon=not box.iconPixmap().isNull())
        box.accept()

    QTimer.singleShot(0, look)
    window.actions[ActionId.ABOUT].trigger()
    assert shown["icon"]
    assert __version__ in shown["text"] and str(store.path) in shown["text"]


def test_the_app_icon_has_every_rendered_size(qapp):
    sizes = set(app_icon().availableSizes())
    assert {QSize(size, size) for size in ICON_SIZES} <= sizes


def test_quit_after_env_starts_opens_and_exits_cleanly(tmp_path):
    """The smoke run the bundle build uses, here on the installed package."""
    project = tmp_path / "smoke.annotator"
    with Store.open(project) as store:
        store.add_articles([NewArticle("One", TEXT)])
    env = {**os.environ, QUIT_AFTER_ENV: "200", "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-m", "annotator", "--db", str(project)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert f"showed {project} (1 articles)" in result.stdout


@pytest.mark.parametrize("pasted", ["Ana\tLima", "Ana\nLima", "Ana\x07", "Ana\u2028Lima"])
def test_a_name_with_tabs_line_breaks_or_control_characters_is_refused_with_a_message(
    qtbot, window, store, monkeypatch, pasted
):
    warned = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a: warned.append(text))
    before = saved_name()

    def interact(dialog):
        dialog.name.setFocus()
        dialog.name.selectAll()
        QApplication.clipboard().setText(pasted)
        qtbot.keyClick(dialog.name, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
        assert dialog.name.text() == pasted
        qtbot.mouseClick(ok_button(dialog), Qt.MouseButton.LeftButton)
        assert dialog.isVisible()
        assert warned and "control character" in warned[0]

    with_dialog(window, interact)
    assert store.annotator == "ana" and saved_name() == before
    assert list(store.annotators()) == ["ana"]
