"""The team commands: merge, annotators, export --annotator, agreement."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from click.testing import CliRunner

from annotator.cli import cli
from annotator.core.model import NewArticle, Status
from annotator.core.store import Store

TEXT = "Lavrov said the alliance is a threat. Stoltenberg disagreed with him."
OTHER = "Protesters gathered outside parliament on Monday."


def run(*args: str, db: Path):
    return CliRunner().invoke(cli, ["--db", str(db), *args], catch_exceptions=False)


def project(path: Path, annotator: str, pieces: list[tuple[str, str]], texts=(TEXT,), done=True) -> Path:
    with Store.open(path, annotator=annotator) as store:
        store.add_articles([NewArticle(f"t{i}", text) for i, text in enumerate(texts)])
        first = store.article_ids()[0]
        for piece, label in pieces:
            start = TEXT.index(piece)
            store.add_span(first, start, start + len(piece), label)
        if done:
            for article_id in store.article_ids():
                store.set_status(article_id, Status.DONE)
    return path


def rows(db: Path) -> list[tuple]:
    with Store.open(db) as store:
        return store.conn.execute(
            'SELECT a.content_hash, s.start, s."end", l.name, s.annotator FROM spans s '
            "JOIN articles a ON a.id = s.article_id JOIN labels l ON l.id = s.label_id ORDER BY 1, 2, 3, 4, 5"
        ).fetchall()


def test_merge_adds_spans_reports_unknown_and_is_idempotent(tmp_path):
    lead = project(tmp_path / "lead.annotator", "lead", [])
    ana = project(tmp_path / "ana.annotator", "ana", [("Lavrov", "actor")], texts=(TEXT, OTHER))
    result = run("merge", str(ana), db=lead)
    assert result.exit_code == 0, result.output
    assert "added 1 span" in result.output
    assert "1 article unknown here" in result.output and "t1" in result.output
    merged = rows(lead)
    assert [(r[1], r[2], r[3], r[4]) for r in merged] == [(0, 6, "actor", "ana")]
    again = run("merge", str(ana), db=lead)
    assert again.exit_code == 0 and "added 0 spans" in again.output and "skipped 1 span" in again.output
    assert rows(lead) == merged


def test_merge_with_add_articles(tmp_path):
    lead = project(tmp_path / "lead.annotator", "lead", [])
    ana = project(tmp_path / "ana.annotator", "ana", [("Lavrov", "actor")], texts=(TEXT, OTHER))
    result = run("merge", "--add-articles", str(ana), db=lead)
    assert result.exit_code == 0, result.output
    assert "1 article added" in result.output
    with Store.open(lead) as store:
        assert store.article_count() == 2


def test_merge_refuses_a_bad_file_and_merges_the_good_one(tmp_path):
    lead = project(tmp_path / "lead.annotator", "lead", [])
    bad = tmp_path / "bad.annotator"
    bad.write_text("not a database", encoding="utf-8")
    ana = project(tmp_path / "ana.annotator", "ana", [("Lavrov", "actor")])
    result = CliRunner().invoke(cli, ["--db", str(lead), "merge", str(bad), str(ana)])
    assert result.exit_code == 1
    assert f"{bad} is not an annotator project" in result.output
    assert "Traceback" not in result.output
    assert [r[4] for r in rows(lead)] == ["ana"]


def test_annotators_lists_counts(tmp_path):
    db = project(tmp_path / "p.annotator", "ana", [("Lavrov", "actor"), ("Stoltenberg", "actor")])
    result = run("annotators", db=db)
    assert result.exit_code == 0
    line = next(line for line in result.output.splitlines() if line.startswith("ana"))
    assert line.split() == ["ana", "2", "spans", "1", "done"]


def test_export_one_annotator_in_every_format(tmp_path):
    db = project(tmp_path / "p.annotator", "ana", [("Lavrov", "actor")])
    bob = project(tmp_path / "bob.annotator", "bob", [("Stoltenberg", "actor"), ("Lavrov", "actor")])
    assert run("merge", str(bob), db=db).exit_code == 0
    out = tmp_path / "bob.jsonl"
    result = run("export", "--annotator", "bob", "-o", str(out), db=db)
    assert result.exit_code == 0, result.output
    (record,) = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert sorted(s["text"] for s in record["spans"]) == ["Lavrov", "Stoltenberg"]
    assert {s["annotator"] for s in record["spans"]} == {"bob"}
    out_csv = tmp_path / "ana.csv"
    assert run("export", "--format", "csv", "--annotator", "ana", "-o", str(out_csv), db=db).exit_code == 0
    with out_csv.open(encoding="utf-8", newline="") as handle:
        table = list(csv.DictReader(handle))
    assert [(row["text"], row["annotator"]) for row in table] == [("Lavrov", "ana")]


def test_export_unknown_annotator_is_refused(tmp_path):
    db = project(tmp_path / "p.annotator", "ana", [("Lavrov", "actor")])
    out = tmp_path / "x.jsonl"
    result = CliRunner().invoke(cli, ["--db", str(db), "export", "--annotator", "zed", "-o", str(out)])
    assert result.exit_code == 1 and "No annotator named 'zed'" in result.output
    assert not out.exists()


def team(tmp_path: Path) -> Path:
    db = project(
        tmp_path / "lead.annotator", "ana", [("Lavrov", "actor"), ("the alliance is a threat", "claim")]
    )
    bob = project(tmp_path / "bob.annotator", "bob", [("Lavrov", "actor"), ("alliance is a threat", "claim")])
    assert run("merge", str(bob), db=db).exit_code == 0
    return db


def test_agreement_prints_a_table_per_label(tmp_path):
    db = team(tmp_path)
    result = run("agreement", db=db)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "claim" and "ALL" in lines
    actor_row = lines[lines.index("actor") + 2]
    assert actor_row.split()[:4] == ["ana", "/", "bob", "1"]
    assert "1.000/1.000/1.000" in actor_row


def test_agreement_json_and_csv(tmp_path):
    db = team(tmp_path)
    out = tmp_path / "agreement.csv"
    result = run(
        "agreement", "--annotators", "ana, bob", "--label", "claim", "--json", "--csv", str(out), db=db
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["annotators"] == ["ana", "bob"] and data["labels"] == ["claim"]
    claim = next(row for row in data["pairs"] if row["label"] == "claim")
    assert (claim["exact_f1"], claim["overlap_f1"]) == (0.0, 1.0)
    with out.open(encoding="utf-8", newline="") as handle:
        table = list(csv.DictReader(handle))
    assert [(row["label"], row["annotators"]) for row in table] == [("claim", "ana+bob"), ("ALL", "ana+bob")]
    assert float(table[0]["cohen_kappa"]) == round(claim["cohen_kappa"], 6)
    assert table[0]["fleiss_kappa"] == ""


def test_agreement_needs_two_annotators(tmp_path):
    db = project(tmp_path / "p.annotator", "ana", [("Lavrov", "actor")])
    result = CliRunner().invoke(cli, ["--db", str(db), "agreement"])
    assert result.exit_code == 1
    assert "at least two annotators" in result.output and "Traceback" not in result.output
