"""The window's backups, copies and damaged projects (issue 11): the timed backup never runs
inside an import, a damaged project is restored from its dialog, a copy has the session's edits."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from annotator.core.model import NewArticle
from annotator.core.store import Store
from annotator.core.store.backup import list_backups, make_backup
from annotator.gui import backups, dialogs


@pytest.fixture
def store(tmp_path):
    store = Store.open(tmp_path / "p.annotator", annotator="ana")
    store.add_articles([NewArticle("One", "Lavrov said the talks failed.")])
    yield store
    store.close()


def test_timed_backup_and_poll_wait_while_a_window_import_holds_its_transaction(
    qtbot, window, store, monkeypatch, tmp_path
):
    """The external-change timer fires during the import (its progress dialog runs the event
    loop) just after another program committed, with a backup due: nothing may run inside the
    import's transaction (a backup there waited forever and froze the window for good)."""
    attempts = []
    real = backups.backup_if_due_in_background

    def spy(path, interval):
        attempts.append(store.conn.in_transaction)
        return real(path, interval)

    monkeypatch.setattr(backups, "backup_if_due_in_background", spy)
    monkeypatch.setattr(dialogs, "show_import_summary", lambda parent, summary: None)
    refreshed_inside = []
    window.events.changed.connect(lambda *_: refreshed_inside.append(store.conn.in_transaction))
    window.edit_backups.interval = 0
    window.events.watch.setInterval(0)
    other = sqlite3.connect(store.path)
    other.execute("UPDATE articles SET status = 'done'")  # another program commits
    other.commit()
    csv = tmp_path / "big.csv"
    csv.write_text("title,text\n" + "".join(f"T{i},Article number {i} text.\n" for i in range(1000)))
    window.intake.import_paths([csv])
    assert store.article_count() == 1001
    assert True not in attempts and True not in refreshed_inside
    other.execute("UPDATE articles SET title = title")  # the write lock was given back
    other.commit()
    other.close()
    window.edit_backups.thread.join()  # the copy is made on a thread of its own
    assert list_backups(store.path)  # the backup was made once the import had committed


def _damaged_project(tmp_path) -> Path:
    path = tmp_path / "hurt #1 100%.annotator"
    with Store.open(path, annotator="ana") as damaged:
        damaged.add_articles([NewArticle("Saved", "This article is in the backup.")])
        make_backup(damaged.conn, damaged.path)
    path.write_bytes(path.read_bytes()[:2048])
    return path


def _answer_damaged_dialog(qtbot, button_text: str, seen: list[str]) -> None:
    def answer() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):  # backups are still being checked on their thread
            QTimer.singleShot(10, answer)
            return
        seen.append(box.objectName())
        (button,) = [b for b in box.buttons() if b.text().replace("&", "") == button_text]
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, answer)


def test_opening_a_damaged_project_offers_its_newest_good_backup(qtbot, window, errors, tmp_path):
    damaged = _damaged_project(tmp_path)
    seen: list[str] = []
    _answer_damaged_dialog(qtbot, "Restore Backup", seen)
    assert window.files.open_project(damaged)
    assert seen == ["damaged_project"]
    assert window.store.path == damaged
    assert [window.store.article(i).title for i in window.article_model.ids] == ["Saved"]
    kept = tmp_path.glob("hurt #1 100%.annotator.damaged-*")
    (aside,) = [p for p in kept if p.name[-4:] not in ("-wal", "-shm")]
    assert aside.stat().st_size == 2048
    assert any("Restored" in message for message in errors)


def test_declining_the_restore_keeps_the_current_project_and_the_damaged_file(
    qtbot, window, store, errors, tmp_path
):
    damaged = _damaged_project(tmp_path)
    seen: list[str] = []
    _answer_damaged_dialog(qtbot, "Cancel", seen)
    assert not window.files.open_project(damaged)
    assert seen == ["damaged_project"]
    assert window.store is store
    assert damaged.stat().st_size == 2048 and not list(tmp_path.glob("*.damaged-*"))
    assert "damaged" in errors[-1]


def test_the_window_starts_on_a_damaged_project_through_the_restore_dialog(qtbot, monkeypatch, tmp_path):
    from annotator.gui import app
    from annotator.gui.main_window import MainWindow

    damaged = _damaged_project(tmp_path)
    shown = {}

    def fake_exec() -> int:
        (window,) = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        shown["titles"] = [window.store.article(i).title for i in window.article_model.ids]
        window.close()
        window.deleteLater()
        return 0

    monkeypatch.setattr(QApplication, "exec", staticmethod(fake_exec))
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(QMessageBox, "critical", lambda *a: pytest.fail(f"refused: {a[2]}"))
    monkeypatch.setattr(QMessageBox, "information", lambda *a: None)
    seen: list[str] = []
    _answer_damaged_dialog(qtbot, "Restore Backup", seen)
    assert app.run(damaged, "ana") == 0
    assert seen == ["damaged_project"] and shown["titles"] == ["Saved"]


