"""The span list paints its cells from pictures it keeps (CellPictures): what it shows must be
what the style draws, through scrolling, selection, suggestions' italics, new spans, relabels and
a label's new colour, and the list's new font and colours."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QStyledItemDelegate

from annotator.core.model import NewArticle, NewSpan
from annotator.core.store import Store
from annotator.gui.cell_pictures import CellPictures
from annotator.gui.commands import UpdateLabelCommand

QUOTE = 'Sergey Lavrov arrived in Ankara. "We are patient," Lavrov told reporters. Later Lavrov left. '
WORDS = " ".join(f"word{i}" for i in range(60))
TEXT = QUOTE + WORDS


def at(word: str) -> tuple[int, int]:
    start = TEXT.index(word + " ")
    return start, start + len(word)


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "p.annotator", annotator="ana") as store:
        spans = tuple(NewSpan(*at(f"word{i}"), ("claim", "quote")[i % 2]) for i in range(0, 60, 2))
        store.add_articles([NewArticle("One", TEXT, spans=spans)])
        yield store


def shows_what_the_style_draws(table) -> bool:
    """The viewport painted twice (its pictures made, then shown) and by a plain delegate."""
    pictures = table.itemDelegate()
    shown = [table.viewport().grab().toImage() for _ in range(2)]
    table.setItemDelegate(QStyledItemDelegate(table))
    drawn = table.viewport().grab().toImage()
    table.setItemDelegate(pictures)
    return shown[0] == drawn and shown[1] == drawn


def test_the_span_list_painted_from_pictures_shows_what_the_style_draws(qtbot, window, store):
    table, model, view = window.span_list.table, window.span_list.model, window.text_view
    assert isinstance(table.itemDelegate(), CellPictures)
    assert model.suggested, "suggestions' rows (in italics) are listed first"
    assert shows_what_the_style_draws(table)

    table.scrollToBottom()
    last = model.rowCount() - 1
    qtbot.mouseClick(
        table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualRect(model.index(last, 1)).center()
    )
    assert view.selected_span() == model.span_id(last) and table.hasFocus()
    assert shows_what_the_style_draws(table)

    start, end = at("word31")
    view.setFocus()
    view.select_range(start, end)
    qtbot.keyClick(view, Qt.Key.Key_Q)
    (added,) = [s for s in store.spans(1) if (s.start, s.end) == (start, end)]
    assert added.label == "quote" and view.selected_span() == added.id
    assert table.selectionModel().isRowSelected(model.row_of(added.id))
    assert shows_what_the_style_draws(table)

    qtbot.keyClick(view, Qt.Key.Key_C)
    assert store.span(added.id).label == "claim"
    assert model.index(model.row_of(added.id), 0).data() == "claim"
    assert shows_what_the_style_draws(table)

    claim = next(label for label in store.labels() if label.name == "claim")
    window.undo_stack.push(UpdateLabelCommand(store, window.events, claim, replace(claim, color="#123456")))
    assert next(label.color for label in store.labels() if label.name == "claim") == "#123456"
    assert shows_what_the_style_draws(table)

    start = TEXT.index("Later Lavrov") + len("Later ")  # as the suggested actor, not in italics
    view.setFocus()
    view.select_range(start, start + len("Lavrov"))
    qtbot.keyClick(view, Qt.Key.Key_A)
    qtbot.waitUntil(lambda: not window.suggester.busy)
    assert ("Lavrov", "actor") in {(TEXT[s.start : s.end], s.label) for s in store.spans(1)}
    assert ("Lavrov", "actor") in {(TEXT[s.start : s.end], s.label) for s in store.suggestions(1)}
    table.scrollToBottom()
    qtbot.mouseClick(
        table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualRect(model.index(last, 1)).center()
    )
    table.scrollToTop()
    assert shows_what_the_style_draws(table)

    font = table.font()
    font.setPointSizeF(font.pointSizeF() + 2)
    table.setFont(font)
    assert shows_what_the_style_draws(table)
    palette = table.palette()
    palette.setColor(QPalette.ColorRole.Text, QColor("#884400"))
    table.setPalette(palette)
    assert shows_what_the_style_draws(table)
