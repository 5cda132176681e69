"""The open article as the window shows it: its text and spans in the text view, the span list,
per-label counts in the palette and the selected span's details. It subscribes to `StoreEvents`
for the text view and span list (widgets that know nothing of the store) and refreshes only what
a `Changes` touched; the palette and the details follow scheme edits themselves."""

from __future__ import annotations

from collections import Counter

from PySide6.QtCore import QObject
from PySide6.QtGui import QColor

from annotator.core.model import Article, Changes, Op
from annotator.core.store import Store
from annotator.gui.details import SpanDetails
from annotator.gui.events import StoreEvents
from annotator.gui.palette import LabelPalette
from annotator.gui.span_list import SpanList, SpanTableModel
from annotator.gui.text_view import TextView


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
        self.text_view.set_article(article.text, self.store.span_extents(article_id), self.colors())
        self._list_spans()
        self._show_relations()
        self._count_labels()
        self.details.show_span(None)
        return True

    def clear(self) -> None:
        self.article = None
        self.text_view.set_article("", [], {})
        self._list_spans()

    def colors(self) -> dict[str, str]:
        return {label.name: label.color for label in self.store.labels()}

    # ---------------------------------------------------------------- changes
    def _changed(self, changes: Changes, initiator: object) -> None:
        if changes.labels:
            self._show_scheme()
        if self.article is None:
            return
        if changes.op is Op.OPEN or (changes.op is Op.EXTERNAL and not self._still_there()):
            return  # the window opens an article of the project now shown
        if self.article.id not in changes.articles and not changes.labels:
            return
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

    def _list_spans(self) -> None:
        self.span_model.store = self.store
        text = self.article.text if self.article else ""
        self.span_model.set_spans(text, self.text_view.span_ids_in_order(), self.text_view.span)
        self.span_list.show_current(self.text_view.selected_span())

    def _show_relations(self) -> None:
        relations = self.store.relations(self.article.id)
        self.span_model.set_relations(relations)
        self.text_view.set_relations([(relation.from_span, relation.to_span) for relation in relations])

    def _count_labels(self) -> None:
        """Spans per label in this article, counted from what the view holds; edits then adjust
        `label_counts` instead of counting again."""
        self.label_counts = Counter(span.label for span in self.text_view.spans)
        self.palette.set_counts(self.label_counts)

    # -------------------------------------------------------------- selection
    def show_selected(self, span_id: int | None) -> None:
        """The selected span in the list and the details (with its relations described)."""
        self.span_list.show_current(span_id)
        if span_id is None or self.article is None:
            self.details.show_span(None)
            return
        span = self.store.span(span_id)
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
