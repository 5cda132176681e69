"""From the label key to the store and back to the views: a span added shows at once in the
details, and what the details do not need to set again (an empty note, the same text) they leave
alone, without ever carrying one span's typing into the next."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence

from annotator.core.model import NewArticle
from annotator.core.store import Store

TEXT = "The minister said the port stays open. Analysts doubt it. The port stays open."


@pytest.fixture
def store(tmp_path):
    store = Store.open(tmp_path / "p.annotator", annotator="ana")
    store.add_articles([NewArticle("One", TEXT)])
    yield store
    store.close()


def label(qtbot, window, start: int, end: int) -> int:
    """Select [start, end) and press the claim key; the id of the span stored."""
    window.text_view.select_range(start, end)
    qtbot.keyClick(window.text_view, Qt.Key.Key_C)
    return max(span.id for span in window.store.spans(window.article.id))


def test_spans_added_in_a_row_show_their_text_and_own_empty_note(qtbot, window, store):
    details, first = window.details, TEXT.index("port")
    span_id = label(qtbot, window, first, first + 4)
    qtbot.mouseClick(details.note, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(details.note, "verify")
    qtbot.keyClick(details.note, Qt.Key.Key_Return)
    assert store.span(span_id).note == "verify"
    shown = []
    for word in ("Analysts", "port stays", "open"):
        start = TEXT.index(word, first + 5)
        added = label(qtbot, window, start, start + len(word))
        shown.append((details.span.id == added, details.text.toPlainText(), details.note.text()))
    assert shown == [(True, "Analysts", ""), (True, "port stays", ""), (True, "open", "")]
    notes = {s.id: s.note for s in store.spans(window.article.id)}
    assert len(notes) == 4 and notes.pop(span_id) == "verify" and set(notes.values()) == {""}


def test_a_span_added_leaves_the_unchanged_note_field_unpainted(qtbot, window, store, painted):
    label(qtbot, window, 0, 3)
    qtbot.wait(20)  # the first span shows the details' fields
    painted.clear()
    start = TEXT.index("minister")
    added = label(qtbot, window, start, start + 8)
    qtbot.wait(20)
    assert window.details.span.id == added and store.span(added).note == ""
    assert window.details.text.viewport() in painted  # its new text
    assert window.details.note.viewport() not in painted


def test_typing_undone_in_the_note_is_not_redone_into_the_next_span(qtbot, window, store):
    note = window.details.note
    first = label(qtbot, window, 0, 3)
    qtbot.mouseClick(note, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(note, "draft")
    qtbot.keySequence(note, QKeySequence(QKeySequence.StandardKey.Undo))
    assert note.text() == ""
    start = TEXT.index("minister")
    second = label(qtbot, window, start, start + 8)  # its note is as empty as the field
    qtbot.mouseClick(note, Qt.MouseButton.LeftButton)
    qtbot.keySequence(note, QKeySequence(QKeySequence.StandardKey.Redo))
    qtbot.keyClick(note, Qt.Key.Key_Return)
    assert note.text() == ""
    assert (store.span(first).note, store.span(second).note) == ("", "")


def test_a_span_added_by_key_is_stored_once_and_not_read_back(qtbot, window, store, painted):
    label(qtbot, window, 0, 3)  # the first span also marks the article in progress
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    start = TEXT.index("port")
    window.text_view.select_range(start, start + 4)
    qtbot.keyClick(window.text_view, Qt.Key.Key_C)
    store.conn.set_trace_callback(None)
    span = store.span(max(s.id for s in store.spans(window.article.id)))
    assert (span.start, span.end, span.label, span.note) == (start, start + 4, "claim", "")
    assert (
        statements[:3] == ["BEGIN IMMEDIATE", statements[1], "COMMIT"]
        and "INSERT INTO spans" in statements[1]
    )
    assert not [sql for sql in statements[3:] if "FROM spans" in sql and str(span.id) in sql]
    assert window.details.span == span and window.text_view.span(span.id) == (
        span.id,
        start,
        start + 4,
        "claim",
    )
    window.undo_stack.undo()
    assert span.id not in store.spans_by_id([span.id]) and window.details.span is None
    window.undo_stack.redo()
    assert store.span(span.id) == span == window.details.span
