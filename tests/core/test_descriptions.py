"""Codebook descriptions of labels, attributes and attribute values (migration 3)."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

from annotator.core.scheme import AttributeSpec
from annotator.core.store import Store

DATA = Path(__file__).resolve().parents[1] / "data"


def test_descriptions_are_kept_and_survive_reopening(tmp_path):
    path = tmp_path / "p.annotator"
    with Store.open(path) as store:
        quote = store.label("quote")
        kind = replace(
            quote.attributes[0],
            description="How the words are reported.",
            value_descriptions=(("direct", "In quotation marks, word for word."), ("indirect", "")),
        )
        store.update_label(replace(quote, description="Reported speech.", attributes=(kind,)))
        store.add_label(
            "source", "#123456", "s", [AttributeSpec("kind", "text", (), "Wire or own.")], "Where from"
        )
    with Store.open(path) as store:
        quote = store.label("quote")
        assert quote.description == "Reported speech."
        assert quote.attributes[0].description == "How the words are reported."
        assert quote.attributes[0].value_description("direct") == "In quotation marks, word for word."
        assert quote.attributes[0].value_description("indirect") == ""
        assert store.label("source").description == "Where from"
        assert store.label("source").attributes[0].description == "Wire or own."


def test_an_attribute_without_descriptions_is_stored_as_before():
    assert AttributeSpec("kind", "choice", ("a", "b")).to_dict() == {
        "name": "kind",
        "kind": "choice",
        "choices": ["a", "b"],
    }


def test_an_old_project_gets_empty_descriptions_and_the_facets_index(tmp_path):
    path = tmp_path / "v1.annotator"
    shutil.copy(DATA / "v1.annotator", path)
    with Store.open(path) as store:
        assert all(label.description == "" for label in store.labels())
        indexes = {
            row[0] for row in store.conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
        }
        assert "articles_facets" in indexes
