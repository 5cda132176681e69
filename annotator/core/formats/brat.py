"""brat standoff: a folder of `NAME.txt` + `NAME.ann` pairs plus `annotation.conf` and `visual.conf`.

Offsets: code points of the `.txt` read with universal newlines (CRLF counts as one); we write LF.
A span that crosses a line break is written as a discontinuous span (`label 0 5;6 10`) whose
fragments leave the line breaks out, as brat requires; reading joins fragments separated only by
whitespace back into one span. Any other gap is refused (or, with `realign`, bridged and noted).

Carried: spans (T), relations (R), attributes (A: `name T1 value`; `true` as a binary attribute),
notes (`#` AnnotatorNotes). Not carried, and reported: annotator names, article status, title and
metadata. brat names cannot hold spaces: label, attribute and relation names and attribute values
with whitespace are written with `_` (reported).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from annotator.core.exporters import ExportSummary, Rows, Ticker
from annotator.core.formats.common import LeftOut, ReadOptions, WriteOptions, place, value_text
from annotator.core.importers import ImportRefused
from annotator.core.model import NewArticle, NewRelation, NewSpan
from annotator.core.offsets import normalise_newlines

CARRIES = frozenset({"spans", "overlaps", "relations", "attributes", "notes"})
_SPACE = re.compile(r"\s+")
_LINE_BREAK = re.compile("[\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]+")


# ----------------------------------------------------------------------------- export
def write(rows: Rows, folder: Path, options: WriteOptions) -> ExportSummary:
    left = LeftOut("brat")
    ticker = Ticker(options.progress)
    entities: dict[str, str] = {}  # brat name -> colour
    colours = {label.name: label.color for label in options.labels}
    relation_types: dict[str, None] = {}
    attribute_values: dict[str, tuple[set[str], set[str]]] = {}  # name -> (labels, values)
    articles = spans_written = 0

    def name(value: str, what: str, article_id: int) -> str:
        cleaned = _SPACE.sub("_", value.strip())
        if cleaned != value:
            left.add(f"{what} with spaces (written with '_')", article_id)
        return cleaned

    for article, spans, relations in rows:
        text = article.text
        lines: list[str] = []
        numbers: dict[int, int] = {}
        attribute_count = note_count = 0
        for span in spans:
            fragments = _fragments(text, span.start, span.end)
            if not fragments:
                left.add("spans covering only line breaks", article.id)
                continue
            label = name(span.label, "label names", article.id)
            entities.setdefault(label, colours.get(span.label, ""))
            number = numbers[span.id] = len(numbers) + 1
            ranges = ";".join(f"{start} {end}" for start, end in fragments)
            quoted = " ".join(text[start:end] for start, end in fragments)
            lines.append(f"T{number}\t{label} {ranges}\t{quoted}")
            for key, value in span.attributes.items():
                attribute = name(key, "attribute names", article.id)
                labels, values = attribute_values.setdefault(attribute, (set(), set()))
                labels.add(label)
                attribute_count += 1
                if value is True:
                    lines.append(f"A{attribute_count}\t{attribute} T{number}")
                    continue
                if not isinstance(value, str):
                    left.add("non-text attribute values (written as text)", article.id)
                written = name(value_text(value), "attribute values", article.id)
                values.add(written)
                lines.append(f"A{attribute_count}\t{attribute} T{number} {written}")
            if span.note:
                note_count += 1
                note = _SPACE.sub(" ", span.note)
                if note != span.note:
                    left.add("line breaks or tabs in notes (written as spaces)", article.id)
                lines.append(f"#{note_count}\tAnnotatorNotes T{number}\t{note}")
        for index, relation in enumerate(relations, 1):
            if relation.from_span not in numbers or relation.to_span not in numbers:
                left.add("relations of unwritten spans", article.id)
                continue
            kind = name(relation.type, "relation types", article.id)
            relation_types[kind] = None
            lines.append(
                f"R{index}\t{kind} Arg1:T{numbers[relation.from_span]} Arg2:T{numbers[relation.to_span]}"
            )
        left.add("span annotator names", article.id, sum(1 for s in spans if s.annotator))
        left.add("article statuses other than new", article.id, int(str(article.status) != "new"))
        left.add("titles and metadata", article.id)
        stem = f"{article.id:06d}"
        (folder / f"{stem}.txt").write_text(text, encoding="utf-8", newline="\n")
        (folder / f"{stem}.ann").write_text(
            "".join(line + "\n" for line in lines), encoding="utf-8", newline="\n"
        )
        articles += 1
        spans_written += len(numbers)
        ticker.add(len(spans))
    _write_conf(folder, entities, relation_types, attribute_values)
    ticker.close()
    return ExportSummary(articles, spans_written, left.lines())


def _fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The pieces of [start, end) between line breaks."""
    pieces = []
    position = start
    for match in _LINE_BREAK.finditer(text, start, end):
        if match.start() > position:
            pieces.append((position, match.start()))
        position = match.end()
    if position < end:
        pieces.append((position, end))
    return pieces


def _write_conf(
    folder: Path,
    entities: dict[str, str],
    relations: dict[str, None],
    attributes: dict[str, tuple[set[str], set[str]]],
) -> None:
    entity_types = "|".join(sorted(entities)) or "<ENTITY>"
    lines = ["[entities]", *entities, "", "[relations]"]
    lines += [f"{kind}\tArg1:{entity_types}, Arg2:{entity_types}" for kind in relations]
    lines += ["<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>", "", "[events]", "", "[attributes]"]
    for attribute, (labels, values) in attributes.items():
        value_part = f", Value:{'|'.join(sorted(values))}" if values else ""
        lines.append(f"{attribute}\tArg:{'|'.join(sorted(labels))}{value_part}")
    (folder / "annotation.conf").write_text("\n".join(lines) + "\n", encoding="utf-8")
    drawing = ["[labels]", "", "[drawing]"]
    drawing += [f"{entity}\tbgColor:{colour}" for entity, colour in entities.items() if colour]
    (folder / "visual.conf").write_text("\n".join(drawing) + "\n", encoding="utf-8")


