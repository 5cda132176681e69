"""Every command given an odd --db (a folder, a text or binary file, an empty path, an empty
file, a file that says it is empty but is not, a missing folder for a command that only reads)
says what is wrong in one line, exits non-zero, and creates or changes nothing (QA pass: `--db
""` said "No project at ..", /proc/version "The disk ... is full", restore asked first)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.core.model import NewArticle
from annotator.core.store import Store
from annotator.core.store.backup import make_backup

READERS = [
    ["stats"],
    ["articles"],
    ["annotators"],
    ["labels"],
    ["codebook", "-o", "{out}/codebook.md"],
    ["agreement"],
    ["report"],
    ["search", "Lavrov"],
    ["suggestions"],
    ["export", "-o", "{out}/e.jsonl"],
    ["copy", "{out}/copy.annotator"],
]
WRITERS = [
    ["import", "{inputs}/a.txt"],
    ["backup"],
    ["merge", "{inputs}/other.annotator"],
    ["suggest"],
    ["tag-all", "Lavrov", "--label", "actor", "--yes"],
    ["restore", "--yes", "{backup}"],
]


@pytest.fixture
def place(tmp_path):
    """A work folder with odd would-be projects, and the inputs commands need elsewhere."""
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    (inputs / "a.txt").write_text("Title\nLavrov spoke.", encoding="utf-8")
    with Store.open(inputs / "other.annotator", "bo") as other:
        other.add_articles([NewArticle("T", "Lavrov spoke.")])
        backup = make_backup(other.conn, other.path)
    work = tmp_path / "work"
    work.mkdir()
    (work / "folder").mkdir()
    (work / "notes.txt").write_text("my notes, not a project", encoding="utf-8")
    (work / "blob.bin").write_bytes(bytes(range(256)) * 8)
    (work / "empty.annotator").write_bytes(b"")
    (tmp_path / "out").mkdir()
    return tmp_path, work, backup


def snapshot(folder: Path) -> dict[str, bytes | None]:
    return {str(p.relative_to(folder)): p.read_bytes() if p.is_file() else None for p in folder.rglob("*")}


def invoke(place, db: str, args: list[str]):
    tmp_path, work, backup = place
    values = {"out": tmp_path / "out", "inputs": tmp_path / "inputs", "backup": backup}
    args = [arg.format(**values) for arg in args]
    before = snapshot(tmp_path)
    result = CliRunner().invoke(cli, ["--db", db, *args], env={"ANNOTATOR_DB": None})
    assert result.exit_code != 0, (args, result.output)
    assert (
        "Traceback" not in result.output
        and result.exception is None
        or isinstance(result.exception, SystemExit)
    ), result.output
    lines = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(lines) == 1, result.output
    assert snapshot(tmp_path) == before, args
    return lines[0]


@pytest.mark.parametrize("args", READERS + WRITERS, ids=lambda args: args[0])
@pytest.mark.parametrize(
    ("odd", "said"),
    [
        ("", "The project path is empty"),
        ("   ", "The project path is empty"),
        ("work/folder", "is a directory"),
        ("work/notes.txt", "is not an annotator project (not an SQLite file)"),
        ("work/blob.bin", "is not an annotator project (not an SQLite file)"),
    ],
)
def test_every_command_refuses_an_odd_project_path_in_one_line(place, monkeypatch, args, odd, said):
    monkeypatch.chdir(place[0])
    assert said in invoke(place, odd, args)


@pytest.mark.parametrize("args", READERS, ids=lambda args: args[0])
@pytest.mark.parametrize(
    ("odd", "said"),
    [
        ("work/missing/deeper/p.annotator", "No project at work/missing/deeper/p.annotator."),
        ("work/empty.annotator", "is an empty file, not a project"),
    ],
)
def test_a_command_that_only_reads_makes_no_project(place, monkeypatch, args, odd, said):
    monkeypatch.chdir(place[0])
    assert said in invoke(place, odd, args)


@pytest.mark.skipif(not Path("/proc/version").is_file(), reason="no /proc")
@pytest.mark.parametrize("args", [["stats"], ["articles"], ["export", "-o", "{out}/e.jsonl"]])
def test_a_file_that_says_it_is_empty_is_read_not_taken_for_a_new_project(place, args):
    said = invoke(place, "/proc/version", args)
    assert "/proc/version is not an annotator project (not an SQLite file)" in said


def test_restore_checks_the_backup_before_asking(place, monkeypatch):
    monkeypatch.chdir(place[0])
    with Store.open(place[0] / "work" / "p.annotator") as store:
        store.add_articles([NewArticle("T", "Some text.")])
    args = ["--db", "work/p.annotator", "restore", "inputs/none.annotator"]
    result = CliRunner().invoke(cli, args, input="y\n")
    assert result.exit_code != 0
    assert "Replace the content" not in result.output
    assert "No backup file inputs/none.annotator." in result.output
