"""Adjudication: walk through where two annotators disagree and build the gold annotation with
single keys. Accepting copies a span to the gold annotator through an undoable command; the text
shows every candidate coloured agreed / only A / only B (accepted ones in the gold colour)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QColor, QUndoStack
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from annotator.core.curation import GOLD, CurationItem, Kind, curation_items
from annotator.core.identity import cleaned_name
from annotator.core.model import Changes, SpanExtent, Status
from annotator.core.store import Store
from annotator.gui.actions import CURATION_ACTIONS, ActionId, create_actions
from annotator.gui.commands import CopySpansCommand, DeleteSpansCommand
from annotator.gui.events import StoreEvents
from annotator.gui.text_view import TextView

COLORS = {
    str(Kind.AGREED): "#2e9d4f",
    str(Kind.ONLY_A): "#1f6fd1",
    str(Kind.ONLY_B): "#e07b00",
    "gold": "#c9a400",
}
HELP = "A accept · R reject · N/P next/previous disagreement · Shift+A accept all agreed · Ctrl+Z undo"


class CurationDialog(QDialog):
    """Choose annotators A and B and the gold annotator; keys act on the current candidate."""

    def __init__(
        self,
        parent: QWidget | None,
        events: StoreEvents,
        undo_stack: QUndoStack,
        article_id: int | None = None,
    ):
        super().__init__(parent)
        self.setObjectName("curation_dialog")
        self.setWindowTitle("Adjudicate")
        self.events, self.undo_stack = events, undo_stack
        self.items: list[CurationItem] = []
        self.current: int | None = None
        self.rejected: set[tuple[int, int, str]] = set()
        self.article_id: int | None = None
        self.text = ""

        self.a_box, self.b_box = QComboBox(), QComboBox()
        self.a_box.setObjectName("annotator_a")
        self.b_box.setObjectName("annotator_b")
        self._fill_annotators()
        for box in (self.a_box, self.b_box):
            box.currentTextChanged.connect(self._annotators_changed)
        self.gold_edit = QLineEdit(GOLD)
        self.gold_edit.setObjectName("gold_annotator")
        self.gold_edit.editingFinished.connect(self.refresh)
        self.article_box = QComboBox()
        self.article_box.setObjectName("curation_article")
        self.article_box.currentIndexChanged.connect(self._article_chosen)
        self.view = TextView()
        self.view.setObjectName("curation_text")
        self.view.span_clicked.connect(self._go)
        self.list = QListWidget()
        self.list.setObjectName("curation_items")
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.list.itemClicked.connect(lambda item: self._go(self.list.row(item)))
        self.status = QLabel()
        self.status.setObjectName("curation_status")

        choose = QWidget()
        form = QFormLayout(choose)
        pair = QHBoxLayout()
        pair.addWidget(self.a_box, 1)
        pair.addWidget(QLabel("and"))
        pair.addWidget(self.b_box, 1)
        pair.addWidget(QLabel("into"))
        pair.addWidget(self.gold_edit, 1)
        form.addRow("Compare", pair)
        form.addRow("Article", self.article_box)
        splitter = QSplitter()
        splitter.addWidget(self.view)
        splitter.addWidget(self.list)
        splitter.setSizes([640, 360])
        layout = QVBoxLayout(self)
        layout.addWidget(choose)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.status)
        layout.addWidget(QLabel(HELP))
        self.key_actions = self._create_actions()
        self.events.changed.connect(self._on_changes)  # dropped by Qt when the dialog goes
        self.resize(1100, 700)
        self._fill_articles(article_id)
        self.view.setFocus()

    def _create_actions(self) -> dict[ActionId, QAction]:
        """The single keys, from the action table (the shortcut help lists them too)."""
        slots = {
            ActionId.CURATION_ACCEPT: self.accept_current,
            ActionId.CURATION_REJECT: self.reject_current,
            ActionId.CURATION_ACCEPT_AGREED: self.accept_agreed,
            ActionId.CURATION_NEXT: lambda: self.step(1),
            ActionId.CURATION_PREVIOUS: lambda: self.step(-1),
            ActionId.CURATION_UNDO: self.undo_stack.undo,
            ActionId.CURATION_REDO: self.undo_stack.redo,
        }
        actions = create_actions(self, CURATION_ACTIONS)
        for action_id, slot in slots.items():
            actions[action_id].triggered.connect(slot)
        return actions

    @property
    def store(self) -> Store:
        return self.events.store

    # ----------------------------------------------------------------- choice
    @property
    def a(self) -> str:
        return self.a_box.currentText()

    @property
    def b(self) -> str:
        return self.b_box.currentText()

    @property
    def gold(self) -> str:
        return cleaned_name(self.gold_edit.text()) or GOLD

    def _fill_annotators(self) -> None:
        """Everyone but gold, keeping the chosen pair (a merge may have brought new names)."""
        names = [name for name in self.store.annotators() if name != GOLD]
        for box, index in ((self.a_box, 0), (self.b_box, 1)):
            chosen = box.currentText()
            box.blockSignals(True)
            box.clear()
            box.addItems(names)
            box.setCurrentIndex(names.index(chosen) if chosen in names else min(index, len(names) - 1))
            box.blockSignals(False)

    def _fill_articles(self, preferred: int | None) -> None:
        """Articles A or B marked done (every article if neither marked any)."""
        ids = set()
        for name in {self.a, self.b} - {""}:
            ids |= {i for i, s in self.store.annotator_status(name).items() if s == Status.DONE}
        ordered = sorted(ids) or self.store.article_ids()
        rows = self.store.article_rows(ordered)
        self.article_box.blockSignals(True)
        self.article_box.clear()
        for article_id in ordered:
            self.article_box.addItem(f"{article_id}: {rows[article_id].title}", article_id)
        index = ordered.index(preferred) if preferred in ordered else 0
        self.article_box.setCurrentIndex(index if ordered else -1)
        self.article_box.blockSignals(False)
        self._article_chosen()

    def _annotators_changed(self) -> None:
        self._fill_articles(self.article_id)

    def _article_chosen(self) -> None:
        self.article_id = self.article_box.currentData()
        self.rejected.clear()
        self.current = None
        self.text = self.store.article(self.article_id).text if self.article_id is not None else ""
        self.view.set_article(self.text, [], COLORS)
        self.refresh()
        self.step(1)

    # ---------------------------------------------------------------- display
    def refresh(self) -> None:
        """Recompute the candidates from the store, keeping the current one by its range."""
        key = self.items[self.current].key if self.current is not None else None
        self.items = (
            curation_items(self.store, self.article_id, self.a, self.b, self.gold)
            if self.article_id is not None
            else []
        )
        keys = [item.key for item in self.items]
        self.current = keys.index(key) if key in keys else None
        self.view.set_spans(
            [
                SpanExtent(index, item.start, item.end, "gold" if item.gold else str(item.kind))
                for index, item in enumerate(self.items)
            ]
        )
        self.list.clear()
        for item in self.items:
            excerpt = self.text[item.start : item.end].replace("\n", " ")
            row = QListWidgetItem(f"{self._state(item):<9} {item.kind:<7} {item.label}: {excerpt[:60]}")
            if item.key in self.rejected:
                row.setForeground(QColor("gray"))
            self.list.addItem(row)
        self._show_current()

    def _state(self, item: CurationItem) -> str:
        if item.gold is not None:
            return "accepted"
        return "rejected" if item.key in self.rejected else "open"

    def _show_current(self) -> None:
        if self.current is not None:
            self.list.setCurrentRow(self.current)
            self.view.set_selected_span(self.current)
        else:
            self.list.clearSelection()
            self.view.set_selected_span(None)
        open_ = sum(1 for i in self.items if i.disagreement and i.gold is None and i.key not in self.rejected)
        accepted = sum(1 for i in self.items if i.gold is not None)
        agreed = sum(1 for i in self.items if not i.disagreement)
        self.status.setText(
            f"{len(self.items) - agreed} disagreements ({open_} open), {agreed} agreed; "
            f"{accepted} in {self.gold}."
        )

    def _on_changes(self, changes: Changes, initiator: object) -> None:
        """Any change to the project (an edit here or in the window, a merge, an import, another
        program's commit) that can touch the candidates shown refreshes them."""
        if changes.article_list:
            self._fill_annotators()
            self._fill_articles(self.article_id)
        elif changes.labels or self.article_id in changes.articles:
            self.refresh()

    # ---------------------------------------------------------------- gestures
    def step(self, direction: int) -> None:
        """Go to the next (previous) disagreement; stays put at the end."""
        start = self.current if self.current is not None else (-1 if direction > 0 else len(self.items))
        index = start + direction
        while 0 <= index < len(self.items):
            if self.items[index].disagreement:
                self._go(index)
                return
            index += direction
        if self.current is None and self.items:
            self._go(0)

    def _go(self, index: int) -> None:
        self.current = index
        self._show_current()

    def accept_current(self) -> None:
        """Copy the current candidate into gold (if it is not there yet), then move on."""
        if self.current is None:
            return
        item = self.items[self.current]
        self.rejected.discard(item.key)
        if item.gold is None:
            self.undo_stack.push(
                CopySpansCommand(
                    self.store, self.events, [item.source], self.gold, f"Accept {item.label} into {self.gold}"
                )
            )
        self.step(1)

    def reject_current(self) -> None:
        """Keep the current candidate out of gold (removing it if it was accepted), then move on."""
        if self.current is None:
            return
        item = self.items[self.current]
        self.rejected.add(item.key)
        if item.gold is not None:
            span = self.store.span(item.gold)
            self.undo_stack.push(
                DeleteSpansCommand(self.store, self.events, [span], f"Reject {item.label} from {self.gold}")
            )
        else:
            self.refresh()
        self.step(1)

    def accept_agreed(self) -> None:
        """Copy every agreed span not yet in gold, as one undoable step."""
        sources = [item.source for item in self.items if not item.disagreement and item.gold is None]
        if sources:
            self.undo_stack.push(
                CopySpansCommand(
                    self.store, self.events, sources, self.gold, f"Accept {len(sources)} agreed spans"
                )
            )
