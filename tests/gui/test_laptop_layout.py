"""At laptop size the text keeps at least half the window; the layout is remembered; selecting a
span never changes the text's width (no re-wrap)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, Qt

from annotator.core.model import NewArticle, NewSpan
from annotator.core.store import Store
from annotator.gui.main_window import MainWindow

TEXT = "The minister said the port stays open. " * 40


@pytest.fixture
def store(tmp_path):
    store = Store.open(tmp_path / "p.annotator", annotator="ana")
    spans = tuple(
        NewSpan(i * 39, i * 39 + 12, label) for i, label in enumerate(("framing", "claim", "actor", "quote"))
    )
    store.add_articles(
        [NewArticle("A rather long title that ends in the part that matters: 2024-03-01", TEXT, spans=spans)]
    )
    yield store
    store.close()


def test_at_1024_by_700_the_text_gets_at_least_half_the_width(qtbot, window):
    window.resize(1024, 700)
    qtbot.waitUntil(lambda: window.text_view.width() >= 512)  # the layout settles after the resize
    assert window.text_view.width() > max(window.docks[0].width(), window.docks[1].width())
    assert window.span_dock.isVisible() and window.docks[0].isVisible()


def test_selecting_spans_of_every_label_never_changes_the_text_width(qtbot, window, store):
    window.resize(1024, 700)
    view = window.text_view
    qtbot.waitUntil(lambda: view.width() >= 512)
    width, dock = view.width(), window.docks[2].width()
    for _ in store.spans(window.article.id):
        qtbot.keyClick(view, Qt.Key.Key_Tab)
        assert view.width() == width and window.docks[2].width() == dock


def test_dock_sizes_are_remembered_between_runs(qtbot, window, store, tmp_path):
    window.resizeDocks([window.docks[0]], [300], Qt.Orientation.Horizontal)
    qtbot.waitUntil(lambda: abs(window.docks[0].width() - 300) <= 2)
    window.span_dock.hide()
    window.close()
    again = MainWindow(store, QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(again)
    again.show()
    qtbot.waitExposed(again)
    assert abs(again.docks[0].width() - 300) <= 2
    assert not again.span_dock.isVisible()
