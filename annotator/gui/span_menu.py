"""The context menu on a span: change label, attribute to…, edit note, copy text, delete."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import QMenu, QWidget

from annotator.core.scheme import rules_from
from annotator.gui.commands import DeleteSpanCommand
from annotator.gui.span_gestures import SpanGestures


def span_menu(gestures: SpanGestures, span_id: int, parent: QWidget) -> QMenu:
    """The menu for one span; each entry goes through the undo stack like its key does."""
    store, events = gestures.store, gestures.events
    span = store.span(span_id)
    menu = QMenu(parent)
    menu.setObjectName("span_menu")
    menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    labels = menu.addMenu("Change &Label")
    for label in store.labels():
        action = labels.addAction(label.name)
        action.setCheckable(True)
        action.setChecked(label.name == span.label)
        action.triggered.connect(lambda _=False, name=label.name: gestures.relabel(span, name))
    rules = rules_from(span.label, store.relation_rules())
    targets = sorted({name for rule in rules for name in rule.targets})
    attribute = menu.addAction(f"&Attribute to {' or '.join(targets)}…" if targets else "&Attribute to…")
    attribute.setEnabled(bool(targets))
    attribute.triggered.connect(lambda: gestures.attribution.start(span_id))
    menu.addAction("Edit &Note…").triggered.connect(gestures.note_wanted)
    copy = menu.addAction("&Copy Text")
    text = gestures.editor.text_view.canonical_text[span.start : span.end]
    copy.triggered.connect(lambda: QGuiApplication.clipboard().setText(text))
    menu.addSeparator()
    delete: QAction = menu.addAction("&Delete Span")
    delete.triggered.connect(lambda: gestures.push(DeleteSpanCommand(store, events, span)))
    return menu
