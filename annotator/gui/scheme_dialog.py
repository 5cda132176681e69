"""The scheme editor: add, rename, recolour, re-key and describe labels and edit their attributes
and the codebook descriptions of those. Every change is an undoable command through the store."""

from __future__ import annotations

import csv
from dataclasses import replace

from PySide6.QtGui import QColor, QUndoStack
from PySide6.QtWidgets import (
    QColorDialog,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from annotator.core.scheme import AttributeSpec, Label, SchemeError, validate_label
from annotator.core.store import Store
from annotator.gui.actions import ACTIONS, key_sequences
from annotator.gui.commands import AddLabelCommand, UpdateLabelCommand
from annotator.gui.events import StoreEvents
from annotator.gui.palette import swatch


def reserved_keys() -> set[str]:
    """Single keys the window's own actions use, which a label may not take."""
    keys = set()
    for spec in ACTIONS:
        for sequence in key_sequences(spec):
            text = sequence.toString()
            if len(text) == 1:
                keys.add(text.lower())
    return keys


def format_attributes(specs: tuple[AttributeSpec, ...]) -> str:
    """One attribute per line: `name: a, b, c` (choice), `name (text)` or `name (yes/no)`. A
    choice with a comma or a double quote in it is quoted as in CSV ("Legality, …")."""
    lines = []
    for spec in specs:
        if spec.kind == "choice":
            lines.append(f"{spec.name}: {', '.join(_quoted(choice) for choice in spec.choices)}")
        else:
            lines.append(f"{spec.name} ({'yes/no' if spec.kind == 'bool' else 'text'})")
    return "\n".join(lines)


def _quoted(choice: str) -> str:
    return '"' + choice.replace('"', '""') + '"' if "," in choice or '"' in choice else choice


def parse_attributes(text: str) -> tuple[AttributeSpec, ...]:
    specs = []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line:
            continue
        if ":" in line:
            name, choices = line.split(":", 1)
            values = tuple(
                c.strip() for c in next(csv.reader([choices], skipinitialspace=True), []) if c.strip()
            )
            specs.append(AttributeSpec(name.strip(), "choice", values))
        elif line.endswith("(text)"):
            specs.append(AttributeSpec(line[: -len("(text)")].strip(), "text"))
        elif line.endswith("(yes/no)"):
            specs.append(AttributeSpec(line[: -len("(yes/no)")].strip(), "bool"))
        else:
            raise SchemeError(
                f"Attribute line {number}: write `name: a, b`, `name (text)` or `name (yes/no)`."
            )
    return tuple(specs)


def format_descriptions(specs: tuple[AttributeSpec, ...]) -> str:
    """One description per line: `attribute: text` and `attribute=value: text`."""
    lines = []
    for spec in specs:
        if spec.description:
            lines.append(f"{spec.name}: {spec.description}")
        lines += [f"{spec.name}={value}: {text}" for value, text in spec.value_descriptions if text]
    return "\n".join(lines)


def parse_descriptions(text: str, specs: tuple[AttributeSpec, ...]) -> tuple[AttributeSpec, ...]:
    """`specs` with the descriptions of `text` (see `format_descriptions`); a line naming an
    attribute or value the label does not have is refused."""
    described: dict[str, str] = {}
    values: dict[str, dict[str, str]] = {spec.name: {} for spec in specs}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        key, colon, description = line.partition(":")
        name, equals, value = (part.strip() for part in key.partition("="))
        spec = next((s for s in specs if s.name == name), None)
        if not colon or spec is None or (equals and value not in spec.choices):
            raise SchemeError(
                f"Description line {number}: write `attribute: text` or `attribute=value: text` "
                "for an attribute (and value) listed above."
            )
        if equals:
            values[name][value] = description.strip()
        else:
            described[name] = description.strip()
    return tuple(
        replace(
            spec,
            description=described.get(spec.name, ""),
            value_descriptions=tuple(
                (v, values[spec.name][v]) for v in spec.choices if values[spec.name].get(v)
            ),
        )
        for spec in specs
    )


class SchemeDialog(QDialog):
    def __init__(self, parent: QWidget, store: Store, events: StoreEvents, undo_stack: QUndoStack):
        super().__init__(parent)
        self.setObjectName("scheme_dialog")
        self.setWindowTitle("Edit labels")
        self.store, self.events, self.undo_stack = store, events, undo_stack
        self.color = "#888888"
        self.list = QListWidget()
        self.list.setObjectName("scheme_list")
        self.list.currentRowChanged.connect(self._show)
        self.name = QLineEdit()
        self.name.setObjectName("scheme_name")
        self.shortcut = QLineEdit()
        self.shortcut.setObjectName("scheme_shortcut")
        self.shortcut.setMaxLength(1)
        self.shortcut.setFixedWidth(40)
        self.color_button = QPushButton()
        self.color_button.setObjectName("scheme_color")
        self.color_button.clicked.connect(self._choose_color)
        self.attributes = QPlainTextEdit()
        self.attributes.setObjectName("scheme_attributes")
        self.attributes.setPlaceholderText("stance: supports, opposes\nnormalised_name (text)")
        self.description = QPlainTextEdit()
        self.description.setObjectName("scheme_description")
        self.description.setPlaceholderText(
            "What this label marks (for the codebook and the palette's tooltip)"
        )
        self.description.setMaximumHeight(64)
        self.descriptions = QPlainTextEdit()
        self.descriptions.setObjectName("scheme_attribute_descriptions")
        self.descriptions.setPlaceholderText(
            "stance: how the article positions the claim\nstance=opposes: it argues against"
        )
        self.error = QLabel()
        self.error.setObjectName("scheme_error")
        self.error.setStyleSheet("color: #c0392b;")
        self.error.setWordWrap(True)
        apply = QPushButton("Apply")
        apply.setObjectName("scheme_apply")
        apply.clicked.connect(self.apply)
        add = QPushButton("New label")
        add.setObjectName("scheme_new")
        add.clicked.connect(self._new)
        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("Key", self.shortcut)
        form.addRow("Colour", self.color_button)
        form.addRow("Description", self.description)
        form.addRow("Attributes", self.attributes)
        form.addRow("Attribute\ndescriptions", self.descriptions)
        form.addRow(self.error)
        buttons_row = QHBoxLayout()
        buttons_row.addWidget(add)
        buttons_row.addStretch(1)
        buttons_row.addWidget(apply)
        right = QVBoxLayout()
        right.addLayout(form)
        right.addLayout(buttons_row)
        body = QHBoxLayout()
        body.addWidget(self.list, 1)
        body.addLayout(right, 2)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(body)
        layout.addWidget(close)
        self.resize(660, 520)
        self._fill()

    def _fill(self, select: str | None = None) -> None:
        self.labels = self.store.labels()
        self.list.clear()
        for label in self.labels:
            self.list.addItem(label.name)
            self.list.item(self.list.count() - 1).setIcon(swatch(label.color))
        names = [label.name for label in self.labels]
        self.list.setCurrentRow(names.index(select) if select in names else 0)

    def _show(self, row: int) -> None:
        if 0 <= row < len(self.labels):
            label = self.labels[row]
            self.name.setText(label.name)
            self.shortcut.setText(label.shortcut)
            self._set_color(label.color)
            self.attributes.setPlainText(format_attributes(label.attributes))
            self.description.setPlainText(label.description)
            self.descriptions.setPlainText(format_descriptions(label.attributes))
        self.error.clear()

    def _new(self) -> None:
        self.list.clearSelection()
        self.list.setCurrentRow(-1)
        self.name.setText("")
        self.shortcut.setText("")
        self._set_color("#7f8c8d")
        self.attributes.setPlainText("")
        self.description.setPlainText("")
        self.descriptions.setPlainText("")
        self.name.setFocus()

    def _set_color(self, color: str) -> None:
        self.color = color
        self.color_button.setText(color)
        self.color_button.setIcon(swatch(color))

    def _choose_color(self) -> None:
        color = QColorDialog.getColor(QColor(self.color), self, "Label colour")
        if color.isValid():
            self._set_color(color.name())

    def current(self) -> Label | None:
        row = self.list.currentRow()
        return self.labels[row] if 0 <= row < len(self.labels) else None

    def apply(self) -> bool:
        """Validate, then add or update the label through an undoable command."""
        old = self.current()
        shortcut = self.shortcut.text().strip().lower()
        try:
            if shortcut and shortcut in reserved_keys():
                raise SchemeError(f"Key {shortcut.upper()!r} is used by the window itself; choose another.")
            new = Label(
                old.id if old else 0,
                self.name.text().strip(),
                self.color,
                shortcut,
                parse_descriptions(
                    self.descriptions.toPlainText(), parse_attributes(self.attributes.toPlainText())
                ),
                description=self.description.toPlainText().strip(),
            )
            if old is not None:
                new = replace(new, position=old.position)
            validate_label(new, self.labels if old else [*self.labels])
        except SchemeError as error:
            self.error.setText(str(error))
            return False
        if old is None:
            command = AddLabelCommand(self.store, self.events, new)
        elif new == old:
            return True
        else:
            command = UpdateLabelCommand(self.store, self.events, old, new)
        self.undo_stack.push(command)
        if command.error:
            self.error.setText(command.error)
            return False
        self._fill(select=new.name)
        return True
