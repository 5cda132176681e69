"""WebAnno TSV 3.3, INCEpTION's exchange format: `#FORMAT=WebAnno TSV 3.3`, layer headers, then per
sentence a `#Text=` line and one line per token: `sent-tok<TAB>begin-end<TAB>token<TAB>features…`.

Offsets: **UTF-16 code units** (an emoji counts 2), converted from and to our code points.
One file per article (the export is a folder). A sentence is a line of the article; tokens are
cut at span boundaries (see `common.tokens`), so spans are token-aligned. Whitespace is never a
token, so a span starting or ending with whitespace is written trimmed (INCEpTION trims such
spans too; reported); a span of only whitespace is left out.

INCEpTION rebuilds the text from the `#Text` lines: each sentence's text is placed at its first
token, followed by a line break, and the gap to the next sentence is filled with spaces. So a
sentence's `#Text` runs from its first token to the last line break before the next sentence
(blank lines included, escaped as `\\n`); whitespace other than spaces at a line's start cannot
be carried and reads back as spaces (reported). Texts are escaped the way INCEpTION unescapes them.

Layers written: `webanno.custom.Span` with features `label`, `note` and one per attribute name, and
`webanno.custom.Relation|type|BT_webanno.custom.Span`. Every span gets an id (`label[N]`),
stacked spans are joined with `|`, `*` is an empty feature and `_` no annotation. Annotator
names, status, title and metadata are not carried (reported).

Reading (TSV 3.x by INCEpTION's rules, and TSV 2): any span layer (label = feature `label`, else
`value`, else the first feature, else the layer name; other features become attributes), sub-token
units, relation layers (the first feature is the type; relations on the token layer keep their
tokens as spans), slot features (a relation from the span to each filler, typed by its role) and
chains (their elements as spans linked in order). What has no place is counted per file: ROOT
relations from a token to itself, zero-length spans, relation features beyond the first.
"""

from __future__ import annotations

import re
from bisect import bisect_left
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
    value_text,
)
from annotator.core.importers import ImportRefused
from annotator.core.model import NewArticle, NewRelation, NewSpan
from annotator.core.offsets import Utf16Map, utf16_length
from annotator.core.text import title_from

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
    firsts = [token_ranges[sentence[0]][0] for sentence in sentences] + [len(text) + 1]
    gaps = [text[: firsts[0]]]
    for number, sentence in enumerate(sentences):
        # INCEpTION puts a sentence's text at its first token, follows it with a line break and
        # fills the gap to the next sentence with spaces: so the text runs from the first token
        # to the last line break before the next sentence (to the end for the last one).
        begin = firsts[number]
        end = text.rfind("\n", begin, firsts[number + 1]) if number + 1 < len(sentences) else len(text)
        gaps.append(text[end + 1 : firsts[number + 1]] if number + 1 < len(sentences) else "")
        out.write(f"#Text={_escape_text(text[begin:end])}\n")
        for index in sentence:
            start, end_ = token_ranges[index]
            range_ = f"{utf16.to_utf16(start)}-{utf16.to_utf16(end_)}"
            cells = [addresses[index], range_, _escape_text(text[start:end_])]
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
    odd = sum(1 for gap in gaps if gap.strip(" "))
    left.add("line starts with tabs or other whitespace (INCEpTION reads them as spaces)", article.id, odd)
    return len(ids)


def _escape_text(value: str) -> str:
    """INCEpTION's text escaping (TSV 3.2+): `\\t \\n \\f \\r \\b \\\\`, and a backslash before other
    control characters."""
    return re.sub(
        r"[\x00-\x07\x08-\x0a\x0c\x0d\x0e-\x1f\\]",
        lambda m: "\\" + {"\t": "t", "\n": "n", "\f": "f", "\r": "r", "\b": "b"}.get(m.group(), m.group()),
        value,
    )


# ----------------------------------------------------------------------------- import
_VERSION = re.compile(r"^#FORMAT=WebAnno TSV (\d+)(?:\.(\d+))?")
_TEXT_ESCAPES = {"t": "\t", "n": "\n", "f": "\f", "r": "\r", "b": "\b", "\\": "\\"}
_LINK = re.compile(r"^(\d+-\d+(?:\.\d+)?)(?:\[(\d+)(?:_(\d+))?\])?$")
_CHAIN = re.compile(r"^(.*?)->(\d+)-(\d+)$", re.DOTALL)


