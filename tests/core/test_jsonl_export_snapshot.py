"""A JSONL export written by worker processes is the project at one moment (the moment it began),
whatever another connection commits while it runs: a span moved to another article's part, an
article renamed in a part not yet written, never half of such a change."""

from __future__ import annotations

import io
import os
import sqlite3
from concurrent.futures import Future
from pathlib import Path

import pytest

from annotator.core.formats import export, jsonl, jsonl_parts
from annotator.core.store import Store
from tests.core.test_jsonl_export_bytes import hostile_store


def lines(store: Store, **options) -> bytes:
    out = io.BytesIO()
    stream = io.TextIOWrapper(out, encoding="utf-8", newline="")
    export(store, "jsonl", stream, **options)
    stream.flush()
    return out.getvalue()


def change(project: Path) -> None:
    """Another program commits: the last article renamed, its first span moved to the first."""
    conn = sqlite3.connect(project, isolation_level=None)
    first, last = conn.execute("SELECT min(article_id), max(article_id) FROM spans").fetchone()
    moved = conn.execute("SELECT min(id) FROM spans WHERE article_id = ? AND start = 0", [last]).fetchone()[0]
    conn.execute("BEGIN")
    conn.execute("UPDATE articles SET title = 'Renamed while exporting' WHERE id = ?", [last])
    conn.execute("DELETE FROM relations WHERE from_span = ?1 OR to_span = ?1", [moved])
    conn.execute("UPDATE spans SET article_id = ? WHERE id = ?", [first, moved])
    conn.execute("COMMIT")
    conn.close()


def states(project: Path) -> tuple[bytes, bytes]:
    """What one process exports before and after `change` (the change undone by a copy)."""
    with Store.open(project, read_only=True) as store:
        before = lines(store)
    copy = project.with_name("after.annotator")
    source, target = sqlite3.connect(project), sqlite3.connect(copy)
    source.backup(target)
    source.close()  # (left open, its file's locks go when Store.open reads the header: see `snapshot`)
    target.close()
    change(copy)
    with Store.open(copy, read_only=True) as store:
        after = lines(store)
    assert before != after
    return before, after


class OneByOne:
    """A stand-in for the process pool that writes each part only when the export asks for it,
    in this process (a connection of its own each): a commit between two parts is certain."""

    def __init__(self, *_args, **_kwargs):
        pass

    def submit(self, function, *args):
        future = Future()
        future.set_result(function(*args))
        return future

    def map(self, function, jobs):
        return (function(job) for job in jobs)

    def shutdown(self, *_args, **_kwargs):
        pass


def test_a_commit_between_two_parts_is_left_out_of_the_parts_after_it(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.setattr(jsonl_parts, "ProcessPoolExecutor", OneByOne)
    project = tmp_path / "p.annotator"
    hostile_store(project).close()
    before, _after = states(project)
    done: list[int] = []

    def progress(count: int) -> None:
        if not done:
            change(project)  # after the first part, before the second is read
        done.append(count)

    with Store.open(project, read_only=True) as store:
        assert lines(store, parallel_from=1, progress=progress) == before
        assert sum(done) == before.count(b'"start":')  # every span counted once
        assert lines(store) != before  # the change is there for the next export


@pytest.mark.parametrize(("read_only", "locks_lost"), [(True, False), (False, False), (True, True)])
def test_a_commit_while_the_workers_start_gives_the_project_as_the_export_began(
    tmp_path: Path, monkeypatch, read_only, locks_lost
):
    """Real worker processes that read after the commit: their parts are not taken, the export
    writes the rest itself from the snapshot it holds. Also when this process's file locks are
    gone (another `Store.open` of the project here read its header): a worker closing last, as
    it then seems, must not checkpoint the commit into the file under the snapshot."""
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    project = tmp_path / "p.annotator"
    hostile_store(project).close()
    before, _after = states(project)
    written = []
    monkeypatch.setattr(jsonl, "write_records", lambda *args: written.append(1) or WRITE(*args))
    with Store.open(project, read_only=read_only) as store:
        counted = store.article_ranges

        def ranges_then_commit(parts: int) -> list[tuple[int, int]]:
            found = counted(parts)
            change(project)
            if locks_lost:
                Store.open(project, read_only=True).close()
            return found

        monkeypatch.setattr(store, "article_ranges", ranges_then_commit)
        assert lines(store, parallel_from=1) == before
        assert written == [1]  # (in this process: the workers' own calls are not seen)


WRITE = jsonl.write_records


def test_with_nothing_committed_the_workers_parts_are_taken_and_nothing_is_written(
    tmp_path: Path, monkeypatch
):
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    project = tmp_path / "p.annotator"
    hostile_store(project).close()
    files = {path.name: path.read_bytes() for path in tmp_path.iterdir()}
    written = []
    monkeypatch.setattr(jsonl, "write_records", lambda *args: written.append(1) or WRITE(*args))
    with Store.open(project, read_only=True) as store:
        expected = lines(store)
        assert written == [1]
        assert lines(store, parallel_from=1) == expected
        assert written == [1]  # no part was written again in this process
    assert {path.name: path.read_bytes() for path in tmp_path.iterdir()} == files
