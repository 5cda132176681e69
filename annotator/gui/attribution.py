"""Attributing a span (a quote to its speaker): R on it starts, a click (or Enter / R after Tab) on
a target completes. The project scheme's relation rules (`Store.relation_rules`) say which labels
may be chosen; Tab walks only those, a click on another label is refused with a message, and where
the rule allows one relation of its type (a single speaker) a new one replaces the old."""

from __future__ import annotations

from typing import TYPE_CHECKING

from annotator.core.scheme import RelationRule, rule_to, rules_from
from annotator.gui.commands import AddRelationCommand, DeleteRelationCommand

if TYPE_CHECKING:
    from annotator.gui.main_window import MainWindow


class Attribution:
    """The window's attribution mode (at most one at a time)."""

    def __init__(self, window: MainWindow):
        self.window = window
        self.source: int | None = None
        self.rules: list[RelationRule] = []

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
        if span is None:
            return
        rules = rules_from(span.label, self.window.store.relation_rules())
        if not rules:
            self._say(f"The scheme lets a {span.label} point to no other label (Edit → Edit Labels…).", 4000)
            return
        self.source, self.rules = span_id, rules
        targets = {target for rule in rules for target in rule.targets}
        self._enter(True)
        self.window.text_view.span_filter = lambda other: other.label in targets and other.id != span_id
        names = " or ".join(sorted(targets))
        self._say(f"Attribute to…: click the {names}, or Tab to one and press Enter. Esc cancels.")

    def cancel(self, message: str = "") -> None:
        self.source, self.rules = None, []
        self.window.text_view.span_filter = None
        self._enter(False)
        if message:
            self._say(message, 2000)

    def finish(self, target_id: int) -> bool:
        """Relate the source to `target_id` if a rule allows it (else say why and stay)."""
        window, source = self.window, self.source
        target = window.text_view.span(target_id)
        if source is None or target is None or target_id == source:
            return False
        rule = rule_to(target.label, self.rules)
        if rule is None:
            names = " or ".join(_a(name) for name in sorted({n for rule in self.rules for n in rule.targets}))
            source_label = self.rules[0].source
            self._say(f"A {source_label} is attributed to {names}, not to {_a(target.label)}.", 5000)
            return False
        store, events = window.store, window.events
        same_type = [
            relation
            for relation in store.span_relations(source)
            if relation.type == rule.type and relation.from_span == source
        ]
        if any(relation.to_span == target_id for relation in same_type):
            self.cancel(f"That {rule.source} is already attributed to that {target.label}.")
            return True
        replaced = same_type if rule.single else []
        window.undo_stack.beginMacro(f"Attribute {rule.source}")
        for relation in replaced:
            window.undo_stack.push(DeleteRelationCommand(store, events, relation))
        command = AddRelationCommand(store, events, source, target_id, rule.type)
        window.undo_stack.push(command)
        window.undo_stack.endMacro()
        self.cancel()
        if not command.error:
            done = "re-attributed" if replaced else "attributed"
            self._say(f"{rule.source.capitalize()} {done} to the {target.label}.", 3000)
        return True


def _a(noun: str) -> str:
    """`noun` with its indefinite article ("an actor", "a claim")."""
    return f"an {noun}" if noun[:1].lower() in "aeiou" else f"a {noun}"
