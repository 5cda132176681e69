"""Start-up: the first frame needs only what it shows; the rest loads when first used and works
on the first click (issue 16: start to painted window <= 0.5 s)."""

from __future__ import annotations

import gc
import os
import sqlite3
import subprocess
import sys

import pytest
from PySide6.QtCore import QPoint, QSettings, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

import annotator.gui.app
import annotator.gui.first_paint
from annotator.cli import open_window
from annotator.cli_common import Context
from annotator.core.model import NewArticle, NewSpan
from annotator.core.store import Store
from annotator.gui.actions import ActionId
from annotator.gui.first_paint import SettleHeapOnce, settle_heap
from annotator.gui.main_window import MainWindow

TEXT = "The minister said “talks will resume”, officials in Kyiv said on Monday."

# Modules the first frame does not need: dialogs, analysis, formats' readers, the recommenders,
# agreement and merging, and what they pull in.
NOT_BEFORE_FIRST_PAINT = (
    "annotator.core.agreement",
    "annotator.core.analysis",
    "annotator.core.curation",
    "annotator.core.merge",
    "annotator.core.occurrences",
    "annotator.core.report",
    "annotator.core.suggest.actors",
    "annotator.core.suggest.quotes",
    "annotator.core.suggest.repeat",
    "annotator.gui.agreement_dialog",
    "annotator.gui.analysis_window",
    "annotator.gui.curation",
    "annotator.gui.dialogs",
    "annotator.gui.scheme_dialog",
    "annotator.gui.span_menu",
    "annotator.gui.tag_all",
    "charset_normalizer",
    "ctypes",
    "matplotlib",
    "numpy",
    "pandas",
    "PySide6.QtCharts",
    "sklearn",
    "sqlite_utils",
    "subprocess",
)

PROBE = """
import sys
import annotator.cli  # the entry point, as `annotator --db` starts
from PySide6.QtCore import QSettings
from annotator.core.project import open_project
from annotator.gui.app import create_application
from annotator.gui.main_window import MainWindow

app = create_application([])
settings = QSettings(sys.argv[2], QSettings.Format.IniFormat)
window = MainWindow(open_project(sys.argv[1], back_up=False), settings)
window.show()
while not window.first_paint.painted:  # the work waiting for the first paint runs after this
    app.processEvents()
print(window.first_paint.painted, window.article.title)
print(" ".join(name for name in sys.argv[3:] if name in sys.modules))
window.files.close_store()
"""


@pytest.fixture
def store(tmp_path):
    store = Store.open(tmp_path / "p.annotator", annotator="ana")
    store.add_articles([NewArticle("One", TEXT, spans=(NewSpan(4, 12, "actor"),)), NewArticle("Two", TEXT)])
    yield store
    store.close()


