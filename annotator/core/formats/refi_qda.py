"""REFI-QDA project exchange (`.qdpx`): a ZIP holding `project.qde` (XML, namespace
`urn:QDA-XML:project:1.0`) and the plain-text sources in a lowercase `sources/` folder, which
NVivo, MAXQDA and ATLAS.ti import.

Offsets: `startPosition`/`endPosition` are character (code point) positions in the plain-text
source as written. Line endings are the user's choice (`newlines`): "lf" (default; ATLAS.ti
counts CRLF as one character anyway, and NVivo's unit is unverified: we assume code points of the
text as stored) or "crlf" (MAXQDA expects CRLF and counts both characters); positions are computed
for the text actually written. On import, a source with CRLF is read with positions counting both
characters, and each selection's `name` (we write the selected text there) is checked against the
slice when present.

Mapping: each label is a code; each attribute of a label a non-codable child code and each value
a codable grandchild, so a span is one PlainTextSelection with one Coding for its label and one per
attribute value; the note is the selection's Description; the annotator its creatingUser; each
relation a Link between two selections (name = type). Article title is the source name, its
status and metadata are not carried (reported).
"""

from __future__ import annotations

import re
import shutil
import tempfile
import uuid
import xml.etree.ElementTree as ET
import zipfile
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from annotator.core.controls import xml_attr, xml_text
from annotator.core.exporters import ExportSummary, Rows, Ticker
from annotator.core.formats.common import LeftOut, ReadOptions, WriteOptions, place, value_text
from annotator.core.importers import ImportRefused
from annotator.core.model import NewArticle, NewRelation, NewSpan
from annotator.core.offsets import normalise_newlines

CARRIES = frozenset({"spans", "overlaps", "relations", "attributes", "notes", "annotator"})
NS = "urn:QDA-XML:project:1.0"
_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def _guid() -> str:
    return str(uuid.uuid4())


# ----------------------------------------------------------------------------- export
def write(rows: Rows, path: Path, options: WriteOptions) -> ExportSummary:
    left = LeftOut("REFI-QDA")
    ticker = Ticker(options.progress)
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    users: dict[str, str] = {}
    codes: dict[
        str, tuple[str, str, dict[str, tuple[str, dict[str, str]]]]
    ] = {}  # label -> guid, colour, attrs
    colours = {label.name: label.color for label in options.labels}
    for label in options.labels:
        codes[label.name] = (_guid(), label.color, {})
    articles = spans_written = 0
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive,
        tempfile.TemporaryFile("w+", encoding="utf-8") as sources,
        tempfile.TemporaryFile("w+", encoding="utf-8") as links,
    ):
        for article, spans, relations in rows:
            text = article.text.replace("\n", "\r\n") if options.newlines == "crlf" else article.text
            shift = _shifter(article.text) if options.newlines == "crlf" else None
            source = _guid()
            archive.writestr(f"sources/{source}.txt", text.encode("utf-8"))
            sources.write(
                f"<TextSource guid={xml_attr(source)} name={xml_attr(article.title or str(article.id))} "
                f'plainTextPath="internal://{source}.txt" creationDateTime="{now}">'
            )
            selections: dict[int, str] = {}
            for span in spans:
                start, end = (shift(span.start), shift(span.end)) if shift else (span.start, span.end)
                user = users.setdefault(span.annotator or "unknown", _guid())
                selection = selections[span.id] = _guid()
                label_guid, _colour, attribute_codes = codes.setdefault(
                    span.label, (_guid(), colours.get(span.label, "#888888"), {})
                )
                sources.write(
                    f"<PlainTextSelection guid={xml_attr(selection)} name={xml_attr(text[start:end])} "
                    f'startPosition="{start}" endPosition="{end}" creatingUser="{user}" '
                    f'creationDateTime="{now}">'
                )
                if span.note:
                    sources.write(f"<Description>{xml_text(span.note)}</Description>")
                targets = [label_guid]
                for name, value in span.attributes.items():
                    if not isinstance(value, str):
                        left.add("non-text attribute values (written as text)", article.id)
                    attribute = attribute_codes.setdefault(name, (_guid(), {}))
                    targets.append(attribute[1].setdefault(value_text(value), _guid()))
                for target in targets:
                    sources.write(f'<Coding guid="{_guid()}" creatingUser="{user}" creationDateTime="{now}">')
                    sources.write(f'<CodeRef targetGUID="{target}"/></Coding>')
                sources.write("</PlainTextSelection>")
            sources.write("</TextSource>")
            for relation in relations:
                if relation.from_span in selections and relation.to_span in selections:
                    links.write(
                        f'<Link guid="{_guid()}" name={xml_attr(relation.type)} direction="OneWay" '
                        f'originGUID="{selections[relation.from_span]}" '
                        f'targetGUID="{selections[relation.to_span]}"/>'
                    )
            left.add("article statuses other than new", article.id, int(str(article.status) != "new"))
            left.add("article metadata", article.id, int(bool(article.meta or article.outlet or article.url)))
            articles += 1
            spans_written += len(spans)
            ticker.add(len(spans))
        with archive.open("project.qde", "w") as raw:
            out = _Utf8(raw)
            out.write('<?xml version="1.0" encoding="utf-8"?>\n')
            out.write(
                f'<Project xmlns="{NS}" name="annotator export" origin="annotator" creationDateTime="{now}">'
            )
            if users:
                out.write("<Users>")
                for name, guid in users.items():
                    out.write(f"<User guid={xml_attr(guid)} name={xml_attr(name)}/>")
                out.write("</Users>")
            out.write("<CodeBook><Codes>")
            for label, (guid, colour, attributes) in codes.items():
                out.write(f'<Code guid="{guid}" name={xml_attr(label)} isCodable="true" color="{colour}">')
                for name, (attribute_guid, values) in attributes.items():
                    out.write(f'<Code guid="{attribute_guid}" name={xml_attr(name)} isCodable="false">')
                    for value, value_guid in values.items():
                        out.write(f'<Code guid="{value_guid}" name={xml_attr(value)} isCodable="true"/>')
                    out.write("</Code>")
                out.write("</Code>")
            out.write("</Codes></CodeBook>")
            for stream, element in ((sources, "Sources"), (links, "Links")):
                if stream.tell():
                    stream.seek(0)
                    out.write(f"<{element}>")
                    shutil.copyfileobj(stream, out)
                    out.write(f"</{element}>")
            out.write("</Project>\n")
    ticker.close()
    return ExportSummary(articles, spans_written, left.lines())


