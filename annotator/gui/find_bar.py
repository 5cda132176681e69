"""Edit → Find: a bar under the text that highlights every occurrence in the open article and
steps through them (F3 / Shift+F3); the hits of a corpus search are stepped through the same way."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QToolButton, QWidget

from annotator.gui.text_view import TextView


class FindBar(QWidget):
    """Case-insensitive, literal search in the text `article_text()` returns; `say(message, ms)`
    shows where a step went while the bar is hidden."""

    def __init__(
        self,
        view: TextView,
        article_text: Callable[[], str | None],
        say: Callable[[str, int], None],
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setObjectName("find_bar")
        self.view, self.article_text, self.say = view, article_text, say
        self.index = -1
        self.edit = QLineEdit()
        self.edit.setObjectName("find_edit")
        self.edit.setPlaceholderText("Find in article")
        self.edit.textChanged.connect(self.search)
        self.edit.returnPressed.connect(lambda: self.step(1))
        self.count = QLabel()
        close = QToolButton()
        close.setText("✕")
        close.clicked.connect(self.close_bar)
        row = QHBoxLayout(self)
        row.setContentsMargins(6, 3, 6, 3)
        row.addWidget(QLabel("Find:"))
        row.addWidget(self.edit, 1)
        row.addWidget(self.count)
        row.addWidget(close)
        self.hide()

    def open_bar(self) -> None:
        self.show()
        self.edit.setFocus()
        self.edit.selectAll()

    def close_bar(self) -> None:
        self.hide()
        self.view.set_highlights([])
        self.view.setFocus()

    def search(self, text: str) -> None:
        """Highlight every occurrence of `text` and go to the first."""
        article = self.article_text()
        if article is None or not text:
            self.view.set_highlights([])
            self.count.setText("")
            return
        ranges = [(m.start(), m.end()) for m in re.finditer(re.escape(text), article, re.IGNORECASE)]
        self.count.setText(f"{len(ranges)} found" if ranges else "not found")
        self.show_hits(ranges)

    def show_hits(self, ranges: Sequence[tuple[int, int]]) -> None:
        """Highlight these ranges and go to the first (a corpus search's hits in the article)."""
        self.view.set_highlights(ranges)
        self.index = -1
        if ranges:
            self.step(1)

    def refresh(self) -> None:
        """Another article is shown: search it for the same text."""
        if self.isVisible():
            self.search(self.edit.text())

    def step(self, step: int) -> None:
        ranges = self.view.highlight_ranges()
        if not ranges:
            return
        self.index = (self.index + step) % len(ranges)
        self.view.select_range(*ranges[self.index])
        self.count.setText(f"{self.index + 1} of {len(ranges)}")
        if not self.isVisible():
            self.say(f"Hit {self.index + 1} of {len(ranges)} (F3: next)", 4000)
