"""Exports never delete or overwrite what they did not write: not the project, not its side files
or backups, not the other documents of the folder they write into (issue 11, items 1 and 2)."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.core.model import NewArticle, NewSpan, Status
from annotator.core.store import Store
from annotator.core.store.backup import make_backup

HOSTILE_NAMES = ["plain", "with space", "hash#tag", "what?", "100%", "ünï ☃ 中文", "a%20b#c?d"]


def run(*args: str, db: Path):
    return CliRunner().invoke(cli, ["--db", str(db), *args], catch_exceptions=False)


def make_project(path: Path) -> None:
    with Store.open(path, annotator="tester") as store:
        store.add_articles(
            [
                NewArticle("One", "Lavrov said the talks failed.", spans=(NewSpan(0, 6, "actor"),)),
                NewArticle("Two", "Blinken 😀 replied.", spans=(NewSpan(0, 7, "actor"),)),
            ]
        )
        make_backup(store.conn, store.path)


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under `folder` (recursively) with a digest of its content."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def project_ok(path: Path, spans: int = 2) -> None:
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*) FROM spans").fetchone()[0] == spans
    finally:
        conn.close()


@pytest.mark.parametrize("fmt", ["brat", "webanno"])
@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_folder_export_into_the_project_folder_keeps_project_backups_and_documents(tmp_path, fmt, name):
    study = tmp_path / name
    db = study / "e.annotator"
    make_project(db)
    (study / "notes.docx").write_bytes(b"the analyst's own notes")
    (study / "sub").mkdir()
    (study / "sub" / "draft.txt").write_text("keep me", encoding="utf-8")
    before = snapshot(study)
    result = run("export", "--format", fmt, "-o", str(study), db=db)
    assert result.exit_code == 0, result.output
    after = snapshot(study)
    assert {k: v for k, v in after.items() if k in before and not k.endswith(("-wal", "-shm"))} == {
        k: v for k, v in before.items() if not k.endswith(("-wal", "-shm"))
    }
    written = set(after) - set(before)
    assert written and all(Path(w).parent == Path(".") for w in written)
    assert any(w.endswith(".ann" if fmt == "brat" else ".tsv") for w in written)
    project_ok(db)
    assert list((study / "backups").iterdir())


@pytest.mark.parametrize("fmt", ["brat", "webanno"])
def test_folder_export_refuses_names_already_taken_and_replaces_only_with_replace(tmp_path, fmt):
    db = tmp_path / "p.annotator"
    make_project(db)
    out = tmp_path / "docs"
    assert run("export", "--format", fmt, "-o", str(out), db=db).exit_code == 0
    (out / "report.pdf").write_bytes(b"%PDF unrelated")
    first = snapshot(out)
    with Store.open(db) as store:
        store.add_span(1, 7, 11, "claim")
    result = run("export", "--format", fmt, "-o", str(out), db=db)
    assert result.exit_code != 0
    assert "already holds" in result.output and "--replace" in result.output
    assert "Traceback" not in result.output
    assert snapshot(out) == first
    result = run("export", "--format", fmt, "-o", str(out), "--replace", db=db)
    assert result.exit_code == 0, result.output
    second = snapshot(out)
    assert second["report.pdf"] == first["report.pdf"]
    assert set(second) == set(first)
    assert second != first
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_folder_export_into_an_empty_folder_and_a_new_one(tmp_path):
    db = tmp_path / "p.annotator"
    make_project(db)
    (tmp_path / "empty").mkdir()
    for out in (tmp_path / "empty", tmp_path / "new" / "deeper"):
        out.parent.mkdir(exist_ok=True)
        result = run("export", "--format", "brat", "-o", str(out), db=db)
        assert result.exit_code == 0, result.output
        assert (out / "000001.ann").is_file() and (out / "annotation.conf").is_file()


@pytest.mark.parametrize(
    "fmt", ["jsonl", "csv", "doccano", "label-studio", "conll", "spacy", "qdpx", "brat", "webanno"]
)
@pytest.mark.parametrize(
    "target",
    ["s2/p.annotator", "s2/./p.annotator", "s2/p.annotator-wal", "s2/p.annotator-shm", "s2/backups",
     "s2/backups/x", "link.annotator", "s2/../s2/p.annotator"],
)  # fmt: skip
def test_export_onto_the_project_its_side_files_or_backups_is_refused(tmp_path, monkeypatch, fmt, target):
    if fmt == "spacy":
        pytest.importorskip("spacy")
    monkeypatch.chdir(tmp_path)
    db = tmp_path / "s2" / "p.annotator"
    make_project(db)
    (tmp_path / "link.annotator").symlink_to(db)
    conn = sqlite3.connect(db)  # keeps the -wal and -shm files there, as an open window does
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("SELECT count(*) FROM spans").fetchone()
    try:
        before = snapshot(tmp_path / "s2")
        result = run("export", "--format", fmt, "-o", target, db=db)
        assert result.exit_code != 0, result.output
        assert "nothing was written" in result.output and "Traceback" not in result.output
        assert snapshot(tmp_path / "s2") == before
    finally:
        conn.close()
    project_ok(db)


def test_label_studio_config_beside_the_export_never_overwrites_the_project(tmp_path):
    db = tmp_path / "tasks.xml"
    make_project(db)
    result = run("export", "--format", "label-studio", "-o", str(tmp_path / "tasks.json"), db=db)
    assert result.exit_code != 0
    assert "project file itself" in result.output
    project_ok(db)


def test_hard_link_to_the_project_is_refused(tmp_path):
    db = tmp_path / "p.annotator"
    make_project(db)
    (tmp_path / "alias.jsonl").hardlink_to(db)
    result = run("export", "-o", str(tmp_path / "alias.jsonl"), db=db)
    assert result.exit_code != 0
    project_ok(db)


def test_copy_has_the_edits_another_program_still_holds_in_the_wal(tmp_path):
    db = tmp_path / "p.annotator"
    make_project(db)
    window = Store.open(db, annotator="ana")  # the window, open all along
    try:
        for n in range(50):
            window.add_span(1, n % 25, n % 25 + 1, "actor" if n < 25 else "claim")
        out = tmp_path / "for the lead #2.annotator"
        result = run("copy", str(out), db=db)
        assert result.exit_code == 0, result.output
        conn = sqlite3.connect(out)
        assert conn.execute("SELECT count(*) FROM spans").fetchone()[0] == 52
        conn.close()
        assert not Path(f"{out}-wal").exists()
        again = run("copy", str(out), db=db)
        assert again.exit_code != 0 and "already exists" in again.output
        assert run("copy", "--replace", str(out), db=db).exit_code == 0
        for target in (db, Path(f"{db}-wal"), tmp_path / "backups" / "x.annotator"):
            refused = run("copy", str(target), db=db)
            assert refused.exit_code != 0 and "nothing was written" in refused.output
    finally:
        window.close()
    project_ok(db, spans=52)


@pytest.mark.parametrize("fmt", ["brat", "webanno"])
def test_replace_removes_the_earlier_export_of_an_article_no_longer_exported_and_says_so(tmp_path, fmt):
    db = tmp_path / "p.annotator"
    make_project(db)
    out = tmp_path / "docs"
    assert run("export", "--format", fmt, "-o", str(out), db=db).exit_code == 0
    (out / "000002 notes.txt").write_text("mine", encoding="utf-8")
    with Store.open(db) as store:
        store.set_status(2, Status.DONE)
    result = run("export", "--format", fmt, "-o", str(out), "--status", "new", db=db)
    assert result.exit_code != 0 and "also removes" in result.output and "000002" in result.output
    result = run("export", "--format", fmt, "-o", str(out), "--status", "new", "--replace", db=db)
    assert result.exit_code == 0, result.output
    assert "Removed" in result.output and "000002" in result.output
    left = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    written = (
        ["000001.ann", "000001.txt", "annotation.conf", "visual.conf"] if fmt == "brat" else ["000001.tsv"]
    )
    assert left == sorted(["000002 notes.txt", *written])
