"""spaCy `.spacy` DocBin: one Doc per article, all spans in `doc.spans["sc"]`, the non-overlapping
ones (longest first, then earliest) also as `doc.ents`.

Offsets: code points (spaCy's `doc.text` is our text, character for character).
Alignment policy: we tokenise ourselves (whitespace, punctuation, word runs with their combining
marks, flags kept whole) and also cut tokens at every span boundary, so every span is
token-aligned by construction and `doc.char_span(start, end)` in strict mode never fails; a span
that still fails (none should) is counted in the report, never dropped silently. Spans overlapping
an entity are only in `doc.spans["sc"]` (reported). Whitespace is cut into tokens at span
boundaries too, so a span starting or ending with whitespace is kept exactly. When an article has
spans of several annotators, each one's spans are also in `doc.spans["sc_<name>"]`. Reading
leaves out empty docs and spans of other groups than "sc", and counts them. Each span's id is
`span.id_`; article title, status, metadata, attributes, notes, annotators and relations travel in
`doc.user_data["annotator"]` (DocBin keeps user data), which `read` uses to come back losslessly.

Needs the `spacy` package (imported only when used); a blank multi-language vocabulary, no model.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from annotator.core.formats.common import (
    ExportSummary,
    LeftOut,
    ReadOptions,
    Rows,
    Ticker,
    WriteOptions,
    tokens,
)
from annotator.core.importers import ImportRefused
from annotator.core.model import NewArticle, NewRelation, NewSpan, Status
from annotator.core.text import title_from

CARRIES = frozenset(
    {"spans", "overlaps", "relations", "attributes", "notes", "annotator", "status", "metadata"}
)
SPAN_KEY = "sc"
USER_KEY = "annotator"


def _spacy() -> Any:
    try:
        import spacy
    except ImportError:
        raise OSError("the spaCy format needs the spacy package (pip install spacy)") from None
    return spacy


def doc_words(
    text: str, cuts: list[int], starts: frozenset[int] = frozenset()
) -> tuple[list[str], list[bool]]:
    """Words and trailing-space flags whose concatenation is exactly `text`: each token keeps one
    following space; any other whitespace becomes a whitespace token, as spaCy does. Whitespace
    is also cut at every offset in `cuts` (span boundaries), so a span that starts (`starts`) or
    ends with whitespace still starts and ends on a token."""
    words: list[str] = []
    spaces: list[bool] = []
    cut_points = sorted(set(cuts))

    def gap(start: int, end: int) -> None:
        inner = cut_points[bisect_right(cut_points, start) : bisect_left(cut_points, end)]
        if words and not spaces[-1] and text[start] == " " and start not in starts:
            spaces[-1] = True  # the usual single space after a word: a flag, not a token
            start += 1
        for a, b in zip([start, *inner], [*inner, end], strict=True):
            if a < b:
                words.append(text[a:b])
                spaces.append(False)

    position = 0
    for start, end in tokens(text, cuts):
        if start > position:
            gap(position, start)
        words.append(text[start:end])
        spaces.append(False)
        position = end
    if position < len(text):
        gap(position, len(text))
    return words, spaces


def write(rows: Rows, path: Path, options: WriteOptions) -> ExportSummary:
    spacy = _spacy()
    from spacy.tokens import Doc, DocBin

    vocab = spacy.blank("xx").vocab
    docs = DocBin(store_user_data=True)
    left = LeftOut("spaCy")
    ticker = Ticker(options.progress)
    articles = spans_written = 0
    for article, spans, relations in rows:
        cuts = [offset for span in spans for offset in (span.start, span.end)]
        words, spaces = doc_words(article.text, cuts, frozenset(span.start for span in spans))
        doc = Doc(vocab, words=words, spaces=spaces)
        group, kept = [], []
        for span in spans:
            piece = doc.char_span(span.start, span.end, label=span.label, alignment_mode="strict")
            if piece is None:
                left.add("spans not aligned to tokens", article.id)
                continue
            piece.id_ = str(span.id)
            group.append(piece)
            kept.append(span)
        doc.spans[SPAN_KEY] = group
        annotators = {span.annotator for span in kept}
        if len(annotators) > 1:  # who marked what stays visible outside our user data too
            for name in sorted(annotators):
                doc.spans[f"{SPAN_KEY}_{name}"] = [
                    p for p, s in zip(group, kept, strict=True) if s.annotator == name
                ]
            left.add(
                "articles with several annotators (each one's spans also in doc.spans['sc_<name>'])",
                article.id,
            )
        entities, taken = [], set()
        for piece in sorted(group, key=lambda p: (-(p.end - p.start), p.start)):
            if taken.isdisjoint(range(piece.start, piece.end)):
                entities.append(piece)
                taken.update(range(piece.start, piece.end))
        doc.ents = sorted(entities, key=lambda p: p.start)
        left.add("overlapping spans only in doc.spans (not doc.ents)", article.id, len(group) - len(entities))
        index = {span.id: number for number, span in enumerate(kept)}
        doc.user_data[USER_KEY] = {
            "id": article.id,
            "title": article.title,
            "status": str(article.status),
            "meta": article.meta,
            **{key: getattr(article, key) for key in ("outlet", "author", "published", "url")},
            "spans": [[s.attributes, s.note, s.annotator] for s in kept],
            "relations": [
                [index[r.from_span], index[r.to_span], r.type]
                for r in relations
                if r.from_span in index and r.to_span in index
            ],
        }
        docs.add(doc)
        articles += 1
        spans_written += len(group)
        ticker.add(len(spans))
    docs.to_disk(path)
    ticker.close()
    return ExportSummary(articles, spans_written, left.lines())


def read(path: Path, options: ReadOptions) -> Iterator[NewArticle]:
    """Docs of a DocBin: spans from `doc.spans["sc"]` and `doc.ents`, and what we wrote into
    `doc.user_data` when present."""
    try:
        spacy = _spacy()
    except OSError as error:
        raise ImportRefused(path, str(error)) from None
    from spacy.tokens import DocBin

    try:
        docs = list(DocBin().from_disk(path).get_docs(spacy.blank("xx").vocab))
    except (ValueError, KeyError, OSError) as error:
        raise ImportRefused(path, f"not a spaCy DocBin ({error})") from None
    for number, doc in enumerate(docs, 1):
        if not doc.text.strip():
            options.report("empty docs left out")
            continue
        ours = doc.user_data.get(USER_KEY, {}) if isinstance(doc.user_data.get(USER_KEY), dict) else {}
        pieces = list(doc.spans[SPAN_KEY]) if SPAN_KEY in doc.spans else list(doc.ents)
        others = [
            key for key in doc.spans if key != SPAN_KEY and not (ours and key.startswith(f"{SPAN_KEY}_"))
        ]
        options.report(
            "spans in other span groups than 'sc' left out", sum(len(doc.spans[k]) for k in others)
        )
        extras = ours.get("spans") or []
        if extras and len(extras) != len(pieces):
            raise ImportRefused(
                path, f"doc {number}: user data describes {len(extras)} spans, not {len(pieces)}"
            )
        spans = []
        for index, piece in enumerate(pieces):
            attributes, note, annotator = extras[index] if extras else ({}, "", "")
            spans.append(NewSpan(piece.start_char, piece.end_char, piece.label_, attributes, note, annotator))
        taken = {(span.start, span.end, span.label) for span in spans}
        spans += [  # entities set beside the 'sc' group by another program (ours repeat it)
            NewSpan(ent.start_char, ent.end_char, ent.label_)
            for ent in doc.ents
            if (ent.start_char, ent.end_char, ent.label_) not in taken
        ]
        options.report("document categories (doc.cats) left out", len(doc.cats))
        status = ours.get("status")
        yield NewArticle(
            title=ours.get("title") or title_from(doc.text),
            text=doc.text,
            source=str(path),
            meta={**ours.get("meta", {}), **({"source_id": ours["id"]} if "id" in ours else {})},
            spans=tuple(spans),
            relations=tuple(NewRelation(a, b, kind) for a, b, kind in ours.get("relations", [])),
            status=Status(status) if isinstance(status, str) and status in set(Status) else Status.NEW,
            **{key: str(ours.get(key) or "") for key in ("outlet", "author", "published", "url")},
        )
