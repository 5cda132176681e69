"""The scheme editor: add, rename, recolour, re-key and describe labels and edit their attributes,
the codebook descriptions of those and the relations a label's spans may start (which labels they
point to). Every change is an undoable command through the store. What is typed is applied when
another label is chosen or the dialog closes, so nothing typed vanishes; an edit that cannot be
applied keeps the dialog on it with the reason (closing again discards it)."""

from __future__ import annotations

import csv
from dataclasses import replace

from PySide6.QtGui import QColor, QUndoStack
from PySide6.QtWidgets import (
    QApplication,
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

from annotator.core.scheme import (
    AttributeSpec,
    Label,
    RelationRule,
    SchemeError,
    rules_from,
    validate_label,
)
from annotator.core.store import Store
from annotator.gui.actions import ACTIONS, key_sequences
from annotator.gui.commands import AddLabelCommand, SetRelationRulesCommand, UpdateLabelCommand
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


ANY_NUMBER = "(any number)"


def format_relations(rules: list[RelationRule]) -> str:
    """One rule per line: `said_by: actor` (at most one per span) or `mentions: actor, claim
    (any number)`."""
    return "\n".join(_relation_line(rule) for rule in rules)


def _relation_line(rule: RelationRule) -> str:
    return f"{rule.type}: {', '.join(rule.targets)}" + ("" if rule.single else f" {ANY_NUMBER}")


def parse_relations(text: str, source: str) -> tuple[RelationRule, ...]:
    """The rules of `text` (see `format_relations`) for spans of the label `source`."""
    rules = []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line:
            continue
        kind, colon, targets = line.partition(":")
        single = not targets.rstrip().endswith(ANY_NUMBER)
        if not single:
            targets = targets.rstrip()[: -len(ANY_NUMBER)]
        names = tuple(name.strip() for name in targets.split(",") if name.strip())
        if not colon or not kind.strip() or not names:
            raise SchemeError(
                f"Relation line {number}: write `type: label` or `type: label, label {ANY_NUMBER}`."
            )
        rules.append(RelationRule(kind.strip(), source, names, single))
    return tuple(rules)


class SchemeDialog(QDialog):
    def __init__(self, parent: QWidget, store: Store, events: StoreEvents, undo_stack: QUndoStack):
        super().__init__(parent)
        self.setObjectName("scheme_dialog")
        self.setWindowTitle("Edit labels")
        self.store, self.events, self.undo_stack = store, events, undo_stack
        self.color = "#888888"
        self.list = QListWidget()
        self.list.setObjectName("scheme_list")
        self.list.currentRowChanged.connect(self._choose)
        self.shown: int = -1  # the row whose label the fields show (-1: a new label)
        self.discard = False  # the next close drops an edit that cannot be applied
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
        self.relations = QPlainTextEdit()
        self.relations.setObjectName("scheme_relations")
        self.relations.setPlaceholderText(f"said_by: actor\nmentions: actor, claim {ANY_NUMBER}")
        self.relations.setToolTip(
            "The relations a span of this label may start (R in the window), one per line: the\n"
            "relation type, then the labels it may point to. A span has at most one relation of\n"
            f"a type (a new one replaces it) unless the line ends with {ANY_NUMBER}."
        )
        self.relations.setMaximumHeight(64)
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
        form.addRow("Relations", self.relations)
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
        close.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addLayout(body)
        layout.addWidget(close)
        self.resize(660, 520)
        self._fill()
        # The desktop session may end the program once it has asked it to save: apply what was
        # typed then (an edit that cannot be applied stays shown with its reason).
        QApplication.instance().commitDataRequest.connect(self._session_ending)

    def _session_ending(self) -> None:
        if self.isVisible() and self.edited():
            self.apply()

    def _fill(self, select: str | None = None) -> None:
        self.labels = self.store.labels()
        self.rules = self.store.relation_rules()
        self.list.blockSignals(True)
        self.list.clear()
        for label in self.labels:
            self.list.addItem(label.name)
            self.list.item(self.list.count() - 1).setIcon(swatch(label.color))
        names = [label.name for label in self.labels]
        self.list.setCurrentRow(names.index(select) if select in names else 0)
        self.list.blockSignals(False)
        self._show(self.list.currentRow())

    def _choose(self, row: int) -> None:
        """Another label was chosen: apply what was typed for the one shown, then show it."""
        if row == self.shown:
            return
        if self.edited() and not self.apply():
            self.list.blockSignals(True)
            self.list.setCurrentRow(self.shown)  # stay on the edit, with the reason shown
            self.list.blockSignals(False)
            return
        name = self.list.item(row).text() if row >= 0 and self.list.item(row) else None
        self._fill(select=name)

    def _show(self, row: int) -> None:
        self.shown = row
        if 0 <= row < len(self.labels):
            label = self.labels[row]
            self.name.setText(label.name)
            self.shortcut.setText(label.shortcut)
            self._set_color(label.color)
            self.attributes.setPlainText(format_attributes(label.attributes))
            self.description.setPlainText(label.description)
            self.descriptions.setPlainText(format_descriptions(label.attributes))
            self.relations.setPlainText(format_relations(rules_from(label.name, self.rules)))
        self.error.clear()
        self.discard = False

    def _new(self) -> None:
        if self.edited() and not self.apply():
            return
        self.list.blockSignals(True)
        self.list.clearSelection()
        self.list.setCurrentRow(-1)
        self.list.blockSignals(False)
        self.shown = -1
        self.name.setText("")
        self.shortcut.setText("")
        self._set_color("#7f8c8d")
        self.attributes.setPlainText("")
        self.description.setPlainText("")
        self.descriptions.setPlainText("")
        self.relations.setPlainText("")
        self.error.clear()
        self.name.setFocus()

    def edited(self) -> bool:
        """Whether the fields hold something the store does not (for a new label: anything typed)."""
        old = self.current()
        fields = (
            self.name.text().strip(),
            self.shortcut.text().strip().lower(),
            self.attributes.toPlainText().strip(),
            self.description.toPlainText().strip(),
            self.descriptions.toPlainText().strip(),
            self.relations.toPlainText().strip(),
        )
        if old is None:
            return any(fields)
        stored = (
            old.name,
            old.shortcut,
            format_attributes(old.attributes),
            old.description,
            format_descriptions(old.attributes),
            format_relations(rules_from(old.name, self.rules)),
        )
        return fields != stored or self.color != old.color

    def done(self, result: int) -> None:
        """Closing (Close, Esc, the title bar) applies what was typed; if it cannot be applied,
        the dialog stays open with the reason, and closing again discards it."""
        if self.discard or not self.edited() or self.apply():
            super().done(result)
            return
        self.discard = True
        self.error.setText(f"{self.error.text()} Close again to discard this edit.")

    def _set_color(self, color: str) -> None:
        self.color = color
        self.color_button.setText(color)
        self.color_button.setIcon(swatch(color))

    def _choose_color(self) -> None:
        color = QColorDialog.getColor(QColor(self.color), self, "Label colour")
        if color.isValid():
            self._set_color(color.name())

    def current(self) -> Label | None:
        row = self.shown
        return self.labels[row] if 0 <= row < len(self.labels) else None

    def apply(self) -> bool:
        """Validate, then add or update the label and its relations as one undoable step."""
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
            relations = parse_relations(self.relations.toPlainText(), new.name)
            known = {label.name for label in self.labels} | {new.name}
            unknown = next((name for rule in relations for name in rule.targets if name not in known), None)
            if unknown is not None:
                raise SchemeError(f"Relations: the scheme has no label {unknown!r}.")
        except SchemeError as error:
            self.error.setText(str(error))
            return False
        if old is not None and new == old and relations == tuple(rules_from(old.name, self.rules)):
            return True
        self.undo_stack.beginMacro(f"Edit label {new.name}" if old else f"Add label {new.name}")
        error = self._push(
            AddLabelCommand(self.store, self.events, new)
            if old is None
            else UpdateLabelCommand(self.store, self.events, old, new)
            if new != old
            else None
        )
        if not error:
            others = [rule for rule in self.store.relation_rules() if rule.source != new.name]
            error = self._push(SetRelationRulesCommand(self.store, self.events, (*others, *relations)))
            self.undo_stack.endMacro()
            if error:
                self.undo_stack.undo()  # the label without its relations: nothing half applied
        else:
            self.undo_stack.endMacro()
        if error:
            self.error.setText(error)
            return False
        self._fill(select=new.name)
        return True

    def _push(self, command) -> str:
        """Push `command` (if any); its error, if it was refused."""
        if command is None:
            return ""
        self.undo_stack.push(command)
        return command.error
