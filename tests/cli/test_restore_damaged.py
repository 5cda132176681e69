"""Restore brings back a damaged project without opening it, from the command line, in folders
with hostile names, and never mixes up projects whose backups look alike (issue 11, items 3, 6)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.core.model import NewArticle
from annotator.core.store import Store
from annotator.core.store.backup import list_backups, make_backup, restore_backup

HOSTILE_FOLDERS = ["a#b", "what?", "100%", "x%20y", "two  spaces", "ünï ☃ 中文", "%23#?%3F"]


def run(*args: str, db: Path):
    return CliRunner().invoke(cli, ["--db", str(db), *args], catch_exceptions=False)


def make_project(path: Path, title: str, articles: int = 60) -> None:
    """A project of several pages, backed up, closed (everything in the main file)."""
    with Store.open(path, annotator="tester") as store:
        text = "Lavrov spoke. " * 40
        store.add_articles([NewArticle(f"{title} {i}", f"{title} {i}. {text}") for i in range(articles)])
        store.add_span(1, 0, len(title), "actor")
        make_backup(store.conn, store.path)


def titles(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return [row[0] for row in conn.execute("SELECT title FROM articles ORDER BY id")]
    finally:
        conn.close()


def damage(path: Path, how: str) -> bytes:
    data = path.read_bytes()
    if how == "truncated":
        data = data[: len(data) // 3]
    elif how == "overwritten":
        data = b"Dear colleague, please find attached. " * 200
    elif how == "corrupted":
        pages = bytearray(data)
        for page in range(4096, len(pages), 4096):  # every b-tree page header but the first
            pages[page : page + 8] = b"\xff" * 8
        data = bytes(pages)
    elif how == "emptied":
        data = b""
    path.write_bytes(data)
    return data


@pytest.mark.parametrize("how", ["truncated", "overwritten", "corrupted", "emptied"])
def test_restore_yes_brings_back_a_damaged_project_and_keeps_the_damaged_file(tmp_path, how):
    db = tmp_path / "study.annotator"
    make_project(db, "Good")
    with Store.open(db) as store:  # edits after the backup, lost with the damage
        store.add_span(2, 0, 4, "claim")
    broken = damage(db, how)
    refused = run("stats", db=db)
    assert refused.exit_code != 0 and "Traceback" not in refused.output
    result = run("restore", "--yes", db=db)
    assert result.exit_code == 0, result.output
    assert "Restored" in result.output and ".damaged-" in result.output
    assert titles(db) == [f"Good {i}" for i in range(60)]
    (aside,) = [p for p in tmp_path.glob("study.annotator.damaged-*") if p.name[-4:] not in ("-wal", "-shm")]
    assert aside.read_bytes() == broken
    stats = run("stats", db=db)
    assert stats.exit_code == 0 and "Articles: 60" in stats.output


def test_a_stale_wal_of_the_damaged_project_is_set_aside_not_replayed(tmp_path):
    db = tmp_path / "study.annotator"
    make_project(db, "Good")
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("UPDATE articles SET title = 'from the wal'")
    conn.commit()
    wal = Path(f"{db}-wal").read_bytes()
    conn.close()
    damage(db, "corrupted")
    Path(f"{db}-wal").write_bytes(wal)
    result = run("restore", "--yes", db=db)
    assert result.exit_code == 0, result.output
    assert titles(db)[0] == "Good 0"
    (aside_wal,) = tmp_path.glob("study.annotator.damaged-*-wal")
    assert aside_wal.read_bytes() == wal


def test_a_missing_project_is_restored_from_its_backup(tmp_path):
    db = tmp_path / "study.annotator"
    make_project(db, "Good", articles=2)
    db.unlink()
    result = run("restore", "--yes", db=db)
    assert result.exit_code == 0, result.output
    assert titles(db) == ["Good 0", "Good 1"]


def test_restore_skips_a_damaged_newest_backup(tmp_path):
    db = tmp_path / "study.annotator"
    make_project(db, "Older", articles=2)
    with Store.open(db) as store:
        newest = make_backup(store.conn, store.path)
    newest.write_bytes(b"junk" * 100)
    damage(db, "overwritten")
    result = run("restore", "--yes", db=db)
    assert result.exit_code == 0, result.output
    assert titles(db) == ["Older 0", "Older 1"]


@pytest.mark.parametrize("folder", HOSTILE_FOLDERS)
def test_restore_in_folders_with_hostile_names_restores_that_project(tmp_path, folder):
    mine, decoy = tmp_path / folder / "p.annotator", tmp_path / "x y" / "p.annotator"
    make_project(decoy, "Decoy", articles=2)  # what an unescaped URI would open instead
    (tmp_path / "a").mkdir(exist_ok=True)
    make_project(mine, "Mine", articles=2)
    with Store.open(mine) as store:
        store.add_articles([NewArticle("Later", "Added after the backup.")])
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    result = run("restore", "--yes", str(list_backups(mine)[0]), db=mine)
    assert result.exit_code == 0, result.output
    assert titles(mine) == ["Mine 0", "Mine 1"]
    assert titles(decoy) == ["Decoy 0", "Decoy 1"]
    after = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    new = [p for p in after if p not in before]
    assert all(p.parent == Path(folder) / "backups" for p in new), new  # no stray files elsewhere
    damage(mine, "overwritten")
    result = run("restore", "--yes", db=mine)
    assert result.exit_code == 0, result.output
    assert titles(mine)[:2] == ["Mine 0", "Mine 1"]


def test_study_and_study_annotator_side_by_side_keep_their_own_backups(tmp_path):
    bare, suffixed = tmp_path / "study", tmp_path / "study.annotator"
    make_project(bare, "Bare", articles=2)
    make_project(suffixed, "Suffixed", articles=2)
    assert not set(list_backups(bare)) & set(list_backups(suffixed))
    for path, title in ((bare, "Bare"), (suffixed, "Suffixed")):
        with Store.open(path) as store:
            store.add_articles([NewArticle("Later", "Added after the backup.")])
        result = run("restore", "--yes", db=path)
        assert result.exit_code == 0, result.output
        assert titles(path) == [f"{title} 0", f"{title} 1"]
    assert titles(bare) == ["Bare 0", "Bare 1"] and titles(suffixed) == ["Suffixed 0", "Suffixed 1"]


def test_restore_of_a_sound_project_open_elsewhere_is_still_refused(tmp_path):
    db = tmp_path / "study.annotator"
    make_project(db, "Good", articles=2)
    with Store.open(db):
        result = run("restore", "--yes", db=db)
    assert result.exit_code != 0 and "open in another program" in result.output
    assert titles(db) == ["Good 0", "Good 1"]
    assert restore_backup(db, list_backups(db)[-1]) is not None
