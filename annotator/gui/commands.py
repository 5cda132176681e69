"""Undoable edits. Each command calls exactly one store method in `redo()` and its inverse in
`undo()`, then announces the returned `Changes` through `StoreEvents`."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QUndoCommand

from annotator.core.errors import AnnotatorError
from annotator.core.model import Changes, Relation, Span, Status
from annotator.core.scheme import Label, RelationRule
from annotator.core.store import Store
from annotator.gui.events import StoreEvents


class StoreCommand(QUndoCommand):
    """Base: holds the store and the event hub; subclasses hold ids and values only and implement
    `apply()` and `revert()`, each one store call returning its `Changes`.

    A refusal (`AnnotatorError`) never escapes into Qt: it is announced through `events.failed`,
    and a command that failed on its first run is marked obsolete so the undo stack drops it.
    """

    def __init__(self, store: Store, events: StoreEvents, text: str):
        super().__init__(text)
        self.store = store
        self.events = events
        self.error = ""

    def apply(self) -> Changes:
        raise NotImplementedError

    def revert(self) -> Changes:
        raise NotImplementedError

    def redo(self) -> None:
        self._run(self.apply)

    def undo(self) -> None:
        self._run(self.revert)

    def _run(self, step) -> None:
        try:
            changes = step()
        except AnnotatorError as error:
            self.error = str(error)
            self.setObsolete(True)
            self.events.failed.emit(self.error)
            return
        self.events.announce(changes, self)


class AddSpanCommand(StoreCommand):
    def __init__(self, store: Store, events: StoreEvents, article_id: int, start: int, end: int, label: str):
        super().__init__(store, events, f"Add {label}")
        self.args = (article_id, start, end, label)
        self.span: Span | None = None

    def apply(self) -> Changes:
        if self.span is None:
            changes = self.store.add_span(*self.args)
            self.span = changes.span_rows[0]
        else:
            changes = self.store.restore_spans([self.span])
        return changes

    def revert(self) -> Changes:
        return self.store.delete_span(self.span.id)


class DeleteSpanCommand(StoreCommand):
    def __init__(self, store: Store, events: StoreEvents, span: Span):
        super().__init__(store, events, f"Delete {span.label}")
        self.span = span
        self.relations: list[Relation] = []

    def apply(self) -> Changes:
        self.relations = self.store.span_relations(self.span.id)
        return self.store.delete_span(self.span.id)

    def revert(self) -> Changes:
        return self.store.restore_spans([self.span], self.relations)


class UpdateSpanCommand(StoreCommand):
    """Change a span's label, attributes or note; `fields` are keyword arguments of update_span."""

    def __init__(self, store: Store, events: StoreEvents, old: Span, text: str, **fields: Any):
        super().__init__(store, events, text)
        self.span_id = old.id
        self.new = fields
        self.old = {name: getattr(old, name) for name in fields} | {"updated": old.updated}

    def apply(self) -> Changes:
        changes = self.store.update_span(self.span_id, **self.new)
        self.new.setdefault("updated", self.store.span(self.span_id).updated)  # redo puts back the same
        return changes

    def revert(self) -> Changes:
        return self.store.update_span(self.span_id, **self.old)


class AddRelationCommand(StoreCommand):
    def __init__(self, store: Store, events: StoreEvents, from_span: int, to_span: int, type: str):
        super().__init__(store, events, f"Relate ({type})")
        self.args = (from_span, to_span, type)
        self.relation: Relation | None = None

    def apply(self) -> Changes:
        if self.relation is None:
            changes = self.store.add_relation(*self.args)
            self.relation = self.store.relation(next(iter(changes.relations)))
        else:
            changes = self.store.restore_spans([], [self.relation])
        return changes

    def revert(self) -> Changes:
        return self.store.delete_relation(self.relation.id)


class DeleteRelationCommand(StoreCommand):
    def __init__(self, store: Store, events: StoreEvents, relation: Relation):
        super().__init__(store, events, "Delete relation")
        self.relation = relation

    def apply(self) -> Changes:
        return self.store.delete_relation(self.relation.id)

    def revert(self) -> Changes:
        return self.store.restore_spans([], [self.relation])


class SetStatusCommand(StoreCommand):
    def __init__(self, store: Store, events: StoreEvents, article_id: int, old: Status, new: Status):
        super().__init__(store, events, f"Mark {new}")
        self.article_id = article_id
        self.old, self.new = old, new

    def apply(self) -> Changes:
        return self.store.set_status(self.article_id, self.new)

    def revert(self) -> Changes:
        return self.store.set_status(self.article_id, self.old)


class AddLabelCommand(StoreCommand):
    def __init__(self, store: Store, events: StoreEvents, label: Label):
        super().__init__(store, events, f"Add label {label.name}")
        self.label = label

    def apply(self) -> Changes:
        new = self.label
        return self.store.add_label(new.name, new.color, new.shortcut, new.attributes, new.description)

    def revert(self) -> Changes:
        return self.store.delete_label(self.label.name)


