"""Span details: the selected span's text, label, attributes, note and relations, editable."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from annotator.core.model import Changes, Relation, Span
from annotator.core.scheme import AttributeSpec, Label
from annotator.gui.events import StoreEvents
from annotator.gui.text_field import TextField

UNSET = "—"
MIN_WIDTH = 180


class SpanDetails(QWidget):
    """Edits are emitted as requests; the window turns them into undoable commands. The label
    choices follow scheme edits (`StoreEvents`).

    A typed note or text attribute is committed when its editor loses focus or Return is
    pressed, and also by `commit()`, which runs before another span (or none) is shown and which
    the window calls before it closes: a shortcut (Ctrl+Enter, Tab, Alt+Down) leaves the focus
    where it is, so focus alone would lose what was typed.
    """

    update_requested = Signal(int, dict)  # span id, keyword arguments for update_span
    delete_relation_requested = Signal(int)

    def __init__(self, events: StoreEvents, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("span_details")
        self.events = events
        # A fixed minimum: the fields of a span with more attributes never widen the dock (which
        # would re-wrap the article text under the user's eyes).
        self.setMinimumWidth(MIN_WIDTH)
        self.span: Span | None = None
        self.labels: list[Label] = []
        self.text_attributes: dict[str, TextField] = {}
        self._shown = 0  # counts show_span calls, to notice one made while committing
        self._as_shown: dict[str, str] = {}  # editor texts as shown ("" is the note)
        self._text_shown = ""  # the span's text as `text` shows it
        layout = QVBoxLayout(self)
        self.empty = QLabel("No span selected.\nClick a span or press Tab.")
        self.empty.setEnabled(False)
        layout.addWidget(self.empty, 0, Qt.AlignmentFlag.AlignTop)
        self.body = QWidget()
        self.form = QFormLayout(self.body)
        self.text = QPlainTextEdit()
        self.text.setObjectName("details_text")
        self.text.setReadOnly(True)
        self.text.setMaximumHeight(96)
        self.text.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.label = _narrow(QComboBox())
        self.label.setObjectName("details_label")
        self.label.activated.connect(self._label_chosen)
        self.note = TextField(lines=3, stretch=3)  # takes most of the room the dock gives
        self.note.setObjectName("details_note")
        self.note.setPlaceholderText("Note")
        self.note.editingFinished.connect(self.commit)
        self.relations = QListWidget()
        self.relations.setObjectName("details_relations")
        self.relations.setMaximumHeight(90)
        self.relations.setWordWrap(True)  # a long description wraps in the narrow dock
        self.relations.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.remove_relation = QPushButton("Remove attribution")
        self.remove_relation.clicked.connect(self._remove_relation)
        self.form.addRow("Text", self.text)
        self.form.addRow("Label", self.label)
        self.attribute_rows: list[QWidget] = []
        self.attribute_specs: tuple[AttributeSpec, ...] = ()  # what the rows were made for
        self.form.addRow("Note", self.note)
        self.form.addRow("Relations", self.relations)
        self.form.addRow("", self.remove_relation)
        layout.addWidget(self.body, 1)
        self.show_span(None)
        self.set_labels(events.store.labels())
        events.changed.connect(self._changed)

    def _changed(self, changes: Changes, initiator: object) -> None:
        if changes.labels:
            self.set_labels(self.events.store.labels())

    def set_labels(self, labels: list[Label]) -> None:
        self.labels = labels
        self.label.clear()
        self.label.addItems([label.name for label in labels])

    def show_span(
        self, span: Span | None, text: str = "", relations: list[tuple[Relation, str]] = ()
    ) -> None:
        """Show `span` (None: nothing selected). `relations` pairs each relation with a description.
        What was typed for the span shown so far is committed first."""
        shown = self._shown
        self.commit()
        if self._shown != shown:
            return  # committing refreshed the view with fresher data than `span`
        self._shown += 1
        self.span = span
        self.empty.setVisible(span is None)
        self.body.setVisible(span is not None)
        if span is None:
            return
        text = text if len(text) < 2000 else text[:2000] + "…"
        if text != self._text_shown:  # the same text set again would repaint the field
            self._text_shown = text
            self.text.setPlainText(text)
        self.label.setCurrentText(span.label)
        label = next((lab for lab in self.labels if lab.name == span.label), None)
        self._show_attributes(label.attributes if label else (), span.attributes)
        self.note.setText(span.note)
        self._remember_shown()
        if self.relations.count():  # clearing an empty list still repaints it
            self.relations.clear()
        for relation, description in relations:
            item = QListWidgetItem(description)
            item.setData(Qt.ItemDataRole.UserRole, relation.id)
            self.relations.addItem(item)
        self.remove_relation.setEnabled(bool(relations))

    def _show_attributes(self, specs: tuple[AttributeSpec, ...], values: dict[str, Any]) -> None:
        """One editor per attribute of the span's label, holding the span's values. The editors
        are made again only for a label with other attributes: showing the next span of the same
        label (every span just added, as a rule) only sets values."""
        if specs != self.attribute_specs:
            for widget in self.attribute_rows:
                self.form.removeRow(widget)
            self.attribute_rows, self.text_attributes = [], {}
            for index, spec in enumerate(specs):
                editor = self._attribute_editor(spec)
                editor.setObjectName(f"attribute:{spec.name}")
                self.form.insertRow(2 + index, spec.name.replace("_", " ").capitalize(), editor)
                self.attribute_rows.append(editor)
            self.attribute_specs = specs
        for spec, editor in zip(specs, self.attribute_rows, strict=True):
            value = values.get(spec.name)
            editor.blockSignals(True)  # a value shown is no edit
            if isinstance(editor, QCheckBox):
                editor.setChecked(bool(value))
            elif isinstance(editor, TextField):
                editor.setText(str(value or ""))
            else:
                editor.setCurrentText(str(value) if value in spec.choices else UNSET)
            editor.blockSignals(False)

    def _attribute_editor(self, spec: AttributeSpec) -> QWidget:
        name, choices = spec.name, spec.choices
        if spec.kind == "bool":
            box = QCheckBox()
            box.toggled.connect(lambda checked: self._set_attribute(name, checked))
            return box
        if spec.kind == "text":
            line = TextField()
            line.editingFinished.connect(self.commit)
            self.text_attributes[name] = line
            return line
        combo = _narrow(QComboBox())
        combo.addItems([UNSET, *choices])
        combo.activated.connect(lambda i: self._set_attribute(name, None if i == 0 else choices[i - 1]))
        return combo

    def _set_attribute(self, name: str, value: Any) -> None:
        if self.span is None or self.span.attributes.get(name) == value:
            return
        attributes = {k: v for k, v in self.span.attributes.items() if k != name}
        if value is not None:
            attributes[name] = value
        self.update_requested.emit(self.span.id, {"attributes": attributes})

    def _label_chosen(self, index: int) -> None:
        name = self.label.itemText(index)
        if self.span is not None and name != self.span.label:
            self.update_requested.emit(self.span.id, {"label": name})

    def pending(self) -> dict[str, Any]:
        """The fields whose editors the user changed since the span was shown (or committed)."""
        if self.span is None:
            return {}
        fields: dict[str, Any] = {}
        if self.note.text() != self._as_shown.get("", self.note.text()):
            fields["note"] = self.note.text()
        attributes = dict(self.span.attributes)
        for name, line in self.text_attributes.items():
            if line.text() != self._as_shown.get(name, line.text()):
                attributes.pop(name, None)
                if line.text().strip():
                    attributes[name] = line.text().strip()
        if attributes != self.span.attributes:
            fields["attributes"] = attributes
        return fields

    def commit(self) -> None:
        """Emit what was typed and not yet stored (once: the shown span is updated to match)."""
        fields = self.pending()
        if fields:
            span, self.span = self.span, replace(self.span, **fields)
            self._remember_shown()
            self.update_requested.emit(span.id, fields)

    def _remember_shown(self) -> None:
        self._as_shown = {name: line.text() for name, line in self.text_attributes.items()}
        self._as_shown[""] = self.note.text()

    def _remove_relation(self) -> None:
        item = self.relations.currentItem() or self.relations.item(0)
        if item is not None:
            self.delete_relation_requested.emit(item.data(Qt.ItemDataRole.UserRole))


def _narrow(combo: QComboBox) -> QComboBox:
    """A combo box whose width does not follow its longest choice, so showing another span never
    widens the dock (which would re-wrap the article text)."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(10)
    return combo
