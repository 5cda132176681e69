"""Hostile and malformed files for every importer (issue 11, items 8–10): each is refused in one
line naming the file, and never stops the other files of the same import or its summary."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile

import pytest

from annotator.core.formats import FORMATS, conll, import_paths, read_file
from annotator.core.importers import ImportRefused
from annotator.core.search import fts_query, words_left_out
from annotator.core.store import Store

DEEP = 100_000
PROJECT = '<Project xmlns="urn:QDA-XML:project:1.0">{}</Project>'
GOOD_TASK = [{"data": {"text": "A good article that imports."}}]


def task(result, **data):
    return [{"data": {"text": "hello world", **data}, "annotations": [{"result": result}]}]


def labels(region: str, start: int, end: int, **extra):
    text = "hello world"[start:end]
    value = {"start": start, "end": end, "text": text, "labels": ["actor"]}
    return {"id": region, "type": "labels", "value": value, **extra}


LABEL_STUDIO = {
    "deep": "[{" + '"data": {"text": "x"}, "annotations": ' + "[" * DEEP + "]" * DEEP + "}]",
    "meta_text_number": json.dumps(task([labels("a", 0, 5, meta={"text": 5})])),
    "relation_labels_number": json.dumps(
        task(
            [
                labels("a", 0, 5),
                labels("b", 6, 11),
                {"type": "relation", "from_id": "a", "to_id": "b", "labels": 7},
            ]
        )
    ),
}


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "p.annotator", annotator="ana") as store:
        yield store


@pytest.mark.parametrize("case", LABEL_STUDIO)
def test_a_malformed_label_studio_file_is_refused_and_the_next_file_imports(store, tmp_path, case):
    bad = tmp_path / f"{case}.json"
    bad.write_text(LABEL_STUDIO[case], encoding="utf-8")
    good = tmp_path / "good.json"
    good.write_text(json.dumps(GOOD_TASK), encoding="utf-8")
    summary = import_paths(store, [bad, good], "label-studio")
    (line,) = summary.refused
    assert line.startswith(f"{case}.json")
    assert summary.articles == 1 and store.article_count() == 1


@pytest.mark.parametrize("status", [["done"], {"done": 1}, 7, "finished"])
def test_a_label_studio_status_that_is_not_ours_is_kept_in_the_metadata(store, tmp_path, status):
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps(task([], status=status)), encoding="utf-8")
    summary = import_paths(store, [path], "label-studio")
    assert summary.refused == [] and summary.articles == 1
    article = store.article(store.article_ids()[0])
    assert str(article.status) == "new" and article.meta["status"] == status


@pytest.mark.parametrize("ends", [([1], 2), (1, {"id": 2}), ([1], [2])])
def test_a_jsonl_relation_with_a_list_as_span_id_is_refused(store, tmp_path, ends):
    record = {
        "text": "hello world",
        "spans": [
            {"id": 1, "start": 0, "end": 5, "label": "actor"},
            {"id": 2, "start": 6, "end": 11, "label": "actor"},
        ],
        "relations": [{"from": ends[0], "to": ends[1], "type": "said_by"}],
    }
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(record) + "\n", encoding="utf-8")
    good = tmp_path / "good.txt"
    good.write_text("A good article.", encoding="utf-8")
    summary = import_paths(store, [bad, good])
    (line,) = summary.refused
    assert line.startswith("bad.jsonl line 1: relation 1")
    assert summary.articles == 1


def test_a_jsonl_span_with_a_list_as_id_is_refused(store, tmp_path):
    record = {"text": "hello world", "spans": [{"id": [1], "start": 0, "end": 5, "label": "actor"}],
              "relations": [{"from": 1, "to": 1, "type": "x"}]}  # fmt: skip
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(record) + "\n", encoding="utf-8")
    (line,) = import_paths(store, [bad]).refused
    assert line.startswith("bad.jsonl line 1: span 1")


def qdpx(path, project: str, members: dict[str, bytes] | None = None):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", project)
        for name, data in (members or {}).items():
            archive.writestr(name, data)
    return path


def test_refi_qda_with_100000_nested_codes_is_refused_or_read(store, tmp_path):
    codes = '<Code guid="g{0}" name="c{0}" isCodable="true">'
    nested = "".join(codes.format(n) for n in range(DEEP)) + "</Code>" * DEEP
    bad = qdpx(tmp_path / "deep.qdpx", PROJECT.format(f"<CodeBook><Codes>{nested}</Codes></CodeBook>"))
    summary = import_paths(store, [bad], "qdpx")
    assert summary.articles == 0
    assert len(summary.refused) <= 1 and all(line.startswith("deep.qdpx") for line in summary.refused)


def test_spacy_import_without_spacy_is_refused_clearly(store, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "spacy", None)  # import spacy → ImportError
    path = tmp_path / "corpus.spacy"
    path.write_bytes(b"\x00")
    (line,) = import_paths(store, [path], "spacy").refused
    assert line == "corpus.spacy: the spaCy format needs the spacy package (pip install spacy)"


def test_a_reader_that_fails_unexpectedly_stops_only_its_file(store, tmp_path, monkeypatch):
    def broken(path, options):
        raise AttributeError("'NoneType' object has no attribute 'split'")
        yield

    monkeypatch.setattr(conll, "read", broken)  # the registry imports a format's reader when used
    one, two = tmp_path / "one.conll", tmp_path / "two.conll"
    one.write_text("a\tO\n", encoding="utf-8")
    two.write_text("b\tO\n", encoding="utf-8")
    summary = import_paths(store, [one, two], "conll")
    assert [line.split(":")[0] for line in summary.refused] == ["one.conll", "two.conll"]
    assert "could not be read" in summary.refused[0]


# ----------------------------------------------------------------------------- non-regular files
@pytest.mark.parametrize("name", sorted(n for n, f in FORMATS.items() if f.reader))
def test_a_fifo_is_refused_by_every_format_without_blocking(store, tmp_path, name):
    folder = tmp_path / "in"
    folder.mkdir()
    suffix = FORMATS[name].inputs[0]
    os.mkfifo(folder / f"pipe{suffix}")
    os.mkfifo(tmp_path / f"given{suffix}")
    summary = import_paths(store, [folder, tmp_path / f"given{suffix}"], name)
    pipes = [folder / f"pipe{suffix}", tmp_path / f"given{suffix}"]
    assert sorted(summary.refused) == sorted(f"{pipe}: not a regular file" for pipe in pipes)


# ----------------------------------------------------------------------------- zip bombs


def test_a_qdpx_whose_project_expands_a_thousand_times_is_refused(store, tmp_path):
    bomb = qdpx(tmp_path / "bomb.qdpx", PROJECT.format(" " * 64 * 2**20))
    assert bomb.stat().st_size < 2**20
    (line,) = import_paths(store, [bomb], "qdpx").refused
    assert line.startswith("bomb.qdpx: project.qde would expand ")
    assert line.endswith("times when unpacked (at most 100 is accepted): the archive looks like a zip bomb")


def test_a_qdpx_source_over_the_size_cap_is_refused_before_unpacking(store, tmp_path, monkeypatch):
    from annotator.core.formats import refi_qda

    monkeypatch.setattr(refi_qda, "MAX_SOURCE_BYTES", 2**20)
    source = '<Sources><TextSource guid="s" name="big" plainTextPath="internal://big.txt"/></Sources>'
    text = os.urandom(2**20).hex().encode()  # 2 MB that does not compress away
    path = qdpx(tmp_path / "big.qdpx", PROJECT.format(source), {"sources/big.txt": text})
    (line,) = import_paths(store, [path], "qdpx").refused
    assert line == "big.qdpx: sources/big.txt unpacks to 2 MB (the limit is 1 MB)"


# ----------------------------------------------------------------------------- work bounds
def test_a_csv_with_100000_columns_imports_in_linear_time(tmp_path):
    """Run in a child with a deadline: the duplicate-column check was quadratic (> 120 s here)."""
    columns = [f"c{n}" for n in range(100_000)]
    path = tmp_path / "wide.csv"
    path.write_text(",".join([*columns, "text"]) + "\n" + "x," * 100_000 + "the text\n", encoding="utf-8")
    code = (
        "import sys; from pathlib import Path; from annotator.core.formats import read_file\n"
        "(article,) = read_file(Path(sys.argv[1])); print(article.text, len(article.meta))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.split() == ["the", "text", "100000"]


def test_a_csv_with_a_repeated_column_among_100000_names_it(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text(",".join(f"c{n % 50_000}" for n in range(100_000)) + ",text\nx\n", encoding="utf-8")
    with pytest.raises(ImportRefused, match=r"wide.csv line 1: column 'c0' appears more than once"):
        read_file(path)


def test_a_word_repeated_1500_times_is_searched_once():
    assert fts_query("said " * 1500) == '"said"'
    assert fts_query("Said said SAID* said*") == '"Said" "said" "SAID"* "said"*'


def test_a_query_searches_at_most_16_distinct_words():
    words = [f"w{n}" for n in range(100)]
    assert fts_query(" ".join(words)) == " ".join(f'"{word}"' for word in words[:16])
    assert fts_query("a" * 10_000 + " b") == '"' + "a" * 1000 + '"'  # only the first 1,000 characters
    assert words_left_out(" ".join(words)) == 84
    assert words_left_out("said " * 1500) == 0 and words_left_out("a b c") == 0
    assert words_left_out(" ".join(words[:16] + words[:16] + ["w99"])) == 1  # repeats are searched once
