"""annotator JSONL: one article per line, the format that carries everything. Offsets are code
points into the text as stored (LF line breaks); a file with CRLF or CR breaks is read with its
offsets moved onto the LF text.

JSONL: one line per article with the keys `id, title, text, status, meta, spans, relations`.
`meta` is the article's free metadata plus its non-empty `outlet`, `author`, `published` and `url`
(these columns win over a meta key of the same name). Every span carries `text`, which always equals
`article.text[start:end]` (code points). U+0085, U+2028 and U+2029 are written as `\\u` escapes so
that no reader splits a line inside a string.

Import also reads doccano's shapes (`label: [[start, end, label]]`, or `entities` and `relations`),
with the text and spans under other keys if asked (`--text-field`, `--label-field`), and Prodigy's
task records, whose spans without an `answer` are pre-annotations kept as suggestions
(`formats/prodigy.py`). doccano's files carry no such mark (its auto-labelling stores a model's
labels as the user's own, and "approved" is an export filter, not a field), so their labels are
read as spans. A doccano record whose offsets count UTF-16 units is told apart and moved onto code
points (`formats/utf16.py`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

from annotator.core.formats import prodigy, utf16
from annotator.core.formats.common import (
    ExportSummary,
    ReadOptions,
    Rows,
    Ticker,
    WriteOptions,
    byte_writer,
    json_bytes,
    record_of,
)
from annotator.core.importers import FIELDS, ImportRefused, open_lines
from annotator.core.model import ExportRecord, NewArticle, NewRelation, NewSpan, Status
from annotator.core.offsets import normalise_newlines
from annotator.core.text import title_from

CARRIES = frozenset(
    {"spans", "overlaps", "relations", "attributes", "notes", "annotator", "status", "metadata"}
)


_RESERVED = frozenset({"text", "label", "id", "entities", "spans", "relations", "status", "meta", *FIELDS})
_STATUSES = {str(status): status for status in Status}


def read(path: Path, options: ReadOptions) -> Iterator[NewArticle]:
    """Records of a JSONL file (ours or doccano's). The text and `[start, end, label]` spans sit
    under `options.text_field` and `options.label_field`. A bad record refuses the file, unless
    `options.skip_bad`: then it is skipped and described in `options.notes`."""
    bad = options.notes if options.skip_bad else None
    hint = " (--skip-bad imports the other records)" if options.named else ""
    count = 0
    with open_lines(path, split_cr=False) as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                article = _jsonl_article(path, number, line, options)
            except ImportRefused as error:
                if bad is None:
                    raise ImportRefused(path, error.reason + hint, number) from None
                bad.append(f"{error} (skipped)")
                continue
            yield article
            count += 1
    if not count and not bad:
        raise ImportRefused(path, "empty file")


def _jsonl_article(path: Path, line: int, raw: str, options: ReadOptions) -> NewArticle:
    text_field, label_field = options.text_field, options.label_field
    try:
        record = json.loads(raw)  # not orjson: it reads an integer past 64 bits as a float
    except json.JSONDecodeError as error:
        raise ImportRefused(path, f"not valid JSON ({error.msg})", line) from None
    except RecursionError:
        raise ImportRefused(path, "not valid JSON (nested too deeply)", line) from None
    if not isinstance(record, dict):
        raise ImportRefused(path, f"not a JSON object but {type(record).__name__}", line)
    given = record.get(text_field)
    if not isinstance(given, str):
        raise ImportRefused(path, f"no string {text_field!r} field", line)
    if not given.strip():
        raise ImportRefused(path, f"the {text_field!r} field is empty", line)
    reserved = _RESERVED
    displaced: dict[str, Any] = {}
    if text_field != "text" or label_field != "label":
        reserved = _RESERVED | {text_field, label_field}
        labelled = record.get(label_field)
        displaced = {key: record[key] for key in ("text", "label") if key in record}
        record = {key: value for key, value in record.items() if key not in displaced}
        record |= {"text": given, "label": labelled}
    text, to_canonical = normalise_newlines(given)

    fields: dict[str, str] = {}
    for key in FIELDS:
        value = record.get(key)
        if value is None:
            value = ""
        elif not isinstance(value, str):  # text first: the usual case, one test
            if not isinstance(value, bool | int | float):
                raise ImportRefused(path, f"'{key}' must be text, not {type(value).__name__}", line)
            value = str(value)
        fields[key] = value.strip()

    meta: dict[str, Any] = dict(record["meta"]) if isinstance(record.get("meta"), dict) else {}
    if "meta" in record and not isinstance(record["meta"], dict):
        meta["meta"] = record["meta"]
    meta.update({key: value for key, value in record.items() if key not in reserved})
    if displaced:
        meta.update((key, value) for key, value in displaced.items() if key not in (text_field, label_field))
    if "id" in record:
        meta["source_id"] = record["id"]
    status = Status.NEW
    if "status" in record:
        if isinstance(record["status"], str) and record["status"] in _STATUSES:
            status = _STATUSES[record["status"]]
        else:
            meta["status"] = record["status"]
            options.report("records with an unknown status (stored as new, the status kept in meta)")

    if _categories(record.get("label")):
        meta["label"] = record["label"]  # doccano's document-level categories, not spans
    elif "label" in record or "entities" in record:
        moved, doubtful = utf16.as_code_points(record, given)
        if moved is not None:
            record = moved
            options.report("records whose offsets count UTF-16 units (an emoji as 2), moved onto code points")
        elif doubtful:
            options.report(
                "records read as code points whose spans after an emoji cut words (their offsets may "
                "count UTF-16 units, as JavaScript tools do: check them)"
            )
    spans = tuple(_spans(path, line, record, given, text, to_canonical))
    relations = _relations(path, line, record)
    suggestions: tuple = ()
    if prodigy.is_prodigy(record):
        spans, relations, suggestions = prodigy.sort_spans(record, spans, relations, options, (path, line))
    title = fields.pop("title") or title_from(text)
    return NewArticle(
        title=title,
        text=text,
        source=str(path),
        meta=meta,
        spans=spans,
        status=status,
        relations=relations,
        suggestions=suggestions,
        **fields,
    )


# Where each accepted shape keeps its spans: key, name in messages, start key, end key.
_SPAN_SHAPES = (
    ("label", "label", 0, 1),  # doccano: [start, end, label]
    ("entities", "entity", "start_offset", "end_offset"),  # doccano with relations
    ("spans", "span", "start", "end"),  # our own export
)


def _spans(
    path: Path, line: int, record: dict, given: str, text: str, to_canonical: Callable[[int], int]
) -> Iterator[NewSpan]:
    """Check each span against the text as given, then move it onto the LF text."""
    crlf = len(text) != len(given)  # CRLF became LF: offsets move
    for key, noun, start_key, end_key in _SPAN_SHAPES:
        items = record.get(key)
        if items is None or (key == "label" and _categories(items)):
            continue
        if not isinstance(items, list):
            raise ImportRefused(path, f"'{key}' must be a list", line)
        length = len(given)
        for index, item in enumerate(items, 1):
            # the usual spans are checked at once (the checks below, which name what is wrong, are slower)
            if not crlf:
                if key == "label" and type(item) is list and len(item) == 3:
                    start, end, label = item  # doccano's [start, end, label]
                elif key != "label" and type(item) is dict and item.keys().isdisjoint(_MORE_THAN_A_RANGE):
                    start, end, label = item.get(start_key), item.get(end_key), item.get("label")
                else:
                    start = end = label = None
                if type(start) is type(end) is int and type(label) is str and 0 <= start < end <= length:
                    if label.strip():
                        yield NewSpan(start, end, label)
                        continue
            name = _SpanName(noun, index, item)
            if key == "label":
                if not (isinstance(item, list) and len(item) == 3):
                    raise ImportRefused(path, f"{name} is not [start, end, label]", line)
                start, end, label = item
                item = _NO_FIELDS
            elif not isinstance(item, dict):
                raise ImportRefused(path, f"{name} is not an object", line)
            else:
                start, end, label = item.get(start_key), item.get(end_key), item.get("label")
            if type(start) is not int or type(end) is not int:  # noqa: E721 (bool is not a number here)
                if not all(isinstance(value, int) and not isinstance(value, bool) for value in (start, end)):
                    raise ImportRefused(path, f"{name}: start and end must be whole numbers", line)
            if not isinstance(label, str) or not label.strip():
                raise ImportRefused(path, f"{name}: the label must be non-empty text", line)
            if not 0 <= start < end <= len(given):
                raise ImportRefused(path, f"{name} is outside the text (length {len(given)}) or empty", line)
            if crlf:
                start, end = to_canonical(start), to_canonical(end)
                if start >= end:
                    raise ImportRefused(path, f"{name} covers only a line break", line)
            quoted = item.get("text", _ABSENT)
            if quoted is not _ABSENT and (
                not isinstance(quoted, str) or normalise_newlines(quoted)[0] != text[start:end]
            ):
                raise ImportRefused(path, f"{name}: its 'text' differs from the article text there", line)
            attributes, note, annotator = (
                item.get("attributes", {}),
                item.get("note", ""),
                item.get("annotator", ""),
            )
            if not isinstance(attributes, dict):
                raise ImportRefused(path, f"{name}: 'attributes' must be an object", line)
            if not isinstance(note, str) or not isinstance(annotator, str):
                raise ImportRefused(path, f"{name}: 'note' and 'annotator' must be text", line)
            yield NewSpan(start, end, label, attributes, note, annotator)


def _relations(path: Path, line: int, record: dict) -> tuple[NewRelation, ...]:
    """Relations by span id (ours: "from"/"to"; doccano: "from_id"/"to_id") as span indexes."""
    items = record.get("relations")
    if not items:
        return ()
    if not isinstance(items, list):
        raise ImportRefused(path, "'relations' must be a list", line)
    index_of: dict[Any, int] = {}
    position = 0
    for key, noun, _start, _end in _SPAN_SHAPES:
        spans = record.get(key)
        if spans is None or (key == "label" and _categories(spans)):
            continue
        for number, item in enumerate(spans, 1):
            if isinstance(item, dict) and "id" in item:
                if not _is_id(item["id"]):
                    raise ImportRefused(path, f"{noun} {number} {_short(item)}: {_ID_KINDS}", line)
                if item["id"] in index_of:
                    raise ImportRefused(path, f"two spans have the id {_short(item['id'])}", line)
                index_of[item["id"]] = position
            position += 1
    relations = []
    for number, item in enumerate(items, 1):
        name = f"relation {number} {_short(item)}"
        if not isinstance(item, dict):
            raise ImportRefused(path, f"{name} is not an object", line)
        ends = [item.get("from_id", item.get("from")), item.get("to_id", item.get("to"))]
        if not all(end is None or _is_id(end) for end in ends):
            raise ImportRefused(path, f"{name}: the ends it links are span ids, {_ID_KINDS}", line)
        missing = [end for end in ends if end not in index_of]
        if missing:
            raise ImportRefused(path, f"{name} refers to no span with the id {_short(missing[0])}", line)
        kind = item.get("type")
        if not isinstance(kind, str) or not kind.strip():
            raise ImportRefused(path, f"{name}: the type must be non-empty text", line)
        if ends[0] == ends[1]:
            raise ImportRefused(path, f"{name} links a span to itself", line)
        relations.append(NewRelation(index_of[ends[0]], index_of[ends[1]], kind))
    return tuple(relations)


_ID_KINDS = "an id is text or a whole number"


def _is_id(value: Any) -> bool:
    return isinstance(value, str | int) and not isinstance(value, bool)


def _categories(label: Any) -> bool:
    """Whether `label` is doccano's list of document categories (a look at the first item spares
    a list of spans the generator)."""
    return (
        isinstance(label, list)
        and bool(label)
        and isinstance(label[0], str)
        and all(isinstance(item, str) for item in label)
    )


_ABSENT = object()
# what a span object may carry besides its range and label (doccano's entities carry none of them)
_MORE_THAN_A_RANGE = frozenset({"text", "attributes", "note", "annotator"})
_NO_FIELDS: dict = {}  # what a [start, end, label] span has besides those (never changed)


class _SpanName:
    """ "span 3 [1, 2, "x"]" for a message, made only when a message is (not for every span)."""

    __slots__ = ("index", "item", "noun")

    def __init__(self, noun: str, index: int, item: Any):
        self.noun, self.index, self.item = noun, index, item

    def __str__(self) -> str:
        return f"{self.noun} {self.index} {_short(self.item)}"


def _short(value: Any) -> str:
    shown = json.dumps(value, ensure_ascii=False)
    return shown if len(shown) <= 60 else shown[:57] + "..."


_COLUMNS_IN_META = ("outlet", "author", "published", "url")


def write(rows: Rows, out: TextIO, options: WriteOptions) -> ExportSummary:
    """One JSON object per article and line; relations whose ends are not both exported are dropped."""
    return write_records((record_of(*row) for row in rows), out, options)


def write_records(found: Iterable[ExportRecord], out: TextIO, options: WriteOptions) -> ExportSummary:
    """`write` over plain records (`Store.iter_records`): one dict per span is all the Python
    work a span costs; orjson encodes the line."""
    write = byte_writer(out)
    pending: list[bytes] = []  # lines written a megabyte at a time (a third fewer system calls' cost)
    size = articles = spans_written = 0
    ticker = Ticker(options.progress)
    for article_id, title, text, status, outlet, author, published, url, meta, spans, relations in found:
        if outlet or author or published or url:
            meta = dict(meta)
            for key, value in zip(_COLUMNS_IN_META, (outlet, author, published, url), strict=True):
                if value:
                    meta[key] = value
        if relations:
            span_ids = {span[0] for span in spans}
            relations = [r for r in relations if r[0] in span_ids and r[1] in span_ids]
        record = {
            "id": article_id,
            "title": title,
            "text": text,
            "status": status,
            "meta": meta,
            "spans": [
                {
                    "id": span_id,
                    "start": start,
                    "end": end,
                    "label": label,
                    "text": text[start:end],
                    "attributes": attributes,
                    "note": note,
                    "annotator": annotator,
                }
                for span_id, start, end, label, attributes, note, annotator in spans
            ],
            "relations": [{"from": source, "to": target, "type": kind} for source, target, kind in relations],
        }
        line = json_bytes(record)
        pending.append(line)
        size += len(line)
        if size >= 1 << 20:
            write(b"\n".join(pending) + b"\n")
            pending.clear()
            size = 0
        articles += 1
        spans_written += len(spans)
        ticker.add(len(spans))
    if pending:
        write(b"\n".join(pending) + b"\n")
    ticker.close()
    return ExportSummary(articles, spans_written)
