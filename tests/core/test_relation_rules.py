"""Relation rules live in the project's scheme: which label each relation type may point to, and
whether a source span has at most one such relation. Old projects get today's default."""

from __future__ import annotations

import json
import shutil
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from annotator.core.errors import SchemeError
from annotator.core.scheme import DEFAULT_RELATION_RULES, RelationRule
from annotator.core.store import Store

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "p.annotator", annotator="ana") as store:
        yield store


def test_a_new_project_starts_with_a_quote_said_by_one_actor(store):
    assert store.relation_rules() == DEFAULT_RELATION_RULES == (RelationRule("said_by", "quote", ("actor",)),)


def test_a_migrated_old_project_keeps_its_spans_and_gets_the_default_rule(tmp_path):
    expected = json.loads((DATA / "v1.expected.json").read_text(encoding="utf-8"))
    path = tmp_path / "v1.annotator"
    shutil.copy(DATA / "v1.annotator", path)
    with Store.open(path) as store:
        assert store.relation_rules() == DEFAULT_RELATION_RULES
        stored = sorted(span.id for article in expected["articles"] for span in store.spans(article["id"]))
        assert stored == [span["id"] for span in expected["spans"]]
        assert sum(len(store.relations(a["id"])) for a in expected["articles"]) == len(expected["relations"])
    with Store.open(path, read_only=True) as store:  # and a reader sees it too
        assert store.relation_rules() == DEFAULT_RELATION_RULES


def test_a_project_whose_quote_label_was_renamed_gets_no_rule(tmp_path):
    path = tmp_path / "v1.annotator"
    shutil.copy(DATA / "v1.annotator", path)

    conn = sqlite3.connect(path)
    conn.execute("UPDATE labels SET name = 'citation' WHERE name = 'quote'")
    conn.commit()
    conn.close()
    with Store.open(path) as store:
        assert store.relation_rules() == ()


def test_rules_are_replaced_as_a_whole_and_read_back_grouped(store):
    store.add_label("person", "#123456")
    rules = [
        RelationRule("said_by", "quote", ("actor", "person"), single=False),
        RelationRule("about", "claim", ("actor",)),
    ]
    changes = store.set_relation_rules(rules)
    assert changes.labels
    assert store.relation_rules() == (rules[1], rules[0])  # palette order: claim before quote


def test_a_renamed_label_keeps_its_rules_and_a_deleted_one_leaves_them(store):
    store.add_label("person", "#123456")
    store.set_relation_rules([RelationRule("said_by", "quote", ("actor", "person"))])
    store.update_label(replace(store.label("actor"), name="speaker"))
    assert store.relation_rules() == (RelationRule("said_by", "quote", ("speaker", "person")),)
    store.delete_label("person")
    assert store.relation_rules() == (RelationRule("said_by", "quote", ("speaker",)),)


@pytest.mark.parametrize(
    "rule, problem",
    [
        (RelationRule("said_by", "quote", ("nobody",)), "lacks"),
        (RelationRule("said_by", "quote", ()), "needs a label"),
        (RelationRule("", "quote", ("actor",)), "relation type"),
        (RelationRule("said\tby", "quote", ("actor",)), "relation type"),
        (RelationRule(" said_by", "quote", ("actor",)), "relation type"),
    ],
)
def test_a_bad_rule_is_refused_and_the_old_ones_stay(store, rule, problem):
    with pytest.raises(SchemeError, match=problem):
        store.set_relation_rules([rule])
    assert store.relation_rules() == DEFAULT_RELATION_RULES


def test_the_same_type_twice_from_one_label_is_refused(store):
    twice = [RelationRule("said_by", "quote", ("actor",)), RelationRule("said_by", "quote", ("claim",))]
    with pytest.raises(SchemeError, match="twice"):
        store.set_relation_rules(twice)
