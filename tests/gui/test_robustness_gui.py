"""The window with hostile text, hostile searches, backups, a full disk, a read-only project, bad
files and a second process: a dialog or plain text, never a traceback, never lost data."""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys

import pytest
from click.testing import CliRunner
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QInputDialog, QMessageBox

from annotator.cli import cli
from annotator.core.model import NewArticle, Status
from annotator.core.store import Store
from annotator.core.store.backup import list_backups
from annotator.gui.actions import ActionId

HOSTILE_TITLE = '<img src="http://example.invalid/title.png"><b>Breaking</b>'
HOSTILE_TEXT = (
    "<script>alert('x')</script> The minister said "
    '<img src="http://example.invalid/x.png" onerror="alert(1)"> and &amp; <a href="http://e.invalid">link</a>.'
)


@pytest.fixture
def store(tmp_path):
    store = Store.open(tmp_path / "p.annotator", annotator="ana")
    store.add_articles(
        [NewArticle(HOSTILE_TITLE, HOSTILE_TEXT), NewArticle("Two", "Lavrov warned the alliance again.")]
    )
    yield store
    store.close()


def snapshot(store: Store) -> dict:
    return {
        table: store.conn.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
        for table in ("articles", "labels", "spans", "relations")
    }


def label_selection(qtbot, window, start: int, end: int, key=Qt.Key.Key_A) -> None:
    window.text_view.select_range(start, end)
    qtbot.keyClick(window.text_view, key)


# ----------------------------------------------------------------------------- untrusted text
def test_html_in_an_article_stays_plain_text_everywhere(qtbot, window, store):
    start = HOSTILE_TEXT.index("<img")
    end = HOSTILE_TEXT.index(">", start) + 1
    label_selection(qtbot, window, start, end, Qt.Key.Key_Q)
    (span,) = store.spans(window.article.id)
    assert (span.start, span.end) == (start, end)
    document = window.text_view.document()
    assert document.toPlainText() == HOSTILE_TEXT
    block = document.begin()
    while block.isValid():
        fragments = block.begin()
        while not fragments.atEnd():
            fragment = fragments.fragment()
            assert not fragment.charFormat().isImageFormat()
            assert not fragment.charFormat().isAnchor()
            fragments += 1
        block = block.next()
    assert (
        document.resource(QTextDocument.ResourceType.ImageResource, QUrl("http://example.invalid/x.png"))
        is None
    )
    model = window.article_model
    titles = [model.data(model.index(row, 0)) for row in range(model.rowCount())]
    assert HOSTILE_TITLE in titles
    window.text_view.set_selected_span(span.id)
    assert window.details.text.toPlainText() == HOSTILE_TEXT[start:end]
    window.details.note.setText("<b>not bold</b>")
    window.details.note.editingFinished.emit()
    assert store.span(span.id).note == "<b>not bold</b>"
    assert "PySide6.QtNetwork" not in sys.modules  # nothing in the app could fetch a URL


def test_html_label_names_show_as_typed(qtbot, window, store):
    window.store.add_label("<i>odd</i>", "#123456")
    from annotator.core.model import Changes, Op

    window.events.announce(Changes(Op.ADD_LABEL, labels=True))
    assert "<i>odd</i>" in window.palette.buttons["<i>odd</i>"].text()


@pytest.mark.parametrize(
    "query",
    ['"', 'foo "bar', "AND(", "*", "NEAR", "-", "((", "'; DROP TABLE articles; --", "<script>", "minister*"],
)
def test_any_corpus_search_gives_results_or_none(qtbot, window, store, query):
    before = snapshot(store)
    box = window.article_list.search
    box.setFocus()
    box.setText(query)
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert window.corpus_query == query.strip()
    said = window.statusBar().currentMessage()
    assert re.search(f"(articles match|1 article matches) “{re.escape(query.strip())}”", said)
    expected = 1 if query in ("minister*", "<script>") else None
    if expected is not None:
        assert len(window.article_model.ids) == expected
    assert snapshot(store) == before


# ----------------------------------------------------------------------------- backups
def choose_first_backup(monkeypatch):
    monkeypatch.setattr(QInputDialog, "getItem", lambda parent, title, label, items, *a: (items[0], True))


def test_back_up_now_and_restore_from_backup(qtbot, window, monkeypatch):
    path = window.store.path
    window.actions[ActionId.BACKUP_NOW].trigger()
    (made,) = list_backups(path)
    assert "Backed up to" in window.statusBar().currentMessage()
    label_selection(qtbot, window, 0, 8)
    assert len(window.store.spans(window.article.id)) == 1 and window.undo_stack.count() == 1
    choose_first_backup(monkeypatch)
    window.actions[ActionId.RESTORE_BACKUP].trigger()
    assert window.store.spans(window.article.id) == []
    assert window.undo_stack.count() == 0
    saved = [backup for backup in list_backups(path) if "before-restore" in backup.name]
    assert len(saved) == 1
    with Store.open(saved[0]) as previous:
        assert len(previous.spans(1)) == 1
    label_selection(qtbot, window, 0, 8)  # the window works on the restored project
    assert len(window.store.spans(window.article.id)) == 1


def test_restore_is_refused_while_another_program_has_the_project(qtbot, window, errors, monkeypatch):
    window.actions[ActionId.BACKUP_NOW].trigger()
    label_selection(qtbot, window, 0, 8)
    choose_first_backup(monkeypatch)
    with Store.open(window.store.path):
        window.actions[ActionId.RESTORE_BACKUP].trigger()
    assert errors and "open in another program" in errors[-1]
    assert len(window.store.spans(window.article.id)) == 1  # unchanged, and the window still works
    label_selection(qtbot, window, 10, 14)
    assert len(window.store.spans(window.article.id)) == 2


