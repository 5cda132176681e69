"""The span details show the selected span's own values as the analyst clicks from span to span:
editors kept for a label are refilled, never carry the previous span's values, and showing a span
writes nothing."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QComboBox

from annotator.core.model import NewArticle, NewSpan
from annotator.core.store import Store
from annotator.gui.text_field import TextField

TEXT = "Petrov said the port stays open. Minister Ivanov denied it. Analysts doubt both claims."
WORDS = ("Petrov", "port", "Ivanov", "Analysts")


@pytest.fixture
def store(tmp_path):
    store = Store.open(tmp_path / "p.annotator", annotator="ana")
    spans = (
        NewSpan(0, 6, "actor", {"normalised_name": "Ivan Petrov"}),
        NewSpan(TEXT.index("port"), TEXT.index("."), "claim", {"stance": "opposes", "check_worthy": "yes"}),
        NewSpan(TEXT.index("Ivanov"), TEXT.index(" denied"), "actor"),
        NewSpan(TEXT.index("Analysts"), len(TEXT) - 1, "claim"),
    )
    store.add_articles([NewArticle("One", TEXT, spans=spans)])
    yield store
    store.close()


def click_word(qtbot, window, word: str) -> None:
    view = window.text_view
    cursor = QTextCursor(view.document())
    cursor.setPosition(view.to_qt(TEXT.index(word) + 1))
    qtbot.mouseClick(
        view.viewport(), Qt.MouseButton.LeftButton, pos=view.cursorRect(cursor).center() + QPoint(2, 0)
    )


def editor(window, name: str):
    found = window.details.findChild(QComboBox, f"attribute:{name}")
    return found or window.details.findChild(TextField, f"attribute:{name}")


def test_each_span_shows_its_own_attributes_and_showing_writes_nothing(qtbot, window, store):
    before = [(s.id, s.attributes, s.updated) for s in store.spans(window.article.id)]
    shown = []
    for word in (*WORDS, "port", "Ivanov", "Petrov"):
        click_word(qtbot, window, word)
        if window.details.span.label == "claim":
            shown.append(
                (word, editor(window, "stance").currentText(), editor(window, "check_worthy").currentText())
            )
        else:
            shown.append((word, editor(window, "normalised_name").text()))
    assert shown == [
        ("Petrov", "Ivan Petrov"),
        ("port", "opposes", "yes"),
        ("Ivanov", ""),
        ("Analysts", "—", "—"),
        ("port", "opposes", "yes"),
        ("Ivanov", ""),
        ("Petrov", "Ivan Petrov"),
    ]
    assert editor(window, "stance") is None  # an actor has no stance row
    assert [(s.id, s.attributes, s.updated) for s in store.spans(window.article.id)] == before
    assert window.undo_stack.count() == 0


def test_an_attribute_set_after_another_span_of_the_label_goes_to_the_span_shown(qtbot, window, store):
    click_word(qtbot, window, "port")
    click_word(qtbot, window, "Analysts")
    analysts = window.details.span.id
    stance = editor(window, "stance")
    stance.setFocus()
    qtbot.keyClick(stance, Qt.Key.Key_Down)  # "—" → "supports"
    click_word(qtbot, window, "Ivanov")
    ivanov = window.details.span.id
    name = editor(window, "normalised_name")
    qtbot.mouseClick(name, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(name, "Oleg Ivanov")
    qtbot.keyClick(name, Qt.Key.Key_Return)
    by_id = {s.id: s for s in store.spans(window.article.id)}
    assert by_id[analysts].attributes == {"stance": "supports"}
    assert by_id[ivanov].attributes == {"normalised_name": "Oleg Ivanov"}
    assert [s.attributes for s in by_id.values() if s.id not in (analysts, ivanov)] == [
        {"normalised_name": "Ivan Petrov"},
        {"stance": "opposes", "check_worthy": "yes"},
    ]
    window.undo_stack.undo()
    window.undo_stack.undo()
    click_word(qtbot, window, "Analysts")
    assert editor(window, "stance").currentText() == "—"
    assert store.span(analysts).attributes == {}
