"""REFI-QDA project exchange (`.qdpx`): a ZIP holding `project.qde` (XML, namespace
`urn:QDA-XML:project:1.0`) and the plain-text sources in a lowercase `sources/` folder, which
NVivo, MAXQDA and ATLAS.ti import.

Offsets: `startPosition`/`endPosition` are character (code point) positions in the plain-text
source as written. Line endings are the user's choice (`newlines`): "lf" (default; ATLAS.ti
counts CRLF as one character anyway, and NVivo's unit is unverified: we assume code points of the
text as stored) or "crlf" (MAXQDA expects CRLF and counts both characters); positions are computed
for the text actually written. On import, a source with CRLF is read with positions counting both
characters (reported), or one in a project whose `origin` is ATLAS.ti, and each selection's
`name` (we write the selected text there) is checked against the slice when present.

Mapping: each label is a code; each attribute of a label a non-codable child code and each value
a codable grandchild, so a span is one PlainTextSelection with one Coding for its label and one per
attribute value; the note is the selection's Description; the annotator its creatingUser; each
relation a Link between two selections (name = type). Article title is the source name, its
status and metadata are not carried (reported).

Import takes a `.qdpx` (member names in any case: ATLAS.ti 8 writes `Project.qde` and `Sources/`),
a bare `.qde` (sources from a `sources` folder beside it, never from elsewhere on the disk) or a
`.qdc` codebook. Every codable code becomes a label, used or not; a source whose text is missing
is named in the summary and its codings are counted as left out, the rest is imported.
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


CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
# Codes nobody coded with become labels only up to this many: a palette of thousands is no use.
MAX_UNUSED_LABELS = 1000


def read(path: Path, options: ReadOptions) -> Iterator[NewArticle]:
    """A `.qdpx` archive (any case of `project.qde` and `sources/`, as ATLAS.ti 8 writes), a bare
    `.qde` project (its sources looked for beside it) or a `.qdc` codebook (codes only). Every
    code becomes a label; sources that are missing are named and their codings left out."""
    if zipfile.is_zipfile(path):
        try:
            archive = zipfile.ZipFile(path)
        except ZIP_DAMAGE as error:
            raise ImportRefused(path, f"not a .qdpx archive ({error})") from None
        with archive:
            files = _Archive(path, archive)
            yield from _project(path, files.project(), files, options)
        return
    with path.open("rb") as handle:
        head = handle.read(4096).lstrip()
    if not head.startswith(b"<"):
        raise ImportRefused(path, "not a .qdpx archive nor a REFI-QDA XML file")
    yield from _project(path, _parse(path, path.name, path.open("rb")), _Folder(path.parent), options)


def _parse(path: Path, name: str, stream: IO[bytes]) -> ET.Element:
    try:
        with stream:
            return ET.parse(stream).getroot()  # streamed: the packed XML is never held whole
    except ZIP_DAMAGE as error:
        raise ImportRefused(path, f"{name} cannot be unpacked ({error})") from None
    except ET.ParseError as error:
        raise ImportRefused(path, f"{name} is not valid XML ({error})", error.position[0]) from None


class _Archive:
    """The members of a .qdpx, found whatever the case of their names."""

    def __init__(self, path: Path, archive: zipfile.ZipFile):
        self.path, self.archive = path, archive
        self.names = {name.lower(): name for name in archive.namelist()}

    def project(self) -> ET.Element:
        name = self.names.get("project.qde") or next(
            (real for lower, real in self.names.items() if lower.endswith(".qde") and "/" not in lower), None
        )
        if name is None:
            raise ImportRefused(self.path, "the archive holds no project.qde")
        try:
            member = _member(self.path, self.archive, name, MAX_PROJECT_BYTES)
        except ZIP_DAMAGE as error:
            raise ImportRefused(self.path, f"{name} cannot be unpacked ({error})") from None
        return _parse(self.path, name, member)

    def source(self, location: str) -> bytes | None:
        name = self.names.get(f"sources/{location.removeprefix('internal://')}".lower())
        if name is None or not location.startswith("internal://"):
            return None
        with _member(self.path, self.archive, name, MAX_SOURCE_BYTES) as member:
            return member.read()


class _Folder:
    """The sources of a bare .qde: `internal://` ones in a `sources` folder beside it (any case),
    `relative://` ones beside it; never outside that folder (a file cannot pull in, say, a key
    file from elsewhere on the disk), so `file://` sources count as missing."""

    def __init__(self, folder: Path):
        self.folder = folder.resolve()

    def source(self, location: str) -> bytes | None:
        scheme, _, rest = location.partition("://")
        if scheme == "internal":
            folders = [p for p in self.folder.iterdir() if p.is_dir() and p.name.lower() == "sources"]
            candidates = [folder / rest for folder in folders]
        elif scheme == "relative":
            candidates = [self.folder / rest]
        else:
            candidates = []
        for candidate in candidates:
            candidate = candidate.resolve()
            inside = candidate.is_relative_to(self.folder)
            if inside and candidate.is_file() and candidate.stat().st_size <= MAX_SOURCE_BYTES:
                return candidate.read_bytes()
        return None


def _codes(root: ET.Element, q: str) -> tuple[dict[str, tuple[str, str | None]], list[str]]:
    """guid -> (label, "attribute=value" or None) for every code, and the labels in order."""
    codes: dict[str, tuple[str, str | None]] = {}
    labels: list[str] = []
    book = root if root.tag == f"{q}CodeBook" else root.find(f"{q}CodeBook")
    # Depth first without recursion (a codebook may nest deeper than Python's stack).
    found = book.findall(f"{q}Codes/{q}Code") if book is not None else []
    pending = [(code, None, None) for code in reversed(found)]
    while pending:
        code, parent, grandparent = pending.pop()
        name = code.get("name", "").strip()
        if grandparent is not None and parent.get("isCodable") == "false":
            codes[code.get("guid")] = (grandparent.get("name", ""), f"{parent.get('name')}={name}")
        else:
            codes[code.get("guid")] = (name, None)
            if name and code.get("isCodable") != "false":
                labels.append(name)
        pending += [(child, code, parent) for child in reversed(code.findall(f"{q}Code"))]
    return codes, list(dict.fromkeys(labels))


def _project(path: Path, root: ET.Element, files, options: ReadOptions) -> Iterator[NewArticle]:
    if root.tag == f"{{{CODEBOOK_NS}}}CodeBook":
        labels = _codes(root, f"{{{CODEBOOK_NS}}}")[1]
        options.labels += labels[:MAX_UNUSED_LABELS]
        options.report("codes of a codebook kept as labels", len(options.labels))
        options.report(
            f"codes beyond the first {MAX_UNUSED_LABELS} left out", len(labels) - MAX_UNUSED_LABELS
        )
        return
    if root.tag != f"{{{NS}}}Project":
        raise ImportRefused(path, f"not a REFI-QDA project or codebook (root {root.tag})")
    q = f"{{{NS}}}"
    users = {u.get("guid"): u.get("name", "") for u in root.iter(f"{q}User")}
    codes, labels = _codes(root, q)
    spans_of: dict[str, int] = {}
    documents = []
    missing = []
    crlf_as_one = "atlas.ti" in root.get("origin", "").lower()  # ATLAS.ti counts CRLF as one
    for source in root.iter(f"{q}TextSource"):
        article = _source(path, files, source, len(documents), users, codes, spans_of, options, crlf_as_one)
        if article is None:
            missing.append(source.get("name") or source.get("plainTextPath", ""))
            options.report(
                "codings in missing sources left out",
                sum(1 for _ in source.iter(f"{q}PlainTextSelection")),
            )
        else:
            documents.append(article)
    if missing:
        options.notes.append(f"{path.name}: sources referenced but missing: {', '.join(missing)}")
        options.report("sources referenced but missing (their codes still kept as labels)", len(missing))
    used = {span.label for article in documents for span in article.spans}
    unused = [label for label in labels if label not in used]
    options.labels += unused[:MAX_UNUSED_LABELS]
    options.report("codes without codings kept as labels", min(len(unused), MAX_UNUSED_LABELS))
    options.report(
        f"codes without codings beyond the first {MAX_UNUSED_LABELS} left out",
        len(unused) - MAX_UNUSED_LABELS,
    )
    links: dict[int, list[NewRelation]] = {}
    for link in root.iter(f"{q}Link"):
        origin, target = link.get("originGUID"), link.get("targetGUID")
        if origin in spans_of and target in spans_of:
            doc_a, a = divmod(spans_of[origin], 1 << 32)
            doc_b, b = divmod(spans_of[target], 1 << 32)
            if doc_a == doc_b and a != b:
                links.setdefault(doc_a, []).append(NewRelation(a, b, link.get("name") or "link"))
                continue
        options.report("links not between two selections of one text left out")
    for number, article in enumerate(documents):
        yield NewArticle(
            title=article.title, text=article.text, source=article.source, spans=article.spans,
            relations=tuple(dict.fromkeys(links.get(number, ()))),
        )  # fmt: skip


def _source(path, files, source, number, users, codes, spans_of, options, crlf_as_one) -> NewArticle | None:
    """One TextSource as an article (None when its text is missing); its selections' GUIDs are
    recorded in `spans_of` as (document number << 32) + span index, for the links. `crlf_as_one`:
    positions count a CRLF line ending as one character."""
    q = f"{{{NS}}}"
    where = f"source {source.get('name')!r}"
    inline = source.find(f"{q}PlainTextContent")
    try:
        if inline is not None and inline.text:
            given = inline.text
        else:
            data = files.source(source.get("plainTextPath", ""))
            if data is None:
                return None
            given = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportRefused(path, f"{where}: not UTF-8 text ({error.reason})") from None
    except ZIP_DAMAGE as error:
        raise ImportRefused(path, f"{where}: the archive is damaged ({error})") from None
    if not given.strip():
        options.report("empty sources left out")
        return None
    text, to_canonical = normalise_newlines(given)
    if "\r\n" in given and crlf_as_one:
        given, to_canonical = text, lambda offset: offset
    elif "\r\n" in given:
        options.report(
            "sources with CRLF line endings read with positions counting CR and LF (as MAXQDA does)"
        )
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
            options.report("selections without a code left out")
            continue
        spans_of[selection.get("guid")] = (number << 32) + len(spans)
        for label in labels:
            spans.append(NewSpan(to_canonical(start), to_canonical(end), label, attributes, note, annotator))
    return NewArticle(
        title=source.get("name") or title_from(text), text=text, source=f"{path}#{source.get('name')}",
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
