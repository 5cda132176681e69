"""The context menu on a span: change label, attribute to…, edit note, copy text, delete."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import QMenu

from annotator.core.scheme import rules_from
from annotator.gui.commands import DeleteSpanCommand, UpdateSpanCommand

if TYPE_CHECKING:
    from annotator.gui.main_window import MainWindow


def span_menu(window: MainWindow, span_id: int) -> QMenu:
    """The menu for one span; each entry goes through the undo stack like its key does."""
    store, events = window.store, window.events
    span = store.span(span_id)
    menu = QMenu(window)
    menu.setObjectName("span_menu")
    menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    labels = menu.addMenu("Change &Label")

    def relabel(name: str) -> None:
        if name != span.label:
            window.undo_stack.push(UpdateSpanCommand(store, events, span, f"Relabel as {name}", label=name))

    for label in store.labels():
        action = labels.addAction(label.name)
        action.setCheckable(True)
        action.setChecked(label.name == span.label)
        action.triggered.connect(lambda _=False, name=label.name: relabel(name))
    rules = rules_from(span.label, store.relation_rules())
    targets = sorted({name for rule in rules for name in rule.targets})
    attribute = menu.addAction(f"&Attribute to {' or '.join(targets)}…" if targets else "&Attribute to…")
    attribute.setEnabled(bool(targets))
    attribute.triggered.connect(lambda: window.attribution.start(span_id))
    menu.addAction("Edit &Note…").triggered.connect(window.edit_note)
    copy = menu.addAction("&Copy Text")
    text = window.text_view.canonical_text[span.start : span.end]
    copy.triggered.connect(lambda: QGuiApplication.clipboard().setText(text))
    menu.addSeparator()
    delete: QAction = menu.addAction("&Delete Span")
    delete.triggered.connect(lambda: window.undo_stack.push(DeleteSpanCommand(store, events, span)))
    return menu
