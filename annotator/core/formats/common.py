"""What every format module shares: rows, options, the export summary and its "left out" report,
progress ticks, the formula guard, one JSON-line writer, token splitting and realignment."""

from __future__ import annotations

import codecs
import json
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, TextIO

import orjson

from annotator.core import wording
from annotator.core.importers import ImportRefused
from annotator.core.model import Article, ExportRecord, Relation, Span
from annotator.core.scheme import Label, RelationRule
from annotator.core.text import word_pattern


# A token: a word (`text.word_pattern`), a flag (two regional indicators), or any other single
# non-space character with the marks that follow it. Whitespace is never part of a token.
@cache
def _token_pattern() -> re.Pattern[str]:
    return re.compile(
        rf"{word_pattern().pattern}|[\U0001f1e6-\U0001f1ff]{{2}}|\S[\u0300-\u036f\u200d\ufe0f\U0001f3fb-\U0001f3ff]*"
    )


_LINE_SEPARATORS = (("\x85", "\\u0085"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))


Rows = Iterable[tuple[Article, list[Span], list[Relation]]]
# Progress is reported in batches so a GUI callback is not called once per tiny article.
PROGRESS_EVERY = 1000
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")


@dataclass(frozen=True)
class ExportSummary:
    """What an export wrote: articles that appear in the output and span records, and one line
    per kind of thing the format could not carry (e.g. "CoNLL: 12 overlapping spans left out…");
    `notes`: what a folder export did to an earlier one there (files removed or left over)."""

    articles: int
    spans: int
    left_out: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


def record_of(article: Article, spans: list[Span], relations: list[Relation]) -> ExportRecord:
    """One of `Rows` as the plain record `Store.iter_records` yields (writers that take records
    also take rows through this)."""
    return ExportRecord(
        article.id, article.title, article.text, str(article.status), article.outlet, article.author,
        article.published, article.url, article.meta,
        [(s.id, s.start, s.end, s.label, s.attributes, s.note, s.annotator) for s in spans],
        [(r.from_span, r.to_span, r.type) for r in relations],
    )  # fmt: skip


class Ticker:
    """Calls `progress` with the number of spans done, in batches (a GUI needs no call per span)."""

    def __init__(self, progress: Callable[[int], None] | None):
        self.progress = progress
        self.pending = 0

    def add(self, count: int) -> None:
        self.pending += count
        if self.progress is not None and self.pending >= PROGRESS_EVERY:
            self.progress(self.pending)
            self.pending = 0

    def close(self) -> None:
        if self.progress is not None and self.pending:
            self.progress(self.pending)
        self.pending = 0


@dataclass(frozen=True)
class WriteOptions:
    """What a writer needs beside the rows: the scheme (for configs and codebooks) and choices."""

    labels: Sequence[Label] = ()
    progress: Callable[[int], None] | None = None
    neutralise_formulas: bool = True
    newlines: str = "lf"  # REFI-QDA sources: "lf" (ATLAS.ti, NVivo) or "crlf" (MAXQDA)
    relation_types: tuple[str, ...] = ()  # every type the project's relations use
    relation_rules: tuple[RelationRule, ...] = ()  # the scheme's: which label each type points to


@dataclass
class ReadOptions:
    """`realign`: move a span whose quoted text sits elsewhere onto it (else refuse the file).
    `skip_bad`: import a file's good records and list its bad ones (else refuse the file).
    `text_field`/`label_field`: where JSONL records keep their text and spans (doccano's names).
    `named`: the format was named (`--format`), not guessed from the suffix, so `skip_bad` applies.
    Readers append one line per realigned span or ignored record to `notes`, and count what they
    kept in another shape or left out by kind with `report` (one line per file in the summary)."""

    realign: bool = False
    skip_bad: bool = False
    text_field: str = "text"
    label_field: str = "label"
    named: bool = False
    notes: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    labels: list[str] = field(default_factory=list)  # a codebook's labels, stored even if unused

    def report(self, what: str, count: int = 1) -> None:
        """Count `what` ("event annotations kept as spans of their trigger") for this file."""
        if count > 0:
            self.counts[what] = self.counts.get(what, 0) + count

    def summary(self, name: str) -> list[str]:
        """The file's notes, then one line with its counts ("f.ann: 3 x; 1 y")."""
        counted = "; ".join(wording.count_of(count, what) for what, count in self.counts.items())
        return [*self.notes, *([f"{name}: {counted}"] if counted else [])]


class LeftOut:
    """Counts what a format cannot carry, per kind, so the export can say so."""

    def __init__(self, fmt: str):
        self.fmt = fmt
        self._items: dict[str, int] = {}
        self._articles: dict[str, int] = {}
        self._last: dict[str, int] = {}

    def add(self, what: str, article_id: int, count: int = 1) -> None:
        if count <= 0:
            return
        self._items[what] = self._items.get(what, 0) + count
        if self._last.get(what) != article_id:
            self._last[what] = article_id
            self._articles[what] = self._articles.get(what, 0) + 1

    def lines(self) -> tuple[str, ...]:
        articles = self._articles
        return tuple(
            f"{self.fmt}: {wording.count_of(n, what)} left out in {wording.count(articles[what], 'article')}"
            for what, n in self._items.items()
        )

    def span_extras(self, article: Article, spans: Iterable, carries: frozenset[str]) -> None:
        """Count the attributes, notes and annotator names of `spans` the format cannot carry."""
        spans = list(spans)
        if "attributes" not in carries:
            self.add("span attribute sets", article.id, sum(1 for s in spans if s.attributes))
        if "notes" not in carries:
            self.add("span notes", article.id, sum(1 for s in spans if s.note))
        if "annotator" not in carries:
            self.add("span annotator names", article.id, sum(1 for s in spans if s.annotator))