class _Utf8:
    """A text `write` over a binary ZIP member."""

    def __init__(self, raw):
        self.raw = raw

    def write(self, text: str) -> None:
        self.raw.write(text.encode("utf-8"))


def _shifter(text: str):
    """Maps LF-text offsets to offsets in the same text with CRLF line endings."""
    from bisect import bisect_left

    breaks = [m.start() for m in re.finditer("\n", text)]
    return lambda offset: offset + bisect_left(breaks, offset)


# ----------------------------------------------------------------------------- import
# What zipfile raises for a damaged archive or member: bad headers, bad deflate data, truncation,
# an unknown zip version or compression method (NotImplementedError), encryption (RuntimeError).
ZIP_DAMAGE = (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError, RuntimeError)


# A ZIP member is unpacked only if its declared size is within a cap and it expands at most
# MAX_RATIO times (above a megabyte): a small archive cannot unpack into gigabytes (a zip bomb).
# zipfile never returns more than the declared size, so checking it up front is enough.
MAX_SOURCE_BYTES = 200 * 2**20  # one source is one article (the limit of a .txt import)
MAX_PROJECT_BYTES = 2 * 2**30
MAX_RATIO = 100


def read(path: Path, options: ReadOptions) -> Iterator[NewArticle]:
    try:
        archive = zipfile.ZipFile(path)
    except ZIP_DAMAGE as error:
        raise ImportRefused(path, f"not a .qdpx archive ({error})") from None
    with archive:
        try:
            with _member(path, archive, "project.qde", MAX_PROJECT_BYTES) as member:
                root = ET.parse(member).getroot()  # streamed: the packed XML is never held whole
        except KeyError:
            raise ImportRefused(path, "the archive holds no project.qde") from None
        except ZIP_DAMAGE as error:
            raise ImportRefused(path, f"project.qde cannot be unpacked ({error})") from None
        except ET.ParseError as error:
            raise ImportRefused(path, f"project.qde is not valid XML ({error})", error.position[0]) from None
        if root.tag != f"{{{NS}}}Project":
            raise ImportRefused(path, f"project.qde is not a REFI-QDA project (root {root.tag})")
        q = f"{{{NS}}}"
        users = {u.get("guid"): u.get("name", "") for u in root.iter(f"{q}User")}
        codes: dict[str, tuple[str, str | None]] = {}  # guid -> (label, attribute) of a coding
        # Depth first without recursion (a codebook may nest deeper than Python's stack).
        pending = [(code, None, None) for code in root.findall(f"{q}CodeBook/{q}Codes/{q}Code")]
        while pending:
            code, parent, grandparent = pending.pop()
            name = code.get("name", "")
            if grandparent is not None and parent.get("isCodable") == "false":
                codes[code.get("guid")] = (grandparent.get("name", ""), f"{parent.get('name')}={name}")
            else:
                codes[code.get("guid")] = (name, None)
            pending += [(child, code, parent) for child in reversed(code.findall(f"{q}Code"))]
        spans_of: dict[str, int] = {}
        documents = []
        for source in root.iter(f"{q}TextSource"):
            documents.append(_source(path, archive, source, len(documents), users, codes, spans_of, options))
        links: dict[int, list[NewRelation]] = {}
        for link in root.iter(f"{q}Link"):
            origin, target = link.get("originGUID"), link.get("targetGUID")
            if origin in spans_of and target in spans_of:
                doc_a, a = divmod(spans_of[origin], 1 << 32)
                doc_b, b = divmod(spans_of[target], 1 << 32)
                if doc_a == doc_b:
                    links.setdefault(doc_a, []).append(NewRelation(a, b, link.get("name") or "link"))
                    continue
            options.notes.append(
                f"{path.name}: link {link.get('guid')} does not join two selections of a text"
            )
    for number, article in enumerate(documents):
        yield NewArticle(
            title=article.title, text=article.text, source=article.source, spans=article.spans,
            relations=tuple(links.get(number, ())),
        )  # fmt: skip


