"""Attributing a span (a quote to its speaker): R on it starts, a click (or Enter / R after Tab) on
a target completes. The project scheme's relation rules (`Store.relation_rules`) say which labels
may be chosen; Tab walks only those, a click on another label is refused with a message, and where
the rule allows one relation of its type (a single speaker) a new one replaces the old."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut, QUndoStack

from annotator.core.scheme import RelationRule, rule_to, rules_from
from annotator.gui.article_editor import ArticleEditor
from annotator.gui.commands import AddRelationCommand, DeleteRelationCommand


class Attribution:
    """The attribution mode on the editor's article (at most one at a time); `say(message, ms)`
    shows a hint in the status bar."""

    def __init__(self, editor: ArticleEditor, undo_stack: QUndoStack, say: Callable[[str, int], None]):
        self.editor, self.undo_stack, self.say = editor, undo_stack, say
        self.source: int | None = None
        self.rules: list[RelationRule] = []
        self.enter_shortcuts = []  # Enter completes an attribution; enabled only while attributing
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            view = editor.text_view
            enter = QShortcut(QKeySequence(key), view, context=Qt.ShortcutContext.WidgetShortcut)
            enter.setEnabled(False)
            enter.activated.connect(self._enter_pressed)
            self.enter_shortcuts.append(enter)

    @property
    def active(self) -> bool:
        return self.source is not None

    def _enter(self, on: bool) -> None:
        """Enter belongs to the attribution while it runs (and to suggestions otherwise)."""
        for shortcut in self.enter_shortcuts:
            shortcut.setEnabled(on)

    def _enter_pressed(self) -> None:
        span_id = self.editor.text_view.selected_span()
        if self.active and span_id is not None:
            self.finish(span_id)

    def _say(self, message: str, ms: int = 0) -> None:
        self.say(message, ms)

    def start(self, span_id: int) -> None:
        span = self.editor.text_view.span(span_id)
        if span is None:
            return
        rules = rules_from(span.label, self.editor.store.relation_rules())
        if not rules:
            self._say(f"The scheme lets a {span.label} point to no other label (Edit → Edit Labels…).", 4000)
            return
        self.source, self.rules = span_id, rules
        targets = {target for rule in rules for target in rule.targets}
        self._enter(True)
        self.editor.text_view.span_filter = lambda other: other.label in targets and other.id != span_id
        names = " or ".join(sorted(targets))
        self._say(f"Attribute to…: click the {names}, or Tab to one and press Enter. Esc cancels.")

    def cancel(self, message: str = "") -> None:
        self.source, self.rules = None, []
        self.editor.text_view.span_filter = None
        self._enter(False)
        if message:
            self._say(message, 2000)

    def finish(self, target_id: int) -> bool:
        """Relate the source to `target_id` if a rule allows it (else say why and stay)."""
        source, undo_stack = self.source, self.undo_stack
        target = self.editor.text_view.span(target_id)
        if source is None or target is None or target_id == source:
            return False
        rule = rule_to(target.label, self.rules)
        if rule is None:
            names = " or ".join(_a(name) for name in sorted({n for rule in self.rules for n in rule.targets}))
            source_label = self.rules[0].source
            self._say(f"A {source_label} is attributed to {names}, not to {_a(target.label)}.", 5000)
            return False
        store, events = self.editor.store, self.editor.events
        same_type = [
            relation
            for relation in store.span_relations(source)
            if relation.type == rule.type and relation.from_span == source
        ]
        if any(relation.to_span == target_id for relation in same_type):
            self.cancel(f"That {rule.source} is already attributed to that {target.label}.")
            return True
        replaced = same_type if rule.single else []
        undo_stack.beginMacro(f"Attribute {rule.source}")
        for relation in replaced:
            undo_stack.push(DeleteRelationCommand(store, events, relation))
        command = AddRelationCommand(store, events, source, target_id, rule.type)
        undo_stack.push(command)
        undo_stack.endMacro()
        self.cancel()
        if not command.error:
            done = "re-attributed" if replaced else "attributed"
            self._say(f"{rule.source.capitalize()} {done} to the {target.label}.", 3000)
        return True


def _a(noun: str) -> str:
    """`noun` with its indefinite article ("an actor", "a claim")."""
    return f"an {noun}" if noun[:1].lower() in "aeiou" else f"a {noun}"
