"""Read article files (.txt, .html, .csv, .jsonl) into `NewArticle`s and store them file by file.

Reading is pure: a file becomes a list of articles or an `ImportRefused` whose one-line message
names the file and the line. Storing is one transaction per file, so a bad file leaves no trace.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import json
import logging
import os
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from charset_normalizer import from_bytes

from annotator.core.errors import AnnotatorError
from annotator.core.model import NewArticle, NewRelation, NewSpan, Status
from annotator.core.offsets import normalise_newlines

if TYPE_CHECKING:
    from annotator.core.store import Store

log = logging.getLogger(__name__)

SUPPORTED_SUFFIXES = (".txt", ".html", ".htm", ".csv", ".jsonl")
# One text or HTML file is one article: anything bigger is not an article. CSV and JSONL stream.
MAX_FILE_BYTES = 200 * 1024 * 1024
# One line (JSONL record) or CSV field: bigger is refused, so memory stays bounded on any file.
MAX_LINE_BYTES = 64 * 1024 * 1024
TITLE_MAX = 200
# Bytes looked at to choose the encoding of a streamed (CSV, JSONL) file.
SAMPLE_BYTES = 1024 * 1024
FIELDS = ("title", "author", "outlet", "published", "url")
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_LONE_CR = re.compile("(?<=\r)(?!\n)")
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f\ufffd]")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


class ImportRefused(AnnotatorError):
    """A file that cannot be imported; the message names the file (and line) and says why."""

    def __init__(self, path: Path, reason: str, line: int | None = None):
        self.path = Path(path)
        self.reason = " ".join(reason.split())
        self.line = line
        where = self.path.name if line is None else f"{self.path.name} line {line}"
        super().__init__(f"{where}: {self.reason}")


@dataclass
class ImportSummary:
    """What `import_paths` did, for the CLI and the GUI to report."""

    articles: int = 0
    spans: int = 0
    duplicates: list[str] = field(default_factory=list)  # "file: title" of articles already stored
    refused: list[str] = field(default_factory=list)  # one line per refused file or path


# ----------------------------------------------------------------------------- finding files
def find_files(
    paths: Iterable[Path], suffixes: tuple[str, ...] = SUPPORTED_SUFFIXES, any_named: bool = False
) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Expand folders (recursively, sorted, hidden entries skipped) into files with `suffixes`;
    a file named directly needs one of them too unless `any_named`.

    Paths that cannot be imported come back as problems with a reason, so nothing is skipped
    silently. Only regular files are ever returned: a pipe or device would block the reader.
    """
    files: list[Path] = []
    problems: list[tuple[Path, str]] = []
    for given in paths:
        path = Path(given).expanduser()
        if path.is_dir():
            found = _walk(path, suffixes, problems)
            if not found and not any(problem[0].is_relative_to(path) for problem in problems):
                problems.append((path, f"the folder holds no {', '.join(suffixes)} files"))
            files += found
        elif path.is_file():
            if any_named or path.suffix.lower() in suffixes:
                files.append(path)
            else:
                problems.append((path, _unsupported(path, suffixes)))
        elif path.exists():
            problems.append((path, NOT_REGULAR))
        else:
            problems.append((path, "no such file or folder"))
    return list(dict.fromkeys(files)), problems


NOT_REGULAR = "not a regular file"


def _walk(top: Path, suffixes: tuple[str, ...], problems: list[tuple[Path, str]]) -> list[Path]:
    def unreadable(error: OSError) -> None:
        problems.append((Path(error.filename or top), f"cannot read the folder ({error.strerror})"))

    found: list[Path] = []
    for folder, dirs, names in os.walk(top, onerror=unreadable):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in names:
            if not name.startswith(".") and os.path.splitext(name)[1].lower() in suffixes:
                path = Path(folder) / name
                if path.is_file():
                    found.append(path)
                else:
                    problems.append((path, NOT_REGULAR if path.exists() else "no such file"))
    return sorted(found)


