"""The fast JSONL export (`Store.iter_records` with its shared attribute dicts, bytes written a
megabyte at a time) writes byte for byte what the JSONL writer makes of the row objects
(`Store.iter_annotated`), on text and values chosen to break a JSON writer or an offset count:
quotes, backslashes, every control character, line separators, astral characters, RTL marks,
CR, a NUL; numbers of every spelling in attributes; damaged rows; every filter."""

from __future__ import annotations

import io
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.core.errors import DamagedRow
from annotator.core.formats import export, jsonl
from annotator.core.formats.common import WriteOptions
from annotator.core.model import NewArticle, NewRelation, NewSpan, Status
from annotator.core.store import Store, reads

CONTROLS = "".join(chr(code) for code in range(1, 0x20)) + "\x7f"
HOSTILE = [
    'Quote " backslash \\ slash / "\\" and \\u2028 written out, then a tab\tand a bell\x07.',
    f"Controls {CONTROLS} then words after them.",
    "Separators: a\u2028b\u2029c\x85d, and again \u2028\u2028 at the end\u2029",
    "Astral: 😀 🇺🇦🇷🇺 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 \U0010fffd and 👩\u200d👩\u200d👧 family.",
    "RTL: \u202eabc\u202c قال الوزير \u05d4\u05e9\u05e8 mixed 123 and \u200f marks.",
    "Combining: cafe\u0301 n\u0303 Z\u0351\u0324a\u0300lgo; BOM \ufeff inside; CR\r and CRLF\r\nhere.",
    "Before a NUL\x00 and after it, words that spans cover too.",
    "Plain ASCII text that only has ordinary words in it, for once.",
]
ATTRIBUTES = [
    {},
    {"kind": "direct"},
    {"n": 1, "neg": -2, "big": 10**30, "f": 0.5, "g": 1.0, "h": -0.0, "list": [1, "two", None, True]},
    {"exp": 1e16, "small": 1e-7, "huge": 1.5e300},  # numbers Python and SQLite spell differently
    {"nested": {"deep": [{"é": '\u2028"\\'}]}, "ünïcode kéy": "😀", "": ""},
    {"looks": "NaN", "too": "Infinity", "digits": "3e5"},
    {"ctrl": CONTROLS, "quote": '"', "ws": " \t\n"},
]
LABELS = ["claim", 'quote "q"', "actör\\", "😀 label"]


def hostile_store(path: Path) -> Store:
    store = Store.open(path, annotator='ana "x"\u2028')
    articles = []
    for number, text in enumerate(HOSTILE):
        spans, relations = [], []
        for index in range(0, len(text) - 3, 4):  # overlapping spans, equal starts too
            attributes = ATTRIBUTES[(number + index) % len(ATTRIBUTES)]
            note = ["", "note\u2028with\x85separators", 'a "note" \\ 😀'][index % 3]
            spans.append(NewSpan(index, index + 3, LABELS[index % 4], attributes, note, "bob\x01"))
            spans.append(NewSpan(index, index + 7 if index + 7 <= len(text) else len(text), LABELS[0]))
        for index in range(0, len(spans) - 2, 3):
            relations.append(NewRelation(index, index + 2, ["said_by", 'ty"pe\u2028'][index % 2]))
        articles.append(
            NewArticle(
                title=f'T{number} "q" \\ \u2028 😀',
                text=text,
                outlet=["", "Daily", "Wire \u2029"][number % 3],
                author="Ann" if number % 2 else "",
                url='https://example.org/?a=1&b="2"' if number == 1 else "",
                meta=[{}, {"outlet": "meta's own", "x": [1, 2]}, {"k": "\u2028", "n": 10**25}][number % 3],
                spans=tuple(spans),
                relations=tuple(relations),
                status=list(Status)[number % len(Status)],
            )
        )
    store.add_articles(articles)
    store.add_articles([NewArticle("No spans", "An article nobody tagged.")])
    return store


def object_lines(store: Store, **filters) -> bytes:
    out = io.StringIO(newline="")
    jsonl.write(store.iter_annotated(**filters), out, WriteOptions())
    return out.getvalue().encode()


