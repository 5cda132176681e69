"""Rolling backups with SQLite's backup API, and restoring one without losing what it replaces."""

from __future__ import annotations

import os
import sqlite3

import pytest

from annotator.core.model import NewArticle
from annotator.core.project import open_project
from annotator.core.store import Store, backup
from annotator.core.store.backup import (
    BackupError,
    backup_folder,
    backup_if_due,
    list_backups,
    make_backup,
    restore_backup,
)


def titles(path) -> list[str]:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return [row[0] for row in conn.execute("SELECT title FROM articles ORDER BY id")]
    finally:
        conn.close()


@pytest.fixture
def project(tmp_path):
    path = tmp_path / "study.annotator"
    with Store.open(path) as store:
        (article_id,) = store.add_articles(
            [NewArticle("First", "Lavrov said the alliance is a threat.")]
        ).article_ids
        store.add_span(article_id, 0, 6, "actor")
    return path


def test_backup_is_a_complete_single_file_copy(project):
    with Store.open(project) as store:
        target = make_backup(store.conn, project)
    assert target.parent == project.parent / "backups"
    assert target.name.startswith("study.annotator-") and target.suffix == ".annotator"
    assert not (target.parent / (target.name + "-wal")).exists()
    with Store.open(target) as copy:
        assert copy.article_count() == 1
        assert [s.label for s in copy.spans(1)] == ["actor"]
        assert copy.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_only_the_newest_backups_are_kept(project):
    with Store.open(project) as store:
        made = [make_backup(store.conn, project) for _ in range(backup.KEEP + 3)]
    assert list_backups(project) == made[::-1][: backup.KEEP]
    assert len(os.listdir(backup_folder(project))) == backup.KEEP


def test_backups_of_other_projects_in_the_folder_are_left_alone(project, tmp_path):
    other = tmp_path / "study2.annotator"
    with Store.open(other) as store:
        theirs = make_backup(store.conn, other)
    with Store.open(project) as store:
        for _ in range(backup.KEEP + 1):
            make_backup(store.conn, project)
    assert theirs.exists() and list_backups(other) == [theirs]


def test_backup_if_due_waits_for_the_interval(project):
    with Store.open(project) as store:
        first = backup_if_due(store.conn, project)
        assert first is not None
        assert backup_if_due(store.conn, project) is None
        assert backup_if_due(store.conn, project, interval=0) is not None
    assert len(list_backups(project)) == 2


def test_opening_an_existing_project_backs_it_up_a_new_one_not(project, tmp_path):
    open_project(tmp_path / "new.annotator").close()
    assert list_backups(tmp_path / "new.annotator") == []
    open_project(project).close()
    open_project(project).close()  # within the interval: no second backup
    (made,) = list_backups(project)
    assert titles(made) == ["First"]


def test_a_failing_backup_never_stops_opening(project):
    backup_folder(project).write_text("a file where the folder should be", encoding="utf-8")
    with open_project(project) as store:
        assert store.article_count() == 1
    with Store.open(project) as store, pytest.raises(BackupError, match="Cannot write backups"):
        make_backup(store.conn, project)


def test_restore_puts_back_the_backup_and_keeps_what_it_replaced(project):
    with Store.open(project) as store:
        saved = make_backup(store.conn, project)
        store.add_articles([NewArticle("Second", "Written after the backup.")])
    before_restore = restore_backup(project, saved)
    assert titles(project) == ["First"]
    assert titles(before_restore) == ["First", "Second"]
    assert "before-restore" in before_restore.name
    with Store.open(project) as store:
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert [s.label for s in store.spans(1)] == ["actor"]
    restore_backup(project, before_restore)  # and the restore itself can be undone
    assert titles(project) == ["First", "Second"]


def test_restore_is_refused_while_the_project_is_open(project):
    with Store.open(project) as store:
        saved = make_backup(store.conn, project)
        store.add_articles([NewArticle("Second", "Written after the backup.")])
        with pytest.raises(BackupError, match="open in another program"):
            restore_backup(project, saved)
        assert store.article_count() == 2
    assert titles(project) == ["First", "Second"]