def _unsupported(path: Path, suffixes: tuple[str, ...] = SUPPORTED_SUFFIXES) -> str:
    kind = f"'{path.suffix}'" if path.suffix else "without a suffix"
    return f"unsupported file type {kind} (supported: {', '.join(suffixes)})"


# ----------------------------------------------------------------------------- storing
TICK_EVERY = 200  # articles between two `tick` calls while one file is read


def import_paths(
    store: Store,
    paths: Iterable[Path],
    progress: Callable[[Path], None] | None = None,
    tick: Callable[[Path, int], None] | None = None,
) -> ImportSummary:
    """Import every file under `paths`, one transaction per file: all of a file or none of it.

    `progress(path)` follows each file, `tick(path, articles_read)` every TICK_EVERY articles
    within one; an exception raised by either stops the import (a file in progress rolls back).
    A refused file is reported and skipped; a `StoreError` (the project itself fails) propagates.
    """
    summary = ImportSummary()
    files, problems = find_files(paths)
    summary.refused.extend(f"{path}: {reason}" for path, reason in problems)
    for path in files:
        articles = iter_file(path) if tick is None else _ticking(iter_file(path), path, tick)
        store_file(store, path, articles, summary)
        if progress is not None:
            progress(path)
    return summary


# What a reader may raise on a file shaped in a way none of its checks foresaw (a list where a
# name belongs, nesting deeper than the stack): that file is refused, the import goes on.
READER_FAULTS = (RecursionError, TypeError, AttributeError, LookupError, OSError, MemoryError)


def store_file(
    store: Store,
    path: Path,
    articles: Iterable[NewArticle],
    summary: ImportSummary,
    labels: Iterable[str] = (),
) -> bool:
    """Store one file's articles (and codebook `labels`) in one transaction and count them in
    `summary`; a refused file is one line in `summary.refused` and nothing stored. A `StoreError`
    (the project fails) and whatever `progress`/`tick` raise to cancel pass through."""
    try:
        outcome = store.add_articles(articles, labels)
    except ImportRefused as error:
        summary.refused.append(str(error))
        log.warning("refused %s", error)
    except ValueError as error:  # a span or label the store rejects (SchemeError included)
        summary.refused.append(f"{path.name}: not stored ({error})")
        log.warning("could not store %s: %s", path, error)
    except READER_FAULTS as error:
        summary.refused.append(f"{path.name}: could not be read ({type(error).__name__}: {error})"[:500])
        log.exception("reading %s failed", path)
    else:
        summary.articles += len(outcome.article_ids)
        summary.spans += outcome.span_count
        summary.duplicates.extend(f"{path.name}: {title}" for title in outcome.duplicates)
        log.info("imported %s: %d articles", path, len(outcome.article_ids))
        return True
    return False


def _ticking(
    articles: Iterator[NewArticle], path: Path, tick: Callable[[Path, int], None]
) -> Iterator[NewArticle]:
    for count, article in enumerate(articles, 1):
        if count % TICK_EVERY == 0:
            tick(path, count)
        yield article


# ----------------------------------------------------------------------------- reading
def read_file(path: Path) -> list[NewArticle]:
    """Parse one file into articles or raise `ImportRefused`; nothing is stored here."""
    return list(iter_file(path))


def iter_file(
    path: Path, reader: Callable[[Path], Iterable[NewArticle]] | None = None
) -> Iterator[NewArticle]:
    """Articles of one file, one at a time (a corpus file may be larger than memory); raises
    `ImportRefused` at the first problem, so a caller storing them in one transaction rolls back.
    The suffix chooses the reader unless `reader` is given (`import --format` decides)."""
    path = Path(path)
    reader = reader or _READERS.get(path.suffix.lower())
    if reader is None:
        raise ImportRefused(path, _unsupported(path))
    if path.is_dir():
        raise ImportRefused(path, "is a folder, not a file")
    if not path.exists():
        raise ImportRefused(path, "no such file")
    if not path.is_file():
        raise ImportRefused(path, "not a regular file")
    try:
        yield from reader(path)
    except OSError as error:
        raise ImportRefused(path, f"cannot be read ({error.strerror or error})") from None


