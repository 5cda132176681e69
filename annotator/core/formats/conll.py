"""CoNLL with IOB2 tags: one token and its tag per line (`token<TAB>B-claim`), a blank line
between sentences, `-DOCSTART- -X- O O` before each article (the line spaCy's converter looks for).

Offsets: none; tokens only. Tokens are cut at span boundaries (see `common.tokens`), so every
written span's tokens are exactly its text. One tag per token means one layer: where spans
overlap, the longest (then earliest) is kept and the others are left out and reported, as are
relations, attributes, notes, annotators, status, title and metadata. Sentences are lines of the
article, except that a span crossing a line break keeps its tokens in one sentence. Reading joins
tokens with one space and sentences with a line break, so the text read back is the token
sequence, not the original spacing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

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
from annotator.core.model import NewArticle, NewSpan
from annotator.core.text import title_from

CARRIES = frozenset({"spans"})
DOCSTART = "-DOCSTART- -X- O O"  # what spaCy's CoNLL converter splits documents at


def write(rows: Rows, out: TextIO, options: WriteOptions) -> ExportSummary:
    left = LeftOut("CoNLL")
    ticker = Ticker(options.progress)
    articles = spans_written = 0
    for article, spans, relations in rows:
        text = article.text
        kept, taken = [], []
        for span in sorted(spans, key=lambda s: (-(s.end - s.start), s.start)):
            if all(span.end <= a or span.start >= b for a, b in taken):
                kept.append(span)
                taken.append((span.start, span.end))
        left.add("overlapping spans", article.id, len(spans) - len(kept))
        left.add("relations", article.id, len(relations))
        left.span_extras(article, spans, CARRIES)
        names = {span.label: re.sub(r"\s+", "_", span.label.strip()) for span in kept}
        left.add("label names with spaces (written with '_')", article.id,
                 sum(1 for span in kept if names[span.label] != span.label))  # fmt: skip
        starts = {span.start: names[span.label] for span in kept}
        inside = sorted((span.start, span.end, names[span.label]) for span in kept)
        out.write(f"{DOCSTART}\n\n")
        lines: list[str] = []
        current = 0
        for start, end in tokens(text, [o for s in kept for o in (s.start, s.end)]):
            tag = "O"
            if start in starts:
                tag = f"B-{starts[start]}"
            else:
                for a, b, label in inside:
                    if a < start < b:
                        tag = f"I-{label}"
                        break
                    if a > start:
                        break
            if "\n" in text[current:start] and lines and not tag.startswith("I-"):
                out.write("\n".join(lines) + "\n\n")
                lines = []
            current = end
            lines.append(f"{text[start:end]}\t{tag}")
        if lines:
            out.write("\n".join(lines) + "\n\n")
        articles += 1
        spans_written += len(kept)
        ticker.add(len(spans))
    ticker.close()
    return ExportSummary(articles, spans_written, left.lines())


def read(path: Path, options: ReadOptions) -> Iterator[NewArticle]:
    """Documents split at -DOCSTART- (a file without one is one document); the tag is the last
    column; B-/I- tags (IOB2, and IOB1's I- after O) become spans."""
    try:
        lines = path.read_text(encoding="utf-8-sig").split("\n")
    except UnicodeDecodeError as error:
        raise ImportRefused(path, f"not UTF-8 text ({error.reason})") from None
    document: list[list[tuple[str, str, int]]] = [[]]
    found = False
    for number, raw in enumerate(lines + ["-DOCSTART-"], 1):
        line = raw.rstrip("\r")
        if line.startswith("-DOCSTART-"):
            if any(document):
                found = True
                yield _article(path, document)
            document = [[]]
        elif not line.strip():
            if document[-1]:
                document.append([])
        else:
            columns = line.split("\t") if "\t" in line else line.split()
            if len(columns) < 2 or not columns[0]:  # "\tB-quote": no token, so an empty span
                raise ImportRefused(path, f"expected a token and a tag, not {line[:60]!r}", number)
            tag = columns[-1]
            if tag != "O" and not (tag[:2] in ("B-", "I-") and len(tag) > 2):
                raise ImportRefused(path, f"{tag!r} is not an IOB2 tag (O, B-label, I-label)", number)
            document[-1].append((columns[0], tag, number))
    if not found:
        raise ImportRefused(path, "no tokens")


def _article(path: Path, sentences: list[list[tuple[str, str, int]]]) -> NewArticle:
    pieces: list[str] = []
    spans: list[NewSpan] = []
    position = 0
    open_span: list | None = None
    for sentence in (s for s in sentences if s):
        if pieces:
            pieces.append("\n")
            position += 1
        for index, (token, tag, _number) in enumerate(sentence):
            if index:
                pieces.append(" ")
                position += 1
            start = position
            pieces.append(token)
            position += len(token)
            label = tag[2:]
            if tag.startswith("I-") and open_span is not None and open_span[2] == label:
                open_span[1] = position
                continue
            if open_span is not None:
                spans.append(NewSpan(*open_span))
                open_span = None
            if tag != "O":
                open_span = [start, position, label]
        if open_span is not None:
            spans.append(NewSpan(*open_span))
            open_span = None
    text = "".join(pieces)
    return NewArticle(title=title_from(text), text=text, source=str(path), spans=tuple(spans))