def read(path: Path, options: ReadOptions) -> Iterator[NewArticle]:
    try:
        lines = [line.rstrip("\r") for line in path.read_text(encoding="utf-8-sig").split("\n")]
    except UnicodeDecodeError as error:
        raise ImportRefused(path, f"not UTF-8 text ({error.reason})") from None
    version = _VERSION.match(lines[0])
    if version and version.group(1) == "2":
        yield _read_tsv2(path, lines, options)
        return
    if not version or version.group(1) != "3":
        raise ImportRefused(
            path, "not WebAnno TSV 2 or 3 (the first line must be #FORMAT=WebAnno TSV 3.x)", 1
        )
    yield _Tsv3(path, options, int(version.group(2) or 0)).read(lines)


def _unescape_text(value: str, minor: int) -> str:
    """#Text and token cells: from 3.2 on, `\t \n \f \r \b \\` and a backslash before a control
    character; earlier versions used Java escapes (hexadecimal `u` escapes too)."""
    if minor < 2:
        value = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), value)
    return re.sub(
        r"\\([tnfrb\\]|[\x00-\x07\x0e-\x1f])", lambda m: _TEXT_ESCAPES.get(m.group(1), m.group(1)), value
    )


class _Tsv3:
    """One TSV 3 file read the way INCEpTION reads it: each sentence's `#Text` lines (each
    followed by a line break) are placed at its first token's begin, after spaces filling any
    gap, or replacing the previous sentence's final line break when there is no gap."""

    def __init__(self, path: Path, options: ReadOptions, minor: int):
        self.path, self.options, self.minor = path, options, minor
        self.columns: list[tuple[str, str, str]] = []  # kind, layer, feature
        self.units: dict[str, tuple[int, int]] = {}  # address -> begin, end (UTF-16)
        self.spans: dict[tuple, dict] = {}  # key -> start, end, layer, features, first address
        self.at: dict[tuple[str, str], list[tuple]] = {}  # (layer, address) -> span keys there
        self.pending: list[tuple] = []  # relation, slot and chain cells, resolved at the end

    def read(self, lines: list[str]) -> NewArticle:
        text: list[str] = []
        length = 0  # UTF-16 units in `text`
        sentence: list[str] = []
        in_header = True
        for number, line in enumerate(lines[1:], 2):
            if line.startswith(("#T_SP=", "#T_RL=", "#T_CH=")) and in_header:
                self._header(line)
            elif line.startswith("#Text="):
                sentence.append(_unescape_text(line[6:], self.minor) + "\n")
            elif line.startswith("#") or not line.strip():
                continue
            else:
                in_header = False
                cells = line.split("\t")
                if len(cells) < 3 + len(self.columns):
                    raise ImportRefused(
                        self.path,
                        f"{len(cells)} columns; the header declares {3 + len(self.columns)}",
                        number,
                    )
                begin, end = self._range(cells[1], number)
                if sentence:
                    if length > begin:
                        if length != begin + 1 or not text or not text[-1].endswith("\n"):
                            raise ImportRefused(
                                self.path, "a sentence starts before the previous one ends", number
                            )
                        text[-1] = text[-1][:-1]
                        length -= 1
                    text.append(" " * (begin - length) + "".join(sentence))
                    length = begin + utf16_length("".join(sentence))
                    sentence = []
                if end > length:
                    raise ImportRefused(self.path, f"token {cells[0]} ends after its sentence's text", number)
                self.units[cells[0]] = (begin, end)
                self.pending.append(("token", number, cells))
        if not self.units:
            raise ImportRefused(self.path, "no tokens (or no #Text= lines before them)")
        full = "".join(text)
        document = full[:-1] if full.endswith("\n") else full
        return self._build(document)

    def _header(self, line: str) -> None:
        kind, _, spec = line[1:].partition("=")
        layer, *features = spec.split("|")
        if kind == "T_SP":
            features = features or [""]
            for index, feature in enumerate(features):
                if feature.startswith("ROLE_"):
                    self.columns.append(("role", layer, feature))
                elif index and self.columns[-1][0] == "role":
                    self.columns.append(("slot", layer, feature))
                else:
                    self.columns.append(("span", layer, feature))
        elif kind == "T_RL":
            self.columns += [("relation", layer, f) for f in features]
        else:
            self.columns += [("chain", layer, f) for f in features]

    def _range(self, cell: str, number: int) -> tuple[int, int]:
        try:
            begin, end = (int(x) for x in cell.split("-"))
        except ValueError:
            raise ImportRefused(self.path, f"{cell!r} is not a begin-end range", number) from None
        if not 0 <= begin <= end:
            raise ImportRefused(self.path, f"{cell!r} is not a begin-end range", number)
        return begin, end

    def _build(self, text: str) -> NewArticle:
        utf16 = Utf16Map(text)
        report = self.options.report
        relations: list[tuple[tuple, tuple, str]] = []
        chains: dict[tuple[str, int], dict[int, tuple]] = {}
        for _kind, number, cells in self.pending:
            address = cells[0]
            begin, end = self.units[address]
            start, stop = utf16.to_code_point(begin), utf16.to_code_point(end, round_up=True)
            token = _unescape_text(cells[2], self.minor)
            if text[start:stop] != token:
                raise ImportRefused(
                    self.path, f"token {address} {token!r} is not the text at {begin}-{end}", number
                )
            by_layer: dict[str, dict[str, str]] = {}
            for column, (kind, layer, feature) in enumerate(self.columns, 3):
                cell = cells[column]
                if cell == "_" or cell == "":
                    continue
                if kind == "span":
                    for position, item in enumerate(_split(cell)):
                        value, ident, _ = _ITEM.match(item).groups()
                        key = (layer, int(ident)) if ident else (layer, address, position)
                        self._span(key, layer, address, start, stop, feature, value)
                elif kind == "role":
                    by_layer.setdefault(layer, {})["role"] = cell
                    self._span((layer, address, 0), layer, address, start, stop, "", "*")
                elif kind == "slot":
                    roles = [
                        _unescape(r) for r in re.split(r"(?<!\\);", by_layer.get(layer, {}).get("role", ""))
                    ]
                    for position, target in enumerate(re.split(r"(?<!\\);", cell)):
                        role = (
                            roles[position]
                            if position < len(roles) and roles[position] not in ("", "*")
                            else ""
                        )
                        host = self.at.get((layer, address), [None])[0]
                        relations.append((host, ("slot", feature, target, number), role or feature))
                        report("slot features kept as relations from their span to each filler")
                elif kind == "relation":
                    by_layer.setdefault(layer, {})[feature] = cell
                else:
                    for item in _split(cell):
                        chain_link = _CHAIN.match(item)
                        if chain_link:
                            link_type, chain, link = chain_link.groups()
                            element = chains.setdefault((layer, int(chain)), {}).setdefault(int(link), {})
                            element["type"] = _unescape(link_type)
                            element.setdefault("units", []).append((start, stop))
                        else:
                            value, ident, _ = _ITEM.match(item).groups()
                            element_of = (layer, int(ident or 0))
                            chains.setdefault(element_of, {})
                            self._chain_label(chains, element_of, start, stop, value)
            for layer, cells_ in by_layer.items():
                if any(kind == "relation" and lay == layer for kind, lay, _ in self.columns):
                    relations += self._relation_cells(layer, cells_, address, number)
        return self._article(text, relations, chains)

    def _span(
        self, key: tuple, layer: str, address: str, start: int, stop: int, feature: str, value: str
    ) -> None:
        entry = self.spans.get(key)
        if entry is None:
            entry = self.spans[key] = {
                "start": start,
                "end": stop,
                "layer": layer,
                "features": {},
                "first": address,
            }
            self.at.setdefault((layer, address), []).append(key)
        entry["start"], entry["end"] = min(entry["start"], start), max(entry["end"], stop)
        if value != "*" and feature:
            entry["features"][feature] = _unescape(value)

    def _chain_label(self, chains, element_of, start, stop, value) -> None:
        """referenceType cells (`type[chain]`) name a chain's elements; kept on the element
        covering this unit, found when the chain's links are built."""
        labels = chains[element_of].setdefault("labels", [])
        labels.append((start, stop, _unescape(value) if value != "*" else ""))

    def _relation_cells(self, layer: str, cells: dict[str, str], address: str, number: int) -> list[tuple]:
        base = next(
            (f for k, lay, f in self.columns if k == "relation" and lay == layer and f.startswith("BT_")),
            None,
        )
        if base is None or base not in cells:
            return []
        target_layer = base[3:]
        names = [
            f for k, lay, f in self.columns if k == "relation" and lay == layer and not f.startswith("BT_")
        ]
        values = {name: _split(cells[name]) for name in names if name in cells}
        found = []
        for position, link in enumerate(_split(cells[base])):
            match = _LINK.match(link)
            if not match:
                raise ImportRefused(
                    self.path, f"{link!r} is not a relation source (sent-tok[from_to])", number
                )
            source, source_id, target_id = match.groups()
            kind = ""
            for name in names:
                stack = values.get(name, [])
                value = _unescape(_ITEM.match(stack[position]).group(1)) if position < len(stack) else "*"
                if value not in ("*", "_", ""):
                    if not kind:
                        kind = value
                    else:
                        self.options.report("relation features beyond the first left out")
            kind = kind or layer.rsplit(".", 1)[-1]
            found.append(
                (("end", target_layer, source, source_id), ("end", target_layer, address, target_id), kind)
            )
        return found

    def _end(self, reference, tokens_made: dict) -> tuple | None:
        """The span key a relation end refers to (made for a bare token when the layer is Token)."""
        if reference is None or reference[0] not in ("end", "slot"):
            return reference
        if reference[0] == "slot":
            _, layer, target, _ = reference
            match = _LINK.match(target)
            if not match:
                return None
            address, ident = match.group(1), match.group(2)
            if ident and (layer, int(ident)) in self.spans:
                return (layer, int(ident))
            return self.at.get((layer, address), [None])[0]
        _, layer, address, ident = reference
        if ident and ident != "0":
            key = (layer, int(ident))
            if key in self.spans:
                return key
        there = self.at.get((layer, address), [])
        if there:
            return there[0]
        if address in self.units and (
            layer.endswith(".Token") or not any(lay == layer for _, lay, _ in self.columns)
        ):
            key = ("token", address)
            if key not in self.spans:
                begin, end = self.units[address]
                self.spans[key] = {
                    "start": begin,
                    "end": end,
                    "layer": layer,
                    "features": {},
                    "first": address,
                    "utf16": True,
                }
                tokens_made[key] = None
            return key
        return None

    def _article(self, text: str, relations: list[tuple], chains: dict) -> NewArticle:
        utf16 = Utf16Map(text)
        report = self.options.report
        for (layer, _chain), links in sorted(chains.items(), key=lambda item: item[0][1]):
            labels = links.pop("labels", [])
            ordered = [links[n] for n in sorted(k for k in links if isinstance(k, int))]
            keys = []
            for number, element in enumerate(ordered):
                start = min(s for s, _ in element["units"])
                stop = max(e for _, e in element["units"])
                label = (
                    next((v for s, e, v in labels if s >= start and e <= stop and v), "")
                    or layer.rsplit(".", 1)[-1]
                )
                key = ("chain", layer, _chain, number)
                self.spans[key] = {
                    "start": start,
                    "end": stop,
                    "layer": layer,
                    "features": {"label": label},
                    "first": "",
                }
                keys.append(key)
            for (a, element), b in zip(zip(keys, ordered, strict=False), keys[1:], strict=False):
                relations.append((a, b, element["type"] if element["type"] not in ("", "*") else "next"))
            if ordered:
                report("chains kept as spans linked in order")
        tokens_made: dict = {}
        ends = [(self._end(a, tokens_made), self._end(b, tokens_made), kind) for a, b, kind in relations]
        if tokens_made:
            report("tokens joined by relations kept as spans labelled with their layer", len(tokens_made))
        for entry in self.spans.values():
            if entry.pop("utf16", False):
                entry["start"], entry["end"] = (
                    utf16.to_code_point(entry["start"]),
                    utf16.to_code_point(entry["end"], round_up=True),
                )
        empty = {key for key, entry in self.spans.items() if entry["start"] >= entry["end"]}
        report("zero-length spans left out (no text to mark)", len(empty))
        ordered = sorted(
            (item for item in self.spans.items() if item[0] not in empty),
            key=lambda item: (item[1]["start"], -item[1]["end"]),
        )
        index_of = {key: index for index, (key, _) in enumerate(ordered)}
        result = []
        for _key, entry in ordered:
            features = dict(entry["features"])
            label = features.pop("label", None) or features.pop("value", None)
            if label is None:
                first = next(iter(features), None)
                label = features.pop(first) if first else entry["layer"].rsplit(".", 1)[-1]
            note = features.pop("note", "")
            result.append(NewSpan(entry["start"], entry["end"], label, features, note))
        links: dict[tuple[int, int, str], None] = {}
        for a, b, kind in ends:
            if a not in index_of or b not in index_of:
                report("relations whose ends were not kept left out")
            elif a == b:
                report("relations from a span to itself (ROOT dependencies) left out")
            else:
                links[(index_of[a], index_of[b], kind)] = None
        return NewArticle(
            title=title_from(text),
            text=text,
            source=str(self.path),
            spans=tuple(result),
            relations=tuple(NewRelation(a, b, kind) for a, b, kind in links),
        )


