"""Adjudication driven by keys: accept/reject disagreements into gold, undo, and the gold export."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack

from annotator.core.formats import export
from annotator.core.model import NewArticle, Status
from annotator.core.store import Store
from annotator.gui.curation import CurationDialog
from annotator.gui.events import StoreEvents

TEXT = "Lavrov said the alliance is a threat. Stoltenberg disagreed with him in Brussels."


def add(store: Store, article_id: int, piece: str, label: str) -> None:
    start = TEXT.index(piece)
    store.add_span(article_id, start, start + len(piece), label)


@pytest.fixture
def store(tmp_path):
    path = tmp_path / "team.annotator"
    with Store.open(path, annotator="ana") as ana:
        ana.add_articles([NewArticle("One", TEXT)])
        article_id = ana.article_ids()[0]
        add(ana, article_id, "Lavrov", "actor")  # agreed
        add(ana, article_id, "the alliance is a threat", "claim")  # only ana
        add(ana, article_id, "Brussels", "actor")  # only ana
        ana.set_status(article_id, Status.DONE)
    with Store.open(path, annotator="bob") as bob:
        add(bob, article_id, "Lavrov", "actor")  # agreed
        add(bob, article_id, "Stoltenberg", "actor")  # only bob
        bob.set_status(article_id, Status.DONE)
    store = Store.open(path, annotator="lead")
    yield store
    store.close()


@pytest.fixture
def dialog(qtbot, store):
    events = StoreEvents(store)
    stack = QUndoStack()
    dialog = CurationDialog(None, events, stack)
    dialog.keep = (events, stack)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    dialog.view.setFocus()
    return dialog


def gold(store: Store) -> list[str]:
    article_id = store.article_ids()[0]
    return sorted(f"{s.label}:{TEXT[s.start : s.end]}" for s in store.spans(article_id, annotator="gold"))


def press(qtbot, dialog, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(dialog.view, key, modifier)


def test_keys_accept_and_reject_into_gold(qtbot, dialog, store):
    assert (dialog.a, dialog.b) == ("ana", "bob")
    assert [(i.kind, TEXT[i.start : i.end]) for i in dialog.items] == [
        ("agreed", "Lavrov"),
        ("only A", "the alliance is a threat"),
        ("only B", "Stoltenberg"),
        ("only A", "Brussels"),
    ]
    assert TEXT[dialog.items[dialog.current].start :].startswith("the alliance")  # first disagreement
    press(qtbot, dialog, Qt.Key.Key_A)  # accept the claim, move to Stoltenberg
    assert gold(store) == ["claim:the alliance is a threat"]
    press(qtbot, dialog, Qt.Key.Key_R)  # reject Stoltenberg, move to Brussels
    press(qtbot, dialog, Qt.Key.Key_A)  # accept Brussels
    assert gold(store) == ["actor:Brussels", "claim:the alliance is a threat"]
    press(qtbot, dialog, Qt.Key.Key_A, Qt.KeyboardModifier.ShiftModifier)  # all agreed spans
    assert gold(store) == ["actor:Brussels", "actor:Lavrov", "claim:the alliance is a threat"]
    assert "3 in gold" in dialog.status.text()

    press(qtbot, dialog, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert gold(store) == ["actor:Brussels", "claim:the alliance is a threat"]
    press(qtbot, dialog, Qt.Key.Key_P)  # back to Stoltenberg
    press(qtbot, dialog, Qt.Key.Key_P)  # back to the claim
    press(qtbot, dialog, Qt.Key.Key_R)  # change of mind: reject the accepted claim
    assert gold(store) == ["actor:Brussels"]
    press(qtbot, dialog, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert gold(store) == ["actor:Brussels", "claim:the alliance is a threat"]
    press(
        qtbot, dialog, Qt.Key.Key_Z, Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.ControlModifier
    )
    assert gold(store) == ["actor:Brussels"]
    assert {s.annotator for s in store.spans(store.article_ids()[0], annotator="ana")} == {"ana"}


def test_gold_export_holds_exactly_the_accepted_spans(qtbot, dialog, store, tmp_path):
    press(qtbot, dialog, Qt.Key.Key_A)  # claim
    press(qtbot, dialog, Qt.Key.Key_N)  # skip Stoltenberg
    press(qtbot, dialog, Qt.Key.Key_A)  # Brussels
    out = tmp_path / "gold.jsonl"
    with out.open("w", encoding="utf-8", newline="") as handle:
        summary = export(store, "jsonl", handle, annotator="gold")
    (record,) = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert summary.spans == 2
    assert sorted((s["label"], s["text"], s["annotator"]) for s in record["spans"]) == [
        ("actor", "Brussels", "gold"),
        ("claim", "the alliance is a threat", "gold"),
    ]


def test_switching_annotators_and_gold_name(qtbot, dialog, store):
    dialog.b_box.setCurrentText("ana")
    assert all(item.kind == "agreed" for item in dialog.items)
    dialog.b_box.setCurrentText("bob")
    dialog.gold_edit.setText("final")
    dialog.gold_edit.editingFinished.emit()
    press(qtbot, dialog, Qt.Key.Key_A)
    article_id = store.article_ids()[0]
    assert [TEXT[s.start : s.end] for s in store.spans(article_id, annotator="final")] == [
        "the alliance is a threat"
    ]


def test_agreement_dialog_has_a_table_per_label(qtbot, store):
    from annotator.core.agreement import compute_agreement
    from annotator.gui.agreement_dialog import AgreementDialog

    dialog = AgreementDialog(None, compute_agreement(store))
    qtbot.addWidget(dialog)
    assert [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())] == [
        "claim",
        "quote",
        "actor",
        "framing",
        "ALL",
    ]
    actor = dialog.tables["actor"]
    headers = [actor.horizontalHeaderItem(c).text() for c in range(actor.columnCount())]
    cells = {headers[c]: actor.item(0, c).text() for c in range(actor.columnCount())}
    # actor: ana has Lavrov and Brussels, bob Lavrov and Stoltenberg: one exact match of two each.
    assert (cells["Annotators"], cells["Articles"], cells["Exact F1"], cells["Fleiss κ"]) == (
        "ana / bob",
        "1",
        "0.500",
        "–",
    )


def test_window_team_menu_opens_adjudication_on_the_current_article(qtbot, store, tmp_path):
    from PySide6.QtCore import QSettings

    from annotator.gui.actions import ActionId
    from annotator.gui.main_window import MainWindow

    window = MainWindow(store, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.open_article(store.article_ids()[0])
    window.actions[ActionId.ADJUDICATE].trigger()
    dialog = window.findChild(CurationDialog)
    assert dialog is not None and dialog.article_id == store.article_ids()[0]
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: dialog.isActiveWindow())
    dialog.view.setFocus()
    qtbot.keyClick(dialog.view, Qt.Key.Key_A)
    assert gold(store) == ["claim:the alliance is a threat"]
    assert window.undo_stack.count() == 1
    window.actions[ActionId.UNDO].trigger()
    assert gold(store) == []
    dialog.close()


def test_accepting_both_ends_carries_the_attribution_into_gold_and_undo_removes_it(qtbot, dialog, store):
    article_id = store.article_ids()[0]
    ana = {TEXT[s.start : s.end]: s.id for s in store.spans(article_id, annotator="ana")}
    store.add_relation(ana["the alliance is a threat"], ana["Lavrov"], "said_by")

    def gold_relations() -> list[str]:
        by_id = {s.id: TEXT[s.start : s.end] for s in store.spans(article_id, annotator="gold")}
        return [
            f"{by_id[r.from_span]} {r.type} {by_id[r.to_span]}"
            for r in store.relations(article_id)
            if r.from_span in by_id
        ]

    press(qtbot, dialog, Qt.Key.Key_A, Qt.KeyboardModifier.ShiftModifier)  # accept the agreed Lavrov
    press(qtbot, dialog, Qt.Key.Key_A)  # accept ana's claim
    assert gold(store) == ["actor:Lavrov", "claim:the alliance is a threat"]
    assert gold_relations() == ["the alliance is a threat said_by Lavrov"]
    press(qtbot, dialog, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert gold_relations() == []
    press(
        qtbot, dialog, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    assert gold_relations() == ["the alliance is a threat said_by Lavrov"]
