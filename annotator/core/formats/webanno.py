"""WebAnno TSV 3.3, INCEpTION's exchange format: `#FORMAT=WebAnno TSV 3.3`, layer headers, then per
sentence a `#Text=` line and one line per token: `sent-tok<TAB>begin-end<TAB>token<TAB>features…`.

Offsets: **UTF-16 code units** (an emoji counts 2), converted from and to our code points.
One file per article (the export is a folder). A sentence is a line of the article; tokens are
cut at span boundaries (see `common.tokens`), so spans are token-aligned. Whitespace is never a
token, so a span starting or ending with whitespace is written trimmed (reported); a span of only
whitespace is left out.

Layers written: `webanno.custom.Span` with features `label`, `note` and one per attribute name, and
`webanno.custom.Relation|type|BT_webanno.custom.Span`. Every span gets an id (`label[N]`),
stacked spans are joined with `|`, `*` is an empty feature and `_` no annotation. Reading accepts
any span layer (label = feature `label`, else `value`, else the first feature, else the layer
name; other features become attributes) and relation layers; chain layers are skipped (noted).
Annotator names, status, title and metadata are not carried (reported).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from annotator.core.exporters import ExportSummary, Rows, Ticker
from annotator.core.formats.common import LeftOut, ReadOptions, WriteOptions, tokens, value_text
from annotator.core.importers import ImportRefused
from annotator.core.model import NewArticle, NewRelation, NewSpan
from annotator.core.offsets import Utf16Map, utf16_length

CARRIES = frozenset({"spans", "overlaps", "relations", "attributes", "notes"})
SPAN_LAYER = "webanno.custom.Span"
RELATION_LAYER = "webanno.custom.Relation"
_ESCAPES = [("\\", "\\\\"), ("[", "\\["), ("]", "\\]"), ("|", "\\|"), ("_", "\\_"), ("->", "\\->"),
            (";", "\\;"), ("\t", "\\t"), ("\n", "\\n"), ("*", "\\*")]  # fmt: skip
_ITEM = re.compile(r"^(.*?)(?:\[(\d+)(?:_(\d+))?\])?$", re.DOTALL)


def _escape(value: str) -> str:
    for raw, escaped in _ESCAPES:
        value = value.replace(raw, escaped)
    return value


def _unescape(value: str) -> str:
    return re.sub(r"\\(->|t|n|.)", lambda m: {"t": "\t", "n": "\n"}.get(m.group(1), m.group(1)), value)


def _split(cell: str) -> list[str]:
    """A cell's stacked values: split at `|` not escaped."""
    return re.split(r"(?<!\\)\|", cell)


# ----------------------------------------------------------------------------- export
def write(rows: Rows, folder: Path, options: WriteOptions) -> ExportSummary:
    """One `NNNNNN.tsv` per article (a TSV file is one document)."""
    left = LeftOut("WebAnno")
    ticker = Ticker(options.progress)
    scheme: dict[str, None] = {}
    for label in options.labels:
        scheme.update((spec.name, None) for spec in label.attributes)
    articles = spans_written = 0
    for article, spans, relations in rows:
        names = dict(scheme)
        for span in spans:
            names.update((key, None) for key in span.attributes)
        features = ["label", "note", *names]
        with (folder / f"{article.id:06d}.tsv").open("w", encoding="utf-8", newline="\n") as out:
            out.write("#FORMAT=WebAnno TSV 3.3\n")
            out.write(f"#T_SP={SPAN_LAYER}|{'|'.join(features)}\n")
            out.write(f"#T_RL={RELATION_LAYER}|type|BT_{SPAN_LAYER}\n\n\n")
            spans_written += _document(out, article, spans, relations, features, left)
        left.add("span annotator names", article.id, sum(1 for s in spans if s.annotator))
        left.add("article statuses other than new", article.id, int(str(article.status) != "new"))
        articles += 1
        ticker.add(len(spans))
    ticker.close()
    return ExportSummary(articles, spans_written, left.lines())


