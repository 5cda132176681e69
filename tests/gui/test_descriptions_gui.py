"""The scheme editor edits the codebook descriptions; the palette shows them as tooltips."""

from __future__ import annotations

import pytest

from annotator.core.model import NewArticle
from annotator.core.store import Store
from annotator.gui.scheme_dialog import SchemeDialog


@pytest.fixture
def store(tmp_path):
    store = Store.open(tmp_path / "p.annotator", annotator="ana")
    store.add_articles([NewArticle("One", "Lavrov said: “No.”")])
    yield store
    store.close()


def test_descriptions_are_edited_undone_and_shown_escaped_in_the_palette(qtbot, window, store):
    dialog = SchemeDialog(window, store, window.events, window.undo_stack)
    qtbot.addWidget(dialog)
    dialog.list.setCurrentRow([label.name for label in store.labels()].index("quote"))
    dialog.description.setPlainText("Reported speech <b>not bold</b>")
    dialog.descriptions.setPlainText("kind: how it is reported\nkind=direct: word for word")
    assert dialog.apply()
    quote = store.label("quote")
    assert quote.description == "Reported speech <b>not bold</b>"
    assert quote.attributes[0].description == "how it is reported"
    assert quote.attributes[0].value_description("direct") == "word for word"
    tip = window.palette.buttons["quote"].toolTip()
    assert "Reported speech &lt;b&gt;not bold&lt;/b&gt;" in tip and "direct: word for word" in tip
    dialog.descriptions.setPlainText("kind=sarcastic: not a value of kind")
    assert not dialog.apply() and "Description line 1" in dialog.error.text()
    dialog.close()
    window.undo_stack.undo()
    assert store.label("quote").description == ""
    assert store.label("quote").attributes[0].value_descriptions == ()
    assert "Reported speech" not in window.palette.buttons["quote"].toolTip()


def test_a_choice_with_a_comma_survives_the_scheme_editor(qtbot, window, store):
    """The frame "Legality, constitutionality and jurisprudence" used to come back as two choices."""
    from annotator.gui.scheme_dialog import format_attributes, parse_attributes

    framing = store.label("framing")
    assert parse_attributes(format_attributes(framing.attributes)) == framing.attributes
    dialog = SchemeDialog(window, store, window.events, window.undo_stack)
    qtbot.addWidget(dialog)
    dialog.list.setCurrentRow([label.name for label in store.labels()].index("framing"))
    dialog.description.setPlainText("A passage that frames the issue")
    dialog.descriptions.setPlainText("frame=Legality, constitutionality and jurisprudence: courts and law")
    assert dialog.apply()
    frame = store.label("framing").attributes[0]
    assert frame.choices == framing.attributes[0].choices
    assert frame.value_description("Legality, constitutionality and jurisprudence") == "courts and law"
    dialog.close()
