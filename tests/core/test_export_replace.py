"""An export that replaces an earlier one in a folder leaves exactly its own files there: those
the earlier export wrote and this one does not (an article no longer exported) go, everything
else in the folder stays (QA pass: --replace left stale articles behind)."""

from __future__ import annotations

import json
import os

import pytest

from annotator.core.formats import export
from annotator.core.model import NewArticle, NewSpan, Status
from annotator.core.output import OutputRefused, manifest_name
from annotator.core.store import Store

SUFFIXES = {"brat": (".txt", ".ann"), "webanno": (".tsv",)}


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "p.annotator", annotator="tester") as store:
        store.add_articles(
            [
                NewArticle("One", "Lavrov said the talks failed.", spans=(NewSpan(0, 6, "actor"),)),
                NewArticle("Two", "Blinken replied.", spans=(NewSpan(0, 7, "actor"),)),
                NewArticle("Three", "Wang Yi agreed."),
            ]
        )
        yield store


def users_files(folder):
    """Files that are the analyst's, not ours, some named like an export's."""
    (folder / "notes.txt").write_text("my notes", encoding="utf-8")
    (folder / "report.pdf").write_bytes(b"%PDF mine")
    (folder / ".hidden").write_text("mine too", encoding="utf-8")
    (folder / "sub").mkdir()
    (folder / "sub" / "000002.ann").write_text("an old brat file of mine", encoding="utf-8")
    return {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def article_files(folder, fmt):
    return sorted(p.name for p in folder.iterdir() if p.suffix in SUFFIXES[fmt] and p.name != "notes.txt")


def stems(ids, fmt):
    return sorted(f"{i:06d}{suffix}" for i in ids for suffix in SUFFIXES[fmt])


@pytest.mark.parametrize("fmt", ["brat", "webanno"])
def test_replace_removes_the_files_of_articles_no_longer_exported_and_nothing_else(store, tmp_path, fmt):
    out = tmp_path / "out"
    out.mkdir()
    mine = users_files(out)
    export(store, fmt, out)
    assert article_files(out, fmt) == stems([1, 2, 3], fmt)
    store.set_status(2, Status.DONE)
    summary = export(store, fmt, out, status=[Status.NEW], replace=True)
    assert article_files(out, fmt) == stems([1, 3], fmt)
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.relative_to(out) in mine} == mine
    assert any("Removed 2 files" if fmt == "brat" else "Removed 1 file" in note for note in summary.notes)
    assert "000002" in " ".join(summary.notes)


def test_replace_without_an_earlier_export_removes_nothing(store, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "000001.tsv").write_text("a file of mine with an export's name", encoding="utf-8")
    (out / "000009.tsv").write_text("another one", encoding="utf-8")
    summary = export(store, "webanno", out, replace=True)
    assert (out / "000009.tsv").read_text(encoding="utf-8") == "another one"
    assert any("000009.tsv" in note and "Left 1 file" in note for note in summary.notes)


def test_a_file_of_the_earlier_export_changed_since_is_kept_and_named(store, tmp_path):
    out = tmp_path / "out"
    export(store, "brat", out)
    fixed = "T1\tactor 0 7\tBlinken\nT2\tclaim 0 16\tfixed in brat\n"
    (out / "000002.ann").write_text(fixed, encoding="utf-8")
    store.set_status(2, Status.DONE)
    summary = export(store, "brat", out, status=[Status.NEW], replace=True)
    assert "fixed in brat" in (out / "000002.ann").read_text(encoding="utf-8")
    assert not (out / "000002.txt").exists()
    assert any("000002.ann" in note and note.startswith("Left 1 file") for note in summary.notes)


def test_refusal_without_replace_says_what_replacing_removes(store, tmp_path):
    out = tmp_path / "out"
    export(store, "webanno", out)
    store.set_status(3, Status.DONE)
    before = sorted(os.listdir(out))
    with pytest.raises(OutputRefused) as refused:
        export(store, "webanno", out, status=[Status.NEW])
    assert refused.value.stale == ("000003.tsv",)
    assert "also removes 1 file" in str(refused.value) and "000003.tsv" in str(refused.value)
    assert sorted(os.listdir(out)) == before


def test_an_export_list_naming_other_paths_removes_none_of_them(store, tmp_path):
    out = tmp_path / "out"
    export(store, "webanno", out)
    victim = tmp_path / "victim.txt"
    victim.write_text("outside", encoding="utf-8")
    (out / "sub").mkdir()
    (out / "sub" / "x.tsv").write_text("inside a folder", encoding="utf-8")
    size = victim.stat()
    listed = {
        "../victim.txt": [size.st_size, size.st_mtime_ns],
        "sub/x.tsv": [15, (out / "sub" / "x.tsv").stat().st_mtime_ns],
        "sub": [0, 0],
        "p.annotator": [0, 0],
    }
    manifest = out / manifest_name("webanno")
    content = json.loads(manifest.read_text(encoding="utf-8"))
    content["files"].update(listed)
    manifest.write_text(json.dumps(content), encoding="utf-8")
    export(store, "webanno", out, replace=True)
    assert victim.read_text(encoding="utf-8") == "outside"
    assert (out / "sub" / "x.tsv").read_text(encoding="utf-8") == "inside a folder"


@pytest.mark.parametrize("damage", ["not json", '{"files": 3}', '{"files": {"000001.tsv": "x"}}', "[]"])
def test_a_damaged_export_list_is_ignored(store, tmp_path, damage):
    out = tmp_path / "out"
    export(store, "webanno", out)
    (out / manifest_name("webanno")).write_text(damage, encoding="utf-8")
    store.set_status(3, Status.DONE)
    summary = export(store, "webanno", out, status=[Status.NEW], replace=True)
    assert (out / "000003.tsv").exists()
    assert any("000003.tsv" in note for note in summary.notes)
