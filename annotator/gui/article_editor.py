"""The open article as the window shows it: its text and spans in the text view, the span list,
per-label counts in the palette and the selected span's details. It subscribes to `StoreEvents`
for the text view and span list (widgets that know nothing of the store) and refreshes only what
a `Changes` touched; the palette and the details follow scheme edits themselves.

A long article is painted before all its spans are read: the text view gets those its first
screens show and the span list their rows, the palette counts come from the store; `_finish`
indexes and lists the others right after that first paint (or before, once anything needs them)."""

from __future__ import annotations

from collections import Counter
from functools import partial

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QColor

from annotator.core.model import Article, Changes, Op, Span, SpanExtent
from annotator.core.store import Store
from annotator.gui.details import SpanDetails
from annotator.gui.events import StoreEvents
from annotator.gui.palette import LabelPalette
from annotator.gui.span_list import SpanList, SpanTableModel
from annotator.gui.text_view import FIRST_LOAD, LaterSpans, TextView


class ArticleEditor(QObject):
    """Keeps the text view, span list, palette counts and details in line with one article."""

    def __init__(
        self,
        events: StoreEvents,
        text_view: TextView,
        span_list: SpanList,
        palette: LabelPalette,
        details: SpanDetails,
        parent: QObject | None = None,
    ):
        super().__init__(parent)
        self.events = events
        self.text_view, self.span_list, self.palette, self.details = text_view, span_list, palette, details
        self.span_model: SpanTableModel = span_list.model
        self.article: Article | None = None
        self.label_counts: Counter[str] = Counter()
        self.unfinished = False
        """A long article shows only its first spans yet (see the module's docstring)."""
        self._written: dict[int, Span] = {}
        """While a change is followed: the spans it wrote, by id (`Changes.span_rows`)."""
        self._finisher = QTimer(self, singleShot=True, interval=0)
        self._finisher.timeout.connect(self._finish)
        self.text_view.viewport().installEventFilter(self)
        self.events.closing.connect(self._finish)  # read while the project is open
        self.text_view.describe_span = self.describe_span
        self.text_view.span_selection_changed.connect(self.show_selected)
        self.span_list.span_chosen.connect(self.text_view.set_selected_span)
        self.events.changed.connect(self._changed)
        self._show_scheme()

    @property
    def store(self) -> Store:
        return self.events.store

    def open(self, article_id: int) -> bool:
        """Show the article with this id; False if the project has none. A damaged row raises
        here (`AnnotatorError`, `ValueError`), not in a view's paint. A note or attribute typed
        in the details is committed first."""
        try:
            article = self.store.article(article_id)
            self.store.check_spans(article_id)
        except KeyError:
            return False
        self.details.commit()
        self.article = article
        store, counts, later = self.store, None, None
        if len(article.text) <= FIRST_LOAD:
            spans = store.span_extents(article_id)
        else:
            counts = Counter(store.label_counts(article_id))
            later = LaterSpans(FIRST_LOAD, counts.total(), partial(store.span_extents, article_id))
            spans = store.span_extents(article_id, before=FIRST_LOAD)
        self.text_view.set_article(article.text, spans, self.colors(), later)
        self.unfinished = later is not None
        self._list_spans(later.count if later else 0)
        self._show_relations(FIRST_LOAD if later else None)
        self._count_labels(counts)
        self.details.show_span(None)
        if (
            not self.text_view.isVisible()
            or self.span_model.label is not None
            or self.span_model.order != (-1, False)
        ):
            self._finish()  # nothing to paint first, or a filtered or sorted list needs every span
        return True

    def clear(self) -> None:
        self.article = None
        self.unfinished = False
        self.text_view.set_article("", [], {})
        self._list_spans()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self.unfinished and event.type() == QEvent.Type.Paint:
            self._finisher.start()  # from the event loop, after this paint
        return False

    def _finish(self) -> None:
        """Index, list and count every span of a long article shown with its first spans only."""
        if not self.unfinished:
            return
        self.unfinished = False
        self._finisher.stop()
        self.text_view.finish_spans()
        self.span_model.list_rest(self.text_view.span_ids_in_order())
        self.span_list.show_current(self.text_view.selected_span())
        self._count_labels()
        self._show_relations()

    def colors(self) -> dict[str, str]:
        return {label.name: label.color for label in self.store.labels()}

    # ---------------------------------------------------------------- changes
    def _changed(self, changes: Changes, initiator: object) -> None:
        self._written = {span.id: span for span in changes.span_rows}
        try:
            self._follow(changes)
        finally:
            self._written = {}

    def _follow(self, changes: Changes) -> None:
        if changes.labels:
            self._show_scheme()
        if self.article is None:
            return
        if changes.op is Op.OPEN or (changes.op is Op.EXTERNAL and not self._still_there()):
            return  # the window opens an article of the project now shown
        if self.article.id not in changes.articles and not changes.labels:
            return
        self._finish()  # the edit is then applied to what the views hold, as for any article
        if changes.labels:
            self.text_view.set_spans(self.store.span_extents(self.article.id), self.colors())
            self._count_labels()
            self._list_spans()
        elif changes.spans:
            self._update_spans(changes.spans)
        if changes.relations or changes.labels:
            self._show_relations()
        if changes.op in (Op.RESTORE_SPANS, Op.ADD_SPAN) and len(changes.spans) == 1:
            self.text_view.set_selected_span(next(iter(changes.spans)))
        elif changes.requires_text_redraw:
            self.show_selected(self.text_view.selected_span())
        if changes.op is Op.SET_STATUS or changes.article_list:
            self.article = self.store.article(self.article.id)

    def _still_there(self) -> bool:
        try:
            self.store.article(self.article.id)
        except KeyError:
            self.clear()
            return False
        return True

    def _update_spans(self, span_ids: frozenset[int]) -> None:
        written = self._written
        if span_ids <= written.keys():  # the spans as just stored: nothing to read back
            ours = (written[i] for i in span_ids if written[i].article_id == self.article.id)
            fresh = sorted(
                (SpanExtent(s.id, s.start, s.end, s.label) for s in ours), key=lambda extent: extent.start
            )
        else:
            fresh = self.store.span_extents(self.article.id, span_ids)
        for span_id in span_ids:
            old = self.text_view.span(span_id)
            if old is not None:
                self.label_counts[old.label] -= 1
        self.label_counts.update(span.label for span in fresh)
        self.text_view.update_spans(span_ids, fresh)
        self.palette.set_counts(self.label_counts)
        self.span_model.update(span_ids)

    def _show_scheme(self) -> None:
        labels = self.store.labels()
        self.span_list.set_labels([label.name for label in labels])
        self.span_model.colors = {label.name: QColor(label.color) for label in labels}

    def _list_spans(self, count: int = 0) -> None:
        """The spans the text view holds as rows (of `count` spans in all, if it holds only the first)."""
        self.span_model.store = self.store
        text = self.article.text if self.article else ""
        ids = self.text_view.span_ids_in_order()
        self.span_model.set_spans(text, ids, self.text_view.span, max(0, count - len(ids)))
        self.span_list.show_current(self.text_view.selected_span())

    def _show_relations(self, before: int | None = None) -> None:
        """The article's relations (only those at spans starting before `before` while a long
        article shows its first spans) in the span list and as arrows."""
        relations = self.store.relations(self.article.id, before)
        self.span_model.set_relations(relations)
        self.text_view.set_relations([(relation.from_span, relation.to_span) for relation in relations])

    def _count_labels(self, counts: Counter[str] | None = None) -> None:
        """Spans per label in this article, counted from what the view holds (unless given); edits
        then adjust `label_counts` instead of counting again."""
        self.label_counts = (
            counts if counts is not None else Counter(span.label for span in self.text_view.spans)
        )
        self.palette.set_counts(self.label_counts)

    # -------------------------------------------------------------- selection
    def show_selected(self, span_id: int | None) -> None:
        """The selected span in the list and the details (with its relations described)."""
        if span_id is not None:
            self._finish()  # its row may not be listed yet
        self.span_list.show_current(span_id)
        if span_id is None or self.article is None:
            self.details.show_span(None)
            return
        span = self._written.get(span_id) or self.store.span(span_id)
        relations = []
        for relation in self.store.span_relations(span_id):
            other = self.store.span(relation.to_span if relation.from_span == span_id else relation.from_span)
            excerpt = self.article.text[other.start : other.end][:40]
            arrow = "→" if relation.from_span == span_id else "←"
            relations.append((relation, f"{arrow} {relation.type} {other.label}: {excerpt}"))
        self.details.show_span(span, self.article.text[span.start : span.end], relations)

    def describe_span(self, span_id: int) -> str:
        """The hover tooltip's entry for a span: label, start of its text, attributes, annotator."""
        span = self.store.span(span_id)
        excerpt = self.text_view.canonical_text[span.start : span.end]
        lines = [f"{span.label}: “{excerpt[:60]}{'…' if len(excerpt) > 60 else ''}”"]
        lines += [f"{name.replace('_', ' ')}: {value}" for name, value in span.attributes.items()]
        if span.note:
            lines.append(f"note: {span.note[:80]}")
        lines.append(f"by {span.annotator}")
        return "\n".join(lines)
