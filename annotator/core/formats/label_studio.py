"""Label Studio JSON: a list of tasks `{"id", "data": {"text", …}, "annotations": [{"result": […]}]}`.

Offsets: code points of `data.text`, as Label Studio intends. Upstream had emoji and whitespace
regressions, so on import every span's `value.text` is checked against the slice: a mismatch that
UTF-16 counting explains is converted; any other mismatch refuses the file (or, with `realign`,
moves the span onto the nearest occurrence of its quoted text, noted in the summary).

Export: one annotation per annotator per task, holding a `labels` result per span (id
`s<span id>`), one per-region result per attribute (`choices` for choice attributes, `textarea`
otherwise, from_name `<label>_<attribute>`), the note in the region's `meta.text`, the annotator in
`meta.annotator`, and a `relation` result per relation (a relation between two annotators' spans
has no annotation to sit in: reported). Title, status and metadata sit in `data`. The labeling
config matching the export, with every relation type, is written beside it as `<name>.xml`.

Import: `annotations` and the legacy `completions` (before 1.0) are the analysts' work;
`predictions` are a model's suggestions and never become anyone's spans (they are stored as
suggestions to accept or reject); skipped (cancelled) annotations are left out; whole-text
choices, text and ratings become article metadata; other result types are counted as left out.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from annotator.core.controls import xml_attr
from annotator.core.formats.common import (
    ExportSummary,
    LeftOut,
    ReadOptions,
    Rows,
    Ticker,
    WriteOptions,
    place,
    value_text,
)
from annotator.core.importers import ImportRefused
from annotator.core.model import NewArticle, NewRelation, NewSpan, NewSuggestion, Status
from annotator.core.offsets import Utf16Map, normalise_newlines
from annotator.core.text import title_from

CARRIES = frozenset(
    {"spans", "overlaps", "relations", "attributes", "notes", "annotator", "status", "metadata"}
)
LABELS_NAME = "label"
TEXT_NAME = "text"


# ----------------------------------------------------------------------------- export
def write(rows: Rows, out: TextIO, options: WriteOptions) -> ExportSummary:
    kinds = {(label.name, spec.name): spec.kind for label in options.labels for spec in label.attributes}
    left = LeftOut("Label Studio")
    ticker = Ticker(options.progress)
    articles = spans_written = 0
    out.write("[")
    for article, spans, relations in rows:
        text = article.text
        results: dict[str, list[dict[str, Any]]] = {}  # one annotation per annotator
        owner = {span.id: span.annotator for span in spans}
        for span in spans:
            result = results.setdefault(span.annotator, [])
            region = f"s{span.id}"
            value = {"start": span.start, "end": span.end, "text": text[span.start : span.end]}
            labels_result: dict[str, Any] = {
                "id": region,
                "from_name": LABELS_NAME,
                "to_name": TEXT_NAME,
                "type": "labels",
                "origin": "manual",
                "value": {**value, "labels": [span.label]},
            }
            meta = {}
            if span.note:
                meta["text"] = [span.note]
            if span.annotator:
                meta["annotator"] = span.annotator
            if meta:
                labels_result["meta"] = meta
            result.append(labels_result)
            for name, attribute in span.attributes.items():
                if not isinstance(attribute, str):
                    left.add("non-text attribute values (written as JSON text)", article.id)
                choice = kinds.get((span.label, name)) == "choice"
                result.append(
                    {
                        "id": region,
                        "from_name": f"{span.label}_{name}",
                        "to_name": TEXT_NAME,
                        "type": "choices" if choice else "textarea",
                        "value": {
                            "start": span.start,
                            "end": span.end,
                            **(
                                {"choices": [value_text(attribute)]}
                                if choice
                                else {"text": [value_text(attribute)]}
                            ),
                        },
                    }
                )
        for relation in relations:
            if owner.get(relation.from_span) != owner.get(relation.to_span):
                left.add(
                    "relations between two annotators' spans (Label Studio keeps them apart)", article.id
                )
                continue
            results[owner[relation.from_span]].append(
                {
                    "from_id": f"s{relation.from_span}",
                    "to_id": f"s{relation.to_span}",
                    "type": "relation",
                    "direction": "right",
                    "labels": [relation.type],
                }
            )
        task = {
            "id": article.id,
            "data": {
                TEXT_NAME: text,
                "title": article.title,
                "status": str(article.status),
                **{key: getattr(article, key) for key in ("outlet", "author", "published", "url")},
                "meta": article.meta,
            },
            "annotations": [{"result": result} for result in results.values()] or [{"result": []}],
        }
        out.write("\n" if articles == 0 else ",\n")
        out.write(json.dumps(task, ensure_ascii=False))
        articles += 1
        spans_written += len(spans)
        ticker.add(len(spans))
    out.write("\n]\n")
    ticker.close()
    return ExportSummary(articles, spans_written, left.lines())


def companion(options: WriteOptions) -> tuple[str, str]:
    """The labeling config that shows the export: labels, every relation type (the scheme's
    rules' and all the project uses) and per-region attributes."""
    labels = options.labels
    lines = ["<View>", f'  <Labels name="{LABELS_NAME}" toName="{TEXT_NAME}">']
    lines += [
        f"    <Label value={xml_attr(label.name)} background={xml_attr(label.color)}/>" for label in labels
    ]
    lines += ["  </Labels>", f'  <Text name="{TEXT_NAME}" value="$text"/>', "  <Relations>"]
    kinds = dict.fromkeys([*(rule.type for rule in options.relation_rules), *options.relation_types])
    lines += [f"    <Relation value={xml_attr(kind)}/>" for kind in kinds] + ["  </Relations>"]
    for label in labels:
        for spec in label.attributes:
            common = (
                f'name={xml_attr(f"{label.name}_{spec.name}")} toName="{TEXT_NAME}" perRegion="true" '
                f'visibleWhen="region-selected" whenLabelValue={xml_attr(label.name)}'
            )
            if spec.kind == "choice":
                lines.append(f"  <Choices {common}>")
                lines += [f"    <Choice value={xml_attr(choice)}/>" for choice in spec.choices]
                lines.append("  </Choices>")
            else:
                lines.append(f'  <TextArea {common} maxSubmissions="1"/>')
    lines.append("</View>")
    return ".xml", "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------- import
def read(path: Path, options: ReadOptions) -> Iterator[NewArticle]:
    for number, task in enumerate(_tasks(path), 1):
        yield _task(path, number, task, options)


CHUNK = 1 << 20
NOT_TASKS = "not a Label Studio export (expected a non-empty list of tasks)"


def _tasks(path: Path) -> Iterator[Any]:
    """The tasks of a Label Studio export (a JSON list of them, or one task), read one at a time:
    `json.load` of a 1 GB export held 6 GB of Python objects at once."""
    decode = json.JSONDecoder().raw_decode
    try:
        with path.open(encoding="utf-8-sig") as handle:
            buffer, at, lines = handle.read(CHUNK), 0, 0  # `lines`: line breaks before `buffer`
            ended = len(buffer) < CHUNK

            def more() -> bool:
                nonlocal buffer, at, lines, ended
                lines += buffer.count("\n", 0, at)
                chunk = "" if ended else handle.read(CHUNK)
                ended = len(chunk) < CHUNK
                buffer, at = buffer[at:] + chunk, 0
                return bool(chunk)

            def skip_space() -> str:
                nonlocal at
                while True:
                    while at < len(buffer) and buffer[at] in " \t\r\n":
                        at += 1
                    if at < len(buffer) or not more():
                        return buffer[at : at + 1]

            def value() -> Any:
                nonlocal at
                skip_space()
                while True:
                    try:
                        found, at = decode(buffer, at)
                        return found
                    except json.JSONDecodeError as error:
                        line = lines + buffer.count("\n", 0, error.pos) + 1
                        if not more():  # the whole rest of the file is there: it is not JSON
                            raise ImportRefused(path, f"not valid JSON ({error.msg})", line) from None

            first = skip_space()
            if first != "[":
                task = value()
                if skip_space():
                    raise ImportRefused(path, "not valid JSON (Extra data)", lines + 1)
                if not isinstance(task, dict):
                    raise ImportRefused(path, NOT_TASKS)
                yield task
                return
            at += 1
            if skip_space() == "]":
                raise ImportRefused(path, NOT_TASKS)
            while True:
                yield value()
                following = skip_space()
                at += 1
                if following == "]":
                    break
                if following != ",":
                    raise ImportRefused(path, "not valid JSON (Expecting ',' delimiter)", lines + 1)
            if skip_space():
                raise ImportRefused(path, "not valid JSON (Extra data)", lines + 1)
    except UnicodeDecodeError as error:
        raise ImportRefused(path, f"not UTF-8 text ({error.reason})") from None
    except RecursionError:
        raise ImportRefused(path, "not valid JSON (nested too deeply)") from None


def _task(path: Path, number: int, task: Any, options: ReadOptions) -> NewArticle:
    where = f"task {number}" + (f" (id {task.get('id')})" if isinstance(task, dict) and "id" in task else "")
    data = task.get("data") if isinstance(task, dict) else None
    if not isinstance(data, dict):
        raise ImportRefused(path, f"{where} has no 'data' object")
    given = data.get(TEXT_NAME)
    if given is None:
        strings = [value for value in data.values() if isinstance(value, str)]
        given = strings[0] if len(strings) == 1 else None
    if not isinstance(given, str) or not given.strip():
        raise ImportRefused(path, f"{where} has no non-empty data.text")
    text, to_canonical = normalise_newlines(given)
    utf16: Utf16Map | None = None
    spans: list[NewSpan] = []
    regions: dict[tuple[int, str], list[int]] = {}  # (annotation, region id) -> span indexes
    attributes: list[tuple[int, str, str, Any]] = []
    relations: list[tuple[int, Any, Any, str]] = []
    annotations = []
    for key in ("annotations", "completions"):  # "completions": Label Studio before 1.0
        items = task.get(key) or []
        if not isinstance(items, list):
            raise ImportRefused(path, f"{where}: {key!r} must be a list")
        annotations += items
        if key == "completions":
            options.report("legacy completions read as annotations", len(items))
    suggestions = _predictions(path, where, task, given, to_canonical, options)
    meta_results: dict[str, Any] = {}
    for a_number, annotation in enumerate(annotations):
        results = annotation.get("result", []) if isinstance(annotation, dict) else None
        if not isinstance(results, list):
            raise ImportRefused(path, f"{where} annotation {a_number + 1}: 'result' must be a list")
        if annotation.get("was_cancelled"):
            options.report("results of skipped (cancelled) annotations left out", len(results))
            continue
        annotator = _annotator(annotation.get("completed_by"))
        for r_number, result in enumerate(results, 1):
            spot = f"{where} annotation {a_number + 1} result {r_number}"
            if not isinstance(result, dict):
                raise ImportRefused(path, f"{spot} is not an object")
            kind = result.get("type")
            if kind == "relation":
                labels = result.get("labels") or ["related"]
                if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
                    raise ImportRefused(path, f"{spot}: a relation's labels must be a list of names")
                for label in labels:
                    relations.append((a_number, result.get("from_id"), result.get("to_id"), str(label)))
                continue
            value = result.get("value")
            if isinstance(value, dict) and "start" not in value and kind in ("choices", "textarea", "rating"):
                picked = value.get({"choices": "choices", "textarea": "text"}.get(kind, kind))
                meta_results[str(result.get("from_name", kind))] = picked
                options.report("whole-text results (choices, text, rating) kept as article metadata")
                continue
            if not isinstance(value, dict) or "start" not in value:
                options.report(f"{kind!r} results without a text range left out")
                continue
            if kind == "labels":
                if utf16 is None:
                    utf16 = Utf16Map(given)
                start, end = _range(path, spot, given, value, utf16, options)
                meta = result.get("meta") if isinstance(result.get("meta"), dict) else {}
                note = meta.get("text", [])
                note = [note] if isinstance(note, str) else note
                if not isinstance(note, list) or not all(isinstance(line, str) for line in note):
                    raise ImportRefused(path, f"{spot}: meta.text must be text or a list of texts")
                note = "\n".join(note)
                who = meta.get("annotator") if isinstance(meta.get("annotator"), str) else annotator
                labels = value.get("labels")
                if not isinstance(labels, list) or not labels or not all(isinstance(x, str) for x in labels):
                    raise ImportRefused(path, f"{spot}: value.labels must be a list of label names")
                for label in labels:
                    regions.setdefault((a_number, str(result.get("id"))), []).append(len(spans))
                    spans.append(NewSpan(to_canonical(start), to_canonical(end), label, {}, note, who))
            elif kind in ("choices", "textarea"):
                picked = value.get("choices" if kind == "choices" else "text")
                if isinstance(picked, list) and picked:
                    picked = picked[0] if len(picked) == 1 else picked
                attributes.append(
                    (a_number, str(result.get("id")), str(result.get("from_name", kind)), picked)
                )
            else:
                options.report(f"{kind!r} results left out (no place in a span)")
    for a_number, region, name, picked in attributes:
        for index in regions.get((a_number, region), []):
            span = spans[index]
            key = name.removeprefix(f"{span.label}_")
            spans[index] = NewSpan(span.start, span.end, span.label, {**span.attributes, key: picked},
                                   span.note, span.annotator)  # fmt: skip
    links: dict[tuple[int, int, str], None] = {}
    for a_number, source, target, label in relations:
        ends = [regions.get((a_number, str(source))), regions.get((a_number, str(target)))]
        if not all(ends) or ends[0][0] == ends[1][0]:
            options.report("relations not between two labelled spans left out")
            continue
        links[(ends[0][0], ends[1][0], label)] = None
    status = data.get("status")
    meta = data.get("meta") if isinstance(data.get("meta"), dict) else {}
    meta.update({k: v for k, v in data.items() if k not in {TEXT_NAME, "title", "status", "meta", *_FIELDS}})
    meta.update(meta_results)
    if "id" in task:
        meta["source_id"] = task["id"]
    known = isinstance(status, str) and status in set(Status)
    if status is not None and not known:
        meta["status"] = status  # kept, as the JSONL import does
    return NewArticle(
        title=str(data.get("title") or title_from(text)),
        text=text,
        source=str(path),
        meta=meta,
        spans=tuple(spans),
        relations=tuple(NewRelation(a, b, kind) for a, b, kind in links),
        suggestions=tuple(suggestions),
        status=Status(status) if known else Status.NEW,
        **{key: str(data.get(key) or "") for key in _FIELDS},
    )


_FIELDS = ("outlet", "author", "published", "url")


def _predictions(
    path: Path, where: str, task: dict, given: str, to_canonical: Any, options: ReadOptions
) -> list[NewSuggestion]:
    """A model's predictions become suggestions (never an analyst's spans): labelled text ranges
    with the prediction's score; anything else is counted as left out."""
    predictions = task.get("predictions") or []
    if not isinstance(predictions, list):
        raise ImportRefused(path, f"{where}: 'predictions' must be a list")
    found: list[NewSuggestion] = []
    utf16: Utf16Map | None = None
    for p_number, prediction in enumerate(predictions, 1):
        results = prediction.get("result", []) if isinstance(prediction, dict) else None
        if not isinstance(results, list):
            raise ImportRefused(path, f"{where} prediction {p_number}: 'result' must be a list")
        for r_number, result in enumerate(results, 1):
            spot = f"{where} prediction {p_number} result {r_number}"
            value = result.get("value") if isinstance(result, dict) else None
            labels = value.get("labels") if isinstance(value, dict) else None
            if result.get("type") != "labels" or not isinstance(labels, list) or "start" not in value:
                options.report("prediction results other than labelled text left out")
                continue
            if not labels or not all(isinstance(x, str) for x in labels):
                raise ImportRefused(path, f"{spot}: value.labels must be a list of label names")
            utf16 = utf16 or Utf16Map(given)
            start, end = _range(path, spot, given, value, utf16, options)
            score = result.get("score", prediction.get("score"))
            number = isinstance(score, int | float) and not isinstance(score, bool) and 0 <= score <= 1
            for label in labels:
                found.append(
                    NewSuggestion(to_canonical(start), to_canonical(end), label, score if number else 1.0,
                                  "label-studio")
                )  # fmt: skip
    options.report("prediction results kept as suggestions (accept or reject them)", len(found))
    return found


def _annotator(completed_by: Any) -> str:
    if isinstance(completed_by, dict):
        return str(completed_by.get("email") or completed_by.get("id") or "")
    return "" if completed_by is None else str(completed_by)


def _range(
    path: Path, spot: str, given: str, value: dict, utf16: Utf16Map, options: ReadOptions
) -> tuple[int, int]:
    start, end = value.get("start"), value.get("end")
    if not all(isinstance(x, int) and not isinstance(x, bool) for x in (start, end)):
        raise ImportRefused(path, f"{spot}: value.start and value.end must be whole numbers")
    if not 0 <= start < end <= len(given):
        raise ImportRefused(
            path, f"{spot}: [{start}, {end}) is outside the text (length {len(given)}) or empty"
        )
    quoted = value.get("text")
    quoted = quoted if isinstance(quoted, str) else None
    if quoted is not None and given[start:end] != quoted:
        start16, end16 = utf16.to_code_point(start), utf16.to_code_point(end, round_up=True)
        if given[start16:end16] == quoted:
            options.notes.append(f"{path.name}: {spot}: UTF-16 offsets converted to code points")
            return start16, end16
    return place(path, spot, given, start, end, quoted, options)
