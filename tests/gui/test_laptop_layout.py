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


def in_view(widget) -> bool:
    """All of `widget` is on screen: shown, not clipped by its dock, inside the window."""
    window = widget.window()
    top_left = widget.mapTo(window, widget.rect().topLeft())
    return (
        widget.isVisible()
        and widget.visibleRegion().boundingRect() == widget.rect()
        and window.rect().contains(top_left)
        and window.rect().contains(top_left + widget.rect().bottomRight())
    )


def keys_in_view(window) -> bool:
    """Every label's button, with its key, is on screen (no tab to click)."""
    buttons = window.palette.buttons
    return all(
        f"[{label.shortcut.upper()}]" in buttons[label.name].text() and in_view(buttons[label.name])
        for label in window.store.labels()
    )


@pytest.mark.parametrize("added", [0, 4])
def test_at_1024_by_700_every_labels_key_is_in_view_above_the_span_details(qtbot, window, store, added):
    for n in range(added):  # a scheme of 8 labels
        window.events.announce(store.add_label(f"extra {n}", "#336699", shortcut=str(n + 5)))
    labels, details = window.docks[1], window.docks[2]
    window.resize(1024, 700)
    qtbot.waitUntil(lambda: window.text_view.width() >= 512)
    qtbot.waitUntil(lambda: keys_in_view(window))
    assert len(window.palette.buttons) == 4 + added
    assert not window.tabifiedDockWidgets(labels) and shown(details)
    assert labels.y() < details.y() and details.height() > 150
    qtbot.keyClick(window.text_view, Qt.Key.Key_Tab)  # a span selected: its details in view
    assert in_view(window.details.label) and in_view(window.details.note)
    window.resize(1600, 1000)
    qtbot.waitUntil(lambda: details.height() > 600)  # the details take the column's new room
    assert keys_in_view(window) and not window.tabifiedDockWidgets(labels)


def test_the_note_and_text_attribute_fields_grow_with_the_dock(qtbot, window, store):
    window.resize(1024, 700)
    qtbot.waitUntil(lambda: window.text_view.width() >= 512)
    actor = next(span for span in store.spans(window.article.id) if span.label == "actor")
    window.text_view.set_selected_span(actor.id)
    note, name = window.details.note, window.details.text_attributes["normalised_name"]
    qtbot.waitUntil(lambda: in_view(name) and in_view(note))
    dock = window.docks[2]
    small = dock.height(), note.height(), name.height()
    assert note.height() >= 2 * note.fontMetrics().lineSpacing()
    qtbot.mouseClick(note.viewport(), Qt.MouseButton.LeftButton)
    qtbot.keyClicks(note, "Check the wording against the agency's original. " * 4)
    qtbot.keyClick(note, Qt.Key.Key_Return)
    assert "agency's original" in store.span(actor.id).note
    assert note.verticalScrollBar().maximum() > 0  # a long note does not fit at laptop size
    window.resize(1600, 1000)
    qtbot.waitUntil(lambda: dock.height() > small[0] + 200)
    grown = dock.height() - small[0]
    assert note.height() - small[1] > grown // 2  # the note takes most of the room
    assert name.height() > small[2]
    qtbot.waitUntil(lambda: note.verticalScrollBar().maximum() == 0)  # now read whole


def test_a_note_typed_in_tabbed_span_details_is_kept_when_the_labels_tab_comes_up(qtbot, window, store):
    labels, details = window.docks[1], window.docks[2]
    window.tabifyDockWidget(labels, details)  # tabbed by the analyst
    details.raise_()
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


def test_a_right_column_an_earlier_version_tabbed_is_stacked_again(qtbot, window, store, tmp_path):
    labels, details = window.docks[1], window.docks[2]
    window.resize(1024, 700)
    window.tabifyDockWidget(labels, details)  # as the layout used to at this size
    window.dock_layout.tabbed_for_size[Qt.DockWidgetArea.RightDockWidgetArea] = True
    window.close()
    again = MainWindow(store, QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(again)
    again.show()
    qtbot.waitExposed(again)
    labels, details = again.docks[1], again.docks[2]
    qtbot.waitUntil(lambda: shown(labels) and shown(details) and keys_in_view(again))
    assert not again.tabifiedDockWidgets(labels) and labels.y() < details.y()


def test_a_relation_wraps_in_the_narrow_details_at_laptop_size(qtbot, window, store):
    spans = {span.label: span.id for span in store.spans(window.article.id)}
    window.events.announce(store.add_relation(spans["quote"], spans["actor"], "said_by"))
    window.resize(1024, 700)
    qtbot.waitUntil(lambda: window.text_view.width() >= 512)
    window.text_view.set_selected_span(spans["quote"])
    relations = window.details.relations
    qtbot.waitUntil(lambda: in_view(relations) and relations.count() == 1)
    shown_at = relations.visualItemRect(relations.item(0))
    assert not relations.horizontalScrollBar().isVisible()
    assert relations.viewport().rect().contains(shown_at)  # the whole description, wrapped
    assert shown_at.height() > relations.fontMetrics().lineSpacing()  # on more than one line


def test_at_1024_by_700_the_span_count_and_the_label_filter_are_read_whole(qtbot, window):
    window.resize(1024, 700)
    span_list = window.span_list
    qtbot.waitUntil(lambda: shown(window.span_dock))
    span_list.count.setText("8 spans, 20 suggested")  # as the list says with a few suggestions
    qtbot.waitUntil(lambda: span_list.count.width() >= span_list.count.sizeHint().width())
    assert span_list.filter.width() >= span_list.filter.sizeHint().width()
    assert span_list.filter.currentText() == "All labels"
