"""Corpus search: the hit article opens scrolled to its first hit; F3 walks the hits; the result
list shows a snippet and the hit count; wording in the singular for one."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from annotator.core.model import NewArticle
from annotator.core.store import Store

FILLER = "Nothing to see on this line.\n" * 200
HIT = FILLER + "The harbour of Odesa reopened.\n" + FILLER + "Odesa again, at the end."


@pytest.fixture
def store(tmp_path):
    store = Store.open(tmp_path / "p.annotator", annotator="ana")
    store.add_articles([NewArticle("First", "A short text."), NewArticle("Port news", HIT)])
    yield store
    store.close()


def search_for(qtbot, window, words: str) -> None:
    box = window.article_list.search
    box.setFocus()
    qtbot.keyClicks(box, words)
    qtbot.keyClick(box, Qt.Key.Key_Return)


def selected_text(window) -> tuple[int, int]:
    view = window.text_view
    cursor = view.textCursor()
    return view.to_code_point(cursor.selectionStart()), view.to_code_point(cursor.selectionEnd())


def test_search_opens_the_article_at_its_first_hit_and_f3_walks_the_hits(qtbot, window, store):
    search_for(qtbot, window, "odesa")
    assert window.article.title == "Port news"
    first, second = HIT.index("Odesa"), HIT.rindex("Odesa")
    assert selected_text(window) == (first, first + 5)
    view = window.text_view
    assert view.viewport().rect().contains(view.cursorRect().center()), "the first hit is on screen"
    qtbot.keyClick(view, Qt.Key.Key_F3)
    assert selected_text(window) == (second, second + 5)
    assert view.viewport().rect().contains(view.cursorRect().center())
    qtbot.keyClick(view, Qt.Key.Key_F3, Qt.KeyboardModifier.ShiftModifier)
    assert selected_text(window) == (first, first + 5)
    assert window.text_view.highlight_ranges() == [(first, first + 5), (second, second + 5)]


def test_results_show_hit_count_and_snippet_and_say_1_article_matches(qtbot, window, store):
    messages = []
    window.statusBar().messageChanged.connect(messages.append)
    search_for(qtbot, window, "harbour")
    assert "1 article matches “harbour”." in messages
    model = window.article_model
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers == ["Title", "Hits", "Found"]
    assert model.index(0, 0).data() == "Port news" and model.index(0, 1).data() == 1
    assert "harbour" in model.index(0, 2).data()
    window.article_list.search.clear()
    assert model.columnCount() == 5 and len(model.ids) == 2


def test_the_status_line_says_1_span(qtbot, window, store):
    window.open_article(store.article_ids()[0])
    window.text_view.select_range(0, 1)
    qtbot.keyClick(window.text_view, Qt.Key.Key_C)
    assert "· 1 span ·" in window.position_label.text()
    assert "in progress" in window.position_label.text()


def test_a_search_makes_snippets_for_the_rows_shown_not_for_every_hit(qtbot, window, store, monkeypatch):
    """Issue 16: the window asked for 1,000 hits with a snippet each (70 ms for a common word on
    100,000 news articles, most of it snippets nobody scrolls to); now as rows are shown."""
    from annotator.gui import models

    store.add_articles([NewArticle(f"Talks {n}", f"The harbour talks went on, day {n}.") for n in range(300)])
    made = []
    real = models.snippets
    monkeypatch.setattr(models, "snippets", lambda s, query, ids: made.extend(ids) or real(s, query, ids))
    search_for(qtbot, window, "harbour")
    model = window.article_model
    assert len(model.ids) == 301
    qtbot.wait(50)  # the list paints its visible rows
    assert 0 < len(made) < 301 and len(set(made)) == len(made)
    assert "«harbour»" in model.index(300, 2).data()  # scrolled to: made then
    assert "«harbour»" in model.index(299, 2).data() and len(set(made)) == len(made)
