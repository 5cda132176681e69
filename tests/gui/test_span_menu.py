"""The context menu on a span, opened with the mouse; every entry is undoable or harmless."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QContextMenuEvent, QTextCursor
from PySide6.QtWidgets import QApplication, QMenu

from annotator.core.model import NewArticle, NewSpan
from annotator.core.store import Store

TEXT = "Minister Petrov said «we stay» on Monday."


@pytest.fixture
def store(tmp_path):
    store = Store.open(tmp_path / "p.annotator", annotator="ana")
    spans = (NewSpan(TEXT.index("Petrov"), TEXT.index(" said"), "actor"), NewSpan(21, 30, "quote"))
    store.add_articles([NewArticle("One", TEXT, spans=spans)])
    yield store
    store.close()


def open_menu(window, word: str, choose: list[str]) -> None:
    """Right-click the span at `word` and pick the entry (or submenu path) `choose`."""
    view = window.text_view
    cursor = QTextCursor(view.document())
    cursor.setPosition(view.to_qt(TEXT.index(word) + 1))
    at = view.cursorRect(cursor).center() + QPoint(2, 0)

    def pick() -> None:
        menu = QApplication.activePopupWidget()
        assert isinstance(menu, QMenu) and menu.objectName() == "span_menu"
        top = menu
        for title in choose:
            action = next(a for a in menu.actions() if a.text().replace("&", "").startswith(title))
            if action.menu() is not None:
                menu = action.menu()
                continue
            top.close()
            action.trigger()

    QTimer.singleShot(0, pick)
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, at, view.viewport().mapToGlobal(at))
    QApplication.sendEvent(view.viewport(), event)


def test_change_label_from_the_menu_is_undoable(window, store):
    open_menu(window, "stay", ["Change Label", "claim"])
    assert [s.label for s in store.spans(window.article.id)] == ["actor", "claim"]
    window.undo_stack.undo()
    assert [s.label for s in store.spans(window.article.id)] == ["actor", "quote"]


def test_attribute_from_the_menu_then_click_the_actor(qtbot, window, store):
    open_menu(window, "stay", ["Attribute to actor"])
    assert window.gestures.attribution.active
    view = window.text_view
    cursor = QTextCursor(view.document())
    cursor.setPosition(view.to_qt(TEXT.index("Petrov") + 1))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.cursorRect(cursor).center())
    (relation,) = store.relations(window.article.id)
    assert store.span(relation.to_span).label == "actor"


def test_copy_text_edit_note_and_delete(qtbot, window, store):
    open_menu(window, "stay", ["Copy Text"])
    assert QApplication.clipboard().text() == "«we stay»"
    open_menu(window, "stay", ["Edit Note"])
    assert window.focusWidget() is window.details.note  # (offscreen, the closed menu stays "active")
    qtbot.keyClicks(window.details.note, "verify")
    open_menu(window, "Petrov", ["Delete Span"])
    assert [(s.label, s.note) for s in store.spans(window.article.id)] == [("quote", "verify")]
    window.undo_stack.undo()
    assert len(store.spans(window.article.id)) == 2
