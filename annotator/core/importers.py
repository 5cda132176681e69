"""What every format's import shares: finding the files, decoding them safely, and storing one
file per transaction (`store_file`), so a bad file leaves no trace.

Reading is pure: a file becomes articles or an `ImportRefused` whose one-line message names the
file and the line. The readers themselves are in `formats/`; `formats.import_paths` is the one
import loop.
"""

from __future__ import annotations

import codecs
import io
import itertools
import logging
import os
import re
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, TypeVar

from annotator.core.encodings import latin_codepage
from annotator.core.errors import AnnotatorError
from annotator.core.model import NewArticle
from annotator.core.offsets import normalise_newlines
from annotator.core.store.held import is_held

if TYPE_CHECKING:
    from annotator.core.store import Store

log = logging.getLogger(__name__)
T = TypeVar("T")

# One text or HTML file is one article: anything bigger is not an article. CSV and JSONL stream.
MAX_FILE_BYTES = 200 * 1024 * 1024
# One line (JSONL record) or CSV field: bigger is refused, so memory stays bounded on any file.
MAX_LINE_BYTES = 64 * 1024 * 1024
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
    """What `formats.import_paths` did, for the CLI and the GUI to report."""

    articles: int = 0
    spans: int = 0
    duplicates: list[str] = field(default_factory=list)  # "file: title" of articles already stored
    added_to: int = 0  # articles already stored that got spans from a file (another analyst's)
    spans_added: int = 0  # spans added to those
    refused: list[str] = field(default_factory=list)  # one line per refused file or path
    notes: list[str] = field(default_factory=list)  # spans realigned, records skipped, kept in another shape


# ----------------------------------------------------------------------------- finding files
def find_files(
    paths: Iterable[Path],
    suffixes: tuple[str, ...],
    any_named: bool = False,
    hints: Mapping[str, str] | None = None,
) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Expand folders (recursively, sorted, hidden entries skipped) into files with `suffixes`;
    a file named directly needs one of them too unless `any_named`. `hints`: for another suffix,
    what its refusal proposes instead.

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
                problems.append((path, unsupported(path, suffixes, hints)))
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


def unsupported(path: Path, suffixes: tuple[str, ...], hints: Mapping[str, str] | None = None) -> str:
    kind = f"'{path.suffix}'" if path.suffix else "without a suffix"
    hint = (hints or {}).get(path.suffix.lower())
    return f"unsupported file type {kind} (supported: {', '.join(suffixes)})" + (f"; {hint}" if hint else "")


# ----------------------------------------------------------------------------- storing
TICK_EVERY = 200  # articles between two `tick` calls while one file is read


# What a reader may raise on a file shaped in a way none of its checks foresaw (a list where a
# name belongs, nesting deeper than the stack): that file is refused, the import goes on.
READER_FAULTS = (RecursionError, TypeError, AttributeError, LookupError, OSError, MemoryError)


def store_file(
    store: Store,
    path: Path,
    articles: Iterable[NewArticle],
    summary: ImportSummary,
    labels: Iterable[str] = (),
    before_indexing: Callable[[], None] | None = None,
) -> bool:
    """Store one file's articles (and codebook `labels`) in one transaction and count them in
    `summary`; a refused file is one line in `summary.refused` and nothing stored. A `StoreError`
    (the project fails) and whatever `progress`/`tick` raise to cancel pass through.
    `before_indexing` is called as the store starts to index a batch (see `read_ahead`)."""
    try:
        outcome = store.add_articles(articles, labels, before_indexing)
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
        summary.added_to += len(outcome.added_to)
        summary.spans_added += outcome.spans_added
        summary.notes.extend(
            f"{path.name}: the annotator name {given!r} is "
            f"{'blank' if not given.strip() else 'not kept as is (tabs, line breaks, control characters)'}: "
            f"its spans are stored as {name!r}'s"
            for given, name in outcome.renamed.items()
        )
        log.info("imported %s: %d articles", path, len(outcome.article_ids))
        return True
    return False


def ticking(
    articles: Iterator[NewArticle], path: Path, tick: Callable[[Path, int], None]
) -> Iterator[NewArticle]:
    for count, article in enumerate(articles, 1):
        if count % TICK_EVERY == 0:
            tick(path, count)
        yield article


