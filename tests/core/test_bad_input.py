"""Bad input files and bad project files: refused in one clear line, nothing stored changes.

Complements tests/core/test_importers.py (empty, binary, malformed, offsets) and test_store.py
(not SQLite, newer schema) with the cases that need a real big, odd or broken file.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

from annotator.core.errors import Damaged
from annotator.core.formats import import_paths, read_file
from annotator.core.importers import ImportRefused
from annotator.core.model import NewArticle
from annotator.core.store import Store, StoreError

GB = 2**30


def sparse(path, head: bytes = b"", size: int = GB):
    """A file of `size` bytes that takes only `head` on disk: the rest is a hole of NUL bytes."""
    with path.open("wb") as handle:
        handle.write(head)
        handle.truncate(size)
    return path


def valid_lines(suffix: str, size: int = 2 * 2**20) -> bytes:
    """Over a megabyte of valid records, so the encoding sample sees no NUL byte."""
    if suffix == ".jsonl":
        line = (json.dumps({"text": "word " * 200}) + "\n").encode()
        header = b""
    else:
        line = b'title,"' + b"word " * 200 + b'"\n'
        header = b"title,text\n"
    return header + line * (size // len(line))


def peak_memory_of_reading(path) -> tuple[str, int]:
    """Read `path` in a fresh process; its message and peak memory in MB. VmHWM is the new
    process's own peak: Linux starts a child's ru_maxrss at the parent's size (pytest's, which
    grows with the tests run before), so that figure measured the test run, not the reader."""
    code = (
        "import resource, sys\n"
        "from pathlib import Path\n"
        "from annotator.core.formats import read_file\nfrom annotator.core.importers import ImportRefused\n"
        "try:\n"
        "    read_file(Path(sys.argv[1])); message = 'read'\n"
        "except ImportRefused as error:\n"
        "    message = str(error)\n"
        "status = Path('/proc/self/status')\n"
        "if status.exists():\n"
        "    lines = status.read_text().splitlines()\n"
        "    print(next(int(l.split()[1]) for l in lines if l.startswith('VmHWM')) // 1024)\n"
        "else:\n"
        "    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)\n"
        "print(message)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=60, check=True
    )
    peak, message = result.stdout.splitlines()
    return message, int(peak)


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "p.annotator") as store:
        store.add_articles([NewArticle("Kept", "An article that must stay as it is.")])
        yield store


def snapshot(store: Store) -> dict:
    return {
        table: store.conn.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
        for table in ("articles", "labels", "spans", "relations", "annotators")
    }


# ----------------------------------------------------------------------------- huge files
@pytest.mark.parametrize("suffix", [".txt", ".html"])
def test_a_1_gb_article_file_is_refused_before_reading(tmp_path, suffix):
    path = sparse(tmp_path / f"huge{suffix}")
    with pytest.raises(
        ImportRefused, match=r"huge\S* too large \(1024 MB; the limit for one article is 200 MB\)"
    ):
        read_file(path)


@pytest.mark.parametrize("suffix", [".jsonl", ".csv"])
def test_a_1_gb_streamed_file_with_a_giant_line_is_refused_in_bounded_memory(tmp_path, suffix):
    """Valid records, then a gigabyte without a line break: the line is refused at 64 MB instead
    of being read whole (it used to take 2 GB of memory for JSONL and 6 GB for CSV)."""
    path = sparse(tmp_path / f"huge{suffix}", valid_lines(suffix))
    message, peak_mb = peak_memory_of_reading(path)
    assert f"huge{suffix} line" in message and "longer than 64 MB" in message
    assert peak_mb < 400


def test_a_csv_quote_never_closed_is_refused_in_bounded_memory(tmp_path):
    path = tmp_path / "open_quote.csv"
    with path.open("wb") as handle:
        handle.write(b'title,text\nt,"a field that never ends\n')
        chunk = b"more words inside the quoted field\n" * 30_000
        for _ in range(80 * 2**20 // len(chunk)):  # 80 MB of lines, all inside one field
            handle.write(chunk)
    message, peak_mb = peak_memory_of_reading(path)
    assert "open_quote.csv line" in message and "field larger than field limit" in message
    assert peak_mb < 400


def test_a_1_gb_file_of_nul_bytes_is_refused_as_binary(tmp_path):
    for suffix in (".jsonl", ".csv"):
        with pytest.raises(ImportRefused, match="binary"):
            read_file(sparse(tmp_path / f"zeros{suffix}"))


def test_huge_files_leave_the_store_unchanged(store, tmp_path):
    before = snapshot(store)
    folder = tmp_path / "in"
    folder.mkdir()
    sparse(folder / "a.txt")
    sparse(folder / "b.jsonl", valid_lines(".jsonl"))
    summary = import_paths(store, [folder])
    assert summary.articles == 0 and len(summary.refused) == 2
    assert snapshot(store) == before


# ----------------------------------------------------------------------------- odd paths
def test_a_fifo_is_refused_without_blocking(store, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    os.mkfifo(folder / "pipe.txt")
    before = snapshot(store)
    summary = import_paths(store, [folder / "pipe.txt", folder])
    assert [line.split(": ", 1)[1] for line in summary.refused] == [
        "not a regular file",
        "not a regular file",
    ]
    assert snapshot(store) == before


def test_a_dangling_symlink_is_a_missing_file(store, tmp_path):
    link = tmp_path / "gone.txt"
    link.symlink_to(tmp_path / "deleted.txt")
    summary = import_paths(store, [link])
    assert summary.refused == [f"{link}: no such file or folder"]
    with pytest.raises(ImportRefused, match="gone.txt: no such file"):
        read_file(link)


def test_a_json_file_is_refused_as_unsupported(store, tmp_path):
    path = tmp_path / "data.json"
    path.write_text('[{"text": "an array, not JSON lines"}]', encoding="utf-8")
    summary = import_paths(store, [path])
    assert len(summary.refused) == 1 and "unsupported file type '.json'" in summary.refused[0]


@pytest.mark.parametrize(
    ("name", "proposal"),
    [
        ("corpus.spacy", "import it as spacy (--format spacy)"),
        ("tasks.json", "import it as label-studio (--format label-studio)"),
        ("study.qdpx", "import it as qdpx (--format qdpx)"),
        ("doc.ann", "import it as brat (--format brat)"),
        ("doc.tsv", "import it as webanno (--format webanno), or as csv if it is a table of articles"),
        ("ana.annotator", "bring another project's work in with merge"),
    ],
)
def test_a_peer_file_without_its_format_is_refused_naming_the_format(store, tmp_path, name, proposal):
    """`annotator import corpus.spacy` said only "unsupported file type '.spacy' (supported: .txt,
    ...)", as if spaCy files could not be imported at all."""
    path = tmp_path / name
    path.write_bytes(b"whatever")
    [refusal] = import_paths(store, [path]).refused
    assert refusal.endswith(f"; {proposal}")
    with pytest.raises(ImportRefused, match=re.escape(proposal)):
        read_file(path)


