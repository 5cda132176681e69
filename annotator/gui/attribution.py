"""Attributing a quote to its speaker: R on a quote starts, a click (or Enter / R after Tab) on an
actor completes. The scheme's relation rules say which label may be chosen; Tab walks only those,
a click on another label is refused with a message, and a second speaker replaces the first."""

from __future__ import annotations

from typing import TYPE_CHECKING

from annotator.core.scheme import RelationRule, rule_from
from annotator.gui.commands import AddRelationCommand, DeleteRelationCommand

if TYPE_CHECKING:
    from annotator.gui.main_window import MainWindow


class Attribution:
    """The window's attribution mode (at most one at a time)."""

    def __init__(self, window: MainWindow):
        self.window = window
        self.source: int | None = None
        self.rule: RelationRule | None = None

    @property
    def active(self) -> bool:
        return self.source is not None

    def _enter(self, on: bool) -> None:
        """Enter belongs to the attribution while it runs (and to suggestions otherwise)."""
        for shortcut in self.window.enter_shortcuts:
            shortcut.setEnabled(on)

    def _say(self, message: str, ms: int = 0) -> None:
        self.window.statusBar().showMessage(message, ms)

    def start(self, span_id: int) -> None:
        span = self.window.text_view.span(span_id)
        rule = rule_from(span.label) if span is not None else None
        if rule is None:
            self._say(f"Only a quote can be attributed: “{span.label}” has no speaker.", 4000)
            return
        self.source, self.rule = span_id, rule
        self._enter(True)
        self.window.text_view.span_filter = lambda other: other.label == rule.target and other.id != span_id
        self._say(f"Attribute to…: click the {rule.target}, or Tab to one and press Enter. Esc cancels.")

    def cancel(self, message: str = "") -> None:
        self.source = self.rule = None
        self.window.text_view.span_filter = None
        self._enter(False)
        if message:
            self._say(message, 2000)

    def finish(self, target_id: int) -> bool:
        """Attribute the source to `target_id` if the rule allows it (else say why and stay)."""
        window, rule, source = self.window, self.rule, self.source
        target = window.text_view.span(target_id)
        if rule is None or source is None or target is None or target_id == source:
            return False
        if target.label != rule.target:
            self._say(f"A {rule.source} is attributed to an {rule.target}, not to a {target.label}.", 5000)
            return False
        store, events = window.store, window.events
        replaced = [
            relation
            for relation in store.span_relations(source)
            if relation.type == rule.type and relation.from_span == source
        ]
        if any(relation.to_span == target_id for relation in replaced):
            self.cancel(f"That {rule.source} is already attributed to that {rule.target}.")
            return True
        replaced = replaced if rule.single else []
        window.undo_stack.beginMacro(f"Attribute {rule.source}")
        for relation in replaced:
            window.undo_stack.push(DeleteRelationCommand(store, events, relation))
        command = AddRelationCommand(store, events, source, target_id, rule.type)
        window.undo_stack.push(command)
        window.undo_stack.endMacro()
        self.cancel()
        if not command.error:
            done = "re-attributed" if replaced else "attributed"
            self._say(f"{rule.source.capitalize()} {done} to the {rule.target}.", 3000)
        return True