def _encoding(path: Path, sample: bytes, complete: bool, hint: str | None = None) -> str:
    """Choose the codec: BOM, then strict UTF-8, then a declared charset, then detection."""
    encoding = next((codec for bom, codec in _BOMS if sample.startswith(bom)), None)
    if encoding is None:
        if b"\x00" in sample:
            raise ImportRefused(path, "binary or undecodable file (it contains NUL bytes)")
        for candidate in ("utf-8", hint):
            if candidate and _decodes(sample, candidate, complete):
                encoding = candidate
                break
        else:
            match = from_bytes(sample).best()
            if match is None:
                raise ImportRefused(path, "binary or undecodable file (no text encoding fits)")
            encoding = match.encoding
    text = codecs.getincrementaldecoder(encoding)(errors="replace").decode(sample, final=complete)
    if len(_CONTROL.findall(text)) > max(2, len(text) // 100):
        raise ImportRefused(path, "binary or undecodable file (too many control characters)")
    return encoding


def _decodes(sample: bytes, encoding: str, complete: bool) -> bool:
    try:
        codecs.getincrementaldecoder(encoding)().decode(sample, final=complete)
    except (LookupError, UnicodeDecodeError):
        return False
    return True


def _read_text(path: Path, html: bool = False) -> str:
    """The whole file as LF text: one article, so it is read at once (up to MAX_FILE_BYTES)."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        limit = MAX_FILE_BYTES // 2**20
        raise ImportRefused(
            path, f"too large ({size / 2**20:.0f} MB; the limit for one article is {limit} MB)"
        )
    data = path.read_bytes()
    declared = _META_CHARSET.search(data[:8192]) if html else None
    hint = declared.group(1).decode("ascii") if declared else None
    encoding = _encoding(path, data, complete=True, hint=hint)
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        raise ImportRefused(
            path, f"binary or undecodable file (not valid {encoding}: {error.reason})"
        ) from None
    if not text.strip():
        raise ImportRefused(path, "empty file")
    return normalise_newlines(text)[0]


@contextmanager
def _open_lines(path: Path, split_cr: bool) -> Iterator[Iterator[str]]:
    """The lines of a file of any size, its encoding chosen from the first megabyte."""
    with path.open("rb") as raw:
        sample = raw.read(SAMPLE_BYTES)
        if not sample.strip():
            raise ImportRefused(path, "empty file")
        encoding = _encoding(path, sample, complete=len(sample) < SAMPLE_BYTES)
        raw.seek(0)
        yield _decoded_lines(path, raw, encoding, split_cr)


def _decoded_lines(path: Path, raw: BinaryIO, encoding: str, split_cr: bool) -> Iterator[str]:
    """Decode line by line, so a byte the encoding rejects is reported with its line number."""
    if encoding in ("utf-16", "utf-32"):  # a line break is not the byte b"\n" here
        stream = io.TextIOWrapper(raw, encoding=encoding, newline="" if split_cr else "\n")
        try:
            for number, line in enumerate(iter(lambda: stream.readline(MAX_LINE_BYTES // 2), ""), 1):
                if len(line) == MAX_LINE_BYTES // 2 and not line.endswith(("\n", "\r")):
                    raise ImportRefused(path, _too_long(), number)
                yield line
        except UnicodeDecodeError as error:
            raise ImportRefused(path, f"not valid {encoding} text ({error.reason})") from None
        finally:
            stream.detach()
        return
    decoder = codecs.getincrementaldecoder(encoding)()
    lines = iter(lambda: raw.readline(MAX_LINE_BYTES), b"")
    for number, chunk in enumerate(itertools.chain(lines, [b""]), 1):
        if len(chunk) == MAX_LINE_BYTES and not chunk.endswith((b"\n", b"\r")):
            raise ImportRefused(path, _too_long(), number)
        try:
            text = decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError as error:
            shown = encoding.removesuffix("-sig")
            raise ImportRefused(path, f"not valid {shown} text ({error.reason})", number) from None
        yield from (piece for piece in _LONE_CR.split(text) if piece) if split_cr else [text]


def _too_long() -> str:
    return f"the line is longer than {MAX_LINE_BYTES // 2**20} MB (the limit for one record)"


def _first_line(text: str) -> str:
    for line in text.split("\n"):
        if line.strip():
            return line.strip()[:TITLE_MAX].rstrip()
    return ""


def _read_txt(path: Path) -> list[NewArticle]:
    text = _read_text(path)
    return [NewArticle(title=_first_line(text), text=text, source=str(path))]


# ----------------------------------------------------------------------------- HTML
_DROP = frozenset(
    "script style nav header footer aside noscript template svg form iframe object canvas select "
    "button".split()
)
_BLOCK = frozenset(
    "p div h1 h2 h3 h4 h5 h6 li ul ol dl dt dd br hr article section main blockquote tr table pre "
    "figure figcaption address details summary caption body".split()
)


class _HtmlText(HTMLParser):
    """Collects the readable text of a page as paragraphs, plus its title and metadata."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self.title = ""
        self.h1 = ""
        self.meta: dict[str, str] = {}
        self._chunks: list[str] = []
        self._skip: dict[str, int] = {}
        self._title: list[str] | None = None
        self._h1: list[str] | None = None
        self._pre = 0

    @property
    def _skipping(self) -> bool:
        return any(self._skip.values())

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name.lower(): (value or "").strip() for name, value in attrs}
        if tag in _DROP:
            self._skip[tag] = self._skip.get(tag, 0) + 1
        elif tag == "title" and not self.title and not self._skipping:
            self._title = []
        elif tag == "h1" and not self.h1:
            self._h1 = []
        elif tag == "meta":
            key = values.get("property", "").lower() or values.get("name", "").lower()
            if key and values.get("content"):
                self.meta.setdefault(key, values["content"])
        elif tag == "link" and "canonical" in values.get("rel", "").lower().split():
            self.meta.setdefault("canonical", values.get("href", ""))
        if tag in _BLOCK:
            if self._title is not None:  # an unclosed <title> ends where the body starts
                self.handle_endtag("title")
            self._flush()
        elif tag in ("td", "th"):
            self._chunks.append(" ")
        if tag == "pre":
            self._pre += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROP:
            if self._skip.get(tag):
                self._skip[tag] -= 1
            return
        if tag == "title" and self._title is not None:
            self.title, self._title = " ".join("".join(self._title).split()), None
        elif tag == "h1" and self._h1 is not None:
            self.h1, self._h1 = " ".join("".join(self._h1).split()), None
        if tag in _BLOCK:
            self._flush()
        if tag == "pre" and self._pre:
            self._pre -= 1

    def handle_data(self, data: str) -> None:
        if self._title is not None:
            self._title.append(data)
            return
        if self._h1 is not None:
            self._h1.append(data)
        if self._skipping:
            return
        if self._pre:
            lines = data.split("\n")
            for number, line in enumerate(lines):
                if number:
                    self._flush()
                self._chunks.append(line)
        else:
            self._chunks.append(data)

    def close(self) -> None:
        super().close()
        self._flush()

    def _flush(self) -> None:
        paragraph = " ".join("".join(self._chunks).split())
        if paragraph:
            self.paragraphs.append(paragraph)
        self._chunks = []