def _read_tsv2(path: Path, lines: list[str], options: ReadOptions) -> NewArticle:
    """WebAnno TSV 2: `# layer|feature|… # layer|feature|AttachTo=type` headers, then per sentence
    `#id=`, `#text=` and token lines `n-m<TAB>token<TAB>values…` without offsets; a span is
    `B-x`/`I-x` (or a bare value on one token); a relation layer's last column holds the
    governor's token id. The text is the tokens joined by spaces, one sentence per line."""
    layers: list[tuple[str, int, str]] = []  # layer, feature columns, attached-to layer ("" for spans)
    rows: list[tuple[str, str, list[str]]] = []
    sentence_ends: set[int] = set()
    for line in lines[1:]:
        stripped = line.strip()
        if stripped.startswith(("#text=", "#id=")):
            continue
        if stripped.startswith("#"):
            for part in stripped.split("#"):
                names = [n.strip() for n in part.split("|") if n.strip()]
                if names:
                    attach = next((n[9:] for n in names if n.startswith("AttachTo=")), "")
                    layers.append(
                        (names[0], sum(1 for n in names[1:] if not n.startswith("AttachTo=")), attach)
                    )
        elif not stripped:
            sentence_ends.add(len(rows))
        elif re.match(r"^\d+-\d+\t", stripped):
            cells = stripped.split("\t")
            rows.append((cells[0], cells[1], cells[2:]))
    if not rows:
        raise ImportRefused(path, "no tokens")
    places: dict[str, tuple[int, int]] = {}
    parts: list[str] = []
    for index, (address, token, _) in enumerate(rows):
        if index:
            parts.append("\n" if index in sentence_ends else " ")
        start = sum(len(p) for p in parts)
        places[address] = (start, start + len(token))
        parts.append(token)
    text = "".join(parts)
    spans: list[NewSpan] = []
    at: dict[tuple[str, str], int] = {}  # (layer, address) -> span index
    links: list[tuple[str, str, str, str]] = []  # governor, dependent, type, attached-to layer
    open_: dict[tuple[int, int], int] = {}
    for address, _token, values in rows:
        column = 0
        start, end = places[address]
        for layer_index, (layer, count, attach) in enumerate(layers):
            cells = values[column : column + count + (1 if attach else 0)]
            column += count + (1 if attach else 0)
            if attach:
                kinds = cells[0].split("|") if count and cells else []
                governors = cells[-1].split("|") if cells else []
                for position, governor in enumerate(governors):
                    kind = kinds[position] if position < len(kinds) else ""
                    if governor not in ("_", ""):
                        links.append(
                            (governor, address, kind if kind not in ("_", "O", "") else layer, attach)
                        )
                continue
            for feature, cell in enumerate(cells):
                for stack, value in enumerate(cell.split("|")):
                    slot = (layer_index * 1000 + feature, stack)
                    if value in ("_", "O", ""):
                        open_.pop(slot, None)
                        continue
                    label = value[2:] if value[:2] in ("B-", "I-") else value
                    current = open_.get(slot)
                    if value.startswith("I-") and current is not None and spans[current].label == label:
                        old = spans[current]
                        spans[current] = NewSpan(old.start, end, old.label)
                        continue
                    at.setdefault((layer, address), len(spans))
                    open_[slot] = len(spans)
                    spans.append(NewSpan(start, end, label))
    relations: dict[tuple[int, int, str], None] = {}
    for governor, dependent, kind, attach in links:
        ends = []
        for address in (governor, dependent):
            if (attach, address) not in at and address in places:
                at[(attach, address)] = len(spans)
                spans.append(NewSpan(*places[address], attach.rsplit(".", 1)[-1]))
                options.report("tokens joined by relations kept as spans labelled with their layer")
            ends.append(at.get((attach, address)))
        if None in ends or ends[0] == ends[1]:
            options.report("relations from a token to itself (ROOT) or to no token left out")
            continue
        relations[(ends[0], ends[1], kind[2:] if kind[:2] in ("B-", "I-") else kind)] = None
    options.report("TSV 2 files read with their tokens joined by spaces (TSV 2 has no offsets)")
    return NewArticle(
        title=title_from(text), text=text, source=str(path), spans=tuple(spans),
        relations=tuple(NewRelation(a, b, kind) for a, b, kind in relations),
    )  # fmt: skip
