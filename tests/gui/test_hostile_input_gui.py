"""The window with hostile files and damaged content (issue 11): a line in a summary or a dialog
naming the file or row, never a traceback, and the other files still import."""

from __future__ import annotations

import json

import pytest

from annotator.core.model import NewArticle
from annotator.core.store import Store


@pytest.fixture
def store(tmp_path):
    store = Store.open(tmp_path / "p.annotator", annotator="ana")
    store.add_articles([NewArticle("One", "Lavrov warned the alliance again.")])
    yield store
    store.close()


def test_a_file_that_breaks_a_reader_does_not_stop_the_import(window, monkeypatch, tmp_path):
    from annotator.gui import dialogs

    summaries = []
    monkeypatch.setattr(dialogs, "show_import_summary", lambda parent, summary: summaries.append(summary))
    bad = tmp_path / "a_bad.jsonl"
    record = {"text": "hello world", "spans": [{"id": 1, "start": 0, "end": 5, "label": "actor"}],
              "relations": [{"from": [1], "to": 1, "type": "said_by"}]}  # fmt: skip
    bad.write_text(json.dumps(record) + "\n", encoding="utf-8")
    good = tmp_path / "b_good.txt"
    good.write_text("A good article that imports.", encoding="utf-8")
    window.intake.import_paths([bad, good])
    (summary,) = summaries
    assert summary.articles == 1 and window.store.article_count() == 2
    (line,) = summary.refused
    assert line.startswith("a_bad.jsonl line 1: relation 1")


def test_the_core_knows_every_single_key_the_window_keeps_for_itself():
    from annotator.core.scheme import WINDOW_KEYS
    from annotator.gui.scheme_dialog import reserved_keys

    assert reserved_keys() == set(WINDOW_KEYS)


@pytest.mark.parametrize(
    ("sql", "says"),
    [
        ("UPDATE articles SET meta = 'x' WHERE id = 2", "the metadata of article 2 cannot be read as JSON"),
        ("UPDATE spans SET attributes = '{' WHERE article_id = 2", "the attributes of span"),
    ],
)
def test_opening_a_damaged_article_names_the_row(window, sql, says):
    store = window.store
    store.add_articles([NewArticle("Two", "Lavrov said hello.")])
    store.add_span(2, 0, 6, "actor")
    store.conn.execute(sql)
    window.open_article(2)
    shown = window.statusBar().currentMessage()
    assert shown.startswith(f"Article 2 cannot be opened: The project holds a damaged row: {says}")
    assert window.article.id == 1  # the article shown before stays