def _read_html(path: Path) -> list[NewArticle]:
    markup = _read_text(path, html=True)
    parser = _HtmlText()
    try:
        parser.feed(markup)
        parser.close()
    except AssertionError as error:  # _markupbase's reaction to some malformed declarations
        raise ImportRefused(path, f"the HTML cannot be parsed ({error})") from None
    text = "\n\n".join(parser.paragraphs)
    if not text:
        raise ImportRefused(path, "no text found in the page")
    meta = parser.meta

    def first(*keys: str) -> str:
        return next((meta[key] for key in keys if meta.get(key)), "")

    return [
        NewArticle(
            title=parser.title or parser.h1 or _first_line(text),
            text=text,
            author=first("author", "article:author"),
            outlet=first("og:site_name"),
            published=first("article:published_time", "date"),
            url=first("og:url", "canonical"),
            source=str(path),
        )
    ]


# ----------------------------------------------------------------------------- CSV
def _allow_big_fields() -> None:
    """Far above csv's 128 KB default, but bounded: a quote never closed must not eat memory."""
    csv.field_size_limit(MAX_LINE_BYTES)


def _delimiter(first_line: str) -> str:
    """Comma unless another common delimiter is the one that yields a 'text' column."""
    counts = {}
    for delimiter in (",", ";", "\t", "|"):
        header = next(csv.reader([first_line], delimiter=delimiter), [])
        if "text" in (name.strip().lower() for name in header):
            return delimiter
        counts[delimiter] = len(header)
    return max(counts, key=lambda d: counts[d])


