"""Exporters: stream a project's articles, spans and relations to JSONL or CSV.

Both formats are written from `Store.iter_annotated`, one article at a time, so an export of any
size runs in constant memory. The caller opens `out` (UTF-8, and `newline=""` so that line breaks
inside cells reach the file unchanged on every platform) and closes it.

JSONL: one line per article with the keys `id, title, text, status, meta, spans, relations`.
`meta` is the article's free metadata plus its non-empty `outlet`, `author`, `published` and `url`
(these columns win over a meta key of the same name). Every span carries `text`, which always equals
`article.text[start:end]` (code points). U+0085, U+2028 and U+2029 are written as `\\u` escapes so
that no reader splits a line inside a string.

CSV: one row per span, columns `article_id, article_title, span_id, start, end, label, text,
attributes, note, annotator`; `attributes` is compact JSON. Articles without spans give no row.

Formula injection (OWASP "CSV injection"): a spreadsheet runs a cell starting with `=`, `+`, `-`, `@`,
tab, CR or LF as a formula. By default every text cell whose value starts with one of these gets a
leading `'`, so the `text` cell of such a span is then *not* `article.text[start:end]`. A value that
already starts with apostrophes followed by a trigger character (`'=x`) gets one more, which keeps the
rule reversible: `restore_formula` strips one leading `'` exactly when what follows the leading
apostrophes is a trigger character, and gives back the raw value. Numeric columns are never altered.
`neutralise_formulas=False` (CLI `--no-formula-guard`) writes raw cells for tools that are not
spreadsheets.
"""

from __future__ import annotations

import csv
import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TextIO

from annotator.core.model import Article, Relation, Span, Status

if TYPE_CHECKING:
    from annotator.core.store import Store

log = logging.getLogger(__name__)

