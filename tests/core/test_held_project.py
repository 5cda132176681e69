"""A project this program holds open is never opened and closed as a plain file: that would drop
SQLite's locks on it, and another program closing the project last would then fold the -wal into
the file and delete it under our connection, whose later commits nobody else sees (see `held`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from annotator.core.importers import ImportRefused, open_lines, read_text
from annotator.core.model import NewArticle
from annotator.core.store import Store
from annotator.core.store.migrations import needs_upgrade
from annotator.core.store.sqlite_errors import header_problem

OTHER_PROGRAM = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1])
print(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
conn.close()
"""


def other_program_counts(path: Path) -> int:
    """Articles another program sees; it opens the project, reads and closes it."""
    done = subprocess.run([sys.executable, "-c", OTHER_PROGRAM, str(path)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return int(done.stdout)


@pytest.fixture
def window(tmp_path):
    """The project as the window holds it: open for writing, one article stored."""
    store = Store.open(tmp_path / "p.annotator", annotator="ana")
    store.add_articles([NewArticle("one", "The minister said so.")])
    yield store
    store.close()


def test_a_second_connection_here_then_another_program_closing_loses_no_commit(window):
    reader = Store.open(window.path, read_only=True)  # as the window's suggestion and backup threads
    reader.close()
    writer = Store.open(window.path, annotator="ana")  # as tagging all occurrences does
    writer.close()
    assert other_program_counts(window.path) == 1
    assert Path(f"{window.path}-wal").exists()  # the other program did not take itself for the last
    window.add_articles([NewArticle("two", "The port stays open.")])
    assert other_program_counts(window.path) == 2  # committed where every program reads


def test_checks_of_a_held_project_read_nothing_and_let_it_pass(window):
    assert header_problem(window.path) is None
    assert needs_upgrade(window.path) is False


def test_the_open_project_is_refused_as_a_file_to_import(window):
    with pytest.raises(ImportRefused, match="open here"):
        read_text(window.path)
    with pytest.raises(ImportRefused, match="open here"), open_lines(window.path, split_cr=False):
        pass
    window.add_articles([NewArticle("two", "The port stays open.")])
    assert other_program_counts(window.path) == 2


def test_a_closed_project_is_checked_again(tmp_path):
    path = tmp_path / "p.annotator"
    Store.open(path, annotator="ana").close()
    path.write_bytes(b"not a database at all, just bytes")
    assert "not an SQLite file" in header_problem(path)