def _read_csv(path: Path) -> Iterator[NewArticle]:
    _allow_big_fields()
    count = 0
    with _open_lines(path, split_cr=True) as lines:
        reader = None
        try:
            seen = []
            for line in lines:  # the header's delimiter decides the dialect
                seen.append(line)
                if line.strip():
                    break
            reader = csv.reader(
                itertools.chain(seen, lines), delimiter=_delimiter(seen[-1] if seen else ""), strict=True
            )
            header = next((row for row in reader if row), None)
            if header is None:
                raise ImportRefused(path, "empty file")
            columns = [name.strip() for name in header]
            keys = [name.lower() for name in columns]
            repeated = sorted(key for key, count in Counter(keys).items() if key and count > 1)
            if repeated:
                raise ImportRefused(path, f"column {repeated[0]!r} appears more than once", reader.line_num)
            if "text" not in keys:
                more = f" and {len(columns) - 20} more" if len(columns) > 20 else ""
                named = ", ".join(columns[:20]) + more
                raise ImportRefused(path, f"no 'text' column (columns: {named})")
            start = reader.line_num + 1
            for row in reader:
                line, start = start, reader.line_num + 1
                if not any(cell.strip() for cell in row):
                    continue
                yield _csv_article(path, line, columns, keys, row)
                count += 1
        except csv.Error as error:
            raise ImportRefused(path, f"malformed CSV ({error})", reader.line_num if reader else 1) from None
    if not count:
        raise ImportRefused(path, "the header has no rows under it")


def _csv_article(path: Path, line: int, columns: list[str], keys: list[str], row: list[str]) -> NewArticle:
    if len(row) > len(columns) and any(cell.strip() for cell in row[len(columns) :]):
        raise ImportRefused(path, f"{len(row)} fields but the header has {len(columns)} columns", line)
    values: dict[str, str] = {}
    meta: dict[str, Any] = {}
    for index, (column, key) in enumerate(zip(columns, keys, strict=True)):
        cell = row[index] if index < len(row) else ""
        if key == "text" or key in FIELDS:
            values[key] = cell
        elif cell.strip():
            meta[column or f"column {index + 1}"] = cell
    text = normalise_newlines(values.pop("text"))[0].strip()
    if not text:
        raise ImportRefused(path, "the 'text' cell is empty", line)
    fields = {key: " ".join(value.split()) for key, value in values.items()}
    title = fields.pop("title", "") or _first_line(text)
    return NewArticle(title=title, text=text, source=str(path), meta=meta, **fields)


# ----------------------------------------------------------------------------- JSONL
_RESERVED = frozenset({"text", "label", "id", "entities", "spans", "relations", "status", "meta", *FIELDS})


def read_jsonl(
    path: Path,
    text_field: str = "text",
    label_field: str = "label",
    bad: list[str] | None = None,
    hint: str = "",
) -> Iterator[NewArticle]:
    """Records of a JSONL file (ours or doccano's). The text and `[start, end, label]` spans sit
    under `text_field` and `label_field`. A bad record refuses the file (its message ends with
    `hint`), unless `bad` is given: then it is skipped and described there."""
    count = 0
    with _open_lines(path, split_cr=False) as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                article = _jsonl_article(path, number, line, text_field, label_field)
            except ImportRefused as error:
                if bad is None:
                    raise ImportRefused(path, error.reason + hint, number) from None
                bad.append(f"{error} (skipped)")
                continue
            yield article
            count += 1
    if not count and not bad:
        raise ImportRefused(path, "empty file")