# ----------------------------------------------------------------------------- import
def read(path: Path, options: ReadOptions) -> Iterator[NewArticle]:
    """One document: `path` is its .ann (or .txt); the other file of the pair sits beside it."""
    ann, txt = path.with_suffix(".ann"), path.with_suffix(".txt")
    if not txt.is_file():
        raise ImportRefused(path, f"no text file {txt.name} beside it")
    try:
        text = normalise_newlines(txt.read_text(encoding="utf-8-sig"))[0]
        lines = ann.read_text(encoding="utf-8-sig").split("\n") if ann.is_file() else []
    except UnicodeDecodeError as error:
        raise ImportRefused(path, f"not UTF-8 text ({error.reason})") from None
    if not text.strip():
        raise ImportRefused(txt, "empty file")
    spans: list[NewSpan] = []
    index_of: dict[str, int] = {}
    attributes: list[tuple[int, str, str, object]] = []
    notes: list[tuple[int, str, str]] = []
    relations: list[tuple[int, str, str, str]] = []
    for number, line in enumerate(lines, 1):
        line = line.rstrip("\r")
        if not line.strip():
            continue
        ident, _, rest = line.partition("\t")
        kind = ident[:1]
        if kind == "T":
            body, _, quoted = rest.partition("\t")
            label, _, ranges = body.partition(" ")
            start, end = _span_range(ann, number, text, ranges, options)
            start, end = place(
                ann, f"line {number}", text, start, end, _joined(text, start, end, quoted), options
            )
            index_of[ident] = len(spans)
            spans.append(NewSpan(start, end, label))
        elif kind == "R":
            parts = rest.split()
            args = dict(part.split(":", 1) for part in parts[1:] if ":" in part)
            if len(parts) != 3 or not {"Arg1", "Arg2"} <= args.keys():
                raise ImportRefused(ann, f"a relation must be 'type Arg1:T1 Arg2:T2', not {rest!r}", number)
            relations.append((number, parts[0], args["Arg1"], args["Arg2"]))
        elif kind in ("A", "M"):
            parts = rest.split(" ", 2)
            if len(parts) < 2:
                raise ImportRefused(ann, f"an attribute must be 'name T1 [value]', not {rest!r}", number)
            attributes.append((number, parts[1], parts[0], parts[2] if len(parts) == 3 else True))
        elif kind == "#":
            body, _, note = rest.partition("\t")
            parts = body.split()
            if len(parts) == 2 and parts[0] == "AnnotatorNotes":
                notes.append((number, parts[1], note))
        elif kind in ("E", "N", "*"):
            options.notes.append(f"{ann.name} line {number}: {kind} lines are not imported")
        else:
            raise ImportRefused(ann, f"not a brat annotation line: {line[:60]!r}", number)
    for number, target, key, value in attributes:
        index = _target(ann, number, index_of, target)
        span = spans[index]
        spans[index] = NewSpan(span.start, span.end, span.label, {**span.attributes, key: value}, span.note)
    for number, target, note in notes:
        index = _target(ann, number, index_of, target)
        span = spans[index]
        spans[index] = NewSpan(span.start, span.end, span.label, span.attributes, note)
    links = tuple(
        NewRelation(_target(ann, number, index_of, source), _target(ann, number, index_of, target), kind)
        for number, kind, source, target in relations
    )
    first = next((line.strip() for line in text.split("\n") if line.strip()), "")
    yield NewArticle(title=first[:200], text=text, source=str(txt), spans=tuple(spans), relations=links)


def _target(ann: Path, number: int, index_of: dict[str, int], ident: str) -> int:
    if ident not in index_of:
        raise ImportRefused(ann, f"refers to {ident!r}, which is not a text-bound annotation", number)
    return index_of[ident]


def _span_range(ann: Path, number: int, text: str, ranges: str, options: ReadOptions) -> tuple[int, int]:
    try:
        pieces = [tuple(int(x) for x in piece.split()) for piece in ranges.split(";")]
    except ValueError:
        raise ImportRefused(ann, f"offsets must be 'start end[;start end]', not {ranges!r}", number) from None
    if not pieces or any(len(p) != 2 or not 0 <= p[0] <= p[1] <= len(text) for p in pieces):
        raise ImportRefused(ann, f"offsets {ranges!r} are outside the text (length {len(text)})", number)
    start, end = min(p[0] for p in pieces), max(p[1] for p in pieces)
    if start >= end:
        raise ImportRefused(ann, f"the span {ranges!r} is empty", number)
    ordered = sorted(pieces)
    gaps = [text[a[1] : b[0]] for a, b in zip(ordered, ordered[1:], strict=False)]
    if any(gap.strip() for gap in gaps):
        if not options.realign:
            raise ImportRefused(
                ann, f"the discontinuous span {ranges!r} skips text (use --realign to bridge it)", number
            )
        options.notes.append(f"{ann.name} line {number}: discontinuous span {ranges!r} bridged")
    return start, end


def _joined(text: str, start: int, end: int, quoted: str) -> str:
    """The quote as the span's own text: brat joins fragments with a space where we have line
    breaks, so a quote equal to the fragments joined that way stands for the whole span."""
    fragments = _fragments(text, start, end)
    if quoted == " ".join(text[a:b] for a, b in fragments) or quoted == " ".join(text[start:end].split()):
        return text[start:end]
    return quoted