def _document(out: TextIO, article, spans, relations, features: list[str], left: LeftOut) -> int:
    text = article.text
    utf16 = Utf16Map(text)
    token_ranges = tokens(text, [o for s in spans for o in (s.start, s.end)])
    addresses: dict[int, str] = {}
    sentences: list[list[int]] = []
    line_start = -1
    for index, (start, _end) in enumerate(token_ranges):
        current = text.rfind("\n", 0, start)
        if current != line_start or not sentences:
            sentences.append([])
            line_start = current
        sentences[-1].append(index)
        addresses[index] = f"{len(sentences)}-{len(sentences[-1])}"
    starts = [r[0] for r in token_ranges]
    covered: dict[int, list[tuple[int, object]]] = {}
    ids: dict[int, int] = {}
    first_token: dict[int, int] = {}
    for span in spans:
        first = bisect_left(starts, span.start)
        inside = [i for i in range(first, len(token_ranges)) if token_ranges[i][1] <= span.end]
        inside = [i for i in inside if token_ranges[i][0] < span.end]
        if not inside:
            left.add("spans of only whitespace", article.id)
            continue
        if token_ranges[inside[0]][0] != span.start or token_ranges[inside[-1]][1] != span.end:
            left.add("spans trimmed to their tokens (leading or trailing whitespace)", article.id)
        ids[span.id] = len(ids) + 1
        first_token[span.id] = inside[0]
        for index in inside:
            covered.setdefault(index, []).append((ids[span.id], span))
    incoming: dict[int, list[tuple[str, str]]] = {}
    for relation in relations:
        if relation.from_span in ids and relation.to_span in ids:
            source = addresses[first_token[relation.from_span]]
            link = f"{source}[{ids[relation.from_span]}_{ids[relation.to_span]}]"
            incoming.setdefault(first_token[relation.to_span], []).append((_escape(relation.type), link))
        else:
            left.add("relations of unwritten spans", article.id)
    for sentence in sentences:
        begin = text.rfind("\n", 0, token_ranges[sentence[0]][0]) + 1
        end = text.find("\n", begin)
        sentence_text = text[begin : len(text) if end < 0 else end]
        out.write(f"#Text={sentence_text.replace(chr(92), chr(92) * 2)}\n")
        for index in sentence:
            start, end_ = token_ranges[index]
            cells = [addresses[index], f"{utf16.to_utf16(start)}-{utf16.to_utf16(end_)}", text[start:end_]]
            stack = covered.get(index, [])
            for feature in features:
                if not stack:
                    cells.append("_")
                    continue
                values = []
                for number, span in stack:
                    if feature == "label":
                        value = span.label
                    elif feature == "note":
                        value = span.note
                    else:
                        value = value_text(span.attributes[feature]) if feature in span.attributes else ""
                    values.append(f"{_escape(value) if value else '*'}[{number}]")
                cells.append("|".join(values))
            links = incoming.get(index, [])
            cells.append("|".join(kind for kind, _ in links) if links else "_")
            cells.append("|".join(link for _, link in links) if links else "_")
            out.write("\t".join(cells) + "\n")
        out.write("\n")
    return len(ids)


# ----------------------------------------------------------------------------- import
def read(path: Path, options: ReadOptions) -> Iterator[NewArticle]:
    try:
        lines = path.read_text(encoding="utf-8-sig").split("\n")
    except UnicodeDecodeError as error:
        raise ImportRefused(path, f"not UTF-8 text ({error.reason})") from None
    if not lines[0].startswith("#FORMAT=WebAnno TSV 3"):
        raise ImportRefused(path, "not WebAnno TSV 3 (the first line must be #FORMAT=WebAnno TSV 3.x)", 1)
    columns: list[tuple[str, str, str]] = []  # (kind, layer, feature) per feature column
    sentences: list[str] = []
    rows: list[tuple[int, list[str]]] = []
    for number, raw in enumerate(lines[1:], 2):
        line = raw.rstrip("\r")
        if line.startswith("#T_"):
            kind, _, spec = line[1:].partition("=")
            layer, *features = spec.split("|")
            if kind == "T_SP":
                columns += [("span", layer, f) for f in features] or [("span", layer, "")]
            elif kind == "T_RL":
                columns += [("relation", layer, f) for f in features]
            else:
                columns += [("skip", layer, f) for f in features]
                options.notes.append(f"{path.name}: {kind} layer {layer} is not imported")
        elif line.startswith("#Text="):
            sentences.append(line[6:].replace("\\\\", "\\"))
            rows.append((number, ["#Text"]))
        elif line.strip() and not line.startswith("#"):
            cells = line.split("\t")
            if len(cells) < 3 + len(columns):
                raise ImportRefused(
                    path, f"{len(cells)} columns; the header declares {3 + len(columns)}", number
                )
            rows.append((number, cells))
    if not sentences:
        raise ImportRefused(path, "no sentences (#Text= lines)")
    yield _build(path, columns, sentences, rows)


