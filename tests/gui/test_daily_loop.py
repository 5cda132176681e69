"""The coding loop as an analyst runs it all day: nothing typed is lost, the queue walks in order,
the first span starts an article, attribution follows the scheme."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication

from annotator.core.model import NewArticle, NewSpan, Status
from annotator.core.scheme import RelationRule
from annotator.core.store import Store

TEXT = "Minister Petrov said «we will not give up the port» on Monday. Analysts doubt the claim."
SPANS = (
    NewSpan(TEXT.index("Petrov"), TEXT.index(" said"), "actor"),
    NewSpan(TEXT.index("«"), TEXT.index("»") + 1, "quote"),
    NewSpan(TEXT.index("Analysts"), len(TEXT), "claim"),
    NewSpan(TEXT.index("Minister"), TEXT.index(" Petrov"), "actor"),
)
CTRL, ALT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.AltModifier


@pytest.fixture
def store(tmp_path):
    store = Store.open(tmp_path / "p.annotator", annotator="ana")
    articles = [NewArticle("First", TEXT, spans=SPANS)]
    articles += [NewArticle(f"Article {n:02}", f"Text number {n} of the queue.") for n in range(2, 53)]
    store.add_articles(articles)
    yield store
    store.close()


def point_of(view, offset: int) -> QPoint:
    cursor = QTextCursor(view.document())
    cursor.setPosition(view.to_qt(offset))
    return view.cursorRect(cursor).center() + QPoint(2, 0)


def click_text(qtbot, window, word: str) -> None:
    view = window.text_view
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point_of(view, TEXT.index(word) + 1))


def type_note(qtbot, window, word: str, note: str) -> int:
    """Click the span at `word`, click into the Note field and type."""
    click_text(qtbot, window, word)
    field = window.details.note
    qtbot.mouseClick(field, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(field, note)
    assert field.hasFocus()
    return window.text_view.selected_span()


def note_of(store, span_id: int) -> str:
    return store.span(span_id).note


# ------------------------------------------------------------------- typed text is never lost
def test_note_then_ctrl_enter_is_stored_and_the_article_done(qtbot, window, store):
    first = window.article.id
    span_id = type_note(qtbot, window, "Analysts", "check the poll")
    qtbot.keyClick(window.details.note, Qt.Key.Key_Return, CTRL)
    assert note_of(store, span_id) == "check the poll"
    assert store.article(first).status == Status.DONE
    assert window.article.id != first


def test_note_then_tab_is_stored_and_the_next_span_selected(qtbot, window, store):
    span_id = type_note(qtbot, window, "Analysts", "tabbed away")
    qtbot.keyClick(window.details.note, Qt.Key.Key_Tab)
    assert note_of(store, span_id) == "tabbed away"
    assert window.text_view.selected_span() != span_id


def test_normalised_name_then_alt_down_is_stored(qtbot, window, store):
    click_text(qtbot, window, "Petrov")
    field = window.details.text_attributes["normalised_name"]
    qtbot.mouseClick(field, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(field, "Ivan Petrov")
    span_id = window.text_view.selected_span()
    qtbot.keyClick(field, Qt.Key.Key_Down, ALT)
    assert store.span(span_id).attributes["normalised_name"] == "Ivan Petrov"
    assert window.article.id == store.article_ids()[1]


def test_note_then_click_on_another_span_is_stored(qtbot, window, store):
    span_id = type_note(qtbot, window, "Analysts", "clicked away")
    click_text(qtbot, window, "Petrov")
    assert note_of(store, span_id) == "clicked away"
    assert window.details.span.id != span_id and window.details.note.text() == ""


def test_note_then_click_on_another_article_is_stored(qtbot, window, store):
    span_id = type_note(qtbot, window, "Analysts", "switched article")
    table = window.article_list.table
    row = table.visualRect(table.model().index(3, 0)).center()
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=row)
    assert window.article.id == store.article_ids()[3]
    assert note_of(store, span_id) == "switched article"


@pytest.mark.parametrize("route", ["close", "quit", "session"])
def test_note_is_stored_when_the_window_closes_quits_or_the_session_ends(qtbot, window, store, route):
    span_id = type_note(qtbot, window, "Analysts", f"before {route}")
    if route == "close":
        window.close()
    elif route == "quit":
        qtbot.keyClick(window.details.note, Qt.Key.Key_Q, CTRL)
        assert not window.isVisible()
    else:
        QApplication.instance().commitDataRequest.emit(None)
    assert note_of(store, span_id) == f"before {route}"


def test_a_note_committed_once_is_one_undo_step(qtbot, window, store):
    span_id = type_note(qtbot, window, "Analysts", "once")
    qtbot.keyClick(window.details.note, Qt.Key.Key_Return)
    qtbot.keyClick(window.details.note, Qt.Key.Key_Tab)
    assert note_of(store, span_id) == "once"
    assert window.undo_stack.count() == 1
    window.undo_stack.undo()
    assert note_of(store, span_id) == ""


# ------------------------------------------------------------------------- status and queue
def test_first_span_marks_a_new_article_in_progress_in_one_undo_step(qtbot, window, store):
    window.open_article(store.article_ids()[1])
    article = window.article.id
    window.text_view.select_range(0, 4)
    qtbot.keyClick(window.text_view, Qt.Key.Key_C)
    assert store.article(article).status == Status.IN_PROGRESS
    assert window.article_model.index(1, 3).data() == "in progress"
    window.undo_stack.undo()
    assert store.article(article).status == Status.NEW and not store.spans(article)


def test_ctrl_enter_walks_all_52_articles_in_list_order(qtbot, window, store):
    ids = store.article_ids()
    seen = [window.article.id]
    for _ in range(51):
        qtbot.keyClick(window.text_view, Qt.Key.Key_Return, CTRL)
        seen.append(window.article.id)
    assert seen == ids
    qtbot.keyClick(window.text_view, Qt.Key.Key_Return, CTRL)
    assert all(store.article(i).status == Status.DONE for i in ids)
    assert window.article_model.ids == ids  # no row moved


def test_ctrl_enter_follows_the_sorted_list_and_skips_done_articles(qtbot, window, store):
    ids = store.article_ids()
    window.article_list.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)  # by title, Z→A
    shown = window.article_model.ids
    store.set_status(shown[1], Status.DONE)
    window.open_article(shown[0])
    qtbot.keyClick(window.text_view, Qt.Key.Key_Return, CTRL)
    assert window.article.id == shown[2]
    assert shown[0] == ids[0]  # "First" sorts last alphabetically, so first descending


# ------------------------------------------------------------------------------ attribution
def spans_by_label(store, article_id):
    found: dict[str, list[int]] = {}
    for span in store.spans(article_id):
        found.setdefault(span.label, []).append(span.id)
    return found


def test_r_then_tab_walks_only_actors_and_enter_attributes(qtbot, window, store):
    view, article = window.text_view, window.article.id
    labels = spans_by_label(store, article)
    click_text(qtbot, window, "port")
    qtbot.keyClick(view, Qt.Key.Key_R)
    visited = []
    for _ in range(3):
        qtbot.keyClick(view, Qt.Key.Key_Tab)
        visited.append(view.span(view.selected_span()).label)
    assert visited == ["actor", "actor", "actor"]
    qtbot.keyClick(view, Qt.Key.Key_Return)
    (relation,) = store.relations(article)
    assert relation.from_span == labels["quote"][0] and relation.to_span in labels["actor"]
    assert relation.type == "said_by"


def test_attribution_to_a_claim_is_refused_with_a_message(qtbot, window, store):
    view, article = window.text_view, window.article.id
    click_text(qtbot, window, "port")
    qtbot.keyClick(view, Qt.Key.Key_R)
    click_text(qtbot, window, "Analysts")
    assert store.relations(article) == []
    assert "not to a claim" in window.statusBar().currentMessage()
    click_text(qtbot, window, "Petrov")  # still attributing: an actor is accepted
    assert [r.to_span for r in store.relations(article)] == [window.text_view.selected_span()]


def test_reattributing_replaces_the_speaker_and_undo_restores_it(qtbot, window, store):
    view, article = window.text_view, window.article.id
    labels = spans_by_label(store, article)
    petrov = next(i for i in labels["actor"] if TEXT[store.span(i).start :].startswith("Petrov"))
    minister = next(i for i in labels["actor"] if i != petrov)
    for target in ("Petrov", "Minister"):
        click_text(qtbot, window, "port")
        qtbot.keyClick(view, Qt.Key.Key_R)
        click_text(qtbot, window, target)
    assert [r.to_span for r in store.relations(article)] == [minister]
    assert "re-attributed" in window.statusBar().currentMessage()
    window.undo_stack.undo()
    assert [r.to_span for r in store.relations(article)] == [petrov]


def test_r_on_a_claim_does_not_start_an_attribution(qtbot, window, store):
    click_text(qtbot, window, "Analysts")
    qtbot.keyClick(window.text_view, Qt.Key.Key_R)
    assert not window.gestures.attribution.active
    assert "lets a claim point to no other label" in window.statusBar().currentMessage()


def test_a_rule_changed_to_allow_claims_makes_r_then_tab_land_on_claims(qtbot, window, store):
    store.set_relation_rules([RelationRule("said_by", "quote", ("claim",))])
    view, article = window.text_view, window.article.id
    click_text(qtbot, window, "port")
    qtbot.keyClick(view, Qt.Key.Key_R)
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    assert view.span(view.selected_span()).label == "claim"
    qtbot.keyClick(view, Qt.Key.Key_Return)
    (relation,) = store.relations(article)
    assert store.span(relation.to_span).label == "claim"
    click_text(qtbot, window, "port")
    qtbot.keyClick(view, Qt.Key.Key_R)
    click_text(qtbot, window, "Petrov")  # actors are no longer allowed
    assert "to a claim, not to an actor" in window.statusBar().currentMessage()
    assert len(store.relations(article)) == 1


def test_a_scheme_that_allows_several_speakers_keeps_both(qtbot, window, store):
    store.set_relation_rules([RelationRule("said_by", "quote", ("actor",), single=False)])
    view, article = window.text_view, window.article.id
    for target in ("Petrov", "Minister"):
        click_text(qtbot, window, "port")
        qtbot.keyClick(view, Qt.Key.Key_R)
        click_text(qtbot, window, target)
    assert len(store.relations(article)) == 2
    assert "re-attributed" not in window.statusBar().currentMessage()


# --------------------------------------------- more routes out of a typed note (focus stays)
def test_note_then_a_click_on_a_palette_label_keeps_the_note_and_relabels(qtbot, window, store):
    span_id = type_note(qtbot, window, "Analysts", "relabelled")
    qtbot.mouseClick(window.palette.buttons["framing"], Qt.MouseButton.LeftButton)
    assert store.span(span_id).label == "framing"
    assert note_of(store, span_id) == "relabelled"


def test_note_then_a_click_in_the_span_list_is_stored(qtbot, window, store):
    span_id = type_note(qtbot, window, "Analysts", "listed away")
    table = window.span_list.table
    row = table.visualRect(table.model().index(0, 1)).center()
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=row)
    assert window.text_view.selected_span() != span_id
    assert note_of(store, span_id) == "listed away"


def test_note_then_escape_is_stored(qtbot, window, store):
    span_id = type_note(qtbot, window, "Analysts", "escaped")
    qtbot.keyClick(window.details.note, Qt.Key.Key_Escape)
    qtbot.keyClick(window.text_view, Qt.Key.Key_Escape)
    assert note_of(store, span_id) == "escaped"
