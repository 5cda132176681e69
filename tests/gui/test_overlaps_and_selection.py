"""Overlapping spans told apart, hover tooltips, click cycling, tags, RTL, selection helpers."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QHelpEvent, QTextCursor
from PySide6.QtWidgets import QApplication, QToolTip

from annotator.core.model import NewArticle, NewSpan
from annotator.core.store import Store
from annotator.gui.actions import ActionId
from annotator.gui.span_set import innermost_segments

TEXT = "The minister said «we will not give up the port» on Monday. Nobody believed him."
ARABIC = "قال الوزير إننا لن نتخلى عن الميناء أبدا."
QUOTE = (TEXT.index("«"), TEXT.index("»") + 1)
CLAIM = (TEXT.index("we will"), TEXT.index(" the port"))


@pytest.fixture
def store(tmp_path):
    store = Store.open(tmp_path / "p.annotator", annotator="ana")
    store.add_articles(
        [
            NewArticle(
                "Overlap",
                TEXT,
                spans=(NewSpan(*QUOTE, "quote", {"kind": "direct"}), NewSpan(*CLAIM, "claim")),
            ),
            NewArticle("Plain", TEXT + " (copy)"),
            NewArticle("Mixed", "An English paragraph first.\n" + ARABIC + "\nAnd English again."),
        ]
    )
    yield store
    store.close()


def point_of(view, offset: int) -> QPoint:
    cursor = QTextCursor(view.document())
    cursor.setPosition(view.to_qt(offset))
    return view.cursorRect(cursor).center() + QPoint(3, 0)


def span_id(store, article_id, label) -> int:
    return next(s.id for s in store.spans(article_id) if s.label == label)


def test_stacked_spans_get_one_fill_each_never_a_blend():
    quote, claim = (QUOTE[0], -QUOTE[1], 1), (CLAIM[0], -CLAIM[1], 2)
    assert innermost_segments([quote, claim]) == [
        (QUOTE[0], CLAIM[0], 1),
        (CLAIM[0], CLAIM[1], 2),
        (CLAIM[1], QUOTE[1], 1),
    ]
    crossing = [(0, -10, 1), (5, -20, 2)]  # partial overlap: the shorter span owns the shared part
    assert innermost_segments(crossing) == [(0, 10, 1), (10, 20, 2)]


def test_hovering_an_overlap_lists_every_span_under_the_pointer(qtbot, window, store):
    view = window.text_view
    at = point_of(view, TEXT.index("will"))
    event = QHelpEvent(QEvent.Type.ToolTip, at, view.viewport().mapToGlobal(at))
    QApplication.sendEvent(view.viewport(), event)
    tip = QToolTip.text()
    QToolTip.hideText()
    assert "claim: “we will not give up”" in tip and "quote: “«we will not give up the port»”" in tip
    assert "kind: direct" in tip and "by ana" in tip


def test_clicking_a_stack_again_cycles_through_its_spans(qtbot, window, store):
    view, article = window.text_view, window.article.id
    at = point_of(view, TEXT.index("will"))
    seen = []
    for _ in range(3):
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=at)
        seen.append(view.selected_span())
    claim, quote = span_id(store, article, "claim"), span_id(store, article, "quote")
    assert seen == [claim, quote, claim]
    assert window.details.span.id == claim
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert [s.label for s in store.spans(article)] == ["quote"]


def test_the_text_selection_is_cleared_after_tagging(qtbot, window, store):
    window.open_article(store.article_ids()[1])
    view = window.text_view
    view.select_range(TEXT.index("Nobody"), TEXT.index("Nobody") + 6)
    qtbot.keyClick(view, Qt.Key.Key_A)
    assert [(s.label, TEXT[s.start : s.end]) for s in store.spans(window.article.id)] == [("actor", "Nobody")]
    assert not view.textCursor().hasSelection()
    assert view.selected_span() == store.spans(window.article.id)[0].id


def test_alt_q_selects_the_quotation_and_alt_s_the_sentence(qtbot, window, store):
    window.open_article(store.article_ids()[1])
    view, article = window.text_view, window.article.id
    view.select_range(TEXT.index("give"), TEXT.index("give"))
    qtbot.keyClick(view, Qt.Key.Key_Q, Qt.KeyboardModifier.AltModifier)
    qtbot.keyClick(view, Qt.Key.Key_Q)
    view.select_range(TEXT.index("believed"), TEXT.index("believed"))
    qtbot.keyClick(view, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)
    qtbot.keyClick(view, Qt.Key.Key_C)
    got = sorted((s.label, TEXT[s.start : s.end]) for s in store.spans(article))
    assert got == [("claim", "Nobody believed him."), ("quote", "«we will not give up the port»")]
    window.undo_stack.undo()
    assert [s.label for s in store.spans(article)] == ["quote"]


def test_label_tags_toggle_from_the_view_menu_and_are_remembered(qtbot, window):
    view = window.text_view
    spacing = view._layout.extra
    window.actions[ActionId.TOGGLE_TAGS].trigger()
    assert view.show_tags and view._layout.extra > spacing
    assert window.settings.value("view/label_tags", type=bool) is True
    view.grab()  # paints the tags
    assert view.painted_span_count == 2
    window.actions[ActionId.TOGGLE_TAGS].trigger()
    assert not view.show_tags and view._layout.extra == spacing


def test_right_to_left_paragraphs_are_aligned_right(window, store):
    window.open_article(store.article_ids()[2])
    view = window.text_view
    view.grab()
    block = view.document().firstBlock()
    xs = []
    while block.isValid():
        line = block.layout().lineAt(0)
        xs.append((block.layout().textOption().textDirection(), line.cursorToX(0)[0], line.width()))
        block = block.next()
    english, arabic, again = xs
    assert english[1] < 10 and again[1] < 10
    assert arabic[1] > arabic[2] / 2  # the start of an Arabic line is at its right edge