def json_text(value: Any) -> str:
    """Compact JSON, non-ASCII kept as is. orjson writes it 5-10 times faster than the standard
    library (whose encoder was a third of an export's time); what orjson refuses (integers beyond
    64 bits, which a meta value may hold) the standard library writes."""
    try:
        return orjson.dumps(value).decode()
    except orjson.JSONEncodeError:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def json_line(value: Any) -> str:
    """Compact JSON on one line, with the characters some readers split lines at escaped."""
    return json_bytes(value).decode()


def json_bytes(value: Any) -> bytes:
    """`json_line` as UTF-8 bytes (what a file gets: no decoding and encoding again)."""
    try:
        encoded = orjson.dumps(value)
    except orjson.JSONEncodeError:
        encoded = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
    # U+0085 is C2 85 in UTF-8, U+2028/9 E2 80 A8/9: a line without those lead bytes (found by
    # memchr) holds none of them; a regular expression over every line was a fifth of an export.
    if not encoded.isascii() and (b"\xc2" in encoded or b"\xe2" in encoded):
        line = encoded.decode()
        if "\x85" in line or "\u2028" in line or "\u2029" in line:
            for char, escaped in _LINE_SEPARATORS:
                line = line.replace(char, escaped)
            encoded = line.encode()
    return encoded


def byte_writer(out: TextIO) -> Callable[[bytes], object]:
    """A function writing UTF-8 bytes to the text stream `out`: into its binary buffer when it
    has one, encodes UTF-8 and has no line ending to translate (POSIX), else decoded."""
    buffer = getattr(out, "buffer", None)
    encoding = getattr(out, "encoding", None) or "ascii"
    if buffer is not None and os.linesep == "\n" and codecs.lookup(encoding).name == "utf-8":
        out.flush()
        return buffer.write
    return lambda data: out.write(data.decode())


def tokens(text: str, cuts: Iterable[int] = ()) -> list[tuple[int, int]]:
    """Token ranges (code points) of `text`, also split at every offset in `cuts`: the span
    boundaries, so that every span starts and ends on a token boundary by construction."""
    result: list[tuple[int, int]] = []
    cut_points = sorted(set(cuts))
    index = 0
    for match in _token_pattern().finditer(text):
        start, end = match.span()
        while index < len(cut_points) and cut_points[index] <= start:
            index += 1
        while index < len(cut_points) and cut_points[index] < end:
            result.append((start, cut_points[index]))
            start = cut_points[index]
            index += 1
        result.append((start, end))
    return result


def value_text(value: Any) -> str:
    """An attribute value as text, for formats whose attributes are strings."""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def place(
    path: Path,
    where: str,
    text: str,
    start: int,
    end: int,
    quoted: str | None,
    options: ReadOptions,
) -> tuple[int, int]:
    """Check that `text[start:end]` is what the file quotes; otherwise refuse the file, or with
    `realign` move the span to the nearest occurrence of the quote (and note it)."""
    if quoted is None or text[start:end] == quoted:
        return start, end
    if options.realign and quoted:
        found = [m.start() for m in re.finditer(re.escape(quoted), text)]
        if found:
            new = min(found, key=lambda offset: abs(offset - start))
            options.notes.append(f"{path.name}: {where}: moved from {start} to {new} to match {quoted!r}")
            return new, new + len(quoted)
    raise ImportRefused(
        path,
        f"{where}: the text at [{start}, {end}) is {text[start:end]!r}, but the file quotes {quoted!r}"
        + ("" if options.realign else " (use --realign to move such spans onto their quoted text)"),
    )


def neutralise_formula(cell: str) -> str:
    """The cell with a leading `'` if a spreadsheet would run it as a formula.

    Formula injection (OWASP "CSV injection"): a spreadsheet runs a cell starting with `=`, `+`, `-`, `@`,
    tab, CR or LF as a formula. By default every text cell whose value starts with one of these gets a
    leading `'`, so the `text` cell of such a span is then *not* `article.text[start:end]`. A value that
    already starts with apostrophes followed by a trigger character (`'=x`) gets one more, which keeps the
    rule reversible: `restore_formula` strips one leading `'` exactly when what follows the leading
    apostrophes is a trigger character, and gives back the raw value. Numeric columns are never altered.
    `neutralise_formulas=False` (CLI `--no-formula-guard`) writes raw cells for tools that are not
    spreadsheets.
    """
    if cell and cell.lstrip("'").startswith(FORMULA_TRIGGERS):
        return "'" + cell
    return cell


def restore_formula(cell: str) -> str:
    """The raw value of a cell written by `neutralise_formula`: its exact inverse."""
    if cell.startswith("'") and cell.lstrip("'").startswith(FORMULA_TRIGGERS):
        return cell[1:]
    return cell