@pytest.mark.parametrize(
    "content, reason",
    [(b"not a database" * 100, "not a usable backup"), (b"", "not an annotator project")],
)
def test_a_bad_backup_file_is_refused_and_nothing_changes(project, tmp_path, content, reason):
    bad = tmp_path / "bad.annotator"
    bad.write_bytes(content)
    before = project.read_bytes()
    with pytest.raises(BackupError, match=reason):
        restore_backup(project, bad)
    assert project.read_bytes() == before


def test_a_foreign_or_newer_backup_is_refused(project, tmp_path):
    foreign = tmp_path / "foreign.db"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE t (x)")
    conn.close()
    with pytest.raises(BackupError, match="not an annotator project"):
        restore_backup(project, foreign)
    with Store.open(project) as store:
        newer = make_backup(store.conn, project)
    conn = sqlite3.connect(newer)
    conn.execute("PRAGMA user_version = 999")
    conn.close()
    with pytest.raises(BackupError, match="newer version"):
        restore_backup(project, newer)
    assert titles(project) == ["First"]


def test_an_upgrade_is_preceded_by_a_backup(project):
    conn = sqlite3.connect(project)
    conn.execute("PRAGMA user_version = 0")  # looks older than this version
    conn.close()
    with Store.open(project) as store:
        assert store.article_count() == 1
    (made,) = list_backups(project)
    assert "before-upgrade" in made.name and titles(made) == ["First"]


HANG_SCRIPT = """
import sqlite3, sys, time
from pathlib import Path
from annotator.core.store import backup
from annotator.core.store.backup import BackupError, make_backup
project = Path(sys.argv[1])
conn = sqlite3.connect(project, isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
conn.execute("UPDATE articles SET title = 'half-imported'")
try:
    make_backup(conn, project)
except BackupError as error:
    print("refused:", error)
conn.execute("ROLLBACK")
conn.execute("PRAGMA journal_mode = DELETE")
backup.BUSY_TIMEOUT_S = 0.5
writer = sqlite3.connect(project, isolation_level=None)
writer.execute("BEGIN EXCLUSIVE")
started = time.monotonic()
try:
    make_backup(conn, project)
except BackupError as error:
    print("busy:", error, round(time.monotonic() - started))
"""


def test_a_backup_inside_a_transaction_or_of_a_locked_project_never_waits_forever(project):
    """The window's timed backup fired inside an import's transaction and waited forever."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", HANG_SCRIPT, str(project)], capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 0, done.stderr
    refused, busy = done.stdout.splitlines()
    assert refused.startswith("refused:") and "import is under way" in refused
    assert busy.startswith("busy:") and "stayed busy" in busy
    assert int(busy.rsplit(" ", 1)[1]) < 15  # SQLite's busy timeout (5 s), then ours
    assert list_backups(project) == []


def test_backups_named_the_old_way_count_unless_a_twin_project_could_own_them(project):
    with Store.open(project) as store:
        made = make_backup(store.conn, project)
    old = made.with_name("study-20200101-120000-000000.annotator")
    made.rename(old)
    assert list_backups(project) == [old]
    (project.parent / "study").write_bytes(b"")  # `study` beside `study.annotator`: ambiguous
    assert list_backups(project) == []
    assert list_backups(project.parent / "study") == [old]


def test_a_background_backup_is_whole_while_the_project_is_written(project):
    import threading

    from annotator.core.model import NewArticle
    from annotator.core.store.backup import backup_if_due_in_background

    with Store.open(project) as store:
        thread = backup_if_due_in_background(project)
        assert thread is not threading.current_thread()
        store.add_articles([NewArticle("Second", "Written while the copy runs.")])
        thread.join()
        assert store.article_count() == 2
    (made,) = list_backups(project)
    assert titles(made)[0] == "First"
    backup_if_due_in_background(project).join()  # within the interval: no second backup
    assert len(list_backups(project)) == 1
