"""The label palette: one button per label with its colour, key and count in this article."""

from __future__ import annotations

import html
from collections.abc import Mapping

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from annotator.core.codebook import label_tooltip
from annotator.core.model import Changes
from annotator.core.scheme import Label
from annotator.gui.events import StoreEvents


def swatch(color: str, size: int = 14) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(color))
    return QIcon(pixmap)


class LabelPalette(QWidget):
    """Clicking a label asks the window to apply it; buttons never take focus from the text.
    It rebuilds itself when the scheme changes (`StoreEvents`)."""

    label_clicked = Signal(str)
    edit_requested = Signal()

    def __init__(self, events: StoreEvents, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("label_palette")
        self.events = events
        self.buttons: dict[str, QPushButton] = {}
        self.counts: Mapping[str, int] = {}
        self._labels: list[Label] = []
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(6, 6, 6, 6)
        self._hint = QLabel("Select text, then press a label's key or click it.")
        self._hint.setWordWrap(True)
        self._hint.setEnabled(False)
        events.changed.connect(self._changed)
        self.set_labels(events.store.labels(), {})

    def _changed(self, changes: Changes, initiator: object) -> None:
        if changes.labels:
            self.set_labels(self.events.store.labels(), self.counts)

    def set_labels(self, labels: list[Label], counts: Mapping[str, int]) -> None:
        """Rebuild the buttons from the scheme (after a scheme edit or on opening a project)."""
        while self._layout.count():
            item = self._layout.takeAt(0)
            if item.widget() is not None and item.widget() is not self._hint:
                item.widget().deleteLater()
        self.buttons.clear()
        for label in labels:
            button = QPushButton(swatch(label.color), "")
            button.setObjectName(f"label_button:{label.name}")
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setStyleSheet("text-align: left; padding: 4px 8px;")
            tip = label_tooltip(label)
            if tip:  # escaped: a description is shown as the text it is, never as markup
                button.setToolTip(f"<p style='white-space: pre-wrap'>{html.escape(tip)}</p>")
            button.clicked.connect(lambda _=False, name=label.name: self.label_clicked.emit(name))
            self.buttons[label.name] = button
            self._layout.addWidget(button)
        self._labels = labels
        self.set_counts(counts)
        edit = QPushButton("Edit labels…")
        edit.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        edit.clicked.connect(self.edit_requested)
        self._layout.addWidget(edit)
        self._layout.addWidget(self._hint)
        self._layout.addStretch(1)

    def set_counts(self, counts: Mapping[str, int]) -> None:
        """Spans per label in the open article."""
        self.counts = counts
        for label in self._labels:
            key = f"[{label.shortcut.upper()}]" if label.shortcut else "   "
            self.buttons[label.name].setText(f"{key}  {label.name}    {counts.get(label.name, 0)}")
