"""What every format module shares: options, the "left out" report, token splitting, realignment."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.core.importers import ImportRefused
from annotator.core.model import Article
from annotator.core.scheme import Label

# A token: a run of word characters with their combining marks and joiners, a flag (two regional
# indicators), or any other single non-space character. Whitespace is never part of a token.
_TOKEN = re.compile(
    r"(?:\w|[\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed"
    r"\u0900-\u0903\u093a-\u094f\u1ab0-\u1aff\u1dc0-\u1dff\u200c\u200d\u20d0-\u20ff\ufe00-\ufe0f\ufe20-\ufe2f])+"
    r"|[\U0001f1e6-\U0001f1ff]{2}"
    r"|\S[\u0300-\u036f\u200d\ufe0f\U0001f3fb-\U0001f3ff]*"
)
_LINE_SEPARATORS = (("\x85", "\\u0085"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))


@dataclass(frozen=True)
class WriteOptions:
    """What a writer needs beside the rows: the scheme (for configs and codebooks) and choices."""

    labels: Sequence[Label] = ()
    progress: Callable[[int], None] | None = None
    neutralise_formulas: bool = True
    newlines: str = "lf"  # REFI-QDA sources: "lf" (ATLAS.ti, NVivo) or "crlf" (MAXQDA)
    relation_types: tuple[str, ...] = ()  # every type the project's relations use


@dataclass
class ReadOptions:
    """`realign`: move a span whose quoted text sits elsewhere onto it (else refuse the file).
    `skip_bad`: import a file's good records and list its bad ones (else refuse the file).
    `text_field`/`label_field`: where JSONL records keep their text and spans (doccano's names).
    Readers append one line per realigned span or ignored record to `notes`, and count what they
    kept in another shape or left out by kind with `report` (one line per file in the summary)."""

    realign: bool = False
    skip_bad: bool = False
    text_field: str = "text"
    label_field: str = "label"
    notes: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    labels: list[str] = field(default_factory=list)  # a codebook's labels, stored even if unused
    labels: list[str] = field(default_factory=list)  # a codebook's labels, stored even if unused

    def report(self, what: str, count: int = 1) -> None:
        """Count `what` ("event annotations kept as spans of their trigger") for this file."""
        if count > 0:
            self.counts[what] = self.counts.get(what, 0) + count

    def summary(self, name: str) -> list[str]:
        """The file's notes, then one line with its counts ("f.ann: 3 x; 1 y")."""
        counted = "; ".join(f"{count} {what}" for what, count in self.counts.items())
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
        return tuple(
            f"{self.fmt}: {count} {what} left out in {self._articles[what]} articles"
            for what, count in self._items.items()
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


def json_line(value: Any) -> str:
    """Compact JSON on one line, with the characters some readers split lines at escaped."""
    line = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if not line.isascii():
        for char, escaped in _LINE_SEPARATORS:
            line = line.replace(char, escaped)
    return line


def tokens(text: str, cuts: Iterable[int] = ()) -> list[tuple[int, int]]:
    """Token ranges (code points) of `text`, also split at every offset in `cuts`: the span
    boundaries, so that every span starts and ends on a token boundary by construction."""
    result: list[tuple[int, int]] = []
    cut_points = sorted(set(cuts))
    index = 0
    for match in _TOKEN.finditer(text):
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
