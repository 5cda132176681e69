"""doccano/JSONL files as doccano and colleagues write them, and what `export` chooses and writes."""

from __future__ import annotations

import csv
import json
import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.core.agreement import ALL
from annotator.core.model import NewArticle, NewSpan, Status
from annotator.core.store import Store

TEXT = "Lavrov said the alliance is a threat. Stoltenberg disagreed with him."


def run(*args: str, db: Path):
    return CliRunner().invoke(cli, ["--db", str(db), *args], catch_exceptions=False)


def lines(path: Path, *records) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records), "utf-8")
    return path


def stored(db: Path) -> list[tuple[str, list[tuple[int, int, str]]]]:
    with Store.open(db) as store:
        return [
            (store.article(i).text, [(s.start, s.end, s.label) for s in store.spans(i)])
            for i in store.article_ids()
        ]


BAD_IN_THE_MIDDLE = (
    {"text": "First good.", "label": [[0, 5, "claim"]]},
    {"content": "no text key here"},
    {"text": "Second good.", "label": [[0, 6, "claim"]]},
)


def test_a_bad_record_refuses_the_file_by_default_and_says_how_to_keep_the_rest(tmp_path):
    data = lines(tmp_path / "data.jsonl", *BAD_IN_THE_MIDDLE)
    result = run("import", "--format", "doccano", str(data), db=tmp_path / "p.annotator")
    assert result.exit_code == 1
    assert "data.jsonl line 2: no string 'text' field (--skip-bad imports the other records)" in result.output
    assert stored(tmp_path / "p.annotator") == []


def test_skip_bad_imports_the_good_records_and_lists_the_bad_lines(tmp_path):
    data = lines(tmp_path / "data.jsonl", *BAD_IN_THE_MIDDLE, "{not json")
    result = run("import", "--format", "doccano", "--skip-bad", str(data), db=tmp_path / "p.annotator")
    assert result.exit_code == 0, result.output
    assert "Imported 2 articles with 2 spans" in result.output
    assert "note: data.jsonl line 2: no string 'text' field (skipped)" in result.output
    assert "note: data.jsonl line 4: not valid JSON" in result.output
    assert stored(tmp_path / "p.annotator") == [
        ("First good.", [(0, 5, "claim")]),
        ("Second good.", [(0, 6, "claim")]),
    ]