def _read_jsonl(path: Path) -> Iterator[NewArticle]:
    return read_jsonl(path)


def read_csv(path: Path) -> Iterator[NewArticle]:
    """An article table with a `text` column (whatever the file's suffix)."""
    return _read_csv(path)


def _jsonl_article(path: Path, line: int, raw: str, text_field: str, label_field: str) -> NewArticle:
    try:
        record = json.loads(raw)
    except json.JSONDecodeError as error:
        raise ImportRefused(path, f"not valid JSON ({error.msg})", line) from None
    except RecursionError:
        raise ImportRefused(path, "not valid JSON (nested too deeply)", line) from None
    if not isinstance(record, dict):
        raise ImportRefused(path, f"not a JSON object but {type(record).__name__}", line)
    given = record.get(text_field)
    if not isinstance(given, str):
        raise ImportRefused(path, f"no string {text_field!r} field", line)
    if not given.strip():
        raise ImportRefused(path, f"the {text_field!r} field is empty", line)
    reserved = _RESERVED | {text_field, label_field}
    displaced: dict[str, Any] = {}
    if text_field != "text" or label_field != "label":
        labelled = record.get(label_field)
        displaced = {key: record[key] for key in ("text", "label") if key in record}
        record = {key: value for key, value in record.items() if key not in displaced}
        record |= {"text": given, "label": labelled}
    text, to_canonical = normalise_newlines(given)

    fields: dict[str, str] = {}
    for key in FIELDS:
        value = record.get(key)
        if isinstance(value, bool | int | float):
            value = str(value)
        elif value is None:
            value = ""
        elif not isinstance(value, str):
            raise ImportRefused(path, f"'{key}' must be text, not {type(value).__name__}", line)
        fields[key] = value.strip()

    meta: dict[str, Any] = dict(record["meta"]) if isinstance(record.get("meta"), dict) else {}
    if "meta" in record and not isinstance(record["meta"], dict):
        meta["meta"] = record["meta"]
    meta.update((key, value) for key, value in record.items() if key not in reserved)
    meta.update((key, value) for key, value in displaced.items() if key not in (text_field, label_field))
    if "id" in record:
        meta["source_id"] = record["id"]
    status = Status.NEW
    if "status" in record:
        if isinstance(record["status"], str) and record["status"] in {str(s) for s in Status}:
            status = Status(record["status"])
        else:
            meta["status"] = record["status"]

    if _categories(record.get("label")):
        meta["label"] = record["label"]  # doccano's document-level categories, not spans
    spans = tuple(_spans(path, line, record, given, text, to_canonical))
    relations = _relations(path, line, record)
    title = fields.pop("title") or _first_line(text)
    return NewArticle(
        title=title,
        text=text,
        source=str(path),
        meta=meta,
        spans=spans,
        status=status,
        relations=relations,
        **fields,
    )


# Where each accepted shape keeps its spans: key, name in messages, start key, end key.
_SPAN_SHAPES = (
    ("label", "label", 0, 1),  # doccano: [start, end, label]
    ("entities", "entity", "start_offset", "end_offset"),  # doccano with relations
    ("spans", "span", "start", "end"),  # our own export
)


