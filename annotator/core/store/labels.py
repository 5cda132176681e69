"""The label scheme's tables: the palette, read once and cached, its relation rules, and their
edits."""

from __future__ import annotations

from collections.abc import Iterable

from annotator.core.errors import NotFound, SchemeError
from annotator.core.model import Changes, Op
from annotator.core.scheme import AttributeSpec, Label, RelationRule, validate_label, validate_rules
from annotator.core.store import rows
from annotator.core.store.base import StorePart

# Colours given to labels that first appear in an imported file.
EXTRA_COLORS = ("#911eb4", "#46f0f0", "#f032e6", "#bcf60c", "#008080", "#9a6324", "#800000")
LABEL_INSERT = (
    "INSERT INTO labels (name, color, shortcut, position, attributes, description) "
    "VALUES (?, ?, ?, (SELECT coalesce(max(position), -1) + 1 FROM labels), ?, ?)"
)


class Labels(StorePart):
    """The `labels` table."""

    def labels(self) -> list[Label]:
        """The scheme, in palette order."""
        if self._labels is None:
            self._labels = [rows.label(row) for row in self.conn.execute(rows.LABEL_SELECT)]
        return list(self._labels)

    def label(self, name: str) -> Label:
        """The label called `name`; NotFound (a KeyError) if the scheme has none."""
        for label in self.labels():
            if label.name == name:
                return label
        raise NotFound(f"The label {name!r}")

    def add_label(
        self,
        name: str,
        color: str,
        shortcut: str = "",
        attributes: Iterable[AttributeSpec] = (),
        description: str = "",
    ) -> Changes:
        """Add a label at the end of the palette."""
        labels = self.labels()
        label = Label(0, name, color, shortcut, tuple(attributes), len(labels), description)
        validate_label(label, labels)
        with self._write() as conn:
            conn.execute(
                LABEL_INSERT, [name, color, shortcut, rows.attributes_json(label.attributes), description]
            )
        self._labels = None
        return Changes(Op.ADD_LABEL, labels=True)

    def update_label(self, label: Label) -> Changes:
        """Rename, recolour, re-key, re-describe or change the attributes of the label with `label.id`."""
        labels = self.labels()
        if not any(other.id == label.id for other in labels):
            raise SchemeError(f"No label with id {label.id}")
        validate_label(label, labels)
        with self._write() as conn:
            conn.execute(
                "UPDATE labels SET name = ?, color = ?, shortcut = ?, attributes = ?, description = ? "
                "WHERE id = ?",
                [
                    label.name,
                    label.color,
                    label.shortcut,
                    rows.attributes_json(label.attributes),
                    label.description,
                    label.id,
                ],
            )
        self._labels = None
        return Changes(Op.UPDATE_LABEL, labels=True)

    def delete_label(self, name: str) -> Changes:
        """Remove an unused label; a label still used by spans is refused."""
        label = self.label(name)
        used = self.conn.execute("SELECT count(*) FROM spans WHERE label_id = ?", [label.id]).fetchone()[0]
        if used:
            raise SchemeError(f"Label {name!r} is used by {used} spans; delete or relabel them first.")
        with self._write() as conn:
            conn.execute("DELETE FROM labels WHERE id = ?", [label.id])
        self._labels = None
        return Changes(Op.DELETE_LABEL, labels=True)

    def relation_rules(self) -> tuple[RelationRule, ...]:
        """Which label each relation type may point to, from which label, and whether a source
        span has at most one such relation; by type and then palette order."""
        found = self.conn.execute(
            "SELECT r.type, s.name, t.name, r.single FROM relation_rules r "
            "JOIN labels s ON s.id = r.source_label JOIN labels t ON t.id = r.target_label "
            "ORDER BY s.position, s.id, r.type, t.position, t.id"
        )
        rules: dict[tuple[str, str], RelationRule] = {}
        for kind, source, target, single in found:
            rule = rules.get((kind, source))
            targets = (*rule.targets, target) if rule else (target,)
            single = bool(single) and (rule is None or rule.single)
            rules[(kind, source)] = RelationRule(kind, source, targets, single)
        return tuple(rules.values())

    def set_relation_rules(self, rules: Iterable[RelationRule]) -> Changes:
        """Replace the scheme's relation rules with `rules` (labels by name)."""
        rules = tuple(rules)
        labels = self.labels()
        validate_rules(rules, labels)
        ids = {label.name: label.id for label in labels}
        with self._write() as conn:
            conn.execute("DELETE FROM relation_rules")
            conn.executemany(
                "INSERT INTO relation_rules (type, source_label, target_label, single) VALUES (?, ?, ?, ?)",
                [
                    (rule.type, ids[rule.source], ids[target], int(rule.single))
                    for rule in rules
                    for target in dict.fromkeys(rule.targets)
                ],
            )
        return Changes(Op.SET_RELATION_RULES, labels=True)

    def _add_missing_labels(self, names: Iterable[str]) -> None:
        """Add the labels of `names` the scheme lacks, with spare colours, inside the caller's
        transaction, in one statement (a codebook may name thousands)."""
        known = {label.name for label in self.labels()}
        new = [name for name in dict.fromkeys(names) if name not in known]
        rows_ = []
        for number, name in enumerate(new, len(known)):
            color = EXTRA_COLORS[number % len(EXTRA_COLORS)]
            validate_label(Label(0, name, color), [])
            rows_.append([name, color, "", "[]", ""])
        self.conn.executemany(LABEL_INSERT, rows_)
        self._labels = None

    def _label_id(self, name: str, create: bool = False) -> int:
        """The id of the label `name`; with `create`, a label first met in an import is added
        (inside the caller's transaction) with the next spare colour."""
        try:
            return self.label(name).id
        except NotFound:
            if not create:
                raise SchemeError(f"The scheme has no label {name!r}") from None
        self._add_missing_labels([name])
        return self.label(name).id