def test_text_and_label_fields_can_be_named_as_in_doccano_import(tmp_path):
    data = lines(
        tmp_path / "data.jsonl",
        {"content": "Lavrov spoke.", "entities_x": [[0, 6, "actor"]], "text": "kept as metadata", "k": 1},
    )
    result = run(
        "import", "--format", "doccano", "--text-field", "content", "--label-field", "entities_x",
        str(data), db=tmp_path / "p.annotator",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert stored(tmp_path / "p.annotator") == [("Lavrov spoke.", [(0, 6, "actor")])]
    with Store.open(tmp_path / "p.annotator") as store:
        meta = store.article(store.article_ids()[0]).meta
    assert meta == {"text": "kept as metadata", "k": 1}


def test_record_options_without_a_jsonl_format_are_refused(tmp_path):
    data = lines(tmp_path / "data.jsonl", {"text": "x"})
    result = run("import", "--skip-bad", str(data), db=tmp_path / "p.annotator")
    assert result.exit_code == 2 and "need --format jsonl or doccano" in result.output


def test_format_decides_whatever_the_suffix(tmp_path):
    db = tmp_path / "p.annotator"
    with Store.open(db) as store:
        store.add_articles([NewArticle("t", TEXT, spans=(NewSpan(0, 6, "actor"),))])
    out = tmp_path / "out"
    assert run("export", "--format", "doccano", "-o", str(out), db=db).exit_code == 0
    result = run("import", "--format", "doccano", str(out), db=tmp_path / "copy.annotator")
    assert result.exit_code == 0, result.output
    assert stored(tmp_path / "copy.annotator") == [(TEXT, [(0, 6, "actor")])]
    table = tmp_path / "articles.dat"
    table.write_text("title,text\nT,Some text.\n", "utf-8")
    result = run("import", "--format", "csv", str(table), db=tmp_path / "copy.annotator")
    assert result.exit_code == 0 and "Imported 1 article " in result.output


def test_statuses_travel_with_the_annotator_so_agreement_works_on_imported_files(tmp_path):
    """Two analysts' doccano files, each imported under its analyst's name, merged by the lead."""
    for name, label in (("ana", [[0, 6, "actor"]]), ("bob", [[0, 6, "actor"], [38, 49, "actor"]])):
        data = lines(tmp_path / f"{name}.jsonl", {"text": TEXT, "label": label, "status": "done"})
        result = run("--annotator", name, "import", str(data), db=tmp_path / f"{name}.annotator")
        assert result.exit_code == 0, result.output
        with Store.open(tmp_path / f"{name}.annotator") as store:
            assert list(store.annotator_status(name).values()) == [Status.DONE]
    lead = tmp_path / "lead.annotator"
    projects = [str(tmp_path / f"{name}.annotator") for name in ("ana", "bob")]
    merged = run("merge", "--add-articles", *projects, db=lead)
    assert merged.exit_code == 0, merged.output
    result = run("agreement", "--csv", str(tmp_path / "a.csv"), db=lead)
    assert result.exit_code == 0, result.output
    with (tmp_path / "a.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    [row] = [r for r in rows if r["label"] == ALL and r["annotators"] == "ana+bob"]
    assert (row["articles"], row["spans_a"], row["spans_b"]) == ("1", "1", "2")
    assert float(row["exact_precision"]) * float(row["exact_recall"]) == 0.5


def test_doccano_export_writes_the_same_keys_on_every_line(tmp_path):
    db = tmp_path / "p.annotator"
    with Store.open(db) as store:
        store.add_articles([
            NewArticle("with", TEXT, outlet="Reuters", meta={"section": "world"}),
            NewArticle("without", "Another text."),
        ])  # fmt: skip
    for fmt in ("doccano", "doccano-relations"):
        out = tmp_path / f"{fmt}.jsonl"
        assert run("export", "--format", fmt, "-o", str(out), db=db).exit_code == 0
        records = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
        assert len({tuple(record) for record in records}) == 1, records
        assert records[1]["meta"] == {} and records[1]["outlet"] == ""


@pytest.mark.parametrize(
    ("args", "name", "kind"),
    [
        ((), "data.csv", "csv"),
        ((), "tasks.json", "label-studio"),
        ((), "data", "jsonl"),
        (("--format", "doccano"), "data.jsonl", "doccano"),
        (("--format", "brat"), "corpus", "brat"),
    ],
)
def test_the_output_suffix_names_the_format_when_none_is_given(tmp_path, args, name, kind):
    db = tmp_path / "p.annotator"
    with Store.open(db) as store:
        store.add_articles([NewArticle("t", TEXT, spans=(NewSpan(0, 6, "actor"),))])
    out = tmp_path / name
    result = run("export", *args, "-o", str(out), db=db)
    assert result.exit_code == 0, result.output
    if kind == "csv":
        assert out.read_text("utf-8").startswith("article_id,")
    elif kind == "label-studio":
        assert json.loads(out.read_text("utf-8"))[0]["data"]["text"] == TEXT
    elif kind == "brat":
        assert (out / "annotation.conf").is_file()
    else:
        record = json.loads(out.read_text("utf-8"))
        assert ("spans" in record) == (kind == "jsonl") and ("label" in record) == (kind == "doccano")


@pytest.mark.parametrize(
    ("args", "name", "message"),
    [
        (("--format", "doccano"), "data.csv", "looks like csv (.csv) but --format is doccano"),
        (("--format", "brat"), "corpus.jsonl", "looks like jsonl (.jsonl) but --format is brat"),
        ((), "data.xlsx", "Name it with --format"),
    ],
)
def test_a_suffix_contradicting_the_format_is_refused(tmp_path, args, name, message):
    db = tmp_path / "p.annotator"
    Store.open(db).close()
    result = run("export", *args, "-o", str(tmp_path / name), db=db)
    assert result.exit_code == 2 and message in result.output
    assert not (tmp_path / name).exists()


@pytest.mark.parametrize(
    ("umask", "file_mode", "folder_mode"), [(0o022, 0o644, 0o755), (0o077, 0o600, 0o700)]
)
def test_exports_honour_the_umask(tmp_path, umask, file_mode, folder_mode):
    db = tmp_path / "p.annotator"
    with Store.open(db) as store:
        store.add_articles([NewArticle("t", TEXT, spans=(NewSpan(0, 6, "actor"),))])
    old = os.umask(umask)
    try:
        outputs = (("jsonl", "a.jsonl"), ("label-studio", "b.json"), ("qdpx", "c.qdpx"), ("brat", "d"))
        for fmt, name in outputs:
            assert run("export", "--format", fmt, "-o", str(tmp_path / name), db=db).exit_code == 0
    finally:
        os.umask(old)

    def mode(path: Path) -> int:
        return stat.S_IMODE(path.stat().st_mode)

    assert [mode(tmp_path / n) for n in ("a.jsonl", "b.json", "b.xml", "c.qdpx")] == [file_mode] * 4
    assert mode(tmp_path / "d") == folder_mode
    assert {mode(p) for p in (tmp_path / "d").iterdir()} == {file_mode}


def test_a_lead_imports_two_analysts_files_into_one_project_and_agreement_compares_them(tmp_path):
    """Both files hold the same article: the second adds its spans, relation and done-status to it."""
    lead = tmp_path / "lead.annotator"
    ana = lines(
        tmp_path / "ana.jsonl",
        {"text": TEXT, "label": [[0, 6, "actor"]], "status": "done"},
        {"text": "No spans here."},
    )
    entities = [
        {"id": 1, "label": "actor", "start_offset": 0, "end_offset": 6},
        {"id": 2, "label": "actor", "start_offset": 38, "end_offset": 49},
    ]
    relations = [{"id": 1, "from_id": 2, "to_id": 1, "type": "disagrees"}]
    bob = lines(
        tmp_path / "bob.jsonl",
        {"text": TEXT, "entities": entities, "relations": relations, "status": "done"},
        {"text": "No spans here.", "status": "done"},  # no spans: a plain duplicate, as before
    )
    assert run("--annotator", "ana", "import", str(ana), db=lead).exit_code == 0
    bad = lines(
        tmp_path / "bad.jsonl",
        {"text": TEXT, "label": [[38, 49, "actor"]]},
        {"text": "x", "label": [[0, 9, "a"]]},
    )
    assert run("--annotator", "bob", "import", str(bad), db=lead).exit_code != 0
    assert [len(spans) for _, spans in stored(lead)] == [1, 0]  # atomic per file: nothing added
    result = run("--annotator", "bob", "import", str(bob), db=lead)
    assert result.exit_code == 0, result.output
    assert "2 spans added to 1 article already stored" in result.output
    assert "skipped 1 duplicate;" in result.output
    with Store.open(lead) as store:
        [first, _] = store.article_ids()
        assert sorted((s.start, s.end, s.annotator) for s in store.spans(first)) == [
            (0, 6, "ana"), (0, 6, "bob"), (38, 49, "bob"),
        ]  # fmt: skip
        assert [r.type for r in store.relations(first)] == ["disagrees"]
        assert store.annotator_status("bob") == {first: Status.DONE}
    result = run("agreement", "--csv", str(tmp_path / "a.csv"), db=lead)
    assert result.exit_code == 0, result.output
    with (tmp_path / "a.csv").open(encoding="utf-8") as handle:
        [row] = [r for r in csv.DictReader(handle) if r["label"] == ALL and r["annotators"] == "ana+bob"]
    assert (row["articles"], row["spans_a"], row["spans_b"]) == ("1", "1", "2")
    again = run("--annotator", "bob", "import", str(bob), db=lead)
    assert again.exit_code == 0, again.output
    assert "Imported 0 articles with 0 spans; skipped 2 duplicates" in again.output
    assert "already stored" not in again.output
    with Store.open(lead) as store:
        assert len(store.spans(first)) == 3 and len(store.relations(first)) == 1