def _spans(
    path: Path, line: int, record: dict, given: str, text: str, to_canonical: Callable[[int], int]
) -> Iterator[NewSpan]:
    """Check each span against the text as given, then move it onto the LF text."""
    for key, noun, start_key, end_key in _SPAN_SHAPES:
        items = record.get(key)
        if items is None or (key == "label" and _categories(items)):
            continue
        if not isinstance(items, list):
            raise ImportRefused(path, f"'{key}' must be a list", line)
        for index, item in enumerate(items, 1):
            name = f"{noun} {index} {_short(item)}"
            if key == "label":
                if not (isinstance(item, list) and len(item) == 3):
                    raise ImportRefused(path, f"{name} is not [start, end, label]", line)
                item = {0: item[0], 1: item[1], "label": item[2]}
            elif not isinstance(item, dict):
                raise ImportRefused(path, f"{name} is not an object", line)
            start, end, label = item.get(start_key), item.get(end_key), item.get("label")
            if not all(isinstance(value, int) and not isinstance(value, bool) for value in (start, end)):
                raise ImportRefused(path, f"{name}: start and end must be whole numbers", line)
            if not isinstance(label, str) or not label.strip():
                raise ImportRefused(path, f"{name}: the label must be non-empty text", line)
            if not 0 <= start < end <= len(given):
                raise ImportRefused(path, f"{name} is outside the text (length {len(given)}) or empty", line)
            start, end = to_canonical(start), to_canonical(end)
            if start >= end:
                raise ImportRefused(path, f"{name} covers only a line break", line)
            quoted = item.get("text", text[start:end])
            if not isinstance(quoted, str) or normalise_newlines(quoted)[0] != text[start:end]:
                raise ImportRefused(path, f"{name}: its 'text' differs from the article text there", line)
            attributes, note, annotator = (
                item.get("attributes", {}),
                item.get("note", ""),
                item.get("annotator", ""),
            )
            if not isinstance(attributes, dict):
                raise ImportRefused(path, f"{name}: 'attributes' must be an object", line)
            if not isinstance(note, str) or not isinstance(annotator, str):
                raise ImportRefused(path, f"{name}: 'note' and 'annotator' must be text", line)
            yield NewSpan(start, end, label, attributes, note, annotator)


def _relations(path: Path, line: int, record: dict) -> tuple[NewRelation, ...]:
    """Relations by span id (ours: "from"/"to"; doccano: "from_id"/"to_id") as span indexes."""
    items = record.get("relations")
    if not items:
        return ()
    if not isinstance(items, list):
        raise ImportRefused(path, "'relations' must be a list", line)
    index_of: dict[Any, int] = {}
    position = 0
    for key, noun, _start, _end in _SPAN_SHAPES:
        spans = record.get(key)
        if spans is None or (key == "label" and _categories(spans)):
            continue
        for number, item in enumerate(spans, 1):
            if isinstance(item, dict) and "id" in item:
                if not _is_id(item["id"]):
                    raise ImportRefused(path, f"{noun} {number} {_short(item)}: {_ID_KINDS}", line)
                if item["id"] in index_of:
                    raise ImportRefused(path, f"two spans have the id {_short(item['id'])}", line)
                index_of[item["id"]] = position
            position += 1
    relations = []
    for number, item in enumerate(items, 1):
        name = f"relation {number} {_short(item)}"
        if not isinstance(item, dict):
            raise ImportRefused(path, f"{name} is not an object", line)
        ends = [item.get("from_id", item.get("from")), item.get("to_id", item.get("to"))]
        if not all(end is None or _is_id(end) for end in ends):
            raise ImportRefused(path, f"{name}: the ends it links are span ids, {_ID_KINDS}", line)
        missing = [end for end in ends if end not in index_of]
        if missing:
            raise ImportRefused(path, f"{name} refers to no span with the id {_short(missing[0])}", line)
        kind = item.get("type")
        if not isinstance(kind, str) or not kind.strip():
            raise ImportRefused(path, f"{name}: the type must be non-empty text", line)
        if ends[0] == ends[1]:
            raise ImportRefused(path, f"{name} links a span to itself", line)
        relations.append(NewRelation(index_of[ends[0]], index_of[ends[1]], kind))
    return tuple(relations)


_ID_KINDS = "an id is text or a whole number"


def _is_id(value: Any) -> bool:
    return isinstance(value, str | int) and not isinstance(value, bool)


def _categories(label: Any) -> bool:
    return isinstance(label, list) and bool(label) and all(isinstance(item, str) for item in label)


def _short(value: Any) -> str:
    shown = json.dumps(value, ensure_ascii=False)
    return shown if len(shown) <= 60 else shown[:57] + "..."


_READERS: dict[str, Callable[[Path], Iterable[NewArticle]]] = {
    ".txt": _read_txt,
    ".html": _read_html,
    ".htm": _read_html,
    ".csv": _read_csv,
    ".jsonl": _read_jsonl,
}