# Characters of text read ahead of the article being stored (20 M: ~4,000 news articles, at most
# 80 MB); one article is always let through, however long. An import paces reading: once full, it
# waits until the store starts to index a batch (every 10 M characters,
# store.articles.INDEX_BATCH_CHARS), a long SQLite statement that lets go of the interpreter lock,
# and reads the next 10 M while it runs. Reading whenever there was room made the two threads take
# turns with the lock while the store inserted rows: a 100k import here took 31.9 s wall against
# 22.5 s paced (its floor, SQLite alone, 22.9 s).
READ_AHEAD_CHARS = 20_000_000


def read_ahead(
    articles: Iterable[NewArticle],
    prepare: Callable[[NewArticle], T] = lambda article: article,
    limit: int | None = None,
    paced: threading.Event | None = None,
) -> Iterator[T]:
    """`prepare(article)` for each of `articles`, read and prepared on a thread of their own while
    the caller stores the ones before: that Python work (which holds the interpreter lock) runs
    beside SQLite's (which lets go of it), so an import uses two cores. What reading raises is
    raised here, after the articles read before it; closing this iterator (the store failed, the
    import was cancelled) stops the thread and closes `articles` there.
    With `paced`, reading waits once full until `paced` is set (the store is about to index a
    batch: a long statement without the interpreter lock) or nothing is left to take: reading
    while the store inserts rows makes the two threads take turns with the lock."""
    limit = READ_AHEAD_CHARS if limit is None else limit
    ahead: deque[tuple[T | None, BaseException | None, int]] = deque()
    queued = [0]  # characters in `ahead`
    changed = threading.Condition()
    stop = threading.Event()
    end = object()

    def hand_over(item: object, error: BaseException | None, size: int) -> None:
        with changed:
            if ahead and queued[0] + size > limit and paced is not None:  # full: wait for the store
                paced.clear()
                while ahead and not paced.is_set() and not stop.is_set():
                    changed.wait(0.002)
            elif ahead and queued[0] + size > limit:  # full: wait till half of it is taken
                while ahead and queued[0] > limit // 2 and not stop.is_set():
                    changed.wait()
            ahead.append((item, error, size))
            queued[0] += size
            changed.notify()

    def read() -> None:
        source = iter(articles)
        try:
            for article in source:
                hand_over(prepare(article), None, len(article.text))
                if stop.is_set():
                    break
            hand_over(end, None, 0)
        except BaseException as error:  # noqa: BLE001 (raised again by the caller's thread)
            hand_over(None, error, 0)
        finally:
            close = getattr(source, "close", None)
            if close is not None:
                close()

    thread = threading.Thread(target=read, name="import-reader", daemon=True)
    thread.start()
    try:
        while True:
            with changed:
                while not ahead:
                    changed.wait()
                item, error, size = ahead.popleft()
                queued[0] -= size
                if queued[0] <= limit // 2 or not ahead:
                    changed.notify()
            if error is not None:
                raise error
            if item is end:
                return
            yield item
    finally:
        stop.set()
        with changed:
            changed.notify_all()
        if thread is not threading.current_thread():  # not when collected on the reader's own thread
            thread.join()


# ----------------------------------------------------------------------------- reading
def iter_file(path: Path, reader: Callable[[Path], Iterable[NewArticle]]) -> Iterator[NewArticle]:
    """Articles of one file from `reader`, one at a time (a corpus file may be larger than
    memory); raises `ImportRefused` at the first problem, so a caller storing them in one
    transaction rolls back. Whatever is not a regular file is refused before `reader` sees it."""
    path = Path(path)
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
            from charset_normalizer import from_bytes  # only for a file in neither UTF-8 nor its charset

            match = from_bytes(sample).best()
            if match is None:
                raise ImportRefused(path, "binary or undecodable file (no text encoding fits)")
            encoding = latin_codepage(sample, match.encoding)
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


def read_text(path: Path, html: bool = False) -> str:
    """The whole file as LF text: one article, so it is read at once (up to MAX_FILE_BYTES)."""
    refuse_held(path)
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


def refuse_held(path: Path) -> None:
    """A project this program holds open is not read as a file to import (see `held`)."""
    if is_held(path):
        raise ImportRefused(path, "it is an annotator project open here, not a file to import")


@contextmanager
def open_lines(path: Path, split_cr: bool) -> Iterator[Iterator[str]]:
    """The lines of a file of any size, its encoding chosen from the first megabyte."""
    refuse_held(path)
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