def _build(path: Path, columns, sentences: list[str], rows) -> NewArticle:
    tokens_: dict[str, tuple[int, int, str, int, list[str]]] = {}  # address -> begin, end (UTF-16), …
    parts: list[str] = []
    length16 = 0
    sentence_index = -1
    pending_first = False
    for number, cells in rows:
        if cells == ["#Text"]:
            sentence_index += 1
            pending_first = True
            continue
        try:
            begin, end = (int(x) for x in cells[1].split("-"))
        except ValueError:
            raise ImportRefused(path, f"{cells[1]!r} is not a begin-end range", number) from None
        if pending_first:
            sentence = sentences[sentence_index]
            position = sentence.find(cells[2])
            start16 = begin - utf16_length(sentence[: max(position, 0)])
            if start16 < length16:
                raise ImportRefused(
                    path, f"sentence {sentence_index + 1} starts before the previous one ends", number
                )
            parts.append("\n" * (start16 - length16))
            parts.append(sentence)
            length16 = start16 + utf16_length(sentence)
            pending_first = False
        tokens_[cells[0]] = (begin, end, cells[2], number, cells)
    text = "".join(parts)
    utf16 = Utf16Map(text)
    spans: dict[tuple[str, int | str], dict] = {}
    relation_cells = []
    for address, (begin, end, token, number, cells) in tokens_.items():
        start, stop = utf16.to_code_point(begin), utf16.to_code_point(end, round_up=True)
        if text[start:stop] != token:
            raise ImportRefused(path, f"token {address} {token!r} is not the text at {begin}-{end}", number)
        for column, (kind, layer, feature) in enumerate(columns, 3):
            cell = cells[column]
            if cell == "_" or kind == "skip":
                continue
            if kind == "relation":
                relation_cells.append((address, layer, feature, cell, number))
                continue
            for position, item in enumerate(_split(cell)):
                value, ident, _ = _ITEM.match(item).groups()
                key = (layer, int(ident) if ident else f"{address}:{position}")
                entry = spans.setdefault(key, {"start": start, "end": stop, "features": {}, "first": address})
                entry["start"], entry["end"] = min(entry["start"], start), max(entry["end"], stop)
                if value != "*":
                    entry["features"][feature] = _unescape(value)
    ordered = sorted(spans.items(), key=lambda item: (item[1]["start"], -item[1]["end"]))
    index_of = {key: index for index, (key, _) in enumerate(ordered)}
    result = []
    for (layer, _), entry in ordered:
        features = dict(entry["features"])
        label = features.pop("label", None) or features.pop("value", None)
        if label is None:
            label = next(iter(features.values()), None) or layer.rsplit(".", 1)[-1]
            features = {k: v for k, v in features.items() if v != label}
        note = features.pop("note", "")
        result.append(NewSpan(entry["start"], entry["end"], label, features, note))
    return NewArticle(
        title=text.strip().split("\n")[0][:200],
        text=text,
        source=str(path),
        spans=tuple(result),
        relations=_relations(path, relation_cells, columns, spans, index_of),
    )


def _relations(path, relation_cells, columns, spans, index_of) -> tuple[NewRelation, ...]:
    """Pair each relation layer's type column with its BT column on the same token line."""
    by_line: dict[tuple[int, str], dict[str, str]] = {}
    for address, layer, feature, cell, number in relation_cells:
        by_line.setdefault((number, layer), {"address": address})[feature] = cell
    target_layer = {layer: f[3:] for kind, layer, f in columns if kind == "relation" and f.startswith("BT_")}
    relations = []
    for (number, layer), cells in by_line.items():
        bt = cells.get(f"BT_{target_layer.get(layer, '')}")
        if bt is None:
            continue
        kinds = [c for f, c in cells.items() if f not in ("address", f"BT_{target_layer[layer]}")]
        types = _split(kinds[0]) if kinds else []
        for position, link in enumerate(_split(bt)):
            match = re.match(r"^(\d+-\d+)(?:\[(\d+)_(\d+)\])?$", link)
            if not match:
                raise ImportRefused(path, f"{link!r} is not a relation source (sent-tok[from_to])", number)
            source, source_id, target_id = match.groups()
            ends = [
                _span_key(spans, target_layer[layer], source, source_id),
                _span_key(spans, target_layer[layer], cells["address"], target_id),
            ]
            if None in ends:
                raise ImportRefused(path, f"relation {link!r} does not join two spans", number)
            kind = (
                _unescape(types[position]) if position < len(types) and types[position] != "*" else "related"
            )
            relations.append(NewRelation(index_of[ends[0]], index_of[ends[1]], kind))
    return tuple(relations)


def _span_key(spans, layer: str, address: str, ident: str | None):
    if ident and ident != "0":
        key = (layer, int(ident))
        return key if key in spans else None
    found = [key for key, entry in spans.items() if key[0] == layer and entry["first"] == address]
    return found[0] if len(found) == 1 else None
