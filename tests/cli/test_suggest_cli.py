"""`annotator suggest`, `suggestions` (list, accept, reject) and `tag-all` on a real project."""

from __future__ import annotations

import csv
import json

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.core.model import NewArticle
from annotator.core.store import Store

TEXTS = [
    'Sergey Lavrov arrived in Ankara. "We are patient," Lavrov told reporters. Later Lavrov left.',
    "«Мы готовы», — сказал Сергей Лавров. =SUM(A1) is a formula, not a quote.",
]


def run(db, *args, input=None):
    return CliRunner().invoke(
        cli, ["--db", str(db), "--annotator", "ana", *args], input=input, catch_exceptions=False
    )


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "p.annotator"
    with Store.open(path, annotator="ana") as store:
        store.add_articles(NewArticle(f"A{n}", text) for n, text in enumerate(TEXTS))
    return path


def listed(db, *args) -> list[dict]:
    result = run(db, "suggestions", *args)
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.output.splitlines()]


def test_suggest_stores_and_lists_quotes_with_their_speakers(db):
    result = run(db, "suggest", "--source", "quotes")
    assert result.exit_code == 0, result.output
    assert "quotes 4" in result.output and "Pending: 4" in result.output
    rows = listed(db, "--source", "quotes")
    quote = next(r for r in rows if r["label"] == "quote" and r["article_id"] == 1)
    assert (quote["text"], quote["speaker_text"]) == ("We are patient", "Lavrov")
    assert TEXTS[0][quote["start"] : quote["end"]] == quote["text"]
    assert TEXTS[0][quote["speaker_start"] : quote["speaker_end"]] == "Lavrov"
    with Store.open(db) as store:
        assert all(store.spans(i) == [] for i in store.article_ids())


def test_suggestions_as_csv_to_a_file_guard_formulas(db, tmp_path):
    run(db, "suggest", "--source", "quotes")
    with Store.open(db) as store:  # a suggestion whose text starts like a formula
        from annotator.core.suggest import Suggestion

        start = TEXTS[1].index("=SUM")
        store.store_suggestions({2: [Suggestion(start, start + 8, "claim", "x", 0.9)]}, ["x"])
    out = tmp_path / "s.csv"
    result = run(db, "suggestions", "--format", "csv", "-o", str(out))
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert len(rows) == 5 and {row["source"] for row in rows} == {"quotes", "x"}
    assert next(r for r in rows if r["source"] == "x")["text"] == "'=SUM(A1)"


def test_accept_and_reject_by_source_score_and_article(db):
    run(db, "suggest", "--source", "quotes")
    result = run(db, "suggestions", "accept", "--article", "1", "--min-score", "0.9")
    assert result.exit_code == 0, result.output
    assert "Accepted 2 suggestions: 2 new spans, 1 relation." in result.output
    with Store.open(db) as store:
        assert [s.annotator for s in store.spans(1)] == ["ana", "ana"]
        assert [r.type for r in store.relations(1)] == ["said_by"]
    result = run(db, "suggestions", "reject", "--source", "quotes")
    assert "Rejected 2 suggestions." in result.output
    assert listed(db) == []
    run(db, "suggest", "--source", "quotes")  # rejected ones are not offered again
    assert listed(db) == []


def test_an_unknown_recommender_or_article_is_a_clear_error(db):
    result = run(db, "suggest", "--source", "quotes,oracle")
    assert result.exit_code == 2 and "No recommender named oracle" in result.output
    result = run(db, "suggestions", "accept", "--article", "99")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.output.startswith("Error: Article 99")


def test_tag_all_counts_first_and_tags_in_one_step(db):
    result = run(db, "tag-all", "Lavrov", "--label", "actor", input="n\n")
    assert "3 untagged occurrences of 'Lavrov' in 1 article." in result.output
    with Store.open(db) as store:
        assert store.spans(1) == []
    result = run(db, "tag-all", "lavrov", "--label", "actor", "--yes")
    assert "Tagged 3 occurrences as actor." in result.output
    with Store.open(db) as store:
        assert {TEXTS[0][s.start : s.end] for s in store.spans(1)} == {"Lavrov"}
    result = run(db, "tag-all", "lavrov", "--label", "actor", "--case-sensitive")
    assert "0 untagged occurrences" in result.output
    assert run(db, "tag-all", "x", "--label", "nope").exit_code == 1
    for empty in ("", "  "):
        refused = run(db, "tag-all", empty, "--label", "actor", "--yes")
        assert refused.exit_code == 2 and "NEEDLE is empty" in refused.output
