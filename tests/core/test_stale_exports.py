"""Killed exports leave hidden temporaries; the next export to the same name removes the stale
ones and nothing else (issue 11, item 15)."""

from __future__ import annotations

import os
import time

import pytest

from annotator.core.formats import export
from annotator.core.model import NewArticle
from annotator.core.store import Store


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "p.annotator") as store:
        store.add_articles([NewArticle("One", "Lavrov said hello there.")])
        yield store


def aged(path, seconds: float):
    os.utime(path, (time.time() - seconds, time.time() - seconds))
    return path


@pytest.mark.parametrize(("name", "fmt"), [("out.jsonl", "jsonl"), ("out.qdpx", "qdpx"), ("brat", "brat")])
def test_the_next_export_removes_stale_temporaries_only(store, tmp_path, name, fmt):
    out = tmp_path / "exports"
    out.mkdir()
    stale_file = out / f".{name}.export-abcd1234"
    stale_file.write_bytes(b"x" * 1000)
    aged(stale_file, 2 * 3600)
    stale_old_style = out / f".{name}.k3j_9zzq"
    stale_old_style.mkdir()
    (stale_old_style / "000001.ann").write_text("T1\tactor 0 6\tLavrov\n")
    aged(stale_old_style, 2 * 3600)
    running = out / f".{name}.export-live0001"
    running.write_bytes(b"being written")  # touched just now: another export still writing
    mine = out / f".{name}.notes"
    mine.write_text("the user's own hidden file")
    aged(mine, 2 * 3600)
    export(store, fmt, out / name)
    left = sorted(p.name for p in out.iterdir())
    assert left == sorted([name, running.name, mine.name])


def test_a_folder_export_into_an_empty_folder_replaces_it_in_one_step(store, tmp_path, monkeypatch):
    """Removing the empty folder first, then moving the export in, left no folder at all when the
    export was killed between the two steps."""
    from pathlib import Path

    target = tmp_path / "brat"
    target.mkdir()

    def no_rmdir(self):
        raise AssertionError(f"{self} removed before the export was moved in")

    monkeypatch.setattr(Path, "rmdir", no_rmdir)
    export(store, "brat", target)
    assert (target / "annotation.conf").is_file()
