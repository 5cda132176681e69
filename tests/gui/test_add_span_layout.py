"""Adding a span updates the counts around the text without re-laying out the window (Qt passes
every relayout of a panel up to the window: it was most of the time a span took), and a panel
that needs more room still gets it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow

from annotator.core.model import NewArticle
from annotator.core.scheme import Label
from annotator.core.store import Store
from annotator.gui.commands import AddLabelCommand

TEXT = "The minister said the port stays open. Analysts doubt it. " * 4


@pytest.fixture
def store(tmp_path):
    store = Store.open(tmp_path / "p.annotator", annotator="ana")
    store.add_articles([NewArticle("One", TEXT), NewArticle("Two", TEXT)])
    yield store
    store.close()


class LayoutRequests(QObject):
    """Counts the window's relayouts."""

    def __init__(self, window):
        super().__init__(window)
        self.count = 0
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        self.count += event.type() == QEvent.Type.LayoutRequest
        return False


def test_a_span_added_by_key_updates_every_count_without_relaying_out_the_window(qtbot, window, store):
    view = window.text_view
    requests = LayoutRequests(window)
    for n, word in enumerate(("minister", "port", "Analysts", "doubt"), start=1):
        start = TEXT.index(word)
        view.select_range(start, start + len(word))
        qtbot.keyClick(view, Qt.Key.Key_C)
        qtbot.wait(20)  # the posted layout requests and paints are handled
        while n == 1 and requests.count:  # the first span shows the span details' fields: room
            requests.count = 0  # is made for them, in as many turns of the loop as a busy machine takes
            qtbot.wait(50)
        assert len(store.spans(window.article.id)) == n
        assert window.palette.buttons["claim"].text().endswith(f"claim    {n}")
        assert window.span_list.count.text() == f"{n} span" + ("s" if n > 1 else "")
        assert f"· {n} span" in window.position_label.text()
        assert window.span_list.model.rowCount() == n
        added = max(s.id for s in store.spans(window.article.id))
        assert window.details.span.id == view.selected_span() == added
    assert requests.count == 0
    window.undo_stack.undo()
    qtbot.wait(20)
    assert window.palette.buttons["claim"].text().endswith("claim    3")
    assert window.span_list.count.text() == "3 spans" and len(store.spans(window.article.id)) == 3


def test_a_span_added_repaints_the_counts_but_no_dock_nor_the_window_behind_them(
    qtbot, window, store, painted
):
    view = window.text_view
    for n, word in enumerate(("minister", "port", "Analysts"), start=1):
        start = TEXT.index(word)
        view.select_range(start, start + len(word))
        qtbot.wait(20)
        painted.clear()
        qtbot.keyClick(view, Qt.Key.Key_C)
        qtbot.wait(20)
        if n == 1:
            continue  # the first span shows the span details' fields: their dock is laid out again
        assert window.span_list.count.text() == f"{n} spans"
        assert window.palette.buttons["claim"].text().endswith(f"claim    {n}")
        assert window.span_list.count in painted and window.palette.buttons["claim"] in painted
        assert not [w for w in painted if isinstance(w, QDockWidget | QMainWindow)]


def test_a_span_added_or_undone_repaints_the_articles_span_count_cell_only(qtbot, window, store):
    model, view = window.article_model, window.text_view
    column = [name for name, _ in model.COLUMNS].index("spans")
    row = model.row_of(window.article.id)
    changed: list[tuple[int, int, int, int]] = []
    model.dataChanged.connect(lambda a, b: changed.append((a.row(), a.column(), b.row(), b.column())))
    for n, word in enumerate(("minister", "port"), start=1):
        start = TEXT.index(word)
        view.select_range(start, start + len(word))
        qtbot.keyClick(view, Qt.Key.Key_C)
        assert model.data(model.index(row, column)) == n == len(store.spans(window.article.id))
    window.undo_stack.undo()
    assert model.data(model.index(row, column)) == 1
    assert (row, column, row, column) in changed
    assert (row, 0, row, len(model.COLUMNS) - 1) in changed  # the first span: "new" became "in progress"
    assert model.data(model.index(row, [name for name, _ in model.COLUMNS].index("status"))) == "in progress"


def test_a_panel_that_needs_more_room_still_gets_it(qtbot, window, store):
    dock = window.docks[1]  # the labels
    before = dock.minimumSizeHint().height()
    for n in range(8):
        label = Label(0, f"extra{n}", "#123456")
        window.undo_stack.push(AddLabelCommand(store, window.events, label))
    qtbot.waitUntil(lambda: dock.minimumSizeHint().height() > before)
    assert len(window.palette.buttons) == len(store.labels())