def test_permission_denied_while_reading_is_refused(store, tmp_path, monkeypatch):
    """Tests run as root, where permissions do not apply: the error is simulated at open()."""
    from pathlib import Path

    path = tmp_path / "secret.jsonl"
    path.write_text('{"text": "hidden"}\n', encoding="utf-8")
    real_open = Path.open

    def denied(self, *args, **kwargs):
        if self.name == "secret.jsonl":
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", denied)
    before = snapshot(store)
    summary = import_paths(store, [path])
    assert summary.refused == ["secret.jsonl: cannot be read (Permission denied)"]
    assert snapshot(store) == before


# ----------------------------------------------------------------------------- bad projects
def real_project(path):
    with Store.open(path) as store:
        store.add_articles(NewArticle(f"Article {n}", f"Article number {n}. " * 300) for n in range(150))
        for article_id in store.article_ids()[:40]:
            store.add_span(article_id, 0, 7, "claim")
    return path


def test_a_truncated_project_is_refused_and_left_alone(tmp_path):
    path = real_project(tmp_path / "p.annotator")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(StoreError, match="is damaged .* Restore it from a backup"):
        Store.open(path)
    assert path.read_bytes() == data[: len(data) // 2]


def test_a_project_damaged_inside_fails_reads_with_a_message(tmp_path):
    path = real_project(tmp_path / "p.annotator")
    data = bytearray(path.read_bytes())
    for offset in range(len(data) // 3, len(data) // 3 + 20_000, 7):
        data[offset] ^= 0x5A
    path.write_bytes(bytes(data))
    with Store.open(path) as store, pytest.raises(Damaged, match="is damaged .*malformed"):
        list(store.iter_annotated())  # reads are refused with the user's sentence too
    with Store.open(path) as store:
        assert store.check() != "ok"
    with Store.open(tmp_path / "fresh.annotator") as store:
        assert store.check() == "ok"
    from annotator.core.store.backup import BackupError, make_backup

    with Store.open(path) as store, pytest.raises(BackupError, match="is damaged"):
        make_backup(store.conn, path)  # a damaged copy never replaces a good backup


@pytest.fixture
def disk_full(tmp_path):
    """A project whose connection may not grow the file: SQLite's "database or disk is full"."""
    path = real_project(tmp_path / "p.annotator")
    store = Store.open(path)
    pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
    store.conn.execute(f"PRAGMA max_page_count = {pages}")
    yield store
    store.close()


def test_disk_full_during_an_edit_changes_nothing(disk_full):
    store = disk_full
    before = snapshot(store)
    with pytest.raises(StoreError, match="disk holding .* is full; nothing was changed"):
        for n in range(10_000):  # until a page is needed
            store.add_span(1 + n % 150, 0, 7, "quote", note="x" * 500)
    assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert snapshot(store)["articles"] == before["articles"]
    spans = snapshot(store)["spans"]
    assert spans[: len(before["spans"])] == before["spans"]  # every earlier edit is still there


def test_disk_full_during_an_import_stores_none_of_the_file(disk_full, tmp_path):
    store = disk_full
    path = tmp_path / "many.jsonl"
    path.write_text(
        "".join(json.dumps({"text": f"Fresh article {n}. " * 100}) + "\n" for n in range(500)),
        encoding="utf-8",
    )
    before = snapshot(store)
    with pytest.raises(StoreError, match="is full"):
        import_paths(store, [path])
    assert snapshot(store) == before
    assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_our_own_csv_span_table_is_refused_as_articles_and_nothing_is_stored(tmp_path):
    from annotator.core.formats import export

    with Store.open(tmp_path / "a.annotator", annotator="ana") as store:
        (article_id,) = store.add_articles([NewArticle("One", "Lavrov said no.")]).article_ids
        store.add_span(article_id, 0, 6, store.labels()[0].name)
        export(store, "csv", tmp_path / "spans.csv")
    with Store.open(tmp_path / "b.annotator", annotator="ana") as other:
        summary = import_paths(other, [tmp_path / "spans.csv"])
        assert other.article_ids() == []
    assert "spans.csv" in summary.refused[0] and "span table" in summary.refused[0]
