"""doccano JSONL for sequence labelling, plain (`label: [[start, end, label]]`) and with relations
(`entities` with ids, `relations` with from_id/to_id/type).

Offsets: code points of `text` (doccano's default; its optional grapheme mode is not emitted).
Reading is the JSONL reader's (`formats/jsonl.py`), which accepts both shapes and
relations. Title, status and metadata travel as top-level keys (the same on every line), which doccano keeps
as metadata;
attributes, notes and annotator names have no place and are reported as left out.
"""

from __future__ import annotations

from typing import Any, TextIO

from annotator.core.formats.common import ExportSummary, LeftOut, Rows, Ticker, WriteOptions, json_line
from annotator.core.model import Article

CARRIES = frozenset({"spans", "overlaps", "status", "metadata"})
CARRIES_RELATIONS = CARRIES | {"relations"}


def write_labels(rows: Rows, out: TextIO, options: WriteOptions) -> ExportSummary:
    return _write(rows, out, options, relations=False)


def write_relations(rows: Rows, out: TextIO, options: WriteOptions) -> ExportSummary:
    return _write(rows, out, options, relations=True)


def _write(rows: Rows, out: TextIO, options: WriteOptions, relations: bool) -> ExportSummary:
    left = LeftOut("doccano")
    carries = CARRIES_RELATIONS if relations else CARRIES
    ticker = Ticker(options.progress)
    articles = spans_written = 0
    for article, spans, links in rows:
        record = _head(article)
        if relations:
            record["entities"] = [
                {"id": s.id, "label": s.label, "start_offset": s.start, "end_offset": s.end} for s in spans
            ]
            record["relations"] = [
                {"id": r.id, "from_id": r.from_span, "to_id": r.to_span, "type": r.type} for r in links
            ]
        else:
            record["label"] = [[s.start, s.end, s.label] for s in spans]
            left.add("relations", article.id, len(links))
        left.span_extras(article, spans, carries)
        out.write(json_line(record))
        out.write("\n")
        articles += 1
        spans_written += len(spans)
        ticker.add(len(spans))
    ticker.close()
    return ExportSummary(articles, spans_written, left.lines())


def _head(article: Article) -> dict[str, Any]:
    """The same keys on every line: doccano reads a file in pandas batches, where a key missing
    from some lines becomes NaN and fails its check that metadata is JSON."""
    record: dict[str, Any] = {"id": article.id, "text": article.text, "title": article.title}
    record.update((key, getattr(article, key)) for key in ("outlet", "author", "published", "url"))
    record["status"] = str(article.status)
    record["meta"] = article.meta
    return record
