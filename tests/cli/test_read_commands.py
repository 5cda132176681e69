"""Read commands (stats, articles, search, labels, annotators, export, copy, agreement, report,
codebook, suggestions, where, backup --list) only read (issue 11, item 13; issue 16): no backup
(one is due: the project has none), no write lock, nothing written next to the project, the caller
not recorded as an annotator; they work on a read-only project and while another program holds
the write lock."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.core.model import NewArticle, NewSuggestion, Status
from annotator.core.store import Store

READS = [
    ["stats"],
    ["articles"],
    ["search", "Lavrov"],
    ["search", "Łavrov tromsø*"],  # each word's other spellings are looked up too
    ["labels"],
    ["annotators"],
    ["export", "--format", "jsonl", "-o", "-"],
    ["export", "--format", "qdpx", "-o", "{out}/out.qdpx"],
    ["export", "--format", "brat", "-o", "{out}/brat"],
    ["copy", "{out}/copy.annotator"],  # a copy only reads the project it copies
    ["agreement"],
    ["report", "--html", "{out}/report.html", "--csv-dir", "{out}/tables"],
    ["codebook", "-o", "{out}/codebook.md"],
    ["suggestions"],
    ["suggestions", "--format", "csv", "-o", "{out}/suggestions.csv"],
    ["where"],
    ["backup", "--list"],
]


def run(db: Path, *args: str, out: Path | None = None, annotator: str = "reader"):
    args = [arg.replace("{out}", str(out)) for arg in args]
    return CliRunner().invoke(cli, ["--db", str(db), "--annotator", annotator, *args], catch_exceptions=False)


@pytest.fixture
def db(tmp_path):
    folder = tmp_path / "study"
    folder.mkdir()
    path = folder / "p.annotator"
    with Store.open(path, annotator="ana") as store:
        store.add_articles(NewArticle(f"Article {n}", f"Lavrov said thing number {n}.") for n in range(5))
        store.add_articles(
            [NewArticle("Suggested", "Tusk said so.", suggestions=(NewSuggestion(0, 4, "actor"),))]
        )
        store.add_span(store.article_ids()[0], 0, 6, "actor")
        store.set_status(store.article_ids()[0], Status.DONE)
    with Store.open(path, annotator="bob") as store:  # agreement needs two coders
        store.add_span(store.article_ids()[0], 0, 6, "actor")
        store.set_status(store.article_ids()[0], Status.DONE)
    return path


def folder_bytes(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("args", READS, ids=lambda args: " ".join(args[:3]))
def test_a_read_command_leaves_the_project_folder_byte_for_byte_unchanged(db, tmp_path, args):
    before = folder_bytes(db.parent)
    result = run(db, *args, out=tmp_path)
    assert result.exit_code == 0, result.output
    assert folder_bytes(db.parent) == before
    with Store.open(db, annotator="ana") as store:
        assert "reader" not in store.annotators()


@pytest.mark.parametrize("args", READS, ids=lambda args: " ".join(args[:3]))
def test_a_read_command_works_while_another_program_holds_the_write_lock(db, tmp_path, args, monkeypatch):
    from annotator.core import store as store_module

    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_MS", 200)  # a wait would end in "busy" soon
    writer = sqlite3.connect(db, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE articles SET title = 'uncommitted' WHERE id = 1")
    try:
        result = run(db, *args, out=tmp_path)
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert result.exit_code == 0, result.output
    assert "uncommitted" not in result.output


@pytest.mark.parametrize("args", READS, ids=lambda args: " ".join(args[:3]))
@pytest.mark.parametrize("what", ["file", "folder"])
def test_a_read_only_project_can_be_read_and_exported(db, tmp_path, args, what, read_only):
    with read_only(db if what == "file" else db.parent):
        before = folder_bytes(db.parent)
        result = run(db, *args, out=tmp_path)
        assert folder_bytes(db.parent) == before
    assert result.exit_code == 0, result.output


def test_a_write_command_on_a_read_only_project_is_still_refused_clearly(db, tmp_path, read_only):
    source = tmp_path / "new.txt"
    source.write_text("A new article.", encoding="utf-8")
    with read_only(db):
        result = run(db, "import", str(source))
    assert result.exit_code == 1
    assert f"The project {db} is read-only (the file cannot be written)" in result.output


# Root ignores permission bits; without these capabilities it obeys them like any user.
AS_A_USER = [
    "setpriv",
    "--bounding-set=-dac_override,-dac_read_search",
    "--inh-caps=-dac_override,-dac_read_search",
]


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv"), reason="needs root and setpriv")
def test_stale_read_only_side_files_do_not_keep_a_project_read_only(tmp_path):
    """A project made read-only is opened by some SQLite program, which leaves its -shm and -wal
    behind with the file's read-only mode; the user makes the project writable again, and it must
    be writable again (it stayed "read-only" for good)."""
    path = tmp_path / "p.annotator"
    with Store.open(path) as store:
        store.add_articles([NewArticle("T", "Some text.")])
    path.chmod(0o444)
    code = (
        "import sqlite3, sys\n"
        "sqlite3.connect(f'file:{sys.argv[1]}?mode=ro', uri=True).execute('SELECT * FROM labels')"
    )
    subprocess.run([*AS_A_USER, sys.executable, "-c", code, str(path)], check=True, timeout=60)
    assert oct(Path(f"{path}-shm").stat().st_mode & 0o777) == "0o444"  # left behind, read-only
    path.chmod(0o644)
    source = tmp_path / "new.txt"
    source.write_text("Another article.", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    result = subprocess.run(
        [*AS_A_USER, sys.executable, "-m", "annotator", "--db", str(path), "import", str(source)],
        capture_output=True, text=True, timeout=60, env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Imported 1 article " in result.stdout