def _source(path, archive, source, number, users, codes, spans_of, options) -> NewArticle:
    """One TextSource as an article; its selections' GUIDs are recorded in `spans_of` as
    (document number << 32) + span index, for the links."""
    q = f"{{{NS}}}"
    where = f"source {source.get('name')!r}"
    location = source.get("plainTextPath", "")
    if not location.startswith("internal://"):
        raise ImportRefused(
            path, f"{where}: only internal:// plain-text sources can be read, not {location!r}"
        )
    try:
        name = f"sources/{location.removeprefix('internal://')}"
        with _member(path, archive, name, MAX_SOURCE_BYTES) as member:
            given = member.read().decode("utf-8-sig")
    except KeyError:
        raise ImportRefused(path, f"{where}: sources/{location[11:]} is missing from the archive") from None
    except UnicodeDecodeError as error:
        raise ImportRefused(path, f"{where}: not UTF-8 text ({error.reason})") from None
    except ZIP_DAMAGE as error:
        raise ImportRefused(path, f"{where}: the archive is damaged ({error})") from None
    text, to_canonical = normalise_newlines(given)
    spans: list[NewSpan] = []
    for selection in source.findall(f"{q}PlainTextSelection"):
        spot = f"{where} selection {selection.get('guid')}"
        try:
            start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
        except (TypeError, ValueError):
            raise ImportRefused(
                path, f"{spot}: startPosition and endPosition must be whole numbers"
            ) from None
        if not 0 <= start < end <= len(given):
            raise ImportRefused(path, f"{spot}: [{start}, {end}) is outside the text (length {len(given)})")
        start, end = place(path, spot, given, start, end, selection.get("name"), options)
        description = selection.find(f"{q}Description")
        note = description.text or "" if description is not None else ""
        annotator = users.get(selection.get("creatingUser"), "")
        labels: list[str] = []
        attributes: dict[str, str] = {}
        for ref in selection.iterfind(f"{q}Coding/{q}CodeRef"):
            label, attribute = codes.get(ref.get("targetGUID"), ("", None))
            if attribute is None and label:
                labels.append(label)
            elif attribute is not None:
                key, _, value = attribute.partition("=")
                attributes[key] = value
        if not labels:
            options.notes.append(f"{path.name}: {spot} has no code and was not imported")
            continue
        spans_of[selection.get("guid")] = (number << 32) + len(spans)
        for label in labels:
            spans.append(NewSpan(to_canonical(start), to_canonical(end), label, attributes, note, annotator))
    return NewArticle(
        title=source.get("name") or text.strip()[:200], text=text, source=f"{path}#{source.get('name')}",
        spans=tuple(spans),
    )  # fmt: skip


def _member(path: Path, archive: zipfile.ZipFile, name: str, limit: int) -> IO[bytes]:
    """The member `name` opened for reading, after checking it cannot unpack into more than
    `limit` bytes nor expand more than MAX_RATIO times; KeyError if it is missing."""
    info = archive.getinfo(name)
    if info.file_size > limit:
        raise ImportRefused(
            path, f"{name} unpacks to {info.file_size / 2**20:,.0f} MB (the limit is {limit // 2**20:,} MB)"
        )
    if info.file_size > 2**20 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        raise ImportRefused(
            path,
            f"{name} would expand {info.file_size // max(info.compress_size, 1):,} times when unpacked "
            f"(at most {MAX_RATIO} is accepted): the archive looks like a zip bomb",
        )
    return archive.open(info)