def _span_count(path: Path) -> int:
    """Spans in the file; 0 when even the tables are still only in the project's -wal file."""
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT count(*) FROM spans").fetchone()[0]
    except sqlite3.OperationalError:
        return 0
    finally:
        conn.close()


def _plain_copy(source: Path, target: Path) -> Path:
    """What an analyst does to mail a project: copy the one file (not its -wal)."""
    target.write_bytes(source.read_bytes())
    return target


def _label_characters(window, first: int, count: int) -> None:
    window.text_view.snap_to_words = False
    for n in range(first, first + count):
        window.text_view.select_range(n, n + 1)
        window.apply_label("actor")


@pytest.fixture
def long_store(tmp_path):
    store = Store.open(tmp_path / "p.annotator", annotator="ana")
    store.add_articles([NewArticle("One", "Lavrov said the talks failed. " * 10)])
    store.add_articles([NewArticle("Two", "Blinken replied at once.")])
    yield store
    store.close()


def test_a_plain_copy_has_the_session_edits_after_an_idle_moment_and_after_ctrl_enter(
    qtbot, long_store, tmp_path, errors
):
    from PySide6.QtCore import QSettings

    from annotator.gui.main_window import MainWindow

    window = MainWindow(long_store, QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.show()
    window.open_article(long_store.article_ids()[0])
    window.files.idle.setInterval(100)
    _label_characters(window, 0, 50)
    assert long_store.count_spans() == 50
    qtbot.waitUntil(lambda: _span_count(_plain_copy(long_store.path, tmp_path / "mailed.annotator")) == 50)
    window.files.idle.setInterval(60_000)  # only Ctrl+Enter now
    _label_characters(window, 50, 5)
    window.text_view.setFocus()
    qtbot.keyClick(window.text_view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    copy = _plain_copy(long_store.path, tmp_path / "after-done.annotator")
    assert _span_count(copy) == 55
    with Store.open(copy) as mailed:
        assert mailed.article(1).status == "done"


def test_save_a_copy_writes_every_edit_into_one_file(qtbot, window, store, monkeypatch, tmp_path, errors):
    from PySide6.QtWidgets import QFileDialog

    from annotator.gui.actions import ActionId

    window.files.idle.setInterval(60_000)
    window.text_view.select_range(0, 6)
    window.apply_label("actor")
    target = tmp_path / "for lead #1.annotator"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    window.actions[ActionId.SAVE_COPY].trigger()
    assert errors == []
    assert _span_count(target) == 1
    assert not Path(f"{target}-wal").exists()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(store.path), ""))
    window.actions[ActionId.SAVE_COPY].trigger()
    assert "project file itself" in errors[0]
    assert store.count_spans() == 1


