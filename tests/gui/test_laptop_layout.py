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


def shown(dock) -> bool:
    """The dock is on screen (not behind another tab)."""
    return dock.isVisible() and not dock.widget().visibleRegion().isEmpty()


def test_at_1024_by_700_the_text_gets_at_least_half_the_width(qtbot, window):
    window.resize(1024, 700)
    qtbot.waitUntil(lambda: window.text_view.width() >= 512)  # the layout settles after the resize
    assert window.text_view.width() > max(window.docks[0].width(), window.docks[1].width())
    assert shown(window.span_dock)


def test_a_small_window_tabs_articles_and_span_list_and_a_large_one_stacks_them(qtbot, window):
    articles, spans = window.docks[0], window.span_dock
    window.resize(1024, 700)
    qtbot.waitUntil(lambda: spans in window.tabifiedDockWidgets(articles))
    qtbot.waitUntil(lambda: shown(spans) and not shown(articles))  # laid out on the next turn
    assert spans.height() > 500  # the column's whole height, not half of it
    qtbot.keyClick(window.text_view, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: shown(articles))
    assert window.article_list.table.hasFocus()  # Ctrl+1 brings the tab up
    window.resize(1600, 1000)
    qtbot.waitUntil(lambda: shown(articles) and shown(spans))
    assert not window.tabifiedDockWidgets(articles)
    assert window.text_view.width() > 1600 // 2


def test_docks_the_analyst_moved_are_left_where_they_are(qtbot, window):
    articles, spans = window.docks[0], window.span_dock
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, spans)
    window.resize(1024, 700)
    qtbot.waitUntil(lambda: window.text_view.width() >= 512)
    assert not window.tabifiedDockWidgets(articles)
    assert window.dockWidgetArea(spans) == Qt.DockWidgetArea.RightDockWidgetArea


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


def test_a_tabbed_laptop_layout_comes_back_tabbed_and_unfolds_when_large(qtbot, window, store, tmp_path):
    articles = window.docks[0]
    window.resize(1024, 700)
    qtbot.waitUntil(lambda: window.span_dock in window.tabifiedDockWidgets(articles))
    window.close()
    again = MainWindow(store, QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(again)
    again.show()
    qtbot.waitExposed(again)
    assert again.span_dock in again.tabifiedDockWidgets(again.docks[0])
    again.resize(1600, 1000)
    qtbot.waitUntil(lambda: not again.tabifiedDockWidgets(again.docks[0]))


def click_tab(qtbot, window, title):
    """Click the dock tab titled `title` (once the tab bar is laid out and shown)."""
    from PySide6.QtWidgets import QTabBar

    def tab():
        for bar in window.findChildren(QTabBar):
            titles = [bar.tabText(i) for i in range(bar.count())]
            if bar.isVisible() and title in titles:
                return bar, titles.index(title)
        return None

    qtbot.waitUntil(lambda: tab() is not None)
    bar, index = tab()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())


def test_a_small_window_tabs_labels_and_span_details_and_a_large_one_stacks_them(qtbot, window):
    labels, details = window.docks[1], window.docks[2]
    window.resize(1024, 700)
    qtbot.waitUntil(lambda: details in window.tabifiedDockWidgets(labels))
    qtbot.waitUntil(lambda: shown(details) and not shown(labels))  # the details in front
    assert details.height() > 500  # the column's whole height, not a share of it
    qtbot.waitUntil(lambda: window.text_view.width() >= 512)
    assert window.text_view.width() > window.width() // 2 > labels.width()
    click_tab(qtbot, window, "Labels")
    qtbot.waitUntil(lambda: shown(labels) and not shown(details))
    qtbot.keyClick(window.text_view, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: shown(details))  # the details' key brings their tab up
    assert window.details.label.hasFocus()
    window.resize(1600, 1000)
    qtbot.waitUntil(lambda: shown(labels) and shown(details))
    assert not window.tabifiedDockWidgets(labels)
    qtbot.waitUntil(lambda: labels.y() < details.y() and details.height() > labels.height())  # laid out
    assert window.text_view.width() > 1600 // 2


def test_a_note_typed_in_tabbed_span_details_is_kept_when_the_labels_tab_comes_up(qtbot, window, store):
    labels, details = window.docks[1], window.docks[2]
    window.resize(1024, 700)
    qtbot.waitUntil(lambda: details in window.tabifiedDockWidgets(labels))
    qtbot.waitUntil(lambda: shown(details) and not shown(labels))  # laid out, the tabs shown
    qtbot.keyClick(window.text_view, Qt.Key.Key_Tab)  # the first span
    span_id = window.text_view.selected_span()
    window.details.note.setFocus()
    qtbot.waitUntil(window.details.note.hasFocus)
    qtbot.keyClicks(window.details.note, "check the date")
    click_tab(qtbot, window, "Labels")
    qtbot.waitUntil(lambda: shown(labels))
    qtbot.waitUntil(lambda: store.span(span_id).note == "check the date")
    assert window.text_view.hasFocus()  # label keys go on working


def test_a_right_column_the_analyst_arranged_is_left_alone(qtbot, window):
    labels, details = window.docks[1], window.docks[2]
    window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, labels)
    window.resize(1024, 700)
    qtbot.waitUntil(lambda: window.text_view.width() >= 512)
    assert labels not in window.tabifiedDockWidgets(details)
    assert window.dockWidgetArea(labels) == Qt.DockWidgetArea.LeftDockWidgetArea
    assert window.dockWidgetArea(details) == Qt.DockWidgetArea.RightDockWidgetArea


def test_a_tabbed_right_column_comes_back_tabbed_and_unfolds_when_large(qtbot, window, store, tmp_path):
    window.resize(1024, 700)
    qtbot.waitUntil(lambda: window.docks[2] in window.tabifiedDockWidgets(window.docks[1]))
    window.close()
    again = MainWindow(store, QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(again)
    again.show()
    qtbot.waitExposed(again)
    labels, details = again.docks[1], again.docks[2]
    assert details in again.tabifiedDockWidgets(labels)
    again.resize(1600, 1000)
    qtbot.waitUntil(lambda: not again.tabifiedDockWidgets(labels))
    qtbot.waitUntil(lambda: shown(labels) and shown(details))
