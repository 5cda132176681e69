"""The scheme editor (Edit → Edit Labels…): relation rules are edited with the label they start
from, and what is typed is applied by every route out of it (another label, New label, Close,
Esc, the title bar), never dropped."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QPushButton

from annotator.core.model import NewArticle, NewSpan
from annotator.core.scheme import DEFAULT_RELATION_RULES, RelationRule
from annotator.core.store import Store
from annotator.gui.scheme_dialog import SchemeDialog

TEXT = "Lavrov said «no» and a claim followed."


@pytest.fixture
def store(tmp_path):
    store = Store.open(tmp_path / "p.annotator", annotator="ana")
    spans = (
        NewSpan(0, 6, "actor"),
        NewSpan(TEXT.index("«"), TEXT.index("»") + 1, "quote"),
        NewSpan(TEXT.index("a claim"), len(TEXT) - 1, "claim"),
    )
    store.add_articles([NewArticle("One", TEXT, spans=spans)])
    yield store
    store.close()


@pytest.fixture
def dialog(qtbot, window, store):
    dialog = SchemeDialog(window, store, window.events, window.undo_stack)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def choose(qtbot, dialog, name: str) -> None:
    """Click the label `name` in the dialog's list."""
    row = next(i for i in range(dialog.list.count()) if dialog.list.item(i).text() == name)
    rect = dialog.list.visualItemRect(dialog.list.item(row))
    qtbot.mouseClick(dialog.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def retype(qtbot, field, text: str) -> None:
    """Click into `field`, select all and type `text` (Return for line breaks)."""
    qtbot.mouseClick(field.viewport() if hasattr(field, "viewport") else field, Qt.MouseButton.LeftButton)
    qtbot.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    for number, line in enumerate(text.split("\n")):
        if number:
            qtbot.keyClick(field, Qt.Key.Key_Return)
        qtbot.keyClicks(field, line)


def test_the_quote_shows_its_default_rule(qtbot, dialog):
    choose(qtbot, dialog, "quote")
    assert dialog.relations.toPlainText() == "said_by: actor"


def test_a_rule_edited_to_allow_claims_lets_r_then_tab_land_on_a_claim(qtbot, window, store, dialog):
    choose(qtbot, dialog, "quote")
    retype(qtbot, dialog.relations, "said_by: claim (any number)")
    choose(qtbot, dialog, "actor")  # leaving the label applies it
    assert store.relation_rules() == (RelationRule("said_by", "quote", ("claim",), single=False),)
    dialog.close()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    view = window.text_view
    quote = next(s for s in store.spans(window.article.id) if s.label == "quote")
    view.set_selected_span(quote.id)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_R)
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    assert view.span(view.selected_span()).label == "claim"
    qtbot.keyClick(view, Qt.Key.Key_Return)
    (relation,) = store.relations(window.article.id)
    assert store.span(relation.to_span).label == "claim"


def test_label_and_relations_are_one_undo_step(qtbot, window, store, dialog):
    choose(qtbot, dialog, "quote")
    retype(qtbot, dialog.description, "Reported speech")
    retype(qtbot, dialog.relations, "said_by: actor, claim")
    qtbot.mouseClick(dialog.findChild(QPushButton, "scheme_apply"), Qt.MouseButton.LeftButton)
    assert store.label("quote").description == "Reported speech"
    assert store.relation_rules() == (RelationRule("said_by", "quote", ("claim", "actor")),)
    window.undo_stack.undo()
    assert store.label("quote").description == ""
    assert store.relation_rules() == DEFAULT_RELATION_RULES


def test_a_relation_to_a_label_the_scheme_lacks_is_refused_with_the_reason(qtbot, store, dialog):
    choose(qtbot, dialog, "quote")
    retype(qtbot, dialog.relations, "said_by: speaker")
    choose(qtbot, dialog, "actor")
    assert "no label 'speaker'" in dialog.error.text()
    assert dialog.list.currentItem().text() == "quote"  # kept on the edit
    assert dialog.relations.toPlainText() == "said_by: speaker"
    assert store.relation_rules() == DEFAULT_RELATION_RULES


# ------------------------------------------------------------- nothing typed is dropped
def leave_by_other_label(qtbot, dialog):
    choose(qtbot, dialog, "actor")


def leave_by_new_label(qtbot, dialog):
    qtbot.mouseClick(dialog.findChild(QPushButton, "scheme_new"), Qt.MouseButton.LeftButton)


def leave_by_close_button(qtbot, dialog):
    box = dialog.findChild(QDialogButtonBox)
    qtbot.mouseClick(box.button(QDialogButtonBox.StandardButton.Close), Qt.MouseButton.LeftButton)


def leave_by_escape(qtbot, dialog):
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Escape)


def leave_by_title_bar(qtbot, dialog):
    dialog.close()  # what the window manager's close button sends


@pytest.mark.parametrize(
    "leave",
    [leave_by_other_label, leave_by_new_label, leave_by_close_button, leave_by_escape, leave_by_title_bar],
)
@pytest.mark.parametrize(
    "field", ["name", "shortcut", "description", "attributes", "descriptions", "relations"]
)
def test_what_is_typed_is_applied_by_every_route_out(qtbot, store, dialog, leave, field):
    choose(qtbot, dialog, "quote")
    typed = {
        "name": "citation",
        "shortcut": "x",
        "description": "Reported speech",
        "attributes": "kind: direct, indirect\nsource (text)",
        "descriptions": "kind: how it is reported",
        "relations": "said_by: actor (any number)",
    }[field]
    retype(qtbot, getattr(dialog, field), typed)
    leave(qtbot, dialog)
    name = "citation" if field == "name" else "quote"
    label = store.label(name)
    stored = {
        "name": label.name,
        "shortcut": label.shortcut,
        "description": label.description,
        "attributes": "\n".join(
            f"{a.name}: {', '.join(a.choices)}" if a.kind == "choice" else f"{a.name} (text)"
            for a in label.attributes
        ),
        "descriptions": f"kind: {label.attributes[0].description}",
        "relations": f"said_by: actor{'' if store.relation_rules()[0].single else ' (any number)'}",
    }[field]
    assert stored == typed


def test_a_new_label_typed_then_closed_is_added_with_its_description(qtbot, store, dialog):
    leave_by_new_label(qtbot, dialog)
    qtbot.keyClicks(dialog.name, "speaker")
    retype(qtbot, dialog.description, "Who speaks")
    leave_by_escape(qtbot, dialog)
    assert store.label("speaker").description == "Who speaks"


def test_an_edit_that_cannot_be_applied_keeps_the_dialog_open_once(qtbot, store, dialog):
    choose(qtbot, dialog, "quote")
    retype(qtbot, dialog.name, "claim")  # taken
    leave_by_close_button(qtbot, dialog)
    assert dialog.isVisible()
    assert "already a label named 'claim'" in dialog.error.text() and "Close again" in dialog.error.text()
    leave_by_close_button(qtbot, dialog)
    assert not dialog.isVisible()
    assert [label.name for label in store.labels()].count("claim") == 1
