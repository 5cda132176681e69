"""Prodigy's JSONL task records, read by the JSONL reader: whose spans they are.

Prodigy's documented task format is `{"text", "spans": [{"start", "end", "label", ...}], "meta",
"_input_hash", "_task_hash"}`; an annotated task gets an `"answer"` key ("accept", "reject" or
"ignore"), and `db-out` exports those with `_annotator_id`. A record is Prodigy's when it has
one of `_input_hash`, `_task_hash` or `answer` (our own JSONL has none of them). Then:

- no `answer`: nobody has decided on it yet, so its spans are pre-annotations (a model's or a
  script's) and become suggestions to accept or reject, scored by the span's or the task's
  `meta.score` when it is one between 0 and 1;
- `accept`: its spans are the analyst's, by `_annotator_id` when a span names nobody;
- `reject` or `ignore`: its spans were turned down or skipped and are left out (counted).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from annotator.core.formats.common import ReadOptions
from annotator.core.importers import ImportRefused
from annotator.core.model import NewRelation, NewSpan, NewSuggestion

MARKS = ("_input_hash", "_task_hash", "answer")
ANSWERS = ("accept", "reject", "ignore")
SOURCE = "prodigy"


def is_prodigy(record: dict) -> bool:
    return not record.keys().isdisjoint(MARKS)


def sort_spans(
    record: dict,
    spans: tuple[NewSpan, ...],
    relations: tuple[NewRelation, ...],
    options: ReadOptions,
    where: tuple[Any, int],
) -> tuple[tuple[NewSpan, ...], tuple[NewRelation, ...], tuple[NewSuggestion, ...]]:
    """The record's (spans, relations, suggestions) by its `answer`. `where` is (path, line)
    for a message."""
    answer = record.get("answer")
    if answer is not None and answer not in ANSWERS:
        raise ImportRefused(where[0], f"'answer' must be one of {', '.join(ANSWERS)}", where[1])
    if answer == "accept":
        annotator = record.get("_annotator_id")
        if isinstance(annotator, str) and annotator.strip():
            spans = tuple(s if s.annotator else replace(s, annotator=annotator.strip()) for s in spans)
        return spans, relations, ()
    if relations:
        options.report("relations of Prodigy records without an accepted answer left out", len(relations))
    if answer is not None:
        options.report(f"spans of Prodigy records answered {answer!r} left out", len(spans))
        return (), (), ()
    meta = record.get("meta")
    default = (_score(meta.get("score")) if isinstance(meta, dict) else None) or 1.0
    items = record.get("spans") if isinstance(record.get("spans"), list) else []
    scores = [None] * (len(spans) - len(items)) + [_score(item.get("score")) for item in items]
    suggestions = tuple(
        NewSuggestion(s.start, s.end, s.label, default if score is None else score, SOURCE)
        for s, score in zip(spans, scores, strict=True)
    )
    options.report("pre-annotated spans of Prodigy records without an answer kept as suggestions", len(spans))
    return (), (), suggestions


def _score(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= 1:
        return float(value)
    return None
