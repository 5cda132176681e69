"""Untrusted text stays text in tooltips too: Qt renders a tooltip as HTML when its first line
looks like a tag, so an article title or a quoted passage holding markup ran as live HTML."""

from __future__ import annotations

import pytest
from PySide6 import QtGui
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument

from annotator.core.model import NewArticle, NewSpan
from annotator.core.store import Store

TITLE = "<h1 style='font-size:90px'>Huge</h1> <img src='file:///etc/hostname'> headline"
TEXT = "The page said <b>bold</b> & <i>more</i>.\nSecond line."


@pytest.fixture
def store(tmp_path):
    store = Store.open(tmp_path / "p.annotator", annotator="ana")
    quote = TEXT.index("<b>")
    spans = (NewSpan(quote, TEXT.index("\n"), "quote", note="<u>under</u>"),)
    store.add_articles([NewArticle(TITLE, TEXT, spans=spans)])
    yield store
    store.close()


def shown(tip: str) -> str:
    """What a tooltip shows: Qt's own guess decides between plain text and HTML."""
    if not QtGui.Qt.mightBeRichText(tip):
        return tip
    document = QTextDocument()
    document.setHtml(tip)
    return document.toPlainText()


def test_the_article_list_tooltip_shows_a_title_with_markup_as_written(window):
    tip = window.article_model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert shown(tip).startswith(TITLE)


def test_the_span_list_tooltip_shows_the_span_and_its_note_as_written(window, qtbot):
    model = window.span_list.model
    assert model.rowCount() == 1
    tip = model.index(0, 1).data(Qt.ItemDataRole.ToolTipRole)
    assert shown(tip) == "<b>bold</b> & <i>more</i>.\n\nNote: <u>under</u>"
