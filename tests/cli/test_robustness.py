"""The command line under stress: a second process, a held lock, a full disk, damaged or read-only
projects, hostile search strings, backups. Always an exit code and one clear line, never a traceback."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.core import store as store_module
from annotator.core.model import NewArticle
from annotator.core.store import Store
from annotator.core.store.backup import list_backups


def run(db: Path, *args: str, input: str | None = None):
    return CliRunner().invoke(cli, ["--db", str(db), *args], input=input, catch_exceptions=False)


def one_clear_line(result) -> str:
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    (line,) = [line for line in result.output.splitlines() if line.strip()]
    assert line.startswith("Error: ")
    return line


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "p.annotator"
    with Store.open(path) as store:
        store.add_articles(
            NewArticle(f"Article {n}", f"Lavrov said thing number {n}. " * 50) for n in range(60)
        )
        for article_id in store.article_ids()[:20]:
            store.add_span(article_id, 0, 6, "actor")
    return path


def snapshot(path: Path) -> dict:
    conn = sqlite3.connect(path)
    try:
        return {
            table: conn.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
            for table in ("articles", "labels", "spans", "relations")
        }
    finally:
        conn.close()


def articles_folder(folder: Path, count: int) -> Path:
    folder.mkdir()
    for n in range(count):
        (folder / f"{n:03}.txt").write_text(f"Imported article {n}\n\nBody of article {n}.", encoding="utf-8")
    return folder


# ----------------------------------------------------------------------------- two processes
def test_an_import_in_another_process_while_this_one_edits(db, tmp_path):
    folder = articles_folder(tmp_path / "in", 150)
    edits = 0
    with Store.open(db) as store:
        process = subprocess.Popen(
            [sys.executable, "-m", "annotator", "--db", str(db), "import", str(folder)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        while process.poll() is None or edits < 50:
            store.add_span(1 + edits % 60, 7, 11, "quote")  # raises StoreError if it ever fails
            edits += 1
            time.sleep(0.002)  # a very fast analyst; a loop with no pause can starve the waiting importer
        out, err = process.communicate()
    assert process.returncode == 0, err
    assert "Imported 150 articles" in out
    with Store.open(db) as store:
        assert store.article_count() == 210
        assert store.label_counts()["quote"] == edits
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def hold_write_lock(path: Path) -> sqlite3.Connection:
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    return other


def test_a_short_lock_is_waited_for(db, tmp_path):
    folder = articles_folder(tmp_path / "in", 3)
    other = hold_write_lock(db)
    threading.Timer(0.5, lambda: other.execute("ROLLBACK")).start()
    result = run(db, "import", str(folder))
    other.close()
    assert result.exit_code == 0 and "Imported 3 articles" in result.output


def test_a_long_lock_says_the_project_is_busy(db, tmp_path, monkeypatch):
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_MS", 200)
    folder = articles_folder(tmp_path / "in", 3)
    before = snapshot(db)
    other = hold_write_lock(db)
    try:
        line = one_clear_line(run(db, "import", str(folder)))
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert (
        line == f"Error: The project {db} is busy: another program is writing to it. Try again in a moment."
    )
    assert snapshot(db) == before


# ----------------------------------------------------------------------------- bad projects
def limit_growth(monkeypatch):
    """Every project opened may not grow: SQLite reports "database or disk is full"."""
    original = Store.open.__func__

    def open_full(cls, path, annotator=None):
        store = original(cls, path, annotator)
        pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
        store.conn.execute(f"PRAGMA max_page_count = {pages}")
        return store

    monkeypatch.setattr(Store, "open", classmethod(open_full))


def test_disk_full_during_an_import(db, tmp_path, monkeypatch):
    path = tmp_path / "many.jsonl"
    path.write_text(
        "".join(json.dumps({"text": f"Fresh article {n}. " * 100}) + "\n" for n in range(500)),
        encoding="utf-8",
    )
    before = snapshot(db)
    limit_growth(monkeypatch)
    line = one_clear_line(run(db, "import", str(path)))
    assert line == f"Error: The disk holding {db} is full; nothing was changed."
    assert snapshot(db) == before


def test_a_truncated_project(db):
    data = db.read_bytes()
    db.write_bytes(data[: len(data) // 2])
    line = one_clear_line(run(db, "stats"))
    assert "is damaged" in line and "Restore it from a backup" in line
    assert db.read_bytes() == data[: len(data) // 2]


def test_a_project_damaged_inside_gives_a_message_not_a_traceback(db, tmp_path):
    data = bytearray(db.read_bytes())
    for offset in range(len(data) // 4, len(data) * 3 // 4, 7):  # the middle half: article pages
        data[offset] ^= 0x5A
    db.write_bytes(bytes(data))
    line = one_clear_line(run(db, "export", "-o", str(tmp_path / "out.jsonl")))
    assert (
        line
        == f"Error: The project {db} is damaged (database disk image is malformed). Restore it from a backup."
    )
    assert not (tmp_path / "out.jsonl").exists()


@pytest.mark.parametrize("what", ["file", "folder"])
def test_a_read_only_project_is_refused_clearly(db, what, read_only, tmp_path):
    """By a command that writes; reading works (tests/cli/test_read_commands.py)."""
    before = snapshot(db)
    part = "the file" if what == "file" else "its folder"
    source = tmp_path / "new.txt"
    source.write_text("A new article.", encoding="utf-8")
    with read_only(db if what == "file" else db.parent):
        line = one_clear_line(run(db, "import", str(source)))
    assert line == (
        f"Error: The project {db} is read-only ({part} cannot be written); nothing was changed. "
        "Copy it to a folder you can write to, or make it writable."
    )
    assert snapshot(db) == before


# ----------------------------------------------------------------------------- search
@pytest.mark.parametrize(
    "query",
    [
        '"',
        'foo "bar',
        "AND(",
        "*",
        "NEAR",
        "-",
        "(((",
        "a OR",
        "NOT",
        "U.S.-China",
        "'; DROP TABLE articles; --",
        "title:x",
        "^",
        "lavrov*",
        "   ",
        "\u202e",
        "😀",
    ],
)
def test_any_search_string_gives_results_or_no_results(db, query):
    result = run(db, "search", query)
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "No results." or "Article" in result.output
    assert len(snapshot(db)["articles"]) == 60


def test_search_finds_with_operators_as_plain_words(db):
    result = run(db, "search", 'lavrov* "said (')
    assert result.exit_code == 0 and "Article" in result.output


# ----------------------------------------------------------------------------- backups
def test_backup_list_and_restore(db):
    result = run(db, "backup")
    assert result.exit_code == 0
    (made,) = list_backups(db)
    assert result.output == f"Backed up {db} to {made}.\n"
    assert str(made) in run(db, "backup", "--list").output
    with Store.open(db) as store:
        store.add_articles([NewArticle("Late", "Added after the backup.")])
    result = run(db, "restore", input="n\n")
    assert result.exit_code == 1 and len(snapshot(db)["articles"]) == 61  # declined: nothing changed
    result = run(db, "restore", "--yes")
    assert result.exit_code == 0, result.output
    assert len(snapshot(db)["articles"]) == 60
    saved = next(path for path in list_backups(db) if "before-restore" in path.name)
    assert f"What it held before is kept in {saved}." in result.output
    assert run(db, "restore", "--yes", str(saved)).exit_code == 0
    assert len(snapshot(db)["articles"]) == 61


def test_restore_errors_are_one_line(db, tmp_path):
    assert "has no usable backups" in one_clear_line(run(db, "restore", "--yes"))
    junk = tmp_path / "junk.annotator"
    junk.write_bytes(b"junk" * 100)
    before = snapshot(db)
    assert "junk.annotator is not a usable backup" in one_clear_line(run(db, "restore", "--yes", str(junk)))
    assert snapshot(db) == before
    run(db, "backup")
    with Store.open(db):
        assert "is open in another program" in one_clear_line(run(db, "restore", "--yes"))
    assert snapshot(db) == before
    assert "No project at" in one_clear_line(run(tmp_path / "nothing.annotator", "backup"))


def test_opening_a_project_makes_a_rolling_backup(db, tmp_path):
    assert list_backups(db) == []
    start = time.time()
    run(db, "stats")  # a command that only reads writes nothing, no backup either
    assert list_backups(db) == []
    for n in range(2):
        (tmp_path / f"new{n}.txt").write_text(f"New article {n}.", encoding="utf-8")
        run(db, "import", str(tmp_path / f"new{n}.txt"))
    (made,) = list_backups(db)  # once per interval, not per command
    assert made.stat().st_mtime >= start - 1