CSV_COLUMNS = (
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
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
# Progress is reported in batches so a GUI callback is not called once per tiny article.
PROGRESS_EVERY = 1000

Rows = Iterable[tuple[Article, list[Span], list[Relation]]]
Progress = Callable[[int], None] | None


class Ticker:
    """Calls `progress` with the number of spans done, in batches (a GUI needs no call per span)."""

    def __init__(self, progress: Callable[[int], None] | None):
        self.progress = progress
        self.pending = 0

    def add(self, count: int) -> None:
        self.pending += count
        if self.progress is not None and self.pending >= PROGRESS_EVERY:
            self.progress(self.pending)
            self.pending = 0

    def close(self) -> None:
        if self.progress is not None and self.pending:
            self.progress(self.pending)
        self.pending = 0


@dataclass(frozen=True)
class ExportSummary:
    """What an export wrote: articles that appear in the output and span records, and one line
    per kind of thing the format could not carry (e.g. "CoNLL: 12 overlapping spans left out…")."""

    articles: int
    spans: int
    left_out: tuple[str, ...] = ()


def export(
    store: Store,
    fmt: str,
    out: TextIO,
    *,
    status: Iterable[Status] = (),
    labels: Iterable[str] = (),
    progress: Progress = None,
    neutralise_formulas: bool = True,
    annotator: str | None = None,
) -> ExportSummary:
    """Write the project (filtered by article status, span label and annotator) to `out` in
    format `fmt`."""
    if fmt not in ("jsonl", "csv"):
        from annotator.core.formats import export_stream  # the registry builds on this module

        return export_stream(
            store, fmt, out, status=status, labels=labels, progress=progress, annotator=annotator
        )
    rows = store.iter_annotated(status=status, labels=labels, annotator=annotator)
    if fmt == "jsonl":
        summary = write_jsonl(rows, out, progress)
    else:
        summary = write_csv(rows, out, progress, neutralise_formulas)
    log.info("exported %d articles, %d spans as %s", summary.articles, summary.spans, fmt)
    return summary


def write_jsonl(rows: Rows, out: TextIO, progress: Progress = None) -> ExportSummary:
    """One JSON object per article and line; relations whose ends are not both exported are dropped."""
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    write = out.write
    articles = spans_written = 0
    ticker = Ticker(progress)
    for article, spans, relations in rows:
        text = article.text
        span_ids = {span.id for span in spans}
        record = {
            "id": article.id,
            "title": article.title,
            "text": text,
            "status": str(article.status),
            "meta": _meta(article),
            "spans": [
                {
                    "id": span.id,
                    "start": span.start,
                    "end": span.end,
                    "label": span.label,
                    "text": text[span.start : span.end],
                    "attributes": span.attributes,
                    "note": span.note,
                    "annotator": span.annotator,
                }
                for span in spans
            ],
            "relations": [
                {"from": r.from_span, "to": r.to_span, "type": r.type}
                for r in relations
                if r.from_span in span_ids and r.to_span in span_ids
            ],
        }
        line = dumps(record)
        if not line.isascii():
            line = _escape_line_separators(line)
        write(line)
        write("\n")
        articles += 1
        spans_written += len(spans)
        ticker.add(len(spans))
    ticker.close()
    return ExportSummary(articles, spans_written)


def write_csv(
    rows: Rows, out: TextIO, progress: Progress = None, neutralise_formulas: bool = True
) -> ExportSummary:
    """One row per span, for spreadsheets and data-frame tools."""
    writer = csv.writer(out, lineterminator="\n")
    # Python 3.11's csv leaves a bare CR unquoted when the terminator is "\n", and a reader then
    # splits the row there; the rare row holding a CR is written fully quoted instead.
    quoting_writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow(CSV_COLUMNS)
    guard = neutralise_formula if neutralise_formulas else _unchanged
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    articles = spans_written = 0
    ticker = Ticker(progress)
    for article, spans, _relations in rows:
        if not spans:
            continue
        text = article.text
        title = guard(article.title)
        title_has_cr = "\r" in title
        for span in spans:
            span_text = text[span.start : span.end]
            row = (
                article.id,
                title,
                span.id,
                span.start,
                span.end,
                guard(span.label),
                guard(span_text),
                guard(dumps(span.attributes)),
                guard(span.note),
                guard(span.annotator),
            )
            has_cr = "\r" in span_text or "\r" in span.note or "\r" in span.label or "\r" in span.annotator
            if title_has_cr or has_cr:
                quoting_writer.writerow(row)
            else:
                writer.writerow(row)
        articles += 1
        spans_written += len(spans)
        ticker.add(len(spans))
    ticker.close()
    return ExportSummary(articles, spans_written)


def __getattr__(name: str) -> Any:
    """`EXPORT_FORMATS` comes from the format registry, which itself builds on this module."""
    if name == "EXPORT_FORMATS":
        from annotator.core.formats import FORMATS

        return tuple(key for key, fmt in FORMATS.items() if fmt.writer is not None)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def neutralise_formula(cell: str) -> str:
    """The cell with a leading `'` if a spreadsheet would run it as a formula (see module docstring)."""
    if cell and cell.lstrip("'").startswith(FORMULA_TRIGGERS):
        return "'" + cell
    return cell


def restore_formula(cell: str) -> str:
    """The raw value of a cell written by `neutralise_formula`: its exact inverse."""
    if cell.startswith("'") and cell.lstrip("'").startswith(FORMULA_TRIGGERS):
        return cell[1:]
    return cell


def _escape_line_separators(line: str) -> str:
    # JSON allows these raw, but str.splitlines() and JavaScript readers break lines on them.
    for char, escaped in _LINE_SEPARATORS:
        if char in line:
            line = line.replace(char, escaped)
    return line


_LINE_SEPARATORS = (("\x85", "\\u0085"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))


def _unchanged(cell: str) -> str:
    return cell


def _meta(article: Article) -> dict[str, Any]:
    meta = dict(article.meta)
    for key in ("outlet", "author", "published", "url"):
        value = getattr(article, key)
        if value:
            meta[key] = value
    return meta