def exported_lines(store: Store, **filters) -> bytes:
    out = io.BytesIO()
    stream = io.TextIOWrapper(out, encoding="utf-8", newline="")
    summary = export(store, "jsonl", stream, **filters)
    stream.flush()
    assert summary.spans == sum(len(json.loads(line)["spans"]) for line in out.getvalue().splitlines())
    return out.getvalue()


FILTERS = [
    {},
    {"status": [Status.DONE, Status.NEW]},
    {"labels": ["claim"]},
    {"labels": ['quote "q"', "😀 label"]},
    {"annotator": "bob\x01"},
    {"annotator": "nobody"},
    {"status": [Status.IN_PROGRESS], "labels": ["claim"], "annotator": 'ana "x"\u2028'},
]


@pytest.mark.parametrize("filters", FILTERS)
def test_the_fast_export_writes_what_the_object_path_writes(tmp_path: Path, filters):
    with hostile_store(tmp_path / "p.annotator") as store:
        expected = object_lines(store, **filters)
        assert exported_lines(store, **filters) == expected
    written = [json.loads(line) for line in expected.decode().split("\n") if line]
    assert written or filters.get("annotator") == "nobody"
    assert "\u2028" not in expected.decode() and "\x85" not in expected.decode()
    for record in written:
        for span in record["spans"]:  # invariant 1
            assert span["text"] == record["text"][span["start"] : span["end"]]
        ids = {span["id"] for span in record["spans"]}
        assert all(r["from"] in ids and r["to"] in ids for r in record["relations"])


def test_raw_control_characters_stored_before_import_replaced_them(tmp_path: Path):
    """A project from before controls became stand-ins at import may hold them raw, NUL too."""
    with hostile_store(tmp_path / "p.annotator") as store:
        store.conn.execute(
            "UPDATE articles SET text = replace(replace(text, char(0x2400), char(0)), char(0x2407), char(7))"
        )
        store.conn.execute("UPDATE spans SET note = char(0, 1, 31) WHERE id % 5 = 0")
        lines = exported_lines(store)
        assert lines == object_lines(store)
    assert b"a NUL\\u0000 and" in lines and b"\\u0000\\u0001\\u001f" in lines


def test_spans_sharing_attributes_share_a_dict_and_memory_stays_bounded(tmp_path: Path, monkeypatch):
    with hostile_store(tmp_path / "p.annotator") as store:
        records = list(store.iter_records())
        by_text = {}
        for record in records:
            for span in record.spans:
                by_text.setdefault(json.dumps(span[4], sort_keys=True), set()).add(id(span[4]))
        assert all(len(dicts) == 1 for dicts in by_text.values())  # each set decoded once
        expected = object_lines(store)
        monkeypatch.setattr(reads, "_DECODED_KEPT", 2)  # forgotten and decoded again: same bytes
        assert exported_lines(store) == expected


def test_the_store_refuses_a_lone_surrogate_in_text(tmp_path: Path):
    """So no article text, title or note reaches SQLite's JSON writer with one."""
    with Store.open(tmp_path / "p.annotator") as store, pytest.raises(UnicodeEncodeError):
        store.add_articles([NewArticle("x", "a lone \ud800 surrogate")])


SPAN_DAMAGE = {
    "attributes not JSON": ("{bad", "the attributes of span 1 cannot be read as JSON"),
    "attributes NaN": ('{"a": NaN}', "the attributes of span 1 cannot be read as JSON (NaN"),
    "attributes 1e999": ('{"a": 1e999}', "the attributes of span 1 cannot be read as JSON (1e999"),
    "attributes a list": ("[1]", "the attributes of span 1 should be a JSON object"),
    "attributes a string": ('"x"', "the attributes of span 1 should be a JSON object"),
}


