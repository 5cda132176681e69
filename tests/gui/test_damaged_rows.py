"""A project with a damaged row or an unknown status value: the article list shows the row as
damaged, and no dialog opens from painting or data() (that crashed the window, issue 11 item 7)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from annotator.cli import cli
from annotator.core.model import NewArticle
from annotator.core.store import Store
from annotator.gui.events import StoreEvents
from annotator.gui.models import ArticleTableModel


def tamper(path: Path) -> None:
    """What a hand edit or another tool leaves: a status no version writes, a title of bytes."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA ignore_check_constraints = ON")
    conn.execute("UPDATE articles SET status = 'archived' WHERE id = 2")
    conn.execute("UPDATE articles SET title = X'ff00fe41', outlet = 7, published = 20240101 WHERE id = 3")
    conn.commit()
    conn.close()


@pytest.fixture
def store(tmp_path):
    path = tmp_path / "p.annotator"
    with Store.open(path, annotator="ana") as fresh:
        fresh.add_articles([NewArticle(f"Title {n}", f"Article number {n}.") for n in range(1, 5)])
    tamper(path)
    store = Store.open(path, annotator="ana")
    yield store
    store.close()


def test_the_window_opens_and_paints_a_project_with_damaged_rows(tmp_path):
    """The real program, offscreen: it used to die with a segfault (rc 139) while painting."""
    path = tmp_path / "p.annotator"
    with Store.open(path, annotator="ana") as fresh:
        fresh.add_articles([NewArticle(f"Title {n}", f"Article number {n}.") for n in range(1, 5)])
    tamper(path)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", ANNOTATOR_QUIT_AFTER_MS="1500")
    done = subprocess.run(
        [sys.executable, "-m", "annotator", "--db", str(path), "--annotator", "ana"],
        env=env,
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert done.returncode == 0, (done.returncode, done.stderr[-2000:])
    assert "showed" in done.stdout and "(4 articles)" in done.stdout


def test_the_article_list_shows_damaged_rows_as_damaged(qtbot, store, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    monkeypatch.setattr(QMessageBox, "exec", lambda self: pytest.fail("a dialog opened"))
    events = StoreEvents(store)
    model = ArticleTableModel(events)
    column = {name: n for n, (name, _) in enumerate(ArticleTableModel.COLUMNS)}
    shown = {
        model.article_id(row): model.data(model.index(row, column["status"]))
        for row in range(model.rowCount())
    }
    assert shown == {1: "new", 2: "damaged", 3: "new", 4: "new"}
    tip = model.data(model.index(model.row_of(2), 0), Qt.ItemDataRole.ToolTipRole)
    assert "unknown status 'archived'" in tip
    assert isinstance(model.data(model.index(model.row_of(3), column["title"])), str)


def test_a_damaged_row_in_the_window_gives_a_message_not_a_crash(qtbot, window, store, errors):
    table = window.article_list.table
    table.viewport().repaint()
    QApplication.processEvents()
    rect = table.visualRect(window.article_model.index(window.article_model.row_of(2), 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.article is None or window.article.id != 2
    assert "Article 2" in window.statusBar().currentMessage()


def test_articles_command_lists_the_damaged_row_and_says_why(tmp_path, store):
    result = CliRunner().invoke(cli, ["--db", str(store.path), "articles"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "damaged" in result.output and "unknown status 'archived'" in result.output


def test_a_row_on_a_damaged_page_shows_as_damaged_and_the_others_still_read(qtbot, tmp_path):
    path = tmp_path / "p.annotator"
    title = "A" * 5000 + "MARKERXYZ" + "B" * 10000  # long: its own overflow pages hold it
    with Store.open(path, annotator="ana") as fresh:
        fresh.add_articles(
            [NewArticle("One", "First."), NewArticle(title, "Second."), NewArticle("Three", "Third.")]
        )
    data = bytearray(path.read_bytes())
    # The title's overflow pages: the table's copy (the last one; the list's index holds another,
    # left alone so the id list still reads) now chains to a page that does not exist.
    page = data.rindex(b"MARKERXYZ") // 4096 * 4096
    data[page : page + 4] = b"\xff\xff\xff\x00"
    path.write_bytes(bytes(data))
    with Store.open(path, annotator="ana") as store:
        events = StoreEvents(store)
        model = ArticleTableModel(events)
        status = [name for name, _ in ArticleTableModel.COLUMNS].index("status")
        shown = {model.article_id(r): model.data(model.index(r, status)) for r in range(model.rowCount())}
        assert shown == {1: "new", 2: "damaged", 3: "new"}
        tip = model.data(model.index(model.row_of(2), 0), Qt.ItemDataRole.ToolTipRole)
        assert "malformed" in tip
