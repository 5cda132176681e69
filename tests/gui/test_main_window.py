"""The window driven with real keys and mouse; every test asserts on what the store holds."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication, QTableWidget

from annotator.core.model import NewArticle, Status
from annotator.core.offsets import normalise_newlines
from annotator.core.store import Store
from annotator.gui.scheme_dialog import SchemeDialog

CRLF_SOURCE = "Kyiv 🇺🇦 reports.\r\nZelensky said: «We stand 😀 firm».\r\nThe minister e\u0301tait there."
TEXT, _ = normalise_newlines(CRLF_SOURCE)
SECOND = "Lavrov warned the alliance. Moscow called it a threat to peace."
THIRD = "Third article with a sentence to finish the queue."


@pytest.fixture
def store(tmp_path):
    store = Store.open(tmp_path / "p.annotator", annotator="ana")
    store.add_articles([NewArticle("One", TEXT), NewArticle("Two", SECOND), NewArticle("Three", THIRD)])
    yield store
    store.close()


def snapshot(store: Store) -> dict:
    return {
        table: store.conn.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
        for table in ("articles", "labels", "spans", "relations")
    }


def point_of(view, offset: int) -> QPoint:
    cursor = view.textCursor()
    cursor.setPosition(view.to_qt(offset))
    return view.cursorRect(cursor).center()


def drag(qtbot, view, start: int, end: int) -> None:
    viewport = view.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=point_of(view, start))
    qtbot.mouseMove(viewport, pos=point_of(view, end))
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=point_of(view, end))


def put_cursor(view, offset: int) -> None:
    cursor = view.textCursor()
    cursor.setPosition(view.to_qt(offset))
    view.setTextCursor(cursor)


def click_span(qtbot, view, offset: int) -> None:
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point_of(view, offset))


def spans_of(store: Store, article_id: int) -> list[tuple[str, str]]:
    text = store.article(article_id).text
    return [(s.label, text[s.start : s.end]) for s in store.spans(article_id)]


def test_mouse_drag_and_label_key_creates_span(qtbot, window, store):
    view = window.text_view
    start = TEXT.index("Zelensky")
    drag(qtbot, view, start + 1, start + len("Zelensky") - 1)  # snapping completes the word
    qtbot.keyClick(view, Qt.Key.Key_A)
    assert spans_of(store, window.article.id) == [("actor", "Zelensky")]
    assert window.undo_stack.count() == 1


def test_keyboard_selection_and_palette_click_creates_span(qtbot, window, store):
    view = window.text_view
    put_cursor(view, TEXT.index("«"))
    for _ in range(5):
        qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    window.text_view.snap_to_words = False
    qtbot.mouseClick(window.palette.buttons["quote"], Qt.MouseButton.LeftButton)
    assert spans_of(store, window.article.id) == [("quote", "«We s")]


def test_emoji_and_crlf_origin_text_is_stored_exactly(qtbot, window, store):
    view = window.text_view
    view.snap_to_words = False
    start = TEXT.index("Kyiv")
    put_cursor(view, start)
    for _ in range(len("Kyiv 🇺🇦 reports.\nZelensky") - 1):  # the flag is one keypress, two code points
        qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(view, Qt.Key.Key_C)
    assert spans_of(store, window.article.id) == [("claim", "Kyiv 🇺🇦 reports.\nZelensky")]
    put_cursor(view, TEXT.index("We"))
    qtbot.keyClick(
        view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.ControlModifier
    )
    qtbot.keyClick(
        view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.ControlModifier
    )
    qtbot.keyClick(
        view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.ControlModifier
    )
    qtbot.keyClick(view, Qt.Key.Key_F)
    # Checked against the text written out by hand, not against TEXT (made by the code under test).
    stored = store.article(window.article.id).text
    assert stored == "Kyiv 🇺🇦 reports.\nZelensky said: «We stand 😀 firm».\nThe minister e\u0301tait there."
    spans = {span.label: span for span in store.spans(window.article.id)}
    assert (spans["claim"].start, spans["claim"].end) == (0, len("Kyiv 🇺🇦 reports.\nZelensky"))
    framing = spans["framing"]
    assert framing.start == len("Kyiv 🇺🇦 reports.\nZelensky said: «")
    assert stored[framing.start : framing.end].startswith("We stand 😀")


def test_overlapping_and_nested_spans(qtbot, window, store):
    view = window.text_view
    quote = TEXT.index("«")
    view.select_range(quote, TEXT.index("»") + 1)
    qtbot.keyClick(view, Qt.Key.Key_Q)
    view.select_range(TEXT.index("stand"), TEXT.index("stand") + 5)
    qtbot.keyClick(view, Qt.Key.Key_C)
    view.select_range(TEXT.index("said"), TEXT.index("We") + 2)
    qtbot.keyClick(view, Qt.Key.Key_F)
    got = sorted(spans_of(store, window.article.id))
    assert got == [("claim", "stand"), ("framing", "said: «We"), ("quote", "«We stand 😀 firm»")]


def test_change_label_and_delete_with_keys(qtbot, window, store):
    view = window.text_view
    view.select_range(TEXT.index("Zelensky"), TEXT.index("Zelensky") + 8)
    qtbot.keyClick(view, Qt.Key.Key_C)
    view.set_selected_span(None)
    click_span(qtbot, view, TEXT.index("Zelensky") + 3)
    assert view.selected_span() is not None
    qtbot.keyClick(view, Qt.Key.Key_A)
    assert spans_of(store, window.article.id) == [("actor", "Zelensky")]
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert store.spans(window.article.id) == []


def test_relation_by_keys_and_its_removal(qtbot, window, store):
    view = window.text_view
    view.select_range(TEXT.index("Zelensky"), TEXT.index("Zelensky") + 8)
    qtbot.keyClick(view, Qt.Key.Key_A)
    view.select_range(TEXT.index("«"), TEXT.index("»") + 1)
    qtbot.keyClick(view, Qt.Key.Key_Q)
    quote = view.selected_span()
    qtbot.keyClick(view, Qt.Key.Key_R)
    qtbot.keyClick(view, Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
    actor = view.selected_span()
    assert actor != quote
    qtbot.keyClick(view, Qt.Key.Key_R)
    (relation,) = store.relations(window.article.id)
    assert (relation.from_span, relation.to_span, relation.type) == (quote, actor, "said_by")
    assert window.details.relations.count() == 1
    view.viewport().repaint()
    assert view.painted_relation_count == 1  # drawn as an arrow from the quote to the actor
    qtbot.keyClick(view, Qt.Key.Key_R, Qt.KeyboardModifier.ShiftModifier)
    assert store.relations(window.article.id) == []
    view.viewport().repaint()
    assert view.painted_relation_count == 0


def test_relation_by_click(qtbot, window, store):
    view = window.text_view
    view.select_range(TEXT.index("Zelensky"), TEXT.index("Zelensky") + 8)
    qtbot.keyClick(view, Qt.Key.Key_A)
    view.select_range(TEXT.index("«"), TEXT.index("»") + 1)
    qtbot.keyClick(view, Qt.Key.Key_Q)
    qtbot.keyClick(view, Qt.Key.Key_R)
    click_span(qtbot, view, TEXT.index("Zelensky") + 2)
    (relation,) = store.relations(window.article.id)
    assert store.span(relation.to_span).label == "actor"


def test_undo_redo_restores_the_store_exactly(qtbot, window, store):
    view = window.text_view
    before = snapshot(store)
    view.select_range(TEXT.index("Zelensky"), TEXT.index("Zelensky") + 8)
    qtbot.keyClick(view, Qt.Key.Key_A)
    view.select_range(TEXT.index("«"), TEXT.index("»") + 1)
    qtbot.keyClick(view, Qt.Key.Key_Q)
    qtbot.keyClick(view, Qt.Key.Key_R)
    qtbot.keyClick(view, Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(view, Qt.Key.Key_R)
    qtbot.keyClick(view, Qt.Key.Key_C)  # relabel the actor as claim
    window.details.update_requested.emit(
        view.selected_span(), {"note": "check", "attributes": {"stance": "neutral"}}
    )
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    qtbot.keyClick(view, Qt.Key.Key_Delete)  # the quote and its relation go
    after = snapshot(store)
    steps = window.undo_stack.count()
    assert steps == 6
    for _ in range(steps):
        qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert snapshot(store) == before
    for _ in range(steps):
        qtbot.keyClick(
            view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
        )
    assert snapshot(store) == after


def test_mark_done_and_advance(qtbot, window, store):
    first, second, third = store.article_ids()
    store.set_status(second, Status.DONE)
    window.article_model.reload()
    qtbot.keyClick(window.text_view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert store.article(first).status == Status.DONE
    assert window.article.id == third
    assert window.article_list.table.currentIndex().row() == 2
    qtbot.keyClick(window.text_view, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert window.article.id == first


def test_scheme_edit_changes_palette_and_shortcuts(qtbot, window, store):
    dialog = SchemeDialog(window, store, window.events, window.undo_stack)
    qtbot.addWidget(dialog)
    dialog.list.setCurrentRow(0)
    dialog.name.setText("assertion")
    dialog.shortcut.setText("k")
    assert dialog.apply()
    assert "assertion" in window.palette.buttons and "claim" not in window.palette.buttons
    assert "[K]" in window.palette.buttons["assertion"].text()
    dialog.shortcut.setText("r")
    assert not dialog.apply() and "used by the window" in dialog.error.text()
    dialog.close()
    view = window.text_view
    view.select_range(TEXT.index("Zelensky"), TEXT.index("Zelensky") + 8)
    qtbot.keyClick(view, Qt.Key.Key_K)
    assert spans_of(store, window.article.id) == [("assertion", "Zelensky")]
    view.select_range(TEXT.index("minister"), TEXT.index("minister") + 8)
    qtbot.keyClick(view, Qt.Key.Key_C)  # the old key does nothing now
    assert len(store.spans(window.article.id)) == 1


def test_find_in_article_and_corpus_search(qtbot, window, store):
    qtbot.keyClick(window.text_view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.find_bar.isVisible()
    qtbot.keyClicks(window.find_bar.edit, "the")
    assert len(window.text_view.highlight_ranges()) == TEXT.lower().count("the")
    window.search_corpus('Moscow "threat')
    assert window.article_model.ids == [store.article_ids()[1]]
    assert window.article.id == store.article_ids()[1]
    assert window.text_view.highlight_ranges()


def test_a_corpus_search_past_sixteen_words_says_what_it_left_out(qtbot, window):
    field = window.article_list.search
    field.setFocus()
    qtbot.keyClicks(field, "Moscow " + " ".join(f"w{n}" for n in range(17)))
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert "2 words of this query were left out" in window.statusBar().currentMessage()
    field.clear()
    qtbot.keyClicks(field, "Moscow")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert "left out" not in window.statusBar().currentMessage()


def test_refused_edit_shows_a_message_and_changes_nothing(qtbot, window, store, errors):
    before = snapshot(store)
    store.conn.execute("PRAGMA query_only = ON")
    view = window.text_view
    view.select_range(0, 4)
    qtbot.keyClick(view, Qt.Key.Key_A)
    store.conn.execute("PRAGMA query_only = OFF")
    assert errors and "read-only" in errors[0]
    assert snapshot(store) == before
    assert window.undo_stack.count() == 0


def test_every_action_has_a_title_and_unique_shortcuts(window):
    from annotator.gui.actions import ACTIONS, key_sequences

    seen = {}
    for spec in ACTIONS:
        assert spec.title
        for sequence in key_sequences(spec):
            assert sequence.toString() not in seen, (spec.id, seen.get(sequence.toString()))
            seen[sequence.toString()] = spec.id
    labels = {label.shortcut.upper() for label in window.store.labels()}
    assert not labels & set(seen)


def test_text_is_never_rendered_as_html(qtbot, window, store):
    html = '<b>bold</b><img src="http://example.invalid/x.png"><script>alert(1)</script>'
    (article_id,) = store.add_articles([NewArticle("html", html)]).article_ids
    window.open_article(article_id)
    assert window.text_view.document().toPlainText() == html
    cursor = QTextCursor(window.text_view.document())
    assert not cursor.charFormat().isImageFormat()
    QApplication.processEvents()


def test_busy_project_gives_a_clear_message(qtbot, window, store, errors, tmp_path):
    import sqlite3

    other = sqlite3.connect(store.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    store.conn.execute("PRAGMA busy_timeout = 100")
    try:
        window.text_view.select_range(0, 4)
        qtbot.keyClick(window.text_view, Qt.Key.Key_A)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert errors and "busy" in errors[0]
    assert store.spans(window.article.id) == []


def test_import_folder_with_a_bad_file(qtbot, window, store, monkeypatch, tmp_path):
    from annotator.gui import dialogs

    summaries = []
    monkeypatch.setattr(dialogs, "show_import_summary", lambda parent, summary: summaries.append(summary))
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text("Fresh news\n\nSomething happened today.", encoding="utf-8")
    (folder / "bad.jsonl").write_text('{"text": "fine"}\nnot json\n', encoding="utf-8")
    before = store.article_count()
    window.intake.import_paths([folder])
    (summary,) = summaries
    assert summary.articles == 1 and len(summary.refused) == 1 and "bad.jsonl line 2" in summary.refused[0]
    assert store.article_count() == before + 1
    assert len(window.article_model.ids) == before + 1


def test_opening_a_broken_project_keeps_the_current_one(qtbot, window, store, errors, tmp_path):
    junk = tmp_path / "junk.annotator"
    junk.write_bytes(b"not a database at all" * 20)
    assert not window.files.open_project(junk)
    assert errors and "not an annotator project" in errors[0]
    assert window.store is store and window.article is not None
    other = tmp_path / "other.annotator"
    assert window.files.open_project(other)
    assert window.store.path == other and window.article is None
    assert str(other) in window.files.recent_files()


def test_keyboard_alone_reaches_the_list_and_opens_an_article(qtbot, window, store):
    qtbot.keyClick(window.text_view, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    table = window.article_list.table
    assert table.hasFocus()
    qtbot.keyClick(table, Qt.Key.Key_Down)
    qtbot.keyClick(table, Qt.Key.Key_Return)
    assert window.article.id == store.article_ids()[1]
    qtbot.keyClick(table, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.text_view.hasFocus()


def test_shortcut_help_lists_every_action_and_label_key(qtbot, window, store):
    from annotator.gui.actions import ACTIONS, CURATION_ACTIONS
    from annotator.gui.dialogs import shortcuts_dialog

    dialog = shortcuts_dialog(window, store.labels())
    qtbot.addWidget(dialog)
    table = dialog.findChild(QTableWidget)
    titles = [table.item(row, 0).text() for row in range(table.rowCount())]
    assert len(titles) == len(ACTIONS) + len(CURATION_ACTIONS) + 4
    assert "Mark Done and Next" in titles and "Label as quote" in titles
    keys = {table.item(row, 0).text(): table.item(row, 1).text() for row in range(table.rowCount())}
    assert keys["Label as quote"] == "Q" and keys["Undo"] == "Ctrl+Z" and keys["Redo"] == "Ctrl+Shift+Z"
    assert keys["Adjudicate: Accept into Gold"] == "A" and keys["Adjudicate: Reject"] == "R"
    assert not any(", " in key for key in keys.values()), "one main key per action"


def test_work_committed_by_another_program_appears(qtbot, window, store):
    other = Store.open(store.path, annotator="bo")
    other.add_articles([NewArticle("From the CLI", "Imported while the window was open.")])
    other.add_span(window.article.id, 0, 4, "actor")
    other.close()
    qtbot.waitUntil(lambda: len(window.article_model.ids) == 4, timeout=5000)
    assert [s.label for s in window.text_view.spans] == ["actor"]
    assert window.palette.buttons["actor"].text().endswith("1")


def test_unexpected_errors_become_a_dialog(qtbot, window, errors, monkeypatch):
    import sqlite3
    import sys

    from annotator.gui.app import install_error_dialog

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    install_error_dialog(window)
    sys.excepthook(sqlite3.DatabaseError, sqlite3.DatabaseError("database disk image is malformed"), None)
    sys.excepthook(RuntimeError, RuntimeError("repeated before the dialog showed"), None)
    assert errors == []  # never from inside the failing call (a paint, a model's data())
    qtbot.waitUntil(lambda: len(errors) == 1)
    assert "is damaged" in errors[0] and "Restore it from a backup" in errors[0]
    sys.excepthook(RuntimeError, RuntimeError("boom"), None)
    qtbot.waitUntil(lambda: len(errors) == 2)
    assert "boom" in errors[1]


def test_messages_quoting_markup_stay_plain_text(window, errors):
    window.show_error("Cannot read <img src='http://example.invalid/x.png'>.txt: no such file")
    (shown,) = errors
    assert "<img" not in shown and "&lt;img" in shown


def test_cancelling_an_import_keeps_nothing_of_the_file_being_read(qtbot, window, store, errors, monkeypatch):
    import json

    from PySide6.QtWidgets import QProgressDialog

    from annotator.core.importers import TICK_EVERY

    big = window.store.path.parent / "big.jsonl"
    big.write_text("".join(json.dumps({"text": f"wire story {n}"}) + "\n" for n in range(TICK_EVERY * 2)))
    monkeypatch.setattr(QProgressDialog, "wasCanceled", lambda self: True)
    before = store.article_count()
    window.intake.import_paths([big])
    assert store.article_count() == before
    assert any("cancelled" in message and "nothing of it is stored" in message for message in errors)


def test_merging_a_colleagues_project_from_the_team_menu(qtbot, window, store, errors, tmp_path):
    colleague = tmp_path / "bob.annotator"
    with Store.open(colleague, annotator="bob") as bob:
        bob.add_articles([NewArticle("One", TEXT), NewArticle("Elsewhere", "Not in the lead's project.")])
        start = TEXT.index("Zelensky")
        bob.add_span(bob.article_ids()[0], start, start + 8, "actor")
    junk = tmp_path / "junk.annotator"
    junk.write_bytes(b"not a project" * 10)
    window.intake.merge_projects([colleague, junk])
    assert [(s.annotator, TEXT[s.start : s.end]) for s in store.spans(window.article.id)] == [
        ("bob", "Zelensky")
    ]
    assert [s.label for s in window.text_view.spans] == ["actor"]
    (report,) = errors
    assert "added 1 span" in report and "1 article unknown here" in report and "refused: " in report
    window.intake.merge_projects([colleague])
    assert len(store.spans(window.article.id)) == 1  # merging twice changes nothing
