"""CSV: article tables in, one span per row out. Offsets are code points.

Import reads a table with a `text` column (any delimiter among , ; tab |), one article per row:
`title`, `author`, `outlet`, `published` and `url` columns fill those fields, other columns go to
the article's metadata.

CSV: one row per span, columns `article_id, article_title, span_id, start, end, label, text,
attributes, note, annotator`; `attributes` is compact JSON. Articles without spans give no row.

Cells a spreadsheet would run as a formula get a leading `'` (`common.neutralise_formula` says
why and how it stays reversible); `--no-formula-guard` writes raw cells.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

from annotator.core.formats.common import (
    ExportSummary,
    ReadOptions,
    Rows,
    Ticker,
    WriteOptions,
    json_text,
    neutralise_formula,
    record_of,
)
from annotator.core.importers import FIELDS, MAX_LINE_BYTES, ImportRefused, open_lines
from annotator.core.model import ExportRecord, NewArticle
from annotator.core.offsets import normalise_newlines
from annotator.core.text import title_from

CARRIES = frozenset({"spans", "overlaps", "attributes", "notes", "annotator", "status", "metadata"})
COLUMNS = (
    "article_id",
    "article_title",
    "span_id",
    "start",
    "end",
    "label",
    "text",
    "attributes",
    "note",
    "annotator",
)
LEFT_OUT = ("CSV: relations, article text and article metadata are not part of the span table",)


def _allow_big_fields() -> None:
    """Far above csv's 128 KB default, but bounded: a quote never closed must not eat memory."""
    csv.field_size_limit(MAX_LINE_BYTES)


def _delimiter(first_line: str) -> str:
    """Comma unless another common delimiter is the one that yields a 'text' column."""
    counts = {}
    for delimiter in (",", ";", "\t", "|"):
        header = next(csv.reader([first_line], delimiter=delimiter), [])
        if "text" in (name.strip().lower() for name in header):
            return delimiter
        counts[delimiter] = len(header)
    return max(counts, key=lambda d: counts[d])


def read(path: Path, options: ReadOptions) -> Iterator[NewArticle]:
    """An article table with a `text` column (whatever the file's suffix), streamed row by row."""
    _allow_big_fields()
    count = 0
    with open_lines(path, split_cr=True) as lines:
        reader = None
        try:
            seen = []
            for line in lines:  # the header's delimiter decides the dialect
                seen.append(line)
                if line.strip():
                    break
            reader = csv.reader(
                itertools.chain(seen, lines), delimiter=_delimiter(seen[-1] if seen else ""), strict=True
            )
            header = next((row for row in reader if row), None)
            if header is None:
                raise ImportRefused(path, "empty file")
            columns = [name.strip() for name in header]
            keys = [name.lower() for name in columns]
            repeated = sorted(key for key, count in Counter(keys).items() if key and count > 1)
            if repeated:
                raise ImportRefused(path, f"column {repeated[0]!r} appears more than once", reader.line_num)
            if {"span_id", "start", "end", "label"} <= set(keys):
                raise ImportRefused(
                    path,
                    "this is a span table (one row per span, as `annotator export` writes CSV), "
                    "not articles: it holds no article text. Import a JSONL export instead",
                )
            if "text" not in keys:
                more = f" and {len(columns) - 20} more" if len(columns) > 20 else ""
                named = ", ".join(columns[:20]) + more
                raise ImportRefused(path, f"no 'text' column (columns: {named})")
            start = reader.line_num + 1
            for row in reader:
                line, start = start, reader.line_num + 1
                if not any(cell.strip() for cell in row):
                    continue
                yield _csv_article(path, line, columns, keys, row)
                count += 1
        except csv.Error as error:
            raise ImportRefused(path, f"malformed CSV ({error})", reader.line_num if reader else 1) from None
    if not count:
        raise ImportRefused(path, "the header has no rows under it")


def _csv_article(path: Path, line: int, columns: list[str], keys: list[str], row: list[str]) -> NewArticle:
    if len(row) > len(columns) and any(cell.strip() for cell in row[len(columns) :]):
        raise ImportRefused(path, f"{len(row)} fields but the header has {len(columns)} columns", line)
    values: dict[str, str] = {}
    meta: dict[str, Any] = {}
    for index, (column, key) in enumerate(zip(columns, keys, strict=True)):
        cell = row[index] if index < len(row) else ""
        if key == "text" or key in FIELDS:
            values[key] = cell
        elif cell.strip():
            meta[column or f"column {index + 1}"] = cell
    text = normalise_newlines(values.pop("text"))[0].strip()
    if not text:
        raise ImportRefused(path, "the 'text' cell is empty", line)
    fields = {key: " ".join(value.split()) for key, value in values.items()}
    title = fields.pop("title", "") or title_from(text)
    return NewArticle(title=title, text=text, source=str(path), meta=meta, **fields)


def write(rows: Rows, out: TextIO, options: WriteOptions) -> ExportSummary:
    """One row per span, for spreadsheets and data-frame tools."""
    return write_records((record_of(*row) for row in rows), out, options)


def write_records(found: Iterable[ExportRecord], out: TextIO, options: WriteOptions) -> ExportSummary:
    """`write` over plain records (`Store.iter_records`). Rows gather in memory and reach `out`
    a few hundred kilobytes at a time (a write per row was a quarter of the export)."""
    pending = io.StringIO()
    writer = csv.writer(pending, lineterminator="\n")
    # Python 3.11's csv leaves a bare CR unquoted when the terminator is "\n", and a reader then
    # splits the row there; the rare row holding a CR is written fully quoted instead.
    quoting_writer = csv.writer(pending, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow(COLUMNS)
    guard = neutralise_formula if options.neutralise_formulas else _unchanged
    names: dict[str, str] = {}  # labels and annotators, guarded once each
    dumps = json_text  # an attribute set is an object: its JSON starts with "{", never a formula
    articles = spans_written = 0
    ticker = Ticker(options.progress)
    for record in found:
        spans = record.spans
        if not spans:
            continue
        text, article_id = record.text, record.id
        title = guard(record.title)
        title_has_cr = "\r" in title
        for span_id, start, end, label, attributes, note, annotator in spans:
            span_text = text[start:end]
            shown_label = names.get(label) or names.setdefault(label, guard(label))
            shown_annotator = names.get(annotator) or names.setdefault(annotator, guard(annotator))
            row = (
                article_id,
                title,
                span_id,
                start,
                end,
                shown_label,
                guard(span_text),
                dumps(attributes),
                guard(note) if note else note,
                shown_annotator,
            )
            if title_has_cr or "\r" in span_text or "\r" in note or "\r" in label or "\r" in annotator:
                quoting_writer.writerow(row)
            else:
                writer.writerow(row)
        articles += 1
        spans_written += len(spans)
        ticker.add(len(spans))
        if pending.tell() >= 1 << 18:
            out.write(pending.getvalue())
            pending.seek(0)
            pending.truncate()
    out.write(pending.getvalue())
    ticker.close()
    return ExportSummary(articles, spans_written, LEFT_OUT)


def _unchanged(cell: str) -> str:
    return cell
