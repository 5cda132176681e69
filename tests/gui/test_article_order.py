"""The article list keeps import order until the user sorts, and never moves a row under the user."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt

from annotator.core.model import NewArticle, NewSpan
from annotator.core.store import Store

TEXTS = ("Alpha said a thing. " * 3, "Beta said more. " * 3, "Gamma was quiet. " * 3)


@pytest.fixture
def store(tmp_path):
    store = Store.open(tmp_path / "p.annotator", annotator="ana")
    store.add_articles(
        [
            NewArticle("Zulu article", TEXTS[0], spans=(NewSpan(0, 5, "actor"), NewSpan(6, 10, "claim"))),
            NewArticle("Alpha article", TEXTS[1]),
            NewArticle("Mike article", TEXTS[2], spans=(NewSpan(0, 5, "actor"),)),
        ]
    )
    yield store
    store.close()


def click_header(qtbot, window, column: int) -> None:
    header = window.article_list.table.horizontalHeader()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))


def test_default_order_is_import_order_without_a_sort_indicator(window, store):
    assert window.article_model.ids == store.article_ids()
    assert window.article_list.table.horizontalHeader().sortIndicatorSection() == -1


def test_clicking_a_header_sorts_and_shows_the_indicator_and_a_third_click_restores_import_order(
    qtbot, window, store
):
    header = window.article_list.table.horizontalHeader()
    first, second, third = store.article_ids()
    click_header(qtbot, window, 4)  # Spans
    assert header.sortIndicatorSection() == 4 and header.isSortIndicatorShown()
    assert window.article_model.ids == [second, third, first]
    click_header(qtbot, window, 4)
    assert window.article_model.ids == [first, third, second]
    click_header(qtbot, window, 4)
    assert header.sortIndicatorSection() == -1
    assert window.article_model.ids == [first, second, third]


def test_rows_do_not_move_when_the_user_edits_a_sorted_list(qtbot, window, store):
    second = store.article_ids()[1]
    click_header(qtbot, window, 4)  # by span count: the second article (no spans) is first
    window.open_article(second)
    before = list(window.article_model.ids)
    view = window.text_view
    for word in ("Beta", "said", "more"):
        start = TEXTS[1].index(word)
        view.select_range(start, start + len(word))
        qtbot.keyClick(view, Qt.Key.Key_A)
    assert len(store.spans(second)) == 3
    assert window.article_model.ids == before
    table = window.article_list.table
    assert table.currentIndex().row() == before.index(second)


def test_long_titles_are_elided_in_the_middle_with_the_whole_title_outlet_and_date_as_tooltip(window):
    table = window.article_list.table
    assert table.textElideMode() == Qt.TextElideMode.ElideMiddle
    tip = window.article_model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith("Zulu article")


def test_the_id_list_is_read_once_at_open_and_not_again_on_search_reset(qtbot, store, tmp_path, monkeypatch):
    from PySide6.QtCore import QSettings

    from annotator.gui.main_window import MainWindow

    reads = []
    real = Store.article_ids
    monkeypatch.setattr(Store, "article_ids", lambda self, *a, **k: reads.append(a) or real(self, *a, **k))
    window = MainWindow(store, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert len(reads) == 1  # model, sorting enabled, project shown: one read of 100,000 ids
    window.article_list.search.setText("Beta")
    qtbot.keyClick(window.article_list.search, Qt.Key.Key_Return)
    assert window.article_model.ids == [store.article_ids()[1]]
    reads.clear()
    window.article_list.search.clear()  # back to every article: the kept list
    assert window.article_model.ids == store.article_ids()[:3] and len(reads) == 1  # (the assert's own)
    third = store.article_ids()[2]
    assert window.article_model.row_of(third) == 2
    window.close()


def test_adding_deleting_and_undoing_spans_keep_the_listed_count_without_reading_the_row(
    qtbot, window, store, monkeypatch
):
    model = window.article_model
    article_id = window.article.id
    cell = model.index(model.row_of(article_id), 4)  # the Spans column
    assert model.data(cell) == len(store.spans(article_id)) == 2
    window.text_view.select_range(12, 16)
    qtbot.keyClick(window.text_view, Qt.Key.Key_A)  # the first span also marks it in progress
    assert model.data(cell) == len(store.spans(article_id)) == 3
    read = []
    real = Store.article_rows
    monkeypatch.setattr(Store, "article_rows", lambda self, ids: read.append(list(ids)) or real(self, ids))
    window.text_view.select_range(17, 21)
    qtbot.keyClick(window.text_view, Qt.Key.Key_A)
    assert model.data(cell) == len(store.spans(article_id)) == 4
    window.undo_stack.undo()
    assert model.data(cell) == len(store.spans(article_id)) == 3
    window.undo_stack.redo()
    qtbot.keyClick(window.text_view, Qt.Key.Key_Delete)  # the span just made is selected
    assert model.data(cell) == len(store.spans(article_id)) == 3
    assert read == []  # counted from the changes, not read again (4 ms for 50,000 spans)
