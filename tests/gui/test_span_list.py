"""The span list dock: a table of the open article's spans, driven by mouse and keys."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt

from annotator.core.model import NewArticle, NewSpan
from annotator.core.store import Store
from annotator.gui.actions import ActionId
from annotator.gui.suggestions import SOURCES_KEY

WORDS = [f"word{i}" for i in range(3000)]
TEXT = " ".join(WORDS) + "."
LABELS = ("claim", "quote", "actor")


def at(word: str) -> tuple[int, int]:
    start = TEXT.index(word + " ")
    return start, start + len(word)


@pytest.fixture
def store(tmp_path):
    store = Store.open(tmp_path / "p.annotator", annotator="ana")
    spans = tuple(NewSpan(*at(f"word{i}"), LABELS[i % 3]) for i in range(0, 3000, 100))
    store.add_articles([NewArticle("Long", TEXT, spans=spans), NewArticle("Short", "Nothing here yet.")])
    yield store
    store.close()


def row_point(table, row: int, column: int = 1) -> QPoint:
    return table.visualRect(table.model().index(row, column)).center()


def test_the_list_shows_every_span_in_text_order_with_label_and_text(window, store):
    model = window.span_list.model
    spans = store.spans(window.article.id)
    assert model.ids == [s.id for s in spans]
    assert model.index(1, 0).data() == "quote" and model.index(1, 1).data() == "word100"
    assert window.span_list.count.text() == "30 spans"


def test_a_click_selects_and_scrolls_to_the_span(qtbot, window, store):
    table, view = window.span_list.table, window.text_view
    table.scrollToBottom()
    last = window.span_list.model.rowCount() - 1
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=row_point(table, last))
    span = store.spans(window.article.id)[-1]
    assert view.selected_span() == span.id
    assert window.details.span.id == span.id
    assert view.span_rects(span.id), "the span is scrolled into view"


def test_keyboard_reaches_the_list_enter_selects_and_delete_removes_undoably(qtbot, window, store):
    article = window.article.id
    window.actions[ActionId.FOCUS_SPANS].trigger()
    table = window.span_list.table
    assert table.hasFocus() and window.span_dock.isVisible()
    qtbot.keyClick(table, Qt.Key.Key_Down)
    qtbot.keyClick(table, Qt.Key.Key_Down)
    qtbot.keyClick(table, Qt.Key.Key_Return)
    third = store.spans(article)[2]
    assert window.text_view.selected_span() == third.id
    qtbot.keyClick(table, Qt.Key.Key_Delete)
    assert third.id not in {s.id for s in store.spans(article)}
    assert len(store.spans(article)) == 29 and len(window.span_list.model.ids) == 29
    qtbot.keyClick(window.text_view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert len(store.spans(article)) == 30 and len(window.span_list.model.ids) == 30


def test_label_filter_and_sorting(qtbot, window, store):
    combo, model = window.span_list.filter, window.span_list.model
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Down)  # "All labels" → the first label of the scheme
    assert combo.currentData() == "claim"
    assert {model.index(r, 0).data() for r in range(model.rowCount())} == {"claim"}
    assert model.rowCount() == 10
    qtbot.keyClick(combo, Qt.Key.Key_Up)
    assert model.rowCount() == 30
    header = window.span_list.table.horizontalHeader()
    x = header.sectionViewportPosition(0) + 5
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))
    labels = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert labels == sorted(labels) and header.sortIndicatorSection() == 0


def test_new_spans_and_edits_show_in_the_list(qtbot, window, store):
    window.open_article(store.article_ids()[1])
    model, view = window.span_list.model, window.text_view
    assert model.rowCount() == 0
    view.select_range(0, 7)
    qtbot.keyClick(view, Qt.Key.Key_A)
    assert model.rowCount() == 1 and model.index(0, 1).data() == "Nothing"
    qtbot.keyClick(view, Qt.Key.Key_C)  # relabel the selected span
    assert model.index(0, 0).data() == "claim"
    assert window.span_list.table.selectionModel().isRowSelected(0)
    resets = []
    model.modelReset.connect(lambda: resets.append(1))
    view.select_range(8, 12)
    qtbot.keyClick(view, Qt.Key.Key_F)
    assert [model.index(r, 1).data() for r in range(2)] == ["Nothing", "here"]
    assert window.span_list.count.text() == "2 spans"
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not window.suggester.busy)  # suggestions after the edit
    assert model.rowCount() == 1 and not resets  # rows added and removed in place, no reset


def test_fifty_thousand_spans_list_without_reading_them_all(qtbot, window, store, tmp_path):
    text = "ab " * 60_000
    spans = tuple(NewSpan(i * 3, i * 3 + 2, "claim") for i in range(50_000))
    (big,) = store.add_articles([NewArticle("Big", text, spans=spans)]).article_ids
    window.settings.setValue(SOURCES_KEY, [])  # the rows are spans only (see test_suggestions_gui)
    window.open_article(big)
    model = window.span_list.model
    assert window.span_list.count.text() == "50,000 spans"
    qtbot.waitUntil(lambda: model.rowCount() == 50_000)  # rows past the first paint's spans follow it
    window.span_list.table.viewport().grab()
    assert model.index(40_000, 3).data() == "ana"
    assert 0 < len(model._rows) <= 2 * model.FETCH  # rows are read as they are shown, not all 50,000
    window.text_view.set_selected_span(model.ids[40_000])
    assert window.span_list.table.currentIndex().row() == 40_000
