"""Prodigy and doccano pre-annotations (fixtures written here from the documented task shapes):
what nobody has answered yet is a suggestion, never the analyst's span until accepted."""

from __future__ import annotations

import json
from pathlib import Path

from annotator.core.formats import export, import_paths
from annotator.core.store import Store

TEXT = "Sony said Yoshida resigned."
HASHES = {"_input_hash": -1893242, "_task_hash": 58211}
TOKENS = [
    {"text": "Sony", "start": 0, "end": 4, "id": 0},
    {"text": "said", "start": 5, "end": 9, "id": 1},
    {"text": "Yoshida", "start": 10, "end": 17, "id": 2},
    {"text": "resigned", "start": 18, "end": 26, "id": 3},
    {"text": ".", "start": 26, "end": 27, "id": 4},
]


def span(start: int, end: int, label: str, **extra) -> dict:
    return {"start": start, "end": end, "label": label, "token_start": 0, "token_end": 0, **extra}


def task(spans: list, **extra) -> dict:
    return {"text": TEXT, "tokens": TOKENS, "spans": spans, "meta": {"source": "wire"}, **HASHES, **extra}


def write(path: Path, records: list) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def load(tmp_path: Path, records: list, fmt: str = "jsonl", name: str = "prodigy.jsonl"):
    path = write(tmp_path / name, records)
    with Store.open(tmp_path / "p.annotator", annotator="lead") as store:
        summary = import_paths(store, [path], fmt)
        spans = [(TEXT[s.start : s.end], s.label, s.annotator) for s in store.spans(1)]
        pending = [(TEXT[s.start : s.end], s.label, s.source, s.score) for s in store.suggestions()]
    report = next((n.split(": ", 1)[1] for n in summary.notes if n.startswith(f"{name}: ")), "")
    return summary, spans, pending, report


def test_a_task_without_an_answer_is_pre_annotation_kept_as_suggestions(tmp_path):
    record = task([span(0, 4, "ORG", score=0.8), span(10, 17, "PERSON")], meta={"score": 0.6})
    summary, spans, pending, report = load(tmp_path, [record])
    assert summary.refused == []
    assert spans == []
    assert pending == [("Sony", "ORG", "prodigy", 0.8), ("Yoshida", "PERSON", "prodigy", 0.6)]
    assert report == "2 pre-annotated spans of Prodigy records without an answer kept as suggestions"
    with Store.open(tmp_path / "p.annotator", annotator="lead") as store:
        out = tmp_path / "out.jsonl"
        export(store, "jsonl", out)
        assert json.loads(out.read_text(encoding="utf-8"))["spans"] == []
        sony, yoshida = store.suggestions()
        store.accept_suggestions([sony.id])
        store.reject_suggestions([yoshida.id])
        made = [(TEXT[s.start : s.end], s.label, s.annotator) for s in store.spans(1)]
        assert made == [("Sony", "ORG", "lead")]
    # the same file again: the accepted one is a span, the rejected one is not offered again
    summary, spans, pending, _ = load(tmp_path, [record])
    assert pending == [] and spans == [("Sony", "ORG", "lead")]
    assert summary.duplicates == ["prodigy.jsonl: Sony said Yoshida resigned."]


def test_answered_tasks_accepted_are_spans_by_their_annotator_rejected_and_ignored_left_out(tmp_path):
    records = [
        task([span(0, 4, "ORG")], answer="accept", _annotator_id="news-ana", _session_id="news-ana"),
        task([span(10, 17, "ORG")], answer="reject", _annotator_id="news-ana"),
        task([span(18, 26, "ORG")], answer="ignore", _annotator_id="news-ben"),
    ]
    summary, spans, pending, report = load(tmp_path, records)
    assert spans == [("Sony", "ORG", "news-ana")]
    assert pending == []
    assert report == (
        "1 span of Prodigy records answered 'reject' left out; "
        "1 span of Prodigy records answered 'ignore' left out"
    )


def test_pre_annotations_for_an_article_already_stored_are_added_as_suggestions(tmp_path):
    load(tmp_path, [{"text": TEXT, "spans": [{"start": 0, "end": 4, "label": "ORG"}]}], name="ours.jsonl")
    summary, spans, pending, _ = load(
        tmp_path, [task([span(0, 4, "ORG", score=0.9), span(10, 17, "PERSON", score=0.7)])]
    )
    assert spans == [("Sony", "ORG", "lead")]  # the analyst's span stays theirs, not suggested again
    assert pending == [("Yoshida", "PERSON", "prodigy", 0.7)]
    assert summary.duplicates == []


def test_an_unknown_answer_refuses_the_file_and_stores_nothing(tmp_path):
    summary, spans, pending, _ = load(tmp_path, [task([span(0, 4, "ORG")], answer="maybe")])
    [refused] = summary.refused
    assert "'answer' must be one of accept, reject, ignore" in refused
    assert spans == [] and pending == []


def test_doccano_labels_are_spans_even_when_not_approved(tmp_path):
    """doccano's files do not mark pre-annotations: its auto-labelling stores a model's labels as
    the user's, and approval is an export filter (1.x files name the approver or null)."""
    record = {"id": 7, "text": TEXT, "meta": {}, "annotation_approver": None, "label": [[0, 4, "ORG"]]}
    summary, spans, pending, _ = load(tmp_path, [record], fmt="doccano", name="doccano.jsonl")
    assert summary.refused == []
    assert spans == [("Sony", "ORG", "lead")] and pending == []


def test_our_own_jsonl_spans_stay_spans(tmp_path):
    spans = [{"start": 0, "end": 4, "label": "ORG", "text": "Sony"}]
    record = {"id": 1, "title": "t", "text": TEXT, "spans": spans}
    _, spans, pending, _ = load(tmp_path, [record], name="ours.jsonl")
    assert spans == [("Sony", "ORG", "lead")] and pending == []


def test_every_record_of_a_text_in_one_file_adds_its_spans_and_suggestions(tmp_path):
    """A Prodigy export holds one record per annotator (and per decision) of the same text."""
    records = [
        task([span(0, 4, "ORG", score=0.8)]),
        task([span(10, 17, "PERSON")], answer="accept", _annotator_id="news-ana"),
        task([span(10, 17, "PERSON"), span(0, 4, "ORG")], answer="accept", _annotator_id="news-ben"),
        task([span(10, 17, "PERSON")], answer="accept", _annotator_id="news-ana"),  # again: nothing new
    ]
    summary, spans, pending, _ = load(tmp_path, records)
    assert sorted(spans) == [
        ("Sony", "ORG", "news-ben"),
        ("Yoshida", "PERSON", "news-ana"),
        ("Yoshida", "PERSON", "news-ben"),
    ]
    assert pending == [("Sony", "ORG", "prodigy", 0.8)]  # news-ben's span is not the importer's
    assert summary.duplicates == ["prodigy.jsonl: Sony said Yoshida resigned."]