@pytest.mark.parametrize("case", SPAN_DAMAGE)
def test_damaged_span_attributes_stop_the_export_naming_the_span(tmp_path: Path, case):
    stored, says = SPAN_DAMAGE[case]
    with Store.open(tmp_path / "p.annotator") as store:
        store.add_articles([NewArticle("One", "Lavrov said hello.", spans=(NewSpan(0, 6, "actor"),))])
    conn = sqlite3.connect(tmp_path / "p.annotator")
    conn.execute("UPDATE spans SET attributes = ?", [stored])
    conn.commit()
    conn.close()
    with Store.open(tmp_path / "p.annotator", read_only=True) as store, pytest.raises(DamagedRow) as raised:
        exported_lines(store)
    assert says in str(raised.value)


@pytest.mark.parametrize("filters", FILTERS[:4] + FILTERS[6:])
def test_worker_processes_write_what_one_process_writes(tmp_path: Path, monkeypatch, filters):
    """A big export is written by worker processes, a range of articles each (forced here with
    `parallel_from=1`): the same bytes, to a stream and to a path, and no temporary left."""
    monkeypatch.setattr(os, "cpu_count", lambda: 2)  # workers on a one-core machine too
    with hostile_store(tmp_path / "p.annotator") as store:
        ranges = store.article_ranges(8)  # several ranges, so the joins are tested
        assert len(ranges) == 8 and len(store.article_ranges(100)) <= 9  # 8 articles have spans
        assert all(ranges[n][1] + 1 == ranges[n + 1][0] for n in range(7))  # every id, once
        expected = exported_lines(store, **filters)
        out = io.BytesIO()
        stream = io.TextIOWrapper(out, encoding="utf-8", newline="")
        summary = export(store, "jsonl", stream, parallel_from=1, **filters)
        stream.flush()
        assert out.getvalue() == expected
        assert summary.spans == sum(len(json.loads(line)["spans"]) for line in expected.splitlines())
        (tmp_path / "out").mkdir()
        export(store, "jsonl", tmp_path / "out" / "e.jsonl", parallel_from=1, **filters)
    assert (tmp_path / "out" / "e.jsonl").read_bytes() == expected
    assert [path.name for path in (tmp_path / "out").iterdir()] == ["e.jsonl"]


def test_a_damaged_row_read_by_a_worker_stops_the_export_with_no_output(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    with hostile_store(tmp_path / "p.annotator") as store:
        last = store.conn.execute("SELECT max(id) FROM spans").fetchone()[0]
    conn = sqlite3.connect(tmp_path / "p.annotator")
    conn.execute("UPDATE spans SET attributes = '{bad' WHERE id = ?", [last])
    conn.commit()
    conn.close()
    (tmp_path / "out").mkdir()
    with Store.open(tmp_path / "p.annotator", read_only=True) as store:
        with pytest.raises(DamagedRow) as one_process:
            export(store, "jsonl", tmp_path / "out" / "e.jsonl")
        with pytest.raises(DamagedRow) as workers:
            export(store, "jsonl", tmp_path / "out" / "e.jsonl", parallel_from=1)
    assert str(workers.value) == str(one_process.value)
    assert f"the attributes of span {last} cannot be read as JSON" in str(workers.value)
    assert list((tmp_path / "out").iterdir()) == []


def test_a_script_without_a_main_guard_gets_a_message_not_a_hang(tmp_path: Path):
    """Spawned workers import the script that exports: without `if __name__ == "__main__":` they
    export again and die starting workers of their own; the export says so and stops."""
    hostile_store(tmp_path / "p.annotator").close()
    script = tmp_path / "unguarded.py"
    script.write_text(
        "import os, sys\n"
        "os.cpu_count = lambda: 2\n"
        "from annotator.core.formats import export\n"
        "from annotator.core.store import Store\n"
        f"store = Store.open({str(tmp_path / 'p.annotator')!r}, read_only=True)\n"
        f"export(store, 'jsonl', {str(tmp_path / 'out.jsonl')!r}, parallel_from=1)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])}
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode != 0
    assert "StoreError: A worker process of the export stopped" in done.stderr
    assert not (tmp_path / "out.jsonl").exists()  # (a worker killed while it ran the script's
    # own export may leave its temporary, removed by a later export once an hour old)
