"""brat standoff: a folder of `NAME.txt` + `NAME.ann` pairs plus `annotation.conf` and `visual.conf`.

Offsets: code points of the `.txt` read with universal newlines (CRLF counts as one); we write LF.
A span that crosses a line break is written as a discontinuous span (`label 0 5;6 10`) whose
fragments leave the line breaks out, as brat requires; reading joins fragments separated only by
whitespace back into one span.

Written: spans (T), relations (R), choice attributes (A: `name T1 value`; `true` as a binary
attribute), notes (`#` AnnotatorNotes) and free-text attributes as comments of their own type
(`#2<TAB>normalised_name T1<TAB>Lavrov`, listed in a comment of annotation.conf, which lists the
scheme's labels and choice values). Not carried, and reported: annotator names, article status,
title and metadata. brat names cannot hold spaces: names and values with whitespace get `_`.

Read, whatever wrote it: an event (E) is kept as its trigger's span (`event_type` attribute when
the types differ) and its arguments as relations from the trigger (role names without brat's
numbering); relations take any role names (DKPro's Governor/Dependent), first argument first;
attributes, notes and relations on events land on their trigger's span; other comments (lemmas)
and normalizations (N) become span notes; equivalences (`*`) relations between members; a
discontinuous span skipping text becomes its fragments joined by `fragment` relations. What has
no place (attributes and notes on relations, references to nothing, unknown lines) is left out
with a note naming the line, and every file's summary counts each kind.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

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
from annotator.core.model import NewArticle, NewRelation, NewSpan
from annotator.core.offsets import normalise_newlines
from annotator.core.text import title_from

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
    free_text: dict[str, None] = {}
    for label in options.labels:
        for spec in label.attributes:
            if spec.kind == "choice":
                labels, values = attribute_values.setdefault(_SPACE.sub("_", spec.name), (set(), set()))
                labels.add(_SPACE.sub("_", label.name))
                values.update(_SPACE.sub("_", choice) for choice in spec.choices)
            else:
                free_text[_SPACE.sub("_", spec.name)] = None
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
            comments = [("AnnotatorNotes", span.note)] if span.note else []
            for key, value in span.attributes.items():
                attribute = name(key, "attribute names", article.id)
                if value is not True and not isinstance(value, str):
                    left.add("non-text attribute values (written as text)", article.id)
                if attribute in free_text:
                    comments.append((attribute, value_text(value)))
                    continue
                labels, values = attribute_values.setdefault(attribute, (set(), set()))
                labels.add(label)
                attribute_count += 1
                if value is True:
                    lines.append(f"A{attribute_count}\t{attribute} T{number}")
                    continue
                written = name(value_text(value), "attribute values", article.id)
                values.add(written)
                lines.append(f"A{attribute_count}\t{attribute} T{number} {written}")
            for kind, comment in comments:
                note_count += 1
                flat = _SPACE.sub(" ", comment)
                if flat != comment:
                    left.add("line breaks or tabs in notes (written as spaces)", article.id)
                lines.append(f"#{note_count}\t{kind} T{number}\t{flat}")
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
    for label in options.labels:
        entities.setdefault(_SPACE.sub("_", label.name), label.color)
    _write_conf(folder, entities, relation_types, attribute_values, free_text)
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
    free_text: dict[str, None],
) -> None:
    """The scheme's labels and attribute values (and any others the data has); free-text
    attributes are not enumerations, so they travel as comments and are listed in a comment."""
    entity_types = "|".join(sorted(entities)) or "<ENTITY>"
    lines = ["[entities]", *entities, "", "[relations]"]
    lines += [f"{kind}\tArg1:{entity_types}, Arg2:{entity_types}" for kind in relations]
    lines += ["<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>", "", "[events]", "", "[attributes]"]
    for attribute, (labels, values) in attributes.items():
        value_part = f", Value:{'|'.join(sorted(values))}" if values else ""
        lines.append(f"{attribute}\tArg:{'|'.join(sorted(labels))}{value_part}")
    if free_text:
        lines += ["", f"{_FREE_TEXT} {' '.join(free_text)}"]
    (folder / "annotation.conf").write_text("\n".join(lines) + "\n", encoding="utf-8")
    drawing = ["[labels]", "", "[drawing]"]
    drawing += [f"{entity}\tbgColor:{colour}" for entity, colour in entities.items() if colour]
    (folder / "visual.conf").write_text("\n".join(drawing) + "\n", encoding="utf-8")


# ----------------------------------------------------------------------------- import
_FREE_TEXT = "# free-text attributes, written as comments:"
_ROLE_NUMBER = re.compile(r"\d+$")


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
    document = _Document(ann, text, options, _free_text_attributes(ann.parent))
    for number, line in enumerate(lines, 1):
        line = line.rstrip("\r")
        if line.strip():
            document.read_line(number, line)
    spans, relations = document.resolve()
    yield NewArticle(title=title_from(text), text=text, source=str(txt), spans=spans, relations=relations)


def _free_text_attributes(folder: Path) -> frozenset[str]:
    """The attribute names our annotation.conf lists as written as comments (free text)."""
    conf = folder / "annotation.conf"
    try:
        lines = conf.read_text(encoding="utf-8").splitlines() if conf.is_file() else []
    except (OSError, UnicodeDecodeError):
        return frozenset()
    found = [line.removeprefix(_FREE_TEXT).split() for line in lines if line.startswith(_FREE_TEXT)]
    return frozenset(name for names in found for name in names)


class _Document:
    """The lines of one .ann, read first and resolved at the end (lines may point forward)."""

    def __init__(self, ann: Path, text: str, options: ReadOptions, free_text: frozenset[str]):
        self.ann, self.text, self.options, self.free_text = ann, text, options, free_text
        self.spans: list[dict] = []  # start, end, label, attributes, notes
        self.anchor: dict[str, int] = {}  # T id -> span index
        self.events: dict[str, tuple[int, str, str, list[tuple[str, str]]]] = {}
        self.links: list[tuple[int, str, str, str]] = []  # line, type, from id, to id
        self.fragments: list[tuple[int, int]] = []  # (fragment span, first span) pairs
        self.later: list[tuple[str, int, str, object]] = []  # attributes and comments: kind, line, …

    def read_line(self, number: int, line: str) -> None:
        ident, _, rest = line.partition("\t")
        kind = ident[:1]
        if kind == "T":
            self._text_bound(number, ident, rest)
        elif kind == "E":
            parts = rest.split()
            if not parts or ":" not in parts[0]:
                self._skip(number, "events without a trigger")
                return
            kind_, _, trigger = parts[0].partition(":")
            arguments = [tuple(part.split(":", 1)) for part in parts[1:] if ":" in part]
            self.events[ident] = (number, kind_, trigger, arguments)
        elif kind == "R":
            parts = rest.split()
            arguments = [part.split(":", 1)[1] for part in parts[1:] if ":" in part]
            if len(arguments) != 2:
                self._skip(number, "relations without exactly two arguments")
                return
            self.links.append((number, parts[0], arguments[0], arguments[1]))
        elif kind == "*":
            parts = rest.split()
            for source, target in zip(parts[1:], parts[2:], strict=False):
                self.links.append((number, parts[0] if parts else "Equiv", source, target))
            self.options.report("equivalence groups kept as relations between their members")
        elif kind in ("A", "M"):
            parts = rest.split(" ", 2)
            if len(parts) < 2:
                self._skip(number, "attributes without a target")
                return
            self.later.append(
                ("attribute", number, parts[1], (parts[0], parts[2] if len(parts) == 3 else True))
            )
        elif kind == "#":
            body, _, note = rest.partition("\t")
            parts = body.split()
            if len(parts) != 2:
                self._skip(number, "comments without a target")
                return
            self.later.append(("comment", number, parts[1], (parts[0], note)))
        elif kind == "N":
            body, _, name = rest.partition("\t")
            parts = body.split()
            if len(parts) != 3:
                self._skip(number, "normalizations not of the form 'type target db:id'")
                return
            shown = f"{parts[0]} {parts[2]}" + (f" ({name})" if name else "")
            self.later.append(("comment", number, parts[1], ("normalization", shown)))
        else:
            self.options.notes.append(f"{self.ann.name} line {number}: not a brat annotation line, left out")
            self.options.report("unreadable lines left out")

    def _skip(self, number: int, what: str) -> None:
        self.options.notes.append(f"{self.ann.name} line {number}: left out ({what})")
        self.options.report(f"{what} left out")

    def _text_bound(self, number: int, ident: str, rest: str) -> None:
        body, _, quoted = rest.partition("\t")
        label, _, ranges = body.partition(" ")
        pieces = _pieces(self.ann, number, self.text, ranges)
        fragments = _merge_whitespace_gaps(self.text, pieces)
        if len(fragments) == 1:
            start, end = fragments[0]
            if start == end:
                self._skip(number, "empty spans")
                return
            start, end = place(
                self.ann, f"line {number}", self.text, start, end, _joined(self.text, start, end, quoted),
                self.options,
            )  # fmt: skip
            fragments = [(start, end)]
        elif quoted and quoted != " ".join(self.text[a:b] for a, b in pieces):
            if not self.options.realign:
                raise ImportRefused(
                    self.ann, f"the discontinuous span {ranges!r} quotes {quoted!r}, not its text", number
                )
            self._skip(number, "discontinuous spans whose text differs from their quote (not realigned)")
            return
        else:
            self.options.report("discontinuous spans kept as their fragments joined by 'fragment' relations")
        self.anchor[ident] = len(self.spans)
        for start, end in fragments:
            if len(self.spans) > self.anchor[ident]:
                self.fragments.append((len(self.spans), self.anchor[ident]))
            self.spans.append({"start": start, "end": end, "label": label, "attributes": {}, "notes": []})

    def _span_of(self, ident: str, seen: frozenset[str] = frozenset()) -> int | None:
        """The span standing for an annotation: a text-bound one's, or an event's trigger's."""
        if ident in self.anchor:
            return self.anchor[ident]
        if ident in self.events and ident not in seen:
            return self._span_of(self.events[ident][2], seen | {ident})
        return None

    def resolve(self) -> tuple[tuple[NewSpan, ...], tuple[NewRelation, ...]]:
        report = self.options.report
        links: dict[tuple[int, int, str], None] = {}

        def link(number: int, kind: str, source: str, target: str, what: str) -> int:
            ends = self._span_of(source), self._span_of(target)
            if None in ends:
                self._skip(number, f"{what} referring to annotations that were not kept")
            elif ends[0] == ends[1]:
                self._skip(number, f"{what} from a span to itself")
            elif (ends[0], ends[1], kind) in links:
                report(f"repeated {what} kept once")
            else:
                links[(ends[0], ends[1], kind)] = None
                return 1
            return 0

        for ident, (number, kind, _trigger, arguments) in self.events.items():
            index = self._span_of(ident)
            if index is None:
                self._skip(number, "events whose trigger was not kept")
                continue
            report("event annotations kept as spans of their trigger")
            if self.spans[index]["label"] != kind:
                self.spans[index]["attributes"]["event_type"] = kind
            kept = sum(
                link(number, _ROLE_NUMBER.sub("", role) or role, ident, target, "event arguments")
                for role, target in arguments
            )
            report("event arguments kept as relations from the trigger", kept)
        for number, kind, source, target in self.links:
            if {source, target} & self.events.keys():
                report("relations of events kept on the events' trigger spans")
            link(number, kind, source, target, "relations")
        for what, number, target, (key, value) in self.later:
            index = self._span_of(target)
            if index is None:
                on = (
                    "annotations that were not kept"
                    if target[:1] in "TE"
                    else "relations or other annotations"
                )
                self._skip(number, f"{what}s on {on}")
                continue
            span = self.spans[index]
            if target in self.events:
                report(f"{what}s of events kept on their trigger spans")
            if what == "attribute":
                span["attributes"][key] = value
            elif key in self.free_text:
                span["attributes"][key] = value
            else:
                plain = key in ("AnnotatorNotes", "normalization")
                span["notes"].append(value if plain else f"{key}: {value}")
                if key == "normalization":
                    report("normalizations kept as span notes")
                elif key != "AnnotatorNotes":
                    report(f"{key} comments kept as span notes")
        for fragment, first in self.fragments:
            links[(fragment, first, "fragment")] = None
        spans = tuple(
            NewSpan(s["start"], s["end"], s["label"], s["attributes"], "\n".join(s["notes"]))
            for s in self.spans
        )
        return spans, tuple(NewRelation(a, b, kind) for a, b, kind in links)


def _pieces(ann: Path, number: int, text: str, ranges: str) -> list[tuple[int, int]]:
    try:
        pieces = [tuple(int(x) for x in piece.split()) for piece in ranges.split(";")]
    except ValueError:
        raise ImportRefused(ann, f"offsets must be 'start end[;start end]', not {ranges!r}", number) from None
    if not pieces or any(len(p) != 2 or not 0 <= p[0] <= p[1] <= len(text) for p in pieces):
        raise ImportRefused(ann, f"offsets {ranges!r} are outside the text (length {len(text)})", number)
    return pieces


def _merge_whitespace_gaps(text: str, pieces: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Fragments in order, those separated only by whitespace (line breaks) joined into one."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(pieces):
        if merged and (start <= merged[-1][1] or not text[merged[-1][1] : start].strip()):
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _joined(text: str, start: int, end: int, quoted: str) -> str:
    """The quote as the span's own text: brat joins fragments with a space where we have line
    breaks, so a quote equal to the fragments joined that way stands for the whole span."""
    fragments = _fragments(text, start, end)
    if quoted == " ".join(text[a:b] for a, b in fragments) or quoted == " ".join(text[start:end].split()):
        return text[start:end]
    return quoted
