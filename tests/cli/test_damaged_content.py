"""Damaged or tampered rows (issue 11, item 12): every command answers with a sentence naming the
row, never a traceback and never a silent bad export; NaN and Infinity never reach a JSON output;
a terminal escape sequence stored in a title is printed as text, not run."""

from __future__ import annotations

import json
import sqlite3

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.core.model import NewArticle
from annotator.core.store import Store

ARTICLE_1 = "the metadata of article 1"
DAMAGE = {
    "metadata not JSON": (
        "UPDATE articles SET meta = 'x' WHERE id = 1",
        f"{ARTICLE_1} cannot be read as JSON",
    ),
    "metadata NaN": (
        """UPDATE articles SET meta = '{"a": NaN}'""",
        f"{ARTICLE_1} cannot be read as JSON (NaN",
    ),
    "metadata 1e999": (
        """UPDATE articles SET meta = '{"a": 1e999}'""",
        f"{ARTICLE_1} cannot be read as JSON (1e999",
    ),
    "metadata a list": (
        "UPDATE articles SET meta = '[1]' WHERE id = 1",
        f"{ARTICLE_1} should be a JSON object",
    ),
    "attributes not JSON": (
        "UPDATE spans SET attributes = '{bad' WHERE id = 1",
        "the attributes of span 1 cannot be read as JSON",
    ),
    "unknown status": (
        "UPDATE articles SET status = 'weird' WHERE id = 1",
        "article 1 has the unknown status 'weird'",
    ),
    "span past its text": (
        'UPDATE spans SET "end" = 500 WHERE id = 1',
        "span 1 of article 1 covers [0, 500), outside its text (length 24)",
    ),
    "label attributes": (
        "UPDATE labels SET attributes = 'x' WHERE name = 'quote'",
        "the attributes of label 'quote' cannot be read as JSON",
    ),
}


def damaged(path, sql: str):
    with Store.open(path, annotator="ana") as store:
        store.add_articles([NewArticle("One", "Lavrov said hello there."), NewArticle("Two", "More text.")])
        store.add_span(1, 0, 6, "actor", {"type": "person"})
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA ignore_check_constraints = ON")  # as a tampered file would be
    conn.execute(sql)
    conn.commit()
    conn.close()
    return path


def run(db, *args):
    return CliRunner().invoke(cli, ["--db", str(db), *args], catch_exceptions=False)


@pytest.mark.parametrize("case", DAMAGE)
@pytest.mark.parametrize("fmt", ["jsonl", "label-studio", "qdpx", "brat"])
def test_an_export_of_a_damaged_row_names_it_and_writes_nothing(tmp_path, case, fmt):
    sql, says = DAMAGE[case]
    db = damaged(tmp_path / "p.annotator", sql)
    out = tmp_path / "out" / f"export.{ {'label-studio': 'json'}.get(fmt, fmt) }"
    out.parent.mkdir()
    result = run(db, "export", "--format", fmt, "-o", str(out))
    assert result.exit_code == 1, result.output
    assert f"Error: The project holds a damaged row: {says}" in result.output
    assert list(out.parent.iterdir()) == []


@pytest.mark.parametrize("case", DAMAGE)
@pytest.mark.parametrize(
    "command", [["stats"], ["articles"], ["labels"], ["annotators"], ["search", "Lavrov"]]
)
def test_read_commands_on_a_damaged_row_answer_in_sentences(tmp_path, case, command):
    sql, says = DAMAGE[case]
    db = damaged(tmp_path / "p.annotator", sql)
    result = run(db, *command)
    assert result.exit_code in (0, 1), result.output
    if result.exit_code == 1:
        assert f"Error: The project holds a damaged row: {says}" in result.output


def test_nan_in_an_imported_file_is_refused_not_stored(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text('{"text": "Some text.", "score": NaN}\n{"text": "More.", "score": 1e999}\n')
    result = run(tmp_path / "p.annotator", "import", str(source))
    assert result.exit_code == 1
    assert "refused: in.jsonl: not stored (Out of range float values are not JSON compliant" in result.output
    out = tmp_path / "out.jsonl"
    assert run(tmp_path / "p.annotator", "export", "-o", str(out)).exit_code == 0
    assert out.read_text() == ""


@pytest.mark.parametrize(
    ("sql", "says"),
    [
        ("UPDATE spans SET attributes = '{bad' WHERE id = 1", "its span 1 attributes cannot be read"),
        ("UPDATE articles SET meta = 'x' WHERE title = 'Two'", "its article 'Two' metadata cannot be read"),
        (
            "UPDATE article_status SET status = 'weird'",
            "its status of article 1 for 'ana' is unknown: 'weird'",
        ),
    ],
)
def test_merging_a_damaged_project_is_refused_naming_the_row(tmp_path, sql, says):
    other = tmp_path / "ana.annotator"
    with Store.open(other, annotator="ana") as store:
        store.add_articles([NewArticle("One", "Lavrov said hello there."), NewArticle("Two", "Only here.")])
        store.add_span(1, 0, 6, "actor", {"type": "person"})
        store.set_status(1, "done")
    conn = sqlite3.connect(other)
    conn.execute("PRAGMA ignore_check_constraints = ON")
    conn.execute(sql)
    conn.commit()
    conn.close()
    lead = tmp_path / "lead.annotator"
    with Store.open(lead, annotator="lead") as store:
        store.add_articles([NewArticle("One", "Lavrov said hello there.")])
    result = run(lead, "merge", "--add-articles", str(other))
    assert result.exit_code == 1
    assert f"refused: Cannot merge {other}: {says}" in result.output
    with Store.open(lead) as store:
        assert store.count_spans() == 0


def test_a_terminal_escape_in_a_title_is_printed_as_text(tmp_path):
    db = tmp_path / "p.annotator"
    with Store.open(db) as store:
        store.add_articles([NewArticle("Lavrov", "Lavrov said hello there.")])
        store.conn.execute("UPDATE articles SET title = ?", ["Evil \x1b[2J\x1b]0;pwned\x07\x9b31m title"])
    for command in (["articles"], ["search", "Lavrov"]):
        result = run(db, *command)
        assert result.exit_code == 0
        assert "\x1b" not in result.output and "\x07" not in result.output and "\x9b" not in result.output
        assert "Evil \u241b[2J\u241b]0;pwned\u2407\ufffd31m title" in result.output
    assert json.dumps("\x1b") == '"\\u001b"'  # the JSON outputs escape it themselves
