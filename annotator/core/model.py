"""Plain, immutable records that travel between the store, the formats and the views."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, NamedTuple


class Status(StrEnum):
    """Where an article stands in the analyst's work."""

    NEW = "new"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class Article:
    """A stored article; `text` is canonical (LF line endings) and never changes."""

    id: int
    title: str
    text: str
    status: Status = Status.NEW
    outlet: str = ""
    author: str = ""
    published: str = ""
    url: str = ""
    source: str = ""
    content_hash: str = ""
    imported_at: str = ""
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ArticleRow:
    """What the article list shows: everything but the text. A row that cannot be read as it
    should (an unknown status, a damaged page) comes back with `problem` saying why and `status`
    None, so the list can show it as damaged instead of failing while it paints."""

    id: int
    title: str
    outlet: str
    published: str
    status: Status | None
    span_count: int
    problem: str = ""


@dataclass(frozen=True)
class Span:
    """A labelled, half-open range `[start, end)` of code points in an article's text."""

    id: int
    article_id: int
    start: int
    end: int
    label: str
    attributes: dict[str, Any] = field(default_factory=dict)
    note: str = ""
    annotator: str = ""
    created: str = ""
    updated: str = ""


class SpanExtent(NamedTuple):
    """Where a span lies and its label: all a view needs to draw it (cheap for 50,000 spans)."""

    id: int
    start: int
    end: int
    label: str


class ExportRecord(NamedTuple):
    """An article with its spans and relations as plain values, for the writers that go through
    millions of spans (JSONL, CSV): `spans` are (id, start, end, label, attributes, note,
    annotator) tuples in export order, `relations` (from_span, to_span, type) among them."""

    id: int
    title: str
    text: str
    status: str
    outlet: str
    author: str
    published: str
    url: str
    meta: dict[str, Any]
    spans: list[tuple[int, int, int, str, dict[str, Any], str, str]]
    relations: list[tuple[int, int, str]]


@dataclass(frozen=True)
class Relation:
    """A directed link between two spans, e.g. a quote `said_by` an actor."""

    id: int
    from_span: int
    to_span: int
    type: str
    annotator: str = ""
    created: str = ""


@dataclass(frozen=True)
class NewSpan:
    """A span that is not stored yet, as format readers produce it."""

    start: int
    end: int
    label: str
    attributes: dict[str, Any] = field(default_factory=dict)
    note: str = ""
    annotator: str = ""


@dataclass(frozen=True)
class NewRelation:
    """A relation that is not stored yet: indexes into its article's `spans` tuple."""

    from_index: int
    to_index: int
    type: str


@dataclass(frozen=True)
class NewSuggestion:
    """A suggestion read from a file (a peer tool's model prediction): stored apart from the
    spans, for the analyst to accept or reject."""

    start: int
    end: int
    label: str
    score: float = 1.0
    source: str = "imported"


@dataclass(frozen=True)
class NewArticle:
    """An article read from a file, ready to be stored with its spans."""

    title: str
    text: str
    outlet: str = ""
    author: str = ""
    published: str = ""
    url: str = ""
    source: str = ""
    meta: dict[str, Any] = field(default_factory=dict)
    spans: tuple[NewSpan, ...] = ()
    status: Status = Status.NEW
    relations: tuple[NewRelation, ...] = ()
    suggestions: tuple[NewSuggestion, ...] = ()


class Op(StrEnum):
    """The kind of operation a `Changes` reports: views branch on these, never on free text."""

    ADD_SPAN = "add_span"
    ADD_SPANS = "add_spans"
    UPDATE_SPAN = "update_span"
    DELETE_SPANS = "delete_spans"
    RESTORE_SPANS = "restore_spans"
    COPY_SPANS = "copy_spans"
    ADD_RELATION = "add_relation"
    DELETE_RELATION = "delete_relation"
    SET_STATUS = "set_status"
    ADD_LABEL = "add_label"
    UPDATE_LABEL = "update_label"
    DELETE_LABEL = "delete_label"
    SET_RELATION_RULES = "set_relation_rules"
    STORE_SUGGESTIONS = "store_suggestions"
    ACCEPT_SUGGESTIONS = "accept_suggestions"
    REJECT_SUGGESTIONS = "reject_suggestions"
    RESTORE_SUGGESTIONS = "restore_suggestions"
    IMPORT = "import"  # files imported
    MERGE = "merge"  # colleagues' projects merged in
    RESTORE = "restore"  # the project's content replaced by a backup
    EXTERNAL = "external"  # another program committed to the project
    OPEN = "open"  # another project opened in the window


@dataclass(frozen=True)
class Changes:
    """What one store operation changed, so views refresh only what they show.

    Mirrors Anki's OpChanges: the operation plus the ids per entity kind.
    """

    op: Op
    articles: frozenset[int] = frozenset()
    spans: frozenset[int] = frozenset()
    relations: frozenset[int] = frozenset()
    labels: bool = False
    article_list: bool = False
    suggestions: frozenset[int] = frozenset()
    span_rows: tuple[Span, ...] = field(default=(), compare=False)
    """The spans as the operation wrote them, when it wrote whole spans (added, restored): what
    just went into the store, so the command and the views need not read it back."""

    @property
    def requires_text_redraw(self) -> bool:
        return bool(self.spans or self.relations or self.labels or self.suggestions)


@dataclass(frozen=True)
class AnalysisFilter:
    """Which spans the analysis tables count. Empty means no restriction; `since` and `until` are
    inclusive ISO dates or prefixes of one (2024, 2024-03, 2024-03-15) compared with `published`;
    with either set, articles without such a date are left out."""

    annotators: tuple[str, ...] = ()
    statuses: tuple[Status, ...] = ()
    outlets: tuple[str, ...] = ()
    since: str = ""
    until: str = ""
    labels: tuple[str, ...] = ()


@dataclass(frozen=True)
class SpanHit:
    """A span behind a cell of an analysis table, with a little of the text around it
    (`context[context_start:context_end]` is the span's text)."""

    span_id: int
    article_id: int
    start: int
    end: int
    label: str
    annotator: str
    title: str
    context: str
    context_start: int
    context_end: int


@dataclass(frozen=True)
class StoredSuggestion:
    """A pending suggestion: a span proposed by `source` that is nobody's annotation yet. A quote's
    speaker is either a span (`speaker_span`) or another pending suggestion (`speaker_suggestion`)."""

    id: int
    article_id: int
    start: int
    end: int
    label: str
    attributes: dict[str, Any] = field(default_factory=dict)
    source: str = ""
    score: float = 0.0
    speaker_span: int | None = None
    speaker_suggestion: int | None = None
    created: str = ""