def test_merge_warns_about_a_copy_taken_while_the_window_had_it_open(qtbot, tmp_path):
    from click.testing import CliRunner
    from PySide6.QtCore import QSettings

    from annotator.cli import cli
    from annotator.gui.main_window import MainWindow

    def merge(other: Path) -> str:
        result = CliRunner().invoke(cli, ["--db", str(lead), "merge", str(other)], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.output

    lead, ana = tmp_path / "lead.annotator", tmp_path / "ana.annotator"
    for path in (lead, ana):
        with Store.open(path, annotator="lead") as project:
            project.add_articles([NewArticle("One", "Lavrov said the talks failed.")])
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(Store.open(ana, annotator="ana"), settings)
    qtbot.addWidget(window)
    window.show()  # the window marks the project open once it has been painted
    qtbot.waitUntil(lambda: str(ana) in window.files.recent_files())
    for n in range(20):
        window.store.add_span(1, n, n + 1, "quote")
    mailed = _plain_copy(ana, tmp_path / "mailed.annotator")  # mailed while the window is open
    assert "-wal file was left behind" in merge(mailed) and "annotator copy" in merge(mailed)
    saved = tmp_path / "saved.annotator"
    window.store.save_copy(saved)
    window.files.close_store()
    closed = _plain_copy(ana, tmp_path / "closed.annotator")
    reports = [merge(saved), merge(closed)]  # Save a Copy, or the file once the window closed it
    assert "added 20 spans" in reports[0] and "skipped 20 spans" in reports[1]
    assert not any("left behind" in report for report in reports)


def test_the_window_shows_before_the_backup_due_at_open_which_runs_off_the_gui_thread(
    qtbot, monkeypatch, tmp_path
):
    import threading

    from annotator.core.store import backup
    from annotator.gui import app
    from annotator.gui.main_window import MainWindow

    path = tmp_path / "big.annotator"
    with Store.open(path, annotator="ana") as store:
        store.add_articles([NewArticle("One", "Lavrov said the talks failed.")])
    copies_on = []
    real = backup.make_backup
    monkeypatch.setattr(
        backup, "make_backup", lambda *a, **k: copies_on.append(threading.current_thread()) or real(*a, **k)
    )
    windows = []

    def fake_exec() -> int:
        (window,) = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        windows.append(window)
        assert window.files.backup_thread is None  # not before the window is painted
        qtbot.waitUntil(lambda: window.files.backup_thread is not None)
        assert window.first_paint.painted
        window.files.backup_thread.join()
        window.close()
        window.deleteLater()
        return 0

    monkeypatch.setattr(QApplication, "exec", staticmethod(fake_exec))
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    assert app.run(path, "ana") == 0
    assert windows and copies_on and threading.main_thread() not in copies_on
    assert len(list_backups(path)) == 1


def _slow_until_the_window_shows_progress(monkeypatch, module, name: str) -> list[bool]:
    """Make `module.name` wait until the GUI thread, still running its event loop, shows the
    progress dialog; the list gets True for each call that saw it (False: the window was blocked)."""
    import threading

    from PySide6.QtWidgets import QProgressDialog

    shown, seen, real = threading.Event(), [], getattr(module, name)

    def look() -> None:
        if any(isinstance(w, QProgressDialog) and w.isVisible() for w in QApplication.topLevelWidgets()):
            shown.set()
        elif not shown.is_set():
            QTimer.singleShot(20, look)

    def slow(*args, **kwargs):
        seen.append(shown.wait(5) and threading.current_thread() is not threading.main_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, slow)
    QTimer.singleShot(0, look)
    return seen


def test_back_up_now_restore_and_save_a_copy_run_while_the_window_keeps_working(
    qtbot, window, monkeypatch, tmp_path
):
    from annotator.core.store import backup
    from annotator.gui.actions import ActionId

    path = window.store.path
    seen = _slow_until_the_window_shows_progress(monkeypatch, backup, "make_backup")
    window.actions[ActionId.BACKUP_NOW].trigger()
    assert seen == [True] and len(list_backups(path)) == 1
    assert "Backed up to" in window.statusBar().currentMessage()

    window.store.add_span(1, 0, 6, "actor")
    seen = _slow_until_the_window_shows_progress(monkeypatch, backups, "restore_backup")
    monkeypatch.setattr(backups, "choose_backup", lambda parent, project: list_backups(project)[-1])
    window.actions[ActionId.RESTORE_BACKUP].trigger()
    assert seen == [True] and window.store.spans(1) == []
    assert "Restored" in window.statusBar().currentMessage()

    copy = tmp_path / "copy.annotator"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(copy), ""))
    seen = _slow_until_the_window_shows_progress(monkeypatch, backup, "write_copy")
    window.actions[ActionId.SAVE_COPY].trigger()
    assert seen == [True]
    with Store.open(copy, read_only=True) as saved:
        assert saved.article_count() == window.store.article_count()


def test_an_old_project_opened_from_the_window_is_upgraded_off_the_gui_thread_behind_a_busy_dialog(
    qtbot, window, monkeypatch, tmp_path
):
    """Issue 16: the first open of a 100k project from before m009 spent 13 s (a backup, then new
    indexes) on the window's thread, the window frozen without a word."""
    import shutil

    from annotator.core import store as store_module
    from annotator.core.store.migrations import SCHEMA_VERSION

    old = tmp_path / "old.annotator"
    shutil.copy(Path(__file__).resolve().parents[1] / "data" / "v1.annotator", old)
    seen = _slow_until_the_window_shows_progress(monkeypatch, store_module, "upgrade")
    assert window.files.open_project(old)
    assert seen == [True]
    assert window.store.path == old
    assert window.store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert window.article_model.ids == window.store.article_ids()
    (made,) = list_backups(old)
    assert "before-upgrade" in made.name


def test_the_window_starts_on_an_old_project_after_a_busy_dialog_not_a_blank_wait(
    qtbot, monkeypatch, tmp_path
):
    import shutil

    from annotator.core import store as store_module
    from annotator.gui import app
    from annotator.gui.main_window import MainWindow

    old = tmp_path / "old.annotator"
    shutil.copy(Path(__file__).resolve().parents[1] / "data" / "v1.annotator", old)
    seen = _slow_until_the_window_shows_progress(monkeypatch, store_module, "upgrade")
    listed = []

    def fake_exec() -> int:
        (window,) = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        listed.append(len(window.article_model.ids))
        qtbot.waitUntil(lambda: window.files.backup_thread is not None)
        window.files.backup_thread.join()
        window.close()
        window.deleteLater()
        return 0

    monkeypatch.setattr(QApplication, "exec", staticmethod(fake_exec))
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    assert app.run(old, "ana") == 0
    assert seen == [True] and listed and listed[0] > 0