def test_restore_without_backups_says_so(window, errors):
    window.actions[ActionId.RESTORE_BACKUP].trigger()
    assert errors and "There are no backups of p.annotator" in errors[-1]


def test_editing_makes_a_backup_at_most_every_interval(qtbot, window):
    path = window.store.path
    window.edit_backups.interval = 0
    label_selection(qtbot, window, 0, 8)  # two changes: the span, and the article now in progress
    window.edit_backups.thread.join()  # copied on a thread of its own
    made = len(list_backups(path))
    assert made >= 1
    window.edit_backups.interval = 3600
    label_selection(qtbot, window, 10, 14)
    window.edit_backups.thread.join()
    assert len(list_backups(path)) == made


# ----------------------------------------------------------------------------- bad projects
def test_disk_full_during_an_edit_shows_a_dialog_and_keeps_the_file(qtbot, window, errors):
    from annotator.core.store import StoreError

    store = window.store
    pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
    store.conn.execute(f"PRAGMA max_page_count = {pages}")
    with contextlib.suppress(StoreError):
        for _ in range(100_000):  # fill the last free pages with spans like the one tried next
            store.add_span(2, 0, 6, "claim")
    before = snapshot(store)
    label_selection(qtbot, window, 0, 8)
    assert errors and "is full; nothing was changed" in errors[-1]
    assert snapshot(store) == before
    assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert window.undo_stack.count() == 0


def test_a_read_only_project_opens_to_browse_search_and_export_and_refuses_edits(
    qtbot, window, errors, tmp_path, read_only
):
    from annotator.core.formats import export

    other = tmp_path / "other.annotator"
    with Store.open(other) as store:
        store.add_articles(
            [NewArticle("Threats", "Moscow called it a threat."), NewArticle("Calm", "Nothing happened.")]
        )
        store.add_span(store.article_ids()[0], 0, 6, "actor")
        before = snapshot(store)
    with read_only(other):
        assert window.files.open_project(other)
        assert window.store.read_only and "(read-only)" in window.windowTitle()
        assert len(window.article_model.ids) == 2 and [s.label for s in window.text_view.spans] == ["actor"]
        window.search_corpus("threat")
        assert window.article_model.ids == [window.store.article_ids()[0]]
        export(window.store, "jsonl", tmp_path / "out.jsonl")
        assert "Moscow" in (tmp_path / "out.jsonl").read_text(encoding="utf-8")
        qtbot.wait(100)  # suggestions, timers: nothing complains before an edit is tried
        assert errors == []
        label_selection(qtbot, window, 7, 13)
        assert errors and "is read-only" in errors[-1] and "nothing was changed" in errors[-1]
        window.finish_article(Status.DONE)
        assert "is read-only" in errors[-1]
        assert window.undo_stack.count() == 0
        assert snapshot(window.store) == before
        window.files.close_store()
    with Store.open(other) as store:
        assert snapshot(store) == before


def test_bad_files_are_listed_one_line_each_and_nothing_is_stored(window, monkeypatch, tmp_path):
    from annotator.gui import dialogs

    summaries = []
    monkeypatch.setattr(dialogs, "show_import_summary", lambda parent, summary: summaries.append(summary))
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (folder / "empty.csv").write_bytes(b"")
    with (folder / "huge.jsonl").open("wb") as handle:
        handle.truncate(2**30)
    (folder / "offsets.jsonl").write_text(
        '{"text": "short", "label": [[0, 99, "claim"]]}\n', encoding="utf-8"
    )
    os.mkfifo(folder / "pipe.txt")
    before = snapshot(window.store)
    window.intake.import_paths([folder, tmp_path / "missing.txt"])
    (summary,) = summaries
    assert summary.articles == 0
    assert len(summary.refused) == 6
    assert all("\n" not in line for line in summary.refused)
    for name in ("binary.txt", "empty.csv", "huge.jsonl", "offsets.jsonl line 1", "pipe.txt", "missing.txt"):
        assert any(name in line for line in summary.refused), name
    assert snapshot(window.store) == before


def test_a_command_line_import_while_the_window_edits(qtbot, window, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for n in range(20):
        (folder / f"{n}.txt").write_text(f"Imported {n}\n\nText {n}.", encoding="utf-8")
    label_selection(qtbot, window, 0, 8)
    result = CliRunner().invoke(cli, ["--db", str(window.store.path), "import", str(folder)])
    assert result.exit_code == 0 and "Imported 20 articles" in result.output
    label_selection(qtbot, window, 10, 14)
    assert window.store.article_count() == 22
    assert len(window.store.spans(window.article.id)) == 2


@pytest.mark.parametrize("damage", ["read-only", "truncated"])
def test_starting_on_a_damaged_project_shows_a_dialog_and_a_read_only_one_opens(
    qapp, monkeypatch, tmp_path, damage, read_only
):
    from annotator.gui import app

    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text, *a: shown.append(text))
    path = tmp_path / "start.annotator"
    with Store.open(path) as store:
        store.add_articles(NewArticle(f"A{n}", f"Article number {n}. " * 300) for n in range(100))
    if damage == "truncated":
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
        assert app.run(path, "tester") == 1
        assert "is damaged" in shown[0]
        return
    env = {**os.environ, app.QUIT_AFTER_ENV: "300", "PYTHONPATH": os.pathsep.join(sys.path)}
    with read_only(path):  # a window of its own, closed by the smoke-run timer
        done = subprocess.run(
            [sys.executable, "-m", "annotator", "--db", str(path)], env=env, capture_output=True, text=True
        )
    assert done.returncode == 0, done.stderr
    assert "(100 articles)" in done.stdout