class UpdateLabelCommand(StoreCommand):
    def __init__(self, store: Store, events: StoreEvents, old: Label, new: Label):
        super().__init__(store, events, f"Edit label {new.name}")
        self.old, self.new = old, new

    def apply(self) -> Changes:
        return self.store.update_label(self.new)

    def revert(self) -> Changes:
        return self.store.update_label(self.old)


class SetRelationRulesCommand(StoreCommand):
    """Replace the scheme's relation rules (labels by name, so undo survives a label re-added)."""

    def __init__(self, store: Store, events: StoreEvents, rules: tuple[RelationRule, ...]):
        super().__init__(store, events, "Edit relations")
        self.old, self.new = store.relation_rules(), rules

    def apply(self) -> Changes:
        return self.store.set_relation_rules(self.new)

    def revert(self) -> Changes:
        return self.store.set_relation_rules(self.old)


class CopySpansCommand(StoreCommand):
    """Copy spans to another annotator (adjudication accepts them into gold)."""

    def __init__(self, store: Store, events: StoreEvents, span_ids: list[int], annotator: str, text: str):
        super().__init__(store, events, text)
        self.span_ids = span_ids
        self.annotator = annotator
        self.copies: list[Span] = []
        self.relations: list[Relation] = []

    def apply(self) -> Changes:
        if self.copies:
            return self.store.restore_spans(self.copies, self.relations)
        changes = self.store.copy_spans(self.span_ids, self.annotator)
        self.copies = [self.store.span(span_id) for span_id in sorted(changes.spans)]
        self.relations = [self.store.relation(relation_id) for relation_id in sorted(changes.relations)]
        return changes

    def revert(self) -> Changes:
        return self.store.delete_spans([span.id for span in self.copies])


class DeleteSpansCommand(StoreCommand):
    def __init__(self, store: Store, events: StoreEvents, spans: list[Span], text: str):
        super().__init__(store, events, text)
        self.spans = spans
        self.relations: list[Relation] = []

    def apply(self) -> Changes:
        self.relations = list({r.id: r for s in self.spans for r in self.store.span_relations(s.id)}.values())
        return self.store.delete_spans([span.id for span in self.spans])

    def revert(self) -> Changes:
        return self.store.restore_spans(self.spans, self.relations)


class AcceptSuggestionsCommand(StoreCommand):
    """Suggestions become spans by the annotator (with their said_by relation); undo puts the
    suggestions back and removes the spans."""

    def __init__(self, store: Store, events: StoreEvents, ids: list[int], label: str | None = None):
        super().__init__(store, events, f"Accept {len(ids)} suggestion{'s' if len(ids) > 1 else ''}")
        self.ids, self.label = list(ids), label
        self.snapshot = None
        self.made: frozenset[int] = frozenset()

    def apply(self) -> Changes:
        self.snapshot = self.store.suggestion_snapshot(self.ids, with_speakers=True)
        changes = self.store.accept_suggestions(self.ids, self.label)
        self.made = changes.spans
        return changes

    def revert(self) -> Changes:
        return self.store.restore_suggestions(self.snapshot, self.made)


class RejectSuggestionsCommand(StoreCommand):
    """Suggestions are dropped and remembered as rejected; undo offers them again."""

    def __init__(self, store: Store, events: StoreEvents, ids: list[int]):
        super().__init__(store, events, f"Reject {len(ids)} suggestion{'s' if len(ids) > 1 else ''}")
        self.ids = list(ids)
        self.snapshot = None

    def apply(self) -> Changes:
        self.snapshot = self.store.suggestion_snapshot(self.ids)
        return self.store.reject_suggestions(self.ids)

    def revert(self) -> Changes:
        return self.store.restore_suggestions(self.snapshot)


class AddSpansCommand(StoreCommand):
    """Many spans in one step ("tag every occurrence"); undo removes them all."""

    def __init__(self, store: Store, events: StoreEvents, items: list[tuple[int, int, int, str]]):
        super().__init__(store, events, f"Tag {len(items)} occurrences")
        self.items = list(items)
        self.spans: list[Span] = []

    def apply(self) -> Changes:
        if not self.spans:
            changes = self.store.add_spans(self.items)
            self.spans = sorted(changes.span_rows, key=lambda span: span.id)
            return changes
        return self.store.restore_spans(self.spans)

    def revert(self) -> Changes:
        return self.store.delete_spans([span.id for span in self.spans])


class FirstSpanCommand(QUndoCommand):
    """The first span made in a new article also marks the article in progress: one undo step,
    and nothing at all if the span is refused."""

    def __init__(self, add: AddSpanCommand, mark: SetStatusCommand):
        super().__init__(add.text())
        self.add, self.mark = add, mark
        self.error = ""

    def redo(self) -> None:
        self.add.redo()
        self.error = self.add.error
        if self.error:
            self.setObsolete(True)
            return
        self.mark.redo()

    def undo(self) -> None:
        self.mark.undo()
        self.add.undo()