def test_the_first_paint_loads_no_dialog_analysis_or_recommender_module(store, tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    args = [str(store.path), str(tmp_path / "settings.ini"), *NOT_BEFORE_FIRST_PAINT]
    found = subprocess.run(
        [sys.executable, "-c", PROBE, *args], env=env, capture_output=True, text=True, timeout=120
    )
    assert found.returncode == 0, found.stderr
    shown, loaded = found.stdout.splitlines()
    assert shown == "True One"
    assert loaded == ""


def test_the_window_marks_the_project_open_once_painted(qtbot, store, tmp_path):
    """The mark (a copy of the file made meanwhile is known to be incomplete) is written after
    the first paint, not before it."""

    def marks() -> int:
        with sqlite3.connect(f"file:{store.path}?mode=ro", uri=True) as conn:
            return conn.execute("SELECT count(*) FROM window_sessions").fetchone()[0]

    window = MainWindow(store, QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    assert marks() == 0
    window.show()
    qtbot.waitUntil(lambda: marks() == 1)
    assert str(store.path) in window.files.recent_files()


def _close_when_shown(seen: list[str]) -> None:
    """Close the dialog or menu in front, noting its name (a modal one blocks the trigger)."""
    front = QApplication.activeModalWidget() or QApplication.activePopupWidget()
    if front is None:
        QTimer.singleShot(20, lambda: _close_when_shown(seen))
        return
    seen.append(front.objectName() or type(front).__name__)
    if isinstance(front, QDialog):
        front.reject()
    else:
        front.close()


@pytest.mark.parametrize(
    "action",
    [ActionId.SHORTCUTS, ActionId.ABOUT, ActionId.AGREEMENT, ActionId.EDIT_SCHEME, ActionId.EXPORT],
)
def test_a_dialog_loaded_on_first_use_opens_on_the_first_click(qtbot, store, tmp_path, action, monkeypatch):
    seen: list[str] = []
    # Agreement with one annotator says why there is nothing to compare, in a message box.
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, *a: seen.append(title))
    window = MainWindow(store, QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    QTimer.singleShot(0, lambda: _close_when_shown(seen))
    window.actions[action].trigger()
    qtbot.waitUntil(lambda: bool(seen))
    assert seen[0]


def test_the_span_menu_opens_on_the_first_right_click(qtbot, store, tmp_path):
    window = MainWindow(store, QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    (span,) = store.spans(window.article.id)
    seen: list[str] = []
    QTimer.singleShot(0, lambda: _close_when_shown(seen))
    window.text_view.span_menu_requested.emit(span.id, window.mapToGlobal(QPoint(50, 50)))
    assert seen == ["span_menu"]


def test_the_collector_pauses_from_the_window_start_until_its_first_paint(monkeypatch):
    """Starting makes many objects and frees few: collections over them took ~10% of the
    start. `open_window` pauses the collector; `settle_heap`, run after the first paint,
    resumes it."""
    running = []
    monkeypatch.setattr(annotator.gui.app, "run", lambda db, name: running.append(gc.isenabled()) or 0)
    try:
        with pytest.raises(SystemExit):
            open_window(Context(None, "ana"))
        assert running == [False]
        settle_heap()
        assert gc.isenabled()
    finally:
        gc.unfreeze()  # what settle_heap froze belongs to the test session
        gc.enable()


@pytest.fixture
def paused(monkeypatch):
    """The collector paused as `open_window` pauses it; `settle_heap` calls are counted (and
    resume it) without freezing the test session's objects."""
    settled = []

    def settle() -> None:
        settled.append(True)
        gc.enable()

    monkeypatch.setattr(annotator.gui.first_paint, "settle_heap", settle)
    gc.disable()
    yield settled
    gc.enable()


def unpainted_window(qtbot, store, tmp_path) -> MainWindow:
    window = MainWindow(store, QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    return window


def test_a_window_closed_before_it_was_painted_resumes_the_collector(qtbot, store, tmp_path, paused):
    window = unpainted_window(qtbot, store, tmp_path)
    SettleHeapOnce(window, window.first_paint)
    assert not gc.isenabled()
    window.close()
    assert gc.isenabled() and not window.first_paint.painted and paused == [True]


def test_a_window_never_painted_resumes_the_collector_after_the_time_limit(qtbot, store, tmp_path, paused):
    window = unpainted_window(qtbot, store, tmp_path)
    SettleHeapOnce(window, window.first_paint, limit_ms=20)
    qtbot.waitUntil(gc.isenabled)
    assert not window.first_paint.painted and paused == [True]
    window.close()
    assert paused == [True]  # once


def test_a_painted_window_settles_the_heap_once(qtbot, store, tmp_path, paused):
    window = unpainted_window(qtbot, store, tmp_path)
    SettleHeapOnce(window, window.first_paint, limit_ms=50)
    window.show()
    qtbot.waitUntil(gc.isenabled)
    assert window.first_paint.painted
    qtbot.wait(100)  # past the time limit
    window.close()
    assert paused == [True]


def test_an_articles_row_is_found_before_and_after_the_row_index_is_built(qtbot, tmp_path):
    """The first lookups search the id list (no dict of 100,000 ids before the first paint);
    later ones use the dict; both answer the same, also after the order changes."""
    from annotator.gui.events import StoreEvents
    from annotator.gui.models import SCANS, ArticleTableModel

    with Store.open(tmp_path / "rows.annotator", annotator="ana") as store:
        store.add_articles(NewArticle(f"Title {n % 7}", f"{TEXT} {n}") for n in range(30))
        events = StoreEvents(store)
        events.watch.stop()  # the store closes at the end of the test
        model = ArticleTableModel(events)
        for order in (("id", False), ("title", True)):
            model.order = order
            model.reload()
            for _ in range(2):  # the first pass partly searches the list, the second uses the dict
                assert [model.row_of(i) for i in model.ids] == list(range(30))
                assert model.row_of(10_000) is None
        assert SCANS < 30  # so both ways answered
