from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from annotator.cli import cli
from annotator.core.model import NewArticle, NewRelation, NewSpan
from annotator.core.store import Store

TEXT = "Lavrov said 😀 the talks failed.\nقال الوزير"


def run(*args: str, db: Path):
    return CliRunner().invoke(cli, ["--db", str(db), *args], catch_exceptions=False)


def make_project(path: Path) -> None:
    with Store.open(path, annotator="tester") as store:
        spans = (
            NewSpan(0, 6, "actor", {"type": "person"}),
            NewSpan(12, 31, "quote"),
            NewSpan(14, 31, "claim"),
        )
        store.add_articles([NewArticle("One", TEXT, spans=spans, relations=(NewRelation(1, 0, "said_by"),))])


def test_export_brat_folder_then_import_it_with_format(tmp_path):
    db = tmp_path / "p.annotator"
    make_project(db)
    result = run("export", "--format", "brat", "-o", str(tmp_path / "brat"), db=db)
    assert result.exit_code == 0, result.output
    assert "left out: brat:" in result.output and "annotator names" in result.output
    assert (tmp_path / "brat" / "annotation.conf").is_file()
    copy = tmp_path / "copy.annotator"
    result = run("import", "--format", "brat", str(tmp_path / "brat"), db=copy)
    assert result.exit_code == 0, result.output
    with Store.open(copy) as store:
        [article_id] = store.article_ids()
        spans = store.spans(article_id)
        assert [(s.start, s.end, s.label) for s in spans] == [
            (0, 6, "actor"),
            (12, 31, "quote"),
            (14, 31, "claim"),
        ]
        assert spans[0].attributes == {"type": "person"}
        [relation] = store.relations(article_id)
    assert (relation.from_span, relation.to_span, relation.type) == (spans[1].id, spans[0].id, "said_by")


def test_export_binary_format_to_stdout_is_refused(tmp_path):
    db = tmp_path / "p.annotator"
    make_project(db)
    result = run("export", "--format", "qdpx", "-o", "-", db=db)
    assert result.exit_code != 0 and "give a path with -o" in result.output


def test_import_label_studio_mismatch_is_refused_then_realigned(tmp_path):
    path = tmp_path / "tasks.json"
    value = {"start": 0, "end": 6, "text": "talks", "labels": ["claim"]}
    task = {
        "data": {"text": "The talks failed"},
        "annotations": [{"result": [{"id": "a", "type": "labels", "value": value}]}],
    }
    path.write_text(json.dumps([task]), encoding="utf-8")
    db = tmp_path / "p.annotator"
    refused = run("import", "--format", "label-studio", str(path), db=db)
    assert refused.exit_code == 1 and "tasks.json: task 1 annotation 1 result 1" in refused.output
    with Store.open(db) as store:
        assert store.article_count() == 0
    realigned = run("import", "--format", "label-studio", "--realign", str(path), db=db)
    assert realigned.exit_code == 0 and "note: tasks.json" in realigned.output
    with Store.open(db) as store:
        [span] = store.spans(store.article_ids()[0])
    assert (span.start, span.end) == (4, 9)


def test_suffix_import_of_our_jsonl_keeps_relations(tmp_path):
    db = tmp_path / "p.annotator"
    make_project(db)
    assert run("export", "-o", str(tmp_path / "out.jsonl"), db=db).exit_code == 0
    copy = tmp_path / "copy.annotator"
    assert run("import", str(tmp_path / "out.jsonl"), db=copy).exit_code == 0
    with Store.open(copy) as store:
        [relation] = store.relations(store.article_ids()[0])
        assert (store.span(relation.from_span).label, store.span(relation.to_span).label) == (
            "quote",
            "actor",
        )


def test_export_to_standard_output_reports_what_it_left_out_like_a_file(tmp_path):
    db = tmp_path / "p.annotator"
    make_project(db)
    to_file = run("export", "--format", "csv", "-o", str(tmp_path / "out.csv"), db=db)
    to_stdout = run("export", "--format", "csv", "-o", "-", db=db)
    left_out = [line for line in to_file.output.splitlines() if "left out:" in line]
    assert left_out and "relations" in left_out[0]
    assert left_out == [line for line in to_stdout.output.splitlines() if "left out:" in line]
