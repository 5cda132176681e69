"""What the analyst does to spans in the text: label a selection, relabel, delete, attribute a
quote (`Attribution`), edit details. Each gesture becomes one undoable command on the window's
stack; the views follow through `StoreEvents`."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from annotator.core.model import Span, Status
from annotator.core.store import Store
from annotator.gui.article_editor import ArticleEditor
from annotator.gui.attribution import Attribution
from annotator.gui.commands import (
    AddSpanCommand,
    DeleteRelationCommand,
    DeleteSpanCommand,
    FirstSpanCommand,
    SetStatusCommand,
    StoreCommand,
    UpdateSpanCommand,
)
from annotator.gui.events import StoreEvents
from annotator.gui.window_quiet import window_acted


class SpanGestures(QObject):
    """Gestures on the editor's article; `say(message, ms)` shows a hint in the status bar."""

    note_wanted = Signal()  # Edit Note… in the span menu: the window shows the note field

    def __init__(
        self,
        editor: ArticleEditor,
        undo_stack: QUndoStack,
        say: Callable[[str, int], None],
        parent: QObject | None = None,
    ):
        super().__init__(parent)
        self.editor, self.undo_stack, self.say = editor, undo_stack, say
        self.attribution = Attribution(editor, undo_stack, say)
        editor.text_view.span_clicked.connect(self._span_clicked)
        editor.details.update_requested.connect(self.update_span)
        editor.details.delete_relation_requested.connect(self.delete_relation)

    @property
    def events(self) -> StoreEvents:
        return self.editor.events

    @property
    def store(self) -> Store:
        return self.editor.store

    def push(self, command: StoreCommand | FirstSpanCommand) -> bool:
        """Run `command` on the undo stack; False if the store refused it. The suggestion
        threads step aside from here (the command's commit and the views' repaint)."""
        window_acted()
        self.undo_stack.push(command)
        return not command.error

    def apply_label(self, name: str) -> None:
        """Label the selected text as a new span, or relabel the selected span."""
        article, view = self.editor.article, self.editor.text_view
        if article is None:
            return
        selection = view.selected_range()
        if selection is not None:
            self._add_span(selection, name)
            view.clear_text_selection()  # the new span shows at once, not under the selection
            return
        span_id = view.selected_span()
        if span_id is not None:
            self.relabel(self.store.span(span_id), name)
            return
        self.say("Select some text first, then press a label's key.", 4000)

    def _add_span(self, selection: tuple[int, int], name: str) -> None:
        """A new span; the first one in a new article also marks it in progress (one undo step)."""
        article_id, status = self.editor.article.id, self.editor.article.status
        add = AddSpanCommand(self.store, self.events, article_id, *selection, name)
        if status == Status.NEW:
            mark = SetStatusCommand(self.store, self.events, article_id, status, Status.IN_PROGRESS)
            self.push(FirstSpanCommand(add, mark))
        else:
            self.push(add)

    def relabel(self, span: Span, name: str) -> None:
        if span.label != name:
            self.push(UpdateSpanCommand(self.store, self.events, span, f"Relabel as {name}", label=name))

    def delete_span(self) -> None:
        span_id = self.editor.text_view.selected_span()
        if span_id is not None:
            self.push(DeleteSpanCommand(self.store, self.events, self.store.span(span_id)))

    def relate(self) -> None:
        """R on a quote starts an attribution; R (or Enter, or a click) on an actor completes it."""
        span_id = self.editor.text_view.selected_span()
        attribution = self.attribution
        if attribution.active and span_id is not None and span_id != attribution.source:
            attribution.finish(span_id)
        elif span_id is None:
            self.say("Select a quote first (click it or press Tab), then press R.", 4000)
        else:
            attribution.start(span_id)

    def _span_clicked(self, span_id: int) -> None:
        if self.attribution.active and span_id != self.attribution.source:
            self.attribution.finish(span_id)

    def delete_relations(self) -> None:
        span_id = self.editor.text_view.selected_span()
        if span_id is None or self.editor.article is None:
            return
        for relation in self.store.span_relations(span_id):
            self.push(DeleteRelationCommand(self.store, self.events, relation))

    def delete_relation(self, relation_id: int) -> None:
        self.push(DeleteRelationCommand(self.store, self.events, self.store.relation(relation_id)))

    def update_span(self, span_id: int, fields: dict) -> None:
        what = ", ".join(fields)
        span = self.store.span(span_id)
        self.push(UpdateSpanCommand(self.store, self.events, span, f"Edit {what}", **fields))
