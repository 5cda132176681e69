"""Fuzz every importer with random bytes and with mutated valid files.

A file is either read into articles or refused with `ImportRefused`: never another exception.
Imported through `import_paths`, a refused file leaves the store exactly as it was (no partial
import). CI runs ANNOTATOR_FUZZ_EXAMPLES examples per test (default 100); benchmarks/torture.py
runs thousands.
"""

from __future__ import annotations

import json
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.core.formats import BY_SUFFIX, import_paths, read_file
from annotator.core.importers import ImportRefused
from annotator.core.store import Store

EXAMPLES = int(os.environ.get("ANNOTATOR_FUZZ_EXAMPLES", "100"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
SUFFIXES = sorted(BY_SUFFIX)

SAMPLES = {
    ".txt": "Lavrov warns NATO\n\nThe minister said «the alliance» is 😀.\r\nKyiv answered.\n".encode(),
    ".html": (
        '<html><head><meta charset="utf-8"><title>Talks</title><meta name="author" content="A. B.">'
        "</head><body><h1>Talks</h1><script>alert(1)</script><p>First &amp; second.</p>"
        "<pre>kept\nlines</pre><p>Ça va 😀</p></body></html>"
    ).encode(),
    ".htm": b"<p>Plain <b>page</b> text.</p><p>Second paragraph.</p>",
    ".csv": (
        b'title,text,outlet,extra\nOne,"Body, with comma\nand newline",Paper,x\nTwo,Second body,Daily,\n'
    ),
    ".jsonl": "\n".join(
        json.dumps(record, ensure_ascii=False)
        for record in (
            {"text": "Lavrov said it.", "label": [[0, 6, "actor"], [7, 11, "quote"]]},
            {"text": "Zelensky 😀 spoke", "title": "t", "spans": [{"start": 0, "end": 8, "label": "actor"}]},
            {"text": "Entities here", "entities": [{"start_offset": 0, "end_offset": 8, "label": "claim"}]},
        )
    ).encode()
    + b"\n",
}


def mutate(data: bytes, edits: list[tuple[int, int, int]]) -> bytes:
    """Flip, insert or delete bytes: (kind, position, byte) applied in order."""
    buffer = bytearray(data)
    for kind, position, value in edits:
        at = position % (len(buffer) + 1)
        if kind == 0 and buffer:
            buffer[min(at, len(buffer) - 1)] ^= value or 1
        elif kind == 1:
            buffer[at:at] = bytes([value])
        elif buffer:
            del buffer[min(at, len(buffer) - 1)]
    return bytes(buffer)


edits = st.lists(
    st.tuples(st.integers(0, 2), st.integers(0, 10_000), st.integers(0, 255)), min_size=1, max_size=12
)


def read_or_refuse(path) -> list:
    try:
        articles = read_file(path)
    except ImportRefused as error:
        assert path.name in str(error)  # the message names the file
        assert "\n" not in str(error)  # in one line
        return []
    assert all(article.text.strip() for article in articles)
    for article in articles:
        for span in article.spans:
            assert 0 <= span.start < span.end <= len(article.text)
    return articles


@pytest.mark.parametrize("suffix", SUFFIXES)
@FUZZ
@given(data=st.binary(max_size=2000))
def test_random_bytes_are_read_or_refused(tmp_path, suffix, data):
    path = tmp_path / f"random{suffix}"
    path.write_bytes(data)
    read_or_refuse(path)


@pytest.mark.parametrize("suffix", sorted(SAMPLES))
@FUZZ
@given(changes=edits)
def test_mutated_valid_files_are_read_or_refused(tmp_path, suffix, changes):
    path = tmp_path / f"mutated{suffix}"
    path.write_bytes(mutate(SAMPLES[suffix], changes))
    read_or_refuse(path)


def test_the_samples_are_valid(tmp_path):
    for suffix, data in SAMPLES.items():
        path = tmp_path / f"sample{suffix}"
        path.write_bytes(data)
        assert read_file(path), suffix


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    with Store.open(tmp_path_factory.mktemp("fuzz") / "p.annotator") as store:
        yield store


def counts(store: Store) -> dict:
    return {
        table: store.conn.execute(f"SELECT count(*), coalesce(max(rowid), 0) FROM {table}").fetchone()
        for table in ("articles", "spans", "relations", "labels", "annotators")
    }


@pytest.mark.parametrize("suffix", sorted(SAMPLES))
@FUZZ
@given(changes=edits)
def test_a_refused_file_leaves_the_store_unchanged(tmp_path, store, suffix, changes):
    path = tmp_path / f"import{suffix}"
    path.write_bytes(mutate(SAMPLES[suffix], changes))
    before = counts(store)
    summary = import_paths(store, [path])
    after = counts(store)
    if summary.refused:
        assert after == before
        assert summary.articles == 0
    else:
        assert after["articles"][0] == before["articles"][0] + summary.articles
        assert after["spans"][0] == before["spans"][0] + summary.spans + summary.spans_added
