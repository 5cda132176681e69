"""Label names and keys (issue 11, item 14): empty, over-long, invisible-character and look-alike
names are refused everywhere a label is made; a merged label never takes a key the window uses."""

from __future__ import annotations

import json
import re

import pytest

from annotator.core.errors import SchemeError
from annotator.core.formats import import_paths
from annotator.core.merge import merge_project
from annotator.core.model import NewArticle
from annotator.core.store import Store


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "p.annotator", annotator="ana") as store:
        yield store


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("", "cannot be empty"),
        ("   ", "cannot be empty"),
        ("x" * 10_000, "at most 60 characters, not 10,000"),
        ("quo\u200bte", "invisible characters (U+200B"),
        ("\u202eetouq", "invisible characters (U+202E"),
        ("soft\u00adhyphen", "invisible characters (U+00AD"),
        ("Quote", "looks the same as the label 'quote'"),
        ("QUOTE", "looks the same as the label 'quote'"),
        ("\uff51\uff55\uff4f\uff54\uff45", "looks the same as the label 'quote'"),  # full-width
        ("quote ", "without tabs or spaces around it"),
    ],
)
def test_a_bad_label_name_is_refused(store, name, says):
    before = store.labels()
    with pytest.raises(SchemeError, match=re.escape(says)):
        store.add_label(name, "#123456")
    assert store.labels() == before


def test_renaming_a_label_to_a_look_alike_is_refused(store):
    claim = store.label("claim")
    from dataclasses import replace

    with pytest.raises(SchemeError, match="looks the same as the label 'quote'"):
        store.update_label(replace(claim, name="Quote"))
    store.update_label(replace(claim, name="Claim"))  # its own look-alike is fine
    assert store.label("Claim").id == claim.id


def test_a_label_cannot_take_the_window_key_r(store):
    with pytest.raises(SchemeError, match="Key 'R' is used by the window itself"):
        store.add_label("rumour", "#123456", "R")


def test_an_import_with_an_invisible_label_name_is_refused_in_one_line(store, tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps({"text": "hello world", "label": [[0, 5, "act\u200bor"]]}) + "\n")
    (line,) = import_paths(store, [path]).refused
    assert line.startswith("in.jsonl: not stored (A label name cannot hold invisible characters (U+200B")
    assert store.article_count() == 0


def test_a_merged_label_whose_key_is_taken_gets_a_free_key_and_a_note(store, tmp_path):
    text = "Lavrov said the rumour was false."
    store.add_articles([NewArticle("One", text)])
    other_path = tmp_path / "bob.annotator"
    with Store.open(other_path, annotator="bob") as other:
        other.conn.execute("UPDATE labels SET shortcut = '' WHERE shortcut = 'c'")  # c is free there
        other.add_label("rumour", "#123456")
        other.conn.execute("UPDATE labels SET shortcut = 'r' WHERE name = 'rumour'")  # older versions let it
        other.forget_cache()
        other.add_label("counter", "#654321", "c")
        other.add_articles([NewArticle("One", text)])
        article = other.article_ids()[0]
        other.add_span(article, 16, 22, "rumour")
    report = merge_project(store, other_path)
    keys = {label.name: label.shortcut for label in store.labels()}
    assert keys["rumour"] == "u"  # R is the window's
    assert keys["counter"] == "o"  # c is claim's
    assert "r" not in keys.values()
    lines = report.lines(False)
    assert "  note: label 'rumour': key 'R' is taken here, so it has key 'U'" in lines
    assert "  note: label 'counter': key 'C' is taken here, so it has key 'O'" in lines
