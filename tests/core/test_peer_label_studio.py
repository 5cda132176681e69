"""Label Studio files as its old and new versions export them (legacy completions, predictions,
skipped annotations, whole-text choices; fixtures written here from its documented JSON), and
an export that keeps each annotator's work apart with a config naming every relation type."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from annotator.core.formats import export, import_paths
from annotator.core.model import NewArticle, NewRelation, NewSpan
from annotator.core.store import Store

TEXT = "Sony said Yoshida resigned."


def region(ident: str, start: int, end: int, label: str) -> dict:
    return {
        "id": ident, "from_name": "label", "to_name": "text", "type": "labels",
        "value": {"start": start, "end": end, "text": TEXT[start:end], "labels": [label]},
    }  # fmt: skip


def relation(source: str, target: str, label: str) -> dict:
    return {"from_id": source, "to_id": target, "type": "relation", "direction": "right", "labels": [label]}


def load(tmp_path: Path, tasks: list) -> tuple[list, set, str]:
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps(tasks), encoding="utf-8")
    with Store.open(tmp_path / "p.annotator", annotator="importer") as store:
        summary = import_paths(store, [path], "label-studio")
        assert summary.refused == [], summary.refused
        [article_id] = store.article_ids()
        article = store.article(article_id)
        spans = store.spans(article_id)
        name = {s.id: TEXT[s.start : s.end] for s in spans}
        relations = {(name[r.from_span], name[r.to_span], r.type) for r in store.relations(article_id)}
        found = [(TEXT[s.start : s.end], s.label, s.annotator) for s in spans]
    report = next((n.split(": ", 1)[1] for n in summary.notes if n.startswith("tasks.json: ")), "")
    return found, relations, report, article.meta


PREDICTION = {
    "model_version": "v1",
    "score": 0.5,
    "result": [region("p1", 0, 4, "ORG"), region("p2", 5, 9, "ORG")],
}


def test_legacy_completions_are_annotations_and_predictions_never_someones_spans(tmp_path):
    task = {
        "id": 1,
        "data": {"text": TEXT},
        "completions": [{
            "id": 1001, "completed_by": {"id": 3, "email": "ana@example.org"},
            "result": [
                region("a1", 0, 4, "ORG"), region("a2", 10, 17, "PER"), relation("a2", "a1", "works_for"),
            ],
        }],
        "predictions": [PREDICTION],
    }  # fmt: skip
    spans, relations, report, _ = load(tmp_path, [task])
    assert spans == [("Sony", "ORG", "ana@example.org"), ("Yoshida", "PER", "ana@example.org")]
    assert relations == {("Yoshida", "Sony", "works_for")}
    assert report == (
        "1 legacy completion read as annotations; "
        "2 prediction results kept as suggestions (accept or reject them)"
    )


def test_a_task_with_only_predictions_stores_its_text_and_no_span(tmp_path):
    spans, relations, report, _ = load(
        tmp_path, [{"id": 1, "data": {"text": TEXT}, "predictions": [PREDICTION]}]
    )
    assert spans == [] and relations == set()
    assert report == "2 prediction results kept as suggestions (accept or reject them)"
    with Store.open(tmp_path / "p.annotator") as store:
        pending = [(TEXT[s.start : s.end], s.label, s.source, s.score) for s in store.suggestions()]
        assert pending == [("Sony", "ORG", "label-studio", 0.5), ("said", "ORG", "label-studio", 0.5)]
        store.accept_suggestions([store.suggestions()[0].id])
        assert [(TEXT[s.start : s.end], s.label) for s in store.spans(1)] == [("Sony", "ORG")]


def test_skipped_annotations_whole_text_choices_and_odd_results_are_accounted_for(tmp_path):
    task = {
        "id": 1,
        "data": {"text": TEXT},
        "annotations": [
            {"id": 1, "completed_by": 5, "was_cancelled": True, "result": [region("c1", 0, 4, "ORG")]},
            {"id": 2, "completed_by": 7, "result": [
                region("b1", 10, 17, "PER"),
                {"id": "d1", "from_name": "sentiment", "to_name": "text", "type": "choices",
                 "value": {"choices": ["Negative"]}},
                relation("b1", "gone", "works_for"),
                {"id": "h1", "from_name": "x", "to_name": "html", "type": "hypertextlabels",
                 "value": {"start": "/p[1]", "end": "/p[1]", "startOffset": 0, "endOffset": 4}},
            ]},
        ],
    }  # fmt: skip
    spans, relations, report, meta = load(tmp_path, [task])
    assert spans == [("Yoshida", "PER", "7")] and relations == set()
    assert meta["sentiment"] == ["Negative"]
    assert report == (
        "1 result of skipped (cancelled) annotations left out; "
        "1 whole-text result (choices, text, rating) kept as article metadata; "
        "1 'hypertextlabels' result left out (no place in a span); "
        "1 relation not between two labelled spans left out"
    )


def test_export_keeps_annotators_apart_and_the_config_names_every_relation_type(tmp_path):
    spans = (
        NewSpan(0, 4, "actor", annotator="ana"), NewSpan(10, 17, "actor", annotator="ana"),
        NewSpan(0, 4, "actor", annotator="bob"), NewSpan(5, 9, "quote", annotator="bob"),
    )  # fmt: skip
    relations = (NewRelation(1, 0, "works_for"), NewRelation(3, 2, "said_by"), NewRelation(3, 0, "said_by"))
    with Store.open(tmp_path / "p.annotator") as store:
        store.add_articles([NewArticle("t", TEXT, spans=spans, relations=relations)])
        summary = export(store, "label-studio", tmp_path / "out.json")
    [task] = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    by_annotator = [
        sorted((r["value"]["text"], r["meta"]["annotator"]) for r in a["result"] if r["type"] == "labels")
        for a in task["annotations"]
    ]
    assert by_annotator == [[("Sony", "ana"), ("Yoshida", "ana")], [("Sony", "bob"), ("said", "bob")]]
    assert [sum(r["type"] == "relation" for r in a["result"]) for a in task["annotations"]] == [1, 1]
    assert any("1 relation between two annotators' spans" in line for line in summary.left_out)
    config = ET.fromstring((tmp_path / "out.xml").read_text(encoding="utf-8"))
    assert sorted(r.get("value") for r in config.iter("Relation")) == ["said_by", "works_for"]
    with Store.open(tmp_path / "copy.annotator") as copy:
        import_paths(copy, [tmp_path / "out.json"], "label-studio")
        [article_id] = copy.article_ids()
        assert sorted((s.start, s.annotator) for s in copy.spans(article_id)) == [
            (0, "ana"),
            (0, "bob"),
            (5, "bob"),
            (10, "ana"),
        ]
        assert len(copy.relations(article_id)) == 2


def test_the_config_offers_the_relation_types_of_the_schemes_rules(tmp_path):
    from annotator.core.scheme import RelationRule

    with Store.open(tmp_path / "p.annotator") as store:
        store.add_articles([NewArticle("t", "Sony said so.", spans=(NewSpan(0, 4, "actor"),))])
        store.set_relation_rules([RelationRule("mentions", "claim", ("actor",))])
        export(store, "label-studio", tmp_path / "out.json")
    config = ET.fromstring((tmp_path / "out.xml").read_text(encoding="utf-8"))
    assert [r.get("value") for r in config.iter("Relation")] == ["mentions"]
